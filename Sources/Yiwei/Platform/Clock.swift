import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The one clock of Yiwei. Everything time-dependent asks it, so tests can travel in time.
public final class AppClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)
    private let fixed = NIOLockedValueBox<Date?>(nil)

    public init() {}

    public func now() -> Date {
        if let fixed = fixed.withLockedValue({ $0 }) { return fixed }
        return Date().addingTimeInterval(offset.withLockedValue { $0 })
    }

    /// Tests: freeze the clock at an instant.
    public func set(_ date: Date) { fixed.withLockedValue { $0 = date } }
    /// Tests: move the clock forward.
    public func advance(by seconds: TimeInterval) {
        fixed.withLockedValue { value in
            if let current = value { value = current.addingTimeInterval(seconds) }
        }
        offset.withLockedValue { $0 += seconds }
    }
}
