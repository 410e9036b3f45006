import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// The CSV parts of a monthly or weekly report: `?part=summary|daily|domains|sla|categories|systems|major|downtime|risks|tickets`.
/// Every part is written by `CSVWriter` (UTF-8 with BOM, quoted, formula-guarded).
enum ReportCSV {
    static let parts = ["summary", "daily", "domains", "sla", "categories", "systems", "major", "downtime", "risks", "tickets"]
    /// The parts that carry ticket text (titles, downtime notes): de-identified unless `raw=true`.
    static let textParts = ["major", "risks", "tickets"]
    /// The `tickets` part lists at most this many tickets (a month of a large hospital is about 30,000).
    static let maxTickets = 100_000

    /// `raw`: ticket text as written; otherwise titles and downtime notes are de-identified (docs/deidentification.md).
    static func write(_ part: String, period: ReportPeriod, req: Request, t: [String: String], raw: Bool) async throws -> CSVWriter {
        func s(_ key: String) -> String { t[key] ?? key }
        let clean = ExportText.cleaner(raw: raw)
        let zone = req.yiwei.config.timeZone
        let labels = TicketLabels(t: t)
        func time(_ date: Date?) -> String { DisplayTime.format(date, req) }
        if part == "tickets" { return try await tickets(period, req: req, t: t, raw: raw) }
        let report = try await ReportService.compute(period, now: req.now, timeZone: zone, on: req.db)
        switch part {
        case "summary":
            var w = CSVWriter(header: [s("report_figure"), s("report_current"), s("report_previous")])
            let k = report.kpis, p = report.previous
            w.cellsRow([.text(s("report_period")), .text(report.period), .text(report.previousPeriod)])
            w.cellsRow([.text(s("report_created")), CSVWriter.number(k.created), CSVWriter.number(p.created)])
            w.cellsRow([.text(s("report_resolved")), CSVWriter.number(k.resolved), CSVWriter.number(p.resolved)])
            w.cellsRow([.text(s("report_closed")), CSVWriter.number(k.closed), CSVWriter.number(p.closed)])
            w.cellsRow([.text(s("report_closure_rate")), CSVWriter.number(k.closureRate), CSVWriter.number(p.closureRate)])
            w.cellsRow([.text(s("report_mtta_minutes")), CSVWriter.number(k.meanResponseMinutes, digits: 1), CSVWriter.number(p.meanResponseMinutes, digits: 1)])
            w.cellsRow([.text(s("report_mttr_minutes")), CSVWriter.number(k.meanResolveMinutes, digits: 1), CSVWriter.number(p.meanResolveMinutes, digits: 1)])
            w.cellsRow([.text(s("report_sla_response")), CSVWriter.number(k.slaResponseRate), CSVWriter.number(p.slaResponseRate)])
            w.cellsRow([.text(s("report_sla_resolve")), CSVWriter.number(k.slaResolveRate), CSVWriter.number(p.slaResolveRate)])
            w.cellsRow([.text(s("report_reopen_rate")), CSVWriter.number(k.reopenRate), CSVWriter.number(p.reopenRate)])
            w.cellsRow([.text(s("report_satisfaction")), CSVWriter.number(k.satisfaction, digits: 2), CSVWriter.number(p.satisfaction, digits: 2)])
            w.cellsRow([.text(s("report_rated")), CSVWriter.number(report.satisfaction.rated), .number("")])
            w.cellsRow([.text(s("report_inspections")), .text(s("report_inspections_unavailable")), .text("")])
            return w
        case "daily":
            var w = CSVWriter(header: [s("report_day"), s("report_created"), s("report_resolved_on_day")])
            for d in report.daily { w.cellsRow([.text(d.day), CSVWriter.number(d.created), CSVWriter.number(d.resolved)]) }
            return w
        case "domains":
            var w = CSVWriter(header: [s("ticket_domain"), s("ticket_kind"), s("report_created")])
            for row in report.byDomainAndKind { w.cellsRow([.text(labels.domain(row.domain)), .text(labels.kind(row.kind)), CSVWriter.number(row.created)]) }
            return w
        case "sla":
            var w = CSVWriter(header: [s("col_priority"), s("report_created"), s("report_sla_response"), s("report_sla_resolve"),
                                       s("report_mtta_minutes"), s("report_mttr_minutes")])
            for g in report.slaByPriority {
                w.cellsRow([.text(labels.priority(g.key)), CSVWriter.number(g.kpis.created), CSVWriter.number(g.kpis.slaResponseRate),
                            CSVWriter.number(g.kpis.slaResolveRate), CSVWriter.number(g.kpis.meanResponseMinutes, digits: 1),
                            CSVWriter.number(g.kpis.meanResolveMinutes, digits: 1)])
            }
            return w
        case "categories", "systems":
            var w = CSVWriter(header: [s("report_rank"), s(part == "categories" ? "ticket_category" : "ticket_system"), s("report_incidents")])
            for (i, row) in (part == "categories" ? report.topCategories : report.topSystems).enumerated() {
                w.cellsRow([CSVWriter.number(i + 1), .text(row.name), CSVWriter.number(row.count)])
            }
            return w
        case "major":
            var w = CSVWriter(header: [s("report_number"), s("report_ticket_title"), s("ticket_system"), s("col_priority"), s("col_status"),
                                       s("report_reported_at"), s("report_accepted_at"), s("report_resolved_at"), s("report_resolve_due"), s("report_target")])
            for m in report.majorIncidents {
                w.row([m.number, clean(m.title), m.businessSystemName ?? "", labels.priority(m.priority), labels.status(m.status), time(m.createdAt),
                       time(m.acknowledgedAt), time(m.resolvedAt), time(m.resolveDueAt), s("report_target_" + m.resolution)])
            }
            return w
        case "downtime":
            var w = CSVWriter(header: [s("outage_system"), s("downtime_minutes"), s("downtime_outages"), s("downtime_impacts"), s("downtime_breaches")])
            for d in report.downtime {
                w.cellsRow([.text(d.name), CSVWriter.number(d.outageMinutes), CSVWriter.number(d.outages), CSVWriter.number(d.departmentImpacts),
                            CSVWriter.number(d.breaches)])
            }
            return w
        default: // risks
            var w = CSVWriter(header: [s("report_risk_kind"), s("report_number"), s("report_ticket_title"), s("col_priority"), s("col_status"),
                                       s("report_resolve_due"), s("report_pending_since")])
            for r in report.risks.overdue + report.risks.longPending {
                w.row([s("report_risk_" + r.reason + "_title"), r.number, clean(r.title), labels.priority(r.priority), labels.status(r.status),
                       time(r.resolveDueAt), time(r.pendingSince)])
            }
            for b in report.risks.downtimeBreaches {
                w.row([s("report_risk_downtime_title"), b.records.compactMap(\.ticketNumber).joined(separator: " "), b.systemName + "：" + clean(b.text),
                       "", "", "", ""])
            }
            return w
        }
    }

    private struct TicketRow {
        var number: String
        var title: String
        var domain: String
        var kind: String
        var priority: String
        var status: String
        var created_at: Date
        var acknowledged_at: Date?
        var resolved_at: Date?
        var response_breached: Bool?
        var resolve_breached: Bool?
        var rating_score: Int?
        var system_name: String?
        var category_name: String?
        var team_name: String?

        init(row: any SQLRow) throws {
            func text(_ c: String) throws -> String { try row.decode(column: c, as: String.self) }
            func optionalText(_ c: String) throws -> String? { try row.decode(column: c, as: String?.self) }
            number = try text("number"); title = try text("title"); domain = try text("domain"); kind = try text("kind")
            priority = try text("priority"); status = try text("status")
            created_at = try row.decode(column: "created_at", as: Date.self)
            acknowledged_at = try row.decode(column: "acknowledged_at", as: Date?.self)
            resolved_at = try row.decode(column: "resolved_at", as: Date?.self)
            response_breached = try row.decode(column: "response_breached", as: Bool?.self)
            resolve_breached = try row.decode(column: "resolve_breached", as: Bool?.self)
            rating_score = try row.decode(column: "rating_score", as: Int?.self)
            system_name = try optionalText("system_name"); category_name = try optionalText("category_name"); team_name = try optionalText("team_name")
        }
    }

    /// Every ticket reported in the period (index on creation time), with names joined in.
    static func tickets(_ period: ReportPeriod, req: Request, t: [String: String], raw: Bool) async throws -> CSVWriter {
        func s(_ key: String) -> String { t[key] ?? key }
        let clean = ExportText.cleaner(raw: raw)
        let labels = TicketLabels(t: t)
        let sql = req.db.sql
        let rows = try await sql.raw("""
            SELECT t.number, t.title, t.domain, t.kind, t.priority, t.status, t.created_at, t.acknowledged_at, t.resolved_at,
                   t.response_breached, t.resolve_breached, t.rating_score, bs.name AS system_name, c.name AS category_name, tm.name AS team_name
            FROM tickets t
            LEFT JOIN business_systems bs ON bs.id = t.business_system_id
            LEFT JOIN categories c ON c.id = t.category_id
            LEFT JOIN teams tm ON tm.id = t.team_id
            WHERE t.created_at >= \(bind: period.from) AND t.created_at < \(bind: period.to)
            ORDER BY t.created_at, t.number LIMIT \(unsafeRaw: String(maxTickets))
            """).all().map(TicketRow.init(row:))
        func outcome(_ breached: Bool?) -> String { breached.map { s($0 ? "report_target_missed" : "report_target_met") } ?? "" }
        // One formatter for the lot (DisplayTime makes one per call: 3 × 30,000 of them cost seconds).
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = req.yiwei.config.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        func time(_ date: Date?) -> String { date.map(formatter.string(from:)) ?? "" }
        var w = CSVWriter(header: [s("report_number"), s("report_ticket_title"), s("ticket_domain"), s("ticket_kind"), s("col_priority"), s("col_status"),
                                   s("ticket_category"), s("ticket_system"), s("ticket_team"), s("report_reported_at"), s("report_accepted_at"),
                                   s("report_resolved_at"), s("report_response_target"), s("report_resolve_target"), s("report_rating")])
        for r in rows {
            w.cellsRow([.text(r.number), .text(clean(r.title)), .text(labels.domain(r.domain)), .text(labels.kind(r.kind)), .text(labels.priority(r.priority)),
                        .text(labels.status(r.status)), .text(r.category_name ?? ""), .text(r.system_name ?? ""), .text(r.team_name ?? ""),
                        .text(time(r.created_at)), .text(time(r.acknowledged_at)), .text(time(r.resolved_at)), .text(outcome(r.response_breached)), .text(outcome(r.resolve_breached)),
                        r.rating_score.map { CSVWriter.number($0) } ?? .number("")])
        }
        return w
    }
}
