import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 服务级别策略: targets for one domain × priority (optionally narrowed to a category or business system),
/// measured on a calendar in business or calendar time, with other targets for tickets raised outside
/// working hours. A newer policy for the same scope supersedes the older one for tickets created after it.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
package final class SLAPolicyRecord: Model, @unchecked Sendable {
    package static let schema = "sla_policies"

    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @Field(key: "domain") package var domain: String
    @Field(key: "priority") package var priority: String
    @OptionalField(key: "category_id") package var categoryId: UUID?
    @OptionalField(key: "business_system_id") package var businessSystemId: UUID?
    @Field(key: "calendar_id") package var calendarId: UUID
    @Field(key: "business_time") package var businessTime: Bool
    @OptionalField(key: "response_minutes") package var responseMinutes: Int?
    @OptionalField(key: "start_minutes") package var startMinutes: Int?
    @OptionalField(key: "resolve_minutes") package var resolveMinutes: Int?
    /// Targets for tickets raised outside the calendar's working time; nil means the same as in hours.
    @OptionalField(key: "off_response_minutes") package var offResponseMinutes: Int?
    @OptionalField(key: "off_start_minutes") package var offStartMinutes: Int?
    @OptionalField(key: "off_resolve_minutes") package var offResolveMinutes: Int?
    /// SLA-5: minutes (counted like the resolution clock) after which an unresolved ticket needs an approved
    /// written plan before it may continue (seed 003: 8 hours).
    @OptionalField(key: "plan_after_minutes") package var planAfterMinutes: Int?
    /// The escalation chain as JSON (`[EscalationStep]`); nil: `EscalationStep.defaultChain`.
    @OptionalField(key: "escalation") package var escalation: String?
    /// Per-clock time basis overriding `businessTime` (seed 001: response and arrival on the wall clock,
    /// repair within 2 working days).
    @OptionalField(key: "response_business_time") package var responseBusinessTime: Bool?
    @OptionalField(key: "start_business_time") package var startBusinessTime: Bool?
    @OptionalField(key: "resolve_business_time") package var resolveBusinessTime: Bool?
    @Field(key: "is_active") package var isActive: Bool
    /// In force for tickets created from this instant on.
    @Field(key: "effective_from") package var effectiveFrom: Date
    @Field(key: "created_at") package var createdAt: Date

    package init() {}

    /// Whether `kind` counts the calendar's working time (true) or the wall clock (false).
    package func businessTime(for kind: SLAClockKind) -> Bool {
        switch kind {
        case .response: responseBusinessTime ?? businessTime
        case .start: startBusinessTime ?? businessTime
        case .resolve: resolveBusinessTime ?? businessTime
        }
    }

    /// True when every clock counts the same way.
    package var uniformTimeBasis: Bool { Set(SLAClockKind.allCases.map(businessTime(for:))).count == 1 }

    package var escalationChain: [EscalationStep] {
        guard let escalation, let chain = try? JSONDecoder().decode([EscalationStep].self, from: Data(escalation.utf8)) else {
            return EscalationStep.defaultChain
        }
        return chain
    }

    package var inHours: SLATargets { SLATargets(responseMinutes: responseMinutes, startMinutes: startMinutes, resolveMinutes: resolveMinutes) }
    package var offHours: SLATargets {
        SLATargets(responseMinutes: offResponseMinutes ?? responseMinutes, startMinutes: offStartMinutes ?? startMinutes,
                   resolveMinutes: offResolveMinutes ?? resolveMinutes)
    }
}

struct CreateSLAPolicies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SLAPolicyRecord.schema)
            .id()
            .field("name", .string, .required)
            .field("domain", .string, .required)
            .field("priority", .string, .required)
            .field("category_id", .uuid, .references(Category.schema, .id))
            .field("business_system_id", .uuid, .references(BusinessSystem.schema, .id))
            .field("calendar_id", .uuid, .required, .references(CalendarRecord.schema, .id))
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
        try await sql.create(index: "idx_sla_policies_scope").on(SLAPolicyRecord.schema).column("domain").column("priority").column("effective_from").run()
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await database.schema(Ticket.schema).field("sla_policy_id", .uuid, .references(SLAPolicyRecord.schema, .id)).update()
        for column in ["response_due_at", "start_due_at", "resolve_due_at"] {
            try await database.schema(Ticket.schema).field(FieldKey(stringLiteral: column), .datetime).update()
        }
        // The next due instant of every open ticket, for the scheduler that warns and escalates.
        try await sql.create(index: "idx_tickets_resolve_due").on(Ticket.schema).column("resolve_due_at").run()
        try await sql.create(index: "idx_tickets_response_due").on(Ticket.schema).column("response_due_at").run()

        // Presets from the seeds: 000 for IT, 003 for logistics and medical equipment.
        let calendars = try await CalendarRecord.query(on: database).all()
        guard let allDay = calendars.first(where: { $0.name.hasPrefix("7×24") }),
              let statutory = calendars.first(where: { $0.name.hasPrefix("法定工作日") }) else { return }
        let epoch = Date(timeIntervalSince1970: 0)
        // Plain SQL, not the model: a migration must not depend on columns that later migrations add.
        func add(_ name: String, _ domain: String, _ priority: String, _ calendar: CalendarRecord, business: Bool,
                 _ targets: (Int?, Int?, Int?), off: (Int?, Int?, Int?)? = nil) async throws {
            try await sql.insert(into: SLAPolicyRecord.schema)
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
            try await database.schema(Ticket.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
        try await database.schema(SLAPolicyRecord.schema).delete()
    }
}

/// Escalation chains per policy, a time basis per clock, and the seed 001 presets (inactive until the
/// hospital switches them on in place of the seed 000 ones).
struct AddEscalationAndTimeBases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SLAPolicyRecord.schema).field("escalation", .string).update()
        for column in ["response_business_time", "start_business_time", "resolve_business_time"] {
            try await database.schema(SLAPolicyRecord.schema).field(FieldKey(stringLiteral: column), .bool).update()
        }
        let sql = database.sql
        let rows = try await sql.raw("SELECT id, name FROM calendars").all()
        guard let statutory = try rows.first(where: { try $0.decode(column: "name", as: String.self).hasPrefix("法定工作日") })
            .map({ try $0.decode(column: "id", as: UUID.self) }) else { return }
        let epoch = Date(timeIntervalSince1970: 0)
        // Seed 001 §3.2.3.1: in working hours (working days 08:00–18:00) respond within 0.5 h and arrive
        // within 1 h; outside them 1 h and 2 h — wall-clock time; repair within 2 working days (2 × 10 h).
        for priority in ["P1", "P2", "P3", "P4"] {
            try await sql.insert(into: SLAPolicyRecord.schema)
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
            try await database.schema(SLAPolicyRecord.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
