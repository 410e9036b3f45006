import Foundation

/// A date on the calendar of a place, without a time (2026-10-01).
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...CivilDate.daysIn(month, year)).contains(day) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// `2026-10-01`
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(epochDay: Int) {
        // Howard Hinnant's civil_from_days: exact for the proleptic Gregorian calendar.
        let z = epochDay + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0); month = m; day = d
    }

    /// The local date of an instant in a zone, and the second of that day (0…86,399), by arithmetic.
    public static func local(_ instant: Date, in timeZone: TimeZone) -> (date: CivilDate, second: Int) {
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: instant)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return (CivilDate(epochDay: days), local - days * 86_400)
    }

    /// `n` in decimal, zero-padded to `width` digits (longer numbers as they are).
    public static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Days since 1970-01-01.
    public var epochDay: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO weekday: Monday 1 … Sunday 7.
    public var weekday: Int { ((epochDay % 7 + 7 + 3) % 7) + 1 }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.epochDay < b.epochDay }

    public static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date like 2026-10-01"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Working time of one day: half-open [start, end) in minutes after local midnight (0…1440).
public struct WorkInterval: Hashable, Sendable {
    public let start: Int
    public let end: Int

    public init?(start: Int, end: Int) {
        guard 0 <= start, start < end, end <= 1440 else { return nil }
        self.start = start; self.end = end
    }

    /// `["08:00","12:00"]`; `24:00` is the end of the day.
    public init?(_ from: String, _ to: String) {
        guard let a = WorkInterval.minutes(from), let b = WorkInterval.minutes(to) else { return nil }
        self.init(start: a, end: b)
    }

    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 1440 else { return nil }
        return h * 60 + m
    }

    public static func text(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
    public var texts: [String] { [Self.text(start), Self.text(end)] }
}

/// A business calendar (SLA-2): weekly working hours with several intervals a day, holidays, and make-up
/// working days (调休上班, worked with Monday's hours), in one time zone. Pure and deterministic.
///
/// Rules (docs/sla.md): a date is a working day when its weekday has hours and it is not a holiday, or
/// when it is a make-up working day. `due(start, m)` starts the clock at `start`'s next working instant
/// and consumes `m` minutes of working time only; a due time at the very end of an interval is that end.
/// `businessMinutes(from, to)` counts working time in [from, to).
public struct BusinessCalendar: Sendable, Equatable {
    public let timeZone: TimeZone
    /// Index 1 = Monday … 7 = Sunday (index 0 unused), each sorted and non-overlapping.
    public let weekly: [[WorkInterval]]
    public let holidays: Set<CivilDate>
    public let workdays: Set<CivilDate>
    private let holidayDays: Set<Int>
    private let workdayDays: Set<Int>
    /// Seconds east of UTC when the zone never changes its offset (Asia/Shanghai); nil otherwise.
    private let fixedOffset: Int?

    public enum Problem: Error, Equatable, Sendable {
        case overlapping(weekday: Int)
        case noWorkingTime
        case holidayAndWorkday(CivilDate)
    }

    public init(timeZone: TimeZone, weekly: [Int: [WorkInterval]], holidays: Set<CivilDate> = [], workdays: Set<CivilDate> = []) throws {
        var days = Array(repeating: [WorkInterval](), count: 8)
        for (weekday, intervals) in weekly where (1...7).contains(weekday) {
            let sorted = intervals.sorted { $0.start < $1.start }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.start < a.end { throw Problem.overlapping(weekday: weekday) }
            days[weekday] = sorted
        }
        guard days.contains(where: { !$0.isEmpty }) else { throw Problem.noWorkingTime }
        if let both = holidays.intersection(workdays).min() { throw Problem.holidayAndWorkday(both) }
        self.timeZone = timeZone
        self.weekly = days
        self.holidays = holidays
        self.workdays = workdays
        holidayDays = Set(holidays.map(\.epochDay))
        workdayDays = Set(workdays.map(\.epochDay))
        fixedOffset = timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 0)) == nil
            ? timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) : nil
    }

    public static func == (a: BusinessCalendar, b: BusinessCalendar) -> Bool {
        a.timeZone.identifier == b.timeZone.identifier && a.weekly == b.weekly && a.holidays == b.holidays && a.workdays == b.workdays
    }

    /// The working intervals of a local day.
    public func intervals(on date: CivilDate) -> [WorkInterval] { intervals(epochDay: date.epochDay) }

    @inline(__always)
    func intervals(epochDay: Int) -> [WorkInterval] {
        if workdayDays.contains(epochDay) { return weekly[1] }
        if holidayDays.contains(epochDay) { return [] }
        return weekly[((epochDay % 7 + 7 + 3) % 7) + 1]
    }

    /// The UTC offset around the start of a day (exact for zones without daylight saving time).
    @inline(__always)
    func offset(epochDay: Int) -> Int {
        if let fixedOffset { return fixedOffset }
        return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(epochDay * 86400)))
    }

    /// The instant of a local day's minute. Zones with daylight saving time ask the zone for the offset at
    /// that very time (twice, so a boundary just after a change is placed right).
    @inline(__always)
    func instant(day: Int, minute: Int) -> Double {
        let local = Double(day * 86400 + minute * 60)
        if let fixedOffset { return local - Double(fixedOffset) }
        let first = local - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
        return local - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: first)))
    }

    @inline(__always)
    func localDay(of t: Double) -> Int {
        let local = t + Double(offset(epochDay: Int((t / 86400).rounded(.down))))
        return Int((local / 86400).rounded(.down))
    }

    /// Searches at most this many days ahead; a calendar with no working time for ten years is broken.
    static let horizonDays = 3660

    /// The instant when `minutes` of working time have passed from `start`.
    public func due(start: Date, minutes: Int) -> Date? {
        var remaining = Double(max(0, minutes) * 60)
        let t = start.timeIntervalSince1970
        // Zones with daylight saving time start a day early: near a transition the local day may be off by one.
        var day = localDay(of: t) - (fixedOffset == nil ? 2 : 1)
        var cursor = t
        for _ in 0...Self.horizonDays {
            day += 1
            let intervals = intervals(epochDay: day)
            if intervals.isEmpty { continue }
            for interval in intervals {
                let a = instant(day: day, minute: interval.start), b = instant(day: day, minute: interval.end)
                let s = max(a, cursor)
                if s >= b { continue }
                if remaining <= b - s { return Date(timeIntervalSince1970: s + remaining) }
                remaining -= b - s
                cursor = b
            }
        }
        return nil
    }

    /// Working minutes within [from, to); 0 when `to` ≤ `from`. Fractions of a minute count.
    public func businessMinutes(from: Date, to: Date) -> Double {
        let a = from.timeIntervalSince1970, b = to.timeIntervalSince1970
        guard b > a else { return 0 }
        var total = 0.0
        var day = localDay(of: a) - (fixedOffset == nil ? 1 : 0)
        let last = localDay(of: b) + (fixedOffset == nil ? 1 : 0)
        while day <= last {
            for interval in intervals(epochDay: day) {
                let s = max(a, instant(day: day, minute: interval.start)), e = min(b, instant(day: day, minute: interval.end))
                if e > s { total += e - s }
            }
            day += 1
        }
        return total / 60
    }

    /// Whether `instant` falls inside working time (for "raised inside or outside working hours").
    public func isWorking(at instant: Date) -> Bool {
        let t = instant.timeIntervalSince1970
        let day = localDay(of: t)
        return intervals(epochDay: day).contains { self.instant(day: day, minute: $0.start) <= t && t < self.instant(day: day, minute: $0.end) }
    }
}

/// The calendars Yiwei ships (SLA-2): the State Council's 2026 holiday schedule, an office calendar
/// built on it, and 7×24.
public enum CalendarPresets {
    static func dates(_ ranges: [(String, String)]) -> Set<CivilDate> {
        var result = Set<CivilDate>()
        for (from, to) in ranges {
            let a = CivilDate(from)!.epochDay, b = CivilDate(to)!.epochDay
            for d in a...b { result.insert(CivilDate(epochDay: d)) }
        }
        return result
    }

    /// 国务院办公厅 2026 年部分节假日安排: days off and make-up working days.
    public static let holidays2026 = dates([
        ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"), ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"), ("2026-10-01", "2026-10-07"),
    ])
    public static let workdays2026: Set<CivilDate> = Set(["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
        .map { CivilDate($0)! })

    public static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    static func weekdays(_ intervals: [WorkInterval]) -> [Int: [WorkInterval]] {
        Dictionary(uniqueKeysWithValues: (1...5).map { ($0, intervals) })
    }

    /// Seed 001's working hours: Monday to Friday 08:00–18:00, with the 2026 holidays.
    public static let statutory2026 = try! BusinessCalendar(timeZone: shanghai, weekly: weekdays([WorkInterval("08:00", "18:00")!]),
                                                            holidays: holidays2026, workdays: workdays2026)
    /// A hospital office day: 08:00–12:00 and 14:30–17:30, Monday to Friday, with the 2026 holidays.
    public static let office2026 = try! BusinessCalendar(timeZone: shanghai,
                                                         weekly: weekdays([WorkInterval("08:00", "12:00")!, WorkInterval("14:30", "17:30")!]),
                                                         holidays: holidays2026, workdays: workdays2026)
    /// Around the clock, every day (P1 incidents).
    public static let allDay = try! BusinessCalendar(timeZone: shanghai,
                                                     weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [WorkInterval(start: 0, end: 1440)!]) }))
}
