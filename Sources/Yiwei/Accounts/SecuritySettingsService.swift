import Fluent
import Foundation
import Vapor
import YiweiCore

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
