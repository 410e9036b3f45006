import Foundation

/// The events of seed 002 §3.5.3 (「重大故障、服务严重不达标情况」) in one assessment period, counted
/// per occurrence (「每次」). Any one of them makes the period's result 不合格 whatever the score, and each
/// occurrence costs a share of the contract total.
public struct SevereEvents: Hashable, Sendable {
    /// 一级故障彻底修复时间 > 24 小时 — each P1 incident whose complete repair took longer: 5 %.
    public var p1RepairOverdue: Int
    /// 二级故障彻底修复时间 > 72 小时 — each P2 incident whose complete repair took longer: 3 %.
    public var p2RepairOverdue: Int
    /// 发生数据丢失情况，但后续完成恢复，未造成直接损失: 3 % each.
    public var recoveredDataLosses: Int
    /// 发生网络安全事件，但及时采取弥补措施，未造成损失: 2 % each.
    public var securityIncidents: Int

    public init(p1RepairOverdue: Int = 0, p2RepairOverdue: Int = 0, recoveredDataLosses: Int = 0, securityIncidents: Int = 0) {
        self.p1RepairOverdue = p1RepairOverdue
        self.p2RepairOverdue = p2RepairOverdue
        self.recoveredDataLosses = recoveredDataLosses
        self.securityIncidents = securityIncidents
    }

    public static let none = SevereEvents()

    /// Percent of the contract total per occurrence, §3.5.3 (1)–(4).
    public static let p1Percent = 5, p2Percent = 3, dataLossPercent = 3, securityIncidentPercent = 2

    /// The repair limits of §3.5.3: a P1 incident is overdue when complete repair took **more than** 24 hours,
    /// a P2 when more than 72 hours (exactly 24 h / 72 h is still within). Wall-clock time from report to
    /// complete repair (「彻底修复时间」), not business hours.
    public static let p1RepairLimitSeconds = 24 * 3600
    public static let p2RepairLimitSeconds = 72 * 3600

    /// Whether an incident of `priority` repaired in `repairSeconds` counts against §3.5.3; P3/P4 never do
    /// (they are scored by 故障响应及时性 instead).
    public static func isRepairOverdue(priority: Priority, repairSeconds: Int) -> Bool {
        switch priority {
        case .p1: repairSeconds > p1RepairLimitSeconds
        case .p2: repairSeconds > p2RepairLimitSeconds
        case .p3, .p4: false
        }
    }

    public var isEmpty: Bool { occurrences == 0 }
    public var occurrences: Int { p1RepairOverdue + p2RepairOverdue + recoveredDataLosses + securityIncidents }

    /// Sum of the percentages: they stack, one charge per occurrence.
    public var penaltyPercent: Int {
        p1RepairOverdue * Self.p1Percent + p2RepairOverdue * Self.p2Percent
            + recoveredDataLosses * Self.dataLossPercent + securityIncidents * Self.securityIncidentPercent
    }

    var isValid: Bool { p1RepairOverdue >= 0 && p2RepairOverdue >= 0 && recoveredDataLosses >= 0 && securityIncidents >= 0 }

    public static func + (a: SevereEvents, b: SevereEvents) -> SevereEvents {
        SevereEvents(p1RepairOverdue: a.p1RepairOverdue + b.p1RepairOverdue,
                     p2RepairOverdue: a.p2RepairOverdue + b.p2RepairOverdue,
                     recoveredDataLosses: a.recoveredDataLosses + b.recoveredDataLosses,
                     securityIncidents: a.securityIncidents + b.securityIncidents)
    }
}

/// One filled-in monthly scorecard (seed 002 annex 1): a score for each of the eight items, and the
/// period's §3.5.3 events.
public struct Scorecard: Hashable, Sendable {
    public let scores: [ScorecardItemKey: ScorePoints]
    public let severeEvents: SevereEvents

    /// Every item must be present and within `0…max`; scores have at most one decimal place (the
    /// satisfaction item is an average × 2, e.g. 17.4). Throws `EvaluationInputError`.
    public init(scores: [ScorecardItemKey: ScorePoints], severeEvents: SevereEvents = .none) throws {
        for item in ScorecardTemplate.items {
            guard let score = scores[item.key] else {
                throw EvaluationInputError("\(item.key.rawValue) (\(item.name)) has no score")
            }
            guard score >= .zero, score <= item.maximum else {
                throw EvaluationInputError("\(item.key.rawValue) (\(item.name)) is \(score), outside 0…\(item.maxPoints)")
            }
        }
        guard severeEvents.isValid else { throw EvaluationInputError("severe event counts cannot be negative") }
        self.scores = scores
        self.severeEvents = severeEvents
    }

    public subscript(key: ScorecardItemKey) -> ScorePoints { scores[key] ?? .zero }

    /// 总分: the sum of the eight items (0…100).
    public var total: ScorePoints { scores.values.reduce(.zero, +) }

    /// The result the total alone gives (§3.5.1).
    public var gradeByScore: AssessmentGrade { AssessmentGrade.forTotal(total) }

    /// 评价结论: `gradeByScore`, except that any §3.5.3 event makes the period 不合格.
    public var grade: AssessmentGrade { severeEvents.isEmpty ? gradeByScore : .fail }

    /// The band of annex 1 each item's score falls in.
    public func band(of key: ScorecardItemKey) -> ScoreBand? { key.definition.band(for: self[key]) }
}
