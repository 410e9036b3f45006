import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct CreateDispatchRules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dispatch_rules")
            .id()
            .field("position", .int, .required)
            .field("name", .string, .required)
            .field("domain", .string, .required)
            .field("category_id", .uuid, .references("categories", .id))
            .field("business_system_id", .uuid, .references("business_systems", .id))
            .field("campus_id", .uuid, .references("campuses", .id))
            .field("priority", .string)
            .field("team_id", .uuid, .required, .references("teams", .id))
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_dispatch_rules_domain").on("dispatch_rules").column("domain").column("position").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("dispatch_rules").delete() }
}
