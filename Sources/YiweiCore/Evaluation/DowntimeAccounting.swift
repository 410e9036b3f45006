import Foundation

/// What kind of interruption seed 003 counts.
public enum InterruptionKind: String, Sendable, CaseIterable {
    /// 非计划停机 (003 §2.5): the system was down, unplanned. Planned maintenance windows are not entered.
    case outage
    /// 部门级业务影响 (003 §2.6): a department's work was affected.
    case departmentImpact = "department_impact"

    public var name: String {
        switch self {
        case .outage: "非计划停机"
        case .departmentImpact: "部门级业务影响"
        }
    }
}

/// One recorded interruption of one business system, from its start to its recovery, to the second.
public struct Interruption: Hashable, Sendable {
    /// The business system (a CMDB key). To account several systems as one, give them one key.
    public let system: String
    public let kind: InterruptionKind
    /// Seconds since 1970-01-01T00:00:00Z.
    public let start: Int
    public let end: Int
    /// It stopped the whole hospital's normal work (003 §4.1).
    public let hospitalWide: Bool

    public init(system: String, kind: InterruptionKind = .outage, startSecond: Int, endSecond: Int, hospitalWide: Bool = false) {
        self.system = system
        self.kind = kind
        self.start = startSecond
        self.end = endSecond
        self.hospitalWide = hospitalWide
    }

    /// Fractions of a second are dropped (times are rounded down to the whole second).
    public init(system: String, kind: InterruptionKind = .outage, start: Date, end: Date, hospitalWide: Bool = false) {
        self.init(system: system, kind: kind, startSecond: Int(start.timeIntervalSince1970.rounded(.down)),
                  endSecond: Int(end.timeIntervalSince1970.rounded(.down)), hospitalWide: hospitalWide)
    }
}

/// The limits of seed 003, per system. Each is the largest value still within the contract.
public struct DowntimeLimits: Hashable, Sendable {
    /// §2.5 每月…非计划停机时间不超过1小时.
    public var outageSecondsPerMonth: Int
    /// §2.5 每年度…非计划停机次数不超过2次.
    public var outagesPerYear: Int
    /// §2.5 每次非计划停机恢复时间不超过1小时.
    public var secondsPerOutage: Int
    /// §2.6 每月…部门级业务影响次数不超过1次.
    public var departmentImpactsPerMonth: Int
    /// §2.6 每年度内…部门级业务影响次数不超过2次.
    public var departmentImpactsPerYear: Int
    /// §2.6 每次恢复时间不超过1小时.
    public var secondsPerDepartmentImpact: Int
    /// §4.1 非计划停机影响全院正常工作少于二次 (a year).
    public var hospitalWideOutagesPerYear: Int

    public init(outageSecondsPerMonth: Int = 3600, outagesPerYear: Int = 2, secondsPerOutage: Int = 3600,
                departmentImpactsPerMonth: Int = 1, departmentImpactsPerYear: Int = 2, secondsPerDepartmentImpact: Int = 3600,
                hospitalWideOutagesPerYear: Int = 1) {
        self.outageSecondsPerMonth = outageSecondsPerMonth
        self.outagesPerYear = outagesPerYear
        self.secondsPerOutage = secondsPerOutage
        self.departmentImpactsPerMonth = departmentImpactsPerMonth
        self.departmentImpactsPerYear = departmentImpactsPerYear
        self.secondsPerDepartmentImpact = secondsPerDepartmentImpact
        self.hospitalWideOutagesPerYear = hospitalWideOutagesPerYear
    }

    public static let seed003 = DowntimeLimits()
}

/// Overlapping or touching records of one system and kind merged into one interruption.
public struct MergedInterruption: Hashable, Sendable {
    public let kind: InterruptionKind
    public let start: Int
    public let end: Int
    public let hospitalWide: Bool
    /// How many records were merged into it.
    public let records: Int
    /// The local month it started in: it is counted there, whatever months its time falls in.
    public let startMonth: YearMonth

    public var seconds: Int { end - start }
    /// Whole minutes, a started minute counting as one (60 min 0 s → 60; 60 min 1 s → 61).
    public var minutes: Int { DowntimeAccounting.minutesRoundedUp(seconds) }
}

/// One month of one system.
public struct MonthDowntime: Hashable, Sendable {
    public let month: YearMonth
    /// Outage time inside this month (parts of outages that began or end in other months included).
    public let outageSeconds: Int
    /// Outages that started in this month.
    public let outagesStarted: Int
    public let departmentImpactSeconds: Int
    public let departmentImpactsStarted: Int

    public var outageMinutes: Int { DowntimeAccounting.minutesRoundedUp(outageSeconds) }
}

/// One breach of seed 003 §2.5/§2.6/§4.1 — each is 「违约一次」.
public enum DowntimeBreach: Hashable, Sendable, CustomStringConvertible {
    /// §2.5: the month's outage time is above the limit.
    case monthlyOutageTime(month: YearMonth, seconds: Int)
    /// §2.5: one outage took longer than the limit to recover.
    case outageTooLong(start: Int, seconds: Int)
    /// §2.5: an outage beyond the yearly number (`ordinal` is its number in the year, e.g. 3 for the third).
    case tooManyOutages(start: Int, ordinal: Int)
    /// §4.1: a hospital-wide outage beyond the yearly number.
    case tooManyHospitalWideOutages(start: Int, ordinal: Int)
    /// §2.6: one department-level impact took longer than the limit to recover.
    case departmentImpactTooLong(start: Int, seconds: Int)
    /// §2.6: a department-level impact beyond the monthly number (`ordinal` within the month).
    case tooManyDepartmentImpactsInMonth(month: YearMonth, start: Int, ordinal: Int)
    /// §2.6: a department-level impact beyond the yearly number.
    case tooManyDepartmentImpactsInYear(start: Int, ordinal: Int)

    /// The clause of seed 003.
    public var clause: String {
        switch self {
        case .monthlyOutageTime, .outageTooLong, .tooManyOutages: "2.5"
        case .tooManyHospitalWideOutages: "4.1"
        case .departmentImpactTooLong, .tooManyDepartmentImpactsInMonth, .tooManyDepartmentImpactsInYear: "2.6"
        }
    }

    public var description: String {
        switch self {
        case let .monthlyOutageTime(month, seconds): "\(month) 非计划停机 \(DowntimeAccounting.minutesRoundedUp(seconds)) 分钟，超过每月 1 小时"
        case let .outageTooLong(_, seconds): "单次非计划停机 \(DowntimeAccounting.minutesRoundedUp(seconds)) 分钟，超过 1 小时"
        case let .tooManyOutages(_, n): "年度第 \(n) 次非计划停机，超过 2 次"
        case let .tooManyHospitalWideOutages(_, n): "年度第 \(n) 次影响全院的非计划停机"
        case let .departmentImpactTooLong(_, seconds): "单次部门级业务影响 \(DowntimeAccounting.minutesRoundedUp(seconds)) 分钟，超过 1 小时"
        case let .tooManyDepartmentImpactsInMonth(month, _, n): "\(month) 第 \(n) 次部门级业务影响，超过每月 1 次"
        case let .tooManyDepartmentImpactsInYear(_, n): "年度第 \(n) 次部门级业务影响，超过 2 次"
        }
    }
}

/// One system's accounting over the window (normally a service year, or the part of it so far).
public struct SystemDowntimeReport: Hashable, Sendable {
    public let system: String
    public let months: [MonthDowntime]
    /// Merged outages that overlap the window, in order (including one that began before it).
    public let outages: [MergedInterruption]
    public let departmentImpacts: [MergedInterruption]
    public let breaches: [DowntimeBreach]

    /// Outage time inside the window.
    public var outageSeconds: Int { months.reduce(0) { $0 + $1.outageSeconds } }
    /// Outages that started inside the window.
    public var outageCount: Int { months.reduce(0) { $0 + $1.outagesStarted } }
    public var departmentImpactCount: Int { months.reduce(0) { $0 + $1.departmentImpactsStarted } }
}

/// Seed 003 §2.5, §2.6 and §4.1 (ANA-4): downtime per system per month and year against the limits.
///
/// - Records of one system and kind that overlap or touch (one ends when the next starts) are merged first.
/// - Time is split at local month boundaries (Asia/Shanghai by default); each month gets its part.
/// - An interruption is counted once, in the month it started; its whole duration is compared with the
///   per-interruption limit.
/// - Yearly counts run over the window; pass the service year so far (its first month, months elapsed).
/// - Limits are compared in seconds: 60 min 0 s is within "不超过1小时", 60 min 1 s is not.
public enum DowntimeAccounting {
    public static let shanghai: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// Whole minutes, a started minute counting as one.
    public static func minutesRoundedUp(_ seconds: Int) -> Int { seconds <= 0 ? 0 : (seconds + 59) / 60 }

    /// The instant (epoch seconds) local midnight of the month's first day.
    public static func monthStart(_ month: YearMonth, timeZone: TimeZone = shanghai) -> Int {
        let local = month.firstEpochDay * 86_400
        var guess = local - offset(timeZone, local)
        guess = local - offset(timeZone, guess)
        return guess
    }

    /// The local month an instant falls in.
    public static func month(containing second: Int, timeZone: TimeZone = shanghai) -> YearMonth {
        let local = second + offset(timeZone, second)
        return YearMonth(epochDay: EvalArithmetic.floorDivide(local, 86_400))
    }

    /// Seconds of [start, end) inside [from, to).
    public static func overlapSeconds(start: Int, end: Int, from: Int, to: Int) -> Int {
        max(0, min(end, to) - max(start, from))
    }

    /// Merges overlapping or touching intervals (sorted by start on return). Empty ones are dropped.
    public static func merge(_ interruptions: [Interruption], timeZone: TimeZone = shanghai) -> [MergedInterruption] {
        var result: [MergedInterruption] = []
        let byKind = Dictionary(grouping: interruptions.filter { $0.end > $0.start }, by: \.kind)
        for kind in InterruptionKind.allCases {
            let sorted = (byKind[kind] ?? []).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            var current: (start: Int, end: Int, wide: Bool, records: Int)?
            func flush() {
                if let c = current {
                    result.append(MergedInterruption(kind: kind, start: c.start, end: c.end, hospitalWide: c.wide, records: c.records,
                                                     startMonth: month(containing: c.start, timeZone: timeZone)))
                }
            }
            for i in sorted {
                if let c = current, i.start <= c.end {
                    current = (c.start, max(c.end, i.end), c.wide || i.hospitalWide, c.records + 1)
                } else {
                    flush()
                    current = (i.start, i.end, i.hospitalWide, 1)
                }
            }
            flush()
        }
        return result.sorted { ($0.start, $0.kind.rawValue) < ($1.start, $1.kind.rawValue) }
    }

    /// One report per system (sorted by system), for the `months` months starting with `firstMonth`.
    /// Throws when a record ends before it starts or `months < 1`.
    public static func report(_ interruptions: [Interruption], firstMonth: YearMonth, months: Int = 12,
                              limits: DowntimeLimits = .seed003, timeZone: TimeZone = shanghai) throws -> [SystemDowntimeReport] {
        guard months >= 1 else { throw EvaluationInputError("downtime: the window needs at least one month") }
        if let bad = interruptions.first(where: { $0.end < $0.start }) {
            throw EvaluationInputError("downtime: \(bad.system) \(bad.kind.rawValue) ends before it starts")
        }
        let windowMonths = (0..<months).map { firstMonth.advanced(by: $0) }
        let bounds = (0...months).map { monthStart(firstMonth.advanced(by: $0), timeZone: timeZone) }
        let bySystem = Dictionary(grouping: interruptions, by: \.system)
        return bySystem.keys.sorted().map { system in
            let merged = merge(bySystem[system]!, timeZone: timeZone)
                .filter { overlapSeconds(start: $0.start, end: $0.end, from: bounds[0], to: bounds[months]) > 0 }
            let outages = merged.filter { $0.kind == .outage }
            let impacts = merged.filter { $0.kind == .departmentImpact }
            let startsInside: (MergedInterruption) -> Bool = { $0.start >= bounds[0] && $0.start < bounds[months] }

            var monthRows: [MonthDowntime] = []
            for (index, month) in windowMonths.enumerated() {
                let from = bounds[index], to = bounds[index + 1]
                monthRows.append(MonthDowntime(
                    month: month,
                    outageSeconds: outages.reduce(0) { $0 + overlapSeconds(start: $1.start, end: $1.end, from: from, to: to) },
                    outagesStarted: outages.filter { $0.start >= from && $0.start < to }.count,
                    departmentImpactSeconds: impacts.reduce(0) { $0 + overlapSeconds(start: $1.start, end: $1.end, from: from, to: to) },
                    departmentImpactsStarted: impacts.filter { $0.start >= from && $0.start < to }.count))
            }

            var breaches: [DowntimeBreach] = []
            var wideOrdinal = 0
            for (n, outage) in outages.filter(startsInside).enumerated() {
                if outage.seconds > limits.secondsPerOutage { breaches.append(.outageTooLong(start: outage.start, seconds: outage.seconds)) }
                if n + 1 > limits.outagesPerYear { breaches.append(.tooManyOutages(start: outage.start, ordinal: n + 1)) }
                if outage.hospitalWide {
                    wideOrdinal += 1
                    if wideOrdinal > limits.hospitalWideOutagesPerYear {
                        breaches.append(.tooManyHospitalWideOutages(start: outage.start, ordinal: wideOrdinal))
                    }
                }
            }
            for row in monthRows where row.outageSeconds > limits.outageSecondsPerMonth {
                breaches.append(.monthlyOutageTime(month: row.month, seconds: row.outageSeconds))
            }
            var perMonth: [YearMonth: Int] = [:]
            for (n, impact) in impacts.filter(startsInside).enumerated() {
                if impact.seconds > limits.secondsPerDepartmentImpact {
                    breaches.append(.departmentImpactTooLong(start: impact.start, seconds: impact.seconds))
                }
                let inMonth = (perMonth[impact.startMonth] ?? 0) + 1
                perMonth[impact.startMonth] = inMonth
                if inMonth > limits.departmentImpactsPerMonth {
                    breaches.append(.tooManyDepartmentImpactsInMonth(month: impact.startMonth, start: impact.start, ordinal: inMonth))
                }
                if n + 1 > limits.departmentImpactsPerYear {
                    breaches.append(.tooManyDepartmentImpactsInYear(start: impact.start, ordinal: n + 1))
                }
            }
            return SystemDowntimeReport(system: system, months: monthRows, outages: outages, departmentImpacts: impacts, breaches: breaches)
        }
    }

    private static func offset(_ timeZone: TimeZone, _ second: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(second)))
    }
}
