import Foundation
import YiweiCore

/// The security policy in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let securitySettingsSchemas: [(String, J)] = [
        ("SecuritySettings", object(SecuritySettings.ranges.map { ($0.field, int(min: $0.range.lowerBound, max: $0.range.upperBound)) }
                                    + [("updatedAt", dateTimeNullable)],
                                    required: SecuritySettings.ranges.map(\.field) + ["updatedAt"])),
        ("SecuritySettingsPatch", object(SecuritySettings.ranges.map { ($0.field, int(min: $0.range.lowerBound, max: $0.range.upperBound)) })),
    ]

    static let securitySettingsOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/security/settings", tag: "security", summary: "The security policy (security administrator, auditor)",
                  response: (200, "SecuritySettings")),
        Operation(method: "patch", path: "/api/v1/security/settings", tag: "security", summary: "Change the security policy (security administrator)",
                  body: "SecuritySettingsPatch", response: (200, "SecuritySettings")),
    ]
}
