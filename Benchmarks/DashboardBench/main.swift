// dashboard-bench: one refresh of the operations dashboard — every figure of `GET /api/v1/stats/dashboard`
// (issue target: < 100 ms with 1,000,000 tickets, 100,000 of them open), and the live updates' fingerprint
// (polled once a second), on SQLite, measured side by side in the same run with
//   (a) a trivial query through the same pool (the floor: one round trip), and
//   (b) reading the open tickets' status, domain and priority — what counting them in Swift would cost.
//
// Run: swift build -c release --product dashboard-bench && .build/release/dashboard-bench [tickets] [open] [repetitions]
import Fluent
import Foundation
import SQLKit
import Vapor
import Yiwei
import YiweiDemo

@main
struct DashboardBench {
    static func main() async throws {
        let args = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let total = args.count > 0 ? args[0] : 1_000_000
        let open = args.count > 1 ? args[1] : 100_000
        let reps = args.count > 2 ? args[2] : 30
        let (app, dir) = try await BenchmarkSupport.makeApp("dashboard")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = BenchmarkSupport.now
        let sql = app.db as! any SQLDatabase
        // This benchmark never searches the ticket list: its million tickets skip the search index's triggers
        // (`TicketSearch`), which would only lengthen the fill.
        for trigger in ["tickets_search_insert", "tickets_search_update", "tickets_search_delete"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
        }
        let t = now.timeIntervalSince1970

        // 1. Fill. 50 business systems; one team with the administrator on duty; `total` tickets over three
        //    years (the newest `open` still open: 40 % new, 20 % accepted, 30 % in progress, 10 % pending;
        //    P1–P4 and the three domains evenly; four in five incidents, two in three with a business system;
        //    about 20 % of the open ones breached); SLA warnings for the open tickets in the last quarter of a target
        //    and for a third of the closed ones (the alert table a busy hospital accumulates).
        let started = Date()
        let admin = try await sql.raw("SELECT id FROM users LIMIT 1").first()!.decode(column: "id", as: UUID.self)
        try await sql.raw("CREATE TEMP TABLE bench_systems (k INTEGER PRIMARY KEY, id BLOB)").run()
        for k in 0..<50 {
            let id = UUID()
            try await sql.raw("""
                INSERT INTO business_systems (id, name, code, criticality, is_active, created_at, updated_at)
                VALUES (\(bind: id), \(bind: "业务系统\(k)"), \(bind: "S\(k)"), 'important', 1, \(bind: now), \(bind: now))
                """).run()
            try await sql.raw("INSERT INTO bench_systems (k, id) VALUES (\(bind: k), \(bind: id))").run()
        }
        let team = UUID()
        try await sql.raw("""
            INSERT INTO teams (id, name, domain, auto_assign, is_active, created_at, updated_at)
            VALUES (\(bind: team), '信息科运维组', 'it', 0, 1, \(bind: now), \(bind: now))
            """).run()
        try await sql.raw("INSERT INTO team_members (id, team_id, user_id, on_duty) VALUES (\(bind: UUID()), \(bind: team), \(bind: admin), 1)").run()
        let span = 3 * 365 * 86_400.0
        let batch = 50_000
        var from = 1
        while from <= total {
            let to = min(total, from + batch - 1)
            try await sql.raw("""
                WITH RECURSIVE n(i) AS (SELECT \(bind: from) UNION ALL SELECT i + 1 FROM n WHERE i < \(bind: to))
                INSERT INTO tickets (id, number, domain, kind, title, description, impact, urgency, priority, status, paused_seconds,
                                     created_by_id, channel, reopen_count, created_at, updated_at, business_system_id,
                                     assignee_id, response_due_at, resolve_due_at, acknowledged_at, resolved_at, closed_at,
                                     response_breached, resolve_breached)
                SELECT randomblob(16), 'BENCH-' || i,
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
                       CASE WHEN i % 100 = 0 THEN \(bind: admin) END,
                       CASE WHEN i <= \(bind: open) AND i % 10 < 4 THEN \(bind: t) - 1800 + (i % 120) * 60 END,
                       CASE WHEN i <= \(bind: open) THEN \(bind: t) - 7200 + (i % 500) * 600 END,
                       CASE WHEN i > \(bind: open) OR i % 10 >= 4 THEN \(bind: t) - (i * \(bind: span / Double(total))) + 600 END,
                       CASE WHEN i > \(bind: open) THEN \(bind: t) - (i * \(bind: span / Double(total))) + 60 * (30 + i % 600) END,
                       CASE WHEN i > \(bind: open) THEN \(bind: t) - (i * \(bind: span / Double(total))) + 86400 END,
                       CASE WHEN i % 40 > 33 THEN 1 WHEN i % 10 >= 4 OR i > \(bind: open) THEN 0 END,
                       CASE WHEN i > \(bind: open) THEN (i % 600) > 240 WHEN i % 50 > 46 THEN 1 END
                FROM n
                """).run()
            from = to + 1
        }
        // Warnings as the scheduler leaves them: for the running tickets whose resolution is due within the hour or
        // whose response is due within 8 minutes (the last quarter of their targets), and for a third of the closed ones.
        try await sql.raw("""
            INSERT INTO sla_alerts (id, ticket_id, clock, level, at, target_minutes, elapsed_minutes)
            SELECT randomblob(16), id, 'resolve', 'warning', \(bind: t) - 60, 240, 180 FROM tickets
            WHERE status IN ('new', 'accepted', 'in_progress') AND resolve_due_at > \(bind: t) AND resolve_due_at <= \(bind: t + 3600)
            UNION ALL
            SELECT randomblob(16), id, 'response', 'warning', \(bind: t) - 60, 30, 23 FROM tickets
            WHERE status = 'new' AND response_due_at > \(bind: t) AND response_due_at <= \(bind: t + 480)
            UNION ALL
            SELECT randomblob(16), id, 'resolve', 'warning', created_at + 3600, 240, 180 FROM tickets WHERE status = 'closed' AND rowid % 3 = 0
            """).run()
        try await sql.raw("ANALYZE").run()
        let counts = try await sql.raw("""
            SELECT count(*) AS n, sum(CASE WHEN status <> 'closed' THEN 1 ELSE 0 END) AS o, (SELECT count(*) FROM sla_alerts) AS a FROM tickets
            """).first()!
        let n = try counts.decode(column: "n", as: Int.self), o = try counts.decode(column: "o", as: Int.self)
        let alerts = try counts.decode(column: "a", as: Int.self)
        print(String(format: "filled %d tickets (%d open, %d SLA alerts) in %.1f s", n, o, alerts, Date().timeIntervalSince(started)))

        // 2. Measure.
        func time(_ body: () async throws -> Void) async throws -> Double { try await BenchmarkSupport.time(body) }
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let sample = try await DashboardService.compute(now: now, timeZone: zone, on: app.db)
        print("figures: open \(sample.open), at risk \(sample.atRisk), breached \(sample.breached), today \(sample.today.created)/\(sample.today.resolved), "
              + "30-day reports \(sample.trend.reduce(0) { $0 + $1.created }), top system \(sample.topSystems.first?.incidents ?? 0)")
        var refresh: [Double] = [], fingerprint: [Double] = [], trivial: [Double] = [], naive: [Double] = []
        for _ in 0..<reps {
            refresh.append(try await time { _ = try await DashboardService.compute(now: now, timeZone: zone, on: app.db) })
            fingerprint.append(try await time { _ = try await DashboardService.fingerprint(now: now, timeZone: zone, on: app.db) })
            trivial.append(try await time { _ = try await sql.raw("SELECT 1 AS one").all() })
            naive.append(try await time {
                _ = try await sql.raw("SELECT status, domain, priority FROM tickets WHERE status IN ('new', 'accepted', 'in_progress', 'pending')").all()
            })
        }
        let rows: [(String, [Double])] = [
            ("dashboard refresh: every figure (`DashboardService.compute`)", refresh),
            ("live-update fingerprint (polled once a second)", fingerprint),
            ("reference: `SELECT 1`", trivial),
            ("reference: read the open tickets' status, domain, priority", naive),
        ]
        BenchmarkSupport.printTable(rows)
        print("\n\(reps) repetitions each; \(n) tickets, \(o) open; SQLite WAL, one process.")
        try await app.asyncShutdown()
    }
}
