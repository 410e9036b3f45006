import Fluent
import Foundation
import Vapor
import YiweiCore

struct OnsiteStaffDTO: Content, Equatable {
    var id: UUID
    var vendorId: UUID
    var userId: UUID?
    var name: String
    var post: String?
    var isActive: Bool
}

struct AttendanceDayDTO: Content, Equatable {
    var status: String
    var replacement: String?
    var note: String?
}

struct AttendanceStaffRow: Content, Equatable {
    var staff: OnsiteStaffDTO
    /// Keyed by day, `2026-11-03`; a day not listed is not scheduled.
    var days: [String: AttendanceDayDTO]
    var scheduled: Int
    var present: Int
}

struct AttendanceMonthDTO: Content, Equatable {
    var vendorId: UUID
    var vendor: String
    var month: String
    var staff: [AttendanceStaffRow]
    /// Person-days on the roster.
    var scheduled: Int
    /// 到岗 + 请假（有替岗）.
    var present: Int
    /// Scheduled days still without a record.
    var unrecorded: Int
    /// 驻场到岗率 = present ÷ scheduled (ObjectiveScoring.attendanceRate), in percent with one decimal; 100 when nothing was scheduled.
    var ratePercent: Decimal
}

struct AttendanceEntryBody: Content {
    var staffId: String?
    var day: String?
    /// `scheduled`, `present`, `absent`, `leave`, `leave_replaced`, or `off` (not scheduled: removes the day).
    var status: String?
    var replacement: String?
    var note: String?
}

struct AttendancePutBody: Content {
    var vendorId: String?
    var month: String?
    /// The whole month's grid: scheduled days of the vendor's staff that are not listed are removed.
    var replace: Bool?
    var entries: [AttendanceEntryBody]?
}

struct OnsiteStaffBody: Content {
    var vendorId: String?
    var userId: String?
    var name: String?
    var post: String?
    var isActive: Bool?
}

struct RosterBody: Content {
    var vendorId: String?
    var month: String?
    /// 1 = Monday … 7 = Sunday; Monday to Friday when absent.
    var weekdays: [Int]?
}
