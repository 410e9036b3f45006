import Fluent
import Foundation
import Vapor
import YiweiCore

/// 供应商考核 pages: the month's cards of every vendor, one card laid out as seed 002 annex 1 (printable
/// on A4), its confirmation step, and the forms that score it. The card and its form: ScorecardCardPages.swift.
struct ScorecardPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("evaluation", "scorecards", use: list)
        routes.post("evaluation", "scorecards", use: create)
        routes.get("evaluation", "scorecards", ":scorecardId", use: card)
        routes.post("evaluation", "scorecards", ":scorecardId", use: save)
        routes.post("evaluation", "scorecards", ":scorecardId", "recompute", use: recompute)
        routes.get("evaluation", "scorecards", ":scorecardId", "confirm", use: confirmStep)
        routes.post("evaluation", "scorecards", ":scorecardId", "confirm", use: confirm)
        routes.post("evaluation", "scorecards", ":scorecardId", "revoke", use: revoke)
    }

    // MARK: list

    struct ListRow: Encodable {
        var vendorName: String
        var vendorHref: String
        var vendorId: String
        var cardHref: String?
        var status: String?
        var statusClass: String
        var total: String
        var grade: String
        var gradeClass: String
        var payment: String
        var warning: String?
        var warningConfirmed: Bool
    }

    struct ListContext: Encodable {
        var page: PageBase
        var month: String
        var monthLabel: String
        var previousHref: String
        var nextHref: String
        var rows: [ListRow]
        var canWrite: Bool
        var vendorOnly: Bool
    }

    static func defaultMonth(_ req: Request) -> YearMonth {
        DowntimeAccounting.month(containing: Int(req.now.timeIntervalSince1970), timeZone: req.yiwei.config.timeZone).advanced(by: -1)
    }

    static func monthLabel(_ m: YearMonth, _ t: [String: String]) -> String {
        (t["eval_month_label"] ?? "{y}-{m}").replacingOccurrences(of: "{y}", with: String(m.year)).replacingOccurrences(of: "{m}", with: String(m.month))
    }

    static func gradeClass(_ grade: String?) -> String {
        switch grade {
        case "excellent": "grade-excellent"
        case "pass": "grade-pass"
        case "fail": "grade-fail"
        default: ""
        }
    }

    func list(req: Request) async throws -> View {
        let scope = try ScorecardAccess.readScope(req)
        let base = try await PageBase.make(for: req, titleKey: "eval_title")
        let t = base.t
        var v = Validator()
        var month = Self.defaultMonth(req)
        if let raw = req.queryParameter("month"), !raw.isEmpty, let m = ScorecardService.month("month", raw, &v) { month = m }
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        var vendors = try await Vendor.query(on: req.db).sort(\.$name).all()
        if case .vendor(let own) = scope { vendors = vendors.filter { $0.id == own } }
        let cards = try await ScorecardRecord.query(on: req.db).filter(\.$month == month.description).all()
        let byVendor = Dictionary(uniqueKeysWithValues: cards.map { ($0.vendorId, $0) })
        var rows: [ListRow] = []
        for vendor in vendors {
            var card = byVendor[try vendor.requireID()]
            if case .vendor = scope, card?.isConfirmed != true { card = nil }
            // A vendor without a card that is no longer active is not listed.
            if card == nil && !vendor.isActive { continue }
            let year = VendorEvaluationService.serviceYear(containing: month, startMonth: VendorEvaluationService.serviceYearStartMonth(vendor))
            let check = try await VendorEvaluationService.breachCheck(vendorId: try vendor.requireID(), year: year, on: req.db)
            let grade = card?.grade.flatMap(AssessmentGrade.init(rawValue:))
            rows.append(ListRow(
                vendorName: vendor.name, vendorHref: "/evaluation/vendors/\(try vendor.requireID())", vendorId: try vendor.requireID().uuidString,
                cardHref: card.map { "/evaluation/scorecards/\($0.id!)" },
                status: card.map { t["eval_status_" + $0.status] ?? $0.status }, statusClass: card?.isConfirmed == true ? "badge-ok" : "badge-warn",
                total: card?.totalTenths.map { ScorePoints(tenths: $0).description } ?? "—",
                grade: grade.map { t["eval_grade_" + $0.rawValue] ?? $0.name } ?? "—", gradeClass: Self.gradeClass(grade?.rawValue),
                payment: card.map { c in c.isConfirmed ? (c.payableFen.map { Money(fen: $0).description } ?? t[text: "eval_no_fee"]) : t[text: "eval_payment_after_confirm"] } ?? "—",
                warning: check.warning ? VendorEvaluationService.breachSentence(check) : nil, warningConfirmed: check.confirmed))
        }
        return try await req.view.render("evaluation/scorecards", ListContext(
            page: base, month: month.description, monthLabel: Self.monthLabel(month, t),
            previousHref: "/evaluation/scorecards?month=\(month.advanced(by: -1))", nextHref: "/evaluation/scorecards?month=\(month.next)",
            rows: rows, canWrite: req.can(.manageEvaluation), vendorOnly: scope != .all))
    }

    struct CreateForm: Content {
        var vendorId: String?
        var month: String?
    }

    func create(req: Request) async throws -> Response {
        let user = try req.require(.manageEvaluation)
        let form = try req.content.decode(CreateForm.self)
        do {
            let record = try await ScorecardService.create(ScorecardCreate(vendorId: form.vendorId, month: form.month), by: user,
                                                           actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                           on: req.db, writer: req.application)
            return req.redirect(to: "/evaluation/scorecards/\(try record.requireID())", flash: "saved")
        } catch let error as AppError where error.status == .conflict {
            if let vendor = UUID(uuidString: form.vendorId ?? ""),
               let existing = try await ScorecardRecord.query(on: req.db).filter(\.$vendorId == vendor).filter(\.$month == (form.month ?? "")).first() {
                return req.redirect(to: "/evaluation/scorecards/\(try existing.requireID())")
            }
            throw error
        }
    }

    // MARK: confirmation

    struct ConfirmContext: Encodable {
        var page: PageBase
        var id: String
        var vendorName: String
        var monthLabel: String
        var cardHref: String
        var total: String
        var grade: String?
        var gradeClass: String
        var complete: Bool
        var missing: [String]
        var payment: [PaymentExplanation.Step]
        var noFee: Bool
        var vendorHref: String
        var vendorSignatory: String
        var warningAfter: String?
        var error: String?
    }

    func confirmStep(req: Request) async throws -> Response {
        try req.require(.manageEvaluation)
        let record = try await ScorecardService.load(req.parameters.get("scorecardId", as: UUID.self), on: req.db)
        if record.isConfirmed { return req.redirect(to: "/evaluation/scorecards/\(try record.requireID())") }
        return try await Self.renderConfirm(req, record)
    }

    static func renderConfirm(_ req: Request, _ record: ScorecardRecord, error: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let base = try await PageBase.make(for: req, titleKey: "eval_confirm_title")
        let t = base.t
        let data = try ScorecardData.decode(record.data)
        let totals = ScorecardService.totals(data)
        let vendor = try await Vendor.find(record.vendorId, on: req.db)
        let month = YearMonth(record.month)!
        var steps: [PaymentExplanation.Step] = []
        let fee = try await VendorServiceFee.query(on: req.db).filter(\.$vendorId == record.vendorId).first()
        var warningAfter: String?
        if let card = totals.card {
            if let fee {
                let total = Money(fen: fee.contractTotalFen)
                let s = try PaymentRules.settle(plannedAmount: Money(fen: fee.monthlyFeeFen), contractTotal: total, score: card.total, events: card.severeEvents)
                steps = PaymentExplanation.steps(PaymentSnapshot(s, contractTotal: total, events: card.severeEvents), t: t)
            }
            // What the §3.5.4 check will say once this month counts.
            let year = VendorEvaluationService.serviceYear(containing: month, startMonth: VendorEvaluationService.serviceYearStartMonth(vendor))
            let others = try await VendorEvaluationService.confirmedCards(vendorId: record.vendorId, months: year, on: req.db)
                .filter { $0.month != record.month }
            let results = others.compactMap { c in YearMonth(c.month).map { MonthlyResult(month: $0, failed: c.grade == AssessmentGrade.fail.rawValue) } }
                + [MonthlyResult(month: month, failed: card.grade == .fail)]
            let check = try SeriousBreachRules.check(results)
            if check.warning { warningAfter = VendorEvaluationService.breachSentence(check) }
        }
        let grade = totals.card?.grade
        return try await req.view.render("evaluation/scorecard_confirm", ConfirmContext(
            page: base, id: try record.requireID().uuidString, vendorName: vendor?.name ?? "", monthLabel: monthLabel(month, t),
            cardHref: "/evaluation/scorecards/\(try record.requireID())", total: totals.total.description,
            grade: grade.map { t["eval_grade_" + $0.rawValue] ?? $0.name }, gradeClass: gradeClass(grade?.rawValue), complete: totals.complete,
            missing: data.items.filter { $0.pointsTenths == nil }.compactMap { ScorecardItemKey(rawValue: $0.key)?.definition.name },
            payment: steps, noFee: fee == nil, vendorHref: "/evaluation/vendors/\(record.vendorId)", vendorSignatory: record.vendorSignatory ?? "",
            warningAfter: warningAfter, error: error)).encodeResponse(status: status, for: req)
    }

    struct ConfirmForm: Content {
        var vendorSignatory: String?
        var checked: String?
    }

    func confirm(req: Request) async throws -> Response {
        let user = try req.require(.manageEvaluation)
        let id = req.parameters.get("scorecardId", as: UUID.self)
        let form = try req.content.decode(ConfirmForm.self)
        let record = try await ScorecardService.load(id, on: req.db)
        let t = req.yiwei.i18n.strings(req.locale.code)
        guard form.checked == "on" || form.checked == "true" else {
            return try await Self.renderConfirm(req, record, error: t["eval_confirm_check_required"], status: .unprocessableEntity)
        }
        do {
            _ = try await ScorecardService.confirm(id, ScorecardConfirm(vendorSignatory: form.vendorSignatory), by: user, actor: req.auditActor,
                                                   now: req.now, on: req.db, writer: req.application)
        } catch let error as AppError where error.fields != nil {
            let message = (error.fields ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)：\(ProblemText.localize($0.value, locale: req.locale.code))" }
                .joined(separator: "；")
            return try await Self.renderConfirm(req, record, error: message, status: error.status)
        }
        return req.redirect(to: "/evaluation/scorecards/\(id!)", flash: "eval_confirmed")
    }

    struct RevokeForm: Content {
        var reason: String?
    }

    func revoke(req: Request) async throws -> Response {
        try req.require(.manageEvaluation)
        let id = req.parameters.get("scorecardId", as: UUID.self)
        let form = try req.content.decode(RevokeForm.self)
        do {
            _ = try await ScorecardService.revoke(id, ScorecardRevoke(reason: form.reason), actor: req.auditActor, now: req.now, on: req.db,
                                                  writer: req.application)
        } catch let error as AppError where error.fields != nil {
            let record = try await ScorecardService.load(id, on: req.db)
            return try await Self.render(req, record, errors: (error.fields ?? [:]).reduce(into: [:]) { $0["revoke." + $1.key] = $1.value },
                                         status: error.status)
        }
        return req.redirect(to: "/evaluation/scorecards/\(id!)", flash: "eval_revoked")
    }
}
