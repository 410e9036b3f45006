import Fluent
import Foundation
import Vapor
import YiweiCore
import YiweiText

/// `/evaluation/vendors/{id}?year=`: a vendor's service year — months, trend, payments, the warning — and
/// the service-fee form for leads.
struct VendorEvaluationPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("evaluation", "vendors", ":vendorId", use: page)
        routes.post("evaluation", "vendors", ":vendorId", "fee", use: saveFee)
    }

    struct MonthView: Encodable {
        var month: String
        var label: String
        var href: String?
        var status: String?
        var total: String
        var grade: String
        var gradeClass: String
        var planned: String
        var payable: String
    }

    struct Context: Encodable {
        var page: PageBase
        var vendorId: String
        var vendorName: String
        var yearLabel: String
        var previousHref: String
        var nextHref: String
        var months: [MonthView]
        var chart: SafeHTML
        var average: String
        var plannedTotal: String
        var payableTotal: String
        var assessed: Int
        var failed: Int
        var warning: String?
        var breachConfirmed: Bool
        var trailingNote: String?
        var monthlyFee: String
        var contractTotal: String
        var hasFee: Bool
        var canWrite: Bool
        var feeErrors: [String: String]
        var monthlyFeeError: String?
        var contractTotalError: String?
    }

    func page(req: Request) async throws -> Response {
        try await Self.render(req, errors: [:], posted: nil)
    }

    static func render(_ req: Request, errors: [String: String], posted: VendorEvaluationService.FeeBody?,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let scope = try ScorecardAccess.readScope(req)
        let base = try await PageBase.make(for: req, titleKey: "eval_vendor_title")
        let t = base.t
        var v = Validator()
        var year: Int?
        if let raw = req.queryParameter("year"), !raw.isEmpty {
            if let y = Int(raw), (2000...9999).contains(y) { year = y } else { v.add("year", "must be a year such as 2026") }
        }
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        let vendorId = req.parameters.get("vendorId", as: UUID.self)
        if case .vendor(let own) = scope, own != vendorId { throw AppError.notFound("vendor") }
        let o = try await VendorEvaluationService.overview(vendorId: vendorId, year: year, scope: scope, on: req.db, now: req.now,
                                                           timeZone: req.yiwei.config.timeZone)
        let first = YearMonth(o.serviceYear.first!)!, last = YearMonth(o.serviceYear.last!)!
        func money(_ fen: Int?) -> String { fen.map { Money(fen: $0).description } ?? "—" }
        let months = o.months.map { m -> MonthView in
            let ym = YearMonth(m.month)!
            return MonthView(month: m.month, label: ScorecardPages.monthLabel(ym, t), href: m.scorecardId.map { "/evaluation/scorecards/\($0)" },
                             status: m.status.map { t["eval_status_" + $0] ?? $0 },
                             total: m.total.map { ScorePoints(tenths: Int(($0 * 10).rounded())).description } ?? "—",
                             grade: m.grade.map { t["eval_grade_" + $0] ?? $0 } ?? "—", gradeClass: ScorecardPages.gradeClass(m.grade),
                             planned: m.status == "confirmed" ? money(m.plannedFen) : "—",
                             payable: m.status == "confirmed" ? (m.payableFen.map { Money(fen: $0).description } ?? t[text: "eval_no_fee"]) : "—")
        }
        // The trend of confirmed months only: a month not yet assessed is not a zero.
        let confirmed = o.months.filter { $0.status == "confirmed" && $0.total != nil }
        let categories = confirmed.map { ScorecardPages.monthLabel(YearMonth($0.month)!, t) }
        let chart = SVGChart.lines(
            categories: categories,
            series: [.init(name: t[text: "eval_chart_total"], values: confirmed.map { $0.total! },
                           hrefs: confirmed.map { $0.scorecardId.map { "/evaluation/scorecards/\($0)" } }),
                     .init(name: t[text: "eval_chart_excellent"], values: confirmed.map { _ in 85 }, colour: 1),
                     .init(name: t[text: "eval_chart_pass"], values: confirmed.map { _ in 60 }, colour: 3)],
            area: false,
            options: .init(id: "eval-trend", title: t[text: "eval_chart_title"], width: 960, height: 300, emptyText: t[text: "eval_chart_empty"],
                           format: { SVGChart.num($0) }))
        let startYear = first.year
        let trailing = o.warning.trailingFailRun == 2 && !o.warning.confirmed ? t["eval_trailing_two"] : nil
        let context = Context(
            page: base, vendorId: o.vendorId.uuidString, vendorName: o.vendorName,
            yearLabel: (t["eval_service_year"] ?? "{from} – {to}").replacingOccurrences(of: "{from}", with: ScorecardPages.monthLabel(first, t))
                .replacingOccurrences(of: "{to}", with: ScorecardPages.monthLabel(last, t)),
            previousHref: "/evaluation/vendors/\(o.vendorId)?year=\(startYear - 1)", nextHref: "/evaluation/vendors/\(o.vendorId)?year=\(startYear + 1)",
            months: months, chart: chart, average: o.averageScore.map { ScorePoints(tenths: Int(($0 * 10).rounded())).description } ?? "—",
            plannedTotal: Money(fen: o.plannedTotalFen).description, payableTotal: Money(fen: o.payableTotalFen).description,
            assessed: o.warning.assessedMonths, failed: o.warning.failedMonths,
            warning: o.warning.warning ? o.warning.text : nil, breachConfirmed: o.warning.confirmed, trailingNote: trailing,
            monthlyFee: posted?.monthlyFee ?? o.monthlyFeeFen.map { yuan($0) } ?? "",
            contractTotal: posted?.contractTotal ?? o.contractTotalFen.map { yuan($0) } ?? "",
            hasFee: o.monthlyFeeFen != nil, canWrite: req.can(.manageEvaluation), feeErrors: errors,
            monthlyFeeError: errors["monthlyFee"].map { ScorecardPages.problem($0, t, base.lang) },
            contractTotalError: errors["contractTotal"].map { ScorecardPages.problem($0, t, base.lang) })
        return try await req.view.render("evaluation/vendor", context).encodeResponse(status: status, for: req)
    }

    /// `100000.00` for a form field (no currency sign, no grouping).
    static func yuan(_ fen: Int) -> String { "\(fen / 100).\(fen % 100 < 10 ? "0" : "")\(fen % 100)" }

    func saveFee(req: Request) async throws -> Response {
        try req.require(.manageEvaluation)
        let id = req.parameters.get("vendorId", as: UUID.self)
        let form = try req.content.decode(VendorEvaluationService.FeeBody.self)
        do {
            _ = try await VendorEvaluationService.setFee(vendorId: id, form, request: req)
        } catch let error as AppError where error.fields != nil {
            return try await Self.render(req, errors: error.fields ?? [:], posted: form, status: error.status)
        }
        return req.redirect(to: "/evaluation/vendors/\(id!)", flash: "saved")
    }
}
