import Foundation
import Vapor
import YiweiCore

/// Per-record rules of the three registers (see docs/vendor-evaluation.md, "Permissions"), from the
/// permissions of docs/permissions.md: those who manage evaluation change everything, readers read
/// everything; a vendor's engineers see and submit their own vendor's deliverables; a department's staff
/// answer its surveys.
extension CurrentUser {
    /// Start and close surveys, register, accept and return deliverables, keep the roster and attendance.
    var managesEvaluation: Bool { can(.manageEvaluation) }
    /// Read every survey's progress, every deliverable and the attendance of every vendor.
    var readsEvaluation: Bool { can(.readEvaluation) }
    /// A vendor's engineer: their own vendor's deliverables only.
    var deliverableVendor: UUID? { can(.submitDeliverables) && !readsEvaluation ? vendorId : nil }
    /// A department's staff member who may answer its satisfaction surveys (never someone of a vendor, who
    /// would be marking their own company).
    var surveyDepartment: UUID? { can(.answerSurveys) ? departmentId : nil }
}

package enum DeliverableType: String, CaseIterable, Sendable {
    case weeklyReport = "weekly_report"
    case monthlyReport = "monthly_report"
    case inspectionReport = "inspection_report"
    case meetingMinutes = "meeting_minutes"
    case emergencyPlan = "emergency_plan"
    case operationsManual = "operations_manual"
    case trainingRecord = "training_record"
    case other
}

package enum DeliverableStatus: String, CaseIterable, Sendable {
    case pending, submitted, returned, accepted
}

/// What happened on a scheduled person-day.
package enum AttendanceStatus: String, CaseIterable, Sendable {
    /// On the roster, not yet recorded.
    case scheduled
    case present
    case absent
    /// 请假（无替岗）
    case leave
    /// 请假（有替岗）: the vendor sent a replacement (seed 000 §5.5 「服务商应提供替岗」), so the post was staffed.
    case leaveReplaced = "leave_replaced"

    /// Counts as a present person-day for 驻场到岗率.
    var countsPresent: Bool { self == .present || self == .leaveReplaced }
}

/// A `?month=2026-11` parameter (or body field): 422 with the field when malformed.
func parseMonth(_ raw: String?, field: String = "month", v: inout Validator, required: Bool = true) -> YearMonth? {
    guard let raw, !raw.isEmpty else {
        if required { v.add(field, "required") }
        return nil
    }
    guard let month = YearMonth(raw) else { v.add(field, "must be a month like 2026-11"); return nil }
    return month
}
