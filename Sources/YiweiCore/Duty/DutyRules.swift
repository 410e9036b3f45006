import Foundation

/// 值班 (DUTY-1…5): the rules of a duty roster, without a database. docs/duty.md gives the worked examples.

/// First line (值班) or second line (二线/听班). Dispatch and escalation try `primary` before `backup`.
public enum DutyLevel: String, Sendable, CaseIterable, Codable {
    case primary
    case backup
}

/// The hours of a shift type: `08:00–17:30` (白班), `17:30–08:00` (夜班, across midnight), `08:00–08:00` (总值班, 24 hours).
/// An end at or before the start is on the next day, so a shift is never empty and never longer than 24 hours.
public struct ShiftHours: Sendable, Equatable, Hashable {
    /// Minutes after local midnight, 0…1,439.
    public let start: Int
    public let end: Int

    public enum Problem: Error, Equatable, Sendable {
        /// Not `HH:MM` on a 24-hour clock from 00:00 to 23:59 (`25:00`, `8:00`, `24:00`).
        case badTime(String)
    }

    public init(start: Int, end: Int) {
        precondition((0..<1440).contains(start) && (0..<1440).contains(end), "shift times are minutes of a day")
        self.start = start; self.end = end
    }

    /// `ShiftHours(start: "17:30", end: "08:00")`.
    public init(start: String, end: String) throws {
        guard let a = ShiftHours.minutes(start) else { throw Problem.badTime(start) }
        guard let b = ShiftHours.minutes(end) else { throw Problem.badTime(end) }
        self.init(start: a, end: b)
    }

    /// `HH:MM`, 00:00…23:59 (a shift that ends at midnight ends at `00:00`).
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII),
              let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
        return h * 60 + m
    }

    public static func text(_ minutes: Int) -> String {
        CivilDate.padded(minutes / 60, 2) + ":" + CivilDate.padded(minutes % 60, 2)
    }

    /// The shift ends on the day after it starts (夜班, 总值班).
    public var crossesMidnight: Bool { end <= start }
    /// 570 for 08:00–17:30, 870 for 17:30–08:00, 1,440 for 08:00–08:00.
    public var minutes: Int { end > start ? end - start : 1440 - start + end }

    /// When the shift of `date` starts and ends, in the zone's local time.
    public func interval(on date: CivilDate, in timeZone: TimeZone) -> DutyInterval {
        let startDay = date.epochDay
        let endDay = crossesMidnight ? startDay + 1 : startDay
        return DutyInterval(start: DutyClock.instant(day: startDay, minute: start, in: timeZone),
                            end: DutyClock.instant(day: endDay, minute: end, in: timeZone))
    }
}

/// A half-open span of time [start, end).
public struct DutyInterval: Sendable, Equatable, Hashable {
    public let start: Date
    public let end: Date
    public init(start: Date, end: Date) { self.start = start; self.end = end }
    public func contains(_ instant: Date) -> Bool { start <= instant && instant < end }
    public func overlaps(_ other: DutyInterval) -> Bool { start < other.end && other.start < end }
}

enum DutyClock {
    /// The instant of a local day's minute (asks the zone twice, so a day of a daylight-saving change is placed right).
    static func instant(day: Int, minute: Int, in timeZone: TimeZone) -> Date {
        let local = Double(day * 86_400 + minute * 60)
        let first = local - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
        return Date(timeIntervalSince1970: local - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: first))))
    }
}

/// What kind of day a date is on a business calendar, for rotations: 工作日 (including 调休 make-up working
/// days), 休息日 (weekends), 法定节假日.
public enum DutyDayKind: String, Sendable, CaseIterable, Codable {
    case workday
    case restDay
    case holiday

    public static func of(_ date: CivilDate, on calendar: BusinessCalendar) -> DutyDayKind {
        if calendar.workdays.contains(date) { return .workday }
        if calendar.holidays.contains(date) { return .holiday }
        return calendar.intervals(on: date).isEmpty ? .restDay : .workday
    }
}

/// One person on one shift of one date, as the rules see it.
public struct DutyAssignment<Person: Hashable & Sendable, ShiftType: Hashable & Sendable>: Sendable, Hashable {
    public var person: Person
    public var shiftType: ShiftType
    public var date: CivilDate
    public var interval: DutyInterval
    public var level: DutyLevel
    /// A shift across midnight (夜班, 总值班): rest is owed after it.
    public var isNight: Bool

    public init(person: Person, shiftType: ShiftType, date: CivilDate, interval: DutyInterval, level: DutyLevel, isNight: Bool) {
        self.person = person; self.shiftType = shiftType; self.date = date; self.interval = interval; self.level = level; self.isNight = isNight
    }
}

/// A rotation template (DUTY-2): who takes one shift type, in turn, on each kind of day.
///
/// Each day kind has its own sequence of people; a date takes the next person of its kind's sequence, so the
/// weekday turn and the weekend turn move independently. Holidays either follow the weekend sequence
/// (`holidaysAsRestDays`, the usual choice) or a sequence of their own. An empty sequence puts nobody on that
/// kind of day (a day shift on workdays only). The turn is counted from `anchor`, the first day the rotation
/// ran, so generating February continues where January stopped.
public struct DutyRotation<Person: Hashable & Sendable>: Sendable, Equatable {
    public var anchor: CivilDate
    public var workdays: [Person]
    public var restDays: [Person]
    public var holidays: [Person]
    public var holidaysAsRestDays: Bool

    public init(anchor: CivilDate, workdays: [Person], restDays: [Person], holidays: [Person] = [], holidaysAsRestDays: Bool = true) {
        self.anchor = anchor; self.workdays = workdays; self.restDays = restDays; self.holidays = holidays
        self.holidaysAsRestDays = holidaysAsRestDays
    }

    /// The sequence a kind of day draws from, and the counter it advances.
    func sequence(for kind: DutyDayKind) -> (people: [Person], counter: DutyDayKind) {
        switch kind {
        case .workday: return (workdays, .workday)
        case .restDay: return (restDays, .restDay)
        case .holiday: return holidaysAsRestDays ? (restDays, .restDay) : (holidays, .holiday)
        }
    }

    /// Who is on this rotation's shift on each date of `from…to` (dates before `anchor` have nobody).
    public func people(from: CivilDate, to: CivilDate, calendar: BusinessCalendar) -> [(date: CivilDate, person: Person)] {
        guard from <= to else { return [] }
        var turns: [DutyDayKind: Int] = [:]
        var result: [(date: CivilDate, person: Person)] = []
        var day = anchor.epochDay
        while day <= to.epochDay {
            let date = CivilDate(epochDay: day)
            let (people, counter) = sequence(for: DutyDayKind.of(date, on: calendar))
            if !people.isEmpty {
                let turn = turns[counter, default: 0]
                if day >= from.epochDay { result.append((date, people[turn % people.count])) }
                turns[counter] = turn + 1
            }
            day += 1
        }
        return result
    }
}

/// Why a person cannot take a shift (DUTY-2, DUTY-4). Each case names what is in the way.
public enum DutyConflict<Person: Hashable & Sendable, ShiftType: Hashable & Sendable>: Sendable, Equatable {
    /// The person already has a shift that overlaps this one.
    case overlapping(DutyAssignment<Person, ShiftType>)
    /// Less than the rest time between a night shift and this one (either order).
    case restAfterNight(DutyAssignment<Person, ShiftType>, restMinutes: Int)
    /// The person is on leave that day (the attendance register).
    case onLeave(CivilDate)
    /// The shift type requires a qualification the person does not have.
    case unqualified(String)
}

/// The conflict rules a roster obeys.
public struct DutyRules: Sendable, Equatable {
    /// Rest after a shift across midnight before the same person's next shift starts (default 8 hours).
    public var restAfterNightMinutes: Int

    public init(restAfterNightMinutes: Int = 480) { self.restAfterNightMinutes = restAfterNightMinutes }

    /// Everything that stops `candidate` from being added beside `existing` (the person's other shifts; other people's
    /// are ignored), given the days the person is on leave and the qualifications they hold. Empty: it may be added.
    public func conflicts<P, S>(
        adding candidate: DutyAssignment<P, S>, existing: [DutyAssignment<P, S>],
        leaveDays: Set<CivilDate> = [], required: Set<String> = [], held: Set<String> = []
    ) -> [DutyConflict<P, S>] {
        var found: [DutyConflict<P, S>] = []
        for missing in required.subtracting(held).sorted() { found.append(.unqualified(missing)) }
        if leaveDays.contains(candidate.date) { found.append(.onLeave(candidate.date)) }
        let rest = TimeInterval(restAfterNightMinutes * 60)
        for other in existing.sorted(by: { $0.interval.start < $1.interval.start })
        where other.person == candidate.person && other != candidate {
            if other.interval.overlaps(candidate.interval) {
                found.append(.overlapping(other))
            } else if other.isNight, other.interval.end <= candidate.interval.start,
                      candidate.interval.start.timeIntervalSince(other.interval.end) < rest {
                found.append(.restAfterNight(other, restMinutes: restAfterNightMinutes))
            } else if candidate.isNight, candidate.interval.end <= other.interval.start,
                      other.interval.start.timeIntervalSince(candidate.interval.end) < rest {
                found.append(.restAfterNight(other, restMinutes: restAfterNightMinutes))
            }
        }
        return found
    }

    /// Who is on duty at `instant`: every assignment whose span contains it, primary before backup, then by start.
    public static func onDuty<P, S>(at instant: Date, in assignments: [DutyAssignment<P, S>]) -> [DutyAssignment<P, S>] {
        assignments.filter { $0.interval.contains(instant) }.sorted {
            if $0.level != $1.level { return $0.level == .primary }
            return $0.interval.start < $1.interval.start
        }
    }
}

/// 公平性: how many nights, rest days and holidays each person stood in a set of shifts (DUTY-2 fairness).
public struct DutyTally: Sendable, Equatable {
    public var shifts = 0
    public var nights = 0
    public var restDays = 0
    public var holidays = 0
    public var minutes = 0

    public init(shifts: Int = 0, nights: Int = 0, restDays: Int = 0, holidays: Int = 0, minutes: Int = 0) {
        self.shifts = shifts; self.nights = nights; self.restDays = restDays; self.holidays = holidays; self.minutes = minutes
    }

    /// A shift counts toward the kind of the day it starts on.
    public static func tally<P, S>(_ assignments: [DutyAssignment<P, S>], calendar: BusinessCalendar) -> [P: DutyTally] {
        var result: [P: DutyTally] = [:]
        for a in assignments {
            var t = result[a.person, default: DutyTally()]
            t.shifts += 1
            if a.isNight { t.nights += 1 }
            switch DutyDayKind.of(a.date, on: calendar) {
            case .workday: break
            case .restDay: t.restDays += 1
            case .holiday: t.holidays += 1
            }
            t.minutes += Int(a.interval.end.timeIntervalSince(a.interval.start) / 60)
            result[a.person] = t
        }
        return result
    }
}
