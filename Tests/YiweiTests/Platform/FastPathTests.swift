import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Hot paths: tickets read without reflection, the organisation in memory, group commit")
struct FastPathTests {
    @Test("a ticket read by `Ticket.fetch` equals the one Fluent reads, field for field, and names every stored property")
    func fetchMatchesFluent() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(extra: ["location": "门诊二楼收费处", "assetId": "PRN-0042", "occurredAt": "2026-11-18T10:30:00Z"])
            #expect(try await h.act(t, h.engineer.token, ["action": "accept"]).status == .ok)
            #expect(try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待备件"]).status == .ok)
            let fluent = try #require(try await Ticket.find(t.id, on: env.app.db))
            let fast = try #require(try await Ticket.fetch(t.id, on: env.app.db))
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            #expect(String(decoding: try encoder.encode(fast), as: UTF8.self) == String(decoding: try encoder.encode(fluent), as: UTF8.self))
            #expect(fast.$id.exists)
            #expect(fast.pendingSince != nil && fast.assetId == "PRN-0042")
            // Every column Fluent knows is read (a new field must be added to `databaseProperties`).
            let named = Set(Ticket.databaseProperties(of: Ticket()).flatMap(\.keys).map(\.description))
            #expect(named == Set(Ticket.keys.map(\.description)))
            #expect(named.count == 51)
            // Saved after a change, only the change is written and the rest stays.
            fast.location = "门诊三楼"
            try await fast.update(on: env.app.db)
            let again = try #require(try await Ticket.find(t.id, on: env.app.db))
            #expect(again.location == "门诊三楼" && again.assetId == "PRN-0042" && again.status == "pending")
            #expect(try await Ticket.fetch(UUID(), on: env.app.db) == nil)
        }
    }

    @Test("a new ticket, its timeline events and its audit row get time-ordered ids of the moment they are written")
    func timeOrderedIds() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            // The ids follow the real clock (where rows land in the index), not the hospital clock tests move.
            let before = UInt64(Date().timeIntervalSince1970 * 1000)
            let t = try await h.report()
            let after = UInt64(Date().timeIntervalSince1970 * 1000) + 1
            let sql = env.app.db as! any SQLDatabase
            let events = try await sql.select().column("id").from(TicketEvent.schema).where("ticket_id", .equal, t.id).all()
                .map { try $0.decode(column: "id", as: UUID.self) }
            let audit = try await sql.select().column("id").from(AuditEntry.schema).where("entity_id", .equal, t.id.uuidString).all()
                .map { try $0.decode(column: "id", as: UUID.self) }
            #expect(events.count >= 2 && audit.count == 1)
            for id in [t.id] + events + audit {
                let ms = try #require(id.version7Milliseconds, "\(id) is not a version 7 id")
                #expect(ms >= before && ms <= after)
            }
        }
    }

    @Test("the background checkpointer copies the write-ahead log into the database file beside the writer (SQLite)")
    func walCheckpointer() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let checkpointer = try await WALCheckpointer.open(env.app)
            guard env.app.yiwei.databaseKind == .sqlite else {
                #expect(checkpointer == nil) // PostgreSQL has no write-ahead log of ours to fold back
                return
            }
            let c = try #require(checkpointer)
            _ = try await h.report()
            // Nobody reads an old snapshot here, so the passive checkpoint copies every frame of the log.
            let first = try await c.run()
            #expect(first.logFrames > 0)
            #expect(first.checkpointed == first.logFrames)
            // Nothing new: nothing to copy, and the log is reported as it stands.
            let idle = try await c.run()
            #expect(idle.checkpointed == idle.logFrames)
            // The next report restarts the log from its beginning (everything in it is in the database file)
            // and is read back from the database like any other.
            let t = try await h.report(title: "检查点之后的报修")
            let after = try await c.run()
            #expect(after.checkpointed == after.logFrames)
            #expect(after.logFrames > 0 && after.logFrames < first.logFrames)
            #expect(try await h.get(t, h.nurse.token).status == .ok)
            await c.close()
        }
    }

    @Test("HTML escaping: the five characters, control characters dropped, clean text returned as it is")
    func htmlEscape() {
        #expect(HTML.escape("医维 HIS 登录") == "医维 HIS 登录")
        #expect(HTML.escape("<b>\"急\" & 'A'</b>") == "&lt;b&gt;&quot;急&quot; &amp; &#39;A&#39;&lt;/b&gt;")
        // Tab and newline stay; other control characters (here BEL and CR) go; multi-byte characters are untouched.
        #expect(HTML.escape("a\u{07}b\tc\r\nd放射科<") == "ab\tc\nd放射科&lt;")
        #expect(HTML.escape("") == "")
        #expect(HTML.escape("\u{1F600}&") == "\u{1F600}&amp;")
    }

    @Test("query parameters read once per request give what Vapor's decoder gives")
    func queryParameters() async throws {
        try await withYiwei { env in
            let app = env.app
            func request(_ query: String) -> Request {
                Request(application: app, method: .GET, url: URI(string: "/desk?" + query), on: app.eventLoopGroup.next())
            }
            let cases = ["q=%E6%89%93%E5%8D%B0%E6%9C%BA+%E5%8D%A1%E7%BA%B8&status=new,accepted", "q=a&q=b", "q=&status", "q=%ZZ&page=2",
                         "ids%5B%5D=1&per=5", "x=1=2"]
            for query in cases {
                let fast = request(query), vapor = request(query)
                for name in ["q", "status", "page", "per", "ids", "x", "missing"] {
                    #expect(fast.queryParameter(name) == vapor.query[String.self, at: name], "\(query) \(name)")
                }
            }
            // Hand-checked: plus is a space, percent-encoding is decoded, the last repeated value wins.
            #expect(request(cases[0]).queryParameter("q") == "打印机 卡纸")
            #expect(request(cases[1]).queryParameter("q") == "b")
            #expect(request(cases[5]).queryParameter("x") == "1=2")
        }
    }

    @Test("instants shown in the hospital's zone by arithmetic read exactly as `DateFormatter` writes them")
    func displayTime() throws {
        for zone in ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata"] {
            let tz = try #require(TimeZone(identifier: zone))
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = tz
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            // Every 7 h 13 min 17 s from 1970 to 2100, with fractions of a second, across daylight-saving changes.
            var t = 0.25
            while t < 4_102_444_800 {
                let date = Date(timeIntervalSince1970: t)
                #expect(DisplayTime.format(date, timeZone: tz) == formatter.string(from: date), "\(zone) \(t)")
                t += 25_997.5
            }
        }
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        #expect(DisplayTime.format(Date(timeIntervalSince1970: 1_795_518_400), timeZone: shanghai) == "2026-11-24 19:06:40")
        #expect(DisplayTime.format(Date(timeIntervalSince1970: 1_795_449_599.999), timeZone: shanghai) == "2026-11-23 23:59:59")
    }

    @Test("writes arriving together commit together; one that fails is rolled back alone and gets its own error")
    func groupCommit() async throws {
        try await withYiwei { env in
            struct Refused: Error {}
            let app = env.app
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for i in 0..<40 {
                    group.addTask {
                        do {
                            try await app.write(affectsReference: false) { db in
                                try await (db as! any SQLDatabase).insert(into: "ticket_counters").columns("id", "key", "last")
                                    .values(SQLBind(UUID()), SQLBind("test-\(i)"), SQLBind(i)).run()
                                try await AuditLog.append(on: db, at: Date(), actor: .system("test"), action: "test.write", entityType: "test",
                                                          entityId: String(i))
                                if i % 10 == 7 { throw Refused() }
                            }
                            return (i, true)
                        } catch is Refused {
                            return (i, false)
                        }
                    }
                }
                var all: [Int: Bool] = [:]
                for try await (i, ok) in group { all[i] = ok }
                return all
            }
            #expect(outcomes.count == 40)
            #expect(outcomes.filter { !$0.value }.keys.sorted() == [7, 17, 27, 37])
            let rows = try await env.db.select().column("key").from("ticket_counters").where("key", .like, "test-%").all()
            let keys = Set(try rows.map { try $0.decode(column: "key", as: String.self) })
            #expect(keys.count == 36)
            #expect(!keys.contains("test-7") && !keys.contains("test-37") && keys.contains("test-8"))
            // The group's audit rows are chained together before its commit: those of the refused writes are gone,
            // the others are there once each, and the chain verifies.
            let audited = try await env.db.select().column("entity_id").from("audit_log").where("action", .equal, "test.write").all()
                .map { try $0.decode(column: "entity_id", as: String.self) }
            #expect(Set(audited) == Set(keys.map { String($0.dropFirst("test-".count)) }) && audited.count == 36)
            let verified = try await AuditLog.verify(on: env.app.db)
            #expect(verified.finding == nil)
            // A write that breaks a constraint fails alone as well; the next one still commits.
            await #expect(throws: (any Error).self) {
                try await app.write(affectsReference: false) { db in
                    try await (db as! any SQLDatabase).insert(into: "ticket_counters").columns("id", "key", "last")
                        .values(SQLBind(UUID()), SQLBind("test-8"), SQLBind(0)).run()
                }
            }
            try await app.write(affectsReference: false) { db in
                try await (db as! any SQLDatabase).insert(into: "ticket_counters").columns("id", "key", "last")
                    .values(SQLBind(UUID()), SQLBind("test-after"), SQLBind(1)).run()
            }
            #expect(try await env.db.select().column("key").from("ticket_counters").where("key", .equal, "test-after").first() != nil)
        }
    }

    @Test("reports arriving together are written together: numbers in sequence, auto-assignment counts the group's own tickets")
    func createTogether() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let second = try await env.makeUser("wanggong", roles: ["agent"], teamIds: [h.itTeam.uuidString])
            let team = try await env.send(.GET, "/api/v1/teams/\(h.itTeam)", token: h.admin).content.decode(TeamDTO.self)
            let res = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin,
                                         json: TeamBody(onDutyIds: team.memberIds.map(\.uuidString), autoAssign: true))
            #expect(res.status == .ok)
            // Three engineers on duty (liming, zuzhang, wanggong), none with an open ticket; 30 printer reports at once.
            let before = env.app.yiwei.writeGate.stats
            let tickets = try await withThrowingTaskGroup(of: TicketDTO.self) { group in
                for i in 0..<30 { group.addTask { try await h.report(title: "打印机故障 \(i)") } }
                var all: [TicketDTO] = []
                for try await t in group { all.append(t) }
                return all
            }
            #expect(tickets.count == 30)
            // They waited for each other: fewer transactions than reports, some written as a group.
            let after = env.app.yiwei.writeGate.stats
            #expect(after.writes - before.writes == 30)
            #expect(after.transactions - before.transactions < 30 && after.grouped > before.grouped, "\(before) → \(after)")
            #expect(Set(tickets.map(\.number)) == Set((1...30).map { String(format: "IT-20261118-%04d", $0) }))
            // Least-loaded each time, counting the tickets given out earlier in the same group: 10 each.
            let perEngineer = Dictionary(grouping: tickets.compactMap(\.assigneeId), by: { $0 }).mapValues(\.count)
            #expect(perEngineer == [h.engineer.id: 10, h.lead.id: 10, second.id: 10])
            for t in tickets.prefix(5) {
                let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
                #expect(events.map(\.type) == ["created", "dispatch", "sla"])
                #expect(t.sla.resolveDueAt != nil && t.teamId == h.itTeam)
            }
            let audited = try await env.db.raw("SELECT count(*) AS n FROM audit_log WHERE action = 'ticket.create'").first()!.decode(column: "n", as: Int.self)
            #expect(audited == 30)
            #expect(try await AuditLog.verify(on: env.app.db).finding == nil)
            let notified = try await env.db.raw("SELECT count(*) AS n FROM user_notifications WHERE event = 'ticket.assigned'").first()!.decode(column: "n", as: Int.self)
            #expect(notified == 30)
        }
    }

    @Test("the organisation in memory follows every change: a renamed department, a switched-off account, a sign-out")
    func referenceFollowsWrites() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            #expect(try await h.get(t, h.lead.token).content.decode(TicketDTO.self).departmentName == "心血管内科")
            let renamed = try await env.send(.PATCH, "/api/v1/departments/\(h.ward)", token: h.admin, json: ["name": "心内科"])
            #expect(renamed.status == .ok)
            #expect(try await h.get(t, h.lead.token).content.decode(TicketDTO.self).departmentName == "心内科")
            let list = try await env.send(.GET, "/api/v1/tickets?departmentId=\(h.ward)", token: h.lead.token).content.decode(Yiwei.Page<TicketRowDTO>.self)
            #expect(list.items.map(\.departmentName) == ["心内科"])
            // A token works until its account is switched off, at once.
            #expect(try await h.get(t, h.nurse.token).status == .ok)
            let off = try await env.send(.PATCH, "/api/v1/users/\(h.nurse.id)", token: h.admin, json: ["isActive": false])
            #expect(off.status == .ok)
            #expect(try await h.get(t, h.nurse.token).status == .unauthorized)
            // Signing out ends the token at once.
            let token = try await env.login("tongshi", "Test#Pass2026")
            #expect(try await env.send(.GET, "/api/v1/tickets", token: token).status == .ok)
            #expect(try await env.send(.POST, "/api/v1/auth/logout", token: token).status == .noContent)
            #expect(try await env.send(.GET, "/api/v1/tickets", token: token).status == .unauthorized)
        }
    }
}
