import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 服务级别策略: targets for one domain × priority (optionally narrowed to a category or business system),
/// measured on a calendar in business or calendar time, with other targets for tickets raised outside
/// working hours. A newer policy for the same scope supersedes the older one for tickets created after it.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
package final class SLAPolicyRecord: Model, @unchecked Sendable {
    package static let schema = "sla_policies"

    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @Field(key: "domain") package var domain: String
    @Field(key: "priority") package var priority: String
    @OptionalField(key: "category_id") package var categoryId: UUID?
    @OptionalField(key: "business_system_id") package var businessSystemId: UUID?
    @Field(key: "calendar_id") package var calendarId: UUID
    @Field(key: "business_time") package var businessTime: Bool
    @OptionalField(key: "response_minutes") package var responseMinutes: Int?
    @OptionalField(key: "start_minutes") package var startMinutes: Int?
    @OptionalField(key: "resolve_minutes") package var resolveMinutes: Int?
    /// Targets for tickets raised outside the calendar's working time; nil means the same as in hours.
    @OptionalField(key: "off_response_minutes") package var offResponseMinutes: Int?
    @OptionalField(key: "off_start_minutes") package var offStartMinutes: Int?
    @OptionalField(key: "off_resolve_minutes") package var offResolveMinutes: Int?
    /// SLA-5: minutes (counted like the resolution clock) after which an unresolved ticket needs an approved
    /// written plan before it may continue (seed 003: 8 hours).
    @OptionalField(key: "plan_after_minutes") package var planAfterMinutes: Int?
    /// The escalation chain as JSON (`[EscalationStep]`); nil: `EscalationStep.defaultChain`.
    @OptionalField(key: "escalation") package var escalation: String?
    /// Per-clock time basis overriding `businessTime` (seed 001: response and arrival on the wall clock,
    /// repair within 2 working days).
    @OptionalField(key: "response_business_time") package var responseBusinessTime: Bool?
    @OptionalField(key: "start_business_time") package var startBusinessTime: Bool?
    @OptionalField(key: "resolve_business_time") package var resolveBusinessTime: Bool?
    @Field(key: "is_active") package var isActive: Bool
    /// In force for tickets created from this instant on.
    @Field(key: "effective_from") package var effectiveFrom: Date
    @Field(key: "created_at") package var createdAt: Date

    package init() {}

    /// Whether `kind` counts the calendar's working time (true) or the wall clock (false).
    package func businessTime(for kind: SLAClockKind) -> Bool {
        switch kind {
        case .response: responseBusinessTime ?? businessTime
        case .start: startBusinessTime ?? businessTime
        case .resolve: resolveBusinessTime ?? businessTime
        }
    }

    /// True when every clock counts the same way.
    package var uniformTimeBasis: Bool { Set(SLAClockKind.allCases.map(businessTime(for:))).count == 1 }

    package var escalationChain: [EscalationStep] {
        guard let escalation, let chain = try? JSONDecoder().decode([EscalationStep].self, from: Data(escalation.utf8)) else {
            return EscalationStep.defaultChain
        }
        return chain
    }

    package var inHours: SLATargets { SLATargets(responseMinutes: responseMinutes, startMinutes: startMinutes, resolveMinutes: resolveMinutes) }
    package var offHours: SLATargets {
        SLATargets(responseMinutes: offResponseMinutes ?? responseMinutes, startMinutes: offStartMinutes ?? startMinutes,
                   resolveMinutes: offResolveMinutes ?? resolveMinutes)
    }
}
