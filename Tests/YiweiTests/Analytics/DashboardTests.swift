import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Testing
import VaporTesting
@testable import Yiwei
import YiweiCore

/// ANA-1 运维看板: figures on hand-computed tickets, who may see them, and the live updates.
@Suite("Dashboard (ANA-1): figures, permissions, live updates")
struct DashboardTests {
    static let t0 = 1_795_000_000.0 // 2026-11-18T11:06:40Z = 19:06:40 in Shanghai (a Wednesday)

    func at(_ env: TestEnv, minutes: Double) { env.clock.set(Date(timeIntervalSince1970: Self.t0 + minutes * 60)) }

    func figures(_ env: TestEnv, _ token: String) async throws -> DashboardFigures {
        let res = try await env.send(.GET, "/api/v1/stats/dashboard", token: token)
        try #require(res.status == .ok, "\(res.body.string)")
        return try res.content.decode(DashboardFigures.self)
    }

    func count(_ list: [DashboardCount], _ key: String) -> Int? { list.first { $0.key == key }?.count }

    @Test("open by status, domain and priority; at risk; breached; today across midnight in Shanghai; 30-day trend; top systems; on duty")
    func handComputed() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            // IT P3 on the 7×24 calendar, wall clock: respond within 30 min, resolve within 240 min.
            let calendars = try await env.send(.GET, "/api/v1/calendars", token: h.admin).content.decode(Page<CalendarDTO>.self)
            let allDay = try #require(calendars.items.first { $0.name.hasPrefix("7×24") }).id
            let policy = try await env.send(.POST, "/api/v1/sla-policies", token: h.admin,
                                            json: PolicyBody(name: "看板测试", calendarId: allDay.uuidString, businessTime: false))
            #expect(policy.status == .created)
            func system(_ name: String) async throws -> UUID {
                let res = try await env.send(.POST, "/api/v1/business-systems", token: h.admin, json: ["name": name])
                try #require(res.status == .created, "\(res.body.string)")
                return try res.content.decode(BusinessSystemDTO.self).id
            }
            let his = try await system("HIS 医院信息系统"), lis = try await system("LIS 检验系统"), pacs = try await system("PACS 影像系统")

            // Five days earlier (2026-11-13): four reports, all withdrawn at once — they count in the trend only.
            at(env, minutes: -5 * 1440)
            for (title, system, kind) in [("HIS 无法登录", his, "incident"), ("HIS 打印报错", his, "incident"),
                                          ("LIS 报告不出", lis, "incident"), ("LIS 新增账号", lis, "request")] {
                let t = try await h.report(title: title, extra: ["businessSystemId": system.uuidString, "kind": kind])
                #expect(try await h.act(t, h.nurse.token, ["action": "cancel", "reason": "重复"]).status == .ok)
            }
            // Forty days earlier: outside the 30 days.
            at(env, minutes: -40 * 1440)
            let old = try await h.report(title: "PACS 调阅慢", extra: ["businessSystemId": pacs.uuidString])
            _ = try await h.act(old, h.nurse.token, ["action": "cancel", "reason": "重复"])

            // Today, 19:06 in Shanghai.
            at(env, minutes: 0)
            let a = try await h.report(title: "a 新报修")                                              // IT P3, new
            let b = try await h.report(title: "b 处理中")                                              // IT P3, in progress
            let c = try await h.report(title: "c 危及患者", extra: ["urgency": "patient_safety"])      // IT P1 (10 / 30 / 240 min), new
            let d = try await h.report(title: "d 漏水", domain: "logistics")                          // logistics P3 (30 / 120 / 180 min off hours), new
            let e = try await h.report(title: "e 挂起")                                               // IT P3, pending
            let f = try await h.report(title: "f 已解决")                                             // IT P3, resolved
            let g = try await h.report(title: "g 撤销")                                               // IT P3, cancelled
            _ = (c, d)
            at(env, minutes: 1)
            for t in [b, e, f] {
                #expect(try await h.act(t, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString]).status == .ok)
                #expect(try await h.act(t, h.engineer.token, ["action": "start"]).status == .ok)
            }
            #expect(try await h.act(e, h.engineer.token, ["action": "pend", "reason": "等待备件"]).status == .ok)
            #expect(try await h.act(f, h.engineer.token, ["action": "resolve", "resolution": "更换硒鼓"]).status == .ok)
            #expect(try await h.act(g, h.nurse.token, ["action": "cancel", "reason": "自己好了"]).status == .ok)

            var x = try await figures(env, h.lead.token)
            #expect(x.open == 5)                                                        // a, b, c, d, e
            #expect(x.byStatus.map(\.key) == ["new", "accepted", "in_progress", "pending"])
            #expect(x.byStatus.map(\.count) == [3, 0, 1, 1])                           // a c d | — | b | e
            #expect(x.byDomain.map(\.key) == ["it", "logistics", "equipment"])
            #expect(x.byDomain.map(\.count) == [4, 1, 0])
            #expect(x.byPriority.map(\.count) == [1, 0, 4, 0])                         // c | — | a b d e | —
            #expect(x.atRisk == 0 && x.breached == 0)                                  // nothing warned yet
            #expect(x.today == DashboardDay(date: "2026-11-18", created: 7, resolved: 1))
            #expect(x.timeZone == "Asia/Shanghai")
            // The 30 days end today: 2026-10-20 … 2026-11-18; the withdrawn reports of the 13th count as reported.
            #expect(x.trend.count == 30 && x.trend.first?.date == "2026-10-20" && x.trend.last == x.today)
            #expect(x.trend.first { $0.date == "2026-11-13" } == DashboardDay(date: "2026-11-13", created: 4, resolved: 0))
            #expect(x.trend.reduce(0) { $0 + $1.created } == 11)                       // 4 + 7; the report 40 days ago is outside
            // Incidents with a business system in the 30 days: HIS 2, LIS 1 (its request is not an incident); PACS is older.
            #expect(x.topSystems.map(\.name) == ["HIS 医院信息系统", "LIS 检验系统"])
            #expect(x.topSystems.map(\.incidents) == [2, 1])
            // On duty: every member of a new team is on duty; liming has b and e open (f is resolved).
            let duty = Dictionary(uniqueKeysWithValues: x.onDuty.map { ($0.teamName, $0) })
            #expect(Set(duty.keys) == ["信息科运维组", "水电维修组", "驻场运维组"])
            #expect(Set(duty["信息科运维组"]?.engineers.map(\.name) ?? []) == ["测试liming", "测试zuzhang"])
            #expect(duty["信息科运维组"]?.engineers.first { $0.name == "测试liming" }?.openTickets == 2)
            #expect(duty["水电维修组"]?.domain == "logistics")

            // 19:29:40 (23 minutes): the scheduler warns at 75 % of 30 min (22.5) for a and d, and c's 10-minute
            // response target has passed (breached). e is pending and b answered in a minute.
            at(env, minutes: 23)
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            x = try await figures(env, h.dispatcher.token)
            #expect(x.atRisk == 2)                                                      // a, d
            #expect(x.breached == 1)                                                    // c
            // Accepting a stops its response clock: no longer at risk.
            at(env, minutes: 24)
            #expect(try await h.act(a, h.dispatcher.token, ["action": "accept"]).status == .ok)
            x = try await figures(env, h.auditor.token)
            #expect(x.atRisk == 1 && x.breached == 1)
            #expect(x.byStatus.map(\.count) == [2, 1, 1, 1])

            // 23:59 in Shanghai (15:59Z) is still the 18th; 00:30 on the 19th (16:30Z, still the 18th in UTC) is tomorrow.
            env.clock.set(ISO8601DateFormatter().date(from: "2026-11-18T15:59:00Z")!)
            _ = try await h.report(title: "深夜报修")
            env.clock.set(ISO8601DateFormatter().date(from: "2026-11-18T16:30:00Z")!)
            x = try await figures(env, h.engineer.token)
            #expect(x.today == DashboardDay(date: "2026-11-19", created: 0, resolved: 0))
            _ = try await h.report(title: "凌晨报修")
            #expect(try await h.act(b, h.engineer.token, ["action": "resolve", "resolution": "已修复"]).status == .ok)
            x = try await figures(env, h.engineer.token)
            #expect(x.today == DashboardDay(date: "2026-11-19", created: 1, resolved: 1))
            #expect(x.trend.count == 30 && x.trend.first?.date == "2026-10-21")
            #expect(x.trend[28] == DashboardDay(date: "2026-11-18", created: 8, resolved: 1))
        }
    }

    @Test("leads, dispatchers, agents and auditors see it; a nurse, a vendor engineer and the administrator get 403")
    func permissions() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            for token in [h.lead.token, h.dispatcher.token, h.engineer.token, h.auditor.token] {
                #expect(try await env.send(.GET, "/api/v1/stats/dashboard", token: token).status == .ok)
                #expect(try await env.send(.GET, "/dashboard", token: token).status == .ok)
                #expect(try await env.send(.GET, "/dashboard/wall", token: token).status == .ok)
            }
            for token in [h.nurse.token, h.vendorEngineer.token, h.admin] {
                #expect(try await env.send(.GET, "/api/v1/stats/dashboard", token: token).status == .forbidden)
                #expect(try await env.send(.GET, "/dashboard", token: token).status == .forbidden)
                #expect(try await env.send(.GET, "/dashboard/wall", token: token).status == .forbidden)
                #expect(try await env.send(.GET, "/dashboard/events", token: token).status == .forbidden)
            }
            #expect(try await env.send(.GET, "/api/v1/stats/dashboard").status == .unauthorized)
            // The denial is audited like every other.
            let denied = try await env.db.raw("SELECT count(*) AS n FROM audit_log WHERE action = 'permission.denied' AND entity_id LIKE '%dashboard%'")
                .first()!.decode(column: "n", as: Int.self)
            #expect(denied == 12)
            // The navigation shows 「运维看板」 to those who may open it.
            let page = try await env.send(.GET, "/dashboard", token: h.lead.token).body.string
            #expect(page.contains("href=\"/dashboard\" class=\"active\""))
            #expect(page.contains("href=\"/dashboard/wall\""))
            #expect(page.contains("id=\"dashboard\" class=\"dashboard\" data-events=\"/dashboard/events?view=page\""))
            #expect(try await env.send(.GET, "/", token: h.nurse.token).body.string.contains("href=\"/dashboard\"") == false)
        }
    }

    @Test("the page links each number to its queue and draws the charts with escaped names")
    func pageLinks() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let res = try await env.send(.POST, "/api/v1/business-systems", token: h.admin, json: ["name": "<script>alert(1)</script>系统"])
            let system = try res.content.decode(BusinessSystemDTO.self).id
            _ = try await h.report(extra: ["businessSystemId": system.uuidString])
            let html = try await env.send(.GET, "/dashboard", token: h.lead.token).body.string
            #expect(html.contains("href=\"/desk?queue=open\""))
            #expect(html.contains("href=\"/desk?queue=open&amp;status=new\""))
            #expect(html.contains("href=\"/desk?queue=open&amp;domain=it\""))
            #expect(html.contains("href=\"/desk?queue=open&amp;priority=P3\""))
            #expect(html.contains("href=\"/desk?queue=&amp;createdFrom=2026-11-18&amp;createdTo=2026-11-18\""))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;系统"))
            #expect(!html.contains("<script>alert(1)"))
            #expect(html.contains("<title id=\"page-trend-title\">近 30 天报修与解决</title>"))
            let wall = try await env.send(.GET, "/dashboard/wall", token: h.lead.token).body.string
            #expect(wall.contains("<body class=\"wall\">") && !wall.contains("class=\"sidebar\""))
            #expect(wall.contains("data-events=\"/dashboard/events?view=wall\""))
        }
    }

    @Test("the fingerprint moves with a report, an action, an SLA alert, the duty rota and midnight — and only then")
    func fingerprint() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let zone = env.app.yiwei.config.timeZone
            func print() async throws -> String { try await DashboardService.fingerprint(now: env.clock.now(), timeZone: zone, on: env.app.db) }
            let start = try await print()
            #expect(try await print() == start)
            at(env, minutes: 1)
            #expect(try await print() == start)                       // time passing alone changes nothing
            let t = try await h.report(title: "指纹")
            let reported = try await print()
            #expect(reported != start)
            at(env, minutes: 2)
            _ = try await h.act(t, h.dispatcher.token, ["action": "accept"])
            let accepted = try await print()
            #expect(accepted != reported)
            at(env, minutes: 3)
            _ = try await h.report(title: "P1", extra: ["urgency": "patient_safety"])
            let second = try await print()
            at(env, minutes: 30)
            #expect(try await print() == second)
            try await SLAScheduler.tick(env.app, now: env.clock.now()) // the P1's response clock passed: a breach alert
            let alerted = try await print()
            #expect(alerted != second)
            at(env, minutes: 31)
            _ = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin, json: TeamBody(onDutyIds: [h.engineer.id.uuidString]))
            let rota = try await print()
            #expect(rota != alerted)
            env.clock.set(ISO8601DateFormatter().date(from: "2026-11-18T16:00:00Z")!) // midnight in Shanghai
            #expect(try await print() != rota)
        }
    }

    @Test("the watcher wakes every stream within a second of a change, caps streams per user, and ends them at shutdown")
    func hub() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let app = env.app
            let hub = DashboardHub(maxStreamsPerUser: 2, interval: .milliseconds(100)) {
                try await DashboardService.fingerprint(now: app.yiwei.clock.now(), timeZone: app.yiwei.config.timeZone, on: app.db)
            }
            let (first, signals) = try #require(await hub.subscribe(userId: h.lead.id))
            var iterator = signals.makeAsyncIterator()
            #expect(await iterator.next() == .changed)                    // the figures as the stream opens
            #expect(await hub.version == 0)
            #expect(await iterator.next() == .tick)                       // nothing changed
            at(env, minutes: 1)
            _ = try await h.report(title: "实时")
            let started = Date()
            var woke = false
            while Date().timeIntervalSince(started) < 2, let signal = await iterator.next() {
                if signal == .changed { woke = true; break }
            }
            #expect(woke)
            #expect(await hub.version == 1)
            // Figures are computed once per version and shared.
            let counter = Counter()
            let compute: @Sendable () async throws -> DashboardFigures = {
                counter.add()
                return try await DashboardService.compute(now: app.yiwei.clock.now(), timeZone: app.yiwei.config.timeZone, on: app.db)
            }
            let one = try await hub.figures(compute), two = try await hub.figures(compute)
            #expect(one.open == 1 && two == one && counter.value == 1)
            // A third stream of the same user closes their oldest.
            let (second, _) = try #require(await hub.subscribe(userId: h.lead.id))
            let (_, third) = try #require(await hub.subscribe(userId: h.lead.id))
            #expect(await hub.streamCount == 2)
            var drained = 0
            while await iterator.next() != nil { drained += 1 }          // the first stream has ended
            #expect(drained < 10)
            await hub.unsubscribe(first)
            await hub.unsubscribe(second)
            #expect(await hub.streamCount == 1)
            await hub.shutdown()
            for await _ in third {}                                       // ends
            #expect(await hub.subscribe(userId: h.lead.id) == nil)
        }
    }

    @Test("at risk looks only where a warned clock can be: a quarter of the target (plus a minute) ahead, on the policy's clock")
    func warningHorizons() async throws {
        try await withYiwei { env in
            let now = env.clock.now() // Wednesday 19:06:40 in Shanghai, outside working hours
            let horizons = try await DashboardService.warningHorizons(now: now, on: env.app.db)
            func bound(_ domain: String, _ priority: String, _ clock: SLAClockKind) -> Date? {
                horizons.first { $0.domain == domain && $0.priority == priority && $0.clock == clock }?.bound
            }
            // IT P1 has two policies, and a ticket may keep an inactive one, so the later bound counts. Response: seed 000
            // (7×24, 10 min: warned at 8, 2 left + 1 = 3 min) and the inactive seed 001 preset (wall clock, 60 min out of
            // hours: warned at 45, 15 left + 1 = 16 min). Resolution: seed 000 240 min (61 min) and seed 001 1200 working
            // minutes (warned at 900, 300 left + 1 = 301 working minutes: Thursday 08:00 + 5 h 01 = 13:01 in Shanghai).
            #expect(bound("it", "P1", .response) == now.addingTimeInterval(16 * 60))
            #expect(bound("it", "P1", .resolve) == ISO8601DateFormatter().date(from: "2026-11-19T05:01:00Z"))
            // Seed 003 logistics: 30 min response in and out of hours (warned at 23): 8 min.
            #expect(bound("logistics", "P3", .response) == now.addingTimeInterval(8 * 60))
            // IT P3 counts working time: 31 working minutes from 19:06 on a Wednesday end on Thursday morning.
            let p3 = try #require(bound("it", "P3", .response))
            #expect(p3 > now.addingTimeInterval(12 * 3600) && p3 < now.addingTimeInterval(16 * 3600))
            #expect(bound("it", "P3", .start) == nil)
        }
    }

    @Test("Server-Sent Events framing: one data line per payload line, a blank line after; keep-alives are comments")
    func framing() {
        #expect(ServerSentEvent.event("dashboard", data: "{\"a\":1}\n{\"b\":2}") == "event: dashboard\ndata: {\"a\":1}\ndata: {\"b\":2}\n\n")
        #expect(ServerSentEvent.keepAlive == ": keep-alive\n\n")
    }

    @Test("the event stream over HTTP: an event when it opens, another after a ticket changes; the server still stops at once")
    func eventStream() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            try await env.app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(env.app.http.server.shared.localAddress?.port)
            let client = try RawHTTP(port: port)
            try client.send("GET /dashboard/events?view=wall HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(h.lead.token)\r\nAccept: text/event-stream\r\n\r\n")
            // Up to the first event's data line (it may arrive in a later packet than the event's name).
            let opened = try client.read(until: "\"open\":", seconds: 30)
            #expect(opened.contains("200 OK"))
            #expect(opened.lowercased().contains("content-type: text/event-stream"))
            #expect(opened.contains("\\\"open\\\":0") || opened.contains("\"open\":0"))
            at(env, minutes: 1)
            _ = try await h.report(title: "大屏实时")
            let started = Date()
            let changed = try client.read(until: "\"open\":1", seconds: 3)
            #expect(changed.contains("event: dashboard"))
            #expect(Date().timeIntervalSince(started) < 2)
            // Shutting down with the stream open: the hub ends it, and the server's graceful stop does not wait.
            let stopping = Date()
            await DashboardHubLifecycle(hub: env.app.dashboardHub!).shutdownAsync(env.app)
            await env.app.server.shutdown()
            #expect(Date().timeIntervalSince(stopping) < 3)
            client.close()
        }
    }
}

/// Counts calls from concurrent code.
final class Counter: @unchecked Sendable {
    // @unchecked Sendable: the count is behind the lock.
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// A plain TCP client for reading a streamed response as it arrives (the test client waits for the end).
final class RawHTTP {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw Abort(.internalServerError, reason: "connect failed") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw Abort(.internalServerError, reason: "write failed") }
    }

    private var received = Data()

    /// Reads until `marker` appears in what has arrived since the last call, or `seconds` pass.
    func read(until marker: String, seconds: Double) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let start = received.count
        while Date() < deadline {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { received.append(contentsOf: buffer[0..<n]) }
            let text = String(decoding: received[start...], as: UTF8.self)
            if text.contains(marker) { return text }
            if n == 0 { break }
        }
        return String(decoding: received[start...], as: UTF8.self)
    }

    func close() { _ = Glibc.close(fd) }
}
