import Fluent
import Foundation
import Vapor
import YiweiCore

/// Which policy a ticket follows, and where its clocks stand.
enum SLAService {
    struct Evaluation {
        var policy: SLAPolicyRecord
        var calendarName: String
        var raisedInHours: Bool
        var states: [SLAClockState]
        /// What the states were computed from, for the scheduler's alert points.
        var calendar: BusinessCalendar
        var history: SLAHistory

        /// The clock `kind` runs on: the calendar's working time or the wall clock, as the policy says.
        func clock(_ kind: SLAClockKind) -> SLAClock { SLAClock(calendar: calendar, businessTime: policy.businessTime(for: kind)) }
    }

    /// The policy in force for the ticket's domain and priority when it was created (an imported ticket: when it
    /// was imported, API.md); a policy for its business system beats one for its category, which beats the
    /// general one; the newest wins a tie.
    static func policy(for t: Ticket, on db: any Database) async throws -> SLAPolicyRecord? {
        let candidates = try await SLAPolicyRecord.query(on: db)
            .filter(\.$domain == t.domain).filter(\.$priority == t.priority).filter(\.$isActive == true)
            .filter(\.$effectiveFrom <= (t.importedAt ?? t.createdAt)).all()
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

    /// `policy(for:on:)` over the policies in memory.
    static func policy(for t: Ticket, among policies: [SLAPolicyRecord]) -> SLAPolicyRecord? {
        let at = t.importedAt ?? t.createdAt
        var best: (policy: SLAPolicyRecord, rank: Int)?
        for candidate in policies where candidate.domain == t.domain && candidate.priority == t.priority && candidate.isActive && candidate.effectiveFrom <= at {
            let rank: Int
            if let system = candidate.businessSystemId { guard system == t.businessSystemId else { continue }; rank = 2 }
            else if let category = candidate.categoryId { guard category == t.categoryId else { continue }; rank = 1 }
            else { rank = 0 }
            guard let current = best else { best = (candidate, rank); continue }
            let newer = candidate.effectiveFrom != current.policy.effectiveFrom ? candidate.effectiveFrom > current.policy.effectiveFrom
                                                                                : candidate.createdAt > current.policy.createdAt
            if rank > current.rank || (rank == current.rank && newer) { best = (candidate, rank) }
        }
        return best?.policy
    }

    /// The ticket's history as the clocks read it: the periods its clocks were stopped, from the timeline
    /// (SLA-3). A pause waiting on the reporter stops them from its `pend` (a `pend` recorded without `waitOn`
    /// is one: that was the only kind); one waiting on a vendor or parts from the lead's `approve_pause`; one
    /// waiting on anything else never. Each ends at `resume` (or `cancel`). A ticket whose clocks have never
    /// stopped has no pause to read (one stopped and resumed within the same second has one of zero length,
    /// which changes nothing).
    static func history(_ t: Ticket, on db: any Database) async throws -> SLAHistory {
        let resolvedAt = [TicketStatus.resolved, .closed].contains(t.statusValue) ? t.resolvedAt : nil
        if t.pausedSeconds == 0 && t.pendingSince == nil {
            return SLAHistory(createdAt: t.createdAt, acceptedAt: t.acknowledgedAt, startedAt: t.startedAt, resolvedAt: resolvedAt, pauses: [])
        }
        let events = try await TicketEvent.of(try t.requireID(), types: ["pend", "approve_pause", "resume", "cancel"], on: db)
        var pauses: [(from: Date, to: Date?)] = []
        for e in events {
            let open = pauses.last.map { $0.to == nil } ?? false
            switch e.type {
            case "pend":
                let data = (try? JSONDecoder().decode([String: String].self, from: Data(e.data.utf8))) ?? [:]
                let wait = data["waitOn"].flatMap(PauseWait.init(rawValue:)) ?? .reporter
                if wait.stopsClocksAtOnce && !open { pauses.append((e.at, nil)) }
            case "approve_pause":
                if !open { pauses.append((e.at, nil)) }
            default:
                if open { pauses[pauses.count - 1].to = e.at }
            }
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
        return try await evaluate(t, policy: policy, calendar: calendar, calendarName: record.name, on: db, now: now)
    }

    /// The same, with the policies and calendars in memory.
    static func evaluate(_ t: Ticket, on db: any Database, reference: ReferenceData, now: Date) async throws -> Evaluation? {
        var policy = t.slaPolicyId.flatMap { id in reference.policies.first { $0.id == id } }
        if let stored = policy, stored.domain != t.domain || stored.priority != t.priority { policy = nil }
        guard let policy = policy ?? self.policy(for: t, among: reference.policies),
              let entry = reference.calendars[policy.calendarId], let calendar = entry.calendar else { return nil }
        return try await evaluate(t, policy: policy, calendar: calendar, calendarName: entry.record.name, on: db, now: now)
    }

    static func evaluate(_ t: Ticket, policy: SLAPolicyRecord, calendar: BusinessCalendar, calendarName: String,
                         on db: any Database, now: Date) async throws -> Evaluation? {
        let inHours = calendar.isWorking(at: t.createdAt)
        let history = try await history(t, on: db)
        // A cancelled ticket's clocks stop where it was cancelled.
        let at = t.cancelledAt ?? now
        let targets = inHours ? policy.inHours : policy.offHours
        let states = SLAClockKind.allCases.compactMap { kind in
            targets.minutes(kind).map { SLAClock(calendar: calendar, businessTime: policy.businessTime(for: kind)).state(kind, target: $0, history: history, now: at) }
        }
        return Evaluation(policy: policy, calendarName: calendarName, raisedInHours: inHours, states: states, calendar: calendar, history: history)
    }

    /// Stores the policy and the due instants on the ticket (for queues and the scheduler's index).
    static func refresh(_ t: Ticket, on db: any Database, now: Date) async throws {
        let evaluation = try await evaluate(t, on: db, now: now)
        let recorded = t.statusValue.isOpen && t.statusValue != .pending && evaluation != nil
            ? try await SLAAlert.query(on: db).filter(\.$ticketId == t.id!).all() : []
        apply(evaluation, to: t, recordedAlerts: recorded, now: now)
    }

    /// Sets the policy, due instants, next alert instant and decided outcomes from an evaluation.
    static func apply(_ evaluation: Evaluation?, to t: Ticket, recordedAlerts: [SLAAlert], now: Date) {
        t.slaPolicyId = evaluation?.policy.id
        func due(_ kind: SLAClockKind) -> Date? {
            guard let s = evaluation?.states.first(where: { $0.kind == kind }), s.stoppedAt == nil else { return nil }
            return s.dueAt
        }
        t.responseDueAt = due(.response)
        t.startDueAt = due(.start)
        t.resolveDueAt = t.statusValue.isOpen ? due(.resolve) : nil
        t.nextAlertAt = SLAScheduler.nextAlert(t, evaluation: evaluation, recorded: recordedAlerts, now: now)
        // Decided: the clock stopped (met or missed), or it is still running past its target.
        func decided(_ kind: SLAClockKind) -> Bool? {
            guard let s = evaluation?.states.first(where: { $0.kind == kind }) else { return nil }
            if s.stoppedAt != nil || s.breached { return s.breached }
            return nil
        }
        t.responseBreached = decided(.response)
        t.resolveBreached = decided(.resolve)
    }

    /// What the timeline's "sla" event says: the policy and the due instants.
    static func eventData(_ t: Ticket, policy: SLAPolicyRecord) -> [String: String] {
        var data = ["policy": policy.name, "businessTime": String(policy.businessTime)]
        if let d = t.responseDueAt { data["responseDueAt"] = d.formatted(.iso8601) }
        if let d = t.startDueAt { data["startDueAt"] = d.formatted(.iso8601) }
        if let d = t.resolveDueAt { data["resolveDueAt"] = d.formatted(.iso8601) }
        return data
    }

    /// Refreshes the stored due times after a change and, when they moved, says so in the timeline.
    static func refreshAndRecord(_ t: Ticket, actor: UUID?, on db: any Database, now: Date) async throws {
        let before = [t.responseDueAt, t.startDueAt, t.resolveDueAt]
        let policyBefore = t.slaPolicyId, alertBefore = t.nextAlertAt, breachBefore = [t.responseBreached, t.resolveBreached]
        try await refresh(t, on: db, now: now)
        let after = [t.responseDueAt, t.startDueAt, t.resolveDueAt]
        guard after != before || t.slaPolicyId != policyBefore || t.nextAlertAt != alertBefore
                || breachBefore != [t.responseBreached, t.resolveBreached] else { return }
        try await t.update(on: db)
        // The timeline records a new policy, and due times that move later (a resume, a reopen); a clock
        // that stops or pauses is already told by its own event.
        let moved = zip(before, after).contains { old, new in new != nil && (old == nil || new! > old!) }
        guard t.slaPolicyId != policyBefore || moved, let policyId = t.slaPolicyId, let policy = try await SLAPolicyRecord.find(policyId, on: db) else { return }
        try await TicketService.appendEvent(t, "sla", eventData(t, policy: policy), actor: actor, at: now, on: db)
    }

    static func dto(_ p: SLAPolicyRecord) -> SLAPolicyDTO {
        SLAPolicyDTO(id: p.id!, name: p.name, domain: p.domain, priority: p.priority, categoryId: p.categoryId, businessSystemId: p.businessSystemId,
                     calendarId: p.calendarId, businessTime: p.businessTime, responseMinutes: p.responseMinutes, startMinutes: p.startMinutes,
                     resolveMinutes: p.resolveMinutes, offHoursResponseMinutes: p.offResponseMinutes, offHoursStartMinutes: p.offStartMinutes,
                     offHoursResolveMinutes: p.offResolveMinutes, responseBusinessTime: p.businessTime(for: .response),
                     startBusinessTime: p.businessTime(for: .start), resolveBusinessTime: p.businessTime(for: .resolve),
                     planAfterMinutes: p.planAfterMinutes,
                     escalation: p.escalationChain.map { EscalationStepDTO(clock: $0.clock.rawValue, percent: $0.percent, notify: $0.notify.map(\.rawValue),
                                                                           userIds: $0.userIds.isEmpty ? nil : $0.userIds) },
                     isActive: p.isActive, effectiveFrom: p.effectiveFrom)
    }

    /// Checks an escalation chain from the API or the form; nil means "the default chain".
    static func escalation(_ steps: [EscalationStepDTO]?, _ v: inout Validator, on db: any Database) async throws -> [EscalationStep]? {
        guard let steps else { return nil }
        var chain: [EscalationStep] = []
        for (i, step) in steps.enumerated() {
            let clock = SLAClockKind(rawValue: step.clock)
            if clock == nil { v.add("escalation[\(i)].clock", "must be one of: response, start, resolve") }
            var recipients: [EscalationRecipient] = []
            for name in step.notify {
                if let r = EscalationRecipient(rawValue: name) { recipients.append(r) }
                else { v.add("escalation[\(i)].notify", "unknown recipient \(name); use assignee, team_lead, domain_leads, vendor") }
            }
            let users = step.userIds ?? []
            if !users.isEmpty {
                let found = try await User.query(on: db).filter(\.$id ~~ users).count()
                if found != Set(users).count { v.add("escalation[\(i)].userIds", "no such user") }
            }
            chain.append(EscalationStep(clock: clock ?? .resolve, percent: step.percent, notify: recipients, userIds: users))
        }
        for problem in EscalationStep.problems(chain) {
            v.add(problem.field == "escalation" ? "escalation" : "escalation[\(problem.index)].\(problem.field)", problem.message)
        }
        return chain
    }

    static func create(_ body: SLAPolicyBody, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> SLAPolicyDTO {
        var v = Validator()
        let name = v.text("name", body.name, max: 50)
        let domain = v.oneOf("domain", body.domain, ServiceDomain.self)
        let priority = v.oneOf("priority", body.priority, Priority.self)
        let calendarId = v.uuid("calendarId", body.calendarId, required: true)
        if let calendarId, try await CalendarRecord.find(calendarId, on: db) == nil { v.add("calendarId", "no such calendar") }
        let categoryId = v.uuid("categoryId", body.categoryId)
        if let categoryId {
            if let c = try await Category.find(categoryId, on: db) {
                if let domain, c.domain != domain.rawValue { v.add("categoryId", "the category belongs to another domain") }
            } else { v.add("categoryId", "no such category") }
        }
        let systemId = v.uuid("businessSystemId", body.businessSystemId)
        if let systemId, try await BusinessSystem.find(systemId, on: db) == nil { v.add("businessSystemId", "no such business system") }
        let targets: [(String, Int?)] = [("responseMinutes", body.responseMinutes), ("startMinutes", body.startMinutes), ("resolveMinutes", body.resolveMinutes),
                                          ("offHoursResponseMinutes", body.offHoursResponseMinutes), ("offHoursStartMinutes", body.offHoursStartMinutes),
                                          ("offHoursResolveMinutes", body.offHoursResolveMinutes)]
        for (field, value) in targets + [("planAfterMinutes", body.planAfterMinutes)] {
            if let value, !(1...525_600).contains(value) { v.add(field, "must be between 1 and 525600") }
        }
        let chain = try await escalation(body.escalation, &v, on: db)
        if body.responseMinutes == nil && body.startMinutes == nil && body.resolveMinutes == nil {
            v.add("resolveMinutes", "give at least one target")
        }
        let effectiveFrom = v.instant("effectiveFrom", body.effectiveFrom) ?? now
        try v.check()
        let p = SLAPolicyRecord()
        p.name = name!; p.domain = domain!.rawValue; p.priority = priority!.rawValue; p.categoryId = categoryId; p.businessSystemId = systemId
        p.calendarId = calendarId!; p.businessTime = body.businessTime ?? true
        p.responseMinutes = body.responseMinutes; p.startMinutes = body.startMinutes; p.resolveMinutes = body.resolveMinutes
        p.offResponseMinutes = body.offHoursResponseMinutes; p.offStartMinutes = body.offHoursStartMinutes; p.offResolveMinutes = body.offHoursResolveMinutes
        let base = p.businessTime
        // Stored only where it differs from the policy's basis, so `businessTime` keeps meaning "all clocks".
        p.responseBusinessTime = body.responseBusinessTime.flatMap { $0 == base ? nil : $0 }
        p.startBusinessTime = body.startBusinessTime.flatMap { $0 == base ? nil : $0 }
        p.resolveBusinessTime = body.resolveBusinessTime.flatMap { $0 == base ? nil : $0 }
        p.planAfterMinutes = body.planAfterMinutes
        if let chain { p.escalation = String(decoding: try JSONEncoder().encode(chain), as: UTF8.self) }
        p.isActive = true; p.effectiveFrom = effectiveFrom; p.createdAt = now
        let saved = UncheckedModel(p)
        return try await writer.write { db in
            try await saved.model.create(on: db)
            let dto = dto(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "sla_policy.create", entityType: "sla_policy",
                                      entityId: saved.model.id?.uuidString, after: dto)
            return dto
        }
    }
}

extension SLAService {
    static func setActive(_ id: UUID?, _ active: Bool?, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> SLAPolicyDTO {
        guard let id, let p = try await SLAPolicyRecord.find(id, on: db) else { throw AppError.notFound("sla_policy") }
        guard let active else { throw AppError.validation(["isActive": "required"]) }
        let before = dto(p)
        guard p.isActive != active else { return before }
        p.isActive = active
        let saved = UncheckedModel(p)
        return try await writer.write { db in
            try await saved.model.update(on: db)
            let after = dto(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: active ? "sla_policy.activate" : "sla_policy.deactivate",
                                      entityType: "sla_policy", entityId: id.uuidString, before: before, after: after)
            return after
        }
    }
}
