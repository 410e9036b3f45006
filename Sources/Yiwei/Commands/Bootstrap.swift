import Fluent
import Foundation
import Vapor
import YiweiCore

/// First start: the built-in `admin` (系统管理员) and `security` (安全管理员) accounts, the two administrators
/// that must exist before anyone else can be given a role (the auditor is then granted by the security
/// administrator). Each password comes from `YIWEI_ADMIN_PASSWORD` / `YIWEI_SECURITY_PASSWORD`, or is
/// generated, printed once and kept in `<data>/initial-<username>-password` (mode 600) until it is changed.
public enum Bootstrap {
    public struct AdminInfo: Sendable {
        public var created: Bool
        /// The password to show: the generated one while it is still in force, else nil.
        public var generatedPassword: String?
    }

    struct BuiltIn {
        var username: String
        var displayName: String
        var role: Role
        var password: String?
        var variable: String
    }

    static func admin(_ config: AppConfig) -> BuiltIn {
        BuiltIn(username: "admin", displayName: "系统管理员", role: .admin, password: config.adminPassword, variable: "YIWEI_ADMIN_PASSWORD")
    }

    static func security(_ config: AppConfig) -> BuiltIn {
        BuiltIn(username: "security", displayName: "安全管理员", role: .security, password: config.securityPassword,
                variable: "YIWEI_SECURITY_PASSWORD")
    }

    static func passwordFile(_ config: AppConfig, username: String = "admin") -> String {
        config.dataDirectory + "/initial-\(username)-password"
    }

    public static func ensureAdmin(_ app: Application) async throws -> AdminInfo {
        try await ensure(admin(app.yiwei.config), app)
    }

    /// The security administrator. On a database where the name `security` is already someone else's, that
    /// account is left alone (and said so in the log): the security administrator is then made by hand.
    public static func ensureSecurityAdministrator(_ app: Application) async throws -> AdminInfo {
        try await ensure(security(app.yiwei.config), app)
    }

    static func ensure(_ builtIn: BuiltIn, _ app: Application) async throws -> AdminInfo {
        let config = app.yiwei.config
        if let existing = try await User.query(on: app.db).filter(\.$username == builtIn.username).first() {
            if !existing.roles.contains(builtIn.role) {
                app.logger.warning("the account \(builtIn.username) exists without the \(builtIn.role.rawValue) role; no built-in account made")
            }
            let file = passwordFile(config, username: builtIn.username)
            if existing.passwordChangedAt == nil, let saved = try? String(contentsOfFile: file, encoding: .utf8) {
                return AdminInfo(created: false, generatedPassword: saved.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return AdminInfo(created: false, generatedPassword: nil)
        }
        let generated = builtIn.password == nil
        let password = builtIn.password ?? Secrets.password()
        if let problem = AccountService.passwordProblems(password, username: builtIn.username, policy: config.security.passwordPolicy) {
            throw AppConfig.Invalid(description: "\(builtIn.variable) \(problem)")
        }
        let hash = try await app.password.async.hash(password)
        let now = app.yiwei.clock.now()
        try await app.write { db in
            let user = User()
            user.username = builtIn.username
            user.displayName = builtIn.displayName
            user.passwordHash = hash
            user.roles = [builtIn.role]
            user.locale = config.defaultLocale
            user.isActive = true
            user.failedLogins = 0
            user.mustChangePassword = generated
            user.createdAt = now
            user.updatedAt = now
            try await user.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: .system(), action: "user.create", entityType: "user",
                                      entityId: user.id?.uuidString, after: ["username": builtIn.username, "roles": builtIn.role.rawValue])
        }
        if generated {
            let file = passwordFile(config, username: builtIn.username)
            try? FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: file, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600])
        }
        return AdminInfo(created: true, generatedPassword: generated ? password : nil)
    }

    /// Once a built-in administrator has chosen a password, the generated one is forgotten.
    static func forgetGeneratedPassword(_ config: AppConfig, username: String = "admin") {
        try? FileManager.default.removeItem(atPath: passwordFile(config, username: username))
    }
}
