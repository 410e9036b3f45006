import Fluent
import Vapor
import YiweiCore

extension Team: OrgModel {}

struct TeamBody: OrgBody {
    var name: String?
    var domain: String?
    var leadId: String?
    var vendorId: String?
    var description: String?
    var memberIds: [String]?
    var onDutyIds: [String]?
    var autoAssign: Bool?
    var isActive: Bool?
}

enum TeamResource: OrgResource {
    typealias M = Team
    static let apiPath = "teams", pagePath = "teams", entity = "team", i18nKey = "team"

    static func dtos(_ models: [Team], on db: any Database) async throws -> [TeamDTO] {
        let ids = models.compactMap(\.id)
        let members = ids.isEmpty ? [] : try await TeamMember.query(on: db).filter(\.$teamId ~~ ids).all()
        let byTeam = Dictionary(grouping: members, by: \.teamId)
        return models.map {
            TeamDTO(id: $0.id!, name: $0.name, domain: $0.domain, leadId: $0.leadId, vendorId: $0.vendorId, description: $0.description,
                    memberIds: (byTeam[$0.id!] ?? []).map(\.userId).sorted { $0.uuidString < $1.uuidString },
                    onDutyIds: (byTeam[$0.id!] ?? []).filter(\.onDuty).map(\.userId).sorted { $0.uuidString < $1.uuidString },
                    autoAssign: $0.autoAssign, isActive: $0.isActive, createdAt: $0.createdAt, updatedAt: $0.updatedAt)
        }
    }

    static func apply(_ body: TeamBody, to m: Team, creating: Bool, v: inout Validator, on db: any Database) async throws {
        if creating || body.name != nil { m.name = v.text("name", body.name, max: 50) ?? "" }
        if creating || body.domain != nil, let domain = v.oneOf("domain", body.domain, ServiceDomain.self) { m.domain = domain.rawValue }
        if let raw = body.leadId {
            if raw.isEmpty { m.leadId = nil } else if let id = v.uuid("leadId", raw) {
                if try await User.find(id, on: db) == nil { v.add("leadId", "no such user") } else { m.leadId = id }
            }
        }
        if let raw = body.vendorId {
            if raw.isEmpty { m.vendorId = nil } else if let id = v.uuid("vendorId", raw) {
                if try await Vendor.find(id, on: db) == nil { v.add("vendorId", "no such vendor") } else { m.vendorId = id }
            }
        }
        if let description = body.description { m.description = v.text("description", description, required: false, max: 500) }
        if creating { m.autoAssign = false }
        if let auto = body.autoAssign { m.autoAssign = auto }
        if let duty = body.onDutyIds?.filter({ !$0.isEmpty }), duty.contains(where: { UUID(uuidString: $0) == nil }) { v.add("onDutyIds", "must be ids") }
        if let members = body.memberIds?.filter({ !$0.isEmpty }) {
            let ids = members.compactMap(UUID.init(uuidString:))
            if ids.count != members.count { v.add("memberIds", "must be ids") } else if !ids.isEmpty {
                let found = try await User.query(on: db).filter(\.$id ~~ ids).count()
                if found != Set(ids).count { v.add("memberIds", "no such user") }
            }
        }
    }

    static func afterSave(_ body: TeamBody, model: Team, creating: Bool, on db: any Database) async throws {
        let teamId = try model.requireID()
        let duty = body.onDutyIds.map { Set($0.filter { !$0.isEmpty }.compactMap(UUID.init(uuidString:))) }
        if body.memberIds == nil && !creating {
            // Only the duty list changed: flag the existing members.
            if let duty {
                for member in try await TeamMember.query(on: db).filter(\.$teamId == teamId).all() {
                    member.onDuty = duty.contains(member.userId)
                    try await member.update(on: db)
                }
            }
            return
        }
        var members = Set((body.memberIds ?? []).filter { !$0.isEmpty }.compactMap(UUID.init(uuidString:)))
        // The lead is always a member.
        if let lead = model.leadId { members.insert(lead) }
        try await TeamMember.query(on: db).filter(\.$teamId == teamId).delete()
        for user in members { try await TeamMember(teamId: teamId, userId: user, onDuty: duty?.contains(user) ?? true).create(on: db) }
    }

    static func filter(_ query: QueryBuilder<Team>, request: Request, v: inout Validator) -> QueryBuilder<Team> {
        if let domain = v.oneOf("domain", request.queryParameter("domain"), ServiceDomain.self, required: false) {
            return query.filter(\.$domain == domain.rawValue)
        }
        return query
    }

    static func columns(_ t: [String: String]) -> [String] {
        [t[text: "field_name"], t[text: "field_domain"], t[text: "field_lead"], t[text: "field_vendor"], t[text: "field_members"], t[text: "field_status"]]
    }

    static func cells(_ d: TeamDTO, lookups: Lookups, t: [String: String]) -> [ListCell] {
        [ListCell(text: d.name, href: "/admin/teams/\(d.id)"), ListCell(text: t["domain_" + d.domain] ?? d.domain, badge: d.domain),
         ListCell(text: lookups.name(lookups.staff, d.leadId).components(separatedBy: "（").first ?? ""),
         ListCell(text: lookups.name(lookups.vendors, d.vendorId)), ListCell(text: String(d.memberIds.count)), statusCell(d.isActive, t)]
    }

    static func formFields(_ f: FormValues, lookups: Lookups, t: [String: String]) -> [FormField] {
        [FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
         FormField(name: "domain", label: t[text: "field_domain"], kind: .select, options: FormField.options(domainOptions(t), selected: [f["domain"]]), required: true),
         FormField(name: "leadId", label: t[text: "field_lead"], kind: .select,
                   options: FormField.options(lookups.staff.map { ($0.0.uuidString, $0.1) }, selected: [f["leadId"]], allowEmpty: t[text: "choose_none"])),
         FormField(name: "vendorId", label: t[text: "field_vendor"], kind: .select,
                   options: FormField.options(lookups.vendors.map { ($0.0.uuidString, $0.1) }, selected: [f["vendorId"]], allowEmpty: t[text: "choose_hospital_team"]),
                   help: t["help_team_vendor"]),
         FormField(name: "memberIds", label: t[text: "field_members"], kind: .multiselect,
                   options: FormField.options(lookups.staff.map { ($0.0.uuidString, $0.1) }, selected: f.list("memberIds"))),
         FormField(name: "onDutyIds", label: t[text: "field_on_duty"], kind: .multiselect,
                   options: FormField.options(lookups.staff.filter { f.list("memberIds").contains($0.0.uuidString) }.map { ($0.0.uuidString, $0.1) },
                                              selected: f.list("onDutyIds")), help: t["help_on_duty"]),
         FormField(name: "autoAssign", label: t[text: "field_auto_assign"], kind: .select,
                   options: FormField.options([("false", t[text: "auto_assign_off"]), ("true", t[text: "auto_assign_on"])], selected: [f["autoAssign"].isEmpty ? "false" : f["autoAssign"]]),
                   help: t["help_auto_assign"]),
         FormField(name: "description", label: t[text: "field_description"], kind: .textarea, value: f["description"], maxLength: 500),
         activeField(f, t)]
    }

    static func listFilters(_ request: Request, lookups: Lookups, t: [String: String]) -> [ListPageContext.Filter] {
        domainFilter(request, t)
    }
}

func domainFilter(_ request: Request, _ t: [String: String]) -> [ListPageContext.Filter] {
    let selected = request.queryParameter("domain") ?? ""
    return [.init(name: "domain", label: t[text: "field_domain"], value: selected,
                  options: FormField.options(domainOptions(t), selected: [selected], allowEmpty: t[text: "filter_all"]), isSelect: true)]
}
