import Foundation

/// Login lock-out: after `threshold` consecutive failures the account is locked for `lockMinutes`.
/// A success resets the count; a failure after a lock has expired starts counting from one again.
public struct LockoutPolicy: Sendable, Equatable {
    public var threshold: Int
    public var lockMinutes: Int

    public init(threshold: Int = 5, lockMinutes: Int = 15) {
        self.threshold = threshold
        self.lockMinutes = lockMinutes
    }

    public struct State: Sendable, Equatable {
        public var failedCount: Int
        public var lockedUntil: Date?
        public init(failedCount: Int, lockedUntil: Date?) {
            self.failedCount = failedCount
            self.lockedUntil = lockedUntil
        }
    }

    public func isLocked(_ state: State, now: Date) -> Bool {
        if let until = state.lockedUntil { return now < until }
        return false
    }

    public func afterFailure(_ state: State, now: Date) -> State {
        let expired = state.lockedUntil.map { now >= $0 } ?? false
        let count = (expired ? 0 : state.failedCount) + 1
        if count >= threshold {
            return State(failedCount: count, lockedUntil: now.addingTimeInterval(Double(lockMinutes) * 60))
        }
        return State(failedCount: count, lockedUntil: nil)
    }

    public func afterSuccess() -> State { State(failedCount: 0, lockedUntil: nil) }
}
