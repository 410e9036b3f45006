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
            #expect(named.count == 53)
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
            let sql = env.app.db.sql
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

    @Test("the page buffer writes what the string helpers write: escapes, ids, padded numbers, instants to the minute")
    func htmlBuffer() throws {
        func written(_ write: (inout HTMLBuffer) -> Void) -> String {
            var h = HTMLBuffer(capacity: 16)
            write(&h)
            return String(buffer: h.buffer)
        }
        // Hand-written expectations (`HTML.escape` itself writes through the buffer when a text needs escaping).
        for (text, escaped) in [("医维 HIS 登录", "医维 HIS 登录"), ("a\u{07}b\tc\r\nd放射科<", "ab\tc\nd放射科&lt;"), ("", ""), ("\u{1F600}&", "\u{1F600}&amp;"),
                                ("&&", "&amp;&amp;"), ("尾<", "尾&lt;"), ("<首", "&lt;首"), ("\u{01}\u{1F}", "")] {
            #expect(written { $0.text(text) } == escaped, "\(text)")
            #expect(HTML.escape(text) == escaped, "\(text)")
        }
        #expect(written { $0.text("<b>\"急\" & 'A'</b>") } == "&lt;b&gt;&quot;急&quot; &amp; &#39;A&#39;&lt;/b&gt;")
        for id in [UUID(), UUID(uuidString: "01A24ABE-C128-7000-8000-00000F421B00")!, UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))] {
            #expect(written { $0.uuid(id) } == id.uuidString)
        }
        #expect(written { $0.number(7, width: 2); $0.raw("|"); $0.number(2026, width: 4); $0.raw("|"); $0.number(0); $0.raw("|"); $0.number(123_456, width: 2); $0.raw("|"); $0.number(-5) }
                == "07|2026|0|123456|-5")
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        var t = 0.25
        while t < 4_102_444_800 {
            let date = Date(timeIntervalSince1970: t)
            #expect(written { $0.minute(date, timeZone: shanghai) } == DisplayTime.short(date, timeZone: shanghai))
            t += 7_919_993.5
        }
        // 2026-11-24 19:06:40 in Shanghai, to the minute.
        #expect(written { $0.minute(Date(timeIntervalSince1970: 1_795_518_400), timeZone: shanghai) } == "2026-11-24 19:06")
    }

    @Test("the queue page's rows written into the buffer read as the row view gives them: labels, due texts, escapes")
    func deskRows() throws {
        let t = ["col_number": "编号", "col_title": "标题", "col_priority": "优先级", "col_status": "状态", "col_department": "报修科室",
                 "col_system": "业务系统", "col_assignee": "处理人", "col_due": "时限", "col_created": "报修时间",
                 "sla_left": "剩余 {d}", "sla_over": "超时 {d}", "unit_day": "天", "unit_hour": "小时", "unit_minute": "分",
                 "ticket_status_in_progress": "处理中", "ticket_status_new": "新建", "priority_P1": "一级·紧急", "priority_P4": "四级·低",
                 "domain_it": "信息化", "domain_equipment": "医学装备"]
        let labels = TicketLabels(t: t)
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let now = Date(timeIntervalSince1970: 1_795_518_400)
        func row(_ n: Int, title: String, status: String, priority: String, domain: String, due: Double?, assignee: String?, team: String?) -> TicketRowDTO {
            TicketRowDTO(id: UUID(), number: "IT-20261124-000\(n)" + (n == 3 ? "<&>" : ""), domain: domain, kind: "incident", title: title, priority: priority,
                         status: status, reporterName: nil, departmentName: n == 2 ? nil : n == 4 ? "\"急诊\" & 'ICU'" : "放射科", businessSystemName: "PACS<影像>",
                         assigneeName: assignee, teamName: team,
                         createdAt: now.addingTimeInterval(-Double(n) * 3_700), updatedAt: now, nextDueAt: due.map { now.addingTimeInterval($0) })
        }
        let rows = [
            row(1, title: "打印机 \"卡纸\" & 'A'", status: "in_progress", priority: "P4", domain: "it", due: 4_800, assignee: "陈晓雨", team: "信息科"),
            row(2, title: "呼吸机报警", status: "new", priority: "P1", domain: "equipment", due: -2_100, assignee: nil, team: "医学装备组<二>"),
            row(3, title: "HIS 登录慢", status: "in_progress", priority: "P4", domain: "it", due: 2 * 86_400 + 3 * 3_600 + 1, assignee: nil, team: nil),
            row(4, title: "无时限", status: "in_progress", priority: "P4", domain: "it", due: nil, assignee: "王磊 & 'A'", team: nil),
            row(5, title: "刚到期", status: "in_progress", priority: "P1", domain: "it", due: 0, assignee: "王磊", team: nil),
        ]
        var writer = DeskRowsWriter(labels: labels, now: now, timeZone: shanghai)
        var h = HTMLBuffer(capacity: 1_000)
        writer.write(rows, into: &h)
        let html = String(buffer: h.buffer)
        // The markup the row view's values give, written out as the template wrote it.
        func e(_ s: String) -> String { HTML.escape(s) }
        var expected = ""
        for r in rows.map({ TicketRowView($0, labels: labels, now: now, timeZone: shanghai) }) {
            expected += "<tr>\n    <td class=\"check-col\"><input type=\"checkbox\" name=\"ids[]\" value=\"\(e(r.id))\" aria-label=\"\(e(r.number))\"></td>\n"
            expected += "    <td data-label=\"编号\" class=\"num-cell\"><a href=\"/tickets/\(e(r.id))\" class=\"mono\">\(e(r.number))</a></td>\n"
            expected += "    <td data-label=\"标题\" class=\"title-cell\"><a href=\"/tickets/\(e(r.id))\">\(e(r.title))</a> <span class=\"badge badge-\(e(r.domain))\">\(e(r.domainLabel))</span></td>\n"
            expected += "    <td data-label=\"优先级\" class=\"prio-cell\"><span class=\"badge prio-\(e(r.priority))\">\(e(r.priorityLabel))</span></td>\n"
            expected += "    <td data-label=\"状态\" class=\"status-cell\"><span class=\"badge status-\(e(r.status))\">\(e(r.statusLabel))</span></td>\n"
            expected += "    <td data-label=\"报修科室\" class=\"nowrap\">\(e(r.department))</td>\n"
            expected += "    <td data-label=\"业务系统\" class=\"system-cell\">\(e(r.system))</td>\n"
            expected += "    <td data-label=\"处理人\" class=\"nowrap\">\(e(r.assignee))</td>\n"
            expected += "    <td data-label=\"时限\" class=\"nowrap\">" + (r.dueText.isEmpty ? "" : "<span class=\"badge due-\(e(r.dueState))\">\(e(r.dueText))</span>") + "</td>\n"
            expected += "    <td data-label=\"报修时间\" class=\"time-cell\">\(e(r.created))</td>\n  </tr>\n"
        }
        #expect(html == expected)
        // Hand-checked: 4,800 s left is 1 h 20 min, more than an hour (ok); 2,100 s over is 35 min; 2 d 3 h 1 s rounds up to a
        // minute, which a span of days does not show; a due moment of now is 0 min left, and soon.
        #expect(html.contains("<span class=\"badge due-ok\">剩余 1小时 20分</span>"))
        #expect(html.contains("<span class=\"badge due-over\">超时 35分</span>"))
        #expect(html.contains("<span class=\"badge due-ok\">剩余 2天 3小时</span>"))
        #expect(html.contains("<span class=\"badge due-soon\">剩余 0分</span>"))
        #expect(html.contains("打印机 &quot;卡纸&quot; &amp; &#39;A&#39;") && html.contains("PACS&lt;影像&gt;"))
        #expect(html.contains(">医学装备组&lt;二&gt;</td>") && html.contains("<span class=\"badge prio-P1\">一级·紧急</span>"))
        // What people type is escaped in every cell: the number, the department, the engineer.
        #expect(html.contains("IT-20261124-0003&lt;&amp;&gt;</a>") && html.contains("aria-label=\"IT-20261124-0003&lt;&amp;&gt;\""))
        #expect(html.contains(">&quot;急诊&quot; &amp; &#39;ICU&#39;</td>") && html.contains(">王磊 &amp; &#39;A&#39;</td>"))
        #expect(!html.contains("<&>") && !html.contains("<二>"))
        // Created 1 h 1 min 40 s before 19:06:40 on 24 November: 18:05.
        #expect(html.contains("<td data-label=\"报修时间\" class=\"time-cell\">2026-11-24 18:05</td>"))
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
                                try await db.sql.insert(into: "ticket_counters").columns("id", "key", "last")
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
                    try await db.sql.insert(into: "ticket_counters").columns("id", "key", "last")
                        .values(SQLBind(UUID()), SQLBind("test-8"), SQLBind(0)).run()
                }
            }
            try await app.write(affectsReference: false) { db in
                try await db.sql.insert(into: "ticket_counters").columns("id", "key", "last")
                    .values(SQLBind(UUID()), SQLBind("test-after"), SQLBind(1)).run()
            }
            #expect(try await env.db.select().column("key").from("ticket_counters").where("key", .equal, "test-after").first() != nil)
        }
    }

    @Test("a group that fails is rolled back whole and its writes run again one by one: only the bad one fails")
    func groupFallsBack() async throws {
        try await withYiwei { env in
            struct Refused: Error {}
            let app = env.app
            /// Inserts the counters of `keys` and an audit row each; refuses key 13.
            @Sendable func insert(_ keys: [Int], _ db: any Database) async throws -> [any Sendable] {
                for key in keys {
                    try await db.sql.insert(into: "ticket_counters").columns("id", "key", "last")
                        .values(SQLBind(UUID()), SQLBind("group-\(key)"), SQLBind(key)).run()
                    try await AuditLog.append(on: db, at: Date(), actor: .system("test"), action: "test.group", entityType: "test", entityId: String(key))
                    if key == 13 { throw Refused() }
                }
                return keys.map { $0 as any Sendable }
            }
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { tasks in
                for i in 0..<30 {
                    tasks.addTask {
                        let group = WriteGroup(key: "test.group", payload: i) { payloads, db in try await insert(payloads.map { $0 as! Int }, db) }
                        do {
                            let value = try await app.write(affectsReference: false, group: group) { db in try await insert([i], db)[0] as! Int }
                            return (value, true)
                        } catch is Refused {
                            return (i, false)
                        }
                    }
                }
                var all: [Int: Bool] = [:]
                for try await (i, ok) in tasks { all[i] = ok }
                return all
            }
            #expect(outcomes.count == 30 && outcomes.filter { !$0.value }.keys.sorted() == [13])
            let keys = try await env.db.select().column("key").from("ticket_counters").where("key", .like, "group-%").all()
                .map { try $0.decode(column: "key", as: String.self) }
            #expect(keys.count == 29 && !keys.contains("group-13"))
            let audited = try await env.db.select().column("entity_id").from("audit_log").where("action", .equal, "test.group").all()
            #expect(audited.count == 29)
            #expect(try await AuditLog.verify(on: env.app.db).finding == nil)
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

    @Test("the ticket list and a ticket are written by hand as JSONEncoder writes them: the same fields, values and escapes")
    func jsonWriter() throws {
        let encoder = JSONEncoder.custom(dates: .iso8601)
        /// The hand-written text, and JSONEncoder's.
        func both<T: JSONWritable & Encodable>(_ value: T) throws -> (String, String) {
            var json = JSONWriter()
            value.write(to: &json)
            return (String(decoding: json.bytes, as: UTF8.self), String(decoding: try encoder.encode(value), as: UTF8.self))
        }
        /// The same document: JSONEncoder on Linux writes the keys in no fixed order, so compare what they parse to.
        func same(_ pair: (String, String)) throws -> Bool {
            let a = try JSONSerialization.jsonObject(with: Data(pair.0.utf8)) as? NSDictionary
            let b = try JSONSerialization.jsonObject(with: Data(pair.1.utf8)) as? NSDictionary
            return a != nil && a == b
        }
        let at = Date(timeIntervalSince1970: 1_796_601_845.875) // 2026-12-07T00:04:05.875Z
        let clock = SLAClockDTO(kind: "response", targetMinutes: 15, dueAt: at, elapsedMinutes: 12.25, pausedMinutes: 0, stoppedAt: nil,
                                breached: false, paused: false, businessTime: true)
        let full = TicketDTO(id: UUID(), number: "IT-20261207-0001", domain: "it", kind: "incident",
                             title: "打印机 \"卡纸\" \\ 报错\n第二行\t制表\u{01}😀", description: "收费处 HIS 打印", impact: "individual",
                             urgency: "clinical", priority: "P3", status: "pending", pendingReason: "等待备件", waitOn: "vendor",
                             pauseApproval: "approved", categoryId: UUID(), categoryName: "打印机",
                             businessSystemId: UUID(), businessSystemName: "HIS", assetId: "PRN-0042", location: "门诊二楼", departmentId: UUID(),
                             departmentName: "心内科", reporterId: UUID(), reporterName: "张护士", channel: "web", occurredAt: at.addingTimeInterval(-3600),
                             assigneeId: UUID(), assigneeName: "李工", teamId: UUID(), teamName: "信息科", resolution: "更换硒鼓", reopenCount: 2,
                             createdAt: at, updatedAt: at.addingTimeInterval(61.5), acknowledgedAt: at, startedAt: at, resolvedAt: at, closedAt: at,
                             cancelledAt: at,
                             sla: TicketSLADTO(responseDueAt: at, startDueAt: at, resolveDueAt: at, responseBreached: true, startBreached: false,
                                               resolveBreached: false, pausedMinutes: 90.5, policyId: UUID(), policyName: "IT P3", calendarName: "2026 工作日历",
                                               businessTime: false, raisedInHours: true, paused: true, clocks: [clock, clock]),
                             rating: TicketRatingDTO(score: 5, comment: "及时", at: at), plan: TicketPlanDTO(requiredAt: at, text: "方案", byId: UUID(),
                                                                                                          approvedAt: nil, approvedById: nil, blocking: true))
        let pair = try both(full)
        #expect(try same(pair))
        let written = pair.0
        // Fields in declaration order; escapes and instants as JSONEncoder writes them.
        #expect(written.hasPrefix(#"{"id":""#) && written.hasSuffix(#""byId":"\#(full.plan!.byId!.uuidString)","blocking":true}}"#))
        #expect(written.contains(#""title":"打印机 \"卡纸\" \\ 报错\n第二行\t制表\u0001😀""#))
        for escape in [#"\""#, #"\\"#, #"\n"#, #"\t"#, #"\u0001"#] { #expect(pair.1.contains(escape)) }
        #expect(written.contains(#""createdAt":"2026-12-07T00:04:05Z","updatedAt":"2026-12-07T00:05:07Z""#))
        #expect(written.contains(#""pausedMinutes":90.5"#) && written.contains(#""elapsedMinutes":12.25,"pausedMinutes":0,"#))
        var bare = full
        bare.pendingReason = nil; bare.waitOn = nil; bare.pauseApproval = nil; bare.categoryId = nil; bare.occurredAt = nil; bare.rating = nil; bare.plan = nil; bare.reopenCount = 0
        bare.sla = TicketSLADTO(responseDueAt: nil, startDueAt: nil, resolveDueAt: nil, responseBreached: false, startBreached: false,
                                resolveBreached: false, pausedMinutes: 0, policyId: nil, policyName: nil, calendarName: nil, businessTime: nil,
                                raisedInHours: nil, paused: false, clocks: [])
        let barePair = try both(bare)
        #expect(try same(barePair))
        let writtenBare = barePair.0
        #expect(!writtenBare.contains("\"rating\"") && writtenBare.contains("\"clocks\":[]"))
        let row = TicketRowDTO(id: UUID(), number: "EQ-20261207-0002", domain: "equipment", kind: "request", title: "监护仪\u{1F}报警", priority: "P1",
                               status: "new", reporterName: nil, departmentName: "ICU", businessSystemName: nil, assigneeName: nil, teamName: "设备科",
                               createdAt: at, updatedAt: at, nextDueAt: nil)
        let page = Yiwei.Page(items: [row, row], page: 3, per: 2, total: 41)
        let pagePair = try both(page)
        #expect(try same(pagePair))
        #expect(pagePair.0.contains(#""title":"监护仪\u001f报警""#) && pagePair.0.hasSuffix(#"}],"page":3,"per":2,"total":41}"#))
        let empty = Yiwei.Page<TicketRowDTO>(items: [], page: 1, per: 50, total: 0)
        #expect(try both(empty).0 == #"{"items":[],"page":1,"per":50,"total":0}"#)
        // "/" is left as it is (JSONEncoder writes "\/"); both read back the same.
        var slash = row
        slash.title = "门诊/急诊 A/B 楼"
        let (writtenSlash, encodedSlash) = try both(slash)
        #expect(writtenSlash.contains("门诊/急诊"))
        // Timeline details and audit rows: string maps, keys sorted, exactly as the audit's encoder writes them.
        let details = ["status": "new", "priority": "P1", "onBehalfOf": "张护士", "priorityReason": "院长\"特批\"\n", "teamId": "A/B", "at": ""]
        #expect(AuditLog.json(details) == String(decoding: try AuditLog.encoder.encode(details), as: UTF8.self))
        #expect(AuditLog.json([String: String]()) == "{}")
        let decoder = JSONDecoder.custom(dates: .iso8601)
        #expect(try decoder.decode(TicketRowDTO.self, from: Data(writtenSlash.utf8)) == decoder.decode(TicketRowDTO.self, from: Data(encodedSlash.utf8)))
    }

    @Test("on SQLite every write runs on the writer's lane: its own connection and event loop; readers see it once answered")
    func writerLane() async throws {
        try await withYiwei { env in
            guard env.app.yiwei.databaseKind == .sqlite else { return }
            let lane = try #require(env.app.yiwei.writeGate.lane)
            let onLane = try await env.app.write(affectsReference: false) { db in
                try await db.sql.insert(into: "ticket_counters").columns("id", "key", "last")
                    .values(SQLBind(UUID()), SQLBind("lane-test"), SQLBind(7)).run()
                return db.eventLoop === lane.executor.loop && lane.executor.loop.inEventLoop
            }
            #expect(onLane)
            let last = try await env.db.raw("SELECT last FROM ticket_counters WHERE key = 'lane-test'").first()?.decode(column: "last", as: Int.self)
            #expect(last == 7)
        }
    }

    @Test("the SLA scheduler looks at due tickets 25 to a transaction, so reports are not held up behind a long pass")
    func slaTickInSteps() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            for i in 0..<40 { _ = try await h.report(title: "HIS 无法登录 \(i)", extra: ["impact": "hospital", "urgency": "clinical"]) }
            env.clock.advance(by: 24 * 3600)
            func alerted() async throws -> Int {
                try await env.db.raw("SELECT COUNT(DISTINCT ticket_id) AS n FROM sla_alerts").first()!.decode(column: "n", as: Int.self)
            }
            let gate = env.app.yiwei.writeGate
            var before = gate.stats.transactions
            // At most `limit` tickets: 10 in one transaction.
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now(), limit: 10) > 0)
            #expect(try await alerted() == 10)
            #expect(gate.stats.transactions - before == 1)
            // The other 30: 25, then 5 — two transactions.
            before = gate.stats.transactions
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            #expect(try await alerted() == 40)
            #expect(gate.stats.transactions - before == 2)
            // Nothing left due: one look, nothing recorded.
            before = gate.stats.transactions
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 0)
            #expect(gate.stats.transactions - before == 1)
        }
    }

    @Test("placeholders filled without Foundation: the first one, anywhere in the text, multi-byte text intact")
    func filling() {
        #expect("剩余 {d}".filling("{d}", with: "1小时 20分") == "剩余 1小时 20分")
        #expect("{d}后超时".filling("{d}", with: "5分") == "5分后超时")
        #expect("超时 {d}，请处理 {d}".filling("{d}", with: "3天") == "超时 3天，请处理 {d}")
        #expect("无占位".filling("{d}", with: "x") == "无占位")
        #expect("{".filling("{d}", with: "x") == "{")
        #expect("{d}".filling("{d}", with: "") == "")
    }

    @Test("'my open tickets' reads the partial index of open tickets in order, without sorting (SQLite)")
    func openTicketIndex() async throws {
        try await withYiwei { env in
            // The shipped index names these statuses; a change to the open statuses needs a new index migration.
            #expect(SQLQuery.openStatusSQL == AddOpenTicketIndexes.predicate)
            guard env.app.yiwei.databaseKind == .sqlite else { return }
            let plan = try await env.db.raw("""
                EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE (assignee_id = \(bind: UUID()) AND \(SQLQuery.openStatus))
                ORDER BY created_at DESC, number DESC LIMIT 50
                """).all().map { try $0.decode(column: "detail", as: String.self) }
            #expect(plan.contains { $0.contains("idx_tickets_assignee_open") })
            #expect(!plan.contains { $0.contains("TEMP B-TREE") })
        }
    }

    @Test("at shutdown the gate finishes the write under way, then refuses new ones with 503 instead of leaving them waiting")
    func gateClose() async throws {
        try await withYiwei { env in
            let app = env.app
            let slow = Task {
                try await app.write(affectsReference: false) { db in
                    try await Task.sleep(for: .milliseconds(300))
                    try await db.sql.insert(into: "ticket_counters").columns("id", "key", "last")
                        .values(SQLBind(UUID()), SQLBind("close-test"), SQLBind(3)).run()
                    return 3
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            await app.yiwei.writeGate.close()
            // Under way when the gate closed: committed and answered before `close` returned.
            #expect(try await slow.value == 3)
            #expect(try await env.db.raw("SELECT last FROM ticket_counters WHERE key = 'close-test'").first()?.decode(column: "last", as: Int.self) == 3)
            do {
                try await app.write(affectsReference: false) { _ in }
                Issue.record("a write after close was accepted")
            } catch let error as AppError {
                #expect(error.status == .serviceUnavailable && error.code == .shuttingDown)
            }
        }
    }

    @Test("the writer keeps the audit chain's head between commits; a row appended beside it is noticed, the chain never forks")
    func auditHeadKept() async throws {
        try await withYiwei { env in
            let app = env.app
            @Sendable func audited(_ db: any Database, _ i: Int) async throws {
                try await AuditLog.append(on: db, at: Date(), actor: .system("test"), action: "test.head", entityType: "test", entityId: String(i))
            }
            try await app.write(affectsReference: false) { db in try await audited(db, 1) }
            func last() async throws -> Int64 {
                try await env.db.raw("SELECT MAX(seq) AS n FROM audit_log").first()!.decode(column: "n", as: Int64.self)
            }
            if env.app.yiwei.databaseKind == .sqlite {
                let head = app.yiwei.writeGate.knownAuditHead, newest = try await last()
                #expect(head?.sequence == newest, "kept \(String(describing: head)), newest \(newest)")
            }
            // Another writer (a command run beside the server) appends without the gate: the kept head is now stale.
            try await audited(app.db, 2)
            try await app.write(affectsReference: false) { db in try await audited(db, 3) }
            try await app.write(affectsReference: false) { db in try await audited(db, 4) }
            let rows = try await env.db.raw("SELECT seq, entity_id FROM audit_log WHERE action = 'test.head' ORDER BY seq").all()
            let ids = try rows.map { try $0.decode(column: "entity_id", as: String.self) }
            let seqs = try rows.map { try $0.decode(column: "seq", as: Int64.self) }
            #expect(ids == ["1", "2", "3", "4"])
            #expect(seqs == Array(seqs[0]...(seqs[0] + 3)))
            if env.app.yiwei.databaseKind == .sqlite {
                let head = app.yiwei.writeGate.knownAuditHead, newest = try await last()
                #expect(head?.sequence == newest, "kept \(String(describing: head)), newest \(newest)")
            }
            #expect(try await AuditLog.verify(on: env.app.db).finding == nil)
        }
    }
}
