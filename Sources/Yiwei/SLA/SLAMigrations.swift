import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct CreateCalendars: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendars")
            .id()
            .field("name", .string, .required)
            .field("time_zone", .string, .required)
            .field("weekly_hours", .string, .required)
            .field("holidays", .string, .required)
            .field("workdays", .string, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        // The presets every hospital starts with, as they shipped (CalendarPresets as CalendarStore stored them):
        // written out so that a later change to the presets does not change what a new installation starts with.
        let now = Date()
        let holidays2026 = #"["2026-01-01","2026-01-02","2026-01-03","2026-02-15","2026-02-16","2026-02-17","2026-02-18","2026-02-19","#
            + #""2026-02-20","2026-02-21","2026-02-22","2026-02-23","2026-04-04","2026-04-05","2026-04-06","2026-05-01","2026-05-02","#
            + #""2026-05-03","2026-05-04","2026-05-05","2026-06-19","2026-06-20","2026-06-21","2026-09-25","2026-09-26","2026-09-27","#
            + #""2026-10-01","2026-10-02","2026-10-03","2026-10-04","2026-10-05","2026-10-06","2026-10-07"]"#
        let workdays2026 = #"["2026-01-04","2026-02-14","2026-02-28","2026-05-09","2026-09-20","2026-10-10"]"#
        let presets: [(name: String, weeklyHours: String, holidays: String, workdays: String)] = [
            ("法定工作日 2026（8:00–18:00）",
             #"{"fri":[["08:00","18:00"]],"mon":[["08:00","18:00"]],"thu":[["08:00","18:00"]],"tue":[["08:00","18:00"]],"wed":[["08:00","18:00"]]}"#,
             holidays2026, workdays2026),
            ("办公时间 2026（8:00–12:00，14:30–17:30）",
             #"{"fri":[["08:00","12:00"],["14:30","17:30"]],"mon":[["08:00","12:00"],["14:30","17:30"]],"thu":[["08:00","12:00"],["14:30","17:30"]],"#
                + #""tue":[["08:00","12:00"],["14:30","17:30"]],"wed":[["08:00","12:00"],["14:30","17:30"]]}"#,
             holidays2026, workdays2026),
            ("7×24 全天候",
             #"{"fri":[["00:00","24:00"]],"mon":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"#
                + #""tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]]}"#,
             "[]", "[]"),
        ]
        for preset in presets {
            let record = CalendarRecord()
            record.name = preset.name
            record.timeZone = "Asia/Shanghai"
            record.weeklyHours = preset.weeklyHours
            record.holidays = preset.holidays
            record.workdays = preset.workdays
            record.isActive = true
            record.createdAt = now
            record.updatedAt = now
            try await record.create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendars").delete()
    }
}

/// Escalation chains per policy, a time basis per clock, and the seed 001 presets (inactive until the
/// hospital switches them on in place of the seed 000 ones).
struct AddEscalationAndTimeBases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sla_policies").field("escalation", .string).update()
        for column in ["response_business_time", "start_business_time", "resolve_business_time"] {
            try await database.schema("sla_policies").field(FieldKey(stringLiteral: column), .bool).update()
        }
        let sql = database.sql
        let rows = try await sql.raw("SELECT id, name FROM calendars").all()
        guard let statutory = try rows.first(where: { try $0.decode(column: "name", as: String.self).hasPrefix("法定工作日") })
            .map({ try $0.decode(column: "id", as: UUID.self) }) else { return }
        let epoch = Date(timeIntervalSince1970: 0)
        // Seed 001 §3.2.3.1: in working hours (working days 08:00–18:00) respond within 0.5 h and arrive
        // within 1 h; outside them 1 h and 2 h — wall-clock time; repair within 2 working days (2 × 10 h).
        for priority in ["P1", "P2", "P3", "P4"] {
            try await sql.insert(into: "sla_policies")
                .columns("id", "name", "domain", "priority", "calendar_id", "business_time", "response_minutes", "start_minutes",
                         "resolve_minutes", "off_response_minutes", "off_start_minutes", "off_resolve_minutes", "is_active", "effective_from",
                         "created_at", "response_business_time", "start_business_time", "resolve_business_time")
                .values(SQLBind(UUID()), SQLBind("信息化 \(priority)（种子001）"), SQLBind("it"), SQLBind(priority), SQLBind(statutory), SQLBind(true),
                        SQLBind(30), SQLBind(60), SQLBind(1200), SQLBind(60), SQLBind(120), SQLBind(1200), SQLBind(false), SQLBind(epoch), SQLBind(epoch),
                        SQLBind(false), SQLBind(false), SQLBind(true))
                .run()
        }
    }

    func revert(on database: any Database) async throws {
        try await SLAPolicyRecord.query(on: database).filter(\.$name ~~ "种子001").delete()
        for column in ["escalation", "response_business_time", "start_business_time", "resolve_business_time"] {
            try await database.schema("sla_policies").deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
