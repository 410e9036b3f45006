import Fluent
import Foundation
import YiweiCore

// @unchecked Sendable on the models below: Fluent models are mutable classes; each instance is used by
// one request at a time and never shared between tasks.

/// 工单: one service record in one of the three domains.
package final class Ticket: Model, @unchecked Sendable {
    package static let schema = "tickets"

    @ID(key: .id) package var id: UUID?
    @Field(key: "number") package var number: String
    @Field(key: "domain") package var domain: String
    @Field(key: "kind") package var kind: String
    @Field(key: "title") package var title: String
    @Field(key: "description") package var description: String
    @Field(key: "impact") package var impact: String
    @Field(key: "urgency") package var urgency: String
    @Field(key: "priority") package var priority: String
    @Field(key: "status") package var status: String
    /// The status a pending ticket returns to on resume.
    @OptionalField(key: "pended_from") package var pendedFrom: String?
    @OptionalField(key: "pending_since") package var pendingSince: Date?
    @OptionalField(key: "pending_reason") package var pendingReason: String?
    /// What a pending ticket waits on (`PauseWait`), and for a vendor wait the lead's decision (`PauseApproval`).
    /// `pendingSince` is set only while the clocks are stopped.
    @OptionalField(key: "pending_wait_on") package var pendingWaitOn: String?
    @OptionalField(key: "pause_approval") package var pauseApproval: String?
    /// Total time spent pending so far (SLA clocks exclude it).
    @Field(key: "paused_seconds") package var pausedSeconds: Int
    @OptionalField(key: "category_id") package var categoryId: UUID?
    @OptionalField(key: "business_system_id") package var businessSystemId: UUID?
    @OptionalField(key: "asset_id") package var assetId: String?
    @OptionalField(key: "location") package var location: String?
    @OptionalField(key: "department_id") package var departmentId: UUID?
    @OptionalField(key: "reporter_id") package var reporterId: UUID?
    @Field(key: "created_by_id") package var createdById: UUID
    @Field(key: "channel") package var channel: String
    @OptionalField(key: "occurred_at") package var occurredAt: Date?
    @OptionalField(key: "assignee_id") package var assigneeId: UUID?
    @OptionalField(key: "team_id") package var teamId: UUID?
    @OptionalField(key: "resolution") package var resolution: String?
    @Field(key: "reopen_count") package var reopenCount: Int
    @OptionalField(key: "rating_score") package var ratingScore: Int?
    @OptionalField(key: "rating_comment") package var ratingComment: String?
    @OptionalField(key: "rated_at") package var ratedAt: Date?
    @OptionalField(key: "sla_policy_id") package var slaPolicyId: UUID?
    @OptionalField(key: "response_due_at") package var responseDueAt: Date?
    @OptionalField(key: "start_due_at") package var startDueAt: Date?
    @OptionalField(key: "resolve_due_at") package var resolveDueAt: Date?
    /// SLA-5: when the policy's limit passed without a resolution, the written plan, and its approval.
    @OptionalField(key: "plan_required_at") package var planRequiredAt: Date?
    @OptionalField(key: "plan") package var plan: String?
    @OptionalField(key: "plan_by_id") package var planById: UUID?
    @OptionalField(key: "plan_approved_at") package var planApprovedAt: Date?
    @OptionalField(key: "plan_approved_by_id") package var planApprovedById: UUID?
    /// When the SLA scheduler must next look at this ticket (a warning point or a due time).
    @OptionalField(key: "next_alert_at") package var nextAlertAt: Date?
    /// Whether the response / resolution target was missed, once that is decided (the clock stopped, or its
    /// due time passed); nil while undecided or without a policy. Kept for the KPIs (ANA-2).
    @OptionalField(key: "response_breached") package var responseBreached: Bool?
    @OptionalField(key: "resolve_breached") package var resolveBreached: Bool?
    /// When the service desk made the return visit (回访), if it has.
    @OptionalField(key: "visited_at") package var visitedAt: Date?
    /// When the ticket was brought over from a legacy ledger (`POST /api/v1/tickets/import`); nil for tickets reported here.
    /// Its SLA policy is the one in force at the import, not at its (historical) creation.
    @OptionalField(key: "imported_at") package var importedAt: Date?
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    @OptionalField(key: "acknowledged_at") package var acknowledgedAt: Date?
    @OptionalField(key: "started_at") package var startedAt: Date?
    @OptionalField(key: "resolved_at") package var resolvedAt: Date?
    @OptionalField(key: "closed_at") package var closedAt: Date?
    @OptionalField(key: "cancelled_at") package var cancelledAt: Date?

    package init() {}

    package var statusValue: TicketStatus { TicketStatus(rawValue: status) ?? .new }
    package var domainValue: ServiceDomain { ServiceDomain(rawValue: domain) ?? .it }
}

/// One entry of a ticket's append-only timeline: who did what, when, and why.
package final class TicketEvent: Model, @unchecked Sendable {
    package static let schema = "ticket_events"

    @ID(key: .id) package var id: UUID?
    @Field(key: "ticket_id") package var ticketId: UUID
    @Field(key: "at") package var at: Date
    @OptionalField(key: "actor_id") package var actorId: UUID?
    @Field(key: "type") package var type: String
    /// JSON object with the event's details (from/to status, reason, fields changed …).
    @Field(key: "data") package var data: String
    /// Internal events (internal comments, work logs) are never shown to reporters.
    @Field(key: "internal") package var isInternal: Bool

    package init() {}
}

final class TicketComment: Model, @unchecked Sendable {
    static let schema = "ticket_comments"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    @Field(key: "author_id") var authorId: UUID
    @Field(key: "body") var body: String
    @Field(key: "internal") var isInternal: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class TicketAttachment: Model, @unchecked Sendable {
    static let schema = "ticket_attachments"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    @Field(key: "uploader_id") var uploaderId: UUID
    /// The name the uploader's file had, cleaned for display only: it never reaches the file system.
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    /// Path below the data directory's `attachments/` folder, generated by Yiwei.
    @Field(key: "stored_path") var storedPath: String
    @Field(key: "internal") var isInternal: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class TicketLink: Model, @unchecked Sendable {
    static let schema = "ticket_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    @Field(key: "target_id") var targetId: UUID
    @Field(key: "type") var type: String
    @Field(key: "created_by_id") var createdById: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class TicketWorkLog: Model, @unchecked Sendable {
    static let schema = "ticket_work_logs"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    @Field(key: "user_id") var userId: UUID
    @Field(key: "minutes") var minutes: Int
    @Field(key: "note") var note: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// The last daily sequence number per prefix and day; bumped in the ticket's own transaction.
final class TicketCounter: Model, @unchecked Sendable {
    static let schema = "ticket_counters"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "last") var last: Int

    init() {}
}

/// A queue filter a user saved under a name (SD-8).
final class SavedFilter: Model, @unchecked Sendable {
    static let schema = "saved_filters"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "name") var name: String
    @Field(key: "query") var query: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
