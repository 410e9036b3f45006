import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// `GET /api/v1/stats/kpis?from=&to=&domain=&teamId=&groupBy=` (ANA-2).
///
/// Over the tickets **created** in [from, to): created, resolved (now resolved or closed), closed, closure
/// rate; mean response (first accept − report) and resolution (last resolve − report, pending time
/// excluded) in minutes; SLA rates over tickets whose target is decided; reopen rate; satisfaction. One
/// aggregate query (grouped for breakdowns by domain, team, engineer, vendor, business system, priority,
/// day, week or month in the hospital's time zone); nothing is loaded ticket by ticket.
public enum KPIService {
    static let groupings = ["domain", "team", "engineer", "vendor", "system", "priority", "day", "week", "month"]

    static func seconds(_ later: String, _ earlier: String, postgres: Bool) -> String {
        postgres ? "EXTRACT(EPOCH FROM (\(later) - \(earlier)))" : "(\(later) - \(earlier))"
    }

    static func figures(_ row: any SQLRow) throws -> KPIFigures {
        func int(_ c: String) throws -> Int { try row.decode(column: c, as: Int?.self) ?? 0 }
        func double(_ c: String) throws -> Double? { try row.decode(column: c, as: Double?.self) }
        let created = try int("created"), closed = try int("closed")
        let responseDecided = try int("response_decided"), resolveDecided = try int("resolve_decided")
        let everResolved = try int("ever_resolved")
        return KPIFigures(
            created: created, resolved: try int("resolved"), closed: closed,
            closureRate: created == 0 ? 0 : Double(closed) / Double(created),
            meanResponseMinutes: try double("response_seconds").map { $0 / 60 },
            meanResolveMinutes: try double("resolve_seconds").map { $0 / 60 },
            slaResponseRate: responseDecided == 0 ? nil : Double(try int("response_met")) / Double(responseDecided),
            slaResolveRate: resolveDecided == 0 ? nil : Double(try int("resolve_met")) / Double(resolveDecided),
            reopenRate: everResolved == 0 ? nil : Double(try int("reopened")) / Double(everResolved),
            satisfaction: try double("satisfaction"))
    }

    public static func compute(from: Date, to: Date, domain: String?, teamId: UUID?, groupBy: String?, timeZone: TimeZone,
                               on db: any Database) async throws -> KPIResult {
        let sql = db.sql
        let postgres = sql.dialect.name != "sqlite"
        let responseSeconds = seconds("t.acknowledged_at", "t.created_at", postgres: postgres)
        let resolveSeconds = seconds("t.resolved_at", "t.created_at", postgres: postgres)
        let falseValue = postgres ? "false" : "0"
        let aggregates = """
            count(*) AS created,
            sum(CASE WHEN t.status IN ('resolved', 'closed') THEN 1 ELSE 0 END) AS resolved,
            sum(CASE WHEN t.status = 'closed' THEN 1 ELSE 0 END) AS closed,
            CAST(avg(CASE WHEN t.acknowledged_at IS NOT NULL THEN \(responseSeconds) END) AS DOUBLE PRECISION) AS response_seconds,
            CAST(avg(CASE WHEN t.status IN ('resolved', 'closed') AND t.resolved_at IS NOT NULL THEN \(resolveSeconds) - t.paused_seconds END) AS DOUBLE PRECISION) AS resolve_seconds,
            sum(CASE WHEN t.response_breached IS NOT NULL THEN 1 ELSE 0 END) AS response_decided,
            sum(CASE WHEN t.response_breached = \(falseValue) THEN 1 ELSE 0 END) AS response_met,
            sum(CASE WHEN t.resolve_breached IS NOT NULL THEN 1 ELSE 0 END) AS resolve_decided,
            sum(CASE WHEN t.resolve_breached = \(falseValue) THEN 1 ELSE 0 END) AS resolve_met,
            sum(CASE WHEN t.reopen_count > 0 THEN 1 ELSE 0 END) AS reopened,
            sum(CASE WHEN t.reopen_count > 0 OR t.resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS ever_resolved,
            CAST(avg(t.rating_score * 1.0) AS DOUBLE PRECISION) AS satisfaction
            """
        var conditions: [SQLExpression] = [
            SQLBinaryExpression(SQLColumn("created_at", table: "t"), .greaterThanOrEqual, SQLBind(from)),
            SQLBinaryExpression(SQLColumn("created_at", table: "t"), .lessThan, SQLBind(to)),
        ]
        if let domain { conditions.append(SQLBinaryExpression(SQLColumn("domain", table: "t"), .equal, SQLBind(domain))) }
        if let teamId { conditions.append(SQLBinaryExpression(SQLColumn("team_id", table: "t"), .equal, SQLBind(teamId))) }
        let whereClause = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("SELECT \(unsafeRaw: aggregates) FROM tickets t WHERE \(whereClause)").first()
        let overall = try total.map(figures) ?? KPIFigures(created: 0, resolved: 0, closed: 0, closureRate: 0)

        var groups: [KPIGroup]?
        if let groupBy {
            let offset = timeZone.secondsFromGMT(for: from)
            let zone = timeZone.identifier.replacingOccurrences(of: "'", with: "")
            let key: String, join: String
            switch groupBy {
            case "domain": key = "t.domain"; join = ""
            case "team": key = "t.team_id"; join = ""
            case "engineer": key = "t.assignee_id"; join = ""
            case "priority": key = "t.priority"; join = ""
            case "system": key = "t.business_system_id"; join = ""
            case "vendor": key = "tm.vendor_id"; join = "LEFT JOIN teams tm ON tm.id = t.team_id"
            case "day":
                key = postgres ? "to_char(t.created_at AT TIME ZONE '\(zone)', 'YYYY-MM-DD')" : "strftime('%Y-%m-%d', t.created_at + \(offset), 'unixepoch')"; join = ""
            case "week":
                // The Monday of the week.
                key = postgres ? "to_char(date_trunc('week', t.created_at AT TIME ZONE '\(zone)'), 'YYYY-MM-DD')"
                               : "strftime('%Y-%m-%d', t.created_at + \(offset), 'unixepoch', 'weekday 0', '-6 days')"; join = ""
            default:
                key = postgres ? "to_char(t.created_at AT TIME ZONE '\(zone)', 'YYYY-MM')" : "strftime('%Y-%m', t.created_at + \(offset), 'unixepoch')"; join = ""
            }
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: key) AS k, \(unsafeRaw: aggregates) FROM tickets t \(unsafeRaw: join) WHERE \(whereClause)
                GROUP BY \(unsafeRaw: key) ORDER BY \(unsafeRaw: key)
                """).all()
            var result: [KPIGroup] = []
            for row in rows {
                let raw: String
                if ["team", "engineer", "system", "vendor"].contains(groupBy) {
                    raw = try row.decode(column: "k", as: UUID?.self)?.uuidString ?? ""
                } else {
                    raw = try row.decode(column: "k", as: String?.self) ?? ""
                }
                result.append(KPIGroup(key: raw, label: raw, kpis: try figures(row)))
            }
            groups = try await label(result, groupBy: groupBy, on: db)
        }
        return KPIResult(from: from, to: to, domain: domain, teamId: teamId, created: overall.created, resolved: overall.resolved,
                         closed: overall.closed, closureRate: overall.closureRate, meanResponseMinutes: overall.meanResponseMinutes,
                         meanResolveMinutes: overall.meanResolveMinutes, slaResponseRate: overall.slaResponseRate,
                         slaResolveRate: overall.slaResolveRate, reopenRate: overall.reopenRate, satisfaction: overall.satisfaction,
                         groupBy: groupBy, groups: groups)
    }

    /// Names for ids: teams, engineers, vendors, systems; "" keys (none) become 「未分配」.
    static func label(_ groups: [KPIGroup], groupBy: String, on db: any Database) async throws -> [KPIGroup] {
        let ids = groups.compactMap { UUID(uuidString: $0.key) }
        var names: [UUID: String] = [:]
        if !ids.isEmpty {
            switch groupBy {
            case "team": for t in try await Team.query(on: db).filter(\.$id ~~ ids).all() { names[try t.requireID()] = t.name }
            case "engineer": for u in try await User.query(on: db).filter(\.$id ~~ ids).all() { names[try u.requireID()] = u.displayName }
            case "vendor": for v in try await Vendor.query(on: db).filter(\.$id ~~ ids).all() { names[try v.requireID()] = v.name }
            case "system": for s in try await BusinessSystem.query(on: db).filter(\.$id ~~ ids).all() { names[try s.requireID()] = s.name }
            default: break
            }
        }
        return groups.map { g in
            var g = g
            if let id = UUID(uuidString: g.key) { g.label = names[id] ?? g.key } else if g.key.isEmpty { g.label = "未分配" }
            return g
        }
    }
}
