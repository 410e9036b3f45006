import Fluent
import SQLKit

struct CreateCampuses: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("campuses")
            .id()
            .field("name", .string, .required)
            .field("code", .string)
            .field("address", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("campuses").delete() }
}

struct CreateVendors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("vendors")
            .id()
            .field("name", .string, .required)
            .field("contract_no", .string)
            .field("contract_start", .string)
            .field("contract_end", .string)
            .field("contact_name", .string)
            .field("contact_phone", .string)
            .field("service_scope", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("vendors").delete() }
}

struct CreateDepartments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("departments")
            .id()
            .field("name", .string, .required)
            .field("campus_id", .uuid, .references("campuses", .id))
            .field("location", .string)
            .field("phone", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_departments_campus").on("departments").column("campus_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema("departments").delete() }
}

/// Teams, their members, categories and business systems reference users, so they come after them.
struct CreateTeams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("teams")
            .id()
            .field("name", .string, .required)
            .field("domain", .string, .required)
            .field("lead_id", .uuid, .references("users", .id))
            .field("vendor_id", .uuid, .references("vendors", .id))
            .field("description", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await database.schema("team_members")
            .id()
            .field("team_id", .uuid, .required, .references("teams", .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", .id, onDelete: .cascade))
            .unique(on: "team_id", "user_id")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_teams_domain").on("teams").column("domain").run()
        try await sql.create(index: "idx_team_members_user").on("team_members").column("user_id").run()
    }
    func revert(on database: any Database) async throws {
        try await database.schema("team_members").delete()
        try await database.schema("teams").delete()
    }
}

/// Dispatch (DSP-2): who is on duty in each team, and whether a team takes new tickets automatically.
struct AddDispatchFields: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("teams").field("auto_assign", .bool, .required, .sql(.default(false))).update()
        try await database.schema("team_members").field("on_duty", .bool, .required, .sql(.default(true))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("teams").deleteField("auto_assign").update()
        try await database.schema("team_members").deleteField("on_duty").update()
    }
}

struct CreateCategories: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("categories")
            .id()
            .field("name", .string, .required)
            .field("domain", .string, .required)
            .field("parent_id", .uuid, .references("categories", .id))
            .field("default_team_id", .uuid, .references("teams", .id))
            .field("sort_order", .int, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_categories_domain_parent").on("categories").column("domain").column("parent_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema("categories").delete() }
}

struct CreateBusinessSystems: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("business_systems")
            .id()
            .field("name", .string, .required)
            .field("code", .string)
            .field("owner_department_id", .uuid, .references("departments", .id))
            .field("vendor_id", .uuid, .references("vendors", .id))
            .field("criticality", .string, .required)
            .field("description", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_business_systems_vendor").on("business_systems").column("vendor_id").run()
        try await sql.create(index: "idx_business_systems_department").on("business_systems").column("owner_department_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema("business_systems").delete() }
}
