import Foundation
import Testing
@testable import YiweiCore

/// docs/duty.md's worked examples. Times are Asia/Shanghai (UTC+8); the calendar is `statutory2026`
/// (2026-10-01…07 National Day holiday, Saturday 2026-10-10 a make-up working day).
@Suite("Duty rosters: shift hours, who is on duty, rotations over the 2026 holidays, conflicts, fairness")
struct DutyRulesTests {
    let zone = CalendarPresets.shanghai
    let calendar = CalendarPresets.statutory2026
    let day = try! ShiftHours(start: "08:00", end: "17:30")
    let night = try! ShiftHours(start: "17:30", end: "08:00")
    let allDay = try! ShiftHours(start: "08:00", end: "08:00")

    func date(_ text: String) -> CivilDate { CivilDate(text)! }
    func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    func shift(_ person: String, _ type: String, _ hours: ShiftHours, _ on: String, _ level: DutyLevel = .primary) -> DutyAssignment<String, String> {
        DutyAssignment(person: person, shiftType: type, date: date(on), interval: hours.interval(on: date(on), in: zone),
                       level: level, isNight: hours.crossesMidnight)
    }

    @Test("shift hours: HH:MM from 00:00 to 23:59; an end at or before the start is the next day")
    func hours() throws {
        #expect(day.minutes == 570 && !day.crossesMidnight)
        #expect(night.minutes == 870 && night.crossesMidnight)
        #expect(allDay.minutes == 1440 && allDay.crossesMidnight)
        for bad in ["25:00", "24:00", "8:00", "08:60", "0800", "08:00:00", "", "０８:００"] {
            #expect(throws: ShiftHours.Problem.badTime(bad)) { try ShiftHours(start: bad, end: "17:30") }
        }
        #expect(throws: ShiftHours.Problem.badTime("25:00")) { try ShiftHours(start: "08:00", end: "25:00") }
        #expect(ShiftHours.text(1050) == "17:30")
        // The night shift of 30 September: 17:30 that evening (09:30 UTC) to 08:00 on 1 October (00:00 UTC).
        let span = night.interval(on: date("2026-09-30"), in: zone)
        #expect(span.start == instant("2026-09-30T09:30:00Z"))
        #expect(span.end == instant("2026-10-01T00:00:00Z"))
    }

    @Test("at 02:00 on the first day of the National Day holiday: the night shift that began the day before, then the backup")
    func onDutyAtTwo() {
        let roster = [
            shift("liming", "day", day, "2026-09-30"),
            shift("wangqiang", "night", night, "2026-09-30"),
            shift("zhaolei", "backup", allDay, "2026-09-30", .backup),
            shift("sunli", "day", day, "2026-10-01"),
            shift("zhoujie", "night", night, "2026-10-01"),
        ]
        let two = instant("2026-09-30T18:00:00Z") // 2026-10-01 02:00 in Shanghai
        #expect(DutyRules.onDuty(at: two, in: roster).map(\.person) == ["wangqiang", "zhaolei"])
        // 08:00 sharp belongs to the day shift that starts, not to the night that ends (spans are half-open);
        // the backup's 24 hours end at the same moment.
        #expect(DutyRules.onDuty(at: instant("2026-10-01T00:00:00Z"), in: roster).map(\.person) == ["sunli"])
        // 17:29 on 30 September: the day shift and the backup; 17:30: the night shift takes over.
        #expect(DutyRules.onDuty(at: instant("2026-09-30T09:29:00Z"), in: roster).map(\.person) == ["liming", "zhaolei"])
        #expect(DutyRules.onDuty(at: instant("2026-09-30T09:30:00Z"), in: roster).map(\.person) == ["wangqiang", "zhaolei"])
    }

    @Test("day kinds of October 2026: 7 holidays, 18 working days (10 October made up), 6 rest days")
    func dayKinds() {
        var count: [DutyDayKind: Int] = [:]
        for d in 1...31 { count[DutyDayKind.of(CivilDate(year: 2026, month: 10, day: d)!, on: calendar), default: 0] += 1 }
        #expect(count == [.holiday: 7, .workday: 18, .restDay: 6])
        #expect(DutyDayKind.of(date("2026-10-10"), on: calendar) == .workday)   // a Saturday, 调休上班
        #expect(DutyDayKind.of(date("2026-10-03"), on: calendar) == .holiday)   // a Saturday inside the holiday
        #expect(DutyDayKind.of(date("2026-10-11"), on: calendar) == .restDay)
    }

    @Test("a rotation over October 2026: workday and weekend turns move separately; holidays as weekends")
    func rotationOctober() {
        let rotation = DutyRotation(anchor: date("2026-10-01"), workdays: ["张", "王", "李"], restDays: ["赵", "钱"])
        let october = rotation.people(from: date("2026-10-01"), to: date("2026-10-31"), calendar: calendar)
        #expect(october.count == 31)
        let byDay = Dictionary(uniqueKeysWithValues: october.map { ($0.date.day, $0.person) })
        // Rest-type days in order: 1–7 (holidays), 11, 17, 18, 24, 25, 31 → 赵 钱 赵 钱 赵 钱 赵 | 钱 赵 钱 赵 钱 赵.
        #expect([1, 2, 3, 4, 5, 6, 7, 11, 17, 18, 24, 25, 31].map { byDay[$0]! } == ["赵", "钱", "赵", "钱", "赵", "钱", "赵", "钱", "赵", "钱", "赵", "钱", "赵"])
        // Working days in order: 8, 9, 10 (make-up), 12…16, 19…23, 26…30 → 张 王 李 repeating.
        #expect([8, 9, 10, 12, 13, 16, 19, 30].map { byDay[$0]! } == ["张", "王", "李", "张", "王", "王", "李", "李"])
        var perPerson: [String: Int] = [:]
        for entry in october { perPerson[entry.person, default: 0] += 1 }
        #expect(perPerson == ["张": 6, "王": 6, "李": 6, "赵": 7, "钱": 6])
        // November continues from the anchor: 13 rest-type turns so far → 1 November (a Sunday) is 钱's; 18 working
        // turns → Monday 2 November is 张's.
        let november = rotation.people(from: date("2026-11-01"), to: date("2026-11-02"), calendar: calendar)
        #expect(november.map(\.person) == ["钱", "张"])
        // A part of the period counts its turns from the anchor too.
        #expect(rotation.people(from: date("2026-10-15"), to: date("2026-10-16"), calendar: calendar).map(\.person) == ["张", "王"])
        #expect(rotation.people(from: date("2026-09-29"), to: date("2026-09-30"), calendar: calendar).isEmpty)
    }

    @Test("a holiday pattern of its own, and a day shift on working days only")
    func holidayPattern() {
        let own = DutyRotation(anchor: date("2026-10-01"), workdays: [], restDays: ["赵", "钱"], holidays: ["孙"], holidaysAsRestDays: false)
        let days = own.people(from: date("2026-10-01"), to: date("2026-10-31"), calendar: calendar)
        #expect(days.filter { $0.person == "孙" }.map(\.date.day) == [1, 2, 3, 4, 5, 6, 7])
        #expect(days.filter { $0.person != "孙" }.map(\.person) == ["赵", "钱", "赵", "钱", "赵", "钱"]) // 11 17 18 24 25 31
        #expect(days.count == 13) // nobody on the 18 working days
    }

    @Test("conflicts: overlap, rest after a night shift (8 hours by default), leave, qualification")
    func conflicts() {
        let rules = DutyRules()
        let nightOf8th = shift("liming", "night", night, "2026-10-08")          // 10-08 17:30 → 10-09 08:00
        // The next morning's day shift starts the moment the night ends: no rest.
        let dayOf9th = shift("liming", "day", day, "2026-10-09")
        #expect(rules.conflicts(adding: dayOf9th, existing: [nightOf8th]) == [.restAfterNight(nightOf8th, restMinutes: 480)])
        // The same rule the other way round: a night shift put before an existing day shift.
        #expect(rules.conflicts(adding: nightOf8th, existing: [dayOf9th]) == [.restAfterNight(dayOf9th, restMinutes: 480)])
        // The next night starts 9 h 30 min after: allowed at 8 hours, refused at 10.
        let nightOf9th = shift("liming", "night", night, "2026-10-09")
        #expect(rules.conflicts(adding: nightOf9th, existing: [nightOf8th]).isEmpty)
        #expect(DutyRules(restAfterNightMinutes: 600).conflicts(adding: nightOf9th, existing: [nightOf8th])
                == [.restAfterNight(nightOf8th, restMinutes: 600)])
        // Exactly 8 hours is enough: a shift starting at 16:00 on the 9th.
        let late = try! ShiftHours(start: "16:00", end: "20:00")
        #expect(rules.conflicts(adding: shift("liming", "late", late, "2026-10-09"), existing: [nightOf8th]).isEmpty)
        // Overlap: the day shift and a 24-hour duty on the same date; a day shift followed by the night is fine.
        let dayOf8th = shift("liming", "day", day, "2026-10-08")
        let allOf8th = shift("liming", "24h", allDay, "2026-10-08")
        #expect(rules.conflicts(adding: allOf8th, existing: [dayOf8th]) == [.overlapping(dayOf8th)])
        #expect(rules.conflicts(adding: nightOf8th, existing: [dayOf8th]).isEmpty)
        // Someone else's shifts do not matter.
        #expect(rules.conflicts(adding: shift("wangqiang", "day", day, "2026-10-08"), existing: [dayOf8th, nightOf8th]).isEmpty)
        // Leave and qualifications.
        #expect(rules.conflicts(adding: dayOf8th, existing: [], leaveDays: [date("2026-10-08")]) == [.onLeave(date("2026-10-08"))])
        #expect(rules.conflicts(adding: dayOf8th, existing: [], required: ["PACS", "网络"], held: ["网络"]) == [.unqualified("PACS")])
    }

    @Test("fairness: nights, rest days and holidays per person")
    func fairness() {
        let shifts = [
            shift("liming", "night", night, "2026-10-01"),   // holiday, a night: 870 min
            shift("liming", "day", day, "2026-10-08"),       // working day: 570
            shift("liming", "day", day, "2026-10-11"),       // Sunday: 570
            shift("wangqiang", "24h", allDay, "2026-10-10"), // make-up working day, across midnight: 1,440
        ]
        let tally = DutyTally.tally(shifts, calendar: calendar)
        #expect(tally["liming"] == DutyTally(shifts: 3, nights: 1, restDays: 1, holidays: 1, minutes: 2010))
        #expect(tally["wangqiang"] == DutyTally(shifts: 1, nights: 1, restDays: 0, holidays: 0, minutes: 1440))
    }
}
