import Fluent
import Foundation
import Vapor
import YiweiCore

/// The security policy as the API shows it (`GET/PATCH /api/v1/security/settings`).
struct SecuritySettingsDTO: Content, Equatable {
    var passwordMinLength: Int
    var lockoutThreshold: Int
    var lockoutMinutes: Int
    var idleTimeoutMinutes: Int
    /// When the security administrator last saved the policy; null while the configuration's defaults apply.
    var updatedAt: Date?

    private enum CodingKeys: String, CodingKey { case passwordMinLength, lockoutThreshold, lockoutMinutes, idleTimeoutMinutes, updatedAt }

    /// `updatedAt` is written as null, not left out, while the defaults apply.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(passwordMinLength, forKey: .passwordMinLength)
        try c.encode(lockoutThreshold, forKey: .lockoutThreshold)
        try c.encode(lockoutMinutes, forKey: .lockoutMinutes)
        try c.encode(idleTimeoutMinutes, forKey: .idleTimeoutMinutes)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    init(_ s: SecuritySettings, updatedAt: Date?) {
        passwordMinLength = s.passwordMinLength
        lockoutThreshold = s.lockoutThreshold
        lockoutMinutes = s.lockoutMinutes
        idleTimeoutMinutes = s.idleTimeoutMinutes
        self.updatedAt = updatedAt
    }
}

/// A change: the fields given are changed, the others kept.
struct SecuritySettingsPatch: Content {
    var passwordMinLength: Int?
    var lockoutThreshold: Int?
    var lockoutMinutes: Int?
    var idleTimeoutMinutes: Int?

    var isEmpty: Bool { passwordMinLength == nil && lockoutThreshold == nil && lockoutMinutes == nil && idleTimeoutMinutes == nil }

    func applied(to s: SecuritySettings) -> SecuritySettings {
        var s = s
        if let passwordMinLength { s.passwordMinLength = passwordMinLength }
        if let lockoutThreshold { s.lockoutThreshold = lockoutThreshold }
        if let lockoutMinutes { s.lockoutMinutes = lockoutMinutes }
        if let idleTimeoutMinutes { s.idleTimeoutMinutes = idleTimeoutMinutes }
        return s
    }
}

/// The security policy is one row of `settings` (key `security_settings`, the four values as JSON). Until the
/// security administrator saves it, the configuration's values (`YIWEI_PASSWORD_MIN_LENGTH` …) apply; once
/// saved, the saved values apply and the variables no longer matter (docs/security.md).
enum SecuritySettingsService {
    static let key = "security_settings"

    /// The saved row and its policy (nil when none was saved, or the row cannot be read: then the defaults apply).
    private static func load(on db: any Database) async throws -> (record: SettingRecord?, settings: SecuritySettings?) {
        let record = try await SettingRecord.query(on: db).filter(\.$key == key).first()
        return (record, record.flatMap { try? JSONDecoder().decode(SecuritySettings.self, from: Data($0.value.utf8)) })
    }

    static func saved(on db: any Database) async throws -> SecuritySettings? {
        try await load(on: db).settings
    }

    static func current(on db: any Database, defaults: SecuritySettings) async throws -> SecuritySettingsDTO {
        let (record, saved) = try await load(on: db)
        return SecuritySettingsDTO(saved ?? defaults, updatedAt: saved == nil ? nil : record?.updatedAt)
    }

    /// Applies a change: every value in its range or nothing is saved (422 naming each field). The change is
    /// audited (`security.settings`, before and after) and applies from the next request on: the next sign-in's
    /// lock-out, the next password chosen, every session's idle check.
    static func update(_ patch: SecuritySettingsPatch, defaults: SecuritySettings, actor: AuditActor, now: Date,
                       writer: Application) async throws -> SecuritySettingsDTO {
        guard !patch.isEmpty else {
            throw AppError.validation([:], message: "give at least one of passwordMinLength, lockoutThreshold, lockoutMinutes, idleTimeoutMinutes")
        }
        return try await writer.write { db in
            let (record, saved) = try await load(on: db)
            let before = saved ?? defaults
            let after = patch.applied(to: before)
            let problems = after.problems().filter { field, _ in
                // Only the fields being changed can be wrong: the others are what applies today.
                switch field {
                case "passwordMinLength": patch.passwordMinLength != nil
                case "lockoutThreshold": patch.lockoutThreshold != nil
                case "lockoutMinutes": patch.lockoutMinutes != nil
                default: patch.idleTimeoutMinutes != nil
                }
            }
            guard problems.isEmpty else { throw AppError.validation(problems) }
            let json = String(decoding: try JSONEncoder().encode(after), as: UTF8.self)
            if let record {
                record.value = json; record.updatedAt = now
                try await record.update(on: db)
            } else {
                let fresh = SettingRecord()
                fresh.key = key; fresh.value = json; fresh.updatedAt = now
                try await fresh.create(on: db)
            }
            if after != before {
                try await AuditLog.append(on: db, at: now, actor: actor, action: "security.settings", entityType: "settings",
                                          entityId: key, before: before, after: after)
            }
            return SecuritySettingsDTO(after, updatedAt: now)
        }
    }
}

extension Request {
    /// The security policy that applies now: the saved one, else the configuration's.
    func securitySettings() async throws -> SecuritySettings {
        try await reference().security ?? yiwei.config.security
    }
}
