import Fluent
import Foundation
import YiweiCore

/// A person who signs in: hospital staff, engineers, vendor engineers, the service desk, auditors.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
package final class User: Model, @unchecked Sendable {
    package static let schema = "users"

    @ID(key: .id) package var id: UUID?
    @Field(key: "username") package var username: String
    @Field(key: "display_name") package var displayName: String
    @Field(key: "password_hash") package var passwordHash: String
    /// Role names joined with commas, in `Role.allCases` order (small, portable, indexable).
    @Field(key: "roles") package var rolesText: String
    @OptionalField(key: "department_id") package var departmentId: UUID?
    @OptionalField(key: "vendor_id") package var vendorId: UUID?
    @OptionalField(key: "phone") package var phone: String?
    @OptionalField(key: "email") package var email: String?
    @Field(key: "locale") package var locale: String
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "failed_logins") package var failedLogins: Int
    @OptionalField(key: "locked_until") package var lockedUntil: Date?
    @Field(key: "must_change_password") package var mustChangePassword: Bool
    @OptionalField(key: "password_changed_at") package var passwordChangedAt: Date?
    @OptionalField(key: "last_login_at") package var lastLoginAt: Date?
    /// The sign-in before the current one, shown on the home page ("上次登录").
    @OptionalField(key: "previous_login_at") package var previousLoginAt: Date?
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date

    package init() {}

    package var roles: Set<Role> {
        get { Set(rolesText.split(separator: ",").compactMap { Role(rawValue: String($0)) }) }
        set { rolesText = Role.allCases.filter(newValue.contains).map(\.rawValue).joined(separator: ",") }
    }

    package var sortedRoles: [Role] { Role.allCases.filter(roles.contains) }

    /// Whether the account's roles grant a permission (who to notify, who may be asked or assigned).
    package func holds(_ permission: Permission) -> Bool { RolePolicy.permissions(for: roles).contains(permission) }

    /// An account of a vendor's engineer (the vendor's on-site staff are linked to these).
    package var isVendorEngineer: Bool { roles.contains(.vendor) && vendorId != nil }

    package var lockoutState: LockoutPolicy.State {
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
