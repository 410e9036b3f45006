import Fluent
import Foundation
import YiweiCore

/// What the monthly scorecard reads from the survey, deliverables and attendance registers.
enum EvaluationInputs {
    /// The vendor's department-satisfaction answers for the month (seed 002 annex 2), one per department that answered.
    static func surveyResponses(vendorId: UUID, month: YearMonth, on db: any Database) async throws -> [SatisfactionResponse] {
        guard let survey = try await SatisfactionSurveyRecord.query(on: db).filter(\.$vendorId == vendorId)
            .filter(\.$month == month.description).first() else { return [] }
        let answers = try await SurveyAnswer.query(on: db).filter(\.$surveyId == survey.id!).sort(\.$submittedAt).all()
        let names = try await SurveyService.departmentLabels(Set(answers.map(\.departmentId)), on: db)
        return try answers.map { try SurveyService.response($0, department: names[$0.departmentId] ?? $0.departmentId.uuidString) }
    }

    /// Deliverables due in the month: how many, how many delivered on time, how many returned for revision, and their ids (evidence links).
    static func deliverables(vendorId: UUID, month: YearMonth, on db: any Database) async throws -> (due: Int, onTime: Int, returnedForRevision: Int, ids: [UUID]) {
        let days = EvaluationCalendar.days(of: month)
        let items = try await Deliverable.query(on: db).filter(\.$vendorId == vendorId)
            .filter(\.$dueDate >= days.first!).filter(\.$dueDate <= days.last!)
            .sort(\.$dueDate).sort(\.$createdAt).all()
        return (items.count, items.filter { $0.onTime == true }.count, items.reduce(0) { $0 + $1.returnedCount }, items.compactMap(\.id))
    }

    /// On-site staffing: scheduled and present person-days of the vendor's on-site engineers in the month.
    static func attendance(vendorId: UUID, month: YearMonth, on db: any Database) async throws -> (scheduled: Int, present: Int) {
        let days = EvaluationCalendar.days(of: month)
        let rows = try await AttendanceDay.query(on: db).filter(\.$vendorId == vendorId)
            .filter(\.$day >= days.first!).filter(\.$day <= days.last!).all()
        return (rows.count, rows.filter { AttendanceStatus(rawValue: $0.status)?.countsPresent == true }.count)
    }
}

/// Days and months as the registers store them: `YYYY-MM-DD` strings of the hospital's calendar.
package enum EvaluationCalendar {
    /// Every day of the month, `2026-11-01` … `2026-11-30`.
    package static func days(of month: YearMonth) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let first = calendar.date(from: DateComponents(year: month.year, month: month.month, day: 1))!
        let count = calendar.range(of: .day, in: .month, for: first)!.count
        return (1...count).map { month.description + "-" + ($0 < 10 ? "0" : "") + String($0) }
    }

    /// The instant a day of the hospital's calendar begins.
    package static func start(of day: String, timeZone: TimeZone) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.isLenient = false
        guard day.count == 10, let date = formatter.date(from: day), formatter.string(from: date) == day else { return nil }
        return date
    }

    /// The first instant after the day: the next day's midnight there (not "+ 24 h", which a DST zone would break).
    package static func end(of day: String, timeZone: TimeZone) -> Date? {
        guard let start = start(of: day, timeZone: timeZone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(byAdding: .day, value: 1, to: start)
    }

    /// The day (`YYYY-MM-DD`) an instant falls on there.
    package static func day(of instant: Date, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: instant)
    }

    /// The month an instant falls in there.
    package static func month(of instant: Date, timeZone: TimeZone) -> YearMonth {
        YearMonth(String(day(of: instant, timeZone: timeZone).prefix(7)))!
    }

    /// 1 = Monday … 7 = Sunday.
    package static func weekday(of day: String) -> Int {
        guard let date = start(of: day, timeZone: TimeZone(identifier: "UTC")!) else { return 0 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let w = calendar.component(.weekday, from: date) // 1 = Sunday
        return w == 1 ? 7 : w - 1
    }
}
