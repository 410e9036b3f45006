import Foundation
import Vapor
import YiweiCore

struct LoginRequest: Content {
    var username: String
    var password: String
}

struct UserSummary: Content, Equatable {
    var id: UUID
    var username: String
    var displayName: String
    var roles: [String]
}

struct LoginResponse: Content {
    var token: String
    var expiresAt: Date
    var user: UserSummary
}

struct UserDTO: Content, Equatable {
    var id: UUID
    var username: String
    var displayName: String
    var roles: [String]
    var departmentId: UUID?
    var vendorId: UUID?
    var teamIds: [UUID]
    var phone: String?
    var email: String?
    var locale: String
    var isActive: Bool
    var locked: Bool
    var mustChangePassword: Bool
    var lastLoginAt: Date?
    var createdAt: Date
    var updatedAt: Date
}

/// Create a user. `password` is write-only: it never appears in a response or in the audit log.
struct CreateUserRequest: Content {
    var username: String?
    var displayName: String?
    var password: String?
    var roles: [String]?
    var departmentId: String?
    var vendorId: String?
    var teamIds: [String]?
    var phone: String?
    var email: String?
    var locale: String?
}

/// Change a user: only the fields present change; an empty string clears an optional field.
struct UpdateUserRequest: Content {
    var displayName: String?
    var password: String?
    var roles: [String]?
    var departmentId: String?
    var vendorId: String?
    var teamIds: [String]?
    var phone: String?
    var email: String?
    var locale: String?
    var isActive: Bool?
    /// `false` lifts a lock-out early.
    var locked: Bool?
}

struct ChangePasswordRequest: Content {
    var currentPassword: String
    var newPassword: String
}

struct CreateTokenRequest: Content {
    var name: String?
    var expiresInDays: Int?
}

struct TokenDTO: Content {
    var id: UUID
    var name: String
    var createdAt: Date
    var expiresAt: Date
    var revokedAt: Date?
    var lastUsedAt: Date?
}

struct CreatedTokenDTO: Content {
    /// Shown once; only its digest is stored.
    var token: String
    var info: TokenDTO
}

extension APIToken {
    var dto: TokenDTO {
        TokenDTO(id: id!, name: name, createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt, lastUsedAt: lastUsedAt)
    }
}

struct UserLookupDTO: Content, Equatable {
    var id: UUID
    var displayName: String
    var username: String
    var phone: String?
    var department: String?
    /// What the type-ahead shows and the form sends back: `陈静（chenjing）`.
    var label: String
}
