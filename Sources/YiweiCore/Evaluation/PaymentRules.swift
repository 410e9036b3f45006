import Foundation

/// How a period with a §3.5.3 event is paid. The seed says such a period's result is 不合格 and adds the
/// §3.5.3 charges (「增加处罚」), but prices 不合格 by the score (§3.5.2: 「若评分低于60分…不予支付」). Yiwei's
/// default keeps the score formula and adds the charges; a contract that reads 不合格 as "not paid" picks
/// `withholdPeriodFee`.
public enum SevereEventSettlement: String, Sendable, CaseIterable {
    /// The §3.5.2 formula on the actual score, then the §3.5.3 charges. (Default.)
    case scoreFormulaPlusCharges = "score_formula_plus_charges"
    /// Nothing of the period's fee is paid, as for a score below 60, and the §3.5.3 charges on top.
    case withholdPeriodFee = "withhold_period_fee"
}

/// The result of settling one payment period.
public struct PaymentSettlement: Hashable, Sendable {
    /// 计划支付金额 (每期运维服务费总额)
    public let plannedAmount: Money
    /// 服务评价得分 of the period.
    public let score: ScorePoints
    /// The period's result: by the score, 不合格 with any §3.5.3 event.
    public let grade: AssessmentGrade
    /// §3.5.2: 0 at ≥ 85; `planned × (85 − score) × 0.8 %` for 60 ≤ score < 85; the whole planned amount below 60.
    public let scoreDeduction: Money
    /// §3.5.3: the sum of the percentages of the contract total, one per occurrence.
    public let chargePercent: Int
    public let charges: Money
    /// 审计扣减金额 (final payment, §3.2), given.
    public let auditDeduction: Money
    /// 实际应付金额 = planned − score deduction − charges − audit deduction, never below zero.
    public let payable: Money
    /// What the deductions exceed the planned amount by: not deductible from this payment; the hospital may
    /// recover it otherwise (the seed does not say how).
    public let unrecovered: Money
}

/// One planned instalment of seed 002 §3.2.
public struct PlannedInstalment: Hashable, Sendable {
    public let name: String
    public let percent: Int
    public let amount: Money
    /// Which assessment prices it (nil: paid without assessment).
    public let assessedBy: String?
}

/// Seed 002 §3.2 and §3.5.2–3.5.3: what a period pays.
public enum PaymentRules {
    public static let fullPaymentScore: ScorePoints = 85
    public static let minimumPayableScore: ScorePoints = 60
    /// 0.8 % of the period amount per point below 85, as permille per point.
    public static let deductionPermillePerPoint = 8

    /// §3.5.2. With the score in tenths t: deduction = amount × (850 − t) × 8 ÷ 10 000 — exactly
    /// `amount × (85 − score) × 0.8 %` — rounded half up to the fen.
    public static func scoreDeduction(on amount: Money, score: ScorePoints) -> Money {
        if score >= fullPaymentScore { return .zero }
        if score < minimumPayableScore { return amount }
        let tenthsBelow = fullPaymentScore.tenths - score.tenths
        return amount.scaled(by: tenthsBelow * deductionPermillePerPoint, over: 10_000)
    }

    /// §3.5.3: `contract total × Σ percent ÷ 100`, rounded half up to the fen once, on the sum.
    public static func charges(contractTotal: Money, events: SevereEvents) -> Money {
        contractTotal.percent(events.penaltyPercent)
    }

    /// Settles one payment period (§3.2 实际应付金额 = 计划支付金额 − 惩罚扣减金额 − 审计扣减金额, with
    /// 惩罚扣减 = the §3.5.2 deduction + the §3.5.3 charges).
    public static func settle(plannedAmount: Money, contractTotal: Money, score: ScorePoints,
                              events: SevereEvents = .none, auditDeduction: Money = .zero,
                              policy: SevereEventSettlement = .scoreFormulaPlusCharges) throws -> PaymentSettlement {
        guard plannedAmount >= .zero, contractTotal >= .zero, auditDeduction >= .zero else {
            throw EvaluationInputError("payment: amounts cannot be negative")
        }
        guard score >= .zero, score <= ScorecardTemplate.maxTotal else {
            throw EvaluationInputError("payment: score \(score) outside 0…100")
        }
        guard events.isValid else { throw EvaluationInputError("payment: event counts cannot be negative") }
        let withhold = policy == .withholdPeriodFee && !events.isEmpty
        let deduction = withhold ? plannedAmount : scoreDeduction(on: plannedAmount, score: score)
        let charged = charges(contractTotal: contractTotal, events: events)
        let owed = plannedAmount - deduction - charged - auditDeduction
        let grade = events.isEmpty ? AssessmentGrade.forTotal(score) : .fail
        return PaymentSettlement(plannedAmount: plannedAmount, score: score, grade: grade, scoreDeduction: deduction,
                                 chargePercent: events.penaltyPercent, charges: charged, auditDeduction: auditDeduction,
                                 payable: max(owed, .zero), unrecovered: max(.zero - owed, .zero))
    }

    /// Settles a payment period from its scorecards: the period's score is the arithmetic mean of their totals
    /// rounded half up to one decimal (§3.5.1 「年度服务质量评价得分 = 月/季度维度得分的算术平均值（保留一位小数）」),
    /// and the §3.5.3 events of all of them are charged.
    public static func settle(plannedAmount: Money, contractTotal: Money, scorecards: [Scorecard],
                              auditDeduction: Money = .zero,
                              policy: SevereEventSettlement = .scoreFormulaPlusCharges) throws -> PaymentSettlement {
        guard let score = periodScore(scorecards.map(\.total)) else {
            throw EvaluationInputError("payment: the period has no scorecard")
        }
        let events = scorecards.reduce(SevereEvents.none) { $0 + $1.severeEvents }
        return try settle(plannedAmount: plannedAmount, contractTotal: contractTotal, score: score, events: events,
                          auditDeduction: auditDeduction, policy: policy)
    }

    /// §3.5.1: the mean of monthly (or quarterly) totals, one decimal, half up.
    public static func periodScore(_ totals: [ScorePoints]) -> ScorePoints? { ScorePoints.mean(totals) }

    /// Seed 002 §3.2: 15 % after the preparatory work (no assessment), 35 % after six months (priced by the
    /// first six months' assessments), 50 % at the end (priced by the year's assessment, less the audit
    /// deduction). Each share is rounded half up to the fen; the last takes the remainder so they add up.
    public static func seed002Instalments(contractTotal: Money) -> [PlannedInstalment] {
        let first = contractTotal.percent(15)
        let second = contractTotal.percent(35)
        return [
            PlannedInstalment(name: "首期款", percent: 15, amount: first, assessedBy: nil),
            PlannedInstalment(name: "进度款", percent: 35, amount: second, assessedBy: "前六个月服务质量评价结果"),
            PlannedInstalment(name: "完成阶段款", percent: 50, amount: contractTotal - first - second, assessedBy: "年度服务评价结果"),
        ]
    }
}

// MARK: - Serious breach (§3.5.4 (4))

/// One assessed month and whether its result was 不合格.
public struct MonthlyResult: Hashable, Sendable {
    public let month: YearMonth
    public let failed: Bool

    public init(month: YearMonth, failed: Bool) {
        self.month = month
        self.failed = failed
    }

    public init(month: YearMonth, scorecard: Scorecard) {
        self.init(month: month, failed: scorecard.grade == .fail)
    }
}

/// Seed 002 §3.5.4 (4): 「供应商服务评价结果连续三个月不合格或全年累计不合格评价结果次数占比 ≥ 40%」.
public struct SeriousBreachCheck: Hashable, Sendable {
    public let assessedMonths: Int
    public let failedMonths: Int
    /// The first three calendar-consecutive failing months, if any.
    public let threeInARow: [YearMonth]?
    /// Failing months at the end of the sequence, calendar-consecutive (2 means: one more and it is a breach).
    public let trailingFailRun: Int
    /// failed ÷ assessed so far.
    public let failShare: Ratio
    /// failed ≥ 40 % of the months assessed so far.
    public let shareReachedSoFar: Bool
    /// failed ≥ 40 % of the whole service year, whatever the remaining months bring.
    public let shareCertainForYear: Bool

    /// The warning: three failing months in a row, or ≥ 40 % of the months assessed so far failing.
    public var warning: Bool { threeInARow != nil || shareReachedSoFar }
    /// The breach is established and later months cannot undo it.
    public var confirmed: Bool { threeInARow != nil || shareCertainForYear }
}

public enum SeriousBreachRules {
    public static let failSharePercent = 40
    public static let consecutiveFailures = 3

    /// Checks the months assessed so far in one service year (`serviceMonths` long, 12 by default).
    /// "In a row" means calendar-consecutive months: a month without an assessment breaks the run.
    /// Throws on a month given twice or months spanning more than the service year.
    public static func check(_ results: [MonthlyResult], serviceMonths: Int = 12) throws -> SeriousBreachCheck {
        let sorted = results.sorted { $0.month < $1.month }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.month == b.month {
            throw EvaluationInputError("serious breach: \(a.month) given twice")
        }
        if let first = sorted.first, let last = sorted.last, last.month.ordinal - first.month.ordinal >= serviceMonths {
            throw EvaluationInputError("serious breach: \(first.month)…\(last.month) is longer than the \(serviceMonths)-month service year")
        }
        var run: [YearMonth] = []
        var three: [YearMonth]?
        for r in sorted {
            if r.failed {
                if let last = run.last, last.next != r.month { run = [] }
                run.append(r.month)
                if three == nil, run.count >= consecutiveFailures { three = Array(run.suffix(consecutiveFailures)) }
            } else {
                run = []
            }
        }
        let failed = sorted.filter(\.failed).count
        let assessed = sorted.count
        return SeriousBreachCheck(
            assessedMonths: assessed, failedMonths: failed, threeInARow: three, trailingFailRun: run.count,
            failShare: Ratio(failed, of: assessed)!,
            shareReachedSoFar: assessed > 0 && failed * 100 >= failSharePercent * assessed,
            shareCertainForYear: failed > 0 && failed * 100 >= failSharePercent * max(assessed, serviceMonths))
    }
}
