import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// Every role against every kind of endpoint: what API.md and 三员分立 promise, as a table.
@Suite("Role × endpoint permission matrix")
struct PermissionMatrixTests {
    struct Case: Sendable, CustomStringConvertible {
        let method: HTTPMethod
        let path: String
        let body: String?
        /// Roles that may do it; every other role gets 403.
        let allowed: Set<String>
        var description: String { "\(method) \(path)" }
    }

    static let allRoles = ["admin", "agent", "dispatcher", "lead", "reporter", "vendor", "auditor", "security"]
    static let staffReaders: Set<String> = ["admin", "agent", "dispatcher", "lead", "auditor", "security"]
    static let everyone = Set(allRoles)

    static let cases: [Case] = [
        Case(method: .GET, path: "/api/v1/users", body: nil, allowed: staffReaders),
        Case(method: .POST, path: "/api/v1/users", body: #"{"username":"u{n}","displayName":"新用户","password":"Abc#12345x","roles":["reporter"]}"#, allowed: ["admin"]),
        Case(method: .GET, path: "/api/v1/departments", body: nil, allowed: everyone),
        Case(method: .POST, path: "/api/v1/departments", body: #"{"name":"科室{n}"}"#, allowed: ["admin"]),
        Case(method: .GET, path: "/api/v1/campuses", body: nil, allowed: everyone),
        Case(method: .POST, path: "/api/v1/campuses", body: #"{"name":"院区{n}"}"#, allowed: ["admin"]),
        Case(method: .GET, path: "/api/v1/teams", body: nil, allowed: everyone),
        Case(method: .POST, path: "/api/v1/teams", body: #"{"name":"团队{n}","domain":"it"}"#, allowed: ["admin"]),
        Case(method: .GET, path: "/api/v1/vendors", body: nil, allowed: everyone),
        Case(method: .POST, path: "/api/v1/vendors", body: #"{"name":"厂商{n}"}"#, allowed: ["admin"]),
        Case(method: .GET, path: "/api/v1/categories", body: nil, allowed: everyone),
        Case(method: .POST, path: "/api/v1/categories", body: #"{"name":"分类{n}","domain":"it"}"#, allowed: ["admin"]),
        Case(method: .GET, path: "/api/v1/business-systems", body: nil, allowed: everyone),
        Case(method: .POST, path: "/api/v1/business-systems", body: #"{"name":"系统{n}"}"#, allowed: ["admin"]),
        Case(method: .GET, path: "/api/v1/audit", body: nil, allowed: ["auditor"]),
        Case(method: .GET, path: "/api/v1/audit/verify", body: nil, allowed: ["auditor"]),
        Case(method: .GET, path: "/api/v1/auth/me", body: nil, allowed: everyone),
    ]

    @Test("each role gets exactly the access the matrix gives it, and nobody without a token gets in", arguments: cases)
    func matrix(_ c: Case) async throws {
        try await withYiwei { env in
            var tokens: [String: String] = ["admin": try await env.adminToken(), "security": try await env.securityToken()]
            for role in Self.allRoles where tokens[role] == nil {
                tokens[role] = try await env.makeUser("r_" + role, roles: [role]).token
            }
            for (index, role) in Self.allRoles.enumerated() {
                let body = c.body?.replacingOccurrences(of: "{n}", with: String(index))
                let res = try await env.send(c.method, c.path, token: tokens[role], raw: body)
                if c.allowed.contains(role) {
                    #expect(res.status.code < 300, "\(role) should be allowed \(c): got \(res.status) \(res.body.string)")
                } else {
                    #expect(res.status == .forbidden, "\(role) should be denied \(c): got \(res.status)")
                    #expect(res.errorCode == "forbidden")
                }
            }
            let anonymous = try await env.send(c.method, c.path, raw: c.body?.replacingOccurrences(of: "{n}", with: "x"))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.errorCode == "unauthorized")
        }
    }

    @Test("a denied request changes nothing and is itself audited")
    func denialIsAuditedAndWritesNothing() async throws {
        try await withYiwei { env in
            let reporter = try await env.makeUser("nurse", roles: ["reporter"])
            let before = try await env.count("departments")
            let res = try await env.send(.POST, "/api/v1/departments", token: reporter.token, json: ["name": "偷建科室"])
            #expect(res.status == .forbidden)
            #expect(try await env.count("departments") == before)
            let auditor = try await env.makeUser("auditor1", roles: ["auditor"])
            let log = try await env.send(.GET, "/api/v1/audit?action=permission.denied", token: auditor.token)
                .content.decode(Page<AuditEntryDTO>.self)
            #expect(log.items.contains { $0.actorName == "nurse" && $0.entityId == "POST /api/v1/departments" })
        }
    }

    @Test("separation of duties: two administrator roles, or one with any other role, is refused")
    func separationOfDuties() async throws {
        try await withYiwei { env in
            let security = try await env.securityToken()
            for roles in [["admin", "auditor"], ["auditor", "agent"], ["admin", "lead"], ["security", "auditor"]] {
                let res = try await env.send(.POST, "/api/v1/users", token: security,
                                             json: CreateUserRequest(username: "dual", displayName: "兼任", password: "Abc#12345x", roles: roles))
                #expect(res.status == .unprocessableEntity)
                #expect(res.errorFields["roles"] != nil)
            }
            #expect(try await env.count("users") == 2)
        }
    }

    @Test("an auditor reads but cannot change users or organisation")
    func auditorIsReadOnly() async throws {
        try await withYiwei { env in
            let auditor = try await env.makeUser("auditor2", roles: ["auditor"])
            let users = try await env.send(.GET, "/api/v1/users", token: auditor.token)
            #expect(users.status == .ok)
            let me = try await env.send(.PATCH, "/api/v1/users/\(auditor.id)", token: auditor.token, json: UpdateUserRequest(roles: ["admin"]))
            #expect(me.status == .forbidden)
        }
    }

    @Test("a user may read their own account but not others' without readUsers")
    func readOwnAccount() async throws {
        try await withYiwei { env in
            let nurse = try await env.makeUser("nurse3", roles: ["reporter"])
            let other = try await env.makeUser("nurse4", roles: ["reporter"])
            #expect(try await env.send(.GET, "/api/v1/users/\(nurse.id)", token: nurse.token).status == .ok)
            #expect(try await env.send(.GET, "/api/v1/users/\(other.id)", token: nurse.token).status == .forbidden)
        }
    }

    @Test("administrators cannot lock themselves out: the admin's own account is the security administrator's, who cannot disable or demote itself")
    func adminSelfProtection() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken(), security = try await env.securityToken()
            let me = try await env.send(.GET, "/api/v1/auth/me", token: admin).content.decode(UserDTO.self)
            #expect(try await env.send(.PATCH, "/api/v1/users/\(me.id)", token: admin, json: UpdateUserRequest(isActive: false)).status == .forbidden)
            #expect(try await env.send(.PATCH, "/api/v1/users/\(me.id)", token: admin, json: UpdateUserRequest(roles: ["agent"])).status == .forbidden)
            let own = try await env.send(.GET, "/api/v1/auth/me", token: security).content.decode(UserDTO.self)
            let disable = try await env.send(.PATCH, "/api/v1/users/\(own.id)", token: security, json: UpdateUserRequest(isActive: false))
            #expect(disable.status == .unprocessableEntity)
            let demote = try await env.send(.PATCH, "/api/v1/users/\(own.id)", token: security, json: UpdateUserRequest(roles: ["auditor"]))
            #expect(demote.status == .unprocessableEntity)
        }
    }
}
