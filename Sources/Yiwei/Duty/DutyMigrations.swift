import Fluent
import SQLKit

/// The duty roster's two tables. Who is on duty at an instant reads `duty_shifts` by team and start time: a shift
/// lasts at most 24 hours, so the shifts that may cover `at` started in (at − 24 h, at].
struct CreateDutyRosters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("duty_shift_types")
            .id()
            .field("name", .string, .required)
            .field("start_minute", .int, .required)
            .field("end_minute", .int, .required)
            .field("level", .string, .required)
            .field("team_id", .uuid, .references("teams", .id))
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("duty_shifts")
            .id()
            .field("team_id", .uuid, .required, .references("teams", .id))
            .field("user_id", .uuid, .required, .references("users", .id))
            .field("shift_type_id", .uuid, .required, .references("duty_shift_types", .id))
            .field("date", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("level", .string, .required)
            .field("is_night", .bool, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.raw("CREATE INDEX duty_shifts_team_start ON duty_shifts (team_id, starts_at)").run()
        try await sql.raw("CREATE INDEX duty_shifts_user_start ON duty_shifts (user_id, starts_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("duty_shifts").delete()
        try await database.schema("duty_shift_types").delete()
    }
}
