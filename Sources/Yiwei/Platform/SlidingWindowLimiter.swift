import Foundation
import NIOConcurrencyHelpers

/// Counts events per key (a client address) over the last `window` seconds, in this process's memory: each
/// instance behind a load balancer counts on its own, and a restart forgets. Keeps at most `limit` instants
/// per key, so memory is bounded by the number of keys.
final class SlidingWindowLimiter: Sendable {
    /// Above this many keys, keys whose events have all expired are dropped; a new key that still finds no
    /// room is not counted (let through) rather than evicting a key that is being held back.
    static let maxKeys = 20_000

    private let events = NIOLockedValueBox<[String: [Date]]>([:])

    init() {}

    /// Records one event for `key` unless it already has `limit` within the window. Returns nil when recorded
    /// (the caller may go on), otherwise the seconds to wait (`wait`).
    func admit(_ key: String, limit: Int, window: TimeInterval, now: Date) -> Int? {
        events.withLockedValue { table in
            if let wait = Self.wait(&table, key, limit: limit, window: window, now: now) { return wait }
            Self.append(&table, key, limit: limit, window: window, now: now)
            return nil
        }
    }

    /// Nil while `key` has fewer than `limit` events within the window; otherwise the whole seconds (rounded
    /// up, at least 1) until the oldest of its last `limit` events leaves the window.
    func wait(_ key: String, limit: Int, window: TimeInterval, now: Date) -> Int? {
        events.withLockedValue { Self.wait(&$0, key, limit: limit, window: window, now: now) }
    }

    /// Records one event for `key`, whatever its count.
    func record(_ key: String, limit: Int, window: TimeInterval, now: Date) {
        events.withLockedValue { Self.append(&$0, key, limit: limit, window: window, now: now) }
    }

    private static func wait(_ table: inout [String: [Date]], _ key: String, limit: Int, window: TimeInterval, now: Date) -> Int? {
        guard let all = table[key] else { return nil }
        let recent = all.filter { now.timeIntervalSince($0) < window }
        table[key] = recent.isEmpty ? nil : recent
        guard recent.count >= limit else { return nil }
        return max(1, Int((window - now.timeIntervalSince(recent[recent.count - limit])).rounded(.up)))
    }

    private static func append(_ table: inout [String: [Date]], _ key: String, limit: Int, window: TimeInterval, now: Date) {
        if table[key] == nil && table.count >= maxKeys {
            table = table.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
            if table.count >= maxKeys { return }
        }
        var recent = table[key] ?? []
        recent.append(now)
        table[key] = Array(recent.suffix(limit))
    }
}
