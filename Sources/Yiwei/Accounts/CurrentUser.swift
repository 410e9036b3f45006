import Crypto
import Foundation
import Vapor
import YiweiCore

/// The signed-in user of a request, resolved once by `AuthMiddleware` from a bearer token or a session.
struct CurrentUser: Authenticatable, Sendable {
    enum Via: Sendable { case token, session }
    var id: UUID
    var username: String
    var displayName: String
    var roles: Set<Role>
    var locale: String
    var departmentId: UUID?
    var vendorId: UUID?
    var mustChangePassword: Bool
    var via: Via
    var sessionId: UUID?
    var csrfToken: String?

    var permissions: Set<Permission> { RolePolicy.permissions(for: roles) }
    func can(_ permission: Permission) -> Bool { permissions.contains(permission) }
    /// Keeps accounts of either kind (see `UserService.requireKeeper`).
    var keepsAccounts: Bool { can(.manageUsers) || can(.grantAdministratorRoles) }
    /// The roles this user may grant or withdraw.
    var grantableRoles: Set<Role> { Set(Role.allCases.filter { can(RolePolicy.permissionToGrant($0)) }) }

    init(user: User, via: Via, session: WebSession? = nil) throws {
        id = try user.requireID()
        username = user.username
        displayName = user.displayName
        roles = user.roles
        locale = user.locale
        departmentId = user.departmentId
        vendorId = user.vendorId
        mustChangePassword = user.mustChangePassword
        self.via = via
        sessionId = session?.id
        csrfToken = session?.csrfToken
    }

    init(_ user: ReferenceData.UserInfo, via: Via, sessionId: UUID? = nil, csrfToken: String? = nil) {
        id = user.id
        username = user.username
        displayName = user.displayName
        roles = user.roles
        locale = user.locale
        departmentId = user.departmentId
        vendorId = user.vendorId
        mustChangePassword = user.mustChangePassword
        self.via = via
        self.sessionId = sessionId
        self.csrfToken = csrfToken
    }
}

/// Random secrets and their stored digests. Secrets are 32 random bytes; only SHA-256 digests are stored.
enum Secrets {
    static func make(prefix: String = "") -> String {
        prefix + [UInt8].random(count: 32).base64String()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func digest(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).hexEncodedString()
    }

    /// A readable random password that satisfies the password policy (for the bootstrap admin).
    static func password() -> String {
        let upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), lower = Array("abcdefghijkmnpqrstuvwxyz"), digits = Array("23456789")
        var chars: [Character] = []
        for _ in 0..<4 { chars.append(upper.randomElement()!) }
        for _ in 0..<6 { chars.append(lower.randomElement()!) }
        for _ in 0..<4 { chars.append(digits.randomElement()!) }
        chars.shuffle()
        return String(chars[0..<7]) + "-" + String(chars[7...])
    }
}

extension Request {
    var currentUser: CurrentUser? { auth.get(CurrentUser.self) }

    /// Whether the signed-in user holds a permission (for showing a page's buttons; the action itself asks `require`).
    func can(_ permission: Permission) -> Bool { currentUser?.can(permission) == true }

    func requireUser() throws -> CurrentUser {
        guard let user = currentUser else { throw AppError.unauthorized }
        return user
    }

    /// The one permission check, used by API handlers and pages alike. A refusal is audited by the error
    /// middleware (`permission.denied`), as every refusal is.
    @discardableResult
    func require(_ permission: Permission) throws -> CurrentUser {
        let user = try requireUser()
        guard user.can(permission) else { throw AppError.denied(permission) }
        return user
    }
}
