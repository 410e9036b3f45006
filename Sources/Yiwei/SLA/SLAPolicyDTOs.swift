import Fluent
import Foundation
import Vapor
import YiweiCore

struct SLAClockDTO: Content, Equatable {
    var kind: String
    var targetMinutes: Int
    var dueAt: Date?
    var elapsedMinutes: Double
    var pausedMinutes: Double
    var stoppedAt: Date?
    var breached: Bool
    var paused: Bool
    /// True: this clock counts the calendar's working time; false: the wall clock.
    var businessTime: Bool
}

struct EscalationStepDTO: Content, Equatable {
    var clock: String
    var percent: Int
    var notify: [String]
    var userIds: [UUID]?
}

struct SLAPolicyDTO: Content, Equatable {
    var id: UUID
    var name: String
    var domain: String
    var priority: String
    var categoryId: UUID?
    var businessSystemId: UUID?
    var calendarId: UUID
    var businessTime: Bool
    var responseMinutes: Int?
    var startMinutes: Int?
    var resolveMinutes: Int?
    var offHoursResponseMinutes: Int?
    var offHoursStartMinutes: Int?
    var offHoursResolveMinutes: Int?
    /// Per-clock time basis (each defaults to `businessTime`).
    var responseBusinessTime: Bool
    var startBusinessTime: Bool
    var resolveBusinessTime: Bool
    var planAfterMinutes: Int?
    var escalation: [EscalationStepDTO]
    var isActive: Bool
    var effectiveFrom: Date
}

struct SLAPolicyBody: Content {
    var name: String?
    var domain: String?
    var priority: String?
    var categoryId: String?
    var businessSystemId: String?
    var calendarId: String?
    var businessTime: Bool?
    var responseMinutes: Int?
    var startMinutes: Int?
    var resolveMinutes: Int?
    var offHoursResponseMinutes: Int?
    var offHoursStartMinutes: Int?
    var offHoursResolveMinutes: Int?
    var responseBusinessTime: Bool?
    var startBusinessTime: Bool?
    var resolveBusinessTime: Bool?
    var planAfterMinutes: Int?
    var escalation: [EscalationStepDTO]?
    var effectiveFrom: String?
}

struct SLAPolicyPatch: Content {
    var isActive: Bool?
}
