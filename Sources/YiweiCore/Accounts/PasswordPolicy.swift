/// The password rules of 等保 2.0 level 3 as most hospitals apply them: a minimum length, characters
/// from at least three of four classes, and never the username inside the password.
public struct PasswordPolicy: Sendable, Equatable {
    public var minLength: Int
    public var maxLength: Int
    public var requiredClasses: Int

    public init(minLength: Int = 8, maxLength: Int = 128, requiredClasses: Int = 3) {
        self.minLength = minLength
        self.maxLength = maxLength
        self.requiredClasses = requiredClasses
    }

    public static let standard = PasswordPolicy()

    public enum Violation: String, Sendable, Equatable, CaseIterable {
        case tooShort = "too_short"
        case tooLong = "too_long"
        case tooFewClasses = "too_few_classes"
        case containsUsername = "contains_username"
    }

    public func violations(password: String, username: String) -> [Violation] {
        var result: [Violation] = []
        let length = password.count
        if length < minLength { result.append(.tooShort) }
        if length > maxLength { result.append(.tooLong) }
        if Self.characterClasses(in: password) < requiredClasses { result.append(.tooFewClasses) }
        let user = username.lowercased()
        if user.count >= 3 && password.lowercased().contains(user) { result.append(.containsUsername) }
        return result
    }

    /// Classes: lower-case letters, upper-case letters, digits, and everything else (symbols, CJK).
    public static func characterClasses(in password: String) -> Int {
        var lower = false, upper = false, digit = false, other = false
        for scalar in password.unicodeScalars {
            switch scalar {
            case "a"..."z": lower = true
            case "A"..."Z": upper = true
            case "0"..."9": digit = true
            default: other = true
            }
        }
        return [lower, upper, digit, other].filter { $0 }.count
    }
}
