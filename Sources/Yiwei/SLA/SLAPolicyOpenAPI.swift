import Foundation

/// SLA policies and a ticket's SLA clocks in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let slaPolicySchemas: [(String, J)] = [
        ("SLAPolicy", object([("id", uuid), ("name", str()), ("domain", str(enumValues: domains)), ("priority", str(enumValues: priorities)),
                              ("categoryId", uuidNullable), ("businessSystemId", uuidNullable), ("calendarId", uuid), ("businessTime", bool),
                              ("responseMinutes", nullableInt), ("startMinutes", nullableInt), ("resolveMinutes", nullableInt),
                              ("offHoursResponseMinutes", nullableInt), ("offHoursStartMinutes", nullableInt), ("offHoursResolveMinutes", nullableInt),
                              ("responseBusinessTime", bool), ("startBusinessTime", bool), ("resolveBusinessTime", bool),
                              ("planAfterMinutes", nullableInt), ("escalation", array(ref("EscalationStep"))),
                              ("isActive", bool), ("effectiveFrom", dateTime)],
                             required: ["id", "name", "domain", "priority", "calendarId", "businessTime", "responseBusinessTime", "startBusinessTime",
                                        "resolveBusinessTime", "escalation", "isActive", "effectiveFrom"])),
        ("EscalationStep", object([("clock", str(enumValues: ["response", "start", "resolve"])), ("percent", int(min: 1, max: 1000)),
                                   ("notify", array(str(enumValues: ["assignee", "team_lead", "domain_leads", "vendor"]))),
                                   ("userIds", .o([("type", .s("array")), ("items", uuid), ("nullable", .b(true))]))],
                                  required: ["clock", "percent", "notify"])),
        ("SLAPolicyPatch", object([("isActive", bool)], required: ["isActive"])),
    ]

    static let slaPolicyBodySchemas: [(String, J)] = [
        ("SLAPolicyBody", object([("name", str(max: 50)), ("domain", str(enumValues: domains)), ("priority", str(enumValues: priorities)),
                                  ("categoryId", idOrEmpty), ("businessSystemId", idOrEmpty), ("calendarId", uuid), ("businessTime", bool),
                                  ("responseMinutes", int(min: 1, max: 525_600)), ("startMinutes", int(min: 1, max: 525_600)),
                                  ("resolveMinutes", int(min: 1, max: 525_600)), ("offHoursResponseMinutes", int(min: 1, max: 525_600)),
                                  ("offHoursStartMinutes", int(min: 1, max: 525_600)), ("offHoursResolveMinutes", int(min: 1, max: 525_600)),
                                  ("responseBusinessTime", bool), ("startBusinessTime", bool), ("resolveBusinessTime", bool),
                                  ("planAfterMinutes", int(min: 1, max: 525_600)), ("escalation", array(ref("EscalationStepBody"))),
                                  ("effectiveFrom", str(format: "date-time"))],
                                 required: ["name", "domain", "priority", "calendarId"])),
        ("EscalationStepBody", object([("clock", str()), ("percent", int()), ("notify", array(str())), ("userIds", array(uuid))],
                                      required: ["clock", "percent", "notify"])),
        ("SLAClock", object([("kind", str(enumValues: ["response", "start", "resolve"])), ("targetMinutes", int()), ("dueAt", dateTimeNullable),
                             ("elapsedMinutes", .o([("type", .s("number"))])), ("pausedMinutes", .o([("type", .s("number"))])),
                             ("stoppedAt", dateTimeNullable), ("breached", bool), ("paused", bool), ("businessTime", bool)],
                            required: ["kind", "targetMinutes", "elapsedMinutes", "pausedMinutes", "breached", "paused", "businessTime"])),
    ]

    static let slaPolicyOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/sla-policies", tag: "sla", summary: "SLA policies", response: (200, "SLAPolicyPage"),
                  query: [("domain", str(enumValues: domains)), ("priority", str(enumValues: priorities))], paged: true),
        Operation(method: "post", path: "/api/v1/sla-policies", tag: "sla", summary: "Create an SLA policy (admin)", body: "SLAPolicyBody",
                  response: (201, "SLAPolicy")),
        Operation(method: "patch", path: "/api/v1/sla-policies/{policyId}", tag: "sla", summary: "Switch a policy on or off (admin)",
                  body: "SLAPolicyPatch", response: (200, "SLAPolicy"), pathParams: ["policyId"]),
    ]
}
