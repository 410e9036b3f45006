import Fluent
import Foundation
import Vapor
import YiweiCore

struct SLAClockDTO: Content, Equatable {
    var kind: String
    var targetMinutes: Int
    var dueAt: Date?
    var elapsedMinutes: Double
    var pausedMinutes: Double
    var stoppedAt: Date?
    var breached: Bool
    var paused: Bool
}

struct SLAPolicyDTO: Content, Equatable {
    var id: UUID
    var name: String
    var domain: String
    var priority: String
    var categoryId: UUID?
    var businessSystemId: UUID?
    var calendarId: UUID
    var businessTime: Bool
    var responseMinutes: Int?
    var startMinutes: Int?
    var resolveMinutes: Int?
    var offHoursResponseMinutes: Int?
    var offHoursStartMinutes: Int?
    var offHoursResolveMinutes: Int?
    var isActive: Bool
    var effectiveFrom: Date
}

struct SLAPolicyBody: Content {
    var name: String?
    var domain: String?
    var priority: String?
    var categoryId: String?
    var businessSystemId: String?
    var calendarId: String?
    var businessTime: Bool?
    var responseMinutes: Int?
    var startMinutes: Int?
    var resolveMinutes: Int?
    var offHoursResponseMinutes: Int?
    var offHoursStartMinutes: Int?
    var offHoursResolveMinutes: Int?
    var effectiveFrom: String?
}

/// Which policy a ticket follows, and where its clocks stand.
enum SLAService {
    struct Evaluation {
        var policy: SLAPolicyRecord
        var calendarName: String
        var raisedInHours: Bool
        var states: [SLAClockState]
        /// What the states were computed from, for the scheduler's alert points.
        var clock: SLAClock
        var history: SLAHistory
    }

    /// The policy in force for the ticket's domain and priority when it was created; a policy for its
    /// business system beats one for its category, which beats the general one; the newest wins a tie.
    static func policy(for t: Ticket, on db: any Database) async throws -> SLAPolicyRecord? {
        let candidates = try await SLAPolicyRecord.query(on: db)
            .filter(\.$domain == t.domain).filter(\.$priority == t.priority).filter(\.$isActive == true)
            .filter(\.$effectiveFrom <= t.createdAt).all()
        func rank(_ p: SLAPolicyRecord) -> Int? {
            if let system = p.businessSystemId { return system == t.businessSystemId ? 2 : nil }
            if let category = p.categoryId { return category == t.categoryId ? 1 : nil }
            return 0
        }
        var best: (policy: SLAPolicyRecord, rank: Int)?
        for candidate in candidates {
            guard let r = rank(candidate) else { continue }
            guard let current = best else { best = (candidate, r); continue }
            let newer = candidate.effectiveFrom != current.policy.effectiveFrom ? candidate.effectiveFrom > current.policy.effectiveFrom
                                                                                : candidate.createdAt > current.policy.createdAt
            if r > current.rank || (r == current.rank && newer) { best = (candidate, r) }
        }
        return best?.policy
    }

    /// The ticket's history as the clocks read it: pend → resume (or cancel) periods from the timeline.
    static func history(_ t: Ticket, on db: any Database) async throws -> SLAHistory {
        let events = try await TicketEvent.query(on: db).filter(\.$ticketId == t.id!).filter(\.$type ~~ ["pend", "resume", "cancel"])
            .sort(\.$at).all()
        var pauses: [(from: Date, to: Date?)] = []
        for e in events {
            if e.type == "pend" { pauses.append((e.at, nil)) } else if let last = pauses.last, last.to == nil { pauses[pauses.count - 1].to = e.at }
        }
        let resolved = [TicketStatus.resolved, .closed].contains(t.statusValue) ? t.resolvedAt : nil
        return SLAHistory(createdAt: t.createdAt, acceptedAt: t.acknowledgedAt, startedAt: t.startedAt, resolvedAt: resolved, pauses: pauses)
    }

    /// The ticket keeps the policy it was given while its domain and priority stay; a change selects again,
    /// among the policies that were in force when the ticket was reported.
    static func currentPolicy(for t: Ticket, on db: any Database) async throws -> SLAPolicyRecord? {
        if let id = t.slaPolicyId, let stored = try await SLAPolicyRecord.find(id, on: db), stored.domain == t.domain, stored.priority == t.priority {
            return stored
        }
        return try await policy(for: t, on: db)
    }

    static func evaluate(_ t: Ticket, on db: any Database, now: Date) async throws -> Evaluation? {
        guard let policy = try await currentPolicy(for: t, on: db),
              let record = try await CalendarRecord.find(policy.calendarId, on: db),
              let calendar = try? CalendarStore.calendar(record) else { return nil }
        let clock = SLAClock(calendar: calendar, businessTime: policy.businessTime)
        let inHours = calendar.isWorking(at: t.createdAt)
        let history = try await history(t, on: db)
        // A cancelled ticket's clocks stop where it was cancelled.
        let at = t.cancelledAt ?? now
        return Evaluation(policy: policy, calendarName: record.name, raisedInHours: inHours,
                          states: clock.states(targets: inHours ? policy.inHours : policy.offHours, history: history, now: at),
                          clock: clock, history: history)
    }

    /// Stores the policy and the due instants on the ticket (for queues and the scheduler's index).
    static func refresh(_ t: Ticket, on db: any Database, now: Date) async throws {
        let evaluation = try await evaluate(t, on: db, now: now)
        t.slaPolicyId = evaluation?.policy.id
        func due(_ kind: SLAClockKind) -> Date? {
            guard let s = evaluation?.states.first(where: { $0.kind == kind }), s.stoppedAt == nil else { return nil }
            return s.dueAt
        }
        t.responseDueAt = due(.response)
        t.startDueAt = due(.start)
        t.resolveDueAt = t.statusValue.isOpen ? due(.resolve) : nil
        t.nextAlertAt = try await SLAScheduler.nextAlert(t, evaluation: evaluation, on: db, now: now)
    }

    /// Refreshes the stored due times after a change and, when they moved, says so in the timeline.
    static func refreshAndRecord(_ t: Ticket, actor: UUID?, on db: any Database, now: Date) async throws {
        let before = [t.responseDueAt, t.startDueAt, t.resolveDueAt]
        let policyBefore = t.slaPolicyId, alertBefore = t.nextAlertAt
        try await refresh(t, on: db, now: now)
        let after = [t.responseDueAt, t.startDueAt, t.resolveDueAt]
        guard after != before || t.slaPolicyId != policyBefore || t.nextAlertAt != alertBefore else { return }
        try await t.update(on: db)
        // The timeline records a new policy, and due times that move later (a resume, a reopen); a clock
        // that stops or pauses is already told by its own event.
        let moved = zip(before, after).contains { old, new in new != nil && (old == nil || new! > old!) }
        guard t.slaPolicyId != policyBefore || moved, let policyId = t.slaPolicyId, let policy = try await SLAPolicyRecord.find(policyId, on: db) else { return }
        let f = ISO8601DateFormatter()
        var data = ["policy": policy.name, "businessTime": String(policy.businessTime)]
        if let d = t.responseDueAt { data["responseDueAt"] = f.string(from: d) }
        if let d = t.startDueAt { data["startDueAt"] = f.string(from: d) }
        if let d = t.resolveDueAt { data["resolveDueAt"] = f.string(from: d) }
        try await TicketService.appendEvent(t, "sla", data, actor: actor, at: now, on: db)
    }

    static func dto(_ p: SLAPolicyRecord) -> SLAPolicyDTO {
        SLAPolicyDTO(id: p.id!, name: p.name, domain: p.domain, priority: p.priority, categoryId: p.categoryId, businessSystemId: p.businessSystemId,
                     calendarId: p.calendarId, businessTime: p.businessTime, responseMinutes: p.responseMinutes, startMinutes: p.startMinutes,
                     resolveMinutes: p.resolveMinutes, offHoursResponseMinutes: p.offResponseMinutes, offHoursStartMinutes: p.offStartMinutes,
                     offHoursResolveMinutes: p.offResolveMinutes, isActive: p.isActive, effectiveFrom: p.effectiveFrom)
    }

    static func create(_ body: SLAPolicyBody, request: Request) async throws -> SLAPolicyDTO {
        var v = Validator()
        let name = v.text("name", body.name, max: 50)
        let domain = v.oneOf("domain", body.domain, ServiceDomain.self)
        let priority = v.oneOf("priority", body.priority, Priority.self)
        let calendarId = v.uuid("calendarId", body.calendarId, required: true)
        if let calendarId, try await CalendarRecord.find(calendarId, on: request.db) == nil { v.add("calendarId", "no such calendar") }
        let categoryId = v.uuid("categoryId", body.categoryId)
        if let categoryId {
            if let c = try await Category.find(categoryId, on: request.db) {
                if let domain, c.domain != domain.rawValue { v.add("categoryId", "the category belongs to another domain") }
            } else { v.add("categoryId", "no such category") }
        }
        let systemId = v.uuid("businessSystemId", body.businessSystemId)
        if let systemId, try await BusinessSystem.find(systemId, on: request.db) == nil { v.add("businessSystemId", "no such business system") }
        let targets: [(String, Int?)] = [("responseMinutes", body.responseMinutes), ("startMinutes", body.startMinutes), ("resolveMinutes", body.resolveMinutes),
                                          ("offHoursResponseMinutes", body.offHoursResponseMinutes), ("offHoursStartMinutes", body.offHoursStartMinutes),
                                          ("offHoursResolveMinutes", body.offHoursResolveMinutes)]
        for (field, value) in targets { if let value, !(1...525_600).contains(value) { v.add(field, "must be between 1 and 525600") } }
        if body.responseMinutes == nil && body.startMinutes == nil && body.resolveMinutes == nil {
            v.add("resolveMinutes", "give at least one target")
        }
        let effectiveFrom = v.instant("effectiveFrom", body.effectiveFrom) ?? request.now
        try v.check()
        let p = SLAPolicyRecord()
        p.name = name!; p.domain = domain!.rawValue; p.priority = priority!.rawValue; p.categoryId = categoryId; p.businessSystemId = systemId
        p.calendarId = calendarId!; p.businessTime = body.businessTime ?? true
        p.responseMinutes = body.responseMinutes; p.startMinutes = body.startMinutes; p.resolveMinutes = body.resolveMinutes
        p.offResponseMinutes = body.offHoursResponseMinutes; p.offStartMinutes = body.offHoursStartMinutes; p.offResolveMinutes = body.offHoursResolveMinutes
        p.isActive = true; p.effectiveFrom = effectiveFrom; p.createdAt = request.now
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(p)
        return try await request.write { db in
            try await saved.model.create(on: db)
            let dto = dto(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "sla_policy.create", entityType: "sla_policy",
                                      entityId: saved.model.id?.uuidString, after: dto)
            return dto
        }
    }
}

/// `GET/POST /api/v1/sla-policies`.
struct SLAPolicyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("sla-policies", use: list)
        routes.post("sla-policies", use: create)
    }

    func list(req: Request) async throws -> Page<SLAPolicyDTO> {
        try await req.require(.readOrganisation)
        let page = try PageRequest(from: req)
        var v = Validator()
        var query = SLAPolicyRecord.query(on: req.db)
        if let d = v.oneOf("domain", req.query[String.self, at: "domain"], ServiceDomain.self, required: false) { query = query.filter(\.$domain == d.rawValue) }
        if let p = v.oneOf("priority", req.query[String.self, at: "priority"], Priority.self, required: false) { query = query.filter(\.$priority == p.rawValue) }
        if !v.isValid { throw AppError(.badRequest, "invalid_query", "invalid filter", fields: v.fields) }
        let total = try await query.count()
        let items = try await query.sort(\.$domain).sort(\.$priority).sort(\.$effectiveFrom, .descending)
            .range(page.offset..<(page.offset + page.per)).all()
        return Page(items: items.map(SLAService.dto), page: page.page, per: page.per, total: total)
    }

    func create(req: Request) async throws -> Response {
        try await req.require(.manageOrganisation)
        let body = try req.decodeJSON(SLAPolicyBody.self)
        return try await SLAService.create(body, request: req).encodeResponse(status: .created, for: req)
    }
}
