import Fluent
import SQLKit

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("roles", .string, .required)
            .field("department_id", .uuid, .references("departments", .id))
            .field("vendor_id", .uuid, .references("vendors", .id))
            .field("phone", .string)
            .field("email", .string)
            .field("locale", .string, .required)
            .field("is_active", .bool, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("must_change_password", .bool, .required)
            .field("password_changed_at", .datetime)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "username")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_users_department").on("users").column("department_id").run()
        try await sql.create(index: "idx_users_vendor").on("users").column("vendor_id").run()
        try await sql.create(index: "idx_users_display_name").on("users").column("display_name").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}

struct AddUserPreviousLogin: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("previous_login_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("previous_login_at").update()
    }
}

struct CreateAPITokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_api_tokens_user").on("api_tokens").column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").delete()
    }
}

struct CreateWebSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("web_sessions")
            .id()
            .field("user_id", .uuid, .required, .references("users", .id, onDelete: .cascade))
            .field("secret_hash", .string, .required)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip", .string, .required)
            .field("user_agent", .string, .required)
            .unique(on: "secret_hash")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_web_sessions_user").on("web_sessions").column("user_id").run()
        try await sql.create(index: "idx_web_sessions_last_seen").on("web_sessions").column("last_seen_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("web_sessions").delete()
    }
}
