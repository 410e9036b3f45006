import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 服务级别策略: targets for one domain × priority (optionally narrowed to a category or business system),
/// measured on a calendar in business or calendar time, with other targets for tickets raised outside
/// working hours. A newer policy for the same scope supersedes the older one for tickets created after it.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
final class SLAPolicyRecord: Model, @unchecked Sendable {
    static let schema = "sla_policies"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "domain") var domain: String
    @Field(key: "priority") var priority: String
    @OptionalField(key: "category_id") var categoryId: UUID?
    @OptionalField(key: "business_system_id") var businessSystemId: UUID?
    @Field(key: "calendar_id") var calendarId: UUID
    @Field(key: "business_time") var businessTime: Bool
    @OptionalField(key: "response_minutes") var responseMinutes: Int?
    @OptionalField(key: "start_minutes") var startMinutes: Int?
    @OptionalField(key: "resolve_minutes") var resolveMinutes: Int?
    /// Targets for tickets raised outside the calendar's working time; nil means the same as in hours.
    @OptionalField(key: "off_response_minutes") var offResponseMinutes: Int?
    @OptionalField(key: "off_start_minutes") var offStartMinutes: Int?
    @OptionalField(key: "off_resolve_minutes") var offResolveMinutes: Int?
    /// SLA-5: minutes (counted like the resolution clock) after which an unresolved ticket needs an approved
    /// written plan before it may continue (seed 003: 8 hours).
    @OptionalField(key: "plan_after_minutes") var planAfterMinutes: Int?
    /// The escalation chain as JSON (`[EscalationStep]`); nil: `EscalationStep.defaultChain`.
    @OptionalField(key: "escalation") var escalation: String?
    /// Per-clock time basis overriding `businessTime` (seed 001: response and arrival on the wall clock,
    /// repair within 2 working days).
    @OptionalField(key: "response_business_time") var responseBusinessTime: Bool?
    @OptionalField(key: "start_business_time") var startBusinessTime: Bool?
    @OptionalField(key: "resolve_business_time") var resolveBusinessTime: Bool?
    @Field(key: "is_active") var isActive: Bool
    /// In force for tickets created from this instant on.
    @Field(key: "effective_from") var effectiveFrom: Date
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Whether `kind` counts the calendar's working time (true) or the wall clock (false).
    func businessTime(for kind: SLAClockKind) -> Bool {
        switch kind {
        case .response: responseBusinessTime ?? businessTime
        case .start: startBusinessTime ?? businessTime
        case .resolve: resolveBusinessTime ?? businessTime
        }
    }

    /// True when every clock counts the same way.
    var uniformTimeBasis: Bool { Set(SLAClockKind.allCases.map(businessTime(for:))).count == 1 }

    var escalationChain: [EscalationStep] {
        guard let escalation, let chain = try? JSONDecoder().decode([EscalationStep].self, from: Data(escalation.utf8)) else {
            return EscalationStep.defaultChain
        }
        return chain
    }

    var inHours: SLATargets { SLATargets(responseMinutes: responseMinutes, startMinutes: startMinutes, resolveMinutes: resolveMinutes) }
    var offHours: SLATargets {
        SLATargets(responseMinutes: offResponseMinutes ?? responseMinutes, startMinutes: offStartMinutes ?? startMinutes,
                   resolveMinutes: offResolveMinutes ?? resolveMinutes)
    }
}
