import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Computes the dashboard's figures, hospital-wide, with a handful of aggregate queries over indexes
/// (see `AddDashboardIndexes`); nothing is loaded ticket by ticket.
public enum DashboardService {
    static let trendDays = 30
    static let topSystemsLimit = 10
    static let openStatuses = TicketStatus.allCases.filter(\.isOpen)
    /// Statuses whose clocks run (a pending ticket's clocks are paused).
    static let runningStatuses = openStatuses.filter { $0 != .pending }

    /// Local midnights of the trend's days (oldest first) and the midnight after today, in `zone`.
    static func days(endingAt now: Date, timeZone zone: TimeZone) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: now)
        return (0...trendDays).compactMap { calendar.date(byAdding: .day, value: $0 - (trendDays - 1), to: today) }
    }

    /// The number of a local day: days since 1970-01-01 on the wall clock of `zone`.
    static func dayNumber(_ instant: Date, zone: TimeZone) -> Int {
        Int(((instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))) / 86_400).rounded(.down))
    }

    static func dayString(_ instant: Date, zone: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: instant)
    }

    public static func compute(now: Date, timeZone zone: TimeZone, on db: any Database) async throws -> DashboardFigures {
        let sql = db.sql
        let postgres = sql.dialect.name != "sqlite"
        let trueValue = postgres ? "true" : "1"
        let open = SQLBind.group(openStatuses.map(\.rawValue))

        // 1. Open tickets by status × domain × priority, with the breached ones: one index-only scan.
        let breachedCase = "CASE WHEN response_breached = \(trueValue) OR resolve_breached = \(trueValue) THEN 1 ELSE 0 END"
        let groups = try await sql.raw("""
            SELECT status, domain, priority, count(*) AS n, sum(\(unsafeRaw: breachedCase)) AS b
            FROM tickets WHERE status IN \(open) GROUP BY status, domain, priority
            """).all()
        var byStatus: [String: Int] = [:], byDomain: [String: Int] = [:], byPriority: [String: Int] = [:]
        var total = 0, breached = 0
        for row in groups {
            let n = try row.decode(column: "n", as: Int.self)
            byStatus[try row.decode(column: "status", as: String.self), default: 0] += n
            byDomain[try row.decode(column: "domain", as: String.self), default: 0] += n
            byPriority[try row.decode(column: "priority", as: String.self), default: 0] += n
            total += n
            breached += try row.decode(column: "b", as: Int?.self) ?? 0
        }

        // 2. At risk: the scheduler's warning (75 %) recorded for a clock that still runs and is not yet due.
        let atRisk = try await atRisk(now: now, on: db)

        // 3. The last 30 local days: reported and resolved per day (index-only over creation and resolution times).
        let midnights = days(endingAt: now, timeZone: zone)
        let from = midnights.first!, to = midnights.last!
        let zoneName = zone.identifier.replacingOccurrences(of: "'", with: "")
        let offset = zone.secondsFromGMT(for: now)
        func bucket(_ column: String) -> String {
            postgres ? "((\(column) AT TIME ZONE '\(zoneName)')::date - DATE '1970-01-01')"
                     : "CAST((\(column) + \(offset)) / 86400 AS INTEGER)"
        }
        func perDay(_ column: String) async throws -> [Int: Int] {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: bucket(column)) AS d, count(*) AS n FROM tickets
                WHERE \(ident: column) >= \(bind: from) AND \(ident: column) < \(bind: to) GROUP BY \(unsafeRaw: bucket(column))
                """).all()
            var result: [Int: Int] = [:]
            for row in rows { result[try row.decode(column: "d", as: Int.self)] = try row.decode(column: "n", as: Int.self) }
            return result
        }
        let created = try await perDay("created_at"), resolved = try await perDay("resolved_at")
        let trend = midnights.dropLast().map { midnight -> DashboardDay in
            let n = dayNumber(midnight, zone: zone)
            return DashboardDay(date: dayString(midnight, zone: zone), created: created[n] ?? 0, resolved: resolved[n] ?? 0)
        }

        // 4. Top business systems by incidents over the same 30 days.
        let systemRows = try await sql.raw("""
            SELECT business_system_id AS s, count(*) AS n FROM tickets \(unsafeRaw: indexed("idx_tickets_created_kind_system", sql))
            WHERE created_at >= \(bind: from) AND created_at < \(bind: to) AND kind = 'incident' AND business_system_id IS NOT NULL
            GROUP BY business_system_id ORDER BY count(*) DESC LIMIT \(bind: topSystemsLimit)
            """).all()
        var top: [(UUID, Int)] = []
        for row in systemRows { top.append((try row.decode(column: "s", as: UUID.self), try row.decode(column: "n", as: Int.self))) }
        let systemNames = top.isEmpty ? [:] : Dictionary(try await BusinessSystem.query(on: db).filter(\.$id ~~ top.map(\.0)).all().map { ($0.id!, $0.name) },
                                                         uniquingKeysWith: { a, _ in a })
        let topSystems = top.map { DashboardSystem(id: $0.0, name: systemNames[$0.0] ?? "", incidents: $0.1) }
            .sorted { $0.incidents != $1.incidents ? $0.incidents > $1.incidents : $0.name < $1.name }

        return DashboardFigures(
            generatedAt: now, timeZone: zone.identifier, open: total,
            byStatus: openStatuses.map { DashboardCount(key: $0.rawValue, count: byStatus[$0.rawValue] ?? 0) },
            byDomain: ServiceDomain.allCases.map { DashboardCount(key: $0.rawValue, count: byDomain[$0.rawValue] ?? 0) },
            byPriority: Priority.allCases.map { DashboardCount(key: $0.rawValue, count: byPriority[$0.rawValue] ?? 0) },
            atRisk: atRisk, breached: breached, today: trend.last!, trend: Array(trend), topSystems: topSystems,
            onDuty: try await onDuty(on: db))
    }

    /// SQLite's planner prefers the single-column due-time indexes, which need a table lookup per ticket; the
    /// dashboard's covering index reads nothing else. PostgreSQL chooses well on its own.
    static func indexed(_ index: String, _ sql: any SQLDatabase) -> String {
        sql.dialect.name == "sqlite" ? "INDEXED BY \(index)" : ""
    }

    /// Open, not pending, not breached tickets with a recorded SLA warning (预警) for a response or resolution
    /// clock that still runs and is not yet due.
    ///
    /// Such a clock has at most a quarter of its target left, so its due time lies before the instant that
    /// quarter (plus a minute) ends from now — on the policy's calendar, or on the wall clock. That instant,
    /// per domain, priority and clock and taken over every policy (active or not: a ticket keeps its policy),
    /// bounds a range seek in `idx_tickets_board`; only the tickets in range are looked up in the alerts.
    static func atRisk(now: Date, on db: any Database) async throws -> Int {
        let sql = db.sql
        let trueValue = sql.dialect.name != "sqlite" ? "true" : "1"
        let horizons = try await warningHorizons(now: now, on: db)
        guard !horizons.isEmpty else { return 0 }
        let running = runningStatuses.map(\.rawValue)
        let notBreached = "(t.response_breached IS NULL OR t.response_breached <> \(trueValue)) AND (t.resolve_breached IS NULL OR t.resolve_breached <> \(trueValue))"
        let parts: [SQLQueryString] = horizons.map { h in
            let column = h.clock == .response ? "response_due_at" : "resolve_due_at"
            let part: SQLQueryString = """
                SELECT t.id FROM tickets t \(unsafeRaw: indexed(h.clock == .response ? "idx_tickets_board_response" : "idx_tickets_board", sql)) WHERE t.status IN \(SQLBind.group(running)) AND t.domain = \(bind: h.domain) AND t.priority = \(bind: h.priority)
                  AND t.\(ident: column) > \(bind: now) AND t.\(ident: column) <= \(bind: h.bound) AND \(unsafeRaw: notBreached)
                  AND EXISTS (SELECT 1 FROM sla_alerts a WHERE a.ticket_id = t.id AND a.clock = \(bind: h.clock.rawValue) AND a.level = 'warning')
                """
            return part
        }
        let query: SQLQueryString = "SELECT count(*) AS n FROM (" + parts.joined(separator: " UNION ") + ") AS candidates"
        return try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    struct WarningHorizon: Equatable {
        var domain: String
        var priority: String
        var clock: SLAClockKind
        /// A clock of this kind warned about (75 % used) and still running is due no later than this.
        var bound: Date
    }

    /// For each domain, priority and clock (response, resolution) that some SLA policy times: the latest due
    /// time a clock warned about at 75 % can have from `now`. A calendar that cannot be read gives no bound.
    static func warningHorizons(now: Date, on db: any Database) async throws -> [WarningHorizon] {
        let policies = try await SLAPolicyRecord.query(on: db).all()
        var calendars: [UUID: BusinessCalendar] = [:]
        for record in try await CalendarRecord.query(on: db).filter(\.$id ~~ Set(policies.map(\.calendarId))).all() {
            if let id = record.id, let calendar = try? CalendarStore.calendar(record) { calendars[id] = calendar }
        }
        var bounds: [String: WarningHorizon] = [:]
        for p in policies {
            for clock in [SLAClockKind.response, .resolve] {
                for target in Set([p.inHours.minutes(clock), p.offHours.minutes(clock)].compactMap { $0 }) {
                    let warning = Int((Double(target) * SLAScheduler.warningFraction).rounded(.up))
                    let left = Double(target - warning + 1)
                    var bound = Date.distantFuture
                    if !p.businessTime(for: clock) {
                        bound = now.addingTimeInterval(left * 60)
                    } else if let calendar = calendars[p.calendarId],
                              let due = SLAClock(calendar: calendar, businessTime: true).due(start: now, minutes: left) {
                        bound = due
                    }
                    let key = "\(p.domain)|\(p.priority)|\(clock.rawValue)"
                    if let known = bounds[key], known.bound >= bound { continue }
                    bounds[key] = WarningHorizon(domain: p.domain, priority: p.priority, clock: clock, bound: bound)
                }
            }
        }
        return bounds.values.sorted { ($0.domain, $0.priority, $0.clock.rawValue) < ($1.domain, $1.priority, $1.clock.rawValue) }
    }

    /// Active teams that have someone on duty, with each active on-duty member and their open tickets.
    static func onDuty(on db: any Database) async throws -> [DashboardTeamDuty] {
        let teams = try await Team.query(on: db).filter(\.$isActive == true).sort(\.$domain).sort(\.$name).all()
        guard !teams.isEmpty else { return [] }
        let members = try await TeamMember.query(on: db).filter(\.$onDuty == true).filter(\.$teamId ~~ teams.compactMap(\.id)).all()
        let userIds = Array(Set(members.map(\.userId)))
        guard !userIds.isEmpty else { return [] }
        let users = Dictionary(try await User.query(on: db).filter(\.$id ~~ userIds).filter(\.$isActive == true).all().map { ($0.id!, $0.displayName) },
                               uniquingKeysWith: { a, _ in a })
        let sql = db.sql
        var openCounts: [UUID: Int] = [:]
        let rows = try await sql.raw("""
            SELECT assignee_id AS a, count(*) AS n FROM tickets
            WHERE assignee_id IN \(SQLBind.group(Array(users.keys))) AND status IN \(SQLBind.group(openStatuses.map(\.rawValue)))
            GROUP BY assignee_id
            """).all()
        for row in rows { openCounts[try row.decode(column: "a", as: UUID.self)] = try row.decode(column: "n", as: Int.self) }
        return try teams.compactMap { team in
            let engineers = members.filter { $0.teamId == team.id }.compactMap { m in
                users[m.userId].map { DashboardEngineer(id: m.userId, name: $0, openTickets: openCounts[m.userId] ?? 0) }
            }.sorted { $0.name < $1.name }
            return engineers.isEmpty ? nil : DashboardTeamDuty(teamId: try team.requireID(), teamName: team.name, domain: team.domain, engineers: engineers)
        }
    }

    /// A cheap summary of everything the figures depend on, compared once a second by the live updates:
    /// the latest ticket change, report and import instants (each one probe of an index), the latest SLA
    /// alert (the scheduler's warnings and breaches), the teams' duty rota, and the local day (so the
    /// figures roll over at midnight). On SQLite also the largest row id, which every insert moves.
    /// Changes made by other processes (another instance, the scheduler, an import) show up the same way.
    public static func fingerprint(now: Date, timeZone zone: TimeZone, on db: any Database) async throws -> String {
        let sql = db.sql
        let postgres = sql.dialect.name != "sqlite"
        let trueValue = postgres ? "true" : "1"
        let row = try await sql.raw("""
            SELECT (SELECT max(updated_at) FROM tickets) AS u, (SELECT max(created_at) FROM tickets) AS c,
                   (SELECT max(imported_at) FROM tickets) AS i, (SELECT max(at) FROM sla_alerts) AS a,
                   (SELECT max(updated_at) FROM teams) AS tu, (SELECT count(*) FROM team_members WHERE on_duty = \(unsafeRaw: trueValue)) AS d
                   \(unsafeRaw: postgres ? "" : ", (SELECT max(rowid) FROM tickets) AS r")
            """).first()
        func instant(_ column: String) -> String {
            guard let row, let date = try? row.decode(column: column, as: Date?.self) else { return "-" }
            return String(date.timeIntervalSince1970)
        }
        var parts = [instant("u"), instant("c"), instant("i"), instant("a"), instant("tu")]
        parts.append(String((try? row?.decode(column: "d", as: Int.self)) ?? 0))
        if !postgres { parts.append(String((try? row?.decode(column: "r", as: Int?.self)) ?? 0)) }
        parts.append(dayString(now, zone: zone))
        return parts.joined(separator: "|")
    }
}
