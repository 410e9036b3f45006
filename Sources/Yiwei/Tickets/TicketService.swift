import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Writing tickets: create (here), the actions of the closed loop (TicketTransitions.swift), comments, rating, links,
/// work logs (TicketCollaboration.swift).
/// Every write is one transaction with its timeline event and audit row.
enum TicketService {
    // MARK: Create

    /// Everything is decided from the organisation in memory (matrix, reporter, dispatch, SLA policy and
    /// calendar); the write itself is the ticket's number, the engineers' loads when one is auto-assigned, the
    /// ticket, its first timeline events, any notifications and the audit row — committed together with the
    /// other reports of the same moment (`WriteGate`).
    static func create(_ body: CreateTicketRequest, by user: CurrentUser, actor: AuditActor, now: Date, timeZone: TimeZone, reference: ReferenceData,
                       on db: any Database, writer: Application, defaultChannel: TicketChannel = .web) async throws -> TicketDTO {
        guard user.can(.reportTickets) || user.can(.workTickets) else { throw AppError.denied(.reportTickets) }
        // Reporting in someone else's name, or for another department, is the service desk's (a call taken).
        // (A value that is not an id is left to the validation below: 422 naming the field.)
        if !user.can(.reportOnBehalf) {
            if let id = body.reporterId.flatMap(UUID.init(uuidString:)), id != user.id {
                throw AppError.denied(.reportOnBehalf, "only the service desk and leads report on someone's behalf")
            }
            if let id = body.departmentId.flatMap(UUID.init(uuidString:)), id != user.departmentId {
                throw AppError.denied(.reportOnBehalf, "a report is for the reporter's own department; the service desk may choose another")
            }
        }
        var v = Validator()
        let draft = draft(body, by: user, origin: .live, defaultChannel: defaultChannel, now: now, validator: &v, reference: reference)
        try v.check()
        guard let ticket = draft?.ticket else { throw AppError.validation(v.fields) }
        let reporterId = ticket.reporterId ?? user.id
        let write = CreateWrite(ticket: ticket, draftTeamId: ticket.teamId, priorityReason: draft?.priorityReason,
                                onBehalf: reporterId != user.id ? reporterId : nil, userId: user.id, actor: actor, now: now,
                                timeZone: timeZone, reference: reference)
        let group = WriteGroup(key: "ticket.create", payload: write) { payloads, db in
            try await createTogether(payloads.map { $0 as! CreateWrite }, on: db)
        }
        let created = try await writer.write(affectsReference: false, group: group) { db in
            try await createTogether([write], on: db)[0]
        }
        return try await TicketQueries.load(created.model, on: db, reference: reference, now: now)
    }

    /// One report on its way to the database, decided in memory.
    struct CreateWrite: @unchecked Sendable {
        let ticket: Ticket
        /// The category's team from the draft: a retried write starts again from it.
        let draftTeamId: UUID?
        let priorityReason: String?
        let onBehalf: UUID?
        let userId: UUID
        let actor: AuditActor
        let now: Date
        let timeZone: TimeZone
        let reference: ReferenceData
    }

    /// Writes reports that arrived together: the day's numbers taken in one step per counter, dispatch with the
    /// loads of those before them in the group counted, the tickets and their first timeline events in one
    /// statement each, then notifications and audit rows. The same for one report alone.
    static func createTogether(_ writes: [CreateWrite], on db: any Database) async throws -> [UncheckedModel<Ticket>] {
        let sql = db.sql
        // Numbers: each day's counter per domain advanced once by the group's count.
        var byCounter: [String: [Int]] = [:]
        for (i, w) in writes.enumerated() {
            let day = TicketNumber.day(of: w.now, in: w.timeZone)
            byCounter[TicketNumber.prefix(for: w.ticket.domainValue) + "-" + day, default: []].append(i)
        }
        for (key, indices) in byCounter.sorted(by: { $0.key < $1.key }) {
            let row = try await sql.raw("""
                INSERT INTO ticket_counters (id, key, last) VALUES (\(bind: UUID()), \(bind: key), \(bind: indices.count))
                ON CONFLICT (key) DO UPDATE SET last = ticket_counters.last + \(bind: indices.count)
                RETURNING last
                """).first()
            let last = try row?.decode(column: "last", as: Int.self) ?? indices.count
            for (offset, i) in indices.enumerated() {
                let w = writes[i]
                writes[i].ticket.number = TicketNumber.format(domain: w.ticket.domainValue, day: TicketNumber.day(of: w.now, in: w.timeZone),
                                                              sequence: last - indices.count + 1 + offset)
            }
        }
        var pendingLoads: [UUID: Int] = [:]
        var events: [TicketEventRow] = []
        var evaluations: [SLAService.Evaluation?] = []
        for w in writes {
            let ticket = w.ticket
            ticket.id = .timeOrdered()
            ticket.teamId = w.draftTeamId
            ticket.assigneeId = nil
            let dispatch = try await DispatchService.decide(domain: ticket.domain, priority: ticket.priority, categoryId: ticket.categoryId,
                                                            businessSystemId: ticket.businessSystemId, departmentId: ticket.departmentId,
                                                            reference: w.reference, pendingLoads: pendingLoads, on: db)
            if let team = dispatch.teamId { ticket.teamId = team }
            if let assignee = dispatch.assigneeId { ticket.assigneeId = assignee; pendingLoads[assignee, default: 0] += 1 }
            // The clocks of a new ticket: no history to read, no alert recorded yet.
            let evaluation = try await SLAService.evaluate(ticket, on: db, reference: w.reference, now: w.now)
            SLAService.apply(evaluation, to: ticket, recordedAlerts: [], now: w.now)
            evaluations.append(evaluation)
            var data = ["status": "new", "priority": ticket.priority, "channel": ticket.channel]
            if let onBehalf = w.onBehalf { data["onBehalfOf"] = onBehalf.uuidString }
            if let reason = w.priorityReason { data["priorityReason"] = reason }
            if let team = ticket.teamId { data["teamId"] = team.uuidString }
            events.append(.init(ticketId: try ticket.requireID(), type: "created", data: data, actor: w.userId, at: w.now))
            if !dispatch.reason.isEmpty { events.append(.init(ticketId: try ticket.requireID(), type: "dispatch", data: dispatch.reason, actor: nil, at: w.now)) }
            if let policy = evaluation?.policy {
                events.append(.init(ticketId: try ticket.requireID(), type: "sla", data: SLAService.eventData(ticket, policy: policy), actor: w.userId, at: w.now))
            }
        }
        try await TicketSearch.insertIndexed(writes.map(\.ticket), on: db)
        try await appendEvents(events, on: db)
        for w in writes {
            try await Notifier.ticketCreated(w.ticket, actor: w.userId, on: db, now: w.now)
            try await AuditLog.append(on: db, at: w.now, actor: w.actor, action: "ticket.create", entityType: "ticket",
                                      entityId: w.ticket.id?.uuidString, after: ["number": w.ticket.number, "title": w.ticket.title])
        }
        return writes.map { UncheckedModel($0.ticket) }
    }

    struct TicketEventRow {
        var ticketId: UUID
        var type: String
        var data: [String: String]
        var actor: UUID?
        var at: Date
    }

    /// Timeline events in one statement, in this order.
    static func appendEvents(_ events: [TicketEventRow], on db: any Database) async throws {
        for chunk in events.chunked(500) {
            let rows = chunk.map { e -> [(any Encodable & Sendable)?] in
                [UUID.timeOrdered(), e.ticketId, e.at, e.actor, e.type, AuditLog.json(e.data) ?? "{}", false]
            }
            try await db.sql.execute(sql: SQLRowsInsert(table: TicketEvent.schema, columns: ["id", "ticket_id", "at", "actor_id", "type", "data", "internal"],
                                                                          rows: rows)) { _ in }
        }
    }

    /// Where a ticket comes from: reported now, or brought over from a legacy ledger (`POST /tickets/import`),
    /// whose people, categories and priorities may since have been retired.
    enum Origin { case live, imported }

    struct Draft {
        var ticket: Ticket
        var priorityReason: String?
    }

    /// Checks a create body and builds the unsaved ticket (nil when a field is invalid; the problems are in `v`).
    /// Live: only the service desk and engineers set a priority (with a reason when it differs from the matrix)
    /// or report for someone else. Imported: the legacy priority is kept as it was, the reporter is required and
    /// may be a retired account, and retired categories are accepted.
    static func draft(_ body: CreateTicketRequest, by user: CurrentUser, origin: Origin, defaultChannel: TicketChannel = .web,
                      now: Date, validator v: inout Validator, reference: ReferenceData) -> Draft? {
        let imported = origin == .imported
        let domain = v.oneOf("domain", body.domain, ServiceDomain.self)
        let kind = v.oneOf("kind", body.kind ?? TicketKind.incident.rawValue, TicketKind.self)
        let title = v.text("title", body.title, max: 200)
        let description = v.text("description", body.description, required: false, max: 5000) ?? ""
        let impact = v.oneOf("impact", body.impact, Impact.self)
        let urgency = v.oneOf("urgency", body.urgency, Urgency.self)
        let channel = v.oneOf("channel", body.channel ?? defaultChannel.rawValue, TicketChannel.self)
        var priority: Priority?
        let matrix = reference.matrix
        if let impact, let urgency { priority = matrix.priority(impact: impact, urgency: urgency) }
        if let raw = body.priority, !raw.isEmpty {
            if imported {
                priority = v.oneOf("priority", raw, Priority.self) ?? priority
            } else if user.can(.dispatchTickets) {
                if let chosen = v.oneOf("priority", raw, Priority.self) {
                    if chosen != priority && (body.priorityReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                        v.add("priorityReason", "required when the priority differs from the matrix")
                    }
                    priority = chosen
                }
            } else {
                v.add("priority", "only the service desk and engineers may set the priority")
            }
        }
        let priorityReason = v.text("priorityReason", body.priorityReason, required: false, max: 200)
        var reporterId: UUID? = imported ? nil : user.id
        if imported && (body.reporterId ?? "").isEmpty { v.add("reporterId", "required") }
        if let raw = body.reporterId, !raw.isEmpty, let id = v.uuid("reporterId", raw), id != user.id || imported {
            if !imported && !user.can(.reportOnBehalf) { v.add("reporterId", "only the service desk and leads report on someone's behalf") }
            else if let reporter = reference.users[id], reporter.isActive || imported { reporterId = id }
            else { v.add("reporterId", "no such user") }
        }
        var departmentId: UUID?
        if let raw = body.departmentId, !raw.isEmpty {
            if let id = v.uuid("departmentId", raw) {
                if reference.departments[id] == nil { v.add("departmentId", "no such department") } else { departmentId = id }
            }
        } else if v.isValid, let reporterId {
            departmentId = reference.users[reporterId]?.departmentId
        }
        var teamId: UUID?
        var categoryId: UUID?
        if let raw = body.categoryId, !raw.isEmpty, let id = v.uuid("categoryId", raw) {
            if let category = reference.categories[id], category.isActive || imported {
                if let domain, category.domain != domain.rawValue { v.add("categoryId", "the category belongs to another domain") }
                categoryId = id
                if !imported { teamId = category.defaultTeamId }
            } else {
                v.add("categoryId", "no such category")
            }
        }
        var systemId: UUID?
        if let raw = body.businessSystemId, !raw.isEmpty, let id = v.uuid("businessSystemId", raw) {
            if reference.systems[id] == nil { v.add("businessSystemId", "no such business system") } else { systemId = id }
        }
        let asset = v.text("assetId", body.assetId, required: false, max: 64)
        let location = v.text("location", body.location, required: false, max: 100)
        let occurredAt = v.instant("occurredAt", body.occurredAt)
        if let occurredAt, occurredAt > now.addingTimeInterval(300) {
            v.add("occurredAt", "must not be in the future")
        }
        guard v.isValid, let domain, let kind, let title, let impact, let urgency, let priority, let channel, let reporterId else { return nil }

        let ticket = Ticket()
        ticket.domain = domain.rawValue
        ticket.kind = kind.rawValue
        ticket.title = title
        ticket.description = description
        ticket.impact = impact.rawValue
        ticket.urgency = urgency.rawValue
        ticket.priority = priority.rawValue
        ticket.status = TicketStatus.new.rawValue
        ticket.pausedSeconds = 0
        ticket.categoryId = categoryId
        ticket.businessSystemId = systemId
        ticket.assetId = asset
        ticket.location = location
        ticket.departmentId = departmentId
        ticket.reporterId = reporterId
        ticket.createdById = user.id
        ticket.channel = channel.rawValue
        ticket.occurredAt = occurredAt
        ticket.teamId = teamId
        ticket.reopenCount = 0
        ticket.createdAt = now
        ticket.updatedAt = now
        return Draft(ticket: ticket, priorityReason: priorityReason)
    }

    /// The next number of the day for the domain, unique under concurrency: an atomic upsert on the counter row.
    static func nextNumber(domain: ServiceDomain, at now: Date, timeZone: TimeZone, on db: any Database) async throws -> String {
        let day = TicketNumber.day(of: now, in: timeZone)
        let key = TicketNumber.prefix(for: domain) + "-" + day
        let sql = db.sql
        let row = try await sql.raw("""
            INSERT INTO ticket_counters (id, key, last) VALUES (\(bind: UUID()), \(bind: key), 1)
            ON CONFLICT (key) DO UPDATE SET last = ticket_counters.last + 1
            RETURNING last
            """).first()
        let sequence = try row?.decode(column: "last", as: Int.self) ?? 1
        return TicketNumber.format(domain: domain, day: day, sequence: sequence)
    }

    static func appendEvent(_ ticket: Ticket, _ type: String, _ data: [String: String], actor: UUID?, at: Date,
                            internal isInternal: Bool = false, on db: any Database) async throws {
        let event = TicketEvent()
        event.id = .timeOrdered()
        event.ticketId = try ticket.requireID()
        event.at = at
        event.actorId = actor
        event.type = type
        event.data = AuditLog.json(data) ?? "{}"
        event.isInternal = isInternal
        try await event.create(on: db)
    }
}
