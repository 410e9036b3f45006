import Foundation

/// The three clocks of a ticket (SLA-1): response (响应), start of handling / arrival (到场), resolution (恢复).
public enum SLAClockKind: String, CaseIterable, Codable, Sendable {
    case response, start, resolve
}

/// Targets in minutes; nil means the policy sets no target for that clock.
public struct SLATargets: Sendable, Equatable, Codable {
    public var responseMinutes: Int?
    public var startMinutes: Int?
    public var resolveMinutes: Int?

    public init(responseMinutes: Int?, startMinutes: Int?, resolveMinutes: Int?) {
        self.responseMinutes = responseMinutes
        self.startMinutes = startMinutes
        self.resolveMinutes = resolveMinutes
    }

    public func minutes(_ kind: SLAClockKind) -> Int? {
        switch kind {
        case .response: responseMinutes
        case .start: startMinutes
        case .resolve: resolveMinutes
        }
    }
}

/// What the clocks need to know about a ticket's history, in order.
public struct SLAHistory: Sendable, Equatable {
    public var createdAt: Date
    /// The first accept (or the assign that accepted a new ticket).
    public var acceptedAt: Date?
    /// The first start.
    public var startedAt: Date?
    /// The last resolve that no reopen followed; nil while unresolved (or reopened).
    public var resolvedAt: Date?
    /// Pending periods [pend, resume); the last may still be open (resume nil).
    public var pauses: [(from: Date, to: Date?)]

    public init(createdAt: Date, acceptedAt: Date? = nil, startedAt: Date? = nil, resolvedAt: Date? = nil, pauses: [(from: Date, to: Date?)] = []) {
        self.createdAt = createdAt
        self.acceptedAt = acceptedAt
        self.startedAt = startedAt
        self.resolvedAt = resolvedAt
        self.pauses = pauses
    }

    public static func == (a: SLAHistory, b: SLAHistory) -> Bool {
        a.createdAt == b.createdAt && a.acceptedAt == b.acceptedAt && a.startedAt == b.startedAt && a.resolvedAt == b.resolvedAt
            && a.pauses.map(\.from) == b.pauses.map(\.from) && a.pauses.map(\.to) == b.pauses.map(\.to)
    }

    public func end(of kind: SLAClockKind) -> Date? {
        switch kind {
        case .response: acceptedAt
        case .start: startedAt
        case .resolve: resolvedAt
        }
    }
}

/// One clock's state at an instant, with the numbers behind it.
public struct SLAClockState: Sendable, Equatable {
    public var kind: SLAClockKind
    public var targetMinutes: Int
    /// When the target is reached; nil while the ticket is pending (the clock is stopped, the due time unknown).
    public var dueAt: Date?
    /// Minutes that have counted so far (to the clock's end, or to now), pending time excluded.
    public var elapsedMinutes: Double
    /// Minutes of pending time that did not count.
    public var pausedMinutes: Double
    public var stoppedAt: Date?
    /// Elapsed > target (equal is on time), whether the clock has ended or is still running.
    public var breached: Bool
    public var isPaused: Bool
}

/// Evaluates clocks on a calendar (business time) or on the wall clock (calendar time).
public struct SLAClock: Sendable {
    public let calendar: BusinessCalendar
    public let businessTime: Bool

    public init(calendar: BusinessCalendar, businessTime: Bool) {
        self.calendar = calendar
        self.businessTime = businessTime
    }

    /// Minutes that count between two instants.
    public func minutes(from: Date, to: Date) -> Double {
        guard to > from else { return 0 }
        return businessTime ? calendar.businessMinutes(from: from, to: to) : to.timeIntervalSince(from) / 60
    }

    /// The instant `m` counting minutes after `start`.
    public func due(start: Date, minutes m: Double) -> Date? {
        if !businessTime { return start.addingTimeInterval(m * 60) }
        let whole = Int(m.rounded(.down))
        guard let base = calendar.due(start: start, minutes: whole) else { return nil }
        let rest = m - Double(whole)
        return rest > 0 ? calendar.due(start: base, minutes: 0).map { $0.addingTimeInterval(rest * 60) } : base
    }

    public func state(_ kind: SLAClockKind, target: Int, history h: SLAHistory, now: Date) -> SLAClockState {
        let end = h.end(of: kind)
        let until = end ?? now
        // Pauses only stop a clock that is still running at the time.
        let pauses = h.pauses.filter { end == nil || $0.from < end! }
        var counted = minutes(from: h.createdAt, to: until)
        var paused = 0.0
        for pause in pauses {
            let to = min(pause.to ?? until, until)
            let p = minutes(from: max(pause.from, h.createdAt), to: to)
            paused += p
            counted -= p
        }
        counted = max(0, counted)
        let isPaused = end == nil && pauses.contains { $0.to == nil }
        // Due: walk the pauses in order; each one that starts before the target is reached pushes it back.
        var dueAt: Date?
        if !isPaused {
            var remaining = Double(target)
            var cursor = h.createdAt
            for pause in pauses.sorted(by: { $0.from < $1.from }) {
                guard let resumed = pause.to else { break }
                let before = minutes(from: cursor, to: pause.from)
                if before >= remaining { break }
                remaining -= before
                cursor = max(cursor, resumed)
            }
            dueAt = due(start: cursor, minutes: remaining)
        }
        return SLAClockState(kind: kind, targetMinutes: target, dueAt: dueAt, elapsedMinutes: counted, pausedMinutes: paused,
                             stoppedAt: end, breached: counted > Double(target), isPaused: isPaused)
    }

    /// The states of every clock that has a target.
    public func states(targets: SLATargets, history: SLAHistory, now: Date) -> [SLAClockState] {
        SLAClockKind.allCases.compactMap { kind in
            targets.minutes(kind).map { state(kind, target: $0, history: history, now: now) }
        }
    }
}
