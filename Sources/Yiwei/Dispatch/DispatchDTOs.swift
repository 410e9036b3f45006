import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct DispatchRuleDTO: Content, Equatable {
    var id: UUID
    var position: Int
    var name: String
    var domain: String
    var categoryId: UUID?
    var businessSystemId: UUID?
    var campusId: UUID?
    var priority: String?
    var teamId: UUID
    var isActive: Bool
    var createdAt: Date
}

struct DispatchRuleBody: Content {
    var name: String?
    var domain: String?
    var categoryId: String?
    var businessSystemId: String?
    var campusId: String?
    var priority: String?
    var teamId: String?
    var position: Int?
}

struct DispatchRulePatch: Content {
    var position: Int?
    var isActive: Bool?
}
