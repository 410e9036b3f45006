// report-bench: the monthly operations report (月度运维报告) with 1,000,000 tickets over three years (issue target:
// the page renders in < 1 s), on SQLite, measured side by side in the same run with
//   (a) `KPIService.compute` for one month — the single aggregate the report builds on (docs/PERFORMANCE.md: ~16 ms), and
//   (b) a trivial query through the same pool (the floor: one round trip).
// Cases: the report's figures (`ReportService.compute`, every query of the page) for a month and a week; the downtime
// year; the whole page and the month's ticket CSV over HTTP as a lead would fetch them (routing, auth, Leaf, SVG charts).
//
// Run: swift build -c release --product report-bench && .build/release/report-bench [tickets] [open] [repetitions]
import Fluent
import Foundation
import NIOCore
import SQLKit
import Vapor
import Yiwei
import YiweiDemo

@main
struct ReportBench {
    static func main() async throws {
        let args = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let total = args.count > 0 ? args[0] : 1_000_000
        let open = args.count > 1 ? args[1] : 100_000
        let reps = args.count > 2 ? args[2] : 10
        let (app, dir) = try await BenchmarkSupport.makeApp("report")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = BenchmarkSupport.now
        let sql = app.db as! any SQLDatabase
        // This benchmark never searches the ticket list: its million tickets skip the search index's triggers
        // (`TicketSearch`), which would only lengthen the fill.
        for trigger in ["tickets_search_insert", "tickets_search_update", "tickets_search_delete"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
        }
        let t = now.timeIntervalSince1970

        // 1. Fill: 50 business systems, 20 categories; `total` tickets over three years, the newest `open` still open
        //    (new, accepted, in progress, pending), P1–P4 and the three domains evenly, four in five incidents, two in
        //    three with a system, every one with a category; closed ones resolved, a third rated; SLA outcomes set.
        //    Downtime: two outage records a month for a year on five systems.
        let started = Date()
        // Ids are stored as text, as Fluent stores them on SQLite.
        let admin = try await sql.raw("SELECT id FROM users LIMIT 1").first()!.decode(column: "id", as: String.self)
        try await sql.raw("CREATE TEMP TABLE bench_systems (k INTEGER PRIMARY KEY, id TEXT)").run()
        try await sql.raw("CREATE TEMP TABLE bench_categories (k INTEGER PRIMARY KEY, id TEXT)").run()
        for k in 0..<50 {
            let id = UUID().uuidString
            try await sql.raw("""
                INSERT INTO business_systems (id, name, code, criticality, is_active, created_at, updated_at)
                VALUES (\(bind: id), \(bind: "业务系统\(k)"), \(bind: "S\(k)"), 'important', 1, \(bind: now), \(bind: now))
                """).run()
            try await sql.raw("INSERT INTO bench_systems (k, id) VALUES (\(bind: k), \(bind: id))").run()
        }
        for k in 0..<20 {
            let id = UUID().uuidString
            try await sql.raw("""
                INSERT INTO categories (id, name, domain, sort_order, is_active, created_at, updated_at)
                VALUES (\(bind: id), \(bind: "故障分类\(k)"), 'it', \(bind: k), 1, \(bind: now), \(bind: now))
                """).run()
            try await sql.raw("INSERT INTO bench_categories (k, id) VALUES (\(bind: k), \(bind: id))").run()
        }
        let span = 3 * 365 * 86_400.0
        let batch = 50_000
        var from = 1
        while from <= total {
            let to = min(total, from + batch - 1)
            try await sql.raw("""
                WITH RECURSIVE n(i) AS (SELECT \(bind: from) UNION ALL SELECT i + 1 FROM n WHERE i < \(bind: to))
                INSERT INTO tickets (id, number, domain, kind, title, description, impact, urgency, priority, status, paused_seconds,
                                     created_by_id, channel, reopen_count, created_at, updated_at, business_system_id, category_id,
                                     response_due_at, resolve_due_at, acknowledged_at, resolved_at, closed_at, pending_since,
                                     rating_score, response_breached, resolve_breached)
                SELECT printf('%s-%s-4%s-A%s-%s', hex(randomblob(4)), hex(randomblob(2)), substr(hex(randomblob(2)), 2),
                              substr(hex(randomblob(2)), 2), hex(randomblob(6))), 'BENCH-' || i,
                       CASE i % 3 WHEN 1 THEN 'logistics' WHEN 2 THEN 'equipment' ELSE 'it' END,
                       CASE WHEN i % 5 = 0 THEN 'request' ELSE 'incident' END,
                       '门诊收费窗口打印机无法打印 ' || i, '打印时提示脱机，重启无效', 'department', 'operation',
                       'P' || (1 + (i / 3) % 4),
                       CASE WHEN i > \(bind: open) THEN 'closed' WHEN i % 10 < 4 THEN 'new' WHEN i % 10 < 6 THEN 'accepted'
                            WHEN i % 10 < 9 THEN 'in_progress' ELSE 'pending' END,
                       0, \(bind: admin), 'web', 0,
                       \(bind: t) - (i * \(bind: span / Double(total))),
                       \(bind: t) - (i * \(bind: span / Double(total))),
                       CASE WHEN i % 3 <> 0 THEN (SELECT id FROM bench_systems WHERE k = i % 50) END,
                       (SELECT id FROM bench_categories WHERE k = i % 20),
                       CASE WHEN i <= \(bind: open) AND i % 10 < 4 THEN \(bind: t) - 1800 + (i % 120) * 60 END,
                       CASE WHEN i <= \(bind: open) AND i % 10 < 9 THEN \(bind: t) - 7200 + (i % 500) * 600 END,
                       CASE WHEN i > \(bind: open) OR i % 10 >= 4 THEN \(bind: t) - (i * \(bind: span / Double(total))) + 600 END,
                       CASE WHEN i > \(bind: open) THEN \(bind: t) - (i * \(bind: span / Double(total))) + 60 * (30 + i % 600) END,
                       CASE WHEN i > \(bind: open) THEN \(bind: t) - (i * \(bind: span / Double(total))) + 86400 END,
                       CASE WHEN i <= \(bind: open) AND i % 10 = 9 THEN \(bind: t) - (i % 300) * 3600 END,
                       CASE WHEN i > \(bind: open) AND i % 3 = 0 THEN 1 + i % 5 END,
                       CASE WHEN i % 40 > 33 THEN 1 WHEN i % 10 >= 4 OR i > \(bind: open) THEN 0 END,
                       CASE WHEN i > \(bind: open) THEN (i % 600) > 240 WHEN i % 50 > 46 THEN 1 END
                FROM n
                """).run()
            from = to + 1
        }
        for month in 0..<12 {
            for k in 0..<5 {
                for n in 0..<2 {
                    let start = t - Double(month) * 30 * 86_400 - Double(k * 3 + n * 9) * 86_400 - 3600
                    try await sql.raw("""
                        INSERT INTO outages (id, business_system_id, kind, hospital_wide, started_at, ended_at, department_ids, description,
                                             created_by_id, created_at, updated_at)
                        VALUES (\(bind: UUID().uuidString), (SELECT id FROM bench_systems WHERE k = \(bind: k)), \(bind: n == 0 ? "outage" : "department_impact"),
                                0, \(bind: start), \(bind: start + Double(20 + 25 * n) * 60), '[]', '数据库宕机', \(bind: admin), \(bind: now), \(bind: now))
                        """).run()
                }
            }
        }
        try await sql.raw("ANALYZE").run()
        let counts = try await sql.raw("SELECT count(*) AS n, sum(CASE WHEN status <> 'closed' THEN 1 ELSE 0 END) AS o FROM tickets").first()!
        let n = try counts.decode(column: "n", as: Int.self), o = try counts.decode(column: "o", as: Int.self)
        print(String(format: "filled %d tickets (%d open), 120 outage records, in %.1f s", n, o, Date().timeIntervalSince(started)))

        // 2. A lead's token, through the API, for the page and the CSV over HTTP.
        let port = 18_000 + Int.random(in: 700..<800)
        try await app.server.start(address: .hostname("127.0.0.1", port: port))
        let base = "http://127.0.0.1:\(port)"
        struct Login: Content { var token: String }
        func login(_ username: String, _ password: String) async throws -> String {
            var req = ClientRequest(method: .POST, url: URI(string: base + "/api/v1/auth/login"))
            try req.content.encode(["username": username, "password": password], as: .json)
            let res: ClientResponse = try await app.client.send(req)
            let decoded = try JSONDecoder().decode(Login.self, from: Data((res.body.map { String(buffer: $0) } ?? "").utf8))
            return decoded.token
        }
        let adminToken = try await login("admin", "Bench#Root2026x")
        var create = ClientRequest(method: .POST, url: URI(string: base + "/api/v1/users"))
        create.headers.bearerAuthorization = .init(token: adminToken)
        try create.content.encode(["username": "zhuren", "displayName": "信息科主任", "password": "Bench#Init2026", "roles": ["lead"]] as [String: AnyEncodable],
                                  as: .json)
        let created: ClientResponse = try await app.client.send(create)
        guard created.status == .created else { fatalError("could not create the lead: \(created.status)") }
        // The lead chooses their own password before the API serves them anything else.
        var choose = ClientRequest(method: .POST, url: URI(string: base + "/api/v1/auth/password"))
        choose.headers.bearerAuthorization = .init(token: try await login("zhuren", "Bench#Init2026"))
        try choose.content.encode(["currentPassword": "Bench#Init2026", "newPassword": "Bench#Lead2026"], as: .json)
        let chosen: ClientResponse = try await app.client.send(choose)
        guard chosen.status.code < 300 else { fatalError("could not set the lead's password: \(chosen.status)") }
        let lead = try await login("zhuren", "Bench#Lead2026")

        // 3. Measure.
        func time(_ body: () async throws -> Void) async throws -> Double { try await BenchmarkSupport.time(body) }
        func get(_ path: String) async throws -> Int {
            var req = ClientRequest(method: .GET, url: URI(string: base + path))
            req.headers.bearerAuthorization = .init(token: lead)
            let res: ClientResponse = try await app.client.send(req)
            guard res.status == .ok else { fatalError("\(path): \(res.status)") }
            return res.body?.readableBytes ?? 0
        }
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let covered = try await ReportBenchmark.monthly("2026-10", now: now, timeZone: zone, on: app.db)
        let pageBytes = try await get("/reports/monthly?month=2026-10")
        let csvBytes = try await get("/reports/monthly.csv?month=2026-10&part=tickets")
        let breaches = try await ReportBenchmark.downtime(year: 2026, now: now, timeZone: zone, on: app.db)
        print("October 2026: \(covered) tickets; page \(pageBytes / 1024) KiB, ticket CSV \(csvBytes / 1024) KiB; 2026 downtime breaches \(breaches)")
        var monthly: [Double] = [], weekly: [Double] = [], downtime: [Double] = [], page: [Double] = [], csv: [Double] = []
        var kpis: [Double] = [], trivial: [Double] = []
        let octoberFrom = Date(timeIntervalSince1970: 1_790_784_000), octoberTo = Date(timeIntervalSince1970: 1_793_462_400)
        for _ in 0..<reps {
            monthly.append(try await time { _ = try await ReportBenchmark.monthly("2026-10", now: now, timeZone: zone, on: app.db) })
            weekly.append(try await time { _ = try await ReportBenchmark.weekly("2026-11-09", now: now, timeZone: zone, on: app.db) })
            downtime.append(try await time { _ = try await ReportBenchmark.downtime(year: 2026, now: now, timeZone: zone, on: app.db) })
            page.append(try await time { _ = try await get("/reports/monthly?month=2026-10") })
            csv.append(try await time { _ = try await get("/reports/monthly.csv?month=2026-10&part=tickets") })
            kpis.append(try await time { _ = try await KPIService.compute(from: octoberFrom, to: octoberTo, domain: nil, teamId: nil, groupBy: nil,
                                                                          timeZone: zone, on: app.db) })
            trivial.append(try await time { _ = try await sql.raw("SELECT 1 AS one").all() })
        }
        let rows: [(String, [Double])] = [
            ("monthly report, every figure (`ReportService.compute`, October 2026)", monthly),
            ("weekly report, every figure (week of 2026-11-09)", weekly),
            ("downtime year 2026 (`DowntimeService.compute`)", downtime),
            ("monthly report page over HTTP (`GET /reports/monthly`, Leaf + SVG)", page),
            ("the month's tickets as CSV over HTTP (`part=tickets`)", csv),
            ("reference: `KPIService.compute`, the same month", kpis),
            ("reference: `SELECT 1`", trivial),
        ]
        BenchmarkSupport.printTable(rows)
        print("\n\(reps) repetitions each; \(n) tickets, \(o) open; SQLite WAL, one process.")
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

/// Mixed JSON values for the user body.
struct AnyEncodable: Encodable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    let encode: @Sendable (any Encoder) throws -> Void
    init(stringLiteral value: String) { encode = { try value.encode(to: $0) } }
    init(arrayLiteral elements: String...) { let values = elements; encode = { try values.encode(to: $0) } }
    func encode(to encoder: any Encoder) throws { try encode(encoder) }
}
