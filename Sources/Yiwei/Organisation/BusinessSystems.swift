import Fluent
import Vapor
import YiweiCore

extension BusinessSystem: OrgModel {}

struct BusinessSystemBody: OrgBody {
    var name: String?
    var code: String?
    var ownerDepartmentId: String?
    var vendorId: String?
    var criticality: String?
    var description: String?
    var isActive: Bool?
}

enum BusinessSystemResource: OrgResource {
    typealias M = BusinessSystem
    static let apiPath = "business-systems", pagePath = "systems", entity = "business_system", i18nKey = "system"

    static func dtos(_ models: [BusinessSystem], on db: any Database) async throws -> [BusinessSystemDTO] {
        models.map {
            BusinessSystemDTO(id: $0.id!, name: $0.name, code: $0.code, ownerDepartmentId: $0.ownerDepartmentId, vendorId: $0.vendorId,
                              criticality: $0.criticality, description: $0.description, isActive: $0.isActive,
                              createdAt: $0.createdAt, updatedAt: $0.updatedAt)
        }
    }

    static func apply(_ body: BusinessSystemBody, to m: BusinessSystem, creating: Bool, v: inout Validator, on db: any Database) async throws {
        if creating || body.name != nil { m.name = v.text("name", body.name, max: 100) ?? "" }
        if let value = body.code { m.code = v.text("code", value, required: false, max: 30) }
        if creating { m.criticality = Criticality.general.rawValue }
        if let value = body.criticality, let c = v.oneOf("criticality", value, Criticality.self) { m.criticality = c.rawValue }
        if let raw = body.ownerDepartmentId {
            if raw.isEmpty { m.ownerDepartmentId = nil } else if let id = v.uuid("ownerDepartmentId", raw) {
                if try await Department.find(id, on: db) == nil { v.add("ownerDepartmentId", "no such department") } else { m.ownerDepartmentId = id }
            }
        }
        if let raw = body.vendorId {
            if raw.isEmpty { m.vendorId = nil } else if let id = v.uuid("vendorId", raw) {
                if try await Vendor.find(id, on: db) == nil { v.add("vendorId", "no such vendor") } else { m.vendorId = id }
            }
        }
        if let value = body.description { m.description = v.text("description", value, required: false, max: 1000) }
    }

    static func filter(_ query: QueryBuilder<BusinessSystem>, request: Request, v: inout Validator) -> QueryBuilder<BusinessSystem> {
        var query = query
        if let c = v.oneOf("criticality", request.queryParameter("criticality"), Criticality.self, required: false) {
            query = query.filter(\.$criticality == c.rawValue)
        }
        if let vendor = v.uuid("vendorId", request.queryParameter("vendorId")) { query = query.filter(\.$vendorId == vendor) }
        return query
    }

    static func columns(_ t: [String: String]) -> [String] {
        [t[text: "field_name"], t[text: "field_code"], t[text: "field_criticality"], t[text: "field_owner_department"], t[text: "field_vendor"], t[text: "field_status"]]
    }

    static func cells(_ d: BusinessSystemDTO, lookups: Lookups, t: [String: String]) -> [ListCell] {
        [ListCell(text: d.name, href: "/admin/systems/\(d.id)"), ListCell(text: d.code ?? ""),
         ListCell(text: t["criticality_" + d.criticality] ?? d.criticality, badge: "crit-" + d.criticality),
         ListCell(text: lookups.name(lookups.departments, d.ownerDepartmentId)), ListCell(text: lookups.name(lookups.vendors, d.vendorId)),
         statusCell(d.isActive, t)]
    }

    static func formFields(_ f: FormValues, lookups: Lookups, t: [String: String]) -> [FormField] {
        [FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 100),
         FormField(name: "code", label: t[text: "field_code"], kind: .text, value: f["code"], maxLength: 30),
         FormField(name: "criticality", label: t[text: "field_criticality"], kind: .select,
                   options: FormField.options(Criticality.allCases.map { ($0.rawValue, t[text: "criticality_" + $0.rawValue]) },
                                              selected: [f["criticality"].isEmpty ? "general" : f["criticality"]])),
         FormField(name: "ownerDepartmentId", label: t[text: "field_owner_department"], kind: .select,
                   options: FormField.options(lookups.departments.map { ($0.0.uuidString, $0.1) }, selected: [f["ownerDepartmentId"]], allowEmpty: t[text: "choose_none"])),
         FormField(name: "vendorId", label: t[text: "field_vendor"], kind: .select,
                   options: FormField.options(lookups.vendors.map { ($0.0.uuidString, $0.1) }, selected: [f["vendorId"]], allowEmpty: t[text: "choose_none"])),
         FormField(name: "description", label: t[text: "field_description"], kind: .textarea, value: f["description"], maxLength: 1000),
         activeField(f, t)]
    }

    static func listFilters(_ request: Request, lookups: Lookups, t: [String: String]) -> [ListPageContext.Filter] {
        let selected = request.queryParameter("criticality") ?? ""
        return [.init(name: "criticality", label: t[text: "field_criticality"], value: selected,
                      options: FormField.options(Criticality.allCases.map { ($0.rawValue, t[text: "criticality_" + $0.rawValue]) },
                                                 selected: [selected], allowEmpty: t[text: "filter_all"]), isSelect: true)]
    }
}
