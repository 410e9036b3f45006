import Foundation

/// 优秀 / 合格 / 不合格 — the three results of seed 002 §3.5.1 (and of each annex band).
public enum AssessmentGrade: String, CaseIterable, Sendable {
    case excellent, pass, fail

    /// 优秀, 合格, 不合格
    public var name: String {
        switch self {
        case .excellent: "优秀"
        case .pass: "合格"
        case .fail: "不合格"
        }
    }

    /// Seed 002 §3.5.1 and annex 1: `≥ 85` 优秀, `60 ≤ score < 85` 合格, `< 60` 不合格 (85 and 60 inclusive).
    public static func forTotal(_ total: ScorePoints) -> AssessmentGrade {
        if total >= 85 { return .excellent }
        if total >= 60 { return .pass }
        return .fail
    }
}

/// The eight items of seed 002 annex 1 (「运维服务月度评价表」), in the order of the form.
public enum ScorecardItemKey: String, CaseIterable, Sendable {
    /// 需求调研与手册完备性 (8)
    case requirementsAndManuals = "requirements_and_manuals"
    /// 培训质量 (10)
    case training
    /// 会议及报告规范性 (5)
    case meetingsAndReports = "meetings_and_reports"
    /// 巡检到位率 (15)
    case inspectionRate = "inspection_rate"
    /// 应急预案 (10)
    case emergencyPlans = "emergency_plans"
    /// 交付物提交质量 (7)
    case deliverables
    /// 故障响应及时性 (25) — P3/P4 only
    case incidentTimeliness = "incident_timeliness"
    /// 用户满意度 (20)
    case userSatisfaction = "user_satisfaction"

    /// This item's row of the template.
    public var definition: ScorecardItem { ScorecardTemplate.items.first { $0.key == self }! }
}

/// Whether Yiwei can compute an item from its own records or a person enters it.
public enum ScoringBasis: String, Sendable {
    /// Computed from records (rates, counts, the survey); the IT department confirms and may adjust within the band.
    case objective
    /// Entered by the IT department (信息科) and signed on the form by both sides.
    case subjective
}

/// One band of an item's 评分标准: its points and the seed's words for it.
public struct ScoreBand: Hashable, Sendable {
    /// The seed's label for the band, when it gives one (巡检到位率's bands have none).
    public let grade: AssessmentGrade?
    public let lowest: ScorePoints
    public let highest: ScorePoints
    /// The seed's text for this band, verbatim.
    public let criterion: String

    public func contains(_ points: ScorePoints) -> Bool { lowest <= points && points <= highest }
}

/// One row of annex 1.
public struct ScorecardItem: Hashable, Sendable, Identifiable {
    public let key: ScorecardItemKey
    /// 评价维度, as in the seed.
    public let name: String
    public let englishName: String
    /// 分值
    public let maxPoints: Int
    public let basis: ScoringBasis
    /// 评分标准, verbatim from the seed, line by line.
    public let rule: [String]
    /// The bands of `rule`, highest first.
    public let bands: [ScoreBand]
    /// What Yiwei computes the item from (objective items) or who enters it (subjective items).
    public let source: String

    public var id: ScorecardItemKey { key }
    public var maximum: ScorePoints { ScorePoints(maxPoints) }

    /// The band a score falls in, if any (a score between two integer bands, e.g. 14.5 of 巡检到位率, has none).
    public func band(for points: ScorePoints) -> ScoreBand? { bands.first { $0.contains(points) } }
}

/// Seed 002 annex 1, 「_____运维服务_____月度评价表」, transcribed. The eight maxima add up to 100.
public enum ScorecardTemplate {
    public static let title = "运维服务月度评价表"
    public static let maxTotal = ScorePoints(100)
    /// 评价结论 line of the form.
    public static let conclusion = "优秀（评分≥85分） 合格（60≤评分<85） 不合格（评分<60分）"

    private static func band(_ grade: AssessmentGrade?, _ low: Int, _ high: Int, _ text: String) -> ScoreBand {
        ScoreBand(grade: grade, lowest: ScorePoints(low), highest: ScorePoints(high), criterion: text)
    }

    public static let items: [ScorecardItem] = [
        ScorecardItem(
            key: .requirementsAndManuals, name: "需求调研与手册完备性", englishName: "Requirement survey and manuals",
            maxPoints: 8, basis: .subjective,
            rule: [
                "优秀（7-8分）：完成需求调研，需求文档规范；系统操作/维护/常见故障手册完整，及时更新，版本管理清晰。",
                "合格（5-6分）：基本完成调研，手册内容覆盖主要模块，但存在多处更新滞后或小缺失。",
                "不合格（0-4分）：未开展必要调研；手册内容缺失严重或超过三个月未交付，影响运维交接。",
            ],
            bands: [
                band(.excellent, 7, 8, "完成需求调研，需求文档规范；系统操作/维护/常见故障手册完整，及时更新，版本管理清晰。"),
                band(.pass, 5, 6, "基本完成调研，手册内容覆盖主要模块，但存在多处更新滞后或小缺失。"),
                band(.fail, 0, 4, "未开展必要调研；手册内容缺失严重或超过三个月未交付，影响运维交接。"),
            ],
            source: "entered by the IT department; the deliverable register (《运维服务需求调研报告》, 《运维手册》 versions) is shown beside it"),
        ScorecardItem(
            key: .training, name: "培训质量", englishName: "Training quality",
            maxPoints: 10, basis: .objective,
            rule: [
                "优秀（9-10分）：培训计划执行率100%，资料完备。",
                "合格（6-8分）：计划执行率≥80%。",
                "不合格（0-5分）：培训延期未补、计划执行率<80%，或因培训不足导致重要操作失误。",
            ],
            bands: [
                band(.excellent, 9, 10, "培训计划执行率100%，资料完备。"),
                band(.pass, 6, 8, "计划执行率≥80%。"),
                band(.fail, 0, 5, "培训延期未补、计划执行率<80%，或因培训不足导致重要操作失误。"),
            ],
            source: "training sessions held ÷ planned in the month (OPS-1), materials and sign-in sheets present"),
        ScorecardItem(
            key: .meetingsAndReports, name: "会议及报告规范性", englishName: "Meetings and reports",
            maxPoints: 5, basis: .objective,
            rule: [
                "优秀（5分）：按时召开例会；月报、季报、故障分析报告等零延迟提交，内容详实、数据准确、有改进分析。",
                "合格（3-4分）：未按时召开例会，报告迟交，内容基本完整无关键错误。",
                "不合格（0-2分）：无故不召开例会，或报告多次迟交、数据严重失实、质量低劣。",
            ],
            bands: [
                band(.excellent, 5, 5, "按时召开例会；月报、季报、故障分析报告等零延迟提交，内容详实、数据准确、有改进分析。"),
                band(.pass, 3, 4, "未按时召开例会，报告迟交，内容基本完整无关键错误。"),
                band(.fail, 0, 2, "无故不召开例会，或报告多次迟交、数据严重失实、质量低劣。"),
            ],
            source: "meetings held on time ÷ scheduled and late reports, from the meeting records (PRJ-5) and the deliverable register (EVAL-4)"),
        ScorecardItem(
            key: .inspectionRate, name: "巡检到位率", englishName: "Inspection completion rate",
            maxPoints: 15, basis: .objective,
            rule: [
                "到位率 = (实际完成巡检数 ÷ 计划巡检数) × 100%",
                "到位率100%且记录详实：15分；",
                "95% ≤ 到位率 < 100%：12-14分；",
                "90% ≤ 到位率 < 95%：9-11分；",
                "到位率 < 90%：0-8分。",
                "发现巡检记录造假，本项计0分。",
            ],
            bands: [
                band(nil, 15, 15, "到位率100%且记录详实：15分；"),
                band(nil, 12, 14, "95% ≤ 到位率 < 100%：12-14分；"),
                band(nil, 9, 11, "90% ≤ 到位率 < 95%：9-11分；"),
                band(nil, 0, 8, "到位率 < 90%：0-8分。"),
            ],
            source: "inspections completed ÷ planned in the month (INS-2)"),
        ScorecardItem(
            key: .emergencyPlans, name: "应急预案", englishName: "Emergency plans",
            maxPoints: 10, basis: .subjective,
            rule: [
                "优秀（9-10分）：预案覆盖所有核心系统，内容科学可执行；",
                "合格（6-8分）：预案基本完备，有演练文本。",
                "不合格（0-5分）：预案缺失、无演练文本。",
            ],
            bands: [
                band(.excellent, 9, 10, "预案覆盖所有核心系统，内容科学可执行；"),
                band(.pass, 6, 8, "预案基本完备，有演练文本。"),
                band(.fail, 0, 5, "预案缺失、无演练文本。"),
            ],
            source: "entered by the IT department; plan coverage of core systems and drill records (OPS-2) are shown beside it"),
        ScorecardItem(
            key: .deliverables, name: "交付物提交质量", englishName: "Deliverable quality",
            maxPoints: 7, basis: .objective,
            rule: [
                "优秀（7分）：所有约定交付物（报告、记录单等）按时提交，格式规范，无需退回修改。",
                "合格（5-6分）：基本按时，存在个别退回修改但不超过3次。",
                "不合格（0-4分）：频繁迟交，质量粗糙，驳回超过3次，影响服务或评价。",
            ],
            bands: [
                band(.excellent, 7, 7, "所有约定交付物（报告、记录单等）按时提交，格式规范，无需退回修改。"),
                band(.pass, 5, 6, "基本按时，存在个别退回修改但不超过3次。"),
                band(.fail, 0, 4, "频繁迟交，质量粗糙，驳回超过3次，影响服务或评价。"),
            ],
            source: "deliverables submitted on time ÷ due and the number returned for revision, from the deliverable register (EVAL-4)"),
        ScorecardItem(
            key: .incidentTimeliness, name: "故障响应及时性", englishName: "Incident response timeliness (P3/P4)",
            maxPoints: 25, basis: .objective,
            rule: [
                "考核三级故障和四级故障的故障响应与修复时限。",
                "优秀（21-25分）：周期类所有三级、四级故障均在合同约定的SLA时限内完成响应；偶有轻微超时，但未对业务运行及用户使用造成可感知影响；故障处理记录完整规范，无用户投诉或科室不满反馈。",
                "合格（13-20分）：周期类所有三级、四级故障存在少量超时；未引发用户书面投诉或科室正式催促；故障处理记录基本完整，存在个别疏漏但经提醒后能及时补正。",
                "不合格（0-12分）：周期类所有三级、四级故障存在多次严重超时；因响应修复严重延误导致业务受阻、引发用户正式投诉；故障处理记录缺失、混乱或失真，影响服务质量评价和事件追溯。",
            ],
            bands: [
                band(.excellent, 21, 25, "周期类所有三级、四级故障均在合同约定的SLA时限内完成响应；偶有轻微超时，但未对业务运行及用户使用造成可感知影响；故障处理记录完整规范，无用户投诉或科室不满反馈。"),
                band(.pass, 13, 20, "周期类所有三级、四级故障存在少量超时；未引发用户书面投诉或科室正式催促；故障处理记录基本完整，存在个别疏漏但经提醒后能及时补正。"),
                band(.fail, 0, 12, "周期类所有三级、四级故障存在多次严重超时；因响应修复严重延误导致业务受阻、引发用户正式投诉；故障处理记录缺失、混乱或失真，影响服务质量评价和事件追溯。"),
            ],
            source: "P3/P4 incidents of the month against their SLA response and resolution targets (SLA-1…4), complaints, record completeness"),
        ScorecardItem(
            key: .userSatisfaction, name: "用户满意度", englishName: "User satisfaction",
            maxPoints: 20, basis: .objective,
            rule: [
                "由主要使用科室代表按月打分（十分制），平均分×2 即为本项得分。",
                "问卷关键项：响应速度、服务态度、技术能力、沟通协调。",
                "平均分≥9：优秀；",
                "6≤平均分<9：合格；",
                "<6：不合格。",
            ],
            bands: [
                ScoreBand(grade: .excellent, lowest: 18, highest: 20, criterion: "平均分≥9：优秀；"),
                ScoreBand(grade: .pass, lowest: 12, highest: ScorePoints(tenths: 179), criterion: "6≤平均分<9：合格；"),
                ScoreBand(grade: .fail, lowest: 0, highest: ScorePoints(tenths: 119), criterion: "<6：不合格。"),
            ],
            source: "the monthly department satisfaction surveys of annex 2: mean of the departments' scores × 2"),
    ]
}
