import Fluent
import Foundation
import Vapor
import YiweiCore

/// 驻场考勤 page: one vendor's on-site engineers and the month grid (who is on the roster which day, and what
/// happened), the month's 驻场到岗率, a roster button and a form for one day with its replacement and note.
struct AttendancePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let group = routes.grouped("evaluation", "attendance")
        group.get(use: page)
        group.post(use: saveGrid)
        group.post("day", use: saveDay)
        group.post("roster", use: roster)
        group.post("staff", use: addStaff)
        group.post("staff", ":staffId", "toggle", use: toggleStaff)
    }

    struct Option: Encodable { var value: String; var label: String; var selected: Bool }
    struct Cell: Encodable { var name: String; var options: [Option]; var weekend: Bool; var status: String; var title: String }
    struct Row: Encodable { var name: String; var post: String; var cells: [Cell]; var scheduled: Int; var present: Int; var rate: String }
    struct DayHead: Encodable { var day: String; var weekday: String; var weekend: Bool }
    struct StaffRow: Encodable { var id: String; var name: String; var post: String; var account: String; var active: Bool }

    struct Context: Encodable {
        var page: PageBase
        var manages: Bool
        var vendors: [FormField.Option]
        var vendorId: String
        var vendor: String
        var month: String
        var months: [FormField.Option]
        var monthLabel: String
        var days: [DayHead]
        var rows: [Row]
        var scheduled: Int
        var present: Int
        var unrecorded: Int
        var rate: String
        var staff: [StaffRow]
        var accounts: [FormField.Option]
        var staffOptions: [FormField.Option]
        var dayOptions: [FormField.Option]
        var statusOptions: [FormField.Option]
        var errorSummary: String?
    }

    static let marks: [String: String] = ["scheduled": "·", "present": "✓", "absent": "✗", "leave": "假", "leave_replaced": "替"]

    func page(req: Request) async throws -> View { try await render(req, vendorRaw: req.queryParameter("vendorId"), monthRaw: req.queryParameter("month"), errors: [:]) }

    private func render(_ req: Request, vendorRaw: String?, monthRaw: String?, errors: [String: String]) async throws -> View {
        let user = try req.require(.readEvaluation)
        let base = try await PageBase.make(for: req, titleKey: "ev_attendance_title")
        let t = base.t, tz = req.yiwei.config.timeZone
        let vendors = try await Vendor.query(on: req.db).sort(\.$name).all()
        let vendorId = vendorRaw.flatMap(UUID.init(uuidString:)).flatMap { id in vendors.first { $0.id == id }?.id } ?? vendors.first(where: \.isActive)?.id
        let month = monthRaw.flatMap(YearMonth.init) ?? EvaluationCalendar.month(of: req.now, timeZone: tz)
        let today = EvaluationCalendar.day(of: req.now, timeZone: tz)
        let weekdayNames = ["", t[text: "ev_wd_1"], t[text: "ev_wd_2"], t[text: "ev_wd_3"], t[text: "ev_wd_4"], t[text: "ev_wd_5"], t[text: "ev_wd_6"], t[text: "ev_wd_7"]]
        let allDays = EvaluationCalendar.days(of: month)
        let heads = allDays.map { d -> DayHead in
            let w = EvaluationCalendar.weekday(of: d)
            return DayHead(day: String(Int(d.suffix(2))!), weekday: weekdayNames[w], weekend: w >= 6)
        }
        let statusNames = Dictionary(uniqueKeysWithValues: AttendanceStatus.allCases.map { ($0.rawValue, t[text: "ev_att_" + $0.rawValue]) })
        var rows: [Row] = [], staffRows: [StaffRow] = [], accounts: [FormField.Option] = []
        var figures: AttendanceMonthDTO?
        if let vendorId {
            let m = try await AttendanceService.month(vendorId: vendorId, month: month, on: req.db)
            figures = m
            rows = m.staff.map { r in
                let cells = allDays.map { day -> Cell in
                    let current = r.days[day]
                    let future = day > today
                    let allowed: [AttendanceStatus] = future ? [.scheduled] : AttendanceStatus.allCases
                    var options = [Option(value: "", label: "", selected: current == nil)]
                    options += allowed.map { Option(value: $0.rawValue, label: Self.marks[$0.rawValue]!, selected: current?.status == $0.rawValue) }
                    if let current, !allowed.map(\.rawValue).contains(current.status) {
                        options.append(Option(value: current.status, label: Self.marks[current.status]!, selected: true))
                    }
                    var title = day + " " + (current.map { statusNames[$0.status] ?? $0.status } ?? t[text: "ev_att_off"])
                    if let who = current?.replacement { title += "（" + t[text: "ev_att_replacement"] + "：" + who + "）" }
                    if let note = current?.note { title += " " + note }
                    return Cell(name: "c_\(r.staff.id.uuidString)_\(day)", options: options, weekend: EvaluationCalendar.weekday(of: day) >= 6,
                                status: current?.status ?? "off", title: title)
                }
                let rate = (try? ObjectiveScoring.attendanceRate(presentPersonDays: r.present, scheduledPersonDays: r.scheduled)).map { "\(ScorePoints(tenths: $0.percentTenths))%" } ?? "—"
                return Row(name: r.staff.name, post: r.staff.post ?? "", cells: cells, scheduled: r.scheduled, present: r.present,
                           rate: r.scheduled == 0 ? "—" : rate)
            }
            let all = try await OnsiteStaff.query(on: req.db).filter(\.$vendorId == vendorId).sort(\.$createdAt).all()
            let users = Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$vendorId == vendorId).all().map { ($0.id!, $0) })
            staffRows = all.map { StaffRow(id: $0.id!.uuidString, name: $0.name, post: $0.post ?? "", account: $0.userId.flatMap { users[$0]?.username } ?? "—", active: $0.isActive) }
            let linked = Set(all.compactMap(\.userId))
            accounts = FormField.options(users.values.filter { $0.isVendorEngineer && !linked.contains($0.id!) }.sorted { $0.displayName < $1.displayName }
                .map { ($0.id!.uuidString, "\($0.displayName)（\($0.username)）") }, selected: [], allowEmpty: t[text: "ev_att_by_name"])
        }
        let vendor = vendors.first { $0.id == vendorId }
        let localized = errors.isEmpty ? nil : errors.sorted { $0.key < $1.key }.map { SurveyPages.problem($0.value, t: t, locale: base.lang) }.joined(separator: "；")
        return try await req.view.render("evaluation/attendance", Context(
            page: base, manages: user.managesEvaluation,
            vendors: FormField.options(vendors.map { ($0.id!.uuidString, $0.name + ($0.isActive ? "" : "（" + t[text: "sla_inactive"] + "）")) }, selected: [vendorId?.uuidString ?? ""]),
            vendorId: vendorId?.uuidString ?? "", vendor: vendor?.name ?? "", month: month.description,
            months: SurveyPages.monthOptions(req, t, selected: month.description, forward: 2), monthLabel: SurveyPages.monthLabel(month.description, t),
            days: heads, rows: rows, scheduled: figures?.scheduled ?? 0, present: figures?.present ?? 0, unrecorded: figures?.unrecorded ?? 0,
            rate: figures.map { $0.scheduled == 0 ? "—" : SurveyPages.oneDecimal($0.ratePercent) + "%" } ?? "—", staff: staffRows, accounts: accounts,
            staffOptions: FormField.options((figures?.staff ?? []).filter(\.staff.isActive).map { ($0.staff.id.uuidString, $0.staff.name) }, selected: []),
            dayOptions: FormField.options(allDays.filter { $0 <= today }.reversed().map { ($0, $0) }, selected: [min(today, allDays.last!)]),
            statusOptions: FormField.options([("off", t[text: "ev_att_off"])] + AttendanceStatus.allCases.map { ($0.rawValue, statusNames[$0.rawValue]!) }, selected: ["present"]),
            errorSummary: localized.map { (t["ev_att_not_saved"] ?? "") + $0 }))
    }

    private func back(_ req: Request, vendorId: String?, month: String?, flash: String) -> Response {
        var c = URLComponents()
        c.path = "/evaluation/attendance"
        c.queryItems = [URLQueryItem(name: "vendorId", value: vendorId ?? ""), URLQueryItem(name: "month", value: month ?? "")]
        return req.redirect(to: c.string ?? "/evaluation/attendance", flash: flash)
    }

    /// The grid posts every cell as `c_<staffId>_<day>`; only cells that differ from what is stored are sent on.
    func saveGrid(req: Request) async throws -> Response {
        _ = try req.require(.manageEvaluation)
        let form = try req.content.decode([String: String].self)
        let vendorRaw = form["vendorId"], monthRaw = form["month"]
        var entries: [AttendanceEntryBody] = []
        if let vendorId = vendorRaw.flatMap(UUID.init(uuidString:)), let month = monthRaw.flatMap(YearMonth.init) {
            let current = try await AttendanceService.month(vendorId: vendorId, month: month, on: req.db)
            let stored = Dictionary(uniqueKeysWithValues: current.staff.map { ($0.staff.id.uuidString, $0.days) })
            for (key, value) in form where key.hasPrefix("c_") {
                let parts = key.split(separator: "_", maxSplits: 2).map(String.init)
                guard parts.count == 3 else { continue }
                let was = stored[parts[1]]?[parts[2]]?.status ?? ""
                guard was != value else { continue }
                entries.append(AttendanceEntryBody(staffId: parts[1], day: parts[2], status: value.isEmpty ? "off" : value))
            }
        }
        do {
            _ = try await AttendanceService.put(AttendancePutBody(vendorId: vendorRaw, month: monthRaw, replace: false, entries: entries),
                                                by: try req.require(.manageEvaluation), actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                on: req.db, writer: req.application)
            return back(req, vendorId: vendorRaw, month: monthRaw, flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, vendorRaw: vendorRaw, monthRaw: monthRaw, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func saveDay(req: Request) async throws -> Response {
        struct F: Content { var vendorId: String?; var month: String?; var staffId: String?; var day: String?; var status: String?; var replacement: String?; var note: String? }
        let f = try req.content.decode(F.self)
        let month = f.day.map { String($0.prefix(7)) } ?? f.month
        do {
            _ = try await AttendanceService.put(AttendancePutBody(vendorId: f.vendorId, month: month, replace: false,
                                                                  entries: [AttendanceEntryBody(staffId: f.staffId, day: f.day, status: f.status,
                                                                                                replacement: f.replacement, note: f.note)]),
                                                by: try req.require(.manageEvaluation), actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                on: req.db, writer: req.application)
            return back(req, vendorId: f.vendorId, month: month, flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, vendorRaw: f.vendorId, monthRaw: month, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func roster(req: Request) async throws -> Response {
        struct F: Content { var vendorId: String?; var month: String? }
        let f = try req.content.decode(F.self)
        do {
            _ = try await AttendanceService.roster(RosterBody(vendorId: f.vendorId, month: f.month, weekdays: nil), by: try req.require(.manageEvaluation),
                                                   actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            return back(req, vendorId: f.vendorId, month: f.month, flash: "attendance_rostered")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, vendorRaw: f.vendorId, monthRaw: f.month, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func addStaff(req: Request) async throws -> Response {
        struct F: Content { var vendorId: String?; var month: String?; var userId: String?; var name: String?; var post: String? }
        let f = try req.content.decode(F.self)
        do {
            try req.require(.manageEvaluation)
            _ = try await AttendanceService.createStaff(OnsiteStaffBody(vendorId: f.vendorId, userId: f.userId, name: f.name, post: f.post), actor: req.auditActor,
                                                        now: req.now, on: req.db, writer: req.application)
            return back(req, vendorId: f.vendorId, month: f.month, flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, vendorRaw: f.vendorId, monthRaw: f.month, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func toggleStaff(req: Request) async throws -> Response {
        struct F: Content { var month: String? }
        let f = try req.content.decode(F.self)
        guard let id = req.parameters.get("staffId", as: UUID.self), let s = try await OnsiteStaff.find(id, on: req.db) else { throw AppError.notFound("onsite_staff") }
        try req.require(.manageEvaluation)
        _ = try await AttendanceService.patchStaff(id, OnsiteStaffBody(isActive: !s.isActive), actor: req.auditActor, now: req.now, on: req.db,
                                                   writer: req.application)
        return back(req, vendorId: s.vendorId.uuidString, month: f.month, flash: "saved")
    }
}
