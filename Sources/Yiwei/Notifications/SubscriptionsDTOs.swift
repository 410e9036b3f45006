import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct SubscriptionDTO: Content, Equatable {
    var id: UUID
    var name: String
    var event: String
    var role: String?
    var teamId: UUID?
    var ticketTeam: Bool
    var domain: String?
    var delivery: String
    var isActive: Bool
    var createdAt: Date
}

struct SubscriptionBody: Content {
    var name: String?
    var event: String?
    var role: String?
    var teamId: String?
    var ticketTeam: Bool?
    var domain: String?
    var delivery: String?
}
