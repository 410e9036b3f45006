import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// The period of a generated report: a local calendar month (月度运维报告) or a week from Monday (周报),
/// [from, to) in the hospital's time zone.
struct ReportPeriod: Sendable, Equatable {
    enum Kind: String, Sendable { case monthly, weekly }
    var kind: Kind
    /// "2026-11" or the Monday "2026-11-16".
    var key: String
    var from: Date
    var to: Date
    /// The days of the period as "yyyy-MM-dd", in order.
    var days: [String]
    var timeZone: TimeZone

    static func ofMonth(_ month: YearMonth, timeZone: TimeZone) -> ReportPeriod {
        let from = Date(timeIntervalSince1970: TimeInterval(DowntimeAccounting.monthStart(month, timeZone: timeZone)))
        let to = Date(timeIntervalSince1970: TimeInterval(DowntimeAccounting.monthStart(month.next, timeZone: timeZone)))
        return ReportPeriod(kind: .monthly, key: month.description, from: from, to: to, days: dayKeys(from: from, to: to, timeZone: timeZone),
                            timeZone: timeZone)
    }

    /// The week starting on `monday` (local midnight).
    static func ofWeek(_ monday: Date, timeZone: TimeZone) -> ReportPeriod {
        let to = calendar(timeZone).date(byAdding: .day, value: 7, to: monday)!
        return ReportPeriod(kind: .weekly, key: dayKey(monday, timeZone: timeZone), from: monday, to: to,
                            days: dayKeys(from: monday, to: to, timeZone: timeZone), timeZone: timeZone)
    }

    var previous: ReportPeriod {
        switch kind {
        case .monthly: .ofMonth(YearMonth(key)!.advanced(by: -1), timeZone: timeZone)
        case .weekly: .ofWeek(Self.calendar(timeZone).date(byAdding: .day, value: -7, to: from)!, timeZone: timeZone)
        }
    }

    var next: ReportPeriod {
        switch kind {
        case .monthly: .ofMonth(YearMonth(key)!.next, timeZone: timeZone)
        case .weekly: .ofWeek(to, timeZone: timeZone)
        }
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    static func dayKey(_ date: Date, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    static func dayKeys(from: Date, to: Date, timeZone: TimeZone) -> [String] {
        let calendar = calendar(timeZone)
        var keys: [String] = [], day = from
        while day < to, keys.count < 40 {
            keys.append(dayKey(day, timeZone: timeZone))
            day = calendar.date(byAdding: .day, value: 1, to: day)!
        }
        return keys
    }

    /// The last complete month or week before `now`.
    static func lastComplete(_ kind: Kind, now: Date, timeZone: TimeZone) -> ReportPeriod {
        switch kind {
        case .monthly:
            let current = DowntimeAccounting.month(containing: Int(now.timeIntervalSince1970.rounded(.down)), timeZone: timeZone)
            return .ofMonth(current.advanced(by: -1), timeZone: timeZone)
        case .weekly:
            let calendar = calendar(timeZone)
            let today = calendar.startOfDay(for: now)
            // weekday: 1 = Sunday … 7 = Saturday; days since Monday 0…6.
            let sinceMonday = (calendar.component(.weekday, from: today) + 5) % 7
            let monday = calendar.date(byAdding: .day, value: -sinceMonday, to: today)!
            return .ofWeek(calendar.date(byAdding: .day, value: -7, to: monday)!, timeZone: timeZone)
        }
    }

    /// Parses `?month=2026-11` or `?week=2026-11-16` (a Monday); empty means the last complete one.
    static func parse(_ kind: Kind, _ raw: String?, now: Date, timeZone: TimeZone) throws -> ReportPeriod {
        guard let raw, !raw.isEmpty else { return lastComplete(kind, now: now, timeZone: timeZone) }
        switch kind {
        case .monthly:
            guard let month = YearMonth(raw), (2000...2100).contains(month.year) else {
                throw AppError(.badRequest, .invalidQuery, "invalid month", fields: ["month": "must be a month like 2026-11"])
            }
            return .ofMonth(month, timeZone: timeZone)
        case .weekly:
            var v = Validator()
            guard raw.count == 10, v.date("week", raw) != nil, (2000...2100).contains(Int(raw.prefix(4)) ?? 0),
                  let day = v.dayOrInstant("week", raw, timeZone: timeZone), dayKey(day, timeZone: timeZone) == raw,
                  calendar(timeZone).component(.weekday, from: day) == 2 else {
                throw AppError(.badRequest, .invalidQuery, "invalid week", fields: ["week": "must be a Monday like 2026-11-16"])
            }
            return .ofWeek(day, timeZone: timeZone)
        }
    }
}

enum ReportService {
    static let openStatuses = ["new", "accepted", "in_progress", "pending"]
    /// A ticket pending longer than this at the period's end is an open risk.
    static let longPendingSeconds: TimeInterval = 72 * 3600

    static func kpiFigures(_ r: KPIResult) -> KPIFigures {
        KPIFigures(created: r.created, resolved: r.resolved, closed: r.closed, closureRate: r.closureRate,
                   meanResponseMinutes: r.meanResponseMinutes, meanResolveMinutes: r.meanResolveMinutes,
                   slaResponseRate: r.slaResponseRate, slaResolveRate: r.slaResolveRate, reopenRate: r.reopenRate, satisfaction: r.satisfaction)
    }

    static func compute(_ period: ReportPeriod, now: Date, timeZone: TimeZone, on db: any Database) async throws -> OpsReport {
        let sql = db.sql
        let postgres = sql.dialect.name != "sqlite"
        let from = period.from, to = period.to
        // KPIs (one aggregate query each over the index on creation time); the overall figures come with the priorities.
        let byPriority = try await KPIService.compute(from: from, to: to, domain: nil, teamId: nil, groupBy: "priority", timeZone: timeZone, on: db)
        let byDomain = try await KPIService.compute(from: from, to: to, domain: nil, teamId: nil, groupBy: "domain", timeZone: timeZone, on: db)
        let previous = try await KPIService.compute(from: period.previous.from, to: period.previous.to, domain: nil, teamId: nil, groupBy: nil,
                                                    timeZone: timeZone, on: db)

        // One pass over the period's tickets for the counts: reported per day (the day as KPIService's `groupBy=day` keys
        // it), per domain and kind, and the ratings.
        let offset = timeZone.secondsFromGMT(for: from)
        let zone = timeZone.identifier.replacingOccurrences(of: "'", with: "")
        let createdDay = postgres ? "to_char(t.created_at AT TIME ZONE '\(zone)', 'YYYY-MM-DD')" : "strftime('%Y-%m-%d', t.created_at + \(offset), 'unixepoch')"
        var created: [String: Int] = [:], kindCounts: [String: Int] = [:]
        var distribution = [0, 0, 0, 0, 0]
        for row in try await sql.raw("""
            SELECT \(unsafeRaw: createdDay) AS d, t.domain AS domain, t.kind AS kind, t.rating_score AS s, count(*) AS n FROM tickets t
            WHERE t.created_at >= \(bind: from) AND t.created_at < \(bind: to)
            GROUP BY \(unsafeRaw: createdDay), t.domain, t.kind, t.rating_score
            """).all() {
            let n = try row.decode(column: "n", as: Int.self)
            created[try row.decode(column: "d", as: String.self), default: 0] += n
            kindCounts[try row.decode(column: "domain", as: String.self) + "\u{1F}" + row.decode(column: "kind", as: String.self), default: 0] += n
            if let score = try row.decode(column: "s", as: Int?.self), (1...5).contains(score) { distribution[score - 1] += n }
        }
        let domainKind = kindCounts.sorted { $0.key < $1.key }.map { entry -> OpsReport.DomainKind in
            let parts = entry.key.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
            return OpsReport.DomainKind(domain: parts[0], kind: parts.count > 1 ? parts[1] : "", created: entry.value)
        }

        // Resolved per day: the last resolve in the day, among tickets now resolved or closed (idx_tickets_resolved).
        let resolvedDay = postgres ? "to_char(t.resolved_at AT TIME ZONE '\(zone)', 'YYYY-MM-DD')" : "strftime('%Y-%m-%d', t.resolved_at + \(offset), 'unixepoch')"
        var resolved: [String: Int] = [:]
        for row in try await sql.raw("""
            SELECT \(unsafeRaw: resolvedDay) AS d, count(*) AS n FROM tickets t
            WHERE t.resolved_at >= \(bind: from) AND t.resolved_at < \(bind: to) AND t.status IN ('resolved', 'closed')
            GROUP BY \(unsafeRaw: resolvedDay)
            """).all() {
            resolved[try row.decode(column: "d", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        // Days still to come (the current period) are left out rather than drawn as zeros.
        let today = ReportPeriod.dayKey(now, timeZone: timeZone)
        let daily = period.days.filter { $0 <= today }.map { OpsReport.Day(day: $0, created: created[$0] ?? 0, resolved: resolved[$0] ?? 0) }

        // Top faults: the period's incidents by category and by business system, from one grouped pass; ties by id.
        var byCategory: [UUID: Int] = [:], bySystem: [UUID: Int] = [:]
        for row in try await sql.raw("""
            SELECT t.category_id AS c, t.business_system_id AS b, count(*) AS n FROM tickets t
            WHERE t.created_at >= \(bind: from) AND t.created_at < \(bind: to) AND t.kind = 'incident'
            GROUP BY t.category_id, t.business_system_id
            """).all() {
            let n = try row.decode(column: "n", as: Int.self)
            if let c = try row.decode(column: "c", as: UUID?.self) { byCategory[c, default: 0] += n }
            if let b = try row.decode(column: "b", as: UUID?.self) { bySystem[b, default: 0] += n }
        }
        func top(_ counts: [UUID: Int]) -> [(UUID, Int)] {
            Array(counts.sorted { ($1.value, $0.key.uuidString) < ($0.value, $1.key.uuidString) }.prefix(10)).map { ($0.key, $0.value) }
        }
        let categoryCounts = top(byCategory), systemCounts = top(bySystem)

        // Major incidents: P1/P2 incidents reported in the period.
        let majorRows = try await sql.raw("""
            SELECT t.id, t.number, t.title, t.priority, t.status, t.business_system_id, t.created_at, t.acknowledged_at, t.resolved_at,
                   t.resolve_due_at, t.resolve_breached, t.sla_policy_id FROM tickets t
            WHERE t.created_at >= \(bind: from) AND t.created_at < \(bind: to) AND t.kind = 'incident' AND t.priority IN ('P1', 'P2')
            ORDER BY t.created_at, t.number LIMIT 200
            """).all().map(MajorRow.init(row:))

        // Open risks: tickets open at the period's end (or now, for the period still running) and still open now, whose
        // resolution target had passed by then (index on status and resolve_due_at); and tickets pending for 72 h.
        let end = min(to, max(now, from))
        let overdueOpen = try await sql.raw("""
            SELECT t.id, t.number, t.title, t.priority, t.status, t.created_at, t.resolve_due_at, t.pending_since FROM tickets t
            WHERE t.status IN ('new', 'accepted', 'in_progress', 'pending') AND t.resolve_due_at < \(bind: end) AND t.created_at < \(bind: end)
            ORDER BY t.resolve_due_at, t.number LIMIT 50
            """).all().map(RiskRow.init(row:))
        let overdueOpenTotal = try await sql.raw("""
            SELECT count(*) AS n FROM tickets t
            WHERE t.status IN ('new', 'accepted', 'in_progress', 'pending') AND t.resolve_due_at < \(bind: end) AND t.created_at < \(bind: end)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        let pendingBefore = end.addingTimeInterval(-longPendingSeconds)
        let pendingRows = try await sql.raw("""
            SELECT t.id, t.number, t.title, t.priority, t.status, t.created_at, t.resolve_due_at, t.pending_since FROM tickets t
            WHERE t.status = 'pending' AND t.pending_since < \(bind: pendingBefore)
            ORDER BY t.pending_since, t.number LIMIT 50
            """).all().map(RiskRow.init(row:))
        let pendingTotal = try await sql.raw("""
            SELECT count(*) AS n FROM tickets t WHERE t.status = 'pending' AND t.pending_since < \(bind: pendingBefore)
            """).first()?.decode(column: "n", as: Int.self) ?? 0

        // Downtime: the service year (calendar year) up to the period's last month, so yearly counts are right.
        let lastMonth = DowntimeAccounting.month(containing: DowntimeService.seconds(to) - 1, timeZone: timeZone)
        let firstMonth = YearMonth(year: DowntimeAccounting.month(containing: DowntimeService.seconds(from), timeZone: timeZone).year, month: 1)!
        let downtime = try await DowntimeService.compute(firstMonth: firstMonth, months: lastMonth.ordinal - firstMonth.ordinal + 1,
                                                         now: now, timeZone: timeZone, on: db)
        let downtimeRows = DowntimeService.slice(downtime, from: from, to: to, timeZone: timeZone)
        let downtimeBreaches = downtime.stats.breaches.filter { DowntimeService.inPeriod($0, from: from, to: to, timeZone: timeZone) }

        // Names.
        var systemIds = Set(systemCounts.map(\.0))
        for row in majorRows { if let id = row.business_system_id { systemIds.insert(id) } }
        var systemNames: [UUID: String] = [:], categoryNames: [UUID: String] = [:]
        if !systemIds.isEmpty { for s in try await BusinessSystem.query(on: db).filter(\.$id ~~ Array(systemIds)).all() { systemNames[try s.requireID()] = s.name } }
        let categoryIds = categoryCounts.map(\.0)
        if !categoryIds.isEmpty { for c in try await Category.query(on: db).filter(\.$id ~~ categoryIds).all() { categoryNames[try c.requireID()] = c.name } }

        let rated = distribution.reduce(0, +)
        let overdue = overdueOpen.map { $0.ticket("overdue") }
        return OpsReport(
            kind: period.kind.rawValue, period: period.key, from: from, to: to, previousPeriod: period.previous.key, generatedAt: now, complete: now >= to,
            kpis: kpiFigures(byPriority), previous: kpiFigures(previous), daily: daily,
            byDomain: byDomain.groups ?? [], byDomainAndKind: domainKind, slaByPriority: byPriority.groups ?? [],
            satisfaction: .init(mean: byPriority.satisfaction, rated: rated, distribution: distribution),
            topCategories: categoryCounts.map { .init(id: $0.0, name: categoryNames[$0.0] ?? "", count: $0.1) },
            topSystems: systemCounts.map { .init(id: $0.0, name: systemNames[$0.0] ?? "", count: $0.1) },
            majorIncidents: majorRows.map { r in
                let resolution: String
                if r.sla_policy_id == nil && r.resolve_due_at == nil { resolution = "none" }
                else if let breached = r.resolve_breached { resolution = breached ? "missed" : "met" }
                else { resolution = "open" }
                return .init(id: r.id, number: r.number, title: r.title, priority: r.priority, status: r.status,
                             businessSystemName: r.business_system_id.flatMap { systemNames[$0] }, createdAt: r.created_at,
                             acknowledgedAt: r.acknowledged_at, resolvedAt: r.resolved_at, resolveDueAt: r.resolve_due_at, resolution: resolution)
            },
            downtime: downtimeRows, inspections: .init(available: false),
            risks: .init(overdue: overdue, overdueTotal: overdueOpenTotal,
                         longPending: pendingRows.map { $0.ticket("pending") }, longPendingTotal: pendingTotal,
                         downtimeBreaches: downtimeBreaches))
    }

    /// Rows decoded column by column: ids are blobs on SQLite, which `decode(column:as: UUID.self)` reads and a `Decodable`
    /// struct (reading a UUID as a string) does not.
    private struct MajorRow {
        var id: UUID
        var number: String
        var title: String
        var priority: String
        var status: String
        var business_system_id: UUID?
        var created_at: Date
        var acknowledged_at: Date?
        var resolved_at: Date?
        var resolve_due_at: Date?
        var resolve_breached: Bool?
        var sla_policy_id: UUID?

        init(row: any SQLRow) throws {
            id = try row.decode(column: "id", as: UUID.self)
            number = try row.decode(column: "number", as: String.self)
            title = try row.decode(column: "title", as: String.self)
            priority = try row.decode(column: "priority", as: String.self)
            status = try row.decode(column: "status", as: String.self)
            business_system_id = try row.decode(column: "business_system_id", as: UUID?.self)
            created_at = try row.decode(column: "created_at", as: Date.self)
            acknowledged_at = try row.decode(column: "acknowledged_at", as: Date?.self)
            resolved_at = try row.decode(column: "resolved_at", as: Date?.self)
            resolve_due_at = try row.decode(column: "resolve_due_at", as: Date?.self)
            resolve_breached = try row.decode(column: "resolve_breached", as: Bool?.self)
            sla_policy_id = try row.decode(column: "sla_policy_id", as: UUID?.self)
        }
    }

    private struct RiskRow {
        var id: UUID
        var number: String
        var title: String
        var priority: String
        var status: String
        var created_at: Date
        var resolve_due_at: Date?
        var pending_since: Date?

        init(row: any SQLRow) throws {
            id = try row.decode(column: "id", as: UUID.self)
            number = try row.decode(column: "number", as: String.self)
            title = try row.decode(column: "title", as: String.self)
            priority = try row.decode(column: "priority", as: String.self)
            status = try row.decode(column: "status", as: String.self)
            created_at = try row.decode(column: "created_at", as: Date.self)
            resolve_due_at = try row.decode(column: "resolve_due_at", as: Date?.self)
            pending_since = try row.decode(column: "pending_since", as: Date?.self)
        }

        func ticket(_ reason: String) -> OpsReport.RiskTicket {
            .init(id: id, number: number, title: title, priority: priority, status: status, createdAt: created_at, resolveDueAt: resolve_due_at,
                  pendingSince: pending_since, reason: reason)
        }
    }
}

/// The reports' computations as the pages run them, for Benchmarks/ReportBench (nothing skipped or cached).
public enum ReportBenchmark {
    /// The monthly report of `month` ("2026-10"); returns the tickets it covered.
    public static func monthly(_ month: String, now: Date, timeZone: TimeZone, on db: any Database) async throws -> Int {
        let period = try ReportPeriod.parse(.monthly, month, now: now, timeZone: timeZone)
        return try await ReportService.compute(period, now: now, timeZone: timeZone, on: db).kpis.created
    }

    /// The weekly report of the week from `monday` ("2026-11-09").
    public static func weekly(_ monday: String, now: Date, timeZone: TimeZone, on db: any Database) async throws -> Int {
        let period = try ReportPeriod.parse(.weekly, monday, now: now, timeZone: timeZone)
        return try await ReportService.compute(period, now: now, timeZone: timeZone, on: db).kpis.created
    }

    /// The downtime accounting of a year; returns the breaches.
    public static func downtime(year: Int, now: Date, timeZone: TimeZone, on db: any Database) async throws -> Int {
        try await DowntimeService.compute(firstMonth: YearMonth(year: year, month: 1)!, months: 12, now: now, timeZone: timeZone, on: db)
            .stats.breaches.count
    }
}
