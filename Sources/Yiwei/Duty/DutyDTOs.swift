import Foundation
import Vapor

struct DutyShiftTypeDTO: Content, Equatable {
    var id: UUID
    var name: String
    var start: String
    var end: String
    var level: String
    var teamId: UUID?
    /// The shift ends on the next day.
    var crossesMidnight: Bool
    /// How long the shift lasts (1,440 for 24 hours).
    var minutes: Int
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
}

struct DutyShiftTypeBody: Content {
    var name: String?
    var start: String?
    var end: String?
    var level: String?
    var teamId: String?
}

struct DutyShiftDTO: Content, Equatable {
    var id: UUID
    var teamId: UUID
    var userId: UUID
    var shiftTypeId: UUID
    var date: String
    var startsAt: Date
    var endsAt: Date
    var level: String
    var createdAt: Date
}

struct DutyShiftBody: Content {
    var teamId: String?
    var userId: String?
    var shiftTypeId: String?
    var date: String?
}

struct DutyNowDTO: Content, Equatable {
    struct OnDuty: Content, Equatable {
        var userId: UUID
        var shiftId: UUID
        var level: String
    }
    var at: Date
    var teamId: UUID
    var onDuty: [OnDuty]
}
