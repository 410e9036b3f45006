import Fluent
import SQLKit

struct CreateCampuses: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Campus.schema)
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
    func revert(on database: any Database) async throws { try await database.schema(Campus.schema).delete() }
}

struct CreateVendors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Vendor.schema)
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
    func revert(on database: any Database) async throws { try await database.schema(Vendor.schema).delete() }
}

struct CreateDepartments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Department.schema)
            .id()
            .field("name", .string, .required)
            .field("campus_id", .uuid, .references(Campus.schema, .id))
            .field("location", .string)
            .field("phone", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_departments_campus").on(Department.schema).column("campus_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema(Department.schema).delete() }
}

/// Teams, their members, categories and business systems reference users, so they come after them.
struct CreateTeams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Team.schema)
            .id()
            .field("name", .string, .required)
            .field("domain", .string, .required)
            .field("lead_id", .uuid, .references(User.schema, .id))
            .field("vendor_id", .uuid, .references(Vendor.schema, .id))
            .field("description", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await database.schema(TeamMember.schema)
            .id()
            .field("team_id", .uuid, .required, .references(Team.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .unique(on: "team_id", "user_id")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_teams_domain").on(Team.schema).column("domain").run()
        try await sql.create(index: "idx_team_members_user").on(TeamMember.schema).column("user_id").run()
    }
    func revert(on database: any Database) async throws {
        try await database.schema(TeamMember.schema).delete()
        try await database.schema(Team.schema).delete()
    }
}

/// Dispatch (DSP-2): who is on duty in each team, and whether a team takes new tickets automatically.
struct AddDispatchFields: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Team.schema).field("auto_assign", .bool, .required, .sql(.default(false))).update()
        try await database.schema(TeamMember.schema).field("on_duty", .bool, .required, .sql(.default(true))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Team.schema).deleteField("auto_assign").update()
        try await database.schema(TeamMember.schema).deleteField("on_duty").update()
    }
}

struct CreateCategories: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Category.schema)
            .id()
            .field("name", .string, .required)
            .field("domain", .string, .required)
            .field("parent_id", .uuid, .references(Category.schema, .id))
            .field("default_team_id", .uuid, .references(Team.schema, .id))
            .field("sort_order", .int, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_categories_domain_parent").on(Category.schema).column("domain").column("parent_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema(Category.schema).delete() }
}

struct CreateBusinessSystems: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BusinessSystem.schema)
            .id()
            .field("name", .string, .required)
            .field("code", .string)
            .field("owner_department_id", .uuid, .references(Department.schema, .id))
            .field("vendor_id", .uuid, .references(Vendor.schema, .id))
            .field("criticality", .string, .required)
            .field("description", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_business_systems_vendor").on(BusinessSystem.schema).column("vendor_id").run()
        try await sql.create(index: "idx_business_systems_department").on(BusinessSystem.schema).column("owner_department_id").run()
    }
    func revert(on database: any Database) async throws { try await database.schema(BusinessSystem.schema).delete() }
}
