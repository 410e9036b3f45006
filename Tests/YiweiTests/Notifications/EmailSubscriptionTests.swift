import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import VaporTesting
@testable import Yiwei

/// A fake SMTP server on loopback: speaks enough RFC 5321 for the client, records each message, or
/// refuses mail (451) while "down".
final class FakeSMTP: Sendable {
    struct Mail: Sendable { var from: String; var to: [String]; var data: String; var auth: String? }
    let group: MultiThreadedEventLoopGroup
    let channel: any Channel
    let port: Int
    private let state = NIOLockedValueBox<(down: Bool, mails: [Mail])>((false, []))

    init() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let state = self.state
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child, configuration: .init())
                }
            }
        self.group = group
        self.channel = server.channel
        self.port = server.channel.localAddress?.port ?? 0
        Task {
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    Task { try? await FakeSMTP.serve(connection, state: state) }
                }
            }
        }
    }

    static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, state: NIOLockedValueBox<(down: Bool, mails: [Mail])>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            func say(_ s: String) async throws { try await outbound.write(ByteBuffer(string: s + "\r\n")) }
            try await say("220 fake.hospital.cn ESMTP")
            var pending = "", inData = false, mail = Mail(from: "", to: [], data: "", auth: nil)
            for try await chunk in inbound {
                pending += String(buffer: chunk)
                while true {
                    if inData {
                        guard let end = pending.range(of: "\r\n.\r\n") else { break }
                        mail.data = String(pending[..<end.lowerBound])
                        pending.removeSubrange(..<end.upperBound)
                        inData = false
                        let stored = mail
                        state.withLockedValue { $0.mails.append(stored) }
                        try await say("250 queued")
                        continue
                    }
                    guard let end = pending.range(of: "\r\n") else { break }
                    let line = String(pending[..<end.lowerBound])
                    pending.removeSubrange(..<end.upperBound)
                    let verb = line.prefix(4).uppercased()
                    switch verb {
                    case "EHLO": try await say("250-fake.hospital.cn"); try await say("250 AUTH PLAIN")
                    case "AUTH": mail.auth = String(line.dropFirst(11)); try await say("235 ok")
                    case "MAIL":
                        if state.withLockedValue({ $0.down }) { try await say("451 try again later") } else { mail.from = line; try await say("250 ok") }
                    case "RCPT": mail.to.append(line); try await say("250 ok")
                    case "DATA": inData = true; try await say("354 go ahead")
                    case "QUIT": try await say("221 bye"); return
                    default: try await say("502 unknown")
                    }
                }
            }
        }
    }

    var mails: [Mail] { state.withLockedValue { $0.mails } }
    func down(_ value: Bool) { state.withLockedValue { $0.down = value } }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// The text of a base64 body from the fake server's record.
func decodedBody(_ data: String) -> String {
    guard let split = data.range(of: "\r\n\r\n") else { return "" }
    let b64 = data[split.upperBound...].replacingOccurrences(of: "\r\n", with: "")
    return Data(base64Encoded: b64).map { String(decoding: $0, as: UTF8.self) } ?? ""
}

@Suite("E-mail channel and subscriptions")
struct EmailSubscriptionTests {
    @Test("SMTP addresses: smtp:// and smtps:// with user and default ports; anything else refused")
    func addresses() {
        #expect(SMTPServer(url: "smtp://mail.hospital.cn", password: nil) == SMTPServer(url: "smtp://mail.hospital.cn:25", password: ""))
        let tls = SMTPServer(url: "smtps://yiwei%40hospital.cn@mail.hospital.cn", password: "pw")
        #expect(tls?.port == 465 && tls?.tls == true && tls?.username == "yiwei@hospital.cn" && tls?.password == "pw")
        #expect(SMTPServer(url: "https://mail.hospital.cn", password: nil) == nil)
        #expect(SMTPServer(url: "smtp://", password: nil) == nil)
        #expect(SMTPMessage.isAddress("it-ops@hospital.cn"))
        #expect(!SMTPMessage.isAddress("a b@hospital.cn") && !SMTPMessage.isAddress("x@y") && !SMTPMessage.isAddress("<evil>@x.cn"))
    }

    @Test("a breach reaches subscribers: leads in the app, the IT team by e-mail; the mail server is down, then every mail arrives once, in UTF-8")
    func breachToSubscribers() async throws {
        let smtp = try await FakeSMTP()
        do {
            try await withYiwei { env in
                let h = try await Hospital.make(env)
                // The engineer has an e-mail address; the lead is subscribed by role, in the app.
                let patched = try await env.send(.PATCH, "/api/v1/users/\(h.engineer.id)", token: h.admin, json: ["email": "liming@hospital.cn"])
                #expect(patched.status == .ok, "\(patched.body.string)")
                let channel = try await env.send(.POST, "/api/v1/notification-channels", token: h.admin,
                                                 json: ChannelBody(name: "信息科邮件", kind: "email", url: "smtp://yiwei@127.0.0.1:\(smtp.port)", secret: "s3cret",
                                                                   events: ["sla.breach"], domain: "it", sender: "yiwei@hospital.cn", recipients: ["it-ops@hospital.cn"]))
                #expect(channel.status == .created, "\(channel.body.string)")
                let byRole = try await env.send(.POST, "/api/v1/notification-subscriptions", token: h.admin,
                                                json: SubscriptionBody(name: "组长看超时", event: "sla.breach", role: "lead", delivery: "in_app"))
                #expect(byRole.status == .created, "\(byRole.body.string)")
                let byTeam = try await env.send(.POST, "/api/v1/notification-subscriptions", token: h.admin,
                                                json: SubscriptionBody(name: "本组邮件", event: "sla.", ticketTeam: true, delivery: "email"))
                #expect(byTeam.status == .created, "\(byTeam.body.string)")

                smtp.down(true)
                // P3, printer → the IT team. Seed 000 P3 reported outside working hours: respond within 30 working
                // minutes, counted from Thu 08:00 → due Thu 08:30; 14 h later (Thu 09:06:40) it is breached.
                let t = try await h.report()
                env.clock.advance(by: 14 * 3600)
                try await SLAScheduler.tick(env.app, now: env.clock.now())
                // The lead (zuzhang, role lead) has it in the app although not the assignee or team lead.
                let inbox = try await env.send(.GET, "/api/v1/notifications", token: h.lead.token).content.decode(Page<NotificationDTO>.self)
                #expect(inbox.items.contains { $0.event == "sla.breach" && $0.ticketId == t.id })
                // Two e-mails wait: the channel's list and liming's personal one (zuzhang has no address).
                let first = try await OutboxWorker.deliver(env.app, now: env.clock.now())
                #expect(first.sent == 0 && first.failed >= 2)
                let log = try await env.send(.GET, "/api/v1/outbox", token: h.admin).content.decode(Page<OutboxDTO>.self)
                #expect(log.items.filter { $0.event == "sla.breach" }.allSatisfy { $0.status == "pending" && ($0.lastError ?? "").contains("451") })

                smtp.down(false)
                env.clock.advance(by: 11)
                _ = try await OutboxWorker.deliver(env.app, now: env.clock.now())
                env.clock.advance(by: 3600)
                _ = try await OutboxWorker.deliver(env.app, now: env.clock.now()) // nothing twice
                let breachMails = smtp.mails.filter { decodedBody($0.data).contains("已超时") }
                #expect(breachMails.count == 2)
                #expect(Set(breachMails.flatMap(\.to)) == ["RCPT TO:<it-ops@hospital.cn>", "RCPT TO:<liming@hospital.cn>"])
                let mail = try #require(breachMails.first)
                #expect(mail.from == "MAIL FROM:<yiwei@hospital.cn>")
                #expect(mail.auth == Data("\u{0}yiwei\u{0}s3cret".utf8).base64EncodedString())
                let subject = "已超时：\(t.number)「门诊收费窗口打印机无法打印」"
                #expect(mail.data.contains("Subject: =?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="))
                #expect(mail.data.contains("Content-Type: text/plain; charset=UTF-8"))
                #expect(decodedBody(mail.data).contains("响应时限已超时。"))
            }
        } catch {
            await smtp.stop()
            throw error
        }
        await smtp.stop()
    }

    @Test("bad channels and subscriptions: 422 with the field, nothing saved")
    func badInput() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let noSender = try await env.send(.POST, "/api/v1/notification-channels", token: h.admin,
                                              json: ChannelBody(name: "邮件", kind: "email", url: "https://mail.hospital.cn", recipients: ["not-an-address"]))
            #expect(noSender.status == .unprocessableEntity)
            #expect(Set(noSender.errorFields.keys) == ["url", "sender", "recipients"])
            let nobody = try await env.send(.POST, "/api/v1/notification-subscriptions", token: h.admin,
                                            json: SubscriptionBody(name: "谁都不是", event: "sla.breach"))
            #expect(nobody.errorFields["role"] != nil)
            let reporters = try await env.send(.POST, "/api/v1/notification-subscriptions", token: h.admin,
                                               json: SubscriptionBody(name: "报修人", event: "sla.breach", role: "reporter"))
            #expect(reporters.errorFields["role"] == "must be one of agent, dispatcher, lead")
            let unknownEvent = try await env.send(.POST, "/api/v1/notification-subscriptions", token: h.admin,
                                                  json: SubscriptionBody(name: "乱写", event: "coffee.break", role: "lead", delivery: "pigeon"))
            #expect(Set(unknownEvent.errorFields.keys) == ["event", "delivery"])
            #expect(try await env.send(.GET, "/api/v1/notification-subscriptions", token: h.admin).content.decode([SubscriptionDTO].self).isEmpty)
            #expect(try await env.send(.GET, "/api/v1/notification-subscriptions", token: h.lead.token).status == .forbidden)
            // Switched off, a subscription stays but tells nobody.
            let made = try await env.send(.POST, "/api/v1/notification-subscriptions", token: h.admin,
                                          json: SubscriptionBody(name: "组长看一级", event: "ticket.p1", role: "lead"))
            let id = try made.content.decode(SubscriptionDTO.self).id
            #expect(try await SubscriptionService.subscribers(event: "ticket.p1", ticket: nil, on: env.app.db).inApp == [h.lead.id])
            let off = try await env.send(.PATCH, "/api/v1/notification-subscriptions/\(id)", token: h.admin, json: ["isActive": false])
            #expect(try off.content.decode(SubscriptionDTO.self).isActive == false)
            let subscribers = try await SubscriptionService.subscribers(event: "ticket.p1", ticket: nil, on: env.app.db)
            #expect(subscribers.inApp.isEmpty)
        }
    }
}
