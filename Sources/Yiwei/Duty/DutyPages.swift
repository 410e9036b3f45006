import Fluent
import Foundation
import Vapor
import YiweiCore

struct DutyRosterContext: Encodable {
    var page: PageBase
    var heading: String
    var intro: String
    var teams: [FormField.Option]
    var teamId: String
    var month: String
    var previousHref: String
    var nextHref: String
    var columns: [String]
    var rows: [[ListCell]]
    var emptyText: String
    var formAction: String
    var formTitle: String
    var fields: [FormField]
    var errorSummary: String?
}

/// 值班排班 (/duty): a team's shifts of one month, and for leads the form that puts a person on a shift; 班次设置
/// (/duty/shift-types). The rules are the API's (DutyService); the page shows refusals in Chinese.
struct DutyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("duty", use: roster)
        routes.post("duty", "shifts", use: createShift)
        routes.post("duty", "shifts", ":shiftId", "delete", use: deleteShift)
        routes.get("duty", "shift-types", use: shiftTypes)
        routes.post("duty", "shift-types", use: createShiftType)
    }

    struct ShiftForm: Content { var teamId: String?, month: String?, userId: String?, shiftTypeId: String?, date: String? }

    /// `2026-12` → its first day; nil when malformed.
    static func month(_ text: String?) -> CivilDate? {
        guard let text, text.count == 7 else { return nil }
        return CivilDate(text + "-01")
    }

    static func monthText(_ d: CivilDate) -> String { String(d.description.prefix(7)) }

    func roster(req: Request) async throws -> View {
        try await render(req, form: ShiftForm(teamId: req.queryParameter("teamId"), month: req.queryParameter("month")), errors: [:], summary: nil)
    }

    private func render(_ req: Request, form: ShiftForm, errors: [String: String], summary: String?) async throws -> View {
        let user = try req.require(.readDuty)
        let base = try await PageBase.make(for: req, titleKey: "duty_title")
        let t = base.t
        let r = try await req.reference()
        let zone = req.yiwei.config.timeZone
        let today = CivilDate.local(req.now, in: zone).date
        var v = Validator()
        let chosenTeam = v.uuid("teamId", form.teamId)
        if let text = form.month, !text.isEmpty, Self.month(text) == nil { v.add("month", "must be a month like 2026-12") }
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        let first = Self.month(form.month) ?? CivilDate(year: today.year, month: today.month, day: 1)!
        let teams = r.lookups.teams
        let mine = r.teams(of: user.id).compactMap(\.id)
        guard let teamId = chosenTeam ?? teams.first(where: { mine.contains($0.0) })?.0 ?? teams.first?.0 else {
            throw AppError.notFound("team")
        }
        guard r.teams[teamId] != nil else { throw AppError.notFound("team") }
        let last = CivilDate(year: first.year, month: first.month, day: CivilDate.daysIn(first.month, first.year))!
        let previous = CivilDate(epochDay: first.epochDay - 1), next = CivilDate(epochDay: last.epochDay + 1)

        let types = try await DutyService.shiftTypeModels(teamId: teamId, on: req.db)
        let typeById = Dictionary(uniqueKeysWithValues: try types.map { (try $0.requireID(), $0) })
        let shifts = try await DutyShift.query(on: req.db).filter(\.$teamId == teamId)
            .filter(\.$date >= first.description).filter(\.$date <= last.description).sort(\.$startsAt).sort(\.$level).all()
        let manages = user.can(.manageDuty)
        func hours(_ type: DutyShiftType?) -> String {
            guard let type else { return "" }
            return DutyService.hoursText(start: type.startMinute, end: type.endMinute, nextDay: t[text: "duty_next_day"])
        }
        let columns = [t[text: "duty_col_date"], t[text: "duty_col_type"], t[text: "duty_col_hours"], t[text: "duty_col_person"],
                       t[text: "duty_col_level"]] + (manages ? [""] : [])
        let rows = try shifts.map { s -> [ListCell] in
            let date = CivilDate(s.date)
            let weekday = date.map { t[text: "weekday_" + Weekday.allCases[$0.weekday - 1].rawValue] } ?? ""
            let type = typeById[s.shiftTypeId]
            var cells = [ListCell(text: s.date + " " + weekday), ListCell(text: type?.name ?? ""), ListCell(text: hours(type)),
                         ListCell(text: r.users[s.userId]?.displayName ?? ""),
                         ListCell(text: t[text: "duty_level_" + (s.level == "backup" ? "backup" : "primary")], badge: s.level == "backup" ? "off" : "ok")]
            if manages {
                cells.append(s.startsAt > req.now
                    ? ListCell(text: t[text: "action_delete"], postAction: "/duty/shifts/\(try s.requireID())/delete")
                    : ListCell(text: t[text: "duty_started"], muted: true))
            }
            return cells
        }
        var fields: [FormField] = []
        if manages {
            let members = r.members.filter { $0.teamId == teamId }.compactMap { r.users[$0.userId] }.filter(\.isActive)
                .sorted { $0.displayName < $1.displayName }
            let f = FormValues(form)
            let defaultDate = (first <= today && today <= last) ? today : first
            fields = FormField.withErrors([
                FormField(name: "userId", label: t[text: "duty_field_person"], kind: .select,
                          options: FormField.options(members.map { ($0.id.uuidString, $0.displayName) }, selected: [f["userId"]]), required: true),
                FormField(name: "shiftTypeId", label: t[text: "duty_field_type"], kind: .select,
                          options: FormField.options(try types.filter(\.isActive).map { (try $0.requireID().uuidString, $0.name + " " + hours($0)) },
                                                     selected: [f["shiftTypeId"]]), required: true,
                          help: types.isEmpty ? t[text: "duty_no_types"] : nil),
                FormField(name: "date", label: t[text: "duty_field_date"], kind: .date,
                          value: f["date"].isEmpty ? defaultDate.description : f["date"], required: true),
            ], errors, locale: base.lang)
        }
        let query = "teamId=\(teamId)&month="
        return try await req.view.render("duty/roster", DutyRosterContext(
            page: base, heading: base.title, intro: t[text: "duty_intro"],
            teams: FormField.options(teams.map { ($0.0.uuidString, $0.1) }, selected: [teamId.uuidString]), teamId: teamId.uuidString,
            month: Self.monthText(first), previousHref: "/duty?" + query + Self.monthText(previous), nextHref: "/duty?" + query + Self.monthText(next),
            columns: columns, rows: ListPageContext.labelled(rows, columns), emptyText: t[text: "duty_empty"],
            formAction: "/duty/shifts", formTitle: t[text: "duty_new_shift"], fields: fields,
            errorSummary: summary ?? (errors.isEmpty ? nil : t["form_has_errors"])))
    }

    func createShift(req: Request) async throws -> Response {
        try req.require(.manageDuty)
        let form = try req.content.decode(ShiftForm.self)
        let month = form.date.flatMap { $0.count >= 7 ? String($0.prefix(7)) : nil } ?? form.month ?? ""
        do {
            _ = try await DutyService.createShift(DutyShiftBody(teamId: form.teamId, userId: form.userId, shiftTypeId: form.shiftTypeId, date: form.date),
                                                  actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone, rules: DutyRules(),
                                                  chinese: req.locale.code != "en", writer: req.application)
            return req.redirect(to: "/duty?teamId=\(form.teamId ?? "")&month=\(month)", flash: "saved")
        } catch let error as AppError where error.fields != nil || error.status == .conflict {
            let t = req.yiwei.i18n.strings(req.locale.code)
            let summary: String? = switch error.code {
            case .dutyConflict: (t["duty_conflict"] ?? "") + error.message
            case .shiftInPast: t["duty_error_past"]
            default: nil
            }
            var shown = form
            shown.month = month
            return try await render(req, form: shown, errors: error.fields ?? [:], summary: summary).encodeResponse(status: error.status, for: req)
        }
    }

    func deleteShift(req: Request) async throws -> Response {
        try req.require(.manageDuty)
        guard let id = req.parameters.get("shiftId", as: UUID.self), let shift = try await DutyShift.find(id, on: req.db) else {
            throw AppError.notFound("shift")
        }
        try await DutyService.deleteShift(id, actor: req.auditActor, now: req.now, writer: req.application)
        return req.redirect(to: "/duty?teamId=\(shift.teamId)&month=\(shift.date.prefix(7))", flash: "saved")
    }

    // MARK: - Shift types

    struct TypeForm: Content { var name: String?, start: String?, end: String?, level: String?, teamId: String? }

    func shiftTypes(req: Request) async throws -> View { try await renderTypes(req, form: TypeForm(), errors: [:]) }

    private func renderTypes(_ req: Request, form: TypeForm, errors: [String: String]) async throws -> View {
        let user = try req.require(.readDuty)
        let base = try await PageBase.make(for: req, titleKey: "duty_types_title")
        let t = base.t
        let r = try await req.reference()
        let types = try await DutyService.shiftTypeModels(teamId: nil, on: req.db)
        let teamNames = Dictionary(uniqueKeysWithValues: r.lookups.teams.map { ($0.0, $0.1) })
        let columns = [t[text: "field_name"], t[text: "duty_col_hours"], t[text: "duty_col_minutes"], t[text: "duty_col_level"], t[text: "duty_field_team"]]
        let rows = types.map { type -> [ListCell] in
            let minutes = ShiftHours(start: type.startMinute, end: type.endMinute).minutes
            return [ListCell(text: type.name),
             ListCell(text: DutyService.hoursText(start: type.startMinute, end: type.endMinute, nextDay: t[text: "duty_next_day"])),
             ListCell(text: t[text: "duty_hours"].filling("{h}", with: minutes % 60 == 0 ? String(minutes / 60) : String(format: "%.1f", Double(minutes) / 60))),
             ListCell(text: t[text: "duty_level_" + (type.level == "backup" ? "backup" : "primary")]),
             ListCell(text: type.teamId.flatMap { teamNames[$0] } ?? t[text: "duty_all_teams"])]
        }
        var fields: [FormField] = []
        if user.can(.manageDuty) {
            let f = FormValues(form)
            fields = FormField.withErrors([
                FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
                FormField(name: "start", label: t[text: "duty_field_start"], kind: .text, value: f["start"], required: true, maxLength: 5,
                          help: t[text: "duty_help_hours"]),
                FormField(name: "end", label: t[text: "duty_field_end"], kind: .text, value: f["end"], required: true, maxLength: 5),
                FormField(name: "level", label: t[text: "duty_col_level"], kind: .select,
                          options: FormField.options(DutyLevel.allCases.map { ($0.rawValue, t[text: "duty_level_" + $0.rawValue]) },
                                                     selected: [f["level"].isEmpty ? "primary" : f["level"]]), required: true),
                FormField(name: "teamId", label: t[text: "duty_field_team"], kind: .select,
                          options: FormField.options(r.lookups.teams.map { ($0.0.uuidString, $0.1) }, selected: [f["teamId"]],
                                                     allowEmpty: t[text: "duty_all_teams"])),
            ], errors, locale: base.lang)
        }
        return try await req.view.render("admin/rules", RulesPageContext(
            page: base, heading: base.title, intro: t[text: "duty_types_intro"], columns: columns, rows: ListPageContext.labelled(rows, columns),
            emptyText: t[text: "duty_types_empty"], formAction: "/duty/shift-types", formTitle: t[text: "duty_new_type"], fields: fields,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"]))
    }

    func createShiftType(req: Request) async throws -> Response {
        try req.require(.manageDuty)
        let form = try req.content.decode(TypeForm.self)
        do {
            _ = try await DutyService.createShiftType(DutyShiftTypeBody(name: form.name, start: form.start, end: form.end, level: form.level,
                                                                        teamId: form.teamId?.nonEmpty),
                                                      actor: req.auditActor, now: req.now, writer: req.application)
            return req.redirect(to: "/duty/shift-types", flash: "saved")
        } catch let error as AppError where error.fields != nil || error.code == .duplicateName {
            let fields = error.fields ?? ["name": "already exists"]
            return try await renderTypes(req, form: form, errors: fields).encodeResponse(status: error.status, for: req)
        }
    }
}
