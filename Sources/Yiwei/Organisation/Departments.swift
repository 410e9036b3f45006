import Fluent
import Vapor

extension Department: OrgModel {}

struct DepartmentBody: OrgBody {
    var name: String?
    var campusId: String?
    /// A campus by name, as an alternative to `campusId`.
    var campus: String?
    var location: String?
    var phone: String?
    var reportersSeeDepartment: Bool?
    var isActive: Bool?
}

enum DepartmentResource: OrgResource {
    typealias M = Department
    static let apiPath = "departments", pagePath = "departments", entity = "department", i18nKey = "department"

    static func dtos(_ models: [Department], on db: any Database) async throws -> [DepartmentDTO] {
        let ids = Set(models.compactMap(\.campusId))
        let campuses = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Campus.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) })
        return models.map {
            DepartmentDTO(id: $0.id!, name: $0.name, campusId: $0.campusId, campus: $0.campusId.flatMap { campuses[$0] },
                          location: $0.location, phone: $0.phone, reportersSeeDepartment: $0.reportersSeeDepartment, isActive: $0.isActive, createdAt: $0.createdAt, updatedAt: $0.updatedAt)
        }
    }

    static func apply(_ body: DepartmentBody, to m: Department, creating: Bool, v: inout Validator, on db: any Database) async throws {
        if creating || body.name != nil { m.name = v.text("name", body.name, max: 50) ?? "" }
        if let raw = body.campusId {
            if raw.isEmpty { m.campusId = nil } else if let id = v.uuid("campusId", raw) {
                if try await Campus.find(id, on: db) == nil { v.add("campusId", "no such campus") } else { m.campusId = id }
            }
        } else if let name = body.campus {
            if name.isEmpty { m.campusId = nil } else if let campus = try await Campus.query(on: db).filter(\.$name == name).first() {
                m.campusId = campus.id
            } else {
                v.add("campus", "no such campus")
            }
        }
        if let location = body.location { m.location = v.text("location", location, required: false, max: 100) }
        if let phone = body.phone { m.phone = validPhone("phone", phone, &v) }
        if creating { m.reportersSeeDepartment = false }
        if let shared = body.reportersSeeDepartment { m.reportersSeeDepartment = shared }
    }

    static func filter(_ query: QueryBuilder<Department>, request: Request, v: inout Validator) -> QueryBuilder<Department> {
        if let campus = v.uuid("campusId", request.queryParameter("campusId")) { return query.filter(\.$campusId == campus) }
        return query
    }

    static func columns(_ t: [String: String]) -> [String] {
        [t[text: "field_name"], t[text: "field_campus"], t[text: "field_location"], t[text: "field_phone"], t[text: "field_status"]]
    }

    static func cells(_ d: DepartmentDTO, lookups: Lookups, t: [String: String]) -> [ListCell] {
        [ListCell(text: d.name, href: "/admin/departments/\(d.id)"), ListCell(text: d.campus ?? ""), ListCell(text: d.location ?? ""),
         ListCell(text: d.phone ?? ""), statusCell(d.isActive, t)]
    }

    static func formFields(_ f: FormValues, lookups: Lookups, t: [String: String]) -> [FormField] {
        [FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
         FormField(name: "campusId", label: t[text: "field_campus"], kind: .select,
                   options: FormField.options(lookups.campuses.map { ($0.0.uuidString, $0.1) }, selected: [f["campusId"]], allowEmpty: t[text: "choose_none"])),
         FormField(name: "location", label: t[text: "field_location"], kind: .text, value: f["location"], maxLength: 100, help: t["help_location"]),
         FormField(name: "phone", label: t[text: "field_phone"], kind: .tel, value: f["phone"], maxLength: 30),
         FormField(name: "reportersSeeDepartment", label: t[text: "field_reporters_see_department"], kind: .select,
                   options: FormField.options([("false", t[text: "visibility_own"]), ("true", t[text: "visibility_department"])],
                                              selected: [f["reportersSeeDepartment"].isEmpty ? "false" : f["reportersSeeDepartment"]]),
                   help: t["help_reporters_see_department"]),
         activeField(f, t)]
    }

    static func listFilters(_ request: Request, lookups: Lookups, t: [String: String]) -> [ListPageContext.Filter] {
        let selected = request.queryParameter("campusId") ?? ""
        return [.init(name: "campusId", label: t[text: "field_campus"], value: selected,
                      options: FormField.options(lookups.campuses.map { ($0.0.uuidString, $0.1) }, selected: [selected], allowEmpty: t[text: "filter_all"]),
                      isSelect: true)]
    }
}

func validPhone(_ field: String, _ raw: String, _ v: inout Validator) -> String? {
    guard let value = v.text(field, raw, required: false, max: 30) else { return nil }
    if !value.allSatisfy({ $0.isASCII && ($0.isNumber || "-+ ()".contains($0)) }) { v.add(field, "must be a phone number") }
    return value
}
