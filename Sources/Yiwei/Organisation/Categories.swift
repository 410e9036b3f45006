import Fluent
import Vapor
import YiweiCore

extension Category: OrgModel {}

struct CategoryBody: OrgBody {
    var name: String?
    var domain: String?
    var parentId: String?
    var defaultTeamId: String?
    var sortOrder: Int?
    var isActive: Bool?
}

enum CategoryResource: OrgResource {
    typealias M = Category
    static let apiPath = "categories", pagePath = "categories", entity = "category", i18nKey = "category"

    static func dtos(_ models: [Category], on db: any Database) async throws -> [CategoryDTO] {
        models.map {
            CategoryDTO(id: $0.id!, name: $0.name, domain: $0.domain, parentId: $0.parentId, defaultTeamId: $0.defaultTeamId,
                        sortOrder: $0.sortOrder, isActive: $0.isActive, createdAt: $0.createdAt, updatedAt: $0.updatedAt)
        }
    }

    static func apply(_ body: CategoryBody, to m: Category, creating: Bool, v: inout Validator, on db: any Database) async throws {
        if creating || body.name != nil { m.name = v.text("name", body.name, max: 50) ?? "" }
        if creating || body.domain != nil, let domain = v.oneOf("domain", body.domain, ServiceDomain.self) { m.domain = domain.rawValue }
        if creating { m.sortOrder = 0 }
        if let order = body.sortOrder {
            if (0...9999).contains(order) { m.sortOrder = order } else { v.add("sortOrder", "must be between 0 and 9999") }
        }
        if let raw = body.parentId {
            if raw.isEmpty { m.parentId = nil } else if let id = v.uuid("parentId", raw) {
                if try await Category.find(id, on: db) == nil { v.add("parentId", "no such category") } else { m.parentId = id }
            }
        }
        if let raw = body.defaultTeamId {
            if raw.isEmpty { m.defaultTeamId = nil } else if let id = v.uuid("defaultTeamId", raw) {
                if try await Team.find(id, on: db) == nil { v.add("defaultTeamId", "no such team") } else { m.defaultTeamId = id }
            }
        }
        guard v.isValid else { return }
        if let parentId = m.parentId {
            // Walk up from the new parent: it must share the domain and must not lead back to this category.
            var cursor: UUID? = parentId
            var depth = 0
            while let current = cursor, depth < 32 {
                if current == m.id { v.add("parentId", "a category cannot be its own ancestor"); break }
                guard let node = try await Category.find(current, on: db) else { break }
                if current == parentId && node.domain != m.domain { v.add("parentId", "the parent must be in the same domain") }
                cursor = node.parentId
                depth += 1
            }
        }
        if let teamId = m.defaultTeamId, let team = try await Team.find(teamId, on: db), team.domain != m.domain {
            v.add("defaultTeamId", "the team must be in the same domain")
        }
    }

    /// Names are unique among siblings of one domain, not across the whole tree.
    static func duplicates(of model: Category, on db: any Database) -> QueryBuilder<Category> {
        Category.query(on: db).filter(\.$name == model.name).filter(\.$domain == model.domain).filter(\.$parentId == model.parentId)
    }

    static func sort(_ query: QueryBuilder<Category>) -> QueryBuilder<Category> {
        query.sort(\.$domain).sort(\.$sortOrder).sort(\.$name)
    }

    static func filter(_ query: QueryBuilder<Category>, request: Request, v: inout Validator) -> QueryBuilder<Category> {
        var query = query
        if let domain = v.oneOf("domain", request.queryParameter("domain"), ServiceDomain.self, required: false) {
            query = query.filter(\.$domain == domain.rawValue)
        }
        if let parent = request.queryParameter("parentId") {
            if parent == "root" { query = query.filter(\.$parentId == nil) }
            else if let id = v.uuid("parentId", parent) { query = query.filter(\.$parentId == id) }
        }
        return query
    }

    static func columns(_ t: [String: String]) -> [String] {
        [t[text: "field_name"], t[text: "field_domain"], t[text: "field_parent"], t[text: "field_default_team"], t[text: "field_sort_order"], t[text: "field_status"]]
    }

    static func cells(_ d: CategoryDTO, lookups: Lookups, t: [String: String]) -> [ListCell] {
        let parent = d.parentId.flatMap { id in lookups.categories.first { $0.0 == id }?.1 } ?? ""
        let team = d.defaultTeamId.flatMap { id in lookups.teams.first { $0.0 == id }?.1 } ?? ""
        return [ListCell(text: d.name, href: "/admin/categories/\(d.id)"), ListCell(text: t["domain_" + d.domain] ?? d.domain, badge: d.domain),
                ListCell(text: parent, muted: parent.isEmpty), ListCell(text: team), ListCell(text: String(d.sortOrder)), statusCell(d.isActive, t)]
    }

    static func formFields(_ f: FormValues, lookups: Lookups, t: [String: String]) -> [FormField] {
        let parents = lookups.categories.filter { $0.0.uuidString != f["id"] }
            .map { ($0.0.uuidString, (t["domain_" + $0.2] ?? $0.2) + " / " + $0.1) }
        let teams = lookups.teams.map { ($0.0.uuidString, (t["domain_" + $0.2] ?? $0.2) + " / " + $0.1) }
        return [
            FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
            FormField(name: "domain", label: t[text: "field_domain"], kind: .select, options: FormField.options(domainOptions(t), selected: [f["domain"]]), required: true),
            FormField(name: "parentId", label: t[text: "field_parent"], kind: .select,
                      options: FormField.options(parents, selected: [f["parentId"]], allowEmpty: t[text: "choose_root"])),
            FormField(name: "defaultTeamId", label: t[text: "field_default_team"], kind: .select,
                      options: FormField.options(teams, selected: [f["defaultTeamId"]], allowEmpty: t[text: "choose_none"]), help: t["help_default_team"]),
            FormField(name: "sortOrder", label: t[text: "field_sort_order"], kind: .number, value: f["sortOrder"].isEmpty ? "0" : f["sortOrder"]),
            activeField(f, t)]
    }

    static func listFilters(_ request: Request, lookups: Lookups, t: [String: String]) -> [ListPageContext.Filter] {
        domainFilter(request, t)
    }
}
