import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

/// The ticket list's `q` (SD-8, docs/api.md): a literal, case-insensitive (Latin) substring of number, title or
/// description, or of the reporter's, department's or business system's name; with the other filters and the
/// caller's scope; newest first. Every expected set below is worked out by hand from the six reports.
@Suite("Tickets: search")
struct TicketSearchTests {
    /// Six reports (titles and descriptions chosen so that each term below has a known answer), oldest first:
    /// a nurse (心血管内科): his — 「HIS登录失败」/「医生工作站无法登录」, printer — 「打印机卡纸」/「收费处频繁卡纸」 (business
    /// system 门诊收费系统), air — logistics 「病房空调不制冷」/「空调开机后不制冷」;
    /// the other nurse (儿科): network — 「网络中断」/「三楼护士站网络不通」, pacs — 「Pacs影像调阅慢」/「影像科 PACS 调阅缓慢」;
    /// the colleague (心血管内科): disk — 「库存100%_满了」/「磁盘使用率 100% 告警」.
    struct Reports {
        let h: Hospital
        let his, printer, air, network, pacs, disk: TicketDTO
        let system: UUID

        static func make(_ env: TestEnv) async throws -> Reports {
            let h = try await Hospital.make(env)
            let res = try await env.send(.POST, "/api/v1/business-systems", token: h.admin, json: ["name": "门诊收费系统"])
            try #require(res.status == .created, "\(res.body.string)")
            let system = try res.content.decode(BusinessSystemDTO.self).id
            // One second apart, so that newest first is the reverse of this order.
            let start = env.clock.now()
            var reported = 0
            func report(_ token: String, _ title: String, _ description: String, domain: String = "it", extra: [String: String] = [:]) async throws -> TicketDTO {
                reported += 1
                env.clock.set(start.addingTimeInterval(Double(reported)))
                return try await h.report(token, title: title, domain: domain, extra: extra.merging(["description": description]) { a, _ in a })
            }
            let his = try await report(h.nurse.token, "HIS登录失败", "医生工作站无法登录")
            let printer = try await report(h.nurse.token, "打印机卡纸", "收费处频繁卡纸", extra: ["businessSystemId": system.uuidString])
            let air = try await report(h.nurse.token, "病房空调不制冷", "空调开机后不制冷", domain: "logistics")
            let network = try await report(h.otherNurse.token, "网络中断", "三楼护士站网络不通")
            let pacs = try await report(h.otherNurse.token, "Pacs影像调阅慢", "影像科 PACS 调阅缓慢")
            let disk = try await report(h.colleague.token, "库存100%_满了", "磁盘使用率 100% 告警")
            return Reports(h: h, his: his, printer: printer, air: air, network: network, pacs: pacs, disk: disk, system: system)
        }
    }

    static func search(_ env: TestEnv, _ token: String, _ q: String, _ more: String = "") async throws -> Page<TicketRowDTO> {
        let path = "/api/v1/tickets?q=" + q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + more
        let res = try await env.send(.GET, path, token: token)
        try #require(res.status == .ok, "\(q)\(more): \(res.body.string)")
        return try res.content.decode(Page<TicketRowDTO>.self)
    }

    @Test("1-, 2- and 3+-character Chinese terms, Latin in any case, newest first, with exact totals")
    func terms() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            func numbers(_ q: String) async throws -> [String] { try await Self.search(env, r.h.lead.token, q).items.map(\.number) }
            // One character: 机 is in 打印机卡纸 and 空调开机后; 网 only in the network report.
            #expect(try await numbers("机") == [r.air.number, r.printer.number])
            #expect(try await numbers("网") == [r.network.number])
            // The last character of a text (纸 ends the printer's title; 慢 ends the PACS title).
            #expect(try await numbers("慢") == [r.pacs.number])
            // Two characters.
            #expect(try await numbers("打印") == [r.printer.number])
            #expect(try await numbers("调阅") == [r.pacs.number])
            #expect(try await numbers("卡纸") == [r.printer.number])
            // Three or more, in the title or only in the description.
            #expect(try await numbers("打印机") == [r.printer.number])
            #expect(try await numbers("护士站网络") == [r.network.number])
            #expect(try await numbers("空调不制冷") == [r.air.number])
            // Trigrams present but not together: 「登录失败」's 登录 is in his' description too, 失败 only in its title.
            #expect(try await numbers("无法登录失败").isEmpty)
            #expect(try await numbers("找不到的词").isEmpty)
            // Latin: case-insensitive, 1, 2 and 3+ characters.
            #expect(try await numbers("pacs") == [r.pacs.number])
            #expect(try await numbers("PaCs影像") == [r.pacs.number])
            #expect(try await numbers("his") == [r.his.number])
            // 「hi」 is also in the display names 测试hushi (the nurse's reports) and 测试tongshi (the colleague's).
            #expect(try await numbers("Hi") == [r.disk.number, r.air.number, r.printer.number, r.his.number])
            // A space is part of the term: 「科 PACS」 is in the PACS description, 「科PACS」 nowhere.
            #expect(try await numbers("科 PACS") == [r.pacs.number])
            #expect(try await numbers("科PACS").isEmpty)
            let page = try await Self.search(env, r.h.lead.token, "机")
            #expect(page.total == 2)
            #expect(page.totalCapped == false)
        }
    }

    @Test("numbers: a prefix through the number's index, any case; any other part of a number")
    func numbers() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            func numbers(_ q: String) async throws -> Set<String> { Set(try await Self.search(env, r.h.lead.token, q).items.map(\.number)) }
            let it = [r.his, r.printer, r.network, r.pacs, r.disk].map(\.number)
            let day = String(r.printer.number.prefix(11))                      // IT-20261207
            #expect(day.hasPrefix("IT-") && day.count == 11)
            #expect(try await numbers(day) == Set(it))
            #expect(try await numbers(day.lowercased()) == Set(it))
            #expect(try await numbers(r.printer.number) == [r.printer.number])
            #expect(try await numbers(r.printer.number.lowercased()) == [r.printer.number])
            // The logistics report is LG-…-0001, the first IT report IT-…-0001: the sequence and date part find both.
            let sequence = String(r.his.number.suffix(9))                       // 1207-0001
            #expect(try await numbers(sequence) == [r.his.number, r.air.number])
            #expect(try await numbers("LG-") == [r.air.number])
            #expect(try await numbers("G-2") == [r.air.number])
            // One and two characters of a number: 「T-」 is in every IT number, 「g」 in the logistics one (and in the
            // colleague's display name, 测试tongshi).
            #expect(try await numbers("T-") == Set(it))
            #expect(try await numbers("g") == [r.air.number, r.disk.number])
        }
    }

    @Test("imported numbers of another form are found by any part, the prefix too")
    func importedNumbers() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            // A legacy number holding a live-looking prefix in its middle.
            try await env.db.raw("UPDATE tickets SET number = 'OLD-IT-2019-7' WHERE id = \(bind: r.disk.id)").run()
            func numbers(_ q: String) async throws -> Set<String> { Set(try await Self.search(env, r.h.lead.token, q).items.map(\.number)) }
            #expect(try await numbers("IT-2019") == ["OLD-IT-2019-7"])
            #expect(try await numbers("old-it") == ["OLD-IT-2019-7"])
            #expect(try await numbers(String(r.his.number.prefix(11))) == Set([r.his, r.printer, r.network, r.pacs].map(\.number)))
        }
    }

    @Test("names of reporter, department and business system")
    func names() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            func numbers(_ q: String) async throws -> Set<String> { Set(try await Self.search(env, r.h.lead.token, q).items.map(\.number)) }
            // Departments: 儿科 is the other nurse's; 心血管 the nurse's and the colleague's.
            #expect(try await numbers("儿科") == [r.network.number, r.pacs.number])
            #expect(try await numbers("心血管") == [r.his.number, r.printer.number, r.air.number, r.disk.number])
            // Reporters: display names are 测试 + user name (测试hushi, 测试erke, 测试tongshi).
            #expect(try await numbers("测试erke") == [r.network.number, r.pacs.number])
            #expect(try await numbers("ERKE") == [r.network.number, r.pacs.number])
            #expect(try await numbers("tongshi") == [r.disk.number])
            // 「shi」 is in hushi and tongshi.
            #expect(try await numbers("shi") == [r.his.number, r.printer.number, r.air.number, r.disk.number])
            // Business system.
            #expect(try await numbers("收费系统") == [r.printer.number])
            // 收费 is in the system's name and in the printer's description: once.
            #expect(try await Self.search(env, r.h.lead.token, "收费").items.map(\.number) == [r.printer.number])
        }
    }

    @Test("% and _ are literal characters")
    func literalWildcards() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            func numbers(_ q: String) async throws -> [String] { try await Self.search(env, r.h.lead.token, q).items.map(\.number) }
            #expect(try await numbers("%") == [r.disk.number])
            #expect(try await numbers("_") == [r.disk.number])
            #expect(try await numbers("100%") == [r.disk.number])
            #expect(try await numbers("%_满") == [r.disk.number])
            #expect(try await numbers("0%_") == [r.disk.number])
            #expect(try await numbers("_满了") == [r.disk.number])
            // As wildcards these would match the other reports.
            #expect(try await numbers("%机%").isEmpty)
            #expect(try await numbers("打_机").isEmpty)
            #expect(try await numbers("\\").isEmpty)
            #expect(try await numbers("'\"").isEmpty)
        }
    }

    @Test("with the status and domain filters and the caller's scope")
    func filtersAndScope() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            func numbers(_ token: String, _ q: String, _ more: String = "") async throws -> [String] {
                try await Self.search(env, token, q, more).items.map(\.number)
            }
            _ = try await r.h.act(r.printer, r.h.lead.token, ["action": "assign", "assigneeId": r.h.engineer.id.uuidString])
            #expect(try await numbers(r.h.lead.token, "机", "&status=new") == [r.air.number])
            #expect(try await numbers(r.h.lead.token, "机", "&status=accepted") == [r.printer.number])
            #expect(try await numbers(r.h.lead.token, "机", "&domain=it") == [r.printer.number])
            #expect(try await numbers(r.h.lead.token, "机", "&queue=mine").isEmpty)
            #expect(try await numbers(r.h.engineer.token, "机", "&queue=mine") == [r.printer.number])
            // A reporter finds only the tickets they may see: the nurse not the other nurse's network report.
            #expect(try await numbers(r.h.nurse.token, "网").isEmpty)
            #expect(try await numbers(r.h.otherNurse.token, "网") == [r.network.number])
            #expect(try await numbers(r.h.nurse.token, "机") == [r.air.number, r.printer.number])
            // The colleague shares the nurse's department, which does not let reporters see each other's tickets.
            #expect(try await numbers(r.h.colleague.token, "机").isEmpty)
            #expect(try await numbers(r.h.colleague.token, "心血管") == [r.disk.number])
            // The logistics engineer sees the logistics domain's tickets only.
            #expect(try await numbers(r.h.logisticsEngineer.token, "机") == [r.air.number])
            let page = try await Self.search(env, r.h.nurse.token, "机")
            #expect(page.total == 2)
        }
    }

    @Test("a changed title is found by the new words, not the old")
    func editedTitle() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            func numbers(_ q: String) async throws -> [String] { try await Self.search(env, r.h.lead.token, q).items.map(\.number) }
            #expect(try await numbers("打印机") == [r.printer.number])
            let ticket = try #require(try await Ticket.fetch(r.printer.id, on: env.app.db))
            ticket.title = "扫描仪故障"
            try await ticket.save(on: env.app.db)
            #expect(try await numbers("打印机").isEmpty)
            #expect(try await numbers("打印").isEmpty)
            #expect(try await numbers("扫描仪") == [r.printer.number])
            #expect(try await numbers("扫描") == [r.printer.number])
            #expect(try await numbers("障") == [r.printer.number])
            // The description did not change.
            #expect(try await numbers("频繁卡纸") == [r.printer.number])
        }
    }

    @Test("every way of reading a search gives the same page and total (SQLite chooses by counts)")
    func readingWays() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            let reference = try await env.app.reference()
            let everything = TicketScope(all: true, userId: r.h.lead.id)
            let ways: [TicketSearch.Limits] = [
                .init(),                                           // the filters' tickets or the candidates read whole
                .init(candidates: 1000, filtered: 0),              // the candidates read whole
                .init(candidates: 0, filtered: 0),                 // newest first, the total among the candidates
                .init(candidates: 1000, filtered: 0, newest: 2),   // the two newest first, then the candidates
                .init(candidates: 1000, filtered: 0, newest: 0, indexOnlyTotals: false), // totals always checked row by row
                .init(candidates: 0, filtered: 0, indexOnlyTotals: false),
            ]
            for q in ["机", "网", "打印", "his", "打印机", "心血管", String(r.his.number.prefix(11)), "1", "%", "测试erke", "无", "调", "100", "T-2", "找不到"] {
                for status in [[], ["new"]] as [[String]] {
                    var results: [[String]] = [], totals: [Int] = []
                    for limits in ways {
                        var conditions: [any SQLExpression] = []
                        if let s = everything.condition() { conditions.append(s) }
                        if !status.isEmpty { conditions.append(SQLQuery.inList("status", status)) }
                        for per in [2, 50] {
                            let page = try await TicketSearch.page(TicketSearch.Term(q, reference: reference), predicate: SQLQuery.all(conditions),
                                                                   hasFilters: !conditions.isEmpty, page: PageRequest(page: 1, per: per),
                                                                   columns: TicketQueries.rowColumns, limits: limits, on: env.db)
                            results.append(try page.rows.map { try $0.string("number") ?? "" })
                            totals.append(page.total)
                        }
                    }
                    #expect(Set(results.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)).count == 1, "\(q) \(status): \(results)")
                    #expect(Set(results.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)).count == 1, "\(q) \(status): \(results)")
                    #expect(Set(totals).count == 1, "\(q) \(status): \(totals)")
                }
            }
        }
    }

    @Test("bad input: a term too long, control characters, a page past the first 1,000 results")
    func badInput() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            for query in ["q=" + String(repeating: "a", count: 101), "q=%00", "q=a%01b", "q=%E6%89%93&page=21&per=50", "q=x&page=6&per=200"] {
                let res = try await env.send(.GET, "/api/v1/tickets?" + query, token: h.lead.token)
                #expect(res.status == .badRequest, "\(query): \(res.body.string)")
                #expect(res.errorCode == "invalid_query", "\(query)")
            }
            #expect(try await env.send(.GET, "/api/v1/tickets?q=x&page=20&per=50", token: h.lead.token).status == .ok)
            // Without a term every page can be asked for.
            #expect(try await env.send(.GET, "/api/v1/tickets?page=21&per=50", token: h.lead.token).status == .ok)
        }
    }

    @Test("the writer's own index rows for new reports are the rows the SQL of the triggers makes")
    func writerIndexRows() async throws {
        try await withYiwei { env in
            guard KnowledgeSearch.isSQLite(env.db) else { return }
            let r = try await Reports.make(env)
            // Reports of several at once go through the group insert too.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<6 {
                    group.addTask { _ = try await r.h.report(r.h.nurse.token, title: "同时报修\(i)号 Ａｂ😀", domain: "it", extra: ["description": "e\u{301}第\(i)台"]) }
                }
                try await group.waitForAll()
            }
            #expect(try await env.db.raw("SELECT count(*) AS n FROM ticket_search_writer").first()?.decode(column: "n", as: Int.self) == 0)
            // An import-like insert through Fluent goes through the trigger.
            let copy = try Ticket(row: try #require(try await env.db.raw("SELECT * FROM tickets WHERE id = \(bind: r.pacs.id)").first()))
            copy.id = UUID()
            copy.number = "旧-2019/7"
            copy.$id.exists = false
            try await copy.create(on: env.app.db)

            func vocabulary(_ table: String) async throws -> [String] {
                // Not a temporary table: the next statement may run on another of the pool's connections.
                try await env.db.raw("DROP TABLE IF EXISTS vocabulary").run()
                try await env.db.raw("CREATE VIRTUAL TABLE vocabulary USING fts5vocab(\(unsafeRaw: table), row)").run()
                return try await env.db.raw("SELECT term, doc FROM vocabulary ORDER BY term").all().map {
                    try $0.decode(column: "term", as: String.self) + "×" + String(try $0.decode(column: "doc", as: Int.self))
                }
            }
            var written: [String: [String]] = [:]
            for table in ["ticket_text", "ticket_numbers", "ticket_pairs"] { written[table] = try await vocabulary(table) }
            // The same indexes made anew from the tickets by the SQL of the migration.
            try await TicketSearch.fill(on: env.db)
            for table in ["ticket_text", "ticket_numbers", "ticket_pairs"] {
                let rebuilt = try await vocabulary(table)
                #expect(written[table] == rebuilt, "\(table)")
                #expect(rebuilt.count > 20, "\(table)")
            }
            // The Swift forms of the pair and number texts against the triggers' SQL, for awkward text.
            for text in ["IT-20261207-0001 打印机 卡纸", "a", "", "e\u{301}😀Ｂ \t x", "OLD-IT-2019-7", "IT-20261207-0001", "it-20261207-0001", "IT-2026120７-0001"] {
                let sqlPairs = try await env.db.raw("""
                    SELECT group_concat(substr(s.t, p.n, 2), ' ') AS g FROM (SELECT \(bind: text) AS t) s JOIN ticket_search_positions p ON p.n <= length(s.t)
                    """).first()?.decode(column: "g", as: String?.self) ?? ""
                #expect(TicketSearch.indexedPairs(text).split(separator: " ", omittingEmptySubsequences: false).sorted()
                        == sqlPairs.split(separator: " ", omittingEmptySubsequences: false).sorted(), "\(text)")
                let sqlNumber = try await env.db.raw("""
                    SELECT \(bind: text) || CASE WHEN \(bind: text) GLOB '[A-Z][A-Z]-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]' \
                    THEN '' ELSE ' ' || char(57344, 57344, 57344) END AS n
                    """).first()?.decode(column: "n", as: String.self)
                #expect(TicketSearch.indexedNumber(text) == sqlNumber, "\(text)")
            }
        }
    }

    @Test("new reports are found at once, newest first; a deleted one leaves the indexes")
    func newAndDeleted() async throws {
        try await withYiwei { env in
            let r = try await Reports.make(env)
            func numbers(_ q: String) async throws -> [String] { try await Self.search(env, r.h.lead.token, q).items.map(\.number) }
            env.clock.set(env.clock.now().addingTimeInterval(60))
            let newer = try await r.h.report(r.h.nurse.token, title: "打印机又卡纸", domain: "it", extra: ["description": "网络打印机"])
            #expect(try await numbers("打印机") == [newer.number, r.printer.number])
            #expect(try await numbers("打印") == [newer.number, r.printer.number])
            #expect(try await numbers("网") == [newer.number, r.network.number])
            #expect(try await numbers(newer.number) == [newer.number])
            #expect(try await Self.search(env, r.h.lead.token, "卡纸").total == 2)
            try await env.db.raw("DELETE FROM ticket_events WHERE ticket_id = \(bind: newer.id)").run()
            try await env.db.raw("DELETE FROM tickets WHERE id = \(bind: newer.id)").run()
            #expect(try await numbers("打印机") == [r.printer.number])
            #expect(try await numbers("网") == [r.network.number])
            #expect(try await numbers(newer.number).isEmpty)
            #expect(try await Self.search(env, r.h.lead.token, "卡纸").total == 1)
        }
    }

    @Test("which terms the indexes answer exactly (their totals need no ticket read)")
    func indexExactTerms() async throws {
        try await withYiwei { env in
            let reference = try await env.app.reference()
            func exact(_ q: String) -> Bool { TicketSearch.Term(q, reference: reference).indexExact }
            for q in ["网", "打印", "打印机", "1207", "%_", "-2"] { #expect(exact(q), "\(q)") }
            // Letters with case (the indexes fold them throughout Unicode, the check only Latin), spaces, private use, astral.
            for q in ["pacs", "IT-2026", "科 PACS", "é", "Ａ", "\u{E000}ab", "😀", "a\tb"] { #expect(!exact(q), "\(q)") }
        }
    }
}
