import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Sign-in: failures limited per client address")
struct LoginThrottleTests {
    func login(_ env: TestEnv, from peer: String, _ username: String, _ password: String) async throws -> Response {
        try await env.send(from: peer, .POST, "/api/v1/auth/login", json: ["username": username, "password": password])
    }

    func auditRows(_ env: TestEnv, ip: String) async throws -> [String] {
        try await env.db.raw("SELECT action, after FROM audit_log WHERE ip = \(bind: ip) ORDER BY seq").all().map {
            "\(try $0.decode(column: "action", as: String.self)) \(try $0.decode(column: "after", as: String?.self) ?? "")"
        }
    }

    @Test("after 3 failures from one address within 10 minutes it gets 429 too_many_attempts with Retry-After, without a password check; other addresses sign in; unknown usernames are audited once per address and window")
    func perAddress() async throws {
        let adjust: (inout AppConfig) -> Void = { $0.loginAddressLimit = 3; $0.loginAddressMinutes = 10; $0.metricsOpen = true }
        try await withYiwei(adjust) { env in
            let attacker = "198.51.100.7", desk = "198.51.100.8"
            for name in ["ghost1", "ghost2", "ghost3"] {
                #expect(try await login(env, from: attacker, name, "Guess#2026").status == .unauthorized)
            }
            // The fourth attempt is refused before any password is looked at: even the right one.
            let refused = try await login(env, from: attacker, "admin", adminPassword)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "too_many_attempts")
            #expect(refused.headers.first(name: .retryAfter) == "600")
            env.clock.advance(by: 599)
            let later = try await login(env, from: attacker, "zuzhang", "Guess#2026")
            #expect(later.status == .tooManyRequests && later.headers.first(name: .retryAfter) == "1")
            // Another address is not affected, and the attacker's attempts did not touch the admin's lock-out count.
            #expect(try await login(env, from: desk, "admin", adminPassword).status == .ok)
            let failedCount = try await env.db.raw("SELECT failed_logins FROM users WHERE username = 'admin'").first()!
                .decode(column: "failed_logins", as: Int.self)
            #expect(failedCount == 0)
            // Audit: the first unknown username and the first refusal from the address — one row each, not one per attempt.
            #expect(try await auditRows(env, ip: attacker) == [#"login.failure {"reason":"unknown_user"}"#,
                                                                 #"login.throttled {"failures":"3","minutes":"10"}"#])
            let metrics = try await env.send(.GET, "/metrics").body.string
            #expect(metrics.contains(#"yiwei_login_failures_total{reason="unknown_user"} 3"#))
            #expect(metrics.contains(#"yiwei_login_failures_total{reason="throttled"} 2"#))
            // Ten minutes after the first failure, the address may try again.
            env.clock.advance(by: 1)
            #expect(try await login(env, from: attacker, "admin", adminPassword).status == .ok)
        }
    }

    @Test("successful sign-ins do not count; the per-account lock-out still locks at the fifth failure")
    func successesAndLockout() async throws {
        try await withYiwei({ $0.loginAddressLimit = 6 }) { env in
            var statuses: [UInt] = []
            for password in Array(repeating: adminPassword, count: 10) + Array(repeating: "bad", count: 5) + [adminPassword, adminPassword] {
                statuses.append(try await login(env, from: "198.51.100.9", "admin", password).status.code)
            }
            // Ten successes; four 401s, the fifth failure locks (423), the right password is refused while locked
            // (423, the sixth failure), and then the address is held back as well (429).
            #expect(statuses == Array(repeating: 200, count: 10) + [401, 401, 401, 401, 423, 423, 429])
        }
    }

    @Test("the sign-in page shares the address's count and says how long to wait")
    func page() async throws {
        try await withYiwei({ $0.loginAddressLimit = 2 }) { env in
            let browser = Browser(env)
            #expect(try await browser.signIn("admin", "wrong").status == .unauthorized)
            // The in-memory tester's requests have no peer address: the API and the page count as one address.
            #expect(try await env.send(.POST, "/api/v1/auth/login", json: ["username": "nobody", "password": "wrong"]).status == .unauthorized)
            let refused = try await browser.signIn("admin", adminPassword)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: .retryAfter) == "900")
            #expect(refused.body.string.contains("此地址登录失败次数过多，请 15 分钟后再试。"))
            #expect(try await browser.get("/").status != .ok)
        }
    }
}
