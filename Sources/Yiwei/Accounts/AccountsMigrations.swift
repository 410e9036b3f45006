import Fluent
import SQLKit

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("roles", .string, .required)
            .field("department_id", .uuid, .references(Department.schema, .id))
            .field("vendor_id", .uuid, .references(Vendor.schema, .id))
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
        try await sql.create(index: "idx_users_department").on(User.schema).column("department_id").run()
        try await sql.create(index: "idx_users_vendor").on(User.schema).column("vendor_id").run()
        try await sql.create(index: "idx_users_display_name").on(User.schema).column("display_name").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
    }
}

struct AddUserPreviousLogin: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("previous_login_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("previous_login_at").update()
    }
}

struct CreateAPITokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(APIToken.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_api_tokens_user").on(APIToken.schema).column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIToken.schema).delete()
    }
}

struct CreateWebSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WebSession.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("secret_hash", .string, .required)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip", .string, .required)
            .field("user_agent", .string, .required)
            .unique(on: "secret_hash")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_web_sessions_user").on(WebSession.schema).column("user_id").run()
        try await sql.create(index: "idx_web_sessions_last_seen").on(WebSession.schema).column("last_seen_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebSession.schema).delete()
    }
}
