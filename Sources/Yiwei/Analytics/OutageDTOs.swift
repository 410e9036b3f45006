import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct OutageDTO: Content, Equatable {
    var id: UUID
    var businessSystemId: UUID
    var businessSystemName: String
    var ticketId: UUID?
    var ticketNumber: String?
    var kind: String
    var hospitalWide: Bool
    var startedAt: Date
    var endedAt: Date?
    /// Whole minutes, a started minute counting as one; up to now while ongoing.
    var minutes: Int
    var ongoing: Bool
    var departmentIds: [UUID]
    var scope: String?
    var description: String
    var createdById: UUID
    var createdAt: Date
    var updatedAt: Date
}

/// The body of `POST` and `PATCH /api/v1/outages`. Times are RFC 3339; in a PATCH, `endedAt: ""` clears the end
/// (the outage is ongoing again) and `ticketId: ""` unlinks the ticket.
struct OutageBody: Content {
    var businessSystemId: String?
    var ticketId: String?
    var kind: String?
    var hospitalWide: Bool?
    var startedAt: String?
    var endedAt: String?
    var departmentIds: [String]?
    var scope: String?
    var description: String?
}
