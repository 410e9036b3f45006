import Foundation
import Testing
@testable import YiweiCore

@Suite("Password policy")
struct PasswordPolicyTests {
    @Test("accepted passwords", arguments: ["Abc#12345", "hospital#2026", "Yiwei@2026", "医维Abc12345", "ABCD1234!"])
    func accepted(_ password: String) {
        #expect(PasswordPolicy.standard.violations(password: password, username: "zhangsan").isEmpty)
    }

    @Test("rejected passwords and why", arguments: [
        ("Ab#1234", [PasswordPolicy.Violation.tooShort]),            // 7 characters
        ("abcdefgh", [.tooFewClasses]),                                // 1 class
        ("abcd1234", [.tooFewClasses]),                                // 2 classes
        ("Zhangsan#1", [.containsUsername]),                           // contains the username, any case
        ("abc", [.tooShort, .tooFewClasses]),
    ])
    func rejected(_ password: String, _ expected: [PasswordPolicy.Violation]) {
        #expect(PasswordPolicy.standard.violations(password: password, username: "zhangsan") == expected)
    }

    @Test("character classes: lower, upper, digit, other (Chinese counts as other)")
    func classes() {
        #expect(PasswordPolicy.characterClasses(in: "abc") == 1)
        #expect(PasswordPolicy.characterClasses(in: "aB1") == 3)
        #expect(PasswordPolicy.characterClasses(in: "aB1#") == 4)
        #expect(PasswordPolicy.characterClasses(in: "医维ab") == 2)
    }

    @Test("a two-letter username is not searched for inside passwords")
    func shortUsernames() {
        #expect(PasswordPolicy.standard.violations(password: "Li#2026abc", username: "li").isEmpty)
    }
}

@Suite("Lock-out policy")
struct LockoutPolicyTests {
    let policy = LockoutPolicy(threshold: 5, lockMinutes: 15)
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("the fifth consecutive failure locks for exactly 15 minutes")
    func locksAtThreshold() {
        var state = LockoutPolicy.State(failedCount: 0, lockedUntil: nil)
        for n in 1...4 {
            state = policy.afterFailure(state, now: t0)
            #expect(state == .init(failedCount: n, lockedUntil: nil))
        }
        state = policy.afterFailure(state, now: t0)
        #expect(state.lockedUntil == t0.addingTimeInterval(900))
        #expect(policy.isLocked(state, now: t0.addingTimeInterval(899)))
        #expect(!policy.isLocked(state, now: t0.addingTimeInterval(900)))
    }

    @Test("a failure after the lock expired counts from one again")
    func restartsAfterExpiry() {
        let locked = LockoutPolicy.State(failedCount: 5, lockedUntil: t0)
        #expect(policy.afterFailure(locked, now: t0.addingTimeInterval(1)) == .init(failedCount: 1, lockedUntil: nil))
    }

    @Test("success resets")
    func successResets() {
        #expect(policy.afterSuccess() == .init(failedCount: 0, lockedUntil: nil))
    }
}

@Suite("Roles and separation of duties")
struct RolePolicyTests {
    @Test("the administrator cannot read the audit log; the auditor can, and cannot change anything")
    func threeAdmins() {
        let admin = RolePolicy.permissions(for: .admin)
        let auditor = RolePolicy.permissions(for: .auditor)
        #expect(admin.contains(.manageUsers) && admin.contains(.manageOrganisation))
        #expect(!admin.contains(.readAudit))
        #expect(auditor.contains(.readAudit))
        #expect(auditor.isDisjoint(with: [.manageUsers, .manageOrganisation, .workTickets, .reportTickets]))
    }

    @Test("forbidden combinations", arguments: [
        ([Role.admin, .auditor], RoleConflict.adminAndAuditor),
        ([.auditor, .agent], .administratorWithOtherRoles),
        ([.auditor, .reporter], .administratorWithOtherRoles),
        ([.admin, .lead], .administratorWithOtherRoles),
        ([.security, .agent], .administratorWithOtherRoles),
        ([.admin, .security], .administratorsCombined),
        ([.security, .auditor], .administratorsCombined),
    ])
    func conflicts(_ roles: [Role], _ expected: RoleConflict) {
        #expect(RolePolicy.conflict(in: Set(roles)) == expected)
    }

    @Test("allowed combinations", arguments: [[Role.admin], [.security], [.lead, .agent, .dispatcher], [.auditor], [.vendor]])
    func allowed(_ roles: [Role]) {
        #expect(RolePolicy.conflict(in: Set(roles)) == nil)
    }

    @Test("permissions of several roles are their union")
    func union() {
        #expect(RolePolicy.permissions(for: [.lead, .agent]) == RolePolicy.permissions(for: .lead).union(RolePolicy.permissions(for: .agent)))
    }
}
