import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Sign-in, tokens, lock-out and passwords")
struct AuthTests {
    @Test("login returns a token and the user; the token authenticates /auth/me")
    func loginAndMe() async throws {
        try await withYiwei { env in
            let res = try await env.send(.POST, "/api/v1/auth/login", json: ["username": "admin", "password": adminPassword])
            #expect(res.status == .ok)
            let body = try res.content.decode(LoginResponse.self)
            #expect(body.user.username == "admin")
            #expect(body.user.roles == ["admin"])
            #expect(body.token.hasPrefix("yw_"))
            // Login tokens live 24 hours.
            #expect(body.expiresAt == env.clock.now().addingTimeInterval(24 * 3600))
            let me = try await env.send(.GET, "/api/v1/auth/me", token: body.token)
            #expect(me.status == .ok)
            #expect(try me.content.decode(UserDTO.self).username == "admin")
        }
    }

    @Test("the token is stored only as a digest")
    func tokenStoredHashed() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let rows = try await env.db.raw("SELECT token_hash FROM api_tokens").all()
            let hashes = try rows.map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(!hashes.contains(token))
            #expect(hashes.contains(Secrets.digest(token)))
        }
    }

    @Test("a wrong password and an unknown user get the same 401")
    func wrongCredentials() async throws {
        try await withYiwei { env in
            let wrong = try await env.send(.POST, "/api/v1/auth/login", json: ["username": "admin", "password": "nope"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_credentials")
            let unknown = try await env.send(.POST, "/api/v1/auth/login", json: ["username": "ghost", "password": "nope"])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.errorCode == "invalid_credentials")
            #expect(try wrong.content.decode(ErrorBody.self).error.message == unknown.content.decode(ErrorBody.self).error.message)
        }
    }

    @Test("5 consecutive failures lock the account for 15 minutes; a success resets the count")
    func lockout() async throws {
        try await withYiwei { env in
            func attempt(_ password: String) async throws -> TestingHTTPResponse {
                try await env.send(.POST, "/api/v1/auth/login", json: ["username": "admin", "password": password])
            }
            // Four failures, then a success: the count starts again.
            for _ in 1...4 { #expect(try await attempt("bad").status == .unauthorized) }
            #expect(try await attempt(adminPassword).status == .ok)
            for _ in 1...4 { #expect(try await attempt("bad").status == .unauthorized) }
            // The fifth consecutive failure locks.
            let fifth = try await attempt("bad")
            #expect(fifth.status == .locked)
            #expect(fifth.errorCode == "account_locked")
            // While locked, even the right password is refused.
            env.clock.advance(by: 14 * 60 + 59)
            #expect(try await attempt(adminPassword).status == .locked)
            // 15 minutes after the fifth failure the lock has expired.
            env.clock.advance(by: 1)
            #expect(try await attempt(adminPassword).status == .ok)
        }
    }

    @Test("an administrator lifts a lock-out early")
    func unlock() async throws {
        try await withYiwei { env in
            let user = try await env.makeUser("nurse1", roles: ["reporter"])
            for _ in 1...5 { _ = try await env.send(.POST, "/api/v1/auth/login", json: ["username": "nurse1", "password": "x"]) }
            let admin = try await env.adminToken()
            let locked = try await env.send(.GET, "/api/v1/users/\(user.id)", token: admin)
            #expect(try locked.content.decode(UserDTO.self).locked == true)
            let res = try await env.send(.PATCH, "/api/v1/users/\(user.id)", token: admin, json: UpdateUserRequest(locked: false))
            #expect(res.status == .ok)
            #expect(try res.content.decode(UserDTO.self).locked == false)
            _ = try await env.login("nurse1", "Test#Pass2026")
        }
    }

    @Test("logout revokes the token")
    func logout() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            #expect(try await env.send(.POST, "/api/v1/auth/logout", token: token).status == .noContent)
            let after = try await env.send(.GET, "/api/v1/auth/me", token: token)
            #expect(after.status == .unauthorized)
            #expect(after.errorCode == "invalid_token")
        }
    }

    @Test("API tokens: shown once, listed without the secret, expire, and can be revoked")
    func apiTokens() async throws {
        try await withYiwei { env in
            let login = try await env.adminToken()
            let res = try await env.send(.POST, "/api/v1/auth/tokens", token: login, json: CreateTokenRequest(name: "Zabbix 告警接入", expiresInDays: 7))
            #expect(res.status == .created)
            let created = try res.content.decode(CreatedTokenDTO.self)
            #expect(created.info.expiresAt == env.clock.now().addingTimeInterval(7 * 86400))
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: created.token).status == .ok)
            let list = try await env.send(.GET, "/api/v1/auth/tokens", token: login)
            #expect(!list.body.string.contains(created.token))
            #expect(try list.content.decode(Page<TokenDTO>.self).items.contains { $0.name == "Zabbix 告警接入" })

            // Seven days later it no longer works.
            env.clock.advance(by: 7 * 86400)
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: created.token).status == .unauthorized)

            let fresh = try await env.adminToken()
            let second = try await env.send(.POST, "/api/v1/auth/tokens", token: fresh, json: CreateTokenRequest(name: "脚本"))
            let token2 = try second.content.decode(CreatedTokenDTO.self)
            // The default lifetime is 90 days.
            #expect(token2.info.expiresAt == env.clock.now().addingTimeInterval(90 * 86400))
            #expect(try await env.send(.DELETE, "/api/v1/auth/tokens/\(token2.info.id)", token: fresh).status == .noContent)
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: token2.token).status == .unauthorized)
        }
    }

    @Test("one cannot revoke another user's token")
    func revokeOthersToken() async throws {
        try await withYiwei { env in
            let nurse = try await env.makeUser("nurse2", roles: ["reporter"])
            let admin = try await env.adminToken()
            let created = try await env.send(.POST, "/api/v1/auth/tokens", token: admin, json: CreateTokenRequest(name: "admin 的令牌"))
                .content.decode(CreatedTokenDTO.self)
            let res = try await env.send(.DELETE, "/api/v1/auth/tokens/\(created.info.id)", token: nurse.token)
            #expect(res.status == .notFound)
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: created.token).status == .ok)
        }
    }

    @Test("token bodies are validated", arguments: [
        (#"{"name":""}"#, "name"),
        (#"{"name":"x","expiresInDays":0}"#, "expiresInDays"),
        (#"{"name":"x","expiresInDays":91}"#, "expiresInDays"),
        (#"{"name":"x","expiresInDays":"7"}"#, "expiresInDays"),
    ])
    func tokenValidation(body: String, field: String) async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let res = try await env.send(.POST, "/api/v1/auth/tokens", token: token, raw: body)
            #expect(res.status == .unprocessableEntity)
            #expect(res.errorFields[field] != nil)
        }
    }

    @Test("changing one's password: checks the current one and the policy, then ends the other tokens")
    func changePassword() async throws {
        try await withYiwei { env in
            let (_, token) = try await env.makeUser("engineer1", roles: ["agent"])
            let other = try await env.login("engineer1", "Test#Pass2026")
            let wrong = try await env.send(.POST, "/api/v1/auth/password", token: token,
                                           json: ChangePasswordRequest(currentPassword: "nope", newPassword: "New#Pass2026"))
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.errorFields["currentPassword"] != nil)
            let weak = try await env.send(.POST, "/api/v1/auth/password", token: token,
                                          json: ChangePasswordRequest(currentPassword: "Test#Pass2026", newPassword: "short"))
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.errorFields["newPassword"] != nil)
            let ok = try await env.send(.POST, "/api/v1/auth/password", token: token,
                                        json: ChangePasswordRequest(currentPassword: "Test#Pass2026", newPassword: "New#Pass2026"))
            #expect(ok.status == .noContent)
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: other).status == .unauthorized)
            _ = try await env.login("engineer1", "New#Pass2026")
            let old = try await env.send(.POST, "/api/v1/auth/login", json: ["username": "engineer1", "password": "Test#Pass2026"])
            #expect(old.status == .unauthorized)
        }
    }

    @Test("a disabled account cannot sign in and its tokens stop working")
    func disabledAccount() async throws {
        try await withYiwei { env in
            let user = try await env.makeUser("leaver", roles: ["agent"])
            let admin = try await env.adminToken()
            let res = try await env.send(.PATCH, "/api/v1/users/\(user.id)", token: admin, json: UpdateUserRequest(isActive: false))
            #expect(res.status == .ok)
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: user.token).status == .unauthorized)
            let login = try await env.send(.POST, "/api/v1/auth/login", json: ["username": "leaver", "password": "Test#Pass2026"])
            #expect(login.status == .forbidden)
            #expect(login.errorCode == "account_disabled")
        }
    }

    @Test("the bootstrap admin gets YIWEI_ADMIN_PASSWORD, and a weak one stops the start")
    func bootstrapAdmin() async throws {
        try await withYiwei { env in
            let row = try await env.db.raw("SELECT password_hash, must_change_password FROM users WHERE username = 'admin'").first()!
            #expect(try row.decode(column: "password_hash", as: String.self).hasPrefix("$2"))
            #expect(try row.decode(column: "must_change_password", as: Bool.self) == false)
        }
        await #expect(throws: AppConfig.Invalid.self) {
            try await withYiwei({ $0.adminPassword = "admin" }) { _ in }
        }
    }

    @Test("without YIWEI_ADMIN_PASSWORD a password is generated, kept for display until changed, and must be changed")
    func generatedAdminPassword() async throws {
        try await withYiwei({ $0.adminPassword = nil }) { env in
            let again = try await Bootstrap.ensureAdmin(env.app)
            let password = try #require(again.generatedPassword)
            #expect(again.created == false)
            let token = try await env.login("admin", password)
            let me = try await env.send(.GET, "/api/v1/auth/me", token: token).content.decode(UserDTO.self)
            #expect(me.mustChangePassword)
            _ = try await env.send(.POST, "/api/v1/auth/password", token: token,
                                   json: ChangePasswordRequest(currentPassword: password, newPassword: "Chosen#2026pw"))
            #expect(try await Bootstrap.ensureAdmin(env.app).generatedPassword == nil)
        }
    }
}
