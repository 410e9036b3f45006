import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText

/// 月度运维报告 (`/reports/monthly?month=2026-11`), 周报 (`/reports/weekly?week=2026-11-16`) and 停机统计
/// (`/reports/downtime?year=2026`): printable A4 pages and their CSV exports. Leads, dispatchers and auditors.
struct ReportPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", "monthly", use: monthly)
        routes.get("reports", "weekly", use: weekly)
        routes.get("reports", "monthly.csv", use: monthlyCSV)
        routes.get("reports", "weekly.csv", use: weeklyCSV)
        routes.get("reports", "downtime", use: downtime)
        routes.get("reports", "downtime.csv", use: downtimeCSV)
    }

    // MARK: Monthly and weekly report

    struct SummaryRow: Encodable { var label: String; var current: String; var previous: String; var change: String; var tone: String }
    struct DayRow: Encodable { var day: String; var weekday: String; var created: Int; var resolved: Int }
    struct DomainRow: Encodable { var label: String; var cells: [Int]; var total: Int; var closure: String; var slaResolve: String }
    struct SLARow: Encodable { var priority: String; var created: Int; var response: String; var resolve: String; var mtta: String; var mttr: String }
    struct ScoreRow: Encodable { var score: String; var count: Int; var share: String }
    struct CountRow: Encodable { var rank: Int; var name: String; var count: Int; var share: String }
    struct MajorRow: Encodable {
        var number: String; var href: String; var title: String; var system: String; var priority: String; var status: String
        var created: String; var acknowledged: String; var resolved: String; var result: String; var tone: String
    }
    struct DowntimeRow: Encodable { var system: String; var minutes: Int; var outages: Int; var impacts: Int; var breaches: Int }
    struct RiskRow: Encodable { var number: String; var href: String; var title: String; var priority: String; var status: String; var detail: String }
    struct Link: Encodable { var label: String; var href: String }
    struct BreachRow: Encodable { var system: String; var month: String; var clause: String; var text: String; var links: [Link] }

    struct ReportContext: Encodable {
        var page: PageBase
        var heading: String
        var periodText: String
        var generated: String
        /// Set while the period is still running.
        var partialNote: String?
        var isMonthly: Bool
        var previousHref: String
        var nextHref: String?
        var otherHref: String
        var otherLabel: String
        var periodValue: String
        var csv: [Link]
        /// The parts with ticket text, without de-identification (an audited choice).
        var csvRaw: [Link]
        var summary: [SummaryRow]
        var trendChart: SafeHTML
        var days: [DayRow]
        var kindColumns: [String]
        var domains: [DomainRow]
        var slaChart: SafeHTML
        var sla: [SLARow]
        var satisfactionMean: String
        var rated: Int
        var scores: [ScoreRow]
        var categoryChart: SafeHTML
        var categories: [CountRow]
        var systemChart: SafeHTML
        var systems: [CountRow]
        var major: [MajorRow]
        var downtime: [DowntimeRow]
        var downtimeHref: String
        var overdue: [RiskRow]
        var overdueTotal: Int
        var pending: [RiskRow]
        var pendingTotal: Int
        var breaches: [BreachRow]
        var moreText: String
    }

    func monthly(req: Request) async throws -> View { try await page(req, .monthly) }
    func weekly(req: Request) async throws -> View { try await page(req, .weekly) }

    private static func period(_ req: Request, _ kind: ReportPeriod.Kind) throws -> ReportPeriod {
        try ReportPeriod.parse(kind, req.queryParameter(kind == .monthly ? "month" : "week"), now: req.now, timeZone: req.yiwei.config.timeZone)
    }

    private func page(_ req: Request, _ kind: ReportPeriod.Kind) async throws -> View {
        _ = try req.require(.readReports)
        let zone = req.yiwei.config.timeZone
        let period = try Self.period(req, kind)
        let report = try await ReportService.compute(period, now: req.now, timeZone: zone, on: req.db)
        let base = try PageBase.make(for: req, title: req.locale.text(kind == .monthly ? "report_monthly_title" : "report_weekly_title"))
        let t = base.t, labels = TicketLabels(t: t)
        func s(_ key: String) -> String { t[key] ?? key }
        let f = ReportFormat(t: t, labels: labels)

        // Summary with the previous period.
        let k = report.kpis, p = report.previous
        let summary: [SummaryRow] = [
            f.countRow(s("report_created"), k.created, p.created, better: nil),
            f.countRow(s("report_resolved"), k.resolved, p.resolved, better: nil),
            f.rateRow(s("report_closure_rate"), k.closureRate, p.closureRate),
            f.minutesRow(s("report_mtta"), k.meanResponseMinutes, p.meanResponseMinutes),
            f.minutesRow(s("report_mttr"), k.meanResolveMinutes, p.meanResolveMinutes),
            f.rateRow(s("report_sla_response"), k.slaResponseRate, p.slaResponseRate),
            f.rateRow(s("report_sla_resolve"), k.slaResolveRate, p.slaResolveRate),
            f.rateRow(s("report_reopen_rate"), k.reopenRate, p.reopenRate, higherIsBetter: false),
            f.scoreRow(s("report_satisfaction"), k.satisfaction, p.satisfaction),
        ]

        let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map { s("report_weekday").replacingOccurrences(of: "{d}", with: s("weekday_short_" + $0)) }
        let calendar = ReportPeriod.calendar(zone)
        let days = report.daily.map { d -> DayRow in
            let date = ReportPeriod.dayDate(d.day, timeZone: zone)
            return DayRow(day: String(d.day.suffix(5)), weekday: date.map { weekdays[calendar.component(.weekday, from: $0) - 1] } ?? "",
                          created: d.created, resolved: d.resolved)
        }
        let trend = SVGChart.lines(
            categories: report.daily.map { kind == .monthly ? String(Int($0.day.suffix(2)) ?? 0) : String($0.day.suffix(5)) },
            series: [.init(name: s("report_created"), values: report.daily.map { Double($0.created) }),
                     .init(name: s("report_resolved_on_day"), values: report.daily.map { Double($0.resolved) }, colour: 1)],
            area: false,
            options: .init(id: "trend", title: s("report_trend"), width: 720, height: 240, emptyText: s("report_no_data"),
                           maxLabels: kind == .monthly ? 16 : 7, fontSize: 12))

        let kinds = TicketKind.allCases.map(\.rawValue).filter { kind in report.byDomainAndKind.contains { $0.kind == kind } }
        let domains = ServiceDomain.allCases.map(\.rawValue).compactMap { domain -> DomainRow? in
            let cells = kinds.map { kind in report.byDomainAndKind.first { $0.domain == domain && $0.kind == kind }?.created ?? 0 }
            let group = report.byDomain.first { $0.key == domain }
            guard let group, group.kpis.created > 0 else { return nil }
            return DomainRow(label: labels.domain(domain), cells: cells, total: group.kpis.created,
                             closure: f.percent(group.kpis.closureRate), slaResolve: f.percent(group.kpis.slaResolveRate))
        }

        let sla = report.slaByPriority.map {
            SLARow(priority: labels.priority($0.key), created: $0.kpis.created, response: f.percent($0.kpis.slaResponseRate),
                   resolve: f.percent($0.kpis.slaResolveRate), mtta: f.minutes($0.kpis.meanResponseMinutes), mttr: f.minutes($0.kpis.meanResolveMinutes))
        }
        let slaChart = SVGChart.bars(
            categories: report.slaByPriority.map { labels.priority($0.key) },
            series: [.init(name: s("report_sla_response"), values: report.slaByPriority.map { ($0.kpis.slaResponseRate ?? .nan) * 100 }),
                     .init(name: s("report_sla_resolve"), values: report.slaByPriority.map { ($0.kpis.slaResolveRate ?? .nan) * 100 }, colour: 1)],
            options: .init(id: "sla", title: s("report_sla_title"), width: 640, height: 220, emptyText: s("report_no_data"), fontSize: 12,
                           format: { SVGChart.num(($0 * 10).rounded() / 10) + "%" }))

        let ratedTotal = max(1, report.satisfaction.rated)
        let scores = (1...5).reversed().map { score in
            ScoreRow(score: String(repeating: "★", count: score), count: report.satisfaction.distribution[score - 1],
                     share: f.percent(Double(report.satisfaction.distribution[score - 1]) / Double(ratedTotal)))
        }

        let incidents = max(1, report.byDomainAndKind.filter { $0.kind == "incident" }.reduce(0) { $0 + $1.created })
        func countRows(_ rows: [OpsReport.Count]) -> [CountRow] {
            rows.enumerated().map { CountRow(rank: $0.offset + 1, name: $0.element.name.nonEmpty ?? "—", count: $0.element.count,
                                             share: f.percent(Double($0.element.count) / Double(incidents))) }
        }
        func hbars(_ rows: [OpsReport.Count], id: String, title: String) -> SafeHTML {
            SVGChart.horizontalBars(rows.map { .init(label: $0.name.nonEmpty ?? "—", value: Double($0.count)) },
                                    options: .init(id: id, title: title, width: 360, height: max(60, Double(rows.count) * 26),
                                                   emptyText: s("report_no_data"), fontSize: 12))
        }

        let year = String(period.key.prefix(4))
        /// Within a report the year is noise: 11-03 15:31 (the full year where it differs from the period's).
        func short(_ date: Date?) -> String {
            guard let date else { return "—" }
            let text = DisplayTime.short(date, req)
            return text.hasPrefix(year + "-") ? String(text.dropFirst(5)) : text
        }
        let major = report.majorIncidents.map { m -> MajorRow in
            let (result, tone): (String, String) = switch m.resolution {
            case "met": (s("report_target_met"), "good")
            case "missed": (s("report_target_missed"), "bad")
            case "none": (s("report_target_none"), "")
            default: (s("report_target_open"), "warn")
            }
            return MajorRow(number: m.number, href: "/tickets/\(m.id)", title: m.title, system: m.businessSystemName ?? "—",
                            priority: labels.priority(m.priority), status: labels.status(m.status), created: short(m.createdAt),
                            acknowledged: short(m.acknowledgedAt), resolved: short(m.resolvedAt), result: result, tone: tone)
        }
        func risk(_ r: OpsReport.RiskTicket) -> RiskRow {
            let detail = r.reason == "overdue"
                ? s("report_risk_due").replacingOccurrences(of: "{t}", with: short(r.resolveDueAt))
                : s("report_risk_pending").replacingOccurrences(of: "{t}", with: short(r.pendingSince))
            return RiskRow(number: r.number, href: "/tickets/\(r.id)", title: r.title, priority: labels.priority(r.priority),
                           status: labels.status(r.status), detail: detail)
        }
        let previous = period.previous, next = period.next
        let param = kind == .monthly ? "month" : "week"
        let path = kind == .monthly ? "/reports/monthly" : "/reports/weekly"
        let csvParts = ReportCSV.parts.map { Link(label: s("report_csv_" + $0), href: "\(path).csv?\(param)=\(period.key)&part=\($0)") }
        let csvRaw = ReportCSV.textParts.map { Link(label: s("report_csv_" + $0) + s("report_csv_raw_suffix"),
                                                     href: "\(path).csv?\(param)=\(period.key)&part=\($0)&raw=true") }
        // The other kind of report for the same time: the month's first complete week, or the week's month.
        let otherHref: String
        if kind == .monthly {
            let firstDay = period.from
            let sinceMonday = (calendar.component(.weekday, from: firstDay) + 5) % 7
            let monday = calendar.date(byAdding: .day, value: sinceMonday == 0 ? 0 : 7 - sinceMonday, to: firstDay)!
            otherHref = "/reports/weekly?week=" + ReportPeriod.dayKey(monday, timeZone: zone)
        } else {
            otherHref = "/reports/monthly?month=" + String(period.key.prefix(7))
        }
        let lastDay = ReportPeriod.dayKey(period.to.addingTimeInterval(-1), timeZone: zone)
        let periodText = kind == .monthly
            ? s("report_month_text").replacingOccurrences(of: "{y}", with: year).replacingOccurrences(of: "{m}", with: String(Int(period.key.suffix(2)) ?? 0))
            : s("report_week_text").replacingOccurrences(of: "{from}", with: period.key).replacingOccurrences(of: "{to}", with: lastDay)

        return try await req.view.render("reports/report", ReportContext(
            page: base, heading: base.title, periodText: periodText,
            generated: s("report_generated").replacingOccurrences(of: "{t}", with: DisplayTime.short(report.generatedAt, req)),
            partialNote: report.complete ? nil : req.now < period.from ? s("report_not_started")
                : s("report_partial").replacingOccurrences(of: "{t}", with: DisplayTime.short(report.generatedAt, req)),
            isMonthly: kind == .monthly,
            previousHref: "\(path)?\(param)=\(previous.key)", nextHref: next.from <= req.now ? "\(path)?\(param)=\(next.key)" : nil,
            otherHref: otherHref, otherLabel: s(kind == .monthly ? "report_open_weekly" : "report_open_monthly"),
            periodValue: period.key, csv: csvParts, csvRaw: csvRaw, summary: summary, trendChart: trend, days: days,
            kindColumns: kinds.map { labels.kind($0) }, domains: domains, slaChart: slaChart, sla: sla,
            satisfactionMean: report.satisfaction.mean.map { String(format: "%.2f", $0) } ?? "—", rated: report.satisfaction.rated, scores: scores,
            categoryChart: hbars(report.topCategories, id: "categories", title: s("report_top_categories")), categories: countRows(report.topCategories),
            systemChart: hbars(report.topSystems, id: "systems", title: s("report_top_systems")), systems: countRows(report.topSystems),
            major: major,
            downtime: report.downtime.map { DowntimeRow(system: $0.name, minutes: $0.outageMinutes, outages: $0.outages, impacts: $0.departmentImpacts, breaches: $0.breaches) },
            downtimeHref: "/reports/downtime?year=\(year)",
            overdue: report.risks.overdue.map(risk), overdueTotal: report.risks.overdueTotal,
            pending: report.risks.longPending.map(risk), pendingTotal: report.risks.longPendingTotal,
            breaches: report.risks.downtimeBreaches.map { ReportFormat.breachRow($0, t: t) },
            moreText: s("report_more")))
    }

    // MARK: CSV

    func monthlyCSV(req: Request) async throws -> Response { try await csv(req, .monthly) }
    func weeklyCSV(req: Request) async throws -> Response { try await csv(req, .weekly) }

    private func csv(_ req: Request, _ kind: ReportPeriod.Kind) async throws -> Response {
        _ = try req.require(.readReports)
        let period = try Self.period(req, kind)
        let part = req.queryParameter("part") ?? "summary"
        guard ReportCSV.parts.contains(part) else {
            throw AppError(.badRequest, .invalidQuery, "invalid part", fields: ["part": "must be one of " + ReportCSV.parts.joined(separator: ", ")])
        }
        let raw = try req.wantsRawExport()
        let t = req.yiwei.i18n.strings(req.locale.code)
        let writer = try await ReportCSV.write(part, period: period, req: req, t: t, raw: raw)
        try await req.auditRead("report.export", entityType: "report", entityId: "\(kind.rawValue):\(period.key)",
                                details: ["part": part, "raw": String(raw)])
        let title = t[kind == .monthly ? "report_monthly_title" : "report_weekly_title"] ?? "report"
        return writer.response(fileName: "\(title)-\(period.key)-\(t["report_csv_" + part] ?? part).csv",
                               asciiFallback: "\(kind == .monthly ? "monthly" : "weekly")-report-\(period.key)-\(part).csv")
    }

    // MARK: Downtime

    struct DowntimeCell: Encodable { var minutes: String; var detail: String; var over: Bool }
    struct DowntimeSystemRow: Encodable {
        var system: String; var href: String; var cells: [DowntimeCell]; var minutes: Int; var outages: Int; var impacts: Int; var breaches: Int
        var over: Bool
    }
    struct DowntimeContext: Encodable {
        var page: PageBase
        var heading: String
        var year: Int
        var previousHref: String
        var nextHref: String
        var csvHref: String
        var limits: [String]
        var months: [String]
        var rows: [DowntimeSystemRow]
        var chart: SafeHTML
        var breaches: [BreachRow]
        var outagesHref: String
        var canRecord: Bool
    }

    func downtime(req: Request) async throws -> View {
        let user = try req.require(.readReports)
        let year = try ReportAccess.year(req)
        let computed = try await DowntimeService.compute(firstMonth: YearMonth(year: year, month: 1)!, months: 12, now: req.now,
                                                         timeZone: req.yiwei.config.timeZone, on: req.db)
        let stats = computed.stats
        let base = try PageBase.make(for: req, title: req.locale.text("downtime_title"))
        let t = base.t
        func s(_ key: String) -> String { t[key] ?? key }
        let l = stats.limits
        let limits = [
            s("downtime_limit_month").replacingOccurrences(of: "{n}", with: String(l.outageMinutesPerMonth)),
            s("downtime_limit_year").replacingOccurrences(of: "{n}", with: String(l.outagesPerYear)).replacingOccurrences(of: "{m}", with: String(l.minutesPerOutage)),
            s("downtime_limit_impact").replacingOccurrences(of: "{n}", with: String(l.departmentImpactsPerMonth))
                .replacingOccurrences(of: "{y}", with: String(l.departmentImpactsPerYear)).replacingOccurrences(of: "{m}", with: String(l.minutesPerDepartmentImpact)),
            s("downtime_limit_wide").replacingOccurrences(of: "{n}", with: String(l.hospitalWideOutagesPerYear + 1)),
        ]
        let rows = stats.systems.map { system in
            DowntimeSystemRow(
                system: system.name, href: "/outages?businessSystemId=\(system.businessSystemId)",
                cells: system.months.map { m in
                    var detail: [String] = []
                    if m.outages > 0 { detail.append(s("downtime_times").replacingOccurrences(of: "{n}", with: String(m.outages))) }
                    if m.departmentImpacts > 0 { detail.append(s("downtime_impacts_short").replacingOccurrences(of: "{n}", with: String(m.departmentImpacts))) }
                    return DowntimeCell(minutes: m.outageMinutes > 0 ? String(m.outageMinutes) : (m.departmentImpacts > 0 ? "0" : ""),
                                        detail: detail.joined(separator: " "), over: m.outageMinutes * 60 > l.outageMinutesPerMonth * 60)
                },
                minutes: system.outageMinutes, outages: system.outages, impacts: system.departmentImpacts, breaches: system.breaches,
                over: system.breaches > 0)
        }
        let monthTotals = (0..<12).map { i in stats.systems.reduce(0) { $0 + $1.months[i].outageMinutes } }
        let chart = SVGChart.bars(
            categories: (1...12).map { s("month_short").replacingOccurrences(of: "{m}", with: String($0)) },
            series: [.init(name: s("downtime_minutes"), values: monthTotals.map(Double.init), colour: 3)],
            options: .init(id: "downtime", title: s("downtime_chart_title"), width: 720, height: 220, emptyText: s("report_no_data"), fontSize: 12))
        return try await req.view.render("reports/downtime", DowntimeContext(
            page: base, heading: base.title, year: year,
            previousHref: "/reports/downtime?year=\(year - 1)", nextHref: "/reports/downtime?year=\(year + 1)",
            csvHref: "/reports/downtime.csv?year=\(year)", limits: limits,
            months: (1...12).map { s("month_short").replacingOccurrences(of: "{m}", with: String($0)) },
            rows: rows, chart: monthTotals.allSatisfy { $0 == 0 } ? "" : chart,
            breaches: stats.breaches.map { ReportFormat.breachRow($0, t: t) },
            outagesHref: "/outages", canRecord: user.can(.recordOutages)))
    }

    func downtimeCSV(req: Request) async throws -> Response {
        _ = try req.require(.readReports)
        let year = try ReportAccess.year(req)
        let stats = try await DowntimeService.compute(firstMonth: YearMonth(year: year, month: 1)!, months: 12, now: req.now,
                                                      timeZone: req.yiwei.config.timeZone, on: req.db).stats
        let t = req.yiwei.i18n.strings(req.locale.code)
        func s(_ key: String) -> String { t[key] ?? key }
        var w = CSVWriter(header: [s("outage_system"), s("downtime_month"), s("downtime_minutes"), s("downtime_outages"),
                                   s("downtime_impact_minutes"), s("downtime_impacts")])
        for system in stats.systems {
            for m in system.months {
                w.cellsRow([.text(system.name), .text(m.month), CSVWriter.number(m.outageMinutes), CSVWriter.number(m.outages),
                            CSVWriter.number(m.departmentImpactMinutes), CSVWriter.number(m.departmentImpacts)])
            }
            w.cellsRow([.text(system.name), .text(s("downtime_year_total")), CSVWriter.number(system.outageMinutes), CSVWriter.number(system.outages),
                        .number(""), CSVWriter.number(system.departmentImpacts)])
        }
        w.row([])
        w.row([s("outage_system"), s("downtime_month"), s("downtime_clause"), s("downtime_breach"), s("outage_ticket")])
        for b in stats.breaches {
            w.row([b.systemName, b.month, b.clause, b.text, b.records.compactMap(\.ticketNumber).joined(separator: " ")])
        }
        try await req.auditRead("downtime.export", entityType: "downtime", entityId: String(year))
        return w.response(fileName: "\(s("downtime_title"))-\(year).csv", asciiFallback: "downtime-\(year).csv")
    }
}

/// Figures as text for the report pages: rates, durations, changes against the previous period.
struct ReportFormat {
    let t: [String: String]
    let labels: TicketLabels

    func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return String(format: "%.1f%%", value * 100)
    }

    func minutes(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return labels.duration(value * 60)
    }

    /// tone: "good" / "bad" / "" (neutral or unchanged).
    private func tone(_ delta: Double, higherIsBetter: Bool?) -> String {
        guard delta != 0, let higherIsBetter else { return "" }
        return (delta > 0) == higherIsBetter ? "good" : "bad"
    }

    private func arrow(_ delta: Double) -> String { delta > 0 ? "↑ " : delta < 0 ? "↓ " : "" }

    func countRow(_ label: String, _ now: Int, _ before: Int, better: Bool?) -> ReportPages.SummaryRow {
        let delta = now - before
        return .init(label: label, current: String(now), previous: String(before),
                     change: delta == 0 ? "—" : arrow(Double(delta)) + String(abs(delta)), tone: tone(Double(delta), higherIsBetter: better))
    }

    func rateRow(_ label: String, _ now: Double?, _ before: Double?, higherIsBetter: Bool = true) -> ReportPages.SummaryRow {
        var change = "—", tone = ""
        if let now, let before {
            let points = ((now - before) * 1000).rounded() / 10
            if points != 0 {
                change = arrow(points) + String(format: "%.1f", abs(points)) + (t["report_points"] ?? " pp")
                tone = self.tone(points, higherIsBetter: higherIsBetter)
            }
        }
        return .init(label: label, current: percent(now), previous: percent(before), change: change, tone: tone)
    }

    func minutesRow(_ label: String, _ now: Double?, _ before: Double?) -> ReportPages.SummaryRow {
        var change = "—", tone = ""
        if let now, let before {
            let delta = (now - before).rounded()
            if delta != 0 {
                change = arrow(delta) + labels.duration(abs(delta) * 60)
                tone = self.tone(delta, higherIsBetter: false)
            }
        }
        return .init(label: label, current: minutes(now), previous: minutes(before), change: change, tone: tone)
    }

    func scoreRow(_ label: String, _ now: Double?, _ before: Double?) -> ReportPages.SummaryRow {
        func text(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "—" }
        var change = "—", tone = ""
        if let now, let before {
            let delta = ((now - before) * 100).rounded() / 100
            if delta != 0 { change = arrow(delta) + String(format: "%.2f", abs(delta)); tone = self.tone(delta, higherIsBetter: true) }
        }
        return .init(label: label, current: text(now), previous: text(before), change: change, tone: tone)
    }

    static func breachRow(_ b: DowntimeStats.Breach, t: [String: String]) -> ReportPages.BreachRow {
        var links: [ReportPages.Link] = []
        for r in b.records {
            links.append(.init(label: t["downtime_record"] ?? "停机记录", href: "/outages/\(r.outageId)"))
            if let ticket = r.ticketId { links.append(.init(label: r.ticketNumber ?? ticket.uuidString, href: "/tickets/\(ticket)")) }
        }
        return .init(system: b.systemName, month: b.month, clause: (t["downtime_clause_text"] ?? "§{c}").replacingOccurrences(of: "{c}", with: b.clause),
                     text: t["downtime_breach_" + b.code].map { template in
                         template.replacingOccurrences(of: "{month}", with: b.month)
                             .replacingOccurrences(of: "{m}", with: b.minutes.map(String.init) ?? "")
                             .replacingOccurrences(of: "{n}", with: b.ordinal.map(String.init) ?? "")
                     } ?? b.text,
                     links: links)
    }
}

extension ReportPeriod {
    static func dayDate(_ key: String, timeZone: TimeZone) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: key)
    }
}
