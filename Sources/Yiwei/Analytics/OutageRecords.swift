import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 停机记录 (ANA-4): one interruption of one business system — an unplanned outage (非计划停机) or a
/// department-level impact (部门级业务影响), from its start to its recovery, usually recorded on the incident
/// ticket that reported it. The records feed `DowntimeAccounting` (seed 003 §2.5, §2.6, §4.1).
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
final class Outage: Model, @unchecked Sendable {
    static let schema = "outages"
    @ID(key: .id) var id: UUID?
    @Field(key: "business_system_id") var businessSystemId: UUID
    @OptionalField(key: "ticket_id") var ticketId: UUID?
    /// `InterruptionKind`: outage | department_impact.
    @Field(key: "kind") var kind: String
    @Field(key: "hospital_wide") var hospitalWide: Bool
    @Field(key: "started_at") var startedAt: Date
    /// nil while the system is still down.
    @OptionalField(key: "ended_at") var endedAt: Date?
    /// The affected departments, a JSON array of ids.
    @Field(key: "department_ids") var departmentIdsJSON: String
    /// A note of the affected scope when it is not a list of departments (e.g. 「门诊全部收费窗口」).
    @OptionalField(key: "scope") var scope: String?
    /// Cause and description.
    @Field(key: "description") var description: String
    @Field(key: "created_by_id") var createdById: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}

    var departmentIds: [UUID] {
        get { (try? JSONDecoder().decode([UUID].self, from: Data(departmentIdsJSON.utf8))) ?? [] }
        set { departmentIdsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }
}

/// Who may change a recorded outage: downtime decides penalties and payment, so correcting a finished
/// outage and deleting one are for those who manage outages (leads); while an outage is ongoing, those who
/// record outages may complete it (its end, scope, description) — the shift that sees the system recover.
extension CurrentUser {
    func mayChange(_ o: Outage) -> Bool {
        can(.manageOutages) || (can(.recordOutages) && o.endedAt == nil)
    }
}

enum OutageService {
    static func dto(_ o: Outage, systemName: String, ticketNumber: String?, now: Date) -> OutageDTO {
        let end = o.endedAt ?? max(now, o.startedAt)
        let seconds = Int(end.timeIntervalSince1970.rounded(.down)) - Int(o.startedAt.timeIntervalSince1970.rounded(.down))
        return OutageDTO(id: o.id!, businessSystemId: o.businessSystemId, businessSystemName: systemName, ticketId: o.ticketId,
                         ticketNumber: ticketNumber, kind: o.kind, hospitalWide: o.hospitalWide, startedAt: o.startedAt, endedAt: o.endedAt,
                         minutes: DowntimeAccounting.minutesRoundedUp(seconds), ongoing: o.endedAt == nil, departmentIds: o.departmentIds,
                         scope: o.scope, description: o.description, createdById: o.createdById, createdAt: o.createdAt, updatedAt: o.updatedAt)
    }

    /// DTOs with their system names and ticket numbers, two lookups for the lot.
    static func dtos(_ outages: [Outage], on db: any Database, now: Date) async throws -> [OutageDTO] {
        let systemIds = Array(Set(outages.map(\.businessSystemId)))
        let ticketIds = Array(Set(outages.compactMap(\.ticketId)))
        var systems: [UUID: String] = [:], numbers: [UUID: String] = [:]
        if !systemIds.isEmpty { for s in try await BusinessSystem.query(on: db).filter(\.$id ~~ systemIds).all() { systems[try s.requireID()] = s.name } }
        if !ticketIds.isEmpty { for t in try await Ticket.query(on: db).filter(\.$id ~~ ticketIds).all() { numbers[try t.requireID()] = t.number } }
        return outages.map { dto($0, systemName: systems[$0.businessSystemId] ?? "", ticketNumber: $0.ticketId.flatMap { numbers[$0] }, now: now) }
    }

    /// Records overlapping [from, to) (an ongoing one overlaps everything after its start); sort them yourself.
    static func overlapping(from: Date?, to: Date?, systemId: UUID? = nil, ticketId: UUID? = nil, on db: any Database) -> QueryBuilder<Outage> {
        let query = Outage.query(on: db)
        if let to { query.filter(\.$startedAt < to) }
        if let from { query.group(.or) { $0.filter(\.$endedAt == nil).filter(\.$endedAt > from) } }
        if let systemId { query.filter(\.$businessSystemId == systemId) }
        if let ticketId { query.filter(\.$ticketId == ticketId) }
        return query
    }

    /// The records as `DowntimeAccounting` input: an ongoing outage counts up to `now`.
    static func interruptions(_ outages: [Outage], now: Date) -> [Interruption] {
        outages.compactMap { o in
            guard let kind = InterruptionKind(rawValue: o.kind) else { return nil }
            return Interruption(system: o.businessSystemId.uuidString, kind: kind, start: o.startedAt, end: o.endedAt ?? max(now, o.startedAt),
                                hospitalWide: o.hospitalWide)
        }
    }

    /// Validates a create (`existing == nil`) or a change, and applies it to `o`.
    static func apply(_ body: OutageBody, to o: Outage, existing: Bool, request: Request) async throws {
        var v = Validator()
        let db = request.db, now = request.now
        func blank(_ s: String?) -> Bool { (s ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        if !existing || body.businessSystemId != nil {
            if let id = v.uuid("businessSystemId", body.businessSystemId, required: true) {
                if try await BusinessSystem.find(id, on: db) == nil { v.add("businessSystemId", "no such business system") } else { o.businessSystemId = id }
            }
        }
        if let raw = body.ticketId {
            if blank(raw) { o.ticketId = nil } else if let id = v.uuid("ticketId", raw) {
                // A ticket the user cannot see is "no such ticket": its number is not confirmed either.
                let scope = try await TicketScope.of(try request.requireUser(), request)
                if let ticket = try await Ticket.find(id, on: db), scope.contains(ticket) { o.ticketId = id } else { v.add("ticketId", "no such ticket") }
            }
        }
        if !existing || body.kind != nil {
            if let kind = v.oneOf("kind", body.kind ?? (existing ? nil : InterruptionKind.outage.rawValue), InterruptionKind.self) { o.kind = kind.rawValue }
        }
        if let wide = body.hospitalWide { o.hospitalWide = wide } else if !existing { o.hospitalWide = false }
        if v.fields["kind"] == nil, o.hospitalWide, o.kind == InterruptionKind.departmentImpact.rawValue {
            v.add("hospitalWide", "only an outage can be hospital-wide")
        }
        if !existing || body.startedAt != nil {
            if blank(body.startedAt) { v.add("startedAt", "required") } else if let start = v.instant("startedAt", body.startedAt) {
                if start > now { v.add("startedAt", "must not be in the future") } else { o.startedAt = start }
            }
        }
        if let raw = body.endedAt {
            if blank(raw) { o.endedAt = nil } else if let end = v.instant("endedAt", raw) {
                if end > now { v.add("endedAt", "must not be in the future") } else { o.endedAt = end }
            }
        } else if !existing { o.endedAt = nil }
        if v.fields["startedAt"] == nil, v.fields["endedAt"] == nil, let end = o.endedAt, end <= o.startedAt {
            v.add("endedAt", "must be after the start")
        }
        if let raw = body.departmentIds {
            var ids: [UUID] = []
            for text in raw where !blank(text) {
                guard let id = UUID(uuidString: text) else { v.add("departmentIds", "must be an id"); continue }
                if !ids.contains(id) { ids.append(id) }
            }
            if ids.count > 200 { v.add("departmentIds", "must be at most 200 departments") }
            if v.fields["departmentIds"] == nil, !ids.isEmpty {
                let found = try await Department.query(on: db).filter(\.$id ~~ ids).count()
                if found != ids.count { v.add("departmentIds", "no such department") }
            }
            o.departmentIds = ids
        } else if !existing { o.departmentIds = [] }
        if let raw = body.scope { o.scope = v.text("scope", raw, required: false, max: 200) }
        if !existing || body.description != nil {
            if let text = v.text("description", body.description, max: 2000) { o.description = text }
        }
        try v.check()
    }

    static func create(_ body: OutageBody, request: Request) async throws -> OutageDTO {
        let user = try request.require(.recordOutages)
        let o = Outage()
        try await apply(body, to: o, existing: false, request: request)
        let now = request.now
        o.id = UUID(); o.createdById = user.id; o.createdAt = now; o.updatedAt = now
        let dto = try await dtos([o], on: request.db, now: now)[0]
        let actor = request.auditActor, saved = UncheckedModel(o)
        try await request.write { db in
            try await saved.model.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "outage.create", entityType: "outage", entityId: dto.id.uuidString, after: dto)
        }
        return dto
    }

    static func find(_ id: UUID?, on db: any Database) async throws -> Outage {
        guard let id, let o = try await Outage.find(id, on: db) else { throw AppError.notFound("outage") }
        return o
    }

    static func patch(_ id: UUID?, _ body: OutageBody, request: Request) async throws -> OutageDTO {
        let user = try request.require(.recordOutages)
        let o = try await find(id, on: request.db)
        guard user.mayChange(o) else { throw AppError.denied(.manageOutages) }
        let now = request.now
        let before = try await dtos([o], on: request.db, now: now)[0]
        try await apply(body, to: o, existing: true, request: request)
        o.updatedAt = now
        let after = try await dtos([o], on: request.db, now: now)[0]
        let actor = request.auditActor, saved = UncheckedModel(o)
        try await request.write { db in
            try await saved.model.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "outage.update", entityType: "outage", entityId: after.id.uuidString,
                                      before: before, after: after)
        }
        return after
    }

    static func delete(_ id: UUID?, request: Request) async throws {
        try request.require(.manageOutages)
        let o = try await find(id, on: request.db)
        let now = request.now
        let before = try await dtos([o], on: request.db, now: now)[0]
        let actor = request.auditActor, saved = UncheckedModel(o)
        try await request.write { db in
            try await saved.model.delete(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "outage.delete", entityType: "outage", entityId: before.id.uuidString,
                                      before: before)
        }
    }
}
