import Fluent
import Foundation
import Vapor
import YiweiCore

/// First start: the built-in `admin` account. Its password comes from `YIWEI_ADMIN_PASSWORD`, or is
/// generated, printed once and kept in `<data>/initial-admin-password` (mode 600) until it is changed.
public enum Bootstrap {
    public struct AdminInfo: Sendable {
        public var created: Bool
        /// The password to show: the generated one while it is still in force, else nil.
        public var generatedPassword: String?
    }

    static func passwordFile(_ config: AppConfig) -> String { config.dataDirectory + "/initial-admin-password" }

    public static func ensureAdmin(_ app: Application) async throws -> AdminInfo {
        let config = app.yiwei.config
        if let existing = try await User.query(on: app.db).filter(\.$username == "admin").first() {
            let file = passwordFile(config)
            if existing.passwordChangedAt == nil, let saved = try? String(contentsOfFile: file, encoding: .utf8) {
                return AdminInfo(created: false, generatedPassword: saved.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return AdminInfo(created: false, generatedPassword: nil)
        }
        let generated = config.adminPassword == nil
        let password = config.adminPassword ?? Secrets.password()
        if let problem = AccountService.passwordProblems(password, username: "admin", policy: config.passwordPolicy) {
            throw AppConfig.Invalid(description: "YIWEI_ADMIN_PASSWORD \(problem)")
        }
        let hash = try await app.password.async.hash(password)
        let now = app.yiwei.clock.now()
        try await app.write { db in
            let admin = User()
            admin.username = "admin"
            admin.displayName = "系统管理员"
            admin.passwordHash = hash
            admin.roles = [.admin]
            admin.locale = config.defaultLocale
            admin.isActive = true
            admin.failedLogins = 0
            admin.mustChangePassword = generated
            admin.createdAt = now
            admin.updatedAt = now
            try await admin.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: .system(), action: "user.create", entityType: "user",
                                      entityId: admin.id?.uuidString, after: ["username": "admin", "roles": "admin"])
        }
        if generated {
            let file = passwordFile(config)
            try? FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: file, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600])
        }
        return AdminInfo(created: true, generatedPassword: generated ? password : nil)
    }

    /// Once the admin has chosen a password, the generated one is forgotten.
    static func forgetGeneratedPassword(_ config: AppConfig) {
        try? FileManager.default.removeItem(atPath: passwordFile(config))
    }
}
