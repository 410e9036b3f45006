import Foundation

/// The five dimensions of seed 002 annex 2 (「运维服务月度满意度评价表」), 10 points each.
public enum SatisfactionDimension: String, CaseIterable, Sendable {
    case responseSpeed = "response_speed"
    case serviceAttitude = "service_attitude"
    case technicalCompetence = "technical_competence"
    case communication
    case resolutionEffect = "resolution_effect"

    /// 评价维度, as in the seed.
    public var name: String {
        switch self {
        case .responseSpeed: "响应速度"
        case .serviceAttitude: "服务态度"
        case .technicalCompetence: "技术能力"
        case .communication: "沟通协调"
        case .resolutionEffect: "问题解决效果"
        }
    }

    public static let maxPoints = 10
    /// The rubric's lowest level is 1–3: a dimension is scored in whole points 1…10.
    public static let validPoints = 1...10

    /// 评分标准, verbatim: (points, text), highest first.
    public var rubric: [(points: ClosedRange<Int>, text: String)] {
        switch self {
        case .responseSpeed: [
            (10...10, "报修后瞬间响应远优于SLA，到场极快。"),
            (8...9, "严格满足SLA时限，基本无等待感。"),
            (6...7, "偶有略超时但未影响业务。"),
            (4...5, "频繁轻微超时，需反复催促才响应。"),
            (1...3, "经常联系不上或严重超时，对诊疗造成明显阻碍。"),
        ]
        case .serviceAttitude: [
            (10...10, "态度热忱、主动，能安抚用户急躁情绪，主动跟进结果。"),
            (8...9, "礼貌、耐心，沟通顺畅，用户感受良好。"),
            (6...7, "态度正常，完成本职沟通，无投诉但无亮点。"),
            (4...5, "偶有语气急躁、推诿或不够耐心。"),
            (1...3, "态度恶劣、与用户争执，或被多次投诉态度问题。"),
        ]
        case .technicalCompetence: [
            (10...10, "无需转手，一次到场即精准确诊并解决复杂问题，能主动优化隐患。"),
            (8...9, "能独立解决职责内的各类故障，偶需二线支持但效率较高。"),
            (6...7, "常见问题能处理，疑难问题明显依赖后方，但最终能闭环。"),
            (4...5, "基础技能不足，处理耗时过长，或相同故障反复出现。"),
            (1...3, "技术严重欠缺，操作失误导致影响扩大或引发新故障。"),
        ]
        case .communication: [
            (10...10, "变更、升级、恢复等主动同步信息，跨厂商协调无需我方介入，过程透明。"),
            (8...9, "关键节点主动告知，响应及时，多方配合顺畅。"),
            (6...7, "被动式沟通，一问一答，但信息准确。"),
            (4...5, "信息传递滞后或错漏，需我方反复确认协调。"),
            (1...3, "隐瞒延误、推卸责任、协调完全失效导致故障扩大。"),
        ]
        case .resolutionEffect: [
            (10...10, "彻底根治，近期未复发，且提供有效的自查建议或改进方案。"),
            (8...9, "故障完全恢复，功能正常，用户认可解决结果。"),
            (6...7, "主要功能恢复，但遗留小问题，或临时方案不够便捷。"),
            (4...5, "解决不彻底，短期内复发，或临时方案严重降低效率。"),
            (1...3, "未解决核心问题，或修复过程中造成数据丢失等衍生事故。"),
        ]
        }
    }
}

/// One department's filled-in annex 2 form for one month.
public struct SatisfactionResponse: Hashable, Sendable {
    /// 采购人用户科室
    public let department: String
    public let scores: [SatisfactionDimension: Int]

    /// All five dimensions, each a whole number 1…10. Throws `EvaluationInputError`.
    public init(department: String, scores: [SatisfactionDimension: Int]) throws {
        guard !department.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EvaluationInputError("survey: the department is required")
        }
        for dimension in SatisfactionDimension.allCases {
            guard let s = scores[dimension] else { throw EvaluationInputError("survey \(department): \(dimension.name) has no score") }
            guard SatisfactionDimension.validPoints.contains(s) else {
                throw EvaluationInputError("survey \(department): \(dimension.name) is \(s), outside 1…10")
            }
        }
        self.department = department
        self.scores = scores
    }

    /// 小计: the five scores added (5…50).
    public var subtotal: Int { scores.values.reduce(0, +) }

    /// 总分 = 五个维度得分的算术平均值（保留一位小数）. Exact: a sum of five whole numbers divided by 5 never
    /// has more than one decimal (subtotal ÷ 5 = subtotal × 2 tenths).
    public var score: ScorePoints { ScorePoints(tenths: subtotal * 2) }

    /// 评价结论: ≥ 9 优秀, 6 ≤ score < 9 合格, < 6 不合格.
    public var grade: AssessmentGrade { SatisfactionSurvey.grade(of: score) }
}

/// Seed 002 annex 2 and its place in annex 1's 用户满意度 item.
public enum SatisfactionSurvey {
    public static let title = "运维服务月度满意度评价表"

    /// ≥ 9 优秀, 6 ≤ score < 9 合格, < 6 不合格 (the same thresholds for one form and for the departments' mean).
    public static func grade(of score: ScorePoints) -> AssessmentGrade {
        if score >= 9 { return .excellent }
        if score >= 6 { return .pass }
        return .fail
    }

    /// The mean of the departments' scores, rounded half up to one decimal. One form per department;
    /// throws on none or on a department twice.
    public static func departmentMean(_ responses: [SatisfactionResponse]) throws -> ScorePoints {
        var seen = Set<String>()
        for r in responses where !seen.insert(r.department).inserted {
            throw EvaluationInputError("survey: \(r.department) answered twice")
        }
        guard let mean = ScorePoints.mean(responses.map(\.score)) else {
            throw EvaluationInputError("survey: no department answered; 用户满意度 cannot be computed")
        }
        return mean
    }

    /// Annex 1 用户满意度: 平均分 × 2 (0…20).
    public static func scorecardPoints(mean: ScorePoints) -> ScorePoints { mean * 2 }
}
