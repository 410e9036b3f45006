import Fluent
import Foundation

// @unchecked Sendable on the models below: Fluent models are mutable classes; each instance is used by one
// request at a time and never shared between tasks.

/// 班次类型: a named shift with its hours (白班 08:00–17:30, 夜班 17:30–08:00, 总值班 08:00–08:00) and its line
/// (primary 值班, backup 二线/听班), for one team or for every team.
final class DutyShiftType: Model, @unchecked Sendable {
    static let schema = "duty_shift_types"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// Minutes after local midnight, 0…1,439; an end at or before the start is on the next day.
    @Field(key: "start_minute") var startMinute: Int
    @Field(key: "end_minute") var endMinute: Int
    @Field(key: "level") var level: String
    @OptionalField(key: "team_id") var teamId: UUID?
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// 值班: one person on one shift type of one date for one team. `startsAt`/`endsAt` are fixed when the shift is
/// made (the type's hours in the hospital's zone), so a later change of the type does not move shifts already rostered.
final class DutyShift: Model, @unchecked Sendable {
    static let schema = "duty_shifts"
    @ID(key: .id) var id: UUID?
    @Field(key: "team_id") var teamId: UUID
    @Field(key: "user_id") var userId: UUID
    @Field(key: "shift_type_id") var shiftTypeId: UUID
    /// The local date the shift starts on, `2026-12-08`.
    @Field(key: "date") var date: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "level") var level: String
    /// Across midnight (夜班, 总值班): rest is owed after it.
    @Field(key: "is_night") var isNight: Bool
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}
