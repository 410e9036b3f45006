/// The three service domains every ticket, team, category and SLA policy belongs to (SD-1).
public enum ServiceDomain: String, CaseIterable, Codable, Sendable {
    case it, logistics, equipment
}

/// How much a business system matters to the hospital; drives SLA and escalation later.
public enum Criticality: String, CaseIterable, Codable, Sendable {
    case core, important, general
}
