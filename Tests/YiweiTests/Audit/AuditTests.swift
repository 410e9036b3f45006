import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Audit log: append-only, hash-chained, verifiable")
struct AuditTests {
    @Test("logins, failures, denials and changes are recorded with actor and time; the chain verifies")
    func recordsAndVerifies() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            _ = try await env.send(.POST, "/api/v1/auth/login", json: ["username": "admin", "password": "wrong"])
            _ = try await env.send(.POST, "/api/v1/campuses", token: admin, json: ["name": "本部院区"])
            let auditor = try await env.makeUser("shenji", roles: ["auditor"])
            let page = try await env.send(.GET, "/api/v1/audit?per=200", token: auditor.token).content.decode(Page<AuditEntryDTO>.self)
            let actions = page.items.map(\.action)
            for expected in ["user.create", "login.success", "login.failure", "campus.create"] {
                #expect(actions.contains(expected), "\(expected) missing from \(actions)")
            }
            // Newest first, sequence numbers dense, total = the newest sequence.
            #expect(page.items.map(\.sequence) == Array((1...Int64(page.total)).reversed()))
            #expect(page.items.first { $0.action == "login.failure" }?.after == #"{"reason":"wrong_password","failedCount":"1"}"#
                    || page.items.first { $0.action == "login.failure" }?.after?.contains("wrong_password") == true)
            #expect(page.items.allSatisfy { $0.at == env.clock.now() })
            let verify = try await env.send(.GET, "/api/v1/audit/verify", token: auditor.token).content.decode(AuditVerifyDTO.self)
            #expect(verify.intact)
            #expect(verify.checked == Int64(page.total))
        }
    }

    @Test("the database refuses to update or delete audit rows")
    func appendOnly() async throws {
        try await withYiwei { env in
            await #expect(throws: (any Error).self) {
                try await env.db.raw("UPDATE audit_log SET actor_name = 'x'").run()
            }
            await #expect(throws: (any Error).self) {
                try await env.db.raw("DELETE FROM audit_log").run()
            }
            let rows = try await env.count("audit_log")
            #expect(rows >= 1)
        }
    }

    @Test("tampering is found: a modified row, then a deleted row (with the guard triggers dropped by an intruder)")
    func tamperingDetected() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            for name in ["甲", "乙", "丙"] { _ = try await env.send(.POST, "/api/v1/vendors", token: admin, json: ["name": name]) }
            let intact = try await AuditQueries.verify(on: env.app.db)
            #expect(intact.intact)
            if env.db.dialect.name == "sqlite" {
                try await env.db.raw("DROP TRIGGER audit_log_no_update").run()
                try await env.db.raw("DROP TRIGGER audit_log_no_delete").run()
            } else {
                try await env.db.raw("DROP TRIGGER audit_log_no_change ON audit_log").run()
            }
            try await env.db.raw("UPDATE audit_log SET actor_name = 'someone' WHERE seq = 3").run()
            let modified = try await AuditQueries.verify(on: env.app.db)
            #expect(!modified.intact)
            #expect(modified.problem == "modified")
            #expect(modified.sequence == 3)
            #expect(modified.checked == 2)

            try await env.db.raw("UPDATE audit_log SET actor_name = 'admin' WHERE seq = 3").run()
            #expect(try await AuditQueries.verify(on: env.app.db).intact)
            try await env.db.raw("DELETE FROM audit_log WHERE seq = 4").run()
            let missing = try await AuditQueries.verify(on: env.app.db)
            #expect(missing.problem == "missing")
            #expect(missing.sequence == 4)
        }
    }

    @Test("filters: actor, action prefix, entity, and date range in the hospital's time zone")
    func filters() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            _ = try await env.send(.POST, "/api/v1/campuses", token: admin, json: ["name": "东院区"])
            let auditor = try await env.makeUser("shenji", roles: ["auditor"])
            func total(_ query: String) async throws -> Int {
                try await env.send(.GET, "/api/v1/audit?\(query)", token: auditor.token).content.decode(Page<AuditEntryDTO>.self).total
            }
            #expect(try await total("actor=admin&action=campus.") == 1)
            #expect(try await total("action=login.") >= 2)
            // The test clock is 2026-11-18 19:06 in Shanghai: the day includes it, the next day does not.
            #expect(try await total("from=2026-11-18&to=2026-11-18&action=campus") == 1)
            #expect(try await total("from=2026-11-19&action=campus") == 0)
            let bad = try await env.send(.GET, "/api/v1/audit?from=yesterday", token: auditor.token)
            #expect(bad.status == .badRequest)
            #expect(bad.errorFields["from"] != nil)
        }
    }

    @Test("concurrent writers keep one unbroken chain")
    func concurrentAppends() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let res = try await env.send(.POST, "/api/v1/vendors", token: admin, json: ["name": "厂商\(i)"])
                        #expect(res.status == .created)
                    }
                }
                try await group.waitForAll()
            }
            let result = try await AuditQueries.verify(on: env.app.db)
            #expect(result.intact)
            #expect(try await env.count("vendors") == 20)
        }
    }
}
