import Foundation
import Vapor

struct CreateTicketRequest: Content {
    var domain: String?
    var kind: String?
    var title: String?
    var description: String?
    var impact: String?
    var urgency: String?
    /// Agents and dispatchers may set the priority instead of the matrix; a reason is then required.
    var priority: String?
    var priorityReason: String?
    var categoryId: String?
    var businessSystemId: String?
    var reporterId: String?
    var departmentId: String?
    var assetId: String?
    var location: String?
    var channel: String?
    /// RFC 3339 (`2026-11-23T08:30:00+08:00`).
    var occurredAt: String?
}

struct TicketActionRequest: Content {
    var action: String?
    var assigneeId: String?
    var teamId: String?
    var domain: String?
    var reason: String?
    var resolution: String?
    var priority: String?
    var note: String?
    /// `pend`: what the ticket waits on — `reporter` (default), `vendor`, `other` (SLA-3).
    var waitOn: String?
}

struct TicketSLADTO: Content, Equatable {
    var responseDueAt: Date?
    var startDueAt: Date?
    var resolveDueAt: Date?
    var responseBreached: Bool
    var startBreached: Bool
    var resolveBreached: Bool
    /// Minutes spent pending so far (including a pause still running).
    var pausedMinutes: Double
    var policyId: UUID?
    var policyName: String?
    var calendarName: String?
    /// True: the clocks run on the calendar's working time; false: on the wall clock.
    var businessTime: Bool?
    /// Whether the ticket was raised inside the calendar's working time (in-hours or off-hours targets).
    var raisedInHours: Bool?
    /// True while the ticket's clocks are stopped (SLA-3: a pause waiting on the reporter, or an approved vendor pause).
    var paused: Bool
    var clocks: [SLAClockDTO]
}

struct TicketRatingDTO: Content, Equatable {
    var score: Int
    var comment: String?
    var at: Date
}

struct TicketDTO: Content, Equatable {
    var id: UUID
    var number: String
    var domain: String
    var kind: String
    var title: String
    var description: String
    var impact: String
    var urgency: String
    var priority: String
    var status: String
    var pendingReason: String?
    /// What a pending ticket waits on (`reporter`, `vendor`, `other`) and, for a vendor, the lead's decision.
    var waitOn: String?
    var pauseApproval: String?
    var categoryId: UUID?
    var categoryName: String?
    var businessSystemId: UUID?
    var businessSystemName: String?
    var assetId: String?
    var location: String?
    var departmentId: UUID?
    var departmentName: String?
    var reporterId: UUID?
    var reporterName: String?
    var channel: String
    var occurredAt: Date?
    var assigneeId: UUID?
    var assigneeName: String?
    var teamId: UUID?
    var teamName: String?
    var resolution: String?
    var reopenCount: Int
    var createdAt: Date
    var updatedAt: Date
    var acknowledgedAt: Date?
    var startedAt: Date?
    var resolvedAt: Date?
    var closedAt: Date?
    var cancelledAt: Date?
    var sla: TicketSLADTO
    var rating: TicketRatingDTO?
    /// SLA-5: the written plan the ticket needs past its policy's limit.
    var plan: TicketPlanDTO?
}

struct TicketPlanDTO: Content, Equatable {
    var requiredAt: Date?
    var text: String?
    var byId: UUID?
    var approvedAt: Date?
    var approvedById: UUID?
    /// True while the ticket may not start or resolve.
    var blocking: Bool
}

/// A row of a queue or list: what a table shows, without the description.
struct TicketRowDTO: Content, Equatable {
    var id: UUID
    var number: String
    var domain: String
    var kind: String
    var title: String
    var priority: String
    var status: String
    var reporterName: String?
    var departmentName: String?
    var businessSystemName: String?
    var assigneeName: String?
    var teamName: String?
    var createdAt: Date
    var updatedAt: Date
    /// The next due instant of a running clock: response until accepted, then resolution.
    var nextDueAt: Date?
}

struct TicketEventDTO: Content, Equatable {
    var id: UUID
    var at: Date
    var actorId: UUID?
    var actorName: String?
    var type: String
    /// The event's details as a JSON object.
    var data: [String: String]
    var `internal`: Bool
}

struct CommentRequest: Content {
    var body: String?
    var `internal`: Bool?
}

struct CommentDTO: Content, Equatable {
    var id: UUID
    var authorId: UUID
    var authorName: String
    var body: String
    var `internal`: Bool
    var createdAt: Date
}

struct RatingRequest: Content {
    var score: Int?
    var comment: String?
}

struct LinkRequest: Content {
    var type: String?
    /// The other ticket's id or number.
    var target: String?
}

struct LinkDTO: Content, Equatable {
    var id: UUID
    var type: String
    /// `outgoing`: this ticket → other; `incoming`: other → this ticket.
    var direction: String
    var ticketId: UUID
    var number: String
    var title: String
    var status: String
}

struct WorkLogRequest: Content {
    var minutes: Int?
    var note: String?
}

struct WorkLogDTO: Content, Equatable {
    var id: UUID
    var userId: UUID
    var userName: String
    var minutes: Int
    var note: String
    var createdAt: Date
}

struct AttachmentDTO: Content, Equatable {
    var id: UUID
    var ticketId: UUID
    var fileName: String
    var contentType: String
    var size: Int
    var sha256: String
    var `internal`: Bool
    var uploaderId: UUID
    var createdAt: Date
}

struct BulkActionRequest: Content {
    var ids: [String]?
    var action: TicketActionRequest?
}

struct BulkResultDTO: Content {
    struct Item: Content {
        var id: String
        var ok: Bool
        var error: String?
    }
    var results: [Item]
}

struct SavedFilterRequest: Content {
    var name: String?
    var query: String?
}

struct SavedFilterDTO: Content, Equatable {
    var id: UUID
    var name: String
    var query: String
}

// MARK: Written by hand (`JSONWriter`): the list, a report's answer and a ticket are the API's busiest answers.

extension TicketRowDTO: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.openObject()
        json.field("id", id)
        json.field("number", number)
        json.field("domain", domain)
        json.field("kind", kind)
        json.field("title", title)
        json.field("priority", priority)
        json.field("status", status)
        json.field("reporterName", reporterName)
        json.field("departmentName", departmentName)
        json.field("businessSystemName", businessSystemName)
        json.field("assigneeName", assigneeName)
        json.field("teamName", teamName)
        json.field("createdAt", createdAt)
        json.field("updatedAt", updatedAt)
        json.field("nextDueAt", nextDueAt)
        json.closeObject()
    }
}

extension TicketDTO: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.openObject()
        json.field("id", id)
        json.field("number", number)
        json.field("domain", domain)
        json.field("kind", kind)
        json.field("title", title)
        json.field("description", description)
        json.field("impact", impact)
        json.field("urgency", urgency)
        json.field("priority", priority)
        json.field("status", status)
        json.field("pendingReason", pendingReason)
        json.field("waitOn", waitOn)
        json.field("pauseApproval", pauseApproval)
        json.field("categoryId", categoryId)
        json.field("categoryName", categoryName)
        json.field("businessSystemId", businessSystemId)
        json.field("businessSystemName", businessSystemName)
        json.field("assetId", assetId)
        json.field("location", location)
        json.field("departmentId", departmentId)
        json.field("departmentName", departmentName)
        json.field("reporterId", reporterId)
        json.field("reporterName", reporterName)
        json.field("channel", channel)
        json.field("occurredAt", occurredAt)
        json.field("assigneeId", assigneeId)
        json.field("assigneeName", assigneeName)
        json.field("teamId", teamId)
        json.field("teamName", teamName)
        json.field("resolution", resolution)
        json.field("reopenCount", reopenCount)
        json.field("createdAt", createdAt)
        json.field("updatedAt", updatedAt)
        json.field("acknowledgedAt", acknowledgedAt)
        json.field("startedAt", startedAt)
        json.field("resolvedAt", resolvedAt)
        json.field("closedAt", closedAt)
        json.field("cancelledAt", cancelledAt)
        json.key("sla")
        sla.write(to: &json)
        if let rating {
            json.key("rating")
            json.openObject()
            json.field("score", rating.score)
            json.field("comment", rating.comment)
            json.field("at", rating.at)
            json.closeObject()
        }
        if let plan {
            json.key("plan")
            json.openObject()
            json.field("requiredAt", plan.requiredAt)
            json.field("text", plan.text)
            json.field("byId", plan.byId)
            json.field("approvedAt", plan.approvedAt)
            json.field("approvedById", plan.approvedById)
            json.field("blocking", plan.blocking)
            json.closeObject()
        }
        json.closeObject()
    }
}

extension TicketSLADTO: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.openObject()
        json.field("responseDueAt", responseDueAt)
        json.field("startDueAt", startDueAt)
        json.field("resolveDueAt", resolveDueAt)
        json.field("responseBreached", responseBreached)
        json.field("startBreached", startBreached)
        json.field("resolveBreached", resolveBreached)
        json.field("pausedMinutes", pausedMinutes)
        json.field("policyId", policyId)
        json.field("policyName", policyName)
        json.field("calendarName", calendarName)
        json.field("businessTime", businessTime)
        json.field("raisedInHours", raisedInHours)
        json.field("paused", paused)
        json.key("clocks")
        json.openArray()
        for clock in clocks {
            json.openObject()
            json.field("kind", clock.kind)
            json.field("targetMinutes", clock.targetMinutes)
            json.field("dueAt", clock.dueAt)
            json.field("elapsedMinutes", clock.elapsedMinutes)
            json.field("pausedMinutes", clock.pausedMinutes)
            json.field("stoppedAt", clock.stoppedAt)
            json.field("breached", clock.breached)
            json.field("paused", clock.paused)
            json.field("businessTime", clock.businessTime)
            json.closeObject()
        }
        json.closeArray()
        json.closeObject()
    }
}
