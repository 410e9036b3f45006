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
