import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

/// docs/security.md 「安全策略」: the security administrator's policy, read by the auditor, applied at once.
@Suite("Security settings (三员分立)")
struct SecuritySettingsTests {
    struct Settings: Codable, Equatable {
        var passwordMinLength: Int
        var lockoutThreshold: Int
        var lockoutMinutes: Int
        var idleTimeoutMinutes: Int
        var updatedAt: Date?
    }

    static func decode(_ res: TestingHTTPResponse) throws -> Settings {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Settings.self, from: Data(res.body.readableBytesView))
    }

    @Test("the defaults apply until saved; the security administrator changes them, the auditor reads them, the change is audited")
    func readAndChange() async throws {
        try await withYiwei { env in
            let security = try await env.securityToken()
            let auditor = try await env.makeUser("shenji", roles: ["auditor"]).token
            let first = try await env.send(.GET, "/api/v1/security/settings", token: security)
            #expect(first.status == .ok)
            #expect(try Self.decode(first) == Settings(passwordMinLength: 8, lockoutThreshold: 5, lockoutMinutes: 15, idleTimeoutMinutes: 30, updatedAt: nil))

            let changed = try await env.send(.PATCH, "/api/v1/security/settings", token: security,
                                             raw: #"{"lockoutThreshold":3,"lockoutMinutes":10}"#)
            #expect(changed.status == .ok, "\(changed.body.string)")
            let saved = try Self.decode(changed)
            #expect(saved.lockoutThreshold == 3 && saved.lockoutMinutes == 10)
            #expect(saved.passwordMinLength == 8 && saved.idleTimeoutMinutes == 30, "fields not given are kept")
            #expect(saved.updatedAt == env.clock.now())

            let read = try await env.send(.GET, "/api/v1/security/settings", token: auditor)
            #expect(read.status == .ok)
            #expect(try Self.decode(read) == saved)

            let audit = try await env.db.raw("SELECT before, after, actor_name FROM audit_log WHERE action = 'security.settings'").all()
            #expect(audit.count == 1)
            #expect(try audit.first?.decode(column: "actor_name", as: String.self) == "security")
            let after = try audit.first?.decode(column: "after", as: String.self) ?? ""
            let before = try audit.first?.decode(column: "before", as: String.self) ?? ""
            #expect(after.contains(#""lockoutThreshold":3"#) && before.contains(#""lockoutThreshold":5"#))

            // Saving the same values again changes nothing worth an audit row.
            _ = try await env.send(.PATCH, "/api/v1/security/settings", token: security, raw: #"{"lockoutThreshold":3}"#)
            #expect(try await env.db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'security.settings'").first()!.decode(column: "n", as: Int.self) == 1)
        }
    }

    @Test("values outside their range, an empty change and a malformed body are refused and change nothing")
    func badInput() async throws {
        try await withYiwei { env in
            let security = try await env.securityToken()
            let cases: [(String, [String: String])] = [
                (#"{"passwordMinLength":7}"#, ["passwordMinLength": "must be between 8 and 64"]),
                (#"{"lockoutThreshold":2,"lockoutMinutes":1441}"#, ["lockoutThreshold": "must be between 3 and 20", "lockoutMinutes": "must be between 1 and 1440"]),
                (#"{"idleTimeoutMinutes":4}"#, ["idleTimeoutMinutes": "must be between 5 and 480"]),
                (#"{"idleTimeoutMinutes":481,"passwordMinLength":12}"#, ["idleTimeoutMinutes": "must be between 5 and 480"]),
            ]
            for (body, fields) in cases {
                let res = try await env.send(.PATCH, "/api/v1/security/settings", token: security, raw: body)
                #expect(res.status == .unprocessableEntity, "\(body)")
                #expect(res.errorCode == "validation_failed")
                #expect(res.errorFields == fields, "\(body)")
            }
            #expect(try await env.send(.PATCH, "/api/v1/security/settings", token: security, raw: "{}").status == .unprocessableEntity)
            let mistyped = try await env.send(.PATCH, "/api/v1/security/settings", token: security, raw: #"{"lockoutThreshold":"three"}"#)
            #expect(mistyped.status == .unprocessableEntity)
            #expect(mistyped.errorFields.keys.sorted() == ["lockoutThreshold"])
            #expect(try await env.send(.PATCH, "/api/v1/security/settings", token: security, raw: #"{"lockoutThreshold":3"#).status == .badRequest)
            #expect(try await env.send(.PATCH, "/api/v1/security/settings", token: security, raw: "lockoutThreshold=3",
                                       contentType: "application/x-www-form-urlencoded").status == .unsupportedMediaType)
            let now = try await env.send(.GET, "/api/v1/security/settings", token: security)
            #expect(try Self.decode(now) == Settings(passwordMinLength: 8, lockoutThreshold: 5, lockoutMinutes: 15, idleTimeoutMinutes: 30, updatedAt: nil))
            #expect(try await env.count("settings") == 0)
        }
    }

    @Test("a lock-out of 3 failures for 10 minutes applies from the next sign-in")
    func lockoutApplies() async throws {
        try await withYiwei { env in
            let security = try await env.securityToken()
            _ = try await env.makeUser("nurse1", roles: ["reporter"])
            #expect(try await env.send(.PATCH, "/api/v1/security/settings", token: security,
                                       raw: #"{"lockoutThreshold":3,"lockoutMinutes":10}"#).status == .ok)
            func attempt(_ password: String) async throws -> TestingHTTPResponse {
                try await env.send(.POST, "/api/v1/auth/login", json: ["username": "nurse1", "password": password])
            }
            #expect(try await attempt("bad").status == .unauthorized)
            #expect(try await attempt("bad").status == .unauthorized)
            let third = try await attempt("bad")
            #expect(third.status == .locked)
            #expect(third.body.string.contains("10 minutes"))
            // Locked at the third failure until 10 minutes later: 9:59 is still locked, 10:00 is not.
            env.clock.advance(by: 9 * 60 + 59)
            #expect(try await attempt("Test#Pass2026").status == .locked)
            env.clock.advance(by: 1)
            #expect(try await attempt("Test#Pass2026").status == .ok)
        }
    }

    @Test("a minimum length of 12 refuses an 11-character password and takes a 12-character one")
    func passwordLengthApplies() async throws {
        try await withYiwei { env in
            let security = try await env.securityToken()
            let nurse = try await env.makeUser("nurse1", roles: ["reporter"])
            #expect(try await env.send(.PATCH, "/api/v1/security/settings", token: security, raw: #"{"passwordMinLength":12}"#).status == .ok)
            let short = try await env.send(.POST, "/api/v1/auth/password", token: nurse.token,
                                           json: ["currentPassword": "Test#Pass2026", "newPassword": "Abc#12345xy"])
            #expect(short.status == .unprocessableEntity)
            #expect(short.errorFields["newPassword"] == "must be at least 12 characters")
            let ok = try await env.send(.POST, "/api/v1/auth/password", token: nurse.token,
                                        json: ["currentPassword": "Test#Pass2026", "newPassword": "Abc#12345xyz"])
            #expect(ok.status == .noContent || ok.status == .ok, "\(ok.status) \(ok.body.string)")
            // Accounts the system administrator creates follow the same rule.
            let admin = try await env.adminToken()
            let created = try await env.send(.POST, "/api/v1/users", token: admin,
                                             raw: #"{"username":"nurse2","displayName":"护士二","roles":["reporter"],"password":"Abc#12345xy"}"#)
            #expect(created.status == .unprocessableEntity)
            #expect(created.errorFields["password"] == "must be at least 12 characters")
        }
    }

    @Test("an idle timeout of 5 minutes ends signed-in browser sessions after 5 quiet minutes")
    func idleTimeoutApplies() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            _ = try await browser.signIn("admin", adminPassword)
            #expect(try await browser.get("/").status == .ok)
            let security = try await env.securityToken()
            #expect(try await env.send(.PATCH, "/api/v1/security/settings", token: security, raw: #"{"idleTimeoutMinutes":5}"#).status == .ok)
            env.clock.advance(by: 4 * 60 + 59)
            #expect(try await browser.get("/").status == .ok)
            env.clock.advance(by: 5 * 60 + 1)
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("the page: the security administrator saves, the auditor reads without a save button, bad values are shown beside their field")
    func page() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            _ = try await browser.signIn("security", securityPassword)
            let form = try await browser.get("/admin/security")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("会话空闲超时"))
            #expect(form.body.string.contains(">返回工作台</a>"), "the page has no list to go back to")
            let bad = try await browser.post("/admin/security", [("passwordMinLength", "6"), ("lockoutThreshold", "5"),
                                                                  ("lockoutMinutes", "15"), ("idleTimeoutMinutes", "abc")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("须在 8 到 64 之间"))
            #expect(bad.body.string.contains("须为整数"))
            #expect(try await env.count("settings") == 0)
            let saved = try await browser.post("/admin/security", [("passwordMinLength", "10"), ("lockoutThreshold", "5"),
                                                                    ("lockoutMinutes", "30"), ("idleTimeoutMinutes", "15")])
            #expect(saved.status == .seeOther)
            let security = try await env.securityToken()
            let now = try Self.decode(try await env.send(.GET, "/api/v1/security/settings", token: security))
            #expect(now.passwordMinLength == 10 && now.lockoutMinutes == 30 && now.idleTimeoutMinutes == 15)

            _ = try await env.makeUser("shenji", roles: ["auditor"], password: "Audit#2026pwx")
            let reader = Browser(env)
            _ = try await reader.signIn("shenji", "Audit#2026pwx")
            let page = try await reader.get("/admin/security")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("value=\"30\""))
            #expect(!page.body.string.contains("button primary"))
        }
    }
}
