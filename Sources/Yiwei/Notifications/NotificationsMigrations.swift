import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct CreateUserNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("user_notifications")
            .id()
            .field("user_id", .uuid, .required, .references("users", .id, onDelete: .cascade))
            .field("event", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("ticket_id", .uuid, .references("tickets", .id))
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        let sql = database.sql
        // The bell counts unread ones and the inbox lists the newest: both served by this index.
        try await sql.create(index: "idx_user_notifications_inbox").on("user_notifications")
            .column("user_id").column("read_at").column("created_at").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("user_notifications").delete() }
}

struct CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("notification_channels")
            .id()
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("url", .string, .required)
            .field("secret", .string)
            .field("events", .string, .required)
            .field("domain", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await database.schema("outbox")
            .id()
            .field("channel_id", .uuid, .required, .references("notification_channels", .id))
            .field("event", .string, .required)
            .field("idempotency_key", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("ticket_id", .uuid)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .unique(on: "idempotency_key")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_outbox_due").on("outbox").column("status").column("next_attempt_at").run()
        try await sql.create(index: "idx_outbox_created").on("outbox").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbox").delete()
        try await database.schema("notification_channels").delete()
    }
}

struct AddEmailAndSubscriptions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("notification_channels").field("sender", .string).update()
        try await database.schema("notification_channels").field("recipients", .string).update()
        try await database.schema("outbox").field("recipient", .string).update()
        try await database.schema("notification_subscriptions")
            .id()
            .field("name", .string, .required)
            .field("event", .string, .required)
            .field("role", .string)
            .field("team_id", .uuid, .references("teams", .id))
            .field("ticket_team", .bool, .required)
            .field("domain", .string)
            .field("delivery", .string, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("notification_subscriptions").delete()
        try await database.schema("outbox").deleteField("recipient").update()
        try await database.schema("notification_channels").deleteField("recipients").update()
        try await database.schema("notification_channels").deleteField("sender").update()
    }
}
