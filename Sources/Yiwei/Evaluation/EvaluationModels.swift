import Fluent
import Foundation
import SQLKit

// The three registers that feed the monthly vendor scorecard (EVAL-2, EVAL-4): the departments'
// satisfaction survey (seed 002 annex 2), the deliverables register and on-site attendance.
// @unchecked Sendable on the models below: Fluent models are mutable classes; each instance is used by one
// request at a time and never shared between tasks.

/// 满意度调查: one vendor, one assessed month, the departments asked to answer. At most one per vendor and month.
package final class SatisfactionSurveyRecord: Model, @unchecked Sendable {
    package static let schema = "satisfaction_surveys"
    @ID(key: .id) package var id: UUID?
    @Field(key: "vendor_id") package var vendorId: UUID
    /// The assessed month, `2026-11`.
    @Field(key: "month") package var month: String
    /// `open` or `closed`
    @Field(key: "status") package var status: String
    @Field(key: "started_by") package var startedBy: UUID
    @Field(key: "created_at") package var createdAt: Date
    @OptionalField(key: "closed_at") package var closedAt: Date?
    @OptionalField(key: "closed_by") package var closedBy: UUID?
    package init() {}
}

/// A department asked to answer a survey.
package final class SurveyDepartment: Model, @unchecked Sendable {
    package static let schema = "satisfaction_survey_departments"
    @ID(key: .id) package var id: UUID?
    @Field(key: "survey_id") package var surveyId: UUID
    @Field(key: "department_id") package var departmentId: UUID
    package init() {}
}

/// One department's filled-in annex 2 form: five whole scores 1…10 and an optional comment. Final once saved.
package final class SurveyAnswer: Model, @unchecked Sendable {
    package static let schema = "satisfaction_responses"
    @ID(key: .id) package var id: UUID?
    @Field(key: "survey_id") package var surveyId: UUID
    @Field(key: "department_id") package var departmentId: UUID
    @Field(key: "respondent_id") package var respondentId: UUID
    @Field(key: "response_speed") package var responseSpeed: Int
    @Field(key: "service_attitude") package var serviceAttitude: Int
    @Field(key: "technical_competence") package var technicalCompetence: Int
    @Field(key: "communication") package var communication: Int
    @Field(key: "resolution_effect") package var resolutionEffect: Int
    @OptionalField(key: "comment") package var comment: String?
    @Field(key: "submitted_at") package var submittedAt: Date
    package init() {}
}

/// 交付物: one report or record a vendor owes by a due date (a day in the hospital's time zone).
package final class Deliverable: Model, @unchecked Sendable {
    package static let schema = "deliverables"
    @ID(key: .id) package var id: UUID?
    @Field(key: "vendor_id") package var vendorId: UUID
    /// `DeliverableType` raw value
    @Field(key: "type") package var type: String
    @Field(key: "title") package var title: String
    /// The period it covers, as written (2026-11, 2026年第47周 …).
    @OptionalField(key: "period") package var period: String?
    /// `YYYY-MM-DD`: the last day on which a submission is on time.
    @Field(key: "due_date") package var dueDate: String
    /// The first instant after the due day (its midnight in the hospital's time zone).
    @Field(key: "due_end_at") package var dueEndAt: Date
    /// `pending` 待提交, `submitted` 已提交, `returned` 退回修改, `accepted` 已验收
    @Field(key: "status") package var status: String
    @OptionalField(key: "first_submitted_at") package var firstSubmittedAt: Date?
    @OptionalField(key: "last_submitted_at") package var lastSubmittedAt: Date?
    /// Decided once, at the first submission: first submission < `dueEndAt`.
    @OptionalField(key: "on_time") package var onTime: Bool?
    /// How many times the IT department returned it for revision.
    @Field(key: "returned_count") package var returnedCount: Int
    @OptionalField(key: "return_reason") package var returnReason: String?
    @OptionalField(key: "accepted_at") package var acceptedAt: Date?
    @OptionalField(key: "accepted_by") package var acceptedBy: UUID?
    @Field(key: "created_by") package var createdBy: UUID
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}
}

/// A file of a deliverable, stored like ticket attachments (sniffed type, 10 MB, generated path).
final class DeliverableFile: Model, @unchecked Sendable {
    static let schema = "deliverable_files"
    @ID(key: .id) var id: UUID?
    @Field(key: "deliverable_id") var deliverableId: UUID
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "stored_path") var storedPath: String
    @Field(key: "uploader_id") var uploaderId: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// The history of a deliverable: registered, submitted (a file), returned (with the reason), accepted.
package final class DeliverableEvent: Model, @unchecked Sendable {
    package static let schema = "deliverable_events"
    @ID(key: .id) package var id: UUID?
    @Field(key: "deliverable_id") package var deliverableId: UUID
    @Field(key: "action") package var action: String
    @OptionalField(key: "note") package var note: String?
    @Field(key: "actor_id") package var actorId: UUID
    @Field(key: "at") package var at: Date
    package init() {}
}

/// 驻场人员: an on-site engineer of a vendor — an account with the vendor role, or just a name.
package final class OnsiteStaff: Model, @unchecked Sendable {
    package static let schema = "onsite_staff"
    @ID(key: .id) package var id: UUID?
    @Field(key: "vendor_id") package var vendorId: UUID
    @OptionalField(key: "user_id") package var userId: UUID?
    @Field(key: "name") package var name: String
    /// 岗位: 软件开发工程师, 项目管理工程师, 网络及信息安全工程师 …
    @OptionalField(key: "post") package var post: String?
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "created_at") package var createdAt: Date
    package init() {}
}

/// One scheduled person-day and what happened on it. No row: not scheduled that day.
package final class AttendanceDay: Model, @unchecked Sendable {
    package static let schema = "attendance_days"
    @ID(key: .id) package var id: UUID?
    @Field(key: "staff_id") package var staffId: UUID
    @Field(key: "vendor_id") package var vendorId: UUID
    /// `YYYY-MM-DD`, a day in the hospital's time zone.
    @Field(key: "day") package var day: String
    /// `AttendanceStatus` raw value
    @Field(key: "status") package var status: String
    /// Who stood in, for `leave_replaced`.
    @OptionalField(key: "replacement") package var replacement: String?
    @OptionalField(key: "note") package var note: String?
    @Field(key: "updated_by") package var updatedBy: UUID
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}
}
