import Fluent
import Foundation
import SQLKit

// The tickets table and its child tables, as every migration that creates or alters them left them, in the order
// of Migrations.swift (except CreateTicketSearchIndexes, in TicketSearch.swift). A shipped migration is never split,
// so some here also create another feature's table in the same step: sla_policies (CreateSLAPolicies), sla_alerts
// (CreateSLAAlerts), outages (CreateOutages).

struct CreateTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tickets")
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
            .field("category_id", .uuid, .references("categories", .id))
            .field("business_system_id", .uuid, .references("business_systems", .id))
            .field("asset_id", .string)
            .field("location", .string)
            .field("department_id", .uuid, .references("departments", .id))
            .field("reporter_id", .uuid, .references("users", .id))
            .field("created_by_id", .uuid, .required, .references("users", .id))
            .field("channel", .string, .required)
            .field("occurred_at", .datetime)
            .field("assignee_id", .uuid, .references("users", .id))
            .field("team_id", .uuid, .references("teams", .id))
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
            var builder = sql.create(index: SQLIdentifier(name)).on("tickets")
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }

        try await database.schema("ticket_events")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", .id))
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("type", .string, .required)
            .field("data", .string, .required)
            .field("internal", .bool, .required)
            .create()
        try await sql.create(index: "idx_ticket_events_ticket").on("ticket_events").column("ticket_id").column("at").run()

        try await database.schema("ticket_comments")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", .id))
            .field("author_id", .uuid, .required, .references("users", .id))
            .field("body", .string, .required)
            .field("internal", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "idx_ticket_comments_ticket").on("ticket_comments").column("ticket_id").column("created_at").run()

        try await database.schema("ticket_attachments")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", .id))
            .field("uploader_id", .uuid, .required, .references("users", .id))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("stored_path", .string, .required)
            .field("internal", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "idx_ticket_attachments_ticket").on("ticket_attachments").column("ticket_id").run()

        try await database.schema("ticket_links")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", .id))
            .field("target_id", .uuid, .required, .references("tickets", .id))
            .field("type", .string, .required)
            .field("created_by_id", .uuid, .required, .references("users", .id))
            .field("created_at", .datetime, .required)
            .unique(on: "ticket_id", "target_id", "type")
            .create()
        try await sql.create(index: "idx_ticket_links_target").on("ticket_links").column("target_id").run()

        try await database.schema("ticket_work_logs")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", .id))
            .field("user_id", .uuid, .required, .references("users", .id))
            .field("minutes", .int, .required)
            .field("note", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "idx_ticket_work_logs_ticket").on("ticket_work_logs").column("ticket_id").run()

        try await database.schema("ticket_counters")
            .id()
            .field("key", .string, .required)
            .field("last", .int, .required)
            .unique(on: "key")
            .create()

        try await database.schema("saved_filters")
            .id()
            .field("user_id", .uuid, .required, .references("users", .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in ["saved_filters", "ticket_counters", "ticket_work_logs", "ticket_links", "ticket_attachments",
                       "ticket_comments", "ticket_events", "tickets"] {
            try await database.schema(schema).delete()
        }
    }
}

/// The return visit's time, so the desk can work through the tickets still to be visited.
struct AddTicketVisitedAt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tickets").field("visited_at", .datetime).update()
        let sql = database.sql
        try await sql.create(index: "idx_tickets_visit").on("tickets").column("visited_at").column("resolved_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tickets").deleteField("visited_at").update()
    }
}

/// Whether a department's reporters see each other's tickets (SEC-1), off by default.
struct AddDepartmentTicketVisibility: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("departments")
            .field("reporters_see_department", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("departments").deleteField("reporters_see_department").update()
    }
}

struct CreateSLAPolicies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sla_policies")
            .id()
            .field("name", .string, .required)
            .field("domain", .string, .required)
            .field("priority", .string, .required)
            .field("category_id", .uuid, .references("categories", .id))
            .field("business_system_id", .uuid, .references("business_systems", .id))
            .field("calendar_id", .uuid, .required, .references("calendars", .id))
            .field("business_time", .bool, .required)
            .field("response_minutes", .int)
            .field("start_minutes", .int)
            .field("resolve_minutes", .int)
            .field("off_response_minutes", .int)
            .field("off_start_minutes", .int)
            .field("off_resolve_minutes", .int)
            .field("is_active", .bool, .required)
            .field("effective_from", .datetime, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_sla_policies_scope").on("sla_policies").column("domain").column("priority").column("effective_from").run()
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await database.schema("tickets").field("sla_policy_id", .uuid, .references("sla_policies", .id)).update()
        for column in ["response_due_at", "start_due_at", "resolve_due_at"] {
            try await database.schema("tickets").field(FieldKey(stringLiteral: column), .datetime).update()
        }
        // The next due instant of every open ticket, for the scheduler that warns and escalates.
        try await sql.create(index: "idx_tickets_resolve_due").on("tickets").column("resolve_due_at").run()
        try await sql.create(index: "idx_tickets_response_due").on("tickets").column("response_due_at").run()

        // Presets from the seeds: 000 for IT, 003 for logistics and medical equipment.
        let calendars = try await CalendarRecord.query(on: database).all()
        guard let allDay = calendars.first(where: { $0.name.hasPrefix("7×24") }),
              let statutory = calendars.first(where: { $0.name.hasPrefix("法定工作日") }) else { return }
        let epoch = Date(timeIntervalSince1970: 0)
        // Plain SQL, not the model: a migration must not depend on columns that later migrations add.
        func add(_ name: String, _ domain: String, _ priority: String, _ calendar: CalendarRecord, business: Bool,
                 _ targets: (Int?, Int?, Int?), off: (Int?, Int?, Int?)? = nil) async throws {
            try await sql.insert(into: "sla_policies")
                .columns("id", "name", "domain", "priority", "calendar_id", "business_time", "response_minutes", "start_minutes",
                         "resolve_minutes", "off_response_minutes", "off_start_minutes", "off_resolve_minutes", "is_active", "effective_from", "created_at")
                .values(SQLBind(UUID()), SQLBind(name), SQLBind(domain), SQLBind(priority), SQLBind(try calendar.requireID()), SQLBind(business),
                        SQLBind(targets.0), SQLBind(targets.1), SQLBind(targets.2), SQLBind(off?.0), SQLBind(off?.1), SQLBind(off?.2),
                        SQLBind(true), SQLBind(epoch), SQLBind(epoch))
                .run()
        }
        // Seed 000 §4.3: P1 10 min / 30 min / 4 h and P2 30 min / 2 h / 8 h around the clock; P3 2 working
        // hours (30 min outside them) / 2 working days; P4 a working day / 5 working days (hospital default).
        try await add("信息化 一级（种子000）", "it", "P1", allDay, business: false, (10, 30, 240))
        try await add("信息化 二级（种子000）", "it", "P2", allDay, business: false, (30, 120, 480))
        try await add("信息化 三级（种子000）", "it", "P3", statutory, business: true, (120, nil, 1200), off: (30, nil, 1200))
        try await add("信息化 四级", "it", "P4", statutory, business: true, (600, nil, 3000))
        // Seed 003 §2.3: respond in 30 min; in working hours fix within 1 h on site; outside them arrive in
        // 2 h and fix in 3 h — wall-clock minutes.
        for domain in ["logistics", "equipment"] {
            let label = domain == "logistics" ? "总务后勤" : "医疗设备"
            for priority in ["P1", "P2", "P3", "P4"] {
                try await add("\(label) \(priority)（种子003）", domain, priority, statutory, business: false, (30, 30, 60), off: (30, 120, 180))
            }
        }
    }

    func revert(on database: any Database) async throws {
        for column in ["sla_policy_id", "response_due_at", "start_due_at", "resolve_due_at"] {
            try await database.schema("tickets").deleteField(FieldKey(stringLiteral: column)).update()
        }
        try await database.schema("sla_policies").delete()
    }
}

struct CreateSLAAlerts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sla_alerts")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", .id))
            .field("clock", .string, .required)
            .field("level", .string, .required)
            .field("at", .datetime, .required)
            .field("target_minutes", .int, .required)
            .field("elapsed_minutes", .double, .required)
            .unique(on: "ticket_id", "clock", "level", "target_minutes")
            .create()
        try await database.schema("tickets").field("next_alert_at", .datetime).update()
        let sql = database.sql
        try await sql.create(index: "idx_tickets_next_alert").on("tickets").column("next_alert_at").run()
        try await sql.create(index: "idx_sla_alerts_at").on("sla_alerts").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tickets").deleteField("next_alert_at").update()
        try await database.schema("sla_alerts").delete()
    }
}

/// SLA-5 fields: the policy's limit and the ticket's plan; the seed 003 presets get their 8 hours.
struct AddWrittenPlan: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sla_policies").field("plan_after_minutes", .int).update()
        for column in ["plan_required_at", "plan_approved_at"] {
            try await database.schema("tickets").field(FieldKey(stringLiteral: column), .datetime).update()
        }
        try await database.schema("tickets").field("plan", .string).update()
        for column in ["plan_by_id", "plan_approved_by_id"] {
            try await database.schema("tickets").field(FieldKey(stringLiteral: column), .uuid).update()
        }
        try await SLAPolicyRecord.query(on: database).filter(\.$name ~~ "种子003").set(\.$planAfterMinutes, to: 480).update()
    }

    func revert(on database: any Database) async throws {
        for column in ["plan_required_at", "plan_approved_at", "plan", "plan_by_id", "plan_approved_by_id"] {
            try await database.schema("tickets").deleteField(FieldKey(stringLiteral: column)).update()
        }
        try await database.schema("sla_policies").deleteField("plan_after_minutes").update()
    }
}

struct CreateTicketSolutionIndex: AsyncMigration {
    func prepare(on database: any Database) async throws { try await Self.createIndexes(on: database.sql) }
    func revert(on database: any Database) async throws { try await Self.dropIndexes(on: database.sql) }

    static func createIndexes(on sql: any SQLDatabase) async throws {
        if KnowledgeSearch.isSQLite(sql) {
            try await sql.raw("""
                CREATE VIRTUAL TABLE ticket_fts USING fts5(title, resolution, content='tickets', content_rowid='rowid', tokenize='trigram')
                """).run()
            try await sql.raw("""
                CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets WHEN new.resolution IS NOT NULL BEGIN
                  INSERT INTO ticket_fts(rowid, title, resolution) VALUES (new.rowid, new.title, new.resolution);
                END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, resolution ON tickets BEGIN
                  INSERT INTO ticket_fts(ticket_fts, rowid, title, resolution) SELECT 'delete', old.rowid, old.title, old.resolution WHERE old.resolution IS NOT NULL;
                  INSERT INTO ticket_fts(rowid, title, resolution) SELECT new.rowid, new.title, new.resolution WHERE new.resolution IS NOT NULL;
                END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets WHEN old.resolution IS NOT NULL BEGIN
                  INSERT INTO ticket_fts(ticket_fts, rowid, title, resolution) VALUES ('delete', old.rowid, old.title, old.resolution);
                END
                """).run()
            // Tickets resolved before this index existed.
            try await sql.raw("INSERT INTO ticket_fts(rowid, title, resolution) SELECT rowid, title, resolution FROM tickets WHERE resolution IS NOT NULL").run()
        } else {
            let schema = try await KnowledgeSearch.trigramSchema(on: sql) ?? "public"
            try await sql.raw("""
                CREATE INDEX idx_tickets_solution_trgm ON tickets USING gin ((title || ' ' || resolution) \(unsafeRaw: schema).gin_trgm_ops) WHERE resolution IS NOT NULL
                """).run()
        }
    }

    static func dropIndexes(on sql: any SQLDatabase) async throws {
        if KnowledgeSearch.isSQLite(sql) {
            for trigger in ["tickets_fts_insert", "tickets_fts_update", "tickets_fts_delete"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
            }
            try await sql.raw("DROP TABLE IF EXISTS ticket_fts").run()
        } else {
            try await sql.raw("DROP INDEX IF EXISTS idx_tickets_solution_trgm").run()
        }
    }
}

/// Columns the KPIs read: the SLA outcome per ticket (tickets are already indexed by creation time).
struct AddKPIColumns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tickets").field("response_breached", .bool).update()
        try await database.schema("tickets").field("resolve_breached", .bool).update()
    }

    func revert(on database: any Database) async throws {
        for column in ["response_breached", "resolve_breached"] {
            try await database.schema("tickets").deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}

/// Adds `tickets.imported_at`: when a ticket was brought over from a legacy ledger.
struct AddTicketImportedAt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tickets").field("imported_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tickets").deleteField("imported_at").update()
    }
}

struct CreateOutages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("outages")
            .id()
            .field("business_system_id", .uuid, .required, .references("business_systems", .id))
            .field("ticket_id", .uuid, .references("tickets", .id))
            .field("kind", .string, .required)
            .field("hospital_wide", .bool, .required)
            .field("started_at", .datetime, .required)
            .field("ended_at", .datetime)
            .field("department_ids", .string, .required)
            .field("scope", .string)
            .field("description", .string, .required)
            .field("created_by_id", .uuid, .required, .references("users", .id))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_outages_started").on("outages").column("started_at").run()
        try await sql.create(index: "idx_outages_system_started").on("outages").column("business_system_id").column("started_at").run()
        try await sql.create(index: "idx_outages_ticket").on("outages").column("ticket_id").run()
        // The reports' open risks: open tickets whose resolution target has passed (docs/reports.md).
        try await sql.create(index: "idx_tickets_status_resolve_due").on("tickets").column("status").column("resolve_due_at").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "idx_tickets_status_resolve_due").run()
        try await database.schema("outages").delete()
    }
}

/// The indexes the dashboard reads through (ANA-1), so no figure scans the tickets table:
/// - `idx_tickets_board`: the open tickets by status, domain and priority with their due times and SLA
///   outcome — the counts and "breached" come from this index alone, and "at risk" seeks in it by due time;
/// - `idx_tickets_board_response` (partial: tickets with a response due time): the same for the response clock;
/// - `idx_tickets_created_kind_system`: the 30-day trend of reports and the top business systems;
/// - `idx_tickets_updated`, `idx_tickets_imported`: the live-update fingerprint (two `max()` probes).
struct AddDashboardIndexes: AsyncMigration {
    static let indexes: [(String, [String])] = [
        ("idx_tickets_board", ["status", "domain", "priority", "resolve_due_at", "response_due_at", "response_breached", "resolve_breached", "id"]),
        ("idx_tickets_created_kind_system", ["created_at", "kind", "business_system_id"]),
        ("idx_tickets_updated", ["updated_at"]),
        ("idx_tickets_imported", ["imported_at"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for (name, columns) in Self.indexes {
            var builder = sql.create(index: SQLIdentifier(name)).on("tickets")
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
        // Only tickets not yet answered have a response due time: a small partial index serves "at risk" on that clock.
        try await sql.raw("""
            CREATE INDEX idx_tickets_board_response ON tickets (status, domain, priority, response_due_at, response_breached, resolve_breached, id)
            WHERE response_due_at IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for (name, _) in Self.indexes { try await sql.drop(index: SQLIdentifier(name)).run() }
        try await sql.drop(index: "idx_tickets_board_response").run()
    }
}

/// A partial index of the open tickets by assignee, newest first: the queue page's default tab ("my open tickets")
/// read the assignee's tickets of every open status through `idx_tickets_assignee_status` and sorted them for
/// every visit; with this index it reads the first fifty in order and counts the rest from the index alone. New
/// reports are not assigned yet and stay out of it, so reporting costs nothing more.
///
/// The predicate is written here as it shipped: a migration that read `SQLQuery.openStatusSQL` would build a
/// different index on new installations the day the open statuses changed. The queries must name the same
/// statuses for SQLite to use the index; `FastPathTests.openTicketIndex` checks that they still do.
struct AddOpenTicketIndexes: AsyncMigration {
    static let predicate = "status IN ('new', 'accepted', 'in_progress', 'pending')"

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            CREATE INDEX idx_tickets_assignee_open ON tickets (assignee_id, created_at, number)
            WHERE assignee_id IS NOT NULL AND \(unsafeRaw: Self.predicate)
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "idx_tickets_assignee_open").run()
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
