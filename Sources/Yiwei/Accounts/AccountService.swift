import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Sign-in, sessions, tokens and passwords: shared by the API and the pages.
enum AccountService {
    static let usernamePattern = "^[a-z0-9][a-z0-9._-]{1,31}$"
    static let loginTokenHours = 24.0

    /// Checks a username and password with lock-out per account and a limit of failures per client address
    /// (`LoginThrottle`). Every checked attempt for an existing account is audited, success or not; unknown usernames
    /// and throttled attempts once per address and window (docs/security.md), and all of them in /metrics.
    static func authenticate(username rawUsername: String, password: String, ip: String, now: Date, lockout: LockoutPolicy,
                             on db: any Database, writer: Application) async throws -> User {
        let username = rawUsername.trimmingCharacters(in: .whitespaces).lowercased()
        let actor = AuditActor(id: nil, name: String(username.prefix(64)), ip: ip)
        guard !username.isEmpty, !password.isEmpty, username.count <= 64, password.count <= 256 else {
            throw AppError.validation([username.isEmpty ? "username" : "password": "required"], message: "username and password are required")
        }
        let throttle = try await LoginThrottle.check(writer, address: actor.ip, actor: actor, now: now)
        guard let user = try await User.query(on: db).filter(\.$username == username).first() else {
            // Spend the same time as a real check, so response times do not reveal which usernames exist.
            _ = try? await writer.password.async.hash(password)
            throttle.failed(reason: "unknown_user")
            if throttle.firstInWindow("unknown_user") {
                try await writer.write(affectsReference: false) { db in
                    try await AuditLog.append(on: db, at: now, actor: actor, action: "login.failure", entityType: "user",
                                              after: ["reason": "unknown_user"])
                }
            }
            throw invalidCredentials
        }
        let userId = user.id
        if lockout.isLocked(user.lockoutState, now: now) {
            throttle.failed(reason: "locked")
            try await writer.write(affectsReference: false) { db in
                try await AuditLog.append(on: db, at: now, actor: AuditActor(id: userId, name: username, ip: actor.ip),
                                          action: "login.failure", entityType: "user", entityId: userId?.uuidString,
                                          after: ["reason": "locked"])
            }
            let minutes = Int((user.lockedUntil!.timeIntervalSince(now) / 60).rounded(.up))
            throw AppError(.locked, .accountLocked, "too many failed sign-ins; the account is locked for another \(minutes) minutes")
        }
        let matches = (try? await writer.password.async.verify(password, created: user.passwordHash)) ?? false
        if !matches {
            throttle.failed(reason: "wrong_password")
            let lockedNow = try await writer.write(affectsReference: false) { db -> Bool in
                guard let fresh = try await User.find(userId, on: db) else { return false }
                fresh.lockoutState = lockout.afterFailure(fresh.lockoutState, now: now)
                try await fresh.update(on: db)
                try await AuditLog.append(on: db, at: now, actor: AuditActor(id: userId, name: username, ip: actor.ip),
                                          action: "login.failure", entityType: "user", entityId: userId?.uuidString,
                                          after: ["reason": "wrong_password", "failedCount": String(fresh.failedLogins)])
                if fresh.lockedUntil != nil && fresh.lockoutState.failedCount == lockout.threshold {
                    try await AuditLog.append(on: db, at: now, actor: .system(), action: "user.locked", entityType: "user",
                                              entityId: userId?.uuidString, after: ["minutes": String(lockout.lockMinutes)])
                }
                return fresh.lockedUntil != nil
            }
            if lockedNow {
                throw AppError(.locked, .accountLocked, "too many failed sign-ins; the account is locked for \(lockout.lockMinutes) minutes")
            }
            throw invalidCredentials
        }
        guard user.isActive else {
            writer.metrics.loginFailed(reason: "disabled")
            try await writer.write(affectsReference: false) { db in
                try await AuditLog.append(on: db, at: now, actor: AuditActor(id: userId, name: username, ip: actor.ip),
                                          action: "login.failure", entityType: "user", entityId: userId?.uuidString,
                                          after: ["reason": "disabled"])
            }
            throw AppError(.forbidden, .accountDisabled, "this account is disabled")
        }
        return try await writer.write(affectsReference: false) { db in
            guard let fresh = try await User.find(userId, on: db) else { throw invalidCredentials }
            fresh.lockoutState = lockout.afterSuccess()
            fresh.previousLoginAt = fresh.lastLoginAt
            fresh.lastLoginAt = now
            try await fresh.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: AuditActor(id: userId, name: username, ip: actor.ip),
                                      action: "login.success", entityType: "user", entityId: userId?.uuidString)
            return fresh
        }
    }

    static let invalidCredentials = AppError(.unauthorized, .invalidCredentials, "wrong username or password")

    /// Issues a bearer token: returns the secret (shown once) and stores its digest.
    static func issueToken(for userId: UUID, name: String, lifetime: TimeInterval, on db: any Database, now: Date) async throws -> (String, APIToken) {
        let secret = Secrets.make(prefix: "yw_")
        let token = APIToken()
        token.userId = userId
        token.name = name
        token.tokenHash = Secrets.digest(secret)
        token.createdAt = now
        token.expiresAt = now.addingTimeInterval(lifetime)
        try await token.create(on: db)
        return (secret, token)
    }

    /// Creates a named personal token for the signed-in user (API and page). Returns the secret, shown once.
    static func createPersonalToken(name rawName: String?, days: Int?, by user: CurrentUser, maxDays: Int, actor: AuditActor, now: Date,
                                    writer: Application) async throws -> (String, APIToken) {
        var v = Validator()
        let name = v.text("name", rawName, max: 50)
        if name == "login" { v.add("name", "already exists") }
        let lifetime = days ?? maxDays
        if lifetime < 1 || lifetime > maxDays { v.add("expiresInDays", "must be between 1 and \(maxDays)") }
        try v.check()
        return try await writer.write { db in
            let issued = try await issueToken(for: user.id, name: name!, lifetime: Double(lifetime) * 86400, on: db, now: now)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "token.create", entityType: "api_token",
                                      entityId: issued.1.id?.uuidString, after: issued.1.dto)
            return issued
        }
    }

    /// Revokes one of the signed-in user's tokens; another user's token is "not found".
    static func revokePersonalToken(_ id: UUID?, by user: CurrentUser, actor: AuditActor, now: Date, writer: Application) async throws {
        guard let id else { throw AppError.notFound("token") }
        try await writer.write { db in
            guard let token = try await APIToken.find(id, on: db), token.userId == user.id else { throw AppError.notFound("token") }
            guard token.revokedAt == nil else { return }
            token.revokedAt = now
            try await token.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "token.revoke", entityType: "api_token",
                                      entityId: id.uuidString, after: token.dto)
        }
    }

    /// Starts a browser session (sweeping those already idle longer than `idleTimeoutMinutes`) and returns its secret,
    /// which the handler sets as the session cookie (`Cookies.sessionValue`).
    static func startSession(for user: User, ip: String, userAgent: String, idleTimeoutMinutes: Int, now: Date, writer: Application) async throws -> String {
        let secret = Secrets.make()
        let session = WebSession()
        session.userId = try user.requireID()
        session.secretHash = Secrets.digest(secret)
        session.csrfToken = Secrets.make()
        session.createdAt = now
        session.lastSeenAt = now
        session.ip = ip
        session.userAgent = String(userAgent.prefix(200))
        let idleCutoff = now.addingTimeInterval(-Double(idleTimeoutMinutes) * 60)
        try await writer.write(affectsReference: false) { db in
            // Sweep sessions that have already timed out, so the table only holds live ones.
            try await WebSession.query(on: db).filter(\.$lastSeenAt < idleCutoff).delete()
            try await session.create(on: db)
        }
        return secret
    }

    /// Ends the browser session the user signed in with, if any (the handler clears the cookie: `Cookies.endedSession`).
    static func endSession(of user: CurrentUser?, actor: AuditActor, now: Date, writer: Application) async throws {
        if let user, let sessionId = user.sessionId {
            try await writer.write { db in
                try await WebSession.query(on: db).filter(\.$id == sessionId).delete()
                try await AuditLog.append(on: db, at: now, actor: actor, action: "logout", entityType: "user", entityId: user.id.uuidString)
            }
        }
    }

    /// Password policy problems as field messages (English for the API; pages translate the codes).
    static func passwordProblems(_ password: String, username: String, policy: PasswordPolicy) -> String? {
        let violations = policy.violations(password: password, username: username)
        guard !violations.isEmpty else { return nil }
        return violations.map { violation in
            switch violation {
            case .tooShort: "must be at least \(policy.minLength) characters"
            case .tooLong: "must be at most \(policy.maxLength) characters"
            case .tooFewClasses: "must mix at least \(policy.requiredClasses) of: lower-case, upper-case, digits, symbols"
            case .containsUsername: "must not contain the username"
            }
        }.joined(separator: "; ")
    }

    /// Changes one's own password: the current one must be given; other sessions and tokens end.
    static func changeOwnPassword(_ me: CurrentUser, current: String, new: String, policy: PasswordPolicy, actor: AuditActor, now: Date,
                                  config: AppConfig, on db: any Database, writer: Application) async throws {
        guard let user = try await User.find(me.id, on: db) else { throw AppError.unauthorized }
        let currentOK = (try? await writer.password.async.verify(current, created: user.passwordHash)) ?? false
        guard currentOK else {
            throw AppError.validation(["currentPassword": "is wrong"], message: "the current password is wrong")
        }
        if let problem = passwordProblems(new, username: user.username, policy: policy) {
            throw AppError.validation(["newPassword": problem], message: "the new password does not meet the password policy")
        }
        if new == current {
            throw AppError.validation(["newPassword": "must differ from the current password"])
        }
        let hash = try await writer.password.async.hash(new)
        let userId = me.id, keepSession = me.sessionId
        try await writer.write { db in
            guard let fresh = try await User.find(userId, on: db) else { return }
            fresh.passwordHash = hash
            fresh.passwordChangedAt = now
            fresh.mustChangePassword = false
            fresh.updatedAt = now
            try await fresh.update(on: db)
            var others = WebSession.query(on: db).filter(\.$userId == userId)
            if let keepSession { others = others.filter(\.$id != keepSession) }
            try await others.delete()
            try await APIToken.query(on: db).filter(\.$userId == userId).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: now).update()
            try await AuditLog.append(on: db, at: now, actor: actor, action: "user.password_changed", entityType: "user",
                                      entityId: userId.uuidString)
        }
        if ["admin", "security"].contains(user.username) { Bootstrap.forgetGeneratedPassword(config, username: user.username) }
    }
}
