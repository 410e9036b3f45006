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

struct CreateDispatchRules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DispatchRule.schema)
            .id()
            .field("position", .int, .required)
            .field("name", .string, .required)
            .field("domain", .string, .required)
            .field("category_id", .uuid, .references(Category.schema, .id))
            .field("business_system_id", .uuid, .references(BusinessSystem.schema, .id))
            .field("campus_id", .uuid, .references(Campus.schema, .id))
            .field("priority", .string)
            .field("team_id", .uuid, .required, .references(Team.schema, .id))
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_dispatch_rules_domain").on(DispatchRule.schema).column("domain").column("position").run()
    }

    func revert(on database: any Database) async throws { try await database.schema(DispatchRule.schema).delete() }
}

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

/// `GET/POST /api/v1/dispatch-rules`, `PATCH/DELETE /api/v1/dispatch-rules/{id}`.
struct DispatchRuleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("dispatch-rules", use: list)
        routes.post("dispatch-rules", use: create)
        routes.patch("dispatch-rules", ":ruleId", use: patch)
        routes.delete("dispatch-rules", ":ruleId", use: delete)
    }

    func list(req: Request) async throws -> [DispatchRuleDTO] {
        try req.require(.readOrganisation)
        return try await DispatchRule.query(on: req.db).sort(\.$domain).sort(\.$position).sort(\.$createdAt).all().map(DispatchRuleService.dto)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        return try await DispatchRuleService.create(try req.decodeJSON(DispatchRuleBody.self), request: req).encodeResponse(status: .created, for: req)
    }

    func patch(req: Request) async throws -> DispatchRuleDTO {
        try req.require(.manageOrganisation)
        return try await DispatchRuleService.patch(req.parameters.get("ruleId", as: UUID.self), try req.decodeJSON(DispatchRulePatch.self), request: req)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try req.require(.manageOrganisation)
        try await DispatchRuleService.delete(req.parameters.get("ruleId", as: UUID.self), request: req)
        return .noContent
    }
}

/// 派单规则 page: the rules in order with on/off and delete, and a form to add one.
struct DispatchRulePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "dispatch-rules", use: page)
        routes.post("admin", "dispatch-rules", use: create)
        routes.post("admin", "dispatch-rules", ":ruleId", "toggle", use: toggle)
        routes.post("admin", "dispatch-rules", ":ruleId", "delete", use: delete)
    }

    struct Form: Content {
        var name: String?, domain: String?, categoryId: String?, businessSystemId: String?, campusId: String?, priority: String?, teamId: String?, position: String?
    }

    func page(req: Request) async throws -> View { try await render(req, form: Form(), errors: [:]) }

    private func render(_ req: Request, form: Form, errors: [String: String]) async throws -> View {
        let user = try req.require(.viewSettingsPages)
        let manage = user.can(.manageOrganisation)
        let base = try await PageBase.make(for: req, titleKey: "dispatch_rules_title")
        let t = base.t, labels = TicketLabels(t: t)
        let lookups = try await req.reference().lookups
        let systems = try await BusinessSystem.query(on: req.db).sort(\.$name).all().map { ($0.id!, $0.name) }
        let rules = try await DispatchRule.query(on: req.db).sort(\.$domain).sort(\.$position).sort(\.$createdAt).all()
        let any = t[text: "dispatch_any"]
        var columns = [t[text: "field_name"], t[text: "dispatch_position"], t[text: "ticket_domain"], t[text: "ticket_category"], t[text: "ticket_system"], t[text: "field_campus"],
                       t[text: "col_priority"], t[text: "dispatch_team"], t[text: "col_status"]]
        if manage { columns.append("") }
        let rows = try rules.map { r -> [ListCell] in
            var row = [ListCell(text: r.name), ListCell(text: String(r.position)), ListCell(text: labels.domain(r.domain), badge: r.domain),
                       ListCell(text: lookups.name(lookups.categories.map { ($0.0, $0.1) }, r.categoryId).nonEmpty ?? any),
                       ListCell(text: lookups.name(systems, r.businessSystemId).nonEmpty ?? any),
                       ListCell(text: lookups.name(lookups.campuses, r.campusId).nonEmpty ?? any),
                       ListCell(text: r.priority.map { labels.priority($0) } ?? any),
                       ListCell(text: lookups.name(lookups.teams.map { ($0.0, $0.1) }, r.teamId)),
                       manage ? ListCell(text: r.isActive ? t[text: "sla_deactivate"] : t[text: "sla_activate"], postAction: "/admin/dispatch-rules/\(try r.requireID())/toggle",
                                         state: r.isActive ? t[text: "sla_active"] : t[text: "sla_inactive"], stateOn: r.isActive)
                              : ListCell(text: r.isActive ? t[text: "sla_active"] : t[text: "sla_inactive"], muted: !r.isActive)]
            if manage { row.append(ListCell(text: t[text: "action_delete"], postAction: "/admin/dispatch-rules/\(try r.requireID())/delete")) }
            return row
        }
        let f = FormValues(form)
        let fields = manage ? FormField.withErrors([
            FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
            FormField(name: "domain", label: t[text: "ticket_domain"], kind: .select,
                      options: FormField.options(ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }, selected: [f["domain"].isEmpty ? "it" : f["domain"]])),
            FormField(name: "categoryId", label: t[text: "ticket_category"], kind: .select,
                      options: FormField.options(lookups.categories.map { ($0.0.uuidString, labels.domain($0.2) + " / " + $0.1) }, selected: [f["categoryId"]], allowEmpty: any),
                      help: t["help_dispatch_category"]),
            FormField(name: "businessSystemId", label: t[text: "ticket_system"], kind: .select,
                      options: FormField.options(systems.map { ($0.0.uuidString, $0.1) }, selected: [f["businessSystemId"]], allowEmpty: any)),
            FormField(name: "campusId", label: t[text: "field_campus"], kind: .select,
                      options: FormField.options(lookups.campuses.map { ($0.0.uuidString, $0.1) }, selected: [f["campusId"]], allowEmpty: any),
                      help: t["help_dispatch_campus"]),
            FormField(name: "priority", label: t[text: "col_priority"], kind: .select,
                      options: FormField.options(Priority.allCases.map { ($0.rawValue, labels.priority($0.rawValue)) }, selected: [f["priority"]], allowEmpty: any)),
            FormField(name: "teamId", label: t[text: "dispatch_team"], kind: .select,
                      options: FormField.options(lookups.teams.map { ($0.0.uuidString, labels.domain($0.2) + " / " + $0.1) }, selected: [f["teamId"]]), required: true),
            FormField(name: "position", label: t[text: "dispatch_position"], kind: .number, value: f["position"], help: t["help_dispatch_position"]),
        ], errors, locale: base.lang) : []
        return try await req.view.render("admin/rules", RulesPageContext(
            page: base, heading: base.title, intro: t[text: "dispatch_rules_intro"], columns: columns, rows: ListPageContext.labelled(rows, columns),
            emptyText: t[text: "dispatch_rules_empty"], formAction: "/admin/dispatch-rules", formTitle: t[text: "dispatch_rule_new"], fields: fields,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"]))
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let form = try req.content.decode(Form.self)
        let position = (form.position ?? "").trimmingCharacters(in: .whitespaces)
        do {
            if !position.isEmpty && Int(position) == nil { throw AppError.validation(["position": "must be a whole number"]) }
            _ = try await DispatchRuleService.create(DispatchRuleBody(name: form.name, domain: form.domain, categoryId: form.categoryId,
                                                                      businessSystemId: form.businessSystemId, campusId: form.campusId,
                                                                      priority: form.priority, teamId: form.teamId, position: Int(position)), request: req)
            return req.redirect(to: "/admin/dispatch-rules", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func toggle(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let id = req.parameters.get("ruleId", as: UUID.self)
        guard let id, let rule = try await DispatchRule.find(id, on: req.db) else { throw AppError.notFound("dispatch_rule") }
        _ = try await DispatchRuleService.patch(id, DispatchRulePatch(isActive: !rule.isActive), request: req)
        return req.redirect(to: "/admin/dispatch-rules", flash: "saved")
    }

    func delete(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        try await DispatchRuleService.delete(req.parameters.get("ruleId", as: UUID.self), request: req)
        return req.redirect(to: "/admin/dispatch-rules", flash: "saved")
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
