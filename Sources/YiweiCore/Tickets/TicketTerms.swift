/// The vocabulary of a ticket, exactly as API.md spells it.
public enum TicketKind: String, CaseIterable, Codable, Sendable {
    case incident, request, consultation, requirement, problem, change
}

/// How far the fault reaches (影响范围).
public enum Impact: String, CaseIterable, Codable, Sendable {
    case individual, department
    case multiDepartment = "multi_department"
    case hospital
}

/// How badly it hurts (紧急程度).
public enum Urgency: String, CaseIterable, Codable, Sendable {
    case patientSafety = "patient_safety"
    case clinical, operation, experience
}

public enum Priority: String, CaseIterable, Codable, Sendable, Comparable {
    case p1 = "P1", p2 = "P2", p3 = "P3", p4 = "P4"

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a ticket came from (SD-2).
public enum TicketChannel: String, CaseIterable, Codable, Sendable {
    case web, mobile, phone, wechat, qrcode, api, monitor
}

public enum TicketStatus: String, CaseIterable, Codable, Sendable {
    case new, accepted
    case inProgress = "in_progress"
    case pending, resolved, closed, cancelled

    /// Still somebody's work: the queues and the clocks care about these.
    public var isOpen: Bool { ![.resolved, .closed, .cancelled].contains(self) }
}

/// Links between tickets (SD-6).
public enum TicketLinkType: String, CaseIterable, Codable, Sendable {
    /// This ticket duplicates the target.
    case duplicateOf = "duplicate_of"
    /// This ticket was caused by the target.
    case causedBy = "caused_by"
    /// The target is this ticket's parent.
    case childOf = "child_of"
}
