import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting
@testable import Yiwei

/// A fake WeCom/DingTalk robot on loopback: records what arrives, or is "down" (503).
final class FakeRobot: Sendable {
    struct Received: Sendable { var path: String; var query: String?; var body: String; var key: String? }
    let app: Application
    let port: Int

    init() async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        let box = NIOLockedValueBox<(down: Bool, received: [Received])>((false, []))
        app.post("**") { req async -> Response in
            if box.withLockedValue({ $0.down }) { return Response(status: .serviceUnavailable) }
            let entry = Received(path: req.url.path, query: req.url.query, body: req.body.string ?? "", key: req.headers.first(name: "X-Yiwei-Message"))
            box.withLockedValue { $0.received.append(entry) }
            let response = Response(status: .ok, body: .init(string: #"{"errcode":0,"errmsg":"ok"}"#))
            response.headers.contentType = .json
            return response
        }
        try await app.asyncBoot()
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        self.app = app
        self.port = app.http.server.shared.localAddress?.port ?? 0
        stateBox = box
    }
    private let stateBox: NIOLockedValueBox<(down: Bool, received: [Received])>

    var messages: [Received] { stateBox.withLockedValue { $0.received } }
    func down(_ value: Bool) { stateBox.withLockedValue { $0.down = value } }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}

@Suite("Group robots through the outbox: formats, signing, retries, nothing lost, nothing twice")
struct OutboxTests {
    @Test("the robot is down: the P1 message waits, backs off 10 s, and arrives once when it is back")
    func downThenUp() async throws {
        let robot = try await FakeRobot()
        do {
            try await withYiwei { env in
                let h = try await Hospital.make(env)
                let channel = try await env.send(.POST, "/api/v1/notification-channels", token: h.admin,
                                                 json: ChannelBody(name: "信息科群", kind: "wecom", url: "http://127.0.0.1:\(robot.port)/wecom", events: ["ticket.p1", "sla."]))
                #expect(channel.status == .created, "\(channel.body.string)")
                robot.down(true)
                let t = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
                _ = try await h.report(title: "普通故障不发群") // P3: not a group event
                let first = try await OutboxWorker.deliver(env.app, now: env.clock.now())
                #expect(first.sent == 0 && first.failed == 1)
                let log = try await env.send(.GET, "/api/v1/outbox", token: h.admin).content.decode(Page<OutboxDTO>.self)
                #expect(log.total == 1)
                #expect(log.items[0].attempts == 1)
                #expect(log.items[0].lastError == "HTTP 503")
                #expect(log.items[0].nextAttemptAt == env.clock.now().addingTimeInterval(10))
                robot.down(false)
                #expect(try await OutboxWorker.deliver(env.app, now: env.clock.now()).sent == 0) // not due yet
                env.clock.advance(by: 10)
                #expect(try await OutboxWorker.deliver(env.app, now: env.clock.now()).sent == 1)
                #expect(try await OutboxWorker.deliver(env.app, now: env.clock.now().addingTimeInterval(3600)).sent == 0)
                let arrived = robot.messages
                #expect(arrived.count == 1)
                let json = try JSONSerialization.jsonObject(with: Data(arrived[0].body.utf8)) as! [String: Any]
                #expect(json["msgtype"] as? String == "markdown")
                let content = (json["markdown"] as? [String: Any])?["content"] as? String
                #expect(content?.hasPrefix("**一级工单：\(t.number)「HIS 全院无法登录」**\n> ") == true)
                #expect(try await env.send(.GET, "/api/v1/outbox?status=sent", token: h.admin).content.decode(Page<OutboxDTO>.self).total == 1)
            }
        } catch {
            await robot.stop()
            throw error
        }
        await robot.stop()
    }

    @Test("after 8 failures a message is dead; an admin retries it and it arrives")
    func deadAndRetry() async throws {
        let robot = try await FakeRobot()
        do {
            try await withYiwei { env in
                let h = try await Hospital.make(env)
                _ = try await env.send(.POST, "/api/v1/notification-channels", token: h.admin,
                                       json: ChannelBody(name: "钉钉群", kind: "dingtalk", url: "http://127.0.0.1:\(robot.port)/robot/send?access_token=abc",
                                                         secret: "SECdemo123", events: []))
                robot.down(true)
                _ = try await h.report(title: "急诊叫号系统宕机", extra: ["impact": "hospital", "urgency": "patient_safety"])
                for _ in 1...8 {
                    env.clock.advance(by: 3600)
                    _ = try await OutboxWorker.deliver(env.app, now: env.clock.now())
                }
                let dead = try await env.send(.GET, "/api/v1/outbox?status=dead", token: h.admin).content.decode(Page<OutboxDTO>.self)
                #expect(dead.total == 1)
                #expect(dead.items[0].attempts == 8)
                robot.down(false)
                // DingTalk's signature is checked against Python's hmac for this secret and instant.
                env.clock.set(Date(timeIntervalSince1970: 1_795_000_000))
                #expect(try await env.send(.POST, "/api/v1/outbox/\(dead.items[0].id)/retry", token: h.admin).status == .noContent)
                #expect(try await OutboxWorker.deliver(env.app, now: env.clock.now()).sent == 1)
                let arrived = try #require(robot.messages.first)
                #expect(arrived.path == "/robot/send")
                #expect(arrived.query == "access_token=abc&timestamp=1795000000000&sign=CkJHZ2IwZPhcjFGh1wthB5rsudRKGRoIyRyzXyGBzSg%3D")
                let json = try JSONSerialization.jsonObject(with: Data(arrived.body.utf8)) as! [String: Any]
                let markdown = json["markdown"] as? [String: Any]
                #expect((markdown?["title"] as? String)?.hasPrefix("一级工单：") == true)
                #expect((markdown?["text"] as? String)?.hasPrefix("### 一级工单：") == true)
                #expect(try await env.send(.POST, "/api/v1/outbox/\(dead.items[0].id)/retry", token: h.admin).status == .conflict)
            }
        } catch {
            await robot.stop()
            throw error
        }
        await robot.stop()
    }

    @Test("channels are validated and admin-only; back-off doubles to an hour")
    func channelsAndBackoff() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            for (body, field) in [(ChannelBody(name: "x", kind: "sms", url: "https://x.example/hook"), "kind"),
                                  (ChannelBody(name: "x", kind: "wecom", url: "ftp://x"), "url"),
                                  (ChannelBody(kind: "wecom", url: "https://x.example/hook"), "name"),
                                  (ChannelBody(name: "x", kind: "wecom", url: "https://x.example/hook", domain: "hr"), "domain")] {
                let res = try await env.send(.POST, "/api/v1/notification-channels", token: admin, json: body)
                #expect(res.status == .unprocessableEntity)
                #expect(res.errorFields[field] != nil, "\(res.body.string)")
            }
            let agent = try await env.makeUser("liming", roles: ["agent"])
            #expect(try await env.send(.GET, "/api/v1/outbox", token: agent.token).status == .forbidden)
            #expect([1, 2, 3, 9, 10].map(OutboxWorker.backoff(attempts:)) == [10, 20, 40, 2560, 3600])
        }
    }
}

@Suite("Channels page")
struct ChannelPagesTests {
    @Test("an admin adds a robot from the page and sees the delivery log; others may not")
    func page() async throws {
        try await withYiwei { env in
            let admin = Browser(env)
            _ = try await admin.signIn("admin", adminPassword)
            let empty = try await admin.get("/admin/channels")
            #expect(empty.status == .ok)
            #expect(empty.body.string.contains("还没有配置消息通道"))
            let bad = try await admin.post("/admin/channels", [("name", "信息科群"), ("kind", "wecom"), ("url", "not a url"), ("secret", ""), ("events", ""), ("domain", "")])
            #expect(bad.status == .unprocessableEntity)
            try await admin.get("/admin/channels")
            let ok = try await admin.post("/admin/channels", [("name", "信息科群"), ("kind", "wecom"), ("url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"),
                                                             ("secret", ""), ("events", "ticket.p1, sla."), ("domain", "it")])
            #expect(ok.status == .seeOther)
            let list = try await admin.get("/admin/channels")
            #expect(list.body.string.contains("qyapi.weixin.qq.com"))
            #expect(list.body.string.contains("ticket.p1、sla."))
            #expect(!list.body.string.contains("key=x"))
        }
    }
}
