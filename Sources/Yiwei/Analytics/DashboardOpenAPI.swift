import Foundation

/// The operations dashboard's figures in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let dashboardSchemas: [(String, J)] = [
        ("DashboardCount", object([("key", str()), ("count", int(min: 0))], required: ["key", "count"])),
        ("DashboardDay", object([("date", str(format: "date")), ("created", int(min: 0)), ("resolved", int(min: 0))], required: ["date", "created", "resolved"])),
        ("DashboardFigures", object([
            ("generatedAt", dateTime), ("timeZone", str()), ("open", int(min: 0)),
            ("byStatus", array(ref("DashboardCount"))), ("byDomain", array(ref("DashboardCount"))), ("byPriority", array(ref("DashboardCount"))),
            ("atRisk", int(min: 0)), ("breached", int(min: 0)), ("today", ref("DashboardDay")), ("trend", array(ref("DashboardDay"))),
            ("topSystems", array(object([("id", uuid), ("name", str()), ("incidents", int(min: 0))], required: ["id", "name", "incidents"]))),
            ("onDuty", array(object([("teamId", uuid), ("teamName", str()), ("domain", str(enumValues: domains)),
                                     ("engineers", array(object([("id", uuid), ("name", str()), ("openTickets", int(min: 0))],
                                                                required: ["id", "name", "openTickets"])))],
                                    required: ["teamId", "teamName", "domain", "engineers"])))],
            required: ["generatedAt", "timeZone", "open", "byStatus", "byDomain", "byPriority", "atRisk", "breached", "today", "trend",
                       "topSystems", "onDuty"])),
    ]

    static let dashboardOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/stats/dashboard", tag: "analytics",
                  summary: "The operations dashboard's figures, hospital-wide: open tickets by status, domain and priority, at risk, breached, today, 30-day trend, top systems, on duty (leads, dispatchers, agents, auditors; docs/dashboard.md)",
                  response: (200, "DashboardFigures")),
    ]
}
