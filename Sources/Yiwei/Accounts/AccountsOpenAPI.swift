import Foundation

/// Sign-in, API tokens, users and the caller lookup in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let accountSchemas: [(String, J)] = [
        ("LoginRequest", object([("username", str(max: 64)), ("password", str(max: 256))], required: ["username", "password"])),
        ("UserSummary", object([("id", uuid), ("username", str()), ("displayName", str()), ("roles", array(str(enumValues: roles)))],
                               required: ["id", "username", "displayName", "roles"])),
        ("LoginResponse", object([("token", str()), ("expiresAt", dateTime), ("user", ref("UserSummary"))], required: ["token", "expiresAt", "user"])),
        ("User", object([("id", uuid), ("username", str()), ("displayName", str()), ("roles", array(str(enumValues: roles))),
                         ("departmentId", uuidNullable), ("vendorId", uuidNullable), ("teamIds", array(uuid)),
                         ("phone", str(nullable: true)), ("email", str(nullable: true)), ("locale", str(enumValues: ["zh-CN", "en"])),
                         ("isActive", bool), ("locked", bool), ("mustChangePassword", bool), ("lastLoginAt", dateTimeNullable),
                         ("createdAt", dateTime), ("updatedAt", dateTime)],
                        required: ["id", "username", "displayName", "roles", "teamIds", "locale", "isActive", "locked", "mustChangePassword", "createdAt", "updatedAt"])),
        ("CreateUser", object([("username", str(max: 32)), ("displayName", str(max: 50)), ("password", str(max: 128)),
                               ("roles", array(str(enumValues: roles))), ("departmentId", idOrEmpty), ("vendorId", idOrEmpty),
                               ("teamIds", array(uuid)), ("phone", str(max: 30)), ("email", str(max: 100)), ("locale", str(enumValues: ["zh-CN", "en"]))],
                              required: ["username", "displayName", "password", "roles"])),
        ("UpdateUser", object([("displayName", str(max: 50)), ("password", str(max: 128)), ("roles", array(str(enumValues: roles))),
                               ("departmentId", idOrEmpty), ("vendorId", idOrEmpty), ("teamIds", array(uuid)), ("phone", str(max: 30)),
                               ("email", str(max: 100)), ("locale", str(enumValues: ["zh-CN", "en"])), ("isActive", bool), ("locked", bool)])),
        ("ChangePassword", object([("currentPassword", str()), ("newPassword", str())], required: ["currentPassword", "newPassword"])),
        ("Token", object([("id", uuid), ("name", str()), ("createdAt", dateTime), ("expiresAt", dateTime), ("revokedAt", dateTimeNullable),
                          ("lastUsedAt", dateTimeNullable)], required: ["id", "name", "createdAt", "expiresAt"])),
        ("CreateToken", object([("name", str(max: 50)), ("expiresInDays", int(min: 1))], required: ["name"])),
        ("CreatedToken", object([("token", str()), ("info", ref("Token"))], required: ["token", "info"])),
    ]

    static let userLookupSchemas: [(String, J)] = [
        ("UserLookup", object([("id", uuid), ("displayName", str()), ("username", str()), ("phone", str(nullable: true)),
                               ("department", str(nullable: true)), ("label", str())], required: ["id", "displayName", "username", "label"])),
    ]

    static let accountOperations: [Operation] = [
        Operation(method: "post", path: "/api/v1/auth/login", tag: "auth", summary: "Sign in; returns a bearer token valid 24 hours",
                  body: "LoginRequest", response: (200, "LoginResponse"), auth: false),
        Operation(method: "post", path: "/api/v1/auth/logout", tag: "auth", summary: "Revoke the token used for this request", response: (204, nil)),
        Operation(method: "get", path: "/api/v1/auth/me", tag: "auth", summary: "The signed-in user", response: (200, "User")),
        Operation(method: "post", path: "/api/v1/auth/password", tag: "auth", summary: "Change one's own password; ends other sessions and tokens",
                  body: "ChangePassword", response: (204, nil)),
        Operation(method: "get", path: "/api/v1/auth/tokens", tag: "auth", summary: "One's API tokens", response: (200, "TokenPage"), paged: true),
        Operation(method: "post", path: "/api/v1/auth/tokens", tag: "auth", summary: "Create an API token; the secret is shown once",
                  body: "CreateToken", response: (201, "CreatedToken")),
        Operation(method: "delete", path: "/api/v1/auth/tokens/{tokenId}", tag: "auth", summary: "Revoke an API token", response: (204, nil),
                  pathParams: ["tokenId"]),
        Operation(method: "get", path: "/api/v1/users", tag: "users", summary: "List users", response: (200, "UserPage"),
                  query: [("q", str(max: 50)), ("role", str(enumValues: roles)), ("departmentId", uuid)], paged: true),
        Operation(method: "post", path: "/api/v1/users", tag: "users", summary: "Create a user (admin)", body: "CreateUser", response: (201, "User")),
        Operation(method: "get", path: "/api/v1/users/lookup", tag: "users", summary: "Find a caller by name, username or phone (service desk; at most 20)",
                  response: (200, "UserLookupList"), query: [("q", str(max: 50))]),
        Operation(method: "get", path: "/api/v1/users/{userId}", tag: "users", summary: "Get a user", response: (200, "User"), pathParams: ["userId"]),
        Operation(method: "patch", path: "/api/v1/users/{userId}", tag: "users", summary: "Change a user (admin)", body: "UpdateUser",
                  response: (200, "User"), pathParams: ["userId"]),
    ]
}
