import Foundation

// Exact value types for the contract assessment rules (EVAL-1…4, ANA-4). No Double anywhere near
// a score or an amount of money: scores are tenths of a point, money is fen, rates are fractions.

/// A score kept exactly to one decimal place, as the seeds ask (002 §3.5.1 and annex 2: 「保留一位小数」).
/// `78.5` is stored as 785 tenths.
public struct ScorePoints: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let tenths: Int

    public init(tenths: Int) { self.tenths = tenths }
    public init(_ whole: Int) { tenths = whole * 10 }
    public init(integerLiteral value: Int) { self.init(value) }

    /// `"78.5"`, `"85"`, `"85.0"`, `"-0.5"`; nil for more than one decimal place or anything else.
    public init?(_ text: String) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let isDigits: (Substring) -> Bool = { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard (1...2).contains(parts.count), isDigits(parts[0]), parts[0].count <= 15, let whole = Int(parts[0]) else { return nil }
        var fraction = 0
        if parts.count == 2 {
            guard parts[1].count == 1, isDigits(parts[1]), let digit = Int(parts[1]) else { return nil }
            fraction = digit
        }
        let magnitude = whole * 10 + fraction
        tenths = negative ? -magnitude : magnitude
    }

    public static let zero = ScorePoints(tenths: 0)

    /// The same value as a `Decimal` (for JSON or display code that wants one).
    public var decimalValue: Decimal { Decimal(tenths) / 10 }

    /// Always one decimal place: `78.5`, `85.0`.
    public var description: String {
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    public static func < (a: ScorePoints, b: ScorePoints) -> Bool { a.tenths < b.tenths }
    public static func + (a: ScorePoints, b: ScorePoints) -> ScorePoints { ScorePoints(tenths: a.tenths + b.tenths) }
    public static func - (a: ScorePoints, b: ScorePoints) -> ScorePoints { ScorePoints(tenths: a.tenths - b.tenths) }
    public static func * (a: ScorePoints, factor: Int) -> ScorePoints { ScorePoints(tenths: a.tenths * factor) }

    /// The arithmetic mean rounded half up to one decimal place (四舍五入, 「保留一位小数」); nil when empty.
    public static func mean(_ values: [ScorePoints]) -> ScorePoints? {
        guard !values.isEmpty else { return nil }
        let sum = values.reduce(0) { $0 + $1.tenths }
        return ScorePoints(tenths: EvalArithmetic.divideRoundingHalfUp(sum, values.count))
    }
}

/// An amount of money in fen (分, 0.01 yuan), exact.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let fen: Int

    public init(fen: Int) { self.fen = fen }
    public init(yuan: Int) { fen = yuan * 100 }

    /// `"100000"`, `"100,000.00"`, `"¥94,800.00"`, `"0.5"`, `"-3.25"`; nil for more than two decimals.
    public init?(_ text: String) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if body.hasPrefix("-") { negative = true; body = body.dropFirst() }
        if body.hasPrefix("¥") || body.hasPrefix("￥") { body = body.dropFirst() }
        if !negative, body.hasPrefix("-") { negative = true; body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        guard let first = groups.first, (1...(groups.count == 1 ? 18 : 3)).contains(first.count),
              groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        let digits = groups.joined()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let yuan = Int(digits) else { return nil }
        var cents = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...2).contains(f.count), f.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(f) else { return nil }
            cents = f.count == 1 ? v * 10 : v
        }
        // 17 or more digits of yuan do not fit in fen: nil, not a trap.
        let (hundred, overflow) = yuan.multipliedReportingOverflow(by: 100)
        guard !overflow, hundred <= Int.max - cents else { return nil }
        let magnitude = hundred + cents
        fen = negative ? -magnitude : magnitude
    }

    public static let zero = Money(fen: 0)

    /// `¥94,800.00`, `-¥5,200.00`.
    public var description: String {
        let magnitude = abs(fen)
        var yuan = String(magnitude / 100)
        var grouped = ""
        while yuan.count > 3 {
            grouped = "," + yuan.suffix(3) + grouped
            yuan = String(yuan.dropLast(3))
        }
        let cents = magnitude % 100
        return (fen < 0 ? "-" : "") + "¥" + yuan + grouped + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }
    public static func + (a: Money, b: Money) -> Money { Money(fen: a.fen + b.fen) }
    public static func - (a: Money, b: Money) -> Money { Money(fen: a.fen - b.fen) }

    /// `self × numerator ÷ denominator`, rounded half up to the fen (四舍五入到分). `denominator > 0`.
    public func scaled(by numerator: Int, over denominator: Int) -> Money {
        Money(fen: EvalArithmetic.divideRoundingHalfUp(fen * numerator, denominator))
    }

    /// `self × percent %`, rounded half up to the fen.
    public func percent(_ percent: Int) -> Money { scaled(by: percent, over: 100) }
}

/// A rate such as 巡检到位率 = completed ÷ planned, kept as a fraction. An empty plan (0 ÷ 0) counts as
/// 100 %: nothing that was due was missed.
public struct Ratio: Hashable, Sendable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    /// nil when a count is negative or the numerator is above the denominator.
    public init?(_ numerator: Int, of denominator: Int) {
        guard numerator >= 0, denominator >= 0, numerator <= denominator else { return nil }
        self.numerator = numerator
        self.denominator = denominator
    }

    public var isComplete: Bool { numerator == denominator }

    /// `numerator ÷ denominator ≥ percent %`, exactly.
    public func isAtLeast(percent: Int) -> Bool {
        denominator == 0 ? true : numerator * 100 >= percent * denominator
    }

    /// The percentage in tenths of a percent, rounded half up (29/30 → 967, i.e. 96.7 %).
    public var percentTenths: Int {
        denominator == 0 ? 1000 : EvalArithmetic.divideRoundingHalfUp(numerator * 1000, denominator)
    }

    /// `29/30 (96.7%)`
    public var description: String {
        "\(numerator)/\(denominator) (\(ScorePoints(tenths: percentTenths))%)"
    }
}

/// A calendar month (2026-07), the period of the monthly scorecard and of downtime accounting.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// `"2026-07"`
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    /// Months since year 0: consecutive months differ by one.
    public var ordinal: Int { year * 12 + (month - 1) }

    init(ordinal: Int) {
        year = ordinal / 12
        month = ordinal % 12 + 1
    }

    public func advanced(by months: Int) -> YearMonth { YearMonth(ordinal: ordinal + months) }
    public var next: YearMonth { advanced(by: 1) }

    public var description: String {
        String(year).leftPadded(to: 4) + "-" + String(month).leftPadded(to: 2)
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.ordinal < b.ordinal }

    /// Days from 1970-01-01 to the first of this month (proleptic Gregorian; Howard Hinnant's days_from_civil).
    var firstEpochDay: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The month containing a day counted from 1970-01-01 (civil_from_days).
    init(epochDay: Int) {
        let z = epochDay + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
    }
}

/// Something a rule was given that it cannot judge (negative counts, a done count above the plan, an
/// empty survey…). The message names the field.
public struct EvaluationInputError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

enum EvalArithmetic {
    /// `n ÷ d` rounded half away from zero (四舍五入); `d > 0`.
    static func divideRoundingHalfUp(_ n: Int, _ d: Int) -> Int {
        precondition(d > 0, "divisor must be positive")
        return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d)
    }

    /// `a ÷ b` rounded down for `a ≥ 0`, `b > 0`.
    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
