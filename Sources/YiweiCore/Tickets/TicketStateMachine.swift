/// The closed loop of API.md: which action is allowed from which status, and where it leads.
/// Anything not listed here is an invalid transition (HTTP 409 `invalid_transition`).
public enum TicketAction: String, CaseIterable, Codable, Sendable {
    case accept, assign, start, pend, resume, resolve, reopen, close, cancel
    /// Yiwei's extensions: move to another team or domain with a reason; change the priority with a reason;
    /// record a return visit (回访) after resolution; record a written workaround/plan and approve it (SLA-5).
    case transfer, reprioritize, visit, plan
    case approvePlan = "approve_plan"
    /// A lead's decision on a pause that waits on a vendor or parts (SLA-3): only an approved one stops the clocks.
    case approvePause = "approve_pause"
    case rejectPause = "reject_pause"
}

/// What a pending ticket waits on (SLA-3), which decides whether its clocks stop.
public enum PauseWait: String, CaseIterable, Codable, Sendable {
    /// The reporter (a reply, access to the PC, the patient's bed free): the clocks stop at once.
    case reporter
    /// A vendor or a spare part: the clocks stop only from a lead's approval — a vendor cannot stop its own clock.
    case vendor
    /// Anything else: the clocks keep running.
    case other

    public var stopsClocksAtOnce: Bool { self == .reporter }
    public var needsApproval: Bool { self == .vendor }
}

/// A lead's decision on a vendor pause.
public enum PauseApproval: String, CaseIterable, Codable, Sendable {
    case requested, approved, rejected
}

public enum TicketStateMachine {
    /// The status after `action`, or nil when the action is not allowed in `status`.
    /// `pendedFrom` is the status a pending ticket was pended from (resume returns there).
    public static func next(_ status: TicketStatus, _ action: TicketAction, pendedFrom: TicketStatus? = nil) -> TicketStatus? {
        switch (action, status) {
        case (.accept, .new): return .accepted
        case (.assign, .new), (.transfer, .new): return .accepted
        case (.assign, .accepted), (.assign, .inProgress), (.assign, .pending),
             (.transfer, .accepted), (.transfer, .inProgress), (.transfer, .pending): return status
        case (.start, .accepted): return .inProgress
        case (.pend, .accepted), (.pend, .inProgress): return .pending
        case (.resume, .pending): return pendedFrom.flatMap { [.accepted, .inProgress].contains($0) ? $0 : nil } ?? .inProgress
        case (.resolve, .accepted), (.resolve, .inProgress): return .resolved
        case (.reopen, .resolved): return .inProgress
        case (.close, .resolved): return .closed
        case (.cancel, .new), (.cancel, .accepted), (.cancel, .inProgress), (.cancel, .pending): return .cancelled
        case (.reprioritize, let s) where s.isOpen: return s
        case (.plan, let s) where s.isOpen: return s
        case (.approvePlan, let s) where s.isOpen: return s
        case (.approvePause, .pending), (.rejectPause, .pending): return .pending
        case (.visit, .resolved), (.visit, .closed): return status
        default: return nil
        }
    }

    /// The actions allowed now, in the order a workbench shows them.
    public static func allowed(from status: TicketStatus) -> [TicketAction] {
        TicketAction.allCases.filter { next(status, $0, pendedFrom: .inProgress) != nil }
    }
}
