import Foundation

/// Campuses, departments, teams, vendors, categories and business systems in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let organisationSchemas: [(String, J)] = [
        ("Campus", object([("id", uuid), ("name", str()), ("code", str(nullable: true)), ("address", str(nullable: true))] + stamps,
                          required: ["id", "name", "isActive", "createdAt", "updatedAt"])),
        ("CampusBody", object([("name", str(max: 50)), ("code", str(max: 20)), ("address", str(max: 200))] + writeStamps)),
        ("Department", object([("id", uuid), ("name", str()), ("campusId", uuidNullable), ("campus", str(nullable: true)),
                               ("location", str(nullable: true)), ("phone", str(nullable: true)), ("reportersSeeDepartment", bool)] + stamps,
                              required: ["id", "name", "reportersSeeDepartment", "isActive", "createdAt", "updatedAt"])),
        ("DepartmentBody", object([("name", str(max: 50)), ("campusId", idOrEmpty), ("campus", str(max: 50)),
                                   ("location", str(max: 100)), ("phone", str(max: 30)), ("reportersSeeDepartment", bool)] + writeStamps)),
        ("Team", object([("id", uuid), ("name", str()), ("domain", str(enumValues: domains)), ("leadId", uuidNullable),
                         ("vendorId", uuidNullable), ("description", str(nullable: true)), ("memberIds", array(uuid)), ("onDutyIds", array(uuid)),
                         ("autoAssign", bool)] + stamps,
                        required: ["id", "name", "domain", "memberIds", "onDutyIds", "autoAssign", "isActive", "createdAt", "updatedAt"])),
        ("TeamBody", object([("name", str(max: 50)), ("domain", str(enumValues: domains)), ("leadId", idOrEmpty), ("vendorId", idOrEmpty),
                             ("description", str(max: 500)), ("memberIds", array(uuid)), ("onDutyIds", array(uuid)), ("autoAssign", bool)] + writeStamps)),
        ("Vendor", object([("id", uuid), ("name", str()), ("contractNo", str(nullable: true)), ("contractStart", str(format: "date", nullable: true)),
                           ("contractEnd", str(format: "date", nullable: true)), ("contactName", str(nullable: true)),
                           ("contactPhone", str(nullable: true)), ("serviceScope", str(nullable: true))] + stamps,
                          required: ["id", "name", "isActive", "createdAt", "updatedAt"])),
        ("VendorBody", object([("name", str(max: 100)), ("contractNo", str(max: 50)), ("contractStart", str(max: 10)), ("contractEnd", str(max: 10)),
                               ("contactName", str(max: 50)), ("contactPhone", str(max: 30)), ("serviceScope", str(max: 500))] + writeStamps)),
        ("Category", object([("id", uuid), ("name", str()), ("domain", str(enumValues: domains)), ("parentId", uuidNullable),
                             ("defaultTeamId", uuidNullable), ("sortOrder", int())] + stamps,
                            required: ["id", "name", "domain", "sortOrder", "isActive", "createdAt", "updatedAt"])),
        ("CategoryBody", object([("name", str(max: 50)), ("domain", str(enumValues: domains)), ("parentId", idOrEmpty),
                                 ("defaultTeamId", idOrEmpty), ("sortOrder", int(min: 0, max: 9999))] + writeStamps)),
        ("BusinessSystem", object([("id", uuid), ("name", str()), ("code", str(nullable: true)), ("ownerDepartmentId", uuidNullable),
                                   ("vendorId", uuidNullable), ("criticality", str(enumValues: ["core", "important", "general"])),
                                   ("description", str(nullable: true))] + stamps,
                                  required: ["id", "name", "criticality", "isActive", "createdAt", "updatedAt"])),
        ("BusinessSystemBody", object([("name", str(max: 100)), ("code", str(max: 30)), ("ownerDepartmentId", idOrEmpty), ("vendorId", idOrEmpty),
                                       ("criticality", str(enumValues: ["core", "important", "general"])), ("description", str(max: 1000))] + writeStamps)),
    ]

    static func orgOperations(_ path: String, _ schema: String, _ tag: String, _ noun: String, filters: [(String, J)] = []) -> [Operation] {
        let common: [(String, J)] = [("q", str(max: 50)), ("active", str(enumValues: ["true", "false"]))]
        return [
            Operation(method: "get", path: "/api/v1/\(path)", tag: tag, summary: "List \(noun)", response: (200, schema + "Page"),
                      query: common + filters, paged: true),
            Operation(method: "post", path: "/api/v1/\(path)", tag: tag, summary: "Create a \(noun)", body: schema + "Body", response: (201, schema)),
            Operation(method: "get", path: "/api/v1/\(path)/{id}", tag: tag, summary: "Get a \(noun)", response: (200, schema), pathParams: ["id"]),
            Operation(method: "patch", path: "/api/v1/\(path)/{id}", tag: tag, summary: "Change a \(noun)", body: schema + "Body", response: (200, schema),
                      pathParams: ["id"]),
        ]
    }

    static let organisationOperations: [Operation] =
        orgOperations("campuses", "Campus", "organisation", "campus")
        + orgOperations("departments", "Department", "organisation", "department", filters: [("campusId", uuid)])
        + orgOperations("teams", "Team", "organisation", "team", filters: [("domain", str(enumValues: domains))])
        + orgOperations("vendors", "Vendor", "organisation", "vendor")
        + orgOperations("categories", "Category", "organisation", "category", filters: [("domain", str(enumValues: domains)), ("parentId", str())])

    static let businessSystemOperations: [Operation] =
        orgOperations("business-systems", "BusinessSystem", "organisation", "business system",
                      filters: [("criticality", str(enumValues: ["core", "important", "general"])), ("vendorId", uuid)])
}
