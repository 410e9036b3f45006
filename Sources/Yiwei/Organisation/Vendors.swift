import Fluent
import Vapor

extension Vendor: OrgModel {}

struct VendorBody: OrgBody {
    var name: String?
    var contractNo: String?
    var contractStart: String?
    var contractEnd: String?
    var contactName: String?
    var contactPhone: String?
    var serviceScope: String?
    var isActive: Bool?
}

enum VendorResource: OrgResource {
    typealias M = Vendor
    static let apiPath = "vendors", pagePath = "vendors", entity = "vendor", i18nKey = "vendor"

    static func dtos(_ models: [Vendor], on db: any Database) async throws -> [VendorDTO] {
        models.map {
            VendorDTO(id: $0.id!, name: $0.name, contractNo: $0.contractNo, contractStart: $0.contractStart, contractEnd: $0.contractEnd,
                      contactName: $0.contactName, contactPhone: $0.contactPhone, serviceScope: $0.serviceScope,
                      isActive: $0.isActive, createdAt: $0.createdAt, updatedAt: $0.updatedAt)
        }
    }

    static func apply(_ body: VendorBody, to m: Vendor, creating: Bool, v: inout Validator, on db: any Database) async throws {
        if creating || body.name != nil { m.name = v.text("name", body.name, max: 100) ?? "" }
        if let value = body.contractNo { m.contractNo = v.text("contractNo", value, required: false, max: 50) }
        if let value = body.contractStart { m.contractStart = value.isEmpty ? nil : v.date("contractStart", value) }
        if let value = body.contractEnd { m.contractEnd = value.isEmpty ? nil : v.date("contractEnd", value) }
        if let start = m.contractStart, let end = m.contractEnd, end < start { v.add("contractEnd", "the end must not be before the start") }
        if let value = body.contactName { m.contactName = v.text("contactName", value, required: false, max: 50) }
        if let value = body.contactPhone { m.contactPhone = validPhone("contactPhone", value, &v) }
        if let value = body.serviceScope { m.serviceScope = v.text("serviceScope", value, required: false, max: 500) }
    }

    static func filter(_ query: QueryBuilder<Vendor>, request: Request, v: inout Validator) -> QueryBuilder<Vendor> { query }

    /// The vendor's on-site engineers (accounts linked to it) and its teams.
    static func facts(_ dto: VendorDTO, on db: any Database, t: [String: String]) async throws -> [Fact] {
        let engineers = try await User.query(on: db).filter(\.$vendorId == dto.id).filter(\.$isActive == true).sort(\.$displayName).all()
        let teams = try await Team.query(on: db).filter(\.$vendorId == dto.id).sort(\.$name).all()
        return [Fact(label: t[text: "field_vendor_engineers"],
                     value: engineers.isEmpty ? t[text: "none"] : engineers.map { "\($0.displayName)（\($0.phone ?? $0.username)）" }.joined(separator: "、")),
                Fact(label: t[text: "field_vendor_teams"], value: teams.isEmpty ? t[text: "none"] : teams.map(\.name).joined(separator: "、"))]
    }

    static func columns(_ t: [String: String]) -> [String] {
        [t[text: "field_name"], t[text: "field_contract_no"], t[text: "field_contract_period"], t[text: "field_contact"], t[text: "field_status"]]
    }

    static func cells(_ d: VendorDTO, lookups: Lookups, t: [String: String]) -> [ListCell] {
        let period = (d.contractStart ?? "") + (d.contractStart != nil || d.contractEnd != nil ? " ~ " : "") + (d.contractEnd ?? "")
        let contact = [d.contactName, d.contactPhone].compactMap { $0 }.joined(separator: " ")
        return [ListCell(text: d.name, href: "/admin/vendors/\(d.id)"), ListCell(text: d.contractNo ?? ""), ListCell(text: period),
                ListCell(text: contact), statusCell(d.isActive, t)]
    }

    static func formFields(_ f: FormValues, lookups: Lookups, t: [String: String]) -> [FormField] {
        [FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 100),
         FormField(name: "contractNo", label: t[text: "field_contract_no"], kind: .text, value: f["contractNo"], maxLength: 50),
         FormField(name: "contractStart", label: t[text: "field_contract_start"], kind: .date, value: f["contractStart"]),
         FormField(name: "contractEnd", label: t[text: "field_contract_end"], kind: .date, value: f["contractEnd"]),
         FormField(name: "contactName", label: t[text: "field_contact_name"], kind: .text, value: f["contactName"], maxLength: 50),
         FormField(name: "contactPhone", label: t[text: "field_contact_phone"], kind: .tel, value: f["contactPhone"], maxLength: 30),
         FormField(name: "serviceScope", label: t[text: "field_service_scope"], kind: .textarea, value: f["serviceScope"], maxLength: 500),
         activeField(f, t)]
    }
}
