import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct SurveyDepartmentDTO: Content, Equatable {
    var id: UUID
    var name: String
    var answered: Bool
}

struct SurveyResponseDTO: Content, Equatable {
    var id: UUID
    var surveyId: UUID
    var departmentId: UUID
    var department: String
    var respondentId: UUID
    /// Keyed by `SatisfactionDimension` raw value (`response_speed` …), each 1…10.
    var scores: [String: Int]
    /// 小计 (5…50)
    var subtotal: Int
    /// 总分 = the five scores' mean, one decimal.
    var score: Decimal
    /// `excellent` 优秀, `pass` 合格, `fail` 不合格
    var grade: String
    var comment: String?
    var submittedAt: Date
}

/// The survey's averages so far: each dimension's mean over the departments that answered, the departments'
/// mean score (SatisfactionSurvey.departmentMean), and the scorecard item 用户满意度 = mean × 2.
struct SurveyAveragesDTO: Content, Equatable {
    var dimensions: [String: Decimal]
    var overall: Decimal
    var grade: String
    var scorecardPoints: Decimal
}

struct SurveyDTO: Content, Equatable {
    var id: UUID
    var vendorId: UUID
    var vendor: String
    var month: String
    /// `open` or `closed`
    var status: String
    var createdAt: Date
    var closedAt: Date?
    var departments: [SurveyDepartmentDTO]
    var answered: Int
    var pending: Int
    /// Leads and auditors only, once a department has answered.
    var averages: SurveyAveragesDTO?
    /// Leads and auditors: every answer; a department's user: their department's answer.
    var responses: [SurveyResponseDTO]
}

struct SurveyCreateBody: Content {
    var month: String?
    var vendorIds: [String]?
    /// Every active vendor instead of a list.
    var allActiveVendors: Bool?
    var departmentIds: [String]?
}

struct SurveyAnswerBody: Content {
    var scores: [String: Int]?
    var comment: String?
}
