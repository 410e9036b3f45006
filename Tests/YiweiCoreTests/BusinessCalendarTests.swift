import Foundation
import Testing
@testable import YiweiCore

/// The worked examples of docs/sla.md, each computed by hand. Times are Asia/Shanghai (+08:00).
@Suite("Business calendars: due times and working minutes")
struct BusinessCalendarTests {
    static func at(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: text.count == 16 ? text + ":00+08:00" : text)!
    }

    /// (example number, calendar, start, minutes, expected due)
    static let dueExamples: [(Int, String, String, Int, String)] = [
        (1, "office", "2026-11-23T08:00", 30, "2026-11-23T08:30"),     // Monday morning
        (2, "office", "2026-11-23T11:45", 30, "2026-11-23T14:45"),     // 15 min before lunch, 15 after
        (3, "office", "2026-11-23T11:30", 30, "2026-11-23T12:00"),     // ends exactly at 12:00, not 14:30
        (4, "office", "2026-11-23T12:30", 30, "2026-11-23T15:00"),     // reported in the lunch break
        (5, "office", "2026-11-23T17:20", 30, "2026-11-24T08:20"),     // 10 min today, 20 tomorrow
        (6, "office", "2026-11-27T17:00", 60, "2026-11-30T08:30"),     // Friday evening → Monday
        (7, "office", "2026-11-28T10:00", 0, "2026-11-30T08:00"),      // m = 0 on a Saturday: next working instant
        (8, "office", "2026-11-23T08:00", 0, "2026-11-23T08:00"),
        (9, "office", "2026-11-23T18:00", 0, "2026-11-24T08:00"),
        (10, "office", "2026-11-23T08:00", 840, "2026-11-24T17:30"),   // two working days of 7 h end at 17:30
        (11, "office", "2026-02-13T17:00", 60, "2026-02-14T08:30"),    // make-up Saturday 2/14
        (12, "office", "2026-02-14T17:00", 60, "2026-02-24T08:30"),    // Spring Festival 2/15–2/23
        (13, "office", "2026-09-30T17:00", 60, "2026-10-08T08:30"),    // National Day week 10/1–10/7
        (14, "office", "2026-09-18T17:30", 30, "2026-09-20T08:30"),    // make-up Sunday 9/20
        (15, "office", "2026-09-24T17:00", 60, "2026-09-28T08:30"),    // Mid-Autumn 9/25–9/27
        (16, "office", "2025-12-31T17:00", 60, "2026-01-04T08:30"),    // New Year 1/1–1/3, make-up Sunday 1/4
        (17, "office", "2026-10-09T17:30", 240, "2026-10-10T12:00"),   // make-up Saturday 10/10, ends at 12:00
        (18, "statutory", "2026-11-23T17:30", 60, "2026-11-24T08:30"), // 08:00–18:00: 30 today, 30 tomorrow
        (19, "statutory", "2026-05-08T17:00", 120, "2026-05-09T09:00"),// Labour Day make-up Saturday 5/9
        (20, "allDay", "2026-11-28T02:00", 30, "2026-11-28T02:30"),    // 7×24: a Saturday night
        (21, "allDay", "2026-10-01T23:30", 90, "2026-10-02T01:00"),    // 7×24 ignores holidays
        (22, "office", "2026-11-23T00:00:00Z", 30, "2026-11-23T08:30"),// the start given in UTC is 08:00 in Shanghai
        (23, "office", "2026-11-23T08:00:30+08:00", 30, "2026-11-23T08:30:30+08:00"), // seconds are kept
    ]

    static func calendar(_ name: String) -> BusinessCalendar {
        switch name {
        case "office": CalendarPresets.office2026
        case "statutory": CalendarPresets.statutory2026
        default: CalendarPresets.allDay
        }
    }

    @Test("due times", arguments: dueExamples)
    func due(_ example: (Int, String, String, Int, String)) {
        let (n, name, start, minutes, expected) = example
        #expect(Self.calendar(name).due(start: Self.at(start), minutes: minutes) == Self.at(expected), "example \(n)")
    }

    static let minuteExamples: [(Int, String, String, String, Double)] = [
        (24, "office", "2026-11-23T08:00", "2026-11-23T18:00", 420),  // a whole office day is 7 h
        (25, "office", "2026-11-23T11:00", "2026-11-23T15:00", 90),   // 60 before lunch + 30 after
        (26, "office", "2026-11-27T17:00", "2026-11-30T09:00", 90),   // Friday 30 + Monday 60
        (27, "office", "2026-11-23T15:00", "2026-11-23T15:00", 0),    // to = from
        (28, "office", "2026-11-23T16:00", "2026-11-23T15:00", 0),    // to before from
        (29, "office", "2026-09-30T08:00", "2026-10-08T08:00", 420),  // the National Day week counts one day
        (30, "office", "2026-02-13T08:00", "2026-02-16T08:00", 840),  // Friday + make-up Saturday
        (31, "office", "2026-11-23T08:00:00+08:00", "2026-11-23T08:00:30+08:00", 0.5),
        (32, "allDay", "2026-11-23T08:00", "2026-11-24T08:00", 1440),
    ]

    @Test("working minutes", arguments: minuteExamples)
    func minutes(_ example: (Int, String, String, String, Double)) {
        let (n, name, from, to, expected) = example
        #expect(Self.calendar(name).businessMinutes(from: Self.at(from), to: Self.at(to)) == expected, "example \(n)")
    }

    @Test("due and working minutes agree: the minutes from start to due(start, m) are m")
    func roundTrip() {
        let calendar = CalendarPresets.office2026
        var start = Self.at("2026-01-01T00:00")
        for step in 0..<400 {
            let minutes = (step * 37) % 1500
            let due = calendar.due(start: start, minutes: minutes)!
            #expect(calendar.businessMinutes(from: start, to: due) == Double(minutes), "\(start) + \(minutes)")
            start = start.addingTimeInterval(Double(step % 13) * 3600 + 1234)
        }
    }

    @Test("dates: weekdays, epoch days, parsing")
    func dates() {
        #expect(CivilDate("2026-11-23")!.weekday == 1)
        #expect(CivilDate("2026-10-10")!.weekday == 6)
        #expect(CivilDate("1970-01-01")!.epochDay == 0)
        #expect(CivilDate(epochDay: CivilDate("2024-02-29")!.epochDay) == CivilDate("2024-02-29"))
        #expect(CivilDate("2026-02-29") == nil)
        #expect(CivilDate("2026-2-1") == nil)
        #expect(CalendarPresets.holidays2026.count == 3 + 9 + 3 + 5 + 3 + 3 + 7)
        #expect(CalendarPresets.office2026.intervals(on: CivilDate("2026-02-14")!) == CalendarPresets.office2026.intervals(on: CivilDate("2026-11-23")!))
        #expect(CalendarPresets.office2026.intervals(on: CivilDate("2026-10-01")!).isEmpty)
    }

    @Test("working or not at an instant")
    func working() {
        let office = CalendarPresets.office2026
        #expect(office.isWorking(at: Self.at("2026-11-23T08:00")))
        #expect(!office.isWorking(at: Self.at("2026-11-23T12:00")))
        #expect(!office.isWorking(at: Self.at("2026-11-23T07:59")))
        #expect(!office.isWorking(at: Self.at("2026-10-01T09:00")))
        #expect(office.isWorking(at: Self.at("2026-10-10T09:00")))
    }

    @Test("bad calendars are refused")
    func invalid() {
        let shanghai = CalendarPresets.shanghai
        #expect(throws: BusinessCalendar.Problem.overlapping(weekday: 1)) {
            try BusinessCalendar(timeZone: shanghai, weekly: [1: [WorkInterval("08:00", "12:00")!, WorkInterval("11:00", "13:00")!]])
        }
        #expect(throws: BusinessCalendar.Problem.noWorkingTime) { try BusinessCalendar(timeZone: shanghai, weekly: [:]) }
        let day = CivilDate("2026-10-01")!
        #expect(throws: BusinessCalendar.Problem.holidayAndWorkday(day)) {
            try BusinessCalendar(timeZone: shanghai, weekly: [1: [WorkInterval("08:00", "12:00")!]], holidays: [day], workdays: [day])
        }
        #expect(WorkInterval("12:00", "08:00") == nil)
        #expect(WorkInterval("08:00", "24:00")?.end == 1440)
        #expect(WorkInterval("8:00", "12:00") == nil)
        #expect(WorkInterval("08:00", "24:30") == nil)
    }

    @Test("a zone with daylight saving time keeps local hours across the change")
    func daylightSaving() throws {
        // Europe/Berlin moved to summer time on 2026-03-29: 09:00 local is 08:00Z before, 07:00Z after.
        let berlin = try BusinessCalendar(timeZone: TimeZone(identifier: "Europe/Berlin")!,
                                          weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [WorkInterval("09:00", "17:00")!]) }))
        // Saturday 16:30 CET (15:30Z): 30 minutes until 17:00, the other 30 from Sunday 09:00 CEST (07:00Z).
        let due = berlin.due(start: Self.at("2026-03-28T15:30:00Z"), minutes: 60)
        #expect(due == Self.at("2026-03-29T07:30:00Z"))
    }
}
