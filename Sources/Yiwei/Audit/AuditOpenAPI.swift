import Foundation

/// The audit log in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let auditSchemas: [(String, J)] = [
        ("AuditEntry", object([("sequence", int(min: 1)), ("at", dateTime), ("actorId", str(nullable: true)), ("actorName", str()),
                               ("ip", str()), ("action", str()), ("entityType", str()), ("entityId", str(nullable: true)),
                               ("before", str(nullable: true)), ("after", str(nullable: true)), ("hash", str())],
                              required: ["sequence", "at", "actorName", "ip", "action", "entityType", "hash"])),
        ("AuditVerify", object([("intact", bool), ("checked", int(min: 0)), ("problem", str(nullable: true, enumValues: ["missing", "modified"])),
                                ("sequence", .o([("type", .s("integer")), ("nullable", .b(true))]))], required: ["intact", "checked"])),
    ]

    static let auditOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/audit", tag: "audit", summary: "Search the audit log (auditor)", response: (200, "AuditEntryPage"),
                  query: [("actor", str(max: 64)), ("action", str(max: 64)), ("entityType", str(max: 64)), ("entityId", str(max: 64)),
                          ("from", str()), ("to", str())], paged: true),
        Operation(method: "get", path: "/api/v1/audit/verify", tag: "audit", summary: "Verify the audit log's hash chain (auditor)",
                  response: (200, "AuditVerify")),
    ]
}
