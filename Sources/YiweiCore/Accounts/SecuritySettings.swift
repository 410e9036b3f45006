/// The security policy the security administrator keeps (等保 2.0 三员分立): password length, lock-out and
/// the idle timeout of browser sessions. Each value has the range a hospital may choose from; the values
/// outside it are refused rather than clamped, so what the administrator saved is what applies.
public struct SecuritySettings: Sendable, Equatable, Codable {
    public var passwordMinLength: Int
    public var lockoutThreshold: Int
    public var lockoutMinutes: Int
    public var idleTimeoutMinutes: Int

    public init(passwordMinLength: Int = 8, lockoutThreshold: Int = 5, lockoutMinutes: Int = 15, idleTimeoutMinutes: Int = 30) {
        self.passwordMinLength = passwordMinLength
        self.lockoutThreshold = lockoutThreshold
        self.lockoutMinutes = lockoutMinutes
        self.idleTimeoutMinutes = idleTimeoutMinutes
    }

    /// The allowed range of each field, by its API name. 等保 asks for at least 8 characters, a lock after a
    /// few failures and a session that ends when left alone; the upper ends keep a typo from disabling them.
    public static let ranges: [(field: String, range: ClosedRange<Int>)] = [
        ("passwordMinLength", 8...64),
        ("lockoutThreshold", 3...20),
        ("lockoutMinutes", 1...1440),
        ("idleTimeoutMinutes", 5...480),
    ]

    public static func range(of field: String) -> ClosedRange<Int> {
        ranges.first { $0.field == field }!.range
    }

    /// The fields outside their range, with the problem in words (empty when every value is allowed).
    public func problems() -> [String: String] {
        var out: [String: String] = [:]
        for (field, value) in [("passwordMinLength", passwordMinLength), ("lockoutThreshold", lockoutThreshold),
                               ("lockoutMinutes", lockoutMinutes), ("idleTimeoutMinutes", idleTimeoutMinutes)] {
            let r = Self.range(of: field)
            if !r.contains(value) { out[field] = "must be between \(r.lowerBound) and \(r.upperBound)" }
        }
        return out
    }

    public var passwordPolicy: PasswordPolicy {
        var p = PasswordPolicy.standard
        p.minLength = passwordMinLength
        return p
    }

    public var lockout: LockoutPolicy { LockoutPolicy(threshold: lockoutThreshold, lockMinutes: lockoutMinutes) }
}
