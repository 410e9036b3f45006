import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 派单规则 (DSP-1): "tickets of this domain, for this category (or any below it), business system,
/// campus and priority go to this team". Rules are tried in order of `position`; the first whose every
/// set condition matches decides. Without a match the built-in rules apply: the business system's vendor
/// team, then the category's default team.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
final class DispatchRule: Model, @unchecked Sendable {
    static let schema = "dispatch_rules"
    @ID(key: .id) var id: UUID?
    @Field(key: "position") var position: Int
    @Field(key: "name") var name: String
    @Field(key: "domain") var domain: String
    @OptionalField(key: "category_id") var categoryId: UUID?
    @OptionalField(key: "business_system_id") var businessSystemId: UUID?
    @OptionalField(key: "campus_id") var campusId: UUID?
    @OptionalField(key: "priority") var priority: String?
    @Field(key: "team_id") var teamId: UUID
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// What a ticket offers the rules to match on.
struct DispatchFacts {
    var domain: String
    var priority: String?
    /// The ticket's category and every category above it.
    var categories: Set<UUID>
    var businessSystemId: UUID?
    var campusId: UUID?

    static func of(domain: String, priority: String?, categoryId: UUID?, businessSystemId: UUID?, departmentId: UUID?,
                   reference r: ReferenceData) -> DispatchFacts {
        var categories = Set<UUID>()
        var next = categoryId
        while let id = next, !categories.contains(id), categories.count < 20 {
            categories.insert(id)
            next = r.categories[id]?.parentId
        }
        let campus = departmentId.flatMap { r.departments[$0]?.campusId }
        return DispatchFacts(domain: domain, priority: priority, categories: categories, businessSystemId: businessSystemId, campusId: campus)
    }

    func matches(_ r: DispatchRule) -> Bool {
        guard r.isActive, r.domain == domain else { return false }
        if let c = r.categoryId, !categories.contains(c) { return false }
        if let s = r.businessSystemId, s != businessSystemId { return false }
        if let c = r.campusId, c != campusId { return false }
        if let p = r.priority, p != priority { return false }
        return true
    }
}

enum DispatchRuleService {
    static func dto(_ r: DispatchRule) -> DispatchRuleDTO {
        DispatchRuleDTO(id: r.id!, position: r.position, name: r.name, domain: r.domain, categoryId: r.categoryId, businessSystemId: r.businessSystemId,
                        campusId: r.campusId, priority: r.priority, teamId: r.teamId, isActive: r.isActive, createdAt: r.createdAt)
    }

    /// The first active rule that matches, in order.
    static func create(_ body: DispatchRuleBody, request: Request) async throws -> DispatchRuleDTO {
        var v = Validator()
        let db = request.db
        let name = v.text("name", body.name, max: 50)
        let domain = v.oneOf("domain", body.domain, ServiceDomain.self)
        func blank(_ s: String?) -> String? { (s ?? "").isEmpty ? nil : s }
        let categoryId = v.uuid("categoryId", blank(body.categoryId))
        if let categoryId {
            if let c = try await Category.find(categoryId, on: db) {
                if let domain, c.domain != domain.rawValue { v.add("categoryId", "the category belongs to another domain") }
            } else { v.add("categoryId", "no such category") }
        }
        let systemId = v.uuid("businessSystemId", blank(body.businessSystemId))
        if let systemId, try await BusinessSystem.find(systemId, on: db) == nil { v.add("businessSystemId", "no such business system") }
        let campusId = v.uuid("campusId", blank(body.campusId))
        if let campusId, try await Campus.find(campusId, on: db) == nil { v.add("campusId", "no such campus") }
        let priority = v.oneOf("priority", blank(body.priority), Priority.self, required: false)
        let teamId = v.uuid("teamId", body.teamId, required: true)
        if let teamId {
            if let team = try await Team.find(teamId, on: db) {
                if let domain, team.domain != domain.rawValue { v.add("teamId", "the team works in another domain") }
                if !team.isActive { v.add("teamId", "the team is inactive") }
            } else { v.add("teamId", "no such team") }
        }
        if let position = body.position, !(0...9999).contains(position) { v.add("position", "must be between 0 and 9999") }
        try v.check()
        let last = try await DispatchRule.query(on: db).filter(\.$domain == domain!.rawValue).max(\.$position) ?? 0
        let r = DispatchRule()
        r.name = name!; r.domain = domain!.rawValue; r.categoryId = categoryId; r.businessSystemId = systemId; r.campusId = campusId
        r.priority = priority?.rawValue; r.teamId = teamId!; r.position = body.position ?? (last + 10); r.isActive = true; r.createdAt = request.now
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(r)
        return try await request.write { db in
            try await saved.model.create(on: db)
            let dto = dto(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "dispatch_rule.create", entityType: "dispatch_rule",
                                      entityId: saved.model.id?.uuidString, after: dto)
            return dto
        }
    }

    static func patch(_ id: UUID?, _ body: DispatchRulePatch, request: Request) async throws -> DispatchRuleDTO {
        guard let id, let r = try await DispatchRule.find(id, on: request.db) else { throw AppError.notFound("dispatch_rule") }
        var v = Validator()
        if let position = body.position, !(0...9999).contains(position) { v.add("position", "must be between 0 and 9999") }
        if body.position == nil && body.isActive == nil { v.add("isActive", "give position or isActive") }
        try v.check()
        let before = dto(r)
        if let position = body.position { r.position = position }
        if let active = body.isActive { r.isActive = active }
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(r)
        return try await request.write { db in
            try await saved.model.update(on: db)
            let after = dto(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "dispatch_rule.update", entityType: "dispatch_rule",
                                      entityId: id.uuidString, before: before, after: after)
            return after
        }
    }

    static func delete(_ id: UUID?, request: Request) async throws {
        guard let id, let r = try await DispatchRule.find(id, on: request.db) else { throw AppError.notFound("dispatch_rule") }
        let before = dto(r)
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(r)
        try await request.write { db in
            try await saved.model.delete(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "dispatch_rule.delete", entityType: "dispatch_rule",
                                      entityId: id.uuidString, before: before)
        }
    }
}

/// A table of rules with a form beside it (dispatch rules, subscriptions).
struct RulesPageContext: Encodable {
    var page: PageBase
    var heading: String
    var intro: String
    var columns: [String]
    var rows: [[ListCell]]
    var emptyText: String
    var formAction: String
    var formTitle: String
    var fields: [FormField]
    var errorSummary: String?
}

extension String {
    /// nil for the empty string, for `?? default` chains.
    var nonEmpty: String? { isEmpty ? nil : self }
}
