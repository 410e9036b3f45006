import Foundation

/// Who an escalation step tells (SLA-4, seed 000 §4.4).
public enum EscalationRecipient: String, CaseIterable, Codable, Sendable {
    /// The engineer the ticket is assigned to.
    case assignee
    /// The lead of the ticket's team (组长).
    case teamLead = "team_lead"
    /// The leads of the domain's teams and the department heads (科室负责人, e.g. the IT department head).
    case domainLeads = "domain_leads"
    /// The vendor's people: the back-line experts and the manufacturer's contact (厂商二线专家与原厂).
    case vendor
}

/// One step of an escalation chain: when `clock` has used `percent` % of its target (counted the way the
/// clock counts — business or wall time, pauses excluded), the recipients are told and the ticket's
/// timeline records the escalation. Level numbers start at 2: level 1 is the breach itself, which always
/// tells the assignee and the team lead.
public struct EscalationStep: Codable, Sendable, Equatable {
    public var clock: SLAClockKind
    public var percent: Int
    public var notify: [EscalationRecipient]
    /// Named people told in addition (e.g. the hospital's 信息科 duty phone holder).
    public var userIds: [UUID]

    public init(clock: SLAClockKind, percent: Int, notify: [EscalationRecipient], userIds: [UUID] = []) {
        self.clock = clock; self.percent = percent; self.notify = notify; self.userIds = userIds
    }

    /// The chain a policy follows unless it names its own: at 150 % of the resolution target the domain's
    /// leads, at 200 % the vendor's people.
    public static let defaultChain = [
        EscalationStep(clock: .resolve, percent: 150, notify: [.domainLeads]),
        EscalationStep(clock: .resolve, percent: 200, notify: [.vendor]),
    ]

    public static let maxSteps = 6
    public static let percentRange = 1...1000

    /// The step's threshold in minutes of the clock, rounded up: 150 % of 480 → 720; 150 % of 25 → 38.
    public func thresholdMinutes(target: Int) -> Int { Int((Double(target) * Double(percent) / 100).rounded(.up)) }

    /// Problems with a chain, as (step index, field, message); empty when it is valid.
    public static func problems(_ chain: [EscalationStep]) -> [(index: Int, field: String, message: String)] {
        var found: [(Int, String, String)] = []
        if chain.count > maxSteps { found.append((maxSteps, "escalation", "at most \(maxSteps) steps")) }
        var seen = Set<String>()
        for (i, step) in chain.enumerated() {
            if !percentRange.contains(step.percent) { found.append((i, "percent", "must be between 1 and 1000")) }
            if step.notify.isEmpty && step.userIds.isEmpty { found.append((i, "notify", "name at least one recipient")) }
            if !seen.insert("\(step.clock.rawValue):\(step.percent)").inserted { found.append((i, "percent", "the same clock and percent twice")) }
        }
        return found
    }
}
