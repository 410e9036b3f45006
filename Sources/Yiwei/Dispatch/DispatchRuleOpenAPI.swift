import Foundation

/// Dispatch rules in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let dispatchRuleSchemas: [(String, J)] = [
        ("DispatchRule", object([("id", uuid), ("position", int(min: 0)), ("name", str()), ("domain", str(enumValues: domains)),
                                 ("categoryId", uuidNullable), ("businessSystemId", uuidNullable), ("campusId", uuidNullable),
                                 ("priority", str(nullable: true, enumValues: priorities)), ("teamId", uuid), ("isActive", bool), ("createdAt", dateTime)],
                                required: ["id", "position", "name", "domain", "teamId", "isActive", "createdAt"])),
        ("DispatchRuleBody", object([("name", str(max: 50)), ("domain", str(enumValues: domains)), ("categoryId", idOrEmpty),
                                     ("businessSystemId", idOrEmpty), ("campusId", idOrEmpty), ("priority", str(enumValues: [""] + priorities)),
                                     ("teamId", uuid), ("position", int(min: 0, max: 9999))], required: ["name", "domain", "teamId"])),
        ("DispatchRulePatch", object([("position", int(min: 0, max: 9999)), ("isActive", bool)])),
    ]

    static let dispatchRuleOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/dispatch-rules", tag: "dispatch", summary: "Dispatch rules in order", response: (200, "DispatchRuleList")),
        Operation(method: "post", path: "/api/v1/dispatch-rules", tag: "dispatch", summary: "Add a dispatch rule (admin)", body: "DispatchRuleBody",
                  response: (201, "DispatchRule")),
        Operation(method: "patch", path: "/api/v1/dispatch-rules/{ruleId}", tag: "dispatch", summary: "Reorder or switch a rule on/off (admin)",
                  body: "DispatchRulePatch", response: (200, "DispatchRule"), pathParams: ["ruleId"]),
        Operation(method: "delete", path: "/api/v1/dispatch-rules/{ruleId}", tag: "dispatch", summary: "Delete a dispatch rule (admin)",
                  response: (204, nil), pathParams: ["ruleId"]),
    ]
}
