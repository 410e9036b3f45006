import Fluent
import SQLKit

struct CreateTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema)
            .id()
            .field("number", .string, .required)
            .field("domain", .string, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("impact", .string, .required)
            .field("urgency", .string, .required)
            .field("priority", .string, .required)
            .field("status", .string, .required)
            .field("pended_from", .string)
            .field("pending_since", .datetime)
            .field("pending_reason", .string)
            .field("paused_seconds", .int, .required)
            .field("category_id", .uuid, .references(Category.schema, .id))
            .field("business_system_id", .uuid, .references(BusinessSystem.schema, .id))
            .field("asset_id", .string)
            .field("location", .string)
            .field("department_id", .uuid, .references(Department.schema, .id))
            .field("reporter_id", .uuid, .references(User.schema, .id))
            .field("created_by_id", .uuid, .required, .references(User.schema, .id))
            .field("channel", .string, .required)
            .field("occurred_at", .datetime)
            .field("assignee_id", .uuid, .references(User.schema, .id))
            .field("team_id", .uuid, .references(Team.schema, .id))
            .field("resolution", .string)
            .field("reopen_count", .int, .required)
            .field("rating_score", .int)
            .field("rating_comment", .string)
            .field("rated_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("started_at", .datetime)
            .field("resolved_at", .datetime)
            .field("closed_at", .datetime)
            .field("cancelled_at", .datetime)
            .unique(on: "number")
            .create()
        let sql = database.sql
        // One index per queue and list the workbench and portal serve (newest first).
        for (name, columns) in [
            ("idx_tickets_created", ["created_at"]),
            ("idx_tickets_status_created", ["status", "created_at"]),
            ("idx_tickets_assignee_status", ["assignee_id", "status", "created_at"]),
            ("idx_tickets_team_status", ["team_id", "status", "created_at"]),
            ("idx_tickets_reporter_created", ["reporter_id", "created_at"]),
            ("idx_tickets_department_created", ["department_id", "created_at"]),
            ("idx_tickets_domain_status", ["domain", "status", "created_at"]),
            ("idx_tickets_system_created", ["business_system_id", "created_at"]),
            ("idx_tickets_resolved", ["resolved_at"]),
        ] {
            var builder = sql.create(index: SQLIdentifier(name)).on(Ticket.schema)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }

        try await database.schema(TicketEvent.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id))
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("type", .string, .required)
            .field("data", .string, .required)
            .field("internal", .bool, .required)
            .create()
        try await sql.create(index: "idx_ticket_events_ticket").on(TicketEvent.schema).column("ticket_id").column("at").run()

        try await database.schema(TicketComment.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id))
            .field("author_id", .uuid, .required, .references(User.schema, .id))
            .field("body", .string, .required)
            .field("internal", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "idx_ticket_comments_ticket").on(TicketComment.schema).column("ticket_id").column("created_at").run()

        try await database.schema(TicketAttachment.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id))
            .field("uploader_id", .uuid, .required, .references(User.schema, .id))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("stored_path", .string, .required)
            .field("internal", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "idx_ticket_attachments_ticket").on(TicketAttachment.schema).column("ticket_id").run()

        try await database.schema(TicketLink.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id))
            .field("target_id", .uuid, .required, .references(Ticket.schema, .id))
            .field("type", .string, .required)
            .field("created_by_id", .uuid, .required, .references(User.schema, .id))
            .field("created_at", .datetime, .required)
            .unique(on: "ticket_id", "target_id", "type")
            .create()
        try await sql.create(index: "idx_ticket_links_target").on(TicketLink.schema).column("target_id").run()

        try await database.schema(TicketWorkLog.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id))
            .field("user_id", .uuid, .required, .references(User.schema, .id))
            .field("minutes", .int, .required)
            .field("note", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "idx_ticket_work_logs_ticket").on(TicketWorkLog.schema).column("ticket_id").run()

        try await database.schema(TicketCounter.schema)
            .id()
            .field("key", .string, .required)
            .field("last", .int, .required)
            .unique(on: "key")
            .create()

        try await database.schema(SavedFilter.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [SavedFilter.schema, TicketCounter.schema, TicketWorkLog.schema, TicketLink.schema, TicketAttachment.schema,
                       TicketComment.schema, TicketEvent.schema, Ticket.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// The return visit's time, so the desk can work through the tickets still to be visited.
struct AddTicketVisitedAt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema).field("visited_at", .datetime).update()
        let sql = database.sql
        try await sql.create(index: "idx_tickets_visit").on(Ticket.schema).column("visited_at").column("resolved_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Ticket.schema).deleteField("visited_at").update()
    }
}

/// Whether a department's reporters see each other's tickets (SEC-1), off by default.
struct AddDepartmentTicketVisibility: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Department.schema)
            .field("reporters_see_department", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Department.schema).deleteField("reporters_see_department").update()
    }
}

/// SLA-3: what a pending ticket waits on and the lead's decision on a vendor pause. Tickets pending before
/// this migration were pended under the old rule (the clocks stopped at once), which is waiting on the reporter.
struct AddTicketPauseWaits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema("tickets").field("pending_wait_on", .string).update()
        try await database.schema("tickets").field("pause_approval", .string).update()
        try await database.sql.raw("UPDATE tickets SET pending_wait_on = 'reporter' WHERE status = 'pending'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tickets").deleteField("pause_approval").update()
        try await database.schema("tickets").deleteField("pending_wait_on").update()
    }
}
