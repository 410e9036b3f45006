import Foundation

/// Downtime records (ANA-3, docs/downtime.md) in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let outageSchemas: [(String, J)] = [
        ("Outage", object([("id", uuid), ("businessSystemId", uuid), ("businessSystemName", str()), ("ticketId", uuidNullable),
                           ("ticketNumber", str(nullable: true)), ("kind", str(enumValues: ["outage", "department_impact"])), ("hospitalWide", bool),
                           ("startedAt", dateTime), ("endedAt", dateTimeNullable), ("minutes", int(min: 0)), ("ongoing", bool),
                           ("departmentIds", array(uuid)), ("scope", str(nullable: true)), ("description", str()), ("createdById", uuid),
                           ("createdAt", dateTime), ("updatedAt", dateTime)],
                          required: ["id", "businessSystemId", "businessSystemName", "kind", "hospitalWide", "startedAt", "minutes", "ongoing",
                                     "departmentIds", "description", "createdById", "createdAt", "updatedAt"])),
        ("OutageBody", object([("businessSystemId", str(max: 36)), ("ticketId", idOrEmpty), ("kind", str(enumValues: ["outage", "department_impact"])),
                               ("hospitalWide", bool), ("startedAt", str(max: 40)), ("endedAt", str(max: 40)), ("departmentIds", array(str(max: 36))),
                               ("scope", str(max: 200)), ("description", str(max: 2000))])),
        ("OutagePage", page("Outage")),
    ]

    static let outageOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/outages", tag: "analytics",
                  summary: "Downtime records overlapping [from, to), newest last (leads, dispatchers, agents, auditors)", response: (200, "OutagePage"),
                  query: [("from", str(max: 40)), ("to", str(max: 40)), ("businessSystemId", str(format: "uuid")), ("ticketId", str(format: "uuid"))],
                  paged: true),
        Operation(method: "post", path: "/api/v1/outages", tag: "analytics", summary: "Record an outage or a department-level impact (leads, dispatchers, agents)",
                  body: "OutageBody", response: (201, "Outage")),
        Operation(method: "get", path: "/api/v1/outages/{outageId}", tag: "analytics", summary: "A downtime record", response: (200, "Outage"),
                  pathParams: ["outageId"]),
        Operation(method: "patch", path: "/api/v1/outages/{outageId}", tag: "analytics",
                  summary: "Change a downtime record (endedAt \"\" = still ongoing; ticketId \"\" = unlink)", body: "OutageBody", response: (200, "Outage"),
                  pathParams: ["outageId"]),
        Operation(method: "delete", path: "/api/v1/outages/{outageId}", tag: "analytics", summary: "Delete a downtime record", response: (204, nil),
                  pathParams: ["outageId"]),
    ]
}
