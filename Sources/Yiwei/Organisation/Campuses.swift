import Fluent
import Vapor

extension Campus: OrgModel {}

struct CampusBody: OrgBody {
    var name: String?
    var code: String?
    var address: String?
    var isActive: Bool?
}

enum CampusResource: OrgResource {
    typealias M = Campus
    static let apiPath = "campuses", pagePath = "campuses", entity = "campus", i18nKey = "campus"

    static func dtos(_ models: [Campus], on db: any Database) async throws -> [CampusDTO] {
        models.map { CampusDTO(id: $0.id!, name: $0.name, code: $0.code, address: $0.address, isActive: $0.isActive,
                               createdAt: $0.createdAt, updatedAt: $0.updatedAt) }
    }

    static func apply(_ body: CampusBody, to m: Campus, creating: Bool, v: inout Validator, on db: any Database) async throws {
        if creating || body.name != nil { m.name = v.text("name", body.name, max: 50) ?? "" }
        if let code = body.code { m.code = v.text("code", code, required: false, max: 20) }
        if let address = body.address { m.address = v.text("address", address, required: false, max: 200) }
    }

    static func filter(_ query: QueryBuilder<Campus>, request: Request, v: inout Validator) -> QueryBuilder<Campus> { query }

    static func columns(_ t: [String: String]) -> [String] {
        [t[text: "field_name"], t[text: "field_code"], t[text: "field_address"], t[text: "field_status"]]
    }

    static func cells(_ d: CampusDTO, lookups: Lookups, t: [String: String]) -> [ListCell] {
        [ListCell(text: d.name, href: "/admin/campuses/\(d.id)"), ListCell(text: d.code ?? ""), ListCell(text: d.address ?? ""),
         statusCell(d.isActive, t)]
    }

    static func formFields(_ f: FormValues, lookups: Lookups, t: [String: String]) -> [FormField] {
        [FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
         FormField(name: "code", label: t[text: "field_code"], kind: .text, value: f["code"], maxLength: 20, help: t["help_campus_code"]),
         FormField(name: "address", label: t[text: "field_address"], kind: .text, value: f["address"], maxLength: 200),
         activeField(f, t)]
    }
}

func statusCell(_ active: Bool, _ t: [String: String]) -> ListCell {
    ListCell(text: active ? t[text: "status_active"] : t[text: "status_inactive"], badge: active ? "ok" : "off")
}

func activeField(_ f: FormValues, _ t: [String: String]) -> FormField {
    FormField(name: "isActive", label: t[text: "field_status"], kind: .select,
              options: FormField.options([("true", t[text: "status_active"]), ("false", t[text: "status_inactive"])],
                                         selected: [f["isActive"].isEmpty ? "true" : f["isActive"]]))
}

func domainOptions(_ t: [String: String]) -> [(String, String)] {
    ServiceDomainNames.all.map { ($0, t[text: "domain_" + $0]) }
}

enum ServiceDomainNames {
    static let all = ["it", "logistics", "equipment"]
}
