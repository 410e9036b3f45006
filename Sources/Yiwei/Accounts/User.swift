import Fluent
import Foundation
import YiweiCore

/// A person who signs in: hospital staff, engineers, vendor engineers, the service desk, auditors.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    /// Role names joined with commas, in `Role.allCases` order (small, portable, indexable).
    @Field(key: "roles") var rolesText: String
    @OptionalField(key: "department_id") var departmentId: UUID?
    @OptionalField(key: "vendor_id") var vendorId: UUID?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "email") var email: String?
    @Field(key: "locale") var locale: String
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "failed_logins") var failedLogins: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "must_change_password") var mustChangePassword: Bool
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?
    /// The sign-in before the current one, shown on the home page ("上次登录").
    @OptionalField(key: "previous_login_at") var previousLoginAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var roles: Set<Role> {
        get { Set(rolesText.split(separator: ",").compactMap { Role(rawValue: String($0)) }) }
        set { rolesText = Role.allCases.filter(newValue.contains).map(\.rawValue).joined(separator: ",") }
    }

    var sortedRoles: [Role] { Role.allCases.filter(roles.contains) }

    /// Whether the account's roles grant a permission (who to notify, who may be asked or assigned).
    func holds(_ permission: Permission) -> Bool { RolePolicy.permissions(for: roles).contains(permission) }

    /// An account of a vendor's engineer (the vendor's on-site staff are linked to these).
    var isVendorEngineer: Bool { roles.contains(.vendor) && vendorId != nil }

    var lockoutState: LockoutPolicy.State {
        get { .init(failedCount: failedLogins, lockedUntil: lockedUntil) }
        set { failedLogins = newValue.failedCount; lockedUntil = newValue.lockedUntil }
    }
}

/// An API bearer token. Only the SHA-256 of the secret is stored; the secret is shown once at creation.
// @unchecked Sendable: see User.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}
}

/// A browser session. The cookie carries a random secret; only its SHA-256 is stored, with the CSRF
/// token every form must echo and the last activity for the idle timeout.
// @unchecked Sendable: see User.
final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "secret_hash") var secretHash: String
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "ip") var ip: String
    @Field(key: "user_agent") var userAgent: String

    init() {}
}
