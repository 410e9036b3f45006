import Foundation

/// What an objective-item calculator proposes: the annex 1 band the data put the item in, a score inside
/// it, and why. The IT department confirms the score, or changes it within the band with a reason.
public struct ItemSuggestion: Hashable, Sendable {
    public let item: ScorecardItemKey
    public let band: ScoreBand
    public let points: ScorePoints
    /// The rate the item is computed from, when it has one.
    public let rate: Ratio?
    /// English, one line per rule applied.
    public let reasons: [String]
}

/// The numbers the seed leaves to judgement (「多次」, 「偶有」, 「基本按时」…), fixed so that the objective items
/// can be computed. The defaults are Yiwei's reading, documented in docs/vendor-evaluation.md; a contract
/// may set others.
public struct ScoringThresholds: Hashable, Sendable {
    /// 故障响应及时性: below this share of P3/P4 incidents within SLA, the overruns are no longer 「少量」 (→ 不合格).
    public var timelinessPassPercent: Int
    /// 故障响应及时性: 「偶有轻微超时」 — at most this share of incidents with a minor overrun stays 优秀.
    public var timelinessOccasionalPercent: Int
    /// 故障响应及时性: 「多次严重超时」 — this many severe overruns make the item 不合格.
    public var timelinessSevereOverrunsForFail: Int
    /// An overrun is severe when the time taken is more than this multiple of the target.
    public var severeOverrunMultiple: Int
    /// 会议及报告规范性: 「报告多次迟交」 from this many late reports in the period.
    public var repeatedLateReports: Int
    /// 交付物提交质量: 「基本按时」 means at least this share submitted on time.
    public var deliverablesOnTimePassPercent: Int

    public init(timelinessPassPercent: Int = 80, timelinessOccasionalPercent: Int = 5, timelinessSevereOverrunsForFail: Int = 2,
                severeOverrunMultiple: Int = 2, repeatedLateReports: Int = 3, deliverablesOnTimePassPercent: Int = 90) {
        self.timelinessPassPercent = timelinessPassPercent
        self.timelinessOccasionalPercent = timelinessOccasionalPercent
        self.timelinessSevereOverrunsForFail = timelinessSevereOverrunsForFail
        self.severeOverrunMultiple = severeOverrunMultiple
        self.repeatedLateReports = repeatedLateReports
        self.deliverablesOnTimePassPercent = deliverablesOnTimePassPercent
    }

    public static let standard = ScoringThresholds()
}

/// How late one P3/P4 incident was against its SLA target (response or resolution, whichever is worse).
public enum OverrunClass: String, Sendable, CaseIterable {
    case withinSLA = "within_sla"
    /// 「轻微超时，但未对业务运行及用户使用造成可感知影响」
    case minor
    /// Over the target with a perceptible effect, but not severe.
    case ordinary
    /// 「严重超时」: more than `severeOverrunMultiple` × the target.
    case severe
}

/// How complete the incident records of the period are (故障处理记录).
public enum IncidentRecordQuality: String, Sendable, CaseIterable {
    /// 完整规范
    case complete
    /// 基本完整，存在个别疏漏但经提醒后能及时补正
    case minorGaps = "minor_gaps"
    /// 缺失、混乱或失真
    case deficient
}

/// The P3/P4 incidents of one period, for 故障响应及时性.
public struct TimelinessCounts: Hashable, Sendable {
    /// P3/P4 incidents assessed in the period.
    public var incidents: Int
    /// …of which within every SLA target (response and resolution).
    public var withinSLA: Int
    /// …over a target but without perceptible effect (`OverrunClass.minor`).
    public var minorOverruns: Int
    /// …severely over (`OverrunClass.severe`). The rest (`incidents − withinSLA − minor − severe`) are ordinary overruns.
    public var severeOverruns: Int
    /// 用户投诉或科室不满反馈 that were not formal (they cost 优秀).
    public var informalComplaints: Int
    /// 用户书面/正式投诉 or 科室正式催促 (they make the item 不合格).
    public var formalComplaints: Int
    public var records: IncidentRecordQuality

    public init(incidents: Int, withinSLA: Int, minorOverruns: Int = 0, severeOverruns: Int = 0,
                informalComplaints: Int = 0, formalComplaints: Int = 0, records: IncidentRecordQuality = .complete) {
        self.incidents = incidents
        self.withinSLA = withinSLA
        self.minorOverruns = minorOverruns
        self.severeOverruns = severeOverruns
        self.informalComplaints = informalComplaints
        self.formalComplaints = formalComplaints
        self.records = records
    }

    public var ordinaryOverruns: Int { incidents - withinSLA - minorOverruns - severeOverruns }
}

/// The calculators of the objective items of seed 002 annex 1. Each takes counts for one period and
/// returns the band and a suggested score. Where the seed gives a band of points for a band of rates
/// (e.g. 12–14 for 95 % ≤ rate < 100 %), the suggestion cuts the rate band into equal parts, one per whole
/// point, lowest first ("sub-bands"); when a condition other than the rate forces a lower band, the
/// suggestion is the top of that band or the rate's sub-band, whichever is lower.
public enum ObjectiveScoring {
    // MARK: 巡检到位率 (15)

    /// 到位率 = 实际完成巡检数 ÷ 计划巡检数. 100 % with detailed records: 15; 95 % ≤ r < 100 %: 12–14;
    /// 90 % ≤ r < 95 %: 9–11; r < 90 %: 0–8; falsified records: 0. Without detailed records, 100 % gets 14.
    /// An empty plan counts as 100 %.
    public static func inspectionRate(completed: Int, planned: Int, recordsDetailed: Bool = true,
                                      falsified: Bool = false) throws -> ItemSuggestion {
        guard let rate = Ratio(completed, of: planned) else {
            throw EvaluationInputError("inspections: completed \(completed) must be within 0…planned \(planned)")
        }
        let item = ScorecardItemKey.inspectionRate.definition
        let b = item.bands
        if falsified {
            return ItemSuggestion(item: .inspectionRate, band: b[3], points: 0, rate: rate,
                                  reasons: ["inspection records falsified (发现巡检记录造假): 0"])
        }
        if rate.isComplete {
            if recordsDetailed {
                return ItemSuggestion(item: .inspectionRate, band: b[0], points: 15, rate: rate, reasons: ["rate \(rate), records detailed: 15"])
            }
            return ItemSuggestion(item: .inspectionRate, band: b[1], points: 14, rate: rate,
                                  reasons: ["rate \(rate) but records not detailed: not 15, top of 12–14"])
        }
        if rate.isAtLeast(percent: 95) {
            let p = subBandPoint(rate, from: 95, to: 100, points: 12...14)
            return ItemSuggestion(item: .inspectionRate, band: b[1], points: ScorePoints(p), rate: rate, reasons: ["rate \(rate) in [95 %, 100 %): \(p)"])
        }
        if rate.isAtLeast(percent: 90) {
            let p = subBandPoint(rate, from: 90, to: 95, points: 9...11)
            return ItemSuggestion(item: .inspectionRate, band: b[2], points: ScorePoints(p), rate: rate, reasons: ["rate \(rate) in [90 %, 95 %): \(p)"])
        }
        let p = subBandPoint(rate, from: 0, to: 90, points: 0...8)
        return ItemSuggestion(item: .inspectionRate, band: b[3], points: ScorePoints(p), rate: rate, reasons: ["rate \(rate) below 90 %: \(p)"])
    }

    // MARK: 培训质量 (10)

    /// 培训计划执行率 = sessions held ÷ planned. 100 % with complete materials: 10 (band 9–10);
    /// 80 % ≤ r < 100 % (or 100 % with incomplete materials): 6–8; r < 80 %, a postponed session not made up,
    /// or an important operating error caused by missing training: 0–5. An empty plan counts as 100 %.
    public static func training(held: Int, planned: Int, materialsComplete: Bool = true,
                                postponedWithoutMakeUp: Bool = false,
                                operatingErrorFromTraining: Bool = false) throws -> ItemSuggestion {
        guard let rate = Ratio(held, of: planned) else {
            throw EvaluationInputError("training: held \(held) must be within 0…planned \(planned)")
        }
        let b = ScorecardItemKey.training.definition.bands
        let failPoints = rate.isAtLeast(percent: 80) ? 5 : subBandPoint(rate, from: 0, to: 80, points: 0...5)
        if postponedWithoutMakeUp || operatingErrorFromTraining {
            let why = postponedWithoutMakeUp ? "a session postponed and not made up (培训延期未补)" : "an important operating error from missing training"
            return ItemSuggestion(item: .training, band: b[2], points: ScorePoints(failPoints), rate: rate, reasons: ["\(why): 不合格 band, \(failPoints)"])
        }
        if !rate.isAtLeast(percent: 80) {
            return ItemSuggestion(item: .training, band: b[2], points: ScorePoints(failPoints), rate: rate, reasons: ["rate \(rate) below 80 %: \(failPoints)"])
        }
        if rate.isComplete {
            if materialsComplete {
                return ItemSuggestion(item: .training, band: b[0], points: 10, rate: rate, reasons: ["rate \(rate), materials complete: 10"])
            }
            return ItemSuggestion(item: .training, band: b[1], points: 8, rate: rate, reasons: ["rate \(rate) but materials incomplete: top of 6–8"])
        }
        let p = subBandPoint(rate, from: 80, to: 100, points: 6...8)
        return ItemSuggestion(item: .training, band: b[1], points: ScorePoints(p), rate: rate, reasons: ["rate \(rate) in [80 %, 100 %): \(p)"])
    }

    // MARK: 会议及报告规范性 (5)

    /// 5 when every meeting was held on time and no report was late. 不合格 (suggest 2) when a meeting was
    /// not held without reason, `repeatedLateReports` or more reports were late, or the data were seriously
    /// wrong. Otherwise 合格: 4 for a single lapse (one meeting not on time or one late report), 3 for more.
    public static func meetingsAndReports(meetingsScheduled: Int, meetingsOnTime: Int, meetingsSkippedWithoutReason: Int = 0,
                                          reportsDue: Int, reportsLate: Int, seriousDataErrors: Bool = false,
                                          thresholds: ScoringThresholds = .standard) throws -> ItemSuggestion {
        guard Ratio(meetingsOnTime, of: meetingsScheduled) != nil,
              meetingsSkippedWithoutReason >= 0, meetingsSkippedWithoutReason <= meetingsScheduled - meetingsOnTime else {
            throw EvaluationInputError("meetings: on time \(meetingsOnTime) + skipped \(meetingsSkippedWithoutReason) must be within 0…scheduled \(meetingsScheduled)")
        }
        guard Ratio(reportsLate, of: reportsDue) != nil else {
            throw EvaluationInputError("reports: late \(reportsLate) must be within 0…due \(reportsDue)")
        }
        let b = ScorecardItemKey.meetingsAndReports.definition.bands
        var failReasons: [String] = []
        if meetingsSkippedWithoutReason > 0 { failReasons.append("\(meetingsSkippedWithoutReason) meeting(s) not held without reason (无故不召开例会)") }
        if reportsLate >= thresholds.repeatedLateReports { failReasons.append("\(reportsLate) late reports ≥ \(thresholds.repeatedLateReports) (报告多次迟交)") }
        if seriousDataErrors { failReasons.append("data seriously wrong (数据严重失实)") }
        if !failReasons.isEmpty {
            return ItemSuggestion(item: .meetingsAndReports, band: b[2], points: 2, rate: nil, reasons: failReasons + ["不合格 band: 2"])
        }
        let lapses = (meetingsScheduled - meetingsOnTime) + reportsLate
        if lapses == 0 {
            return ItemSuggestion(item: .meetingsAndReports, band: b[0], points: 5, rate: nil, reasons: ["all meetings on time, no late report: 5"])
        }
        let p = lapses == 1 ? 4 : 3
        return ItemSuggestion(item: .meetingsAndReports, band: b[1], points: ScorePoints(p), rate: nil,
                              reasons: ["\(meetingsScheduled - meetingsOnTime) meeting(s) not on time, \(reportsLate) late report(s): \(lapses) lapse(s) → \(p)"])
    }

    // MARK: 交付物提交质量 (7)

    /// 7 when everything due was on time and nothing was returned for revision. 不合格 (0–4) when more than
    /// 3 were returned (驳回超过3次) or fewer than `deliverablesOnTimePassPercent` were on time (频繁迟交): the
    /// on-time rate's sub-band of [0 %, 90 %) → 0…4, at most 4. Otherwise 合格: 6 when all were on time (1–3
    /// returned), 5 when some were late. Nothing due counts as all on time.
    public static func deliverables(onTime: Int, due: Int, returnedForRevision: Int,
                                    thresholds: ScoringThresholds = .standard) throws -> ItemSuggestion {
        guard let rate = Ratio(onTime, of: due) else {
            throw EvaluationInputError("deliverables: on time \(onTime) must be within 0…due \(due)")
        }
        guard returnedForRevision >= 0 else { throw EvaluationInputError("deliverables: returned for revision cannot be negative") }
        let b = ScorecardItemKey.deliverables.definition.bands
        let basicallyOnTime = rate.isAtLeast(percent: thresholds.deliverablesOnTimePassPercent)
        if returnedForRevision > 3 || !basicallyOnTime {
            let p = basicallyOnTime ? 4 : subBandPoint(rate, from: 0, to: thresholds.deliverablesOnTimePassPercent, points: 0...4)
            var reasons: [String] = []
            if returnedForRevision > 3 { reasons.append("\(returnedForRevision) returned for revision > 3 (驳回超过3次)") }
            if !basicallyOnTime { reasons.append("on time \(rate) < \(thresholds.deliverablesOnTimePassPercent) % (频繁迟交)") }
            return ItemSuggestion(item: .deliverables, band: b[2], points: ScorePoints(p), rate: rate, reasons: reasons + ["不合格 band: \(p)"])
        }
        if rate.isComplete && returnedForRevision == 0 {
            return ItemSuggestion(item: .deliverables, band: b[0], points: 7, rate: rate, reasons: ["all on time \(rate), none returned: 7"])
        }
        let p = rate.isComplete ? 6 : 5
        return ItemSuggestion(item: .deliverables, band: b[1], points: ScorePoints(p), rate: rate,
                              reasons: ["on time \(rate), \(returnedForRevision) returned for revision: \(p)"])
    }

    // MARK: 故障响应及时性 (25)

    /// How late one incident was: within the target; `minor` when over but by at most the target again and
    /// without perceptible effect; `severe` when the time taken exceeds `severeOverrunMultiple` × target;
    /// otherwise `ordinary`.
    public static func classifyOverrun(targetSeconds: Int, actualSeconds: Int, perceptibleEffect: Bool,
                                       thresholds: ScoringThresholds = .standard) -> OverrunClass {
        if actualSeconds <= targetSeconds { return .withinSLA }
        if actualSeconds > targetSeconds * thresholds.severeOverrunMultiple { return .severe }
        return perceptibleEffect ? .ordinary : .minor
    }

    /// P3/P4 incidents only (annex 1: 「考核三级故障和四级故障」); P1/P2 are handled by §3.5.3.
    /// Let r = within SLA ÷ incidents (no incidents: 100 %).
    /// - 不合格 (0–12) when severe overruns ≥ `timelinessSevereOverrunsForFail`, a formal complaint, deficient
    ///   records, or r < `timelinessPassPercent`: r's sub-band of [0 %, 80 %) → 0…12, at most 12.
    /// - 优秀 (21–25) when the only overruns are minor, at most `timelinessOccasionalPercent` of incidents,
    ///   with no complaint at all and complete records: 25 at r = 100 %, else r's sub-band of [95 %, 100 %) → 21…24.
    /// - 合格 (13–20) otherwise: r's sub-band of [80 %, 100 %) → 13…20, 20 at r = 100 %.
    public static func incidentTimeliness(_ c: TimelinessCounts, thresholds: ScoringThresholds = .standard) throws -> ItemSuggestion {
        guard c.incidents >= 0, c.withinSLA >= 0, c.minorOverruns >= 0, c.severeOverruns >= 0, c.ordinaryOverruns >= 0,
              c.informalComplaints >= 0, c.formalComplaints >= 0, let rate = Ratio(c.withinSLA, of: c.incidents) else {
            throw EvaluationInputError("timeliness: within SLA + minor + severe overruns must be within 0…incidents \(c.incidents)")
        }
        let b = ScorecardItemKey.incidentTimeliness.definition.bands
        var failReasons: [String] = []
        if c.severeOverruns >= thresholds.timelinessSevereOverrunsForFail {
            failReasons.append("\(c.severeOverruns) severe overruns (多次严重超时)")
        }
        if c.formalComplaints > 0 { failReasons.append("\(c.formalComplaints) formal complaint(s) (正式投诉)") }
        if c.records == .deficient { failReasons.append("incident records deficient (记录缺失、混乱或失真)") }
        let passFloor = thresholds.timelinessPassPercent
        if !rate.isAtLeast(percent: passFloor) { failReasons.append("within SLA \(rate) < \(passFloor) % (not 「少量超时」)") }
        if !failReasons.isEmpty {
            let p = rate.isAtLeast(percent: passFloor) ? 12 : subBandPoint(rate, from: 0, to: passFloor, points: 0...12)
            return ItemSuggestion(item: .incidentTimeliness, band: b[2], points: ScorePoints(p), rate: rate, reasons: failReasons + ["不合格 band: \(p)"])
        }
        let occasional = c.minorOverruns * 100 <= thresholds.timelinessOccasionalPercent * c.incidents
        if c.severeOverruns == 0, c.ordinaryOverruns == 0, occasional, c.informalComplaints == 0, c.records == .complete {
            let floor = 100 - thresholds.timelinessOccasionalPercent
            let p = rate.isComplete ? 25 : subBandPoint(rate, from: floor, to: 100, points: 21...24)
            return ItemSuggestion(item: .incidentTimeliness, band: b[0], points: ScorePoints(p), rate: rate,
                                  reasons: ["within SLA \(rate), \(c.minorOverruns) minor overrun(s), no complaint, records complete: \(p)"])
        }
        var why: [String] = []
        if c.severeOverruns > 0 { why.append("\(c.severeOverruns) severe overrun") }
        if c.ordinaryOverruns > 0 { why.append("\(c.ordinaryOverruns) overrun(s) with perceptible effect") }
        if !occasional { why.append("\(c.minorOverruns) minor overruns, more than occasional") }
        if c.informalComplaints > 0 { why.append("\(c.informalComplaints) complaint(s)") }
        if c.records == .minorGaps { why.append("records with minor gaps") }
        let p = rate.isComplete ? 20 : subBandPoint(rate, from: passFloor, to: 100, points: 13...20)
        return ItemSuggestion(item: .incidentTimeliness, band: b[1], points: ScorePoints(p), rate: rate,
                              reasons: ["within SLA \(rate); 合格 because: " + why.joined(separator: ", ") + ": \(p)"])
    }

    // MARK: 用户满意度 (20)

    /// 平均分 × 2: the mean of the departments' annex 2 scores (ten-point scale, rounded half up to one
    /// decimal), doubled. Bands by the mean: ≥ 9 优秀, 6 ≤ mean < 9 合格, < 6 不合格.
    public static func userSatisfaction(_ responses: [SatisfactionResponse]) throws -> ItemSuggestion {
        let mean = try SatisfactionSurvey.departmentMean(responses)
        let points = SatisfactionSurvey.scorecardPoints(mean: mean)
        let grade = SatisfactionSurvey.grade(of: mean)
        let band = ScorecardItemKey.userSatisfaction.definition.bands.first { $0.grade == grade }!
        return ItemSuggestion(item: .userSatisfaction, band: band, points: points, rate: nil,
                              reasons: ["mean of \(responses.count) department(s) \(mean) × 2 = \(points)"])
    }

    // MARK: 驻场到岗率 (EVAL-4; not an item of annex 1)

    /// 驻场到岗率 = person-days present ÷ person-days scheduled (seed 000 §7.1). Annex 1 has no item for
    /// it, so it is reported beside the scorecard, not scored.
    public static func attendanceRate(presentPersonDays: Int, scheduledPersonDays: Int) throws -> Ratio {
        guard let rate = Ratio(presentPersonDays, of: scheduledPersonDays) else {
            throw EvaluationInputError("attendance: present \(presentPersonDays) must be within 0…scheduled \(scheduledPersonDays)")
        }
        return rate
    }

    // MARK: sub-bands

    /// The whole point of `points` for `rate` in [from %, to %): the band is cut into equal sub-bands, one
    /// per point, lowest first. Clamped to the band.
    static func subBandPoint(_ rate: Ratio, from low: Int, to high: Int, points: ClosedRange<Int>) -> Int {
        let k = points.count
        guard rate.denominator > 0 else { return points.upperBound }
        let numerator = (100 * rate.numerator - low * rate.denominator) * k
        let denominator = (high - low) * rate.denominator
        let index = min(max(EvalArithmetic.floorDivide(numerator, denominator), 0), k - 1)
        return points.lowerBound + index
    }
}
