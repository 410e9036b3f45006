import Foundation

/// The KPIs (docs/kpis.md) in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let kpiSchemas: [(String, J)] = [
        ("KPIFigures", object([("created", int(min: 0)), ("resolved", int(min: 0)), ("closed", int(min: 0)), ("closureRate", .o([("type", .s("number"))])),
                               ("meanResponseMinutes", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("meanResolveMinutes", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("slaResponseRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("slaResolveRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("reopenRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("satisfaction", .o([("type", .s("number")), ("nullable", .b(true))]))],
                              required: ["created", "resolved", "closed", "closureRate"])),
        ("KPIResult", object([("from", dateTime), ("to", dateTime), ("domain", str(nullable: true)), ("teamId", uuidNullable),
                              ("created", int(min: 0)), ("resolved", int(min: 0)), ("closed", int(min: 0)), ("closureRate", .o([("type", .s("number"))])),
                              ("meanResponseMinutes", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("meanResolveMinutes", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("slaResponseRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("slaResolveRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("reopenRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("satisfaction", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("groupBy", str(nullable: true)),
                              ("groups", .o([("type", .s("array")), ("nullable", .b(true)),
                                             ("items", object([("key", str()), ("label", str()), ("kpis", ref("KPIFigures"))], required: ["key", "label", "kpis"]))]))],
                             required: ["from", "to", "created", "resolved", "closed", "closureRate"])),
    ]

    static let kpiOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/stats/kpis", tag: "analytics",
                  summary: "KPIs over the tickets created in [from, to), optionally by domain, team, engineer, vendor, system, priority or period (leads, dispatchers, auditors)",
                  response: (200, "KPIResult"),
                  query: [("from", str(max: 40)), ("to", str(max: 40)), ("domain", str(enumValues: domains)), ("teamId", str(format: "uuid")),
                          ("groupBy", str(enumValues: ["domain", "team", "engineer", "vendor", "system", "priority", "day", "week", "month"]))]),
    ]
}
