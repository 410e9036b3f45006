import Fluent
import Foundation
import Vapor
import YiweiCore

/// 工作日历 pages: list, edit (hours per weekday, holidays and make-up days as lists of dates or ranges),
/// a year view that shows every working day, holiday and make-up day, and the two calculators.
struct CalendarPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "calendars", use: list)
        routes.get("admin", "calendars", "new", use: newForm)
        routes.post("admin", "calendars", use: create)
        routes.get("admin", "calendars", ":calendarId", use: show)
        routes.post("admin", "calendars", ":calendarId", use: update)
    }

    func list(req: Request) async throws -> View {
        let user = try req.require(.viewSettingsPages)
        let base = try await PageBase.make(for: req, titleKey: "calendar_title")
        let t = base.t
        let records = try await CalendarRecord.query(on: req.db).sort(\.$name).all()
        let columns = [t[text: "field_name"], t[text: "calendar_time_zone"], t[text: "calendar_hours"], t[text: "calendar_holiday_count"]]
        let rows = records.map { r -> [ListCell] in
            let dto = CalendarStore.dto(r)
            return [ListCell(text: dto.name, href: "/admin/calendars/\(dto.id)"), ListCell(text: dto.timeZone),
                    ListCell(text: Self.summary(dto.weeklyHours, t)), ListCell(text: "\(dto.holidays.count) / \(dto.workdays.count)")]
        }
        return try await req.view.render("admin/list", ListPageContext(
            page: base, heading: base.title, newHref: user.can(.manageOrganisation) ? "/admin/calendars/new" : nil, newLabel: t[text: "calendar_new"],
            columns: columns, rows: ListPageContext.labelled(rows, columns), filters: [],
            pager: .init(request: req, page: 1, per: max(1, records.count), total: records.count), emptyText: t[text: "empty_list"]))
    }

    /// "一至五 08:00–12:00、14:30–17:30" style summary of the week.
    static func summary(_ weekly: [String: [[String]]], _ t: [String: String]) -> String {
        var groups: [(String, [String])] = []
        for day in Weekday.allCases {
            let text = (weekly[day.rawValue] ?? []).map { $0.joined(separator: "–") }.joined(separator: ", ")
            guard !text.isEmpty else { continue }
            if let last = groups.last, last.0 == text { groups[groups.count - 1].1.append(day.rawValue) } else { groups.append((text, [day.rawValue])) }
        }
        return groups.map { text, days in
            let label = days.count > 1 ? t[text: "weekday_" + days.first!] + "–" + t[text: "weekday_" + days.last!] : t[text: "weekday_" + days[0]]
            return label + " " + text
        }.joined(separator: "；")
    }

    struct Form: Content {
        var name: String?
        var timeZone: String?
        var mon: String?, tue: String?, wed: String?, thu: String?, fri: String?, sat: String?, sun: String?
        var holidays: String?
        var workdays: String?
    }

    /// "08:00-12:00, 14:30-17:30" → [["08:00","12:00"],["14:30","17:30"]]; unreadable parts stay as they are so validation names them.
    static func intervals(_ text: String?) -> [[String]] {
        (text ?? "").split(whereSeparator: { ",，;；、".contains($0) }).map { part in
            part.split(whereSeparator: { "-–~至".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
        }.filter { !$0.isEmpty }
    }

    /// One date or a range per line or comma: "2026-10-01~2026-10-07", "2026-10-10".
    static func dates(_ text: String?) -> [String] {
        var result: [String] = []
        for part in (text ?? "").split(whereSeparator: { "\n\r,，;；、 ".contains($0) }) {
            let ends = part.split(whereSeparator: { "~～至".contains($0) }).map(String.init)
            if ends.count == 2, let a = CivilDate(ends[0]), let b = CivilDate(ends[1]), a <= b, b.epochDay - a.epochDay < 400 {
                for d in a.epochDay...b.epochDay { result.append(CivilDate(epochDay: d).description) }
            } else {
                result.append(String(part))
            }
        }
        return result
    }

    static func body(_ form: Form) -> CalendarBody {
        var weekly: [String: [[String]]] = [:]
        let texts = [("mon", form.mon), ("tue", form.tue), ("wed", form.wed), ("thu", form.thu), ("fri", form.fri), ("sat", form.sat), ("sun", form.sun)]
        for (day, text) in texts {
            let parsed = intervals(text)
            if !parsed.isEmpty { weekly[day] = parsed }
        }
        return CalendarBody(name: form.name, timeZone: (form.timeZone ?? "").isEmpty ? nil : form.timeZone, weeklyHours: weekly,
                            holidays: dates(form.holidays), workdays: dates(form.workdays), isActive: true)
    }

    struct Context: Encodable {
        struct Day: Encodable { var day: Int; var kind: String; var title: String }
        struct Month: Encodable { var title: String; var leading: [Int]; var days: [Day] }
        var page: PageBase
        var action: String
        var fields: [FormField]
        var errorSummary: String?
        var readOnly: Bool
        var calendarId: String?
        var year: Int
        var previousYear: Int
        var nextYear: Int
        var months: [Month]
        var weekdayHeads: [String]
        var calcStart: String
        var calcMinutes: String
        var calcDue: String?
        var calcFrom: String
        var calcTo: String
        var calcResult: String?
        var calcError: String?
    }

    func newForm(req: Request) async throws -> View {
        try req.require(.manageOrganisation)
        let form = Form(name: "", timeZone: "Asia/Shanghai", mon: "08:00-12:00, 14:30-17:30", tue: "08:00-12:00, 14:30-17:30",
                        wed: "08:00-12:00, 14:30-17:30", thu: "08:00-12:00, 14:30-17:30", fri: "08:00-12:00, 14:30-17:30", sat: "", sun: "",
                        holidays: "", workdays: "")
        return try await render(req, form: form, record: nil, errors: [:])
    }

    func show(req: Request) async throws -> View {
        try req.require(.viewSettingsPages)
        let record = try await CalendarController.find(req)
        let dto = CalendarStore.dto(record)
        func hours(_ day: String) -> String { (dto.weeklyHours[day] ?? []).map { $0.joined(separator: "-") }.joined(separator: ", ") }
        let form = Form(name: dto.name, timeZone: dto.timeZone, mon: hours("mon"), tue: hours("tue"), wed: hours("wed"), thu: hours("thu"),
                        fri: hours("fri"), sat: hours("sat"), sun: hours("sun"),
                        holidays: Self.compress(dto.holidays), workdays: dto.workdays.joined(separator: "\n"))
        return try await render(req, form: form, record: record, errors: [:])
    }

    /// Consecutive dates shown as one range per line, as the State Council publishes them.
    static func compress(_ dates: [String]) -> String {
        let days = dates.compactMap(CivilDate.init).map(\.epochDay).sorted()
        var lines: [String] = []
        var i = 0
        while i < days.count {
            var j = i
            while j + 1 < days.count && days[j + 1] == days[j] + 1 { j += 1 }
            lines.append(i == j ? CivilDate(epochDay: days[i]).description
                                : CivilDate(epochDay: days[i]).description + "~" + CivilDate(epochDay: days[j]).description)
            i = j + 1
        }
        return lines.joined(separator: "\n")
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let form = try req.content.decode(Form.self)
        do {
            let dto = try await CalendarService.save(nil, Self.body(form), request: req)
            return req.redirect(to: "/admin/calendars/\(dto.id)", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, form: form, record: nil, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func update(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let record = try await CalendarController.find(req)
        let form = try req.content.decode(Form.self)
        do {
            let dto = try await CalendarService.save(record, Self.body(form), request: req)
            return req.redirect(to: "/admin/calendars/\(dto.id)", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, form: form, record: record, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    private func render(_ req: Request, form: Form, record: CalendarRecord?, errors: [String: String]) async throws -> View {
        let user = try req.requireUser()
        let base = try await PageBase.make(for: req, titleKey: record == nil ? "calendar_new" : "calendar_edit")
        let t = base.t
        var fields = [
            FormField(name: "name", label: t[text: "field_name"], kind: .text, value: form.name ?? "", required: true, maxLength: 50),
            FormField(name: "timeZone", label: t[text: "calendar_time_zone"], kind: .text, value: form.timeZone ?? "Asia/Shanghai", maxLength: 64),
        ]
        let dayValues = [("mon", form.mon), ("tue", form.tue), ("wed", form.wed), ("thu", form.thu), ("fri", form.fri), ("sat", form.sat), ("sun", form.sun)]
        for (day, value) in dayValues {
            fields.append(FormField(name: day, label: t[text: "weekday_" + day], kind: .text, value: value ?? "", maxLength: 100,
                                    help: day == "mon" ? t["help_calendar_hours"] : nil))
        }
        fields.append(FormField(name: "holidays", label: t[text: "calendar_holidays"], kind: .textarea, value: form.holidays ?? "", maxLength: 60_000,
                                help: t["help_calendar_dates"]))
        fields.append(FormField(name: "workdays", label: t[text: "calendar_workdays"], kind: .textarea, value: form.workdays ?? "", maxLength: 60_000,
                                help: t["help_calendar_workdays"]))
        var fieldErrors = errors
        if let weekly = errors["weeklyHours"] { fieldErrors["mon"] = weekly }
        fields = FormField.withErrors(fields, fieldErrors, locale: base.lang)

        // The year view and the calculators work on the stored calendar.
        var months: [Context.Month] = []
        var calendar: BusinessCalendar?
        if let record { calendar = try? CalendarStore.calendar(record) }
        let zone = calendar?.timeZone ?? req.yiwei.config.timeZone
        let today = CivilDate(epochDay: Int(((req.now.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: req.now))) / 86400).rounded(.down)))
        let year = min(2100, max(2000, req.query[Int.self, at: "year"] ?? today.year))
        if let calendar {
            for month in 1...12 {
                let first = CivilDate(year: year, month: month, day: 1)!
                let count = CivilDate.daysIn(month, year)
                let days = (1...count).map { d -> Context.Day in
                    let date = CivilDate(year: year, month: month, day: d)!
                    let working = !calendar.intervals(on: date).isEmpty
                    let kind = calendar.workdays.contains(date) ? "makeup" : calendar.holidays.contains(date) ? "holiday" : working ? "work" : "off"
                    return Context.Day(day: d, kind: kind, title: date.description + " " + (t["calendar_day_" + kind] ?? ""))
                }
                months.append(Context.Month(title: t[text: "calendar_month"].replacingOccurrences(of: "{m}", with: String(month)),
                                            leading: Array(repeating: 0, count: first.weekday - 1), days: days))
            }
        }
        // Calculators (GET parameters on this page).
        var calcDue: String?, calcResult: String?, calcError: String?
        let startText = req.queryParameter("start") ?? "", minutesText = req.queryParameter("minutes") ?? ""
        let fromText = req.queryParameter("from") ?? "", toText = req.queryParameter("to") ?? ""
        func local(_ text: String) -> Date? {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = zone
            f.dateFormat = "yyyy-MM-dd'T'HH:mm"
            return f.date(from: text)
        }
        if let calendar, !startText.isEmpty || !minutesText.isEmpty {
            if let start = local(startText), let minutes = Int(minutesText), (0...5_256_000).contains(minutes), let due = calendar.due(start: start, minutes: minutes) {
                calcDue = CalendarStore.format(due, in: zone)
            } else { calcError = t["calendar_calc_invalid"] }
        }
        if let calendar, !fromText.isEmpty || !toText.isEmpty {
            if let from = local(fromText), let to = local(toText) {
                let minutes = calendar.businessMinutes(from: from, to: to)
                calcResult = t[text: "calendar_calc_minutes"].replacingOccurrences(of: "{n}", with: minutes == minutes.rounded() ? String(Int(minutes)) : String(format: "%.1f", minutes))
            } else { calcError = t["calendar_calc_invalid"] }
        }
        return try await req.view.render("admin/calendar", Context(
            page: base, action: record.map { "/admin/calendars/\($0.id!)" } ?? "/admin/calendars", fields: fields,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"], readOnly: !user.can(.manageOrganisation),
            calendarId: record?.id?.uuidString, year: year, previousYear: year - 1, nextYear: year + 1, months: months,
            weekdayHeads: Weekday.allCases.map { t[text: "weekday_short_" + $0.rawValue] },
            calcStart: startText, calcMinutes: minutesText, calcDue: calcDue, calcFrom: fromText, calcTo: toText,
            calcResult: calcResult, calcError: calcError))
    }
}
