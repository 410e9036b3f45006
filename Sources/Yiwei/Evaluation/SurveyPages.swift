import Fluent
import Foundation
import Vapor
import YiweiCore

/// 满意度调查 pages: `/surveys` (leads: every survey and the form to start one; a department's staff: the
/// surveys asking their department) and `/surveys/{id}` (the annex 2 form on a phone; the lead's progress).
struct SurveyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("surveys", use: index)
        routes.post("surveys", use: start)
        routes.get("surveys", ":surveyId", use: show)
        routes.post("surveys", ":surveyId", "answer", use: answer)
        routes.post("surveys", ":surveyId", "close", use: close)
    }

    struct Row: Encodable {
        var id: String
        var vendor: String
        var month: String
        var statusLabel: String
        var open: Bool
        var progress: String
        var overall: String
        /// For a department's user: whether their department has answered.
        var mine: String
        var mineDone: Bool
    }

    struct Choice: Encodable { var value: String; var label: String; var checked: Bool }

    struct IndexContext: Encodable {
        var page: PageBase
        var manages: Bool
        var rows: [Row]
        var monthFilter: [FormField.Option]
        var startMonths: [FormField.Option]
        var vendors: [Choice]
        var departments: [Choice]
        var allVendors: Bool
        var errors: [String: String]
        var errorSummary: String?
        var pager: ListPageContext.Pager
    }

    struct StartForm: Content {
        var month: String?
        var vendorIds: [String]?
        var allActiveVendors: String?
        var departmentIds: [String]?
    }

    /// The months a page offers, newest first: `forward` months ahead of this one, and two years back.
    static func monthOptions(_ req: Request, _ t: [String: String], selected: String, forward: Int = 0, allowEmpty: String? = nil) -> [FormField.Option] {
        let current = EvaluationCalendar.month(of: req.now, timeZone: req.yiwei.config.timeZone)
        let months = (-forward...23).map { current.advanced(by: -$0).description }
        return FormField.options(months.map { ($0, monthLabel($0, t)) }, selected: [selected], allowEmpty: allowEmpty)
    }

    /// A score as the forms write it: always one decimal (8.0, 17.0).
    static func oneDecimal(_ value: Decimal) -> String {
        var rounded = Decimal(), v = value * 10
        NSDecimalRound(&rounded, &v, 0, .plain)
        return ScorePoints(tenths: NSDecimalNumber(decimal: rounded).intValue).description
    }

    static func monthLabel(_ month: String, _ t: [String: String]) -> String {
        guard let m = YearMonth(month) else { return month }
        return (t["ev_month_format"] ?? "{y}-{m}").replacingOccurrences(of: "{y}", with: String(m.year)).replacingOccurrences(of: "{m}", with: String(m.month))
    }

    func index(req: Request) async throws -> View { try await renderIndex(req, form: nil, errors: [:]) }

    private func renderIndex(_ req: Request, form: StartForm?, errors: [String: String]) async throws -> View {
        let user = try req.requireUser()
        guard user.readsEvaluation || user.surveyDepartment != nil else { throw AppError.denied(.readEvaluation) }
        let base = try await PageBase.make(for: req, titleKey: user.readsEvaluation ? "ev_surveys_title" : "ev_surveys_mine_title")
        let t = base.t
        let page = try PageRequest(from: req)
        let monthRaw = req.queryParameter("month") ?? ""
        let result = try await SurveyService.list(.init(month: YearMonth(monthRaw), vendorId: nil, status: nil), user: user, page: page, on: req.db)
        let rows = result.items.map { s -> Row in
            let mine = s.responses.first
            return Row(id: s.id.uuidString, vendor: s.vendor, month: Self.monthLabel(s.month, t),
                       statusLabel: s.status == "open" ? t[text: "ev_survey_open"] : t[text: "ev_survey_closed"], open: s.status == "open",
                       progress: "\(s.answered) / \(s.departments.count)", overall: s.averages.map { Self.oneDecimal($0.overall) } ?? "—",
                       mine: mine != nil ? t[text: "ev_survey_answered"] : (s.status == "open" ? t[text: "ev_survey_to_answer"] : t[text: "ev_survey_not_answered"]),
                       mineDone: mine != nil)
        }
        var vendors: [Choice] = [], departments: [Choice] = []
        let tz = req.yiwei.config.timeZone
        let defaultMonth = EvaluationCalendar.month(of: req.now, timeZone: tz).advanced(by: -1).description
        if user.managesEvaluation {
            let chosenVendors = Set(form?.vendorIds ?? []), chosenDepartments = Set(form?.departmentIds ?? [])
            vendors = try await Vendor.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all()
                .map { Choice(value: $0.id!.uuidString, label: $0.name, checked: chosenVendors.contains($0.id!.uuidString)) }
            departments = try await Department.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all()
                .map { Choice(value: $0.id!.uuidString, label: $0.name, checked: chosenDepartments.contains($0.id!.uuidString)) }
        }
        let localized = errors.mapValues { Self.problem($0, t: t, locale: base.lang) }
        return try await req.view.render("evaluation/surveys", IndexContext(
            page: base, manages: user.managesEvaluation, rows: rows, monthFilter: Self.monthOptions(req, t, selected: monthRaw, allowEmpty: t[text: "filter_all"]),
            startMonths: Self.monthOptions(req, t, selected: form?.month ?? defaultMonth),
            vendors: vendors, departments: departments, allVendors: form?.allActiveVendors == "true", errors: localized,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"], pager: .init(request: req, page: result.page, per: result.per, total: result.total)))
    }

    /// Field problems in the page's language; the survey's own ones first.
    static func problem(_ text: String, t: [String: String], locale: String) -> String {
        if locale != "en" {
            if text.hasPrefix("already has a survey") { return t[text: "ev_err_survey_exists"] }
            if text == "must not be in the future" { return t[text: "ev_err_future_month"] }
            if text.hasPrefix("must be a month") { return t[text: "ev_err_month"] }
            if text == "there is no active vendor" { return t[text: "ev_err_no_vendor"] }
            if text.hasPrefix("give vendorIds or") { return t[text: "ev_err_vendors_or_all"] }
            if text == "attendance cannot be recorded for a day still to come" { return t[text: "ev_err_future_day"] }
        }
        return ProblemText.localize(text, locale: locale)
    }

    func start(req: Request) async throws -> Response {
        let form = try req.content.decode(StartForm.self)
        let all = form.allActiveVendors == "true"
        do {
            let created = try await SurveyService.create(SurveyCreateBody(month: form.month, vendorIds: all ? [] : (form.vendorIds ?? []).filter { !$0.isEmpty },
                                                                          allActiveVendors: all, departmentIds: (form.departmentIds ?? []).filter { !$0.isEmpty }),
                                                         by: try req.requireUser(), actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                         on: req.db, writer: req.application)
            return req.redirect(to: created.count == 1 ? "/surveys/\(created[0].id)" : "/surveys", flash: "survey_started")
        } catch let error as AppError where error.fields != nil {
            return try await renderIndex(req, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    struct Level: Encodable { var points: String; var text: String; var key: String }
    struct Point: Encodable { var value: Int; var checked: Bool }
    struct Dimension: Encodable {
        var key: String
        var name: String
        var levels: [Level]
        var points: [Point]
        var error: String?
        /// Answered: the score given; progress: the mean.
        var given: String
    }
    struct DepartmentRow: Encodable { var name: String; var answered: Bool }
    struct ResponseRow: Encodable { var department: String; var scores: [Int]; var score: String; var grade: String; var comment: String; var at: String }

    struct ShowContext: Encodable {
        var page: PageBase
        var id: String
        var vendor: String
        var month: String
        var open: Bool
        var statusLabel: String
        /// The user may answer now.
        var mayAnswer: Bool
        /// The user's department has answered: its answer.
        var mine: ResponseRow?
        var department: String
        var dimensions: [Dimension]
        var comment: String
        var errorSummary: String?
        var manages: Bool
        var reads: Bool
        var answered: Int
        var asked: Int
        var departments: [DepartmentRow]
        var dimensionNames: [String]
        var means: [String]
        var overall: String
        var grade: String
        var scorecardPoints: String
        var responses: [ResponseRow]
    }

    func show(req: Request) async throws -> View { try await renderShow(req, values: [:], comment: "", errors: [:]) }

    private func renderShow(_ req: Request, values: [String: Int], comment: String, errors: [String: String]) async throws -> View {
        let user = try req.requireUser()
        let record = try await SurveyService.visible(req.parameters.get("surveyId", as: UUID.self), user: user, on: req.db)
        let s = try await SurveyService.dto(record, for: user, on: req.db)
        let base = try await PageBase.make(for: req, titleKey: "ev_survey_form_title")
        let t = base.t
        let ownDepartment = user.surveyDepartment.flatMap { d in s.departments.first { $0.id == d } }
        let mineDTO = ownDepartment.flatMap { d in s.responses.first { $0.departmentId == d.id } }
        func row(_ r: SurveyResponseDTO) -> ResponseRow {
            ResponseRow(department: r.department, scores: SatisfactionDimension.allCases.map { r.scores[$0.rawValue] ?? 0 }, score: Self.oneDecimal(r.score),
                        grade: t["ev_grade_" + r.grade] ?? r.grade, comment: r.comment ?? "", at: DisplayTime.short(r.submittedAt, req))
        }
        let dimensions = SatisfactionDimension.allCases.map { d in
            Dimension(key: d.rawValue, name: d.name,
                      levels: d.rubric.map { Level(points: $0.points.count == 1 ? "\($0.points.lowerBound)" : "\($0.points.lowerBound)–\($0.points.upperBound)", text: $0.text,
                                                  key: $0.points.count == 1 ? "\($0.points.lowerBound)" : "\($0.points.lowerBound)-\($0.points.upperBound)") },
                      points: (1...10).reversed().map { Point(value: $0, checked: values[d.rawValue] == $0) },
                      error: errors["scores." + d.rawValue].map { Self.problem($0, t: t, locale: base.lang) },
                      given: mineDTO.map { String($0.scores[d.rawValue] ?? 0) } ?? "")
        }
        let averages = s.averages
        return try await req.view.render("evaluation/survey", ShowContext(
            page: base, id: s.id.uuidString, vendor: s.vendor, month: Self.monthLabel(s.month, t), open: s.status == "open",
            statusLabel: s.status == "open" ? t[text: "ev_survey_open"] : t[text: "ev_survey_closed"],
            mayAnswer: ownDepartment != nil && mineDTO == nil && s.status == "open", mine: mineDTO.map(row), department: ownDepartment?.name ?? "",
            dimensions: dimensions, comment: comment, errorSummary: errors.isEmpty ? nil : t["ev_survey_incomplete"],
            manages: user.managesEvaluation, reads: user.readsEvaluation, answered: s.answered, asked: s.departments.count,
            departments: s.departments.map { DepartmentRow(name: $0.name, answered: $0.answered) },
            dimensionNames: SatisfactionDimension.allCases.map(\.name),
            means: SatisfactionDimension.allCases.map { d in averages.map { Self.oneDecimal($0.dimensions[d.rawValue] ?? 0) } ?? "—" },
            overall: averages.map { Self.oneDecimal($0.overall) } ?? "—", grade: averages.map { t["ev_grade_" + $0.grade] ?? $0.grade } ?? "",
            scorecardPoints: averages.map { Self.oneDecimal($0.scorecardPoints) } ?? "—",
            responses: user.readsEvaluation ? s.responses.map(row) : []))
    }

    func answer(req: Request) async throws -> Response {
        struct Form: Content {
            var response_speed: String?, service_attitude: String?, technical_competence: String?, communication: String?, resolution_effect: String?
            var comment: String?
        }
        let form = try req.content.decode(Form.self)
        let raw: [String: String?] = ["response_speed": form.response_speed, "service_attitude": form.service_attitude,
                                      "technical_competence": form.technical_competence, "communication": form.communication,
                                      "resolution_effect": form.resolution_effect]
        var scores: [String: Int] = [:]
        for (key, value) in raw { if let value, let n = Int(value) { scores[key] = n } }
        let id = req.parameters.get("surveyId", as: UUID.self)
        do {
            _ = try await SurveyService.answer(id, SurveyAnswerBody(scores: scores, comment: form.comment), by: try req.requireUser(), actor: req.auditActor,
                                               now: req.now, on: req.db, writer: req.application)
            return req.redirect(to: "/surveys/\(id?.uuidString ?? "")", flash: "survey_answered")
        } catch let error as AppError where error.fields != nil {
            return try await renderShow(req, values: scores, comment: form.comment ?? "", errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        } catch let error as AppError where error.code == .alreadyAnswered {
            return req.redirect(to: "/surveys/\(id?.uuidString ?? "")", flash: "error_survey_already_answered")
        } catch let error as AppError where error.code == .surveyClosed {
            return req.redirect(to: "/surveys/\(id?.uuidString ?? "")", flash: "error_survey_closed")
        }
    }

    func close(req: Request) async throws -> Response {
        let id = req.parameters.get("surveyId", as: UUID.self)
        do {
            _ = try await SurveyService.close(id, by: try req.requireUser(), actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            return req.redirect(to: "/surveys/\(id?.uuidString ?? "")", flash: "survey_closed")
        } catch let error as AppError where error.code == .surveyClosed {
            return req.redirect(to: "/surveys/\(id?.uuidString ?? "")", flash: "error_survey_closed")
        }
    }
}

/// 「待填问卷」 in a department user's navigation only while their department has an open survey to answer.
struct PendingSurveysKey: StorageKey { typealias Value = Bool }

enum SurveyNav {
    /// The department whose pending surveys the sidebar offers to this user, if any.
    static func department(of user: CurrentUser) -> UUID? {
        user.readsEvaluation ? nil : user.surveyDepartment
    }

    static func prepare(_ request: Request) async throws {
        guard request.storage[PendingSurveysKey.self] == nil, let user = request.currentUser, let department = department(of: user) else { return }
        request.storage[PendingSurveysKey.self] = try await SurveyService.pendingCount(department: department, on: request.db) > 0
    }
}
