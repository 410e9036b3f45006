import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Writing tickets: create, the actions of the closed loop, comments, rating, links, work logs.
/// Every write is one transaction with its timeline event and audit row.
enum TicketService {
    // MARK: Create

    /// Everything is decided from the organisation in memory (matrix, reporter, dispatch, SLA policy and
    /// calendar); the write itself is the ticket's number, the engineers' loads when one is auto-assigned, the
    /// ticket, its first timeline events, any notifications and the audit row — committed together with the
    /// other reports of the same moment (`WriteGate`).
    static func create(_ body: CreateTicketRequest, request: Request, defaultChannel: TicketChannel = .web) async throws -> TicketDTO {
        let user = try request.requireUser()
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
        let now = request.now
        let reference = try await request.reference()
        var v = Validator()
        let draft = draft(body, by: user, origin: .live, defaultChannel: defaultChannel, now: now, validator: &v, reference: reference)
        try v.check()
        guard let ticket = draft?.ticket else { throw AppError.validation(v.fields) }
        let reporterId = ticket.reporterId ?? user.id
        let write = CreateWrite(ticket: ticket, draftTeamId: ticket.teamId, priorityReason: draft?.priorityReason,
                                onBehalf: reporterId != user.id ? reporterId : nil, userId: user.id, actor: request.auditActor, now: now,
                                timeZone: request.yiwei.config.timeZone, reference: reference)
        let group = WriteGroup(key: "ticket.create", payload: write) { payloads, db in
            try await createTogether(payloads.map { $0 as! CreateWrite }, on: db)
        }
        let created = try await request.write(affectsReference: false, group: group) { db in
            try await createTogether([write], on: db)[0]
        }
        return try await TicketQueries.load(created.model, request: request)
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

    // MARK: Actions

    /// Who may take which action. Reporters act only on their own tickets: withdraw a new one, reopen or
    /// confirm (close) a resolved one. Vendor engineers work tickets but do not dispatch.
    static func permitted(_ action: TicketAction, user: CurrentUser, ticket: Ticket) -> Bool {
        let ownTicket = ticket.reporterId == user.id
        if ownTicket && user.can(.reportTickets) {
            switch action {
            case .cancel where ticket.statusValue == .new: return true
            case .reopen, .close: return true
            default: break
            }
        }
        guard user.worksTickets else { return false }
        switch action {
        case .visit: return user.can(.returnVisits)
        case .approvePlan, .approvePause, .rejectPause: return user.can(.approveTickets)
        case .plan: return true
        case .assign, .transfer, .reprioritize, .cancel, .close, .reopen:
            return user.can(.dispatchTickets)
        case .accept, .start, .pend, .resume, .resolve:
            return true
        }
    }

    static func act(_ id: UUID?, _ body: TicketActionRequest, request: Request) async throws -> TicketDTO {
        let user = try request.requireUser()
        var v = Validator()
        guard let action = v.oneOf("action", body.action, TicketAction.self) else { try v.check(); throw AppError.validation(v.fields) }
        let now = request.now, actor = request.auditActor
        let (visible, _, _) = try await request.visibleTicket(id)
        guard permitted(action, user: user, ticket: visible) else { throw AppError.refused("ticket_action." + action.rawValue) }
        let ticketId = try visible.requireID()
        let updated = try await request.write(affectsReference: false) { db -> UncheckedModel<Ticket> in
            // Read again inside the transaction: two people acting at once cannot both pass the status check.
            guard let ticket = try await Ticket.find(ticketId, on: db) else { throw AppError.notFound("ticket") }
            let previousAssignee = ticket.assigneeId
            try await apply(action, body, to: ticket, user: user, now: now, on: db)
            try await Notifier.ticketChanged(ticket, action: action, previousAssignee: previousAssignee, actor: user.id, on: db, now: now)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.\(action.rawValue)", entityType: "ticket",
                                      entityId: ticketId.uuidString, after: ["number": ticket.number, "status": ticket.status])
            return UncheckedModel(ticket)
        }
        return try await TicketQueries.load(updated.model, request: request)
    }

    /// Checks the transition and the action's fields, changes the ticket and writes the timeline event.
    /// `historical`: an imported event, whose team or engineer may since have been retired.
    static func apply(_ action: TicketAction, _ body: TicketActionRequest, to ticket: Ticket, user: CurrentUser, now: Date,
                      historical: Bool = false, on db: any Database) async throws {
        let from = ticket.statusValue
        guard let to = TicketStateMachine.next(from, action, pendedFrom: ticket.pendedFrom.flatMap(TicketStatus.init(rawValue:))) else {
            throw AppError(.conflict, .invalidTransition, "\(action.rawValue) is not allowed while the ticket is \(from.rawValue)")
        }
        // SLA-5: past the policy's limit the ticket goes no further until a lead has approved a written plan.
        if [.start, .resolve].contains(action), ticket.planRequiredAt != nil, ticket.planApprovedAt == nil {
            throw AppError(.conflict, .planRequired, "a written workaround or plan, approved by a lead, is required before the ticket continues")
        }
        var v = Validator()
        var data: [String: String] = ["from": from.rawValue, "to": to.rawValue]
        let reason = v.text("reason", body.reason, required: [.pend, .reopen, .cancel, .transfer, .reprioritize].contains(action), max: 500)
        if let reason { data["reason"] = reason }
        switch action {
        case .assign, .transfer:
            var domain = ticket.domainValue
            if action == .transfer, let raw = body.domain, !raw.isEmpty, let d = v.oneOf("domain", raw, ServiceDomain.self) { domain = d }
            var team: Team?
            if let raw = body.teamId, !raw.isEmpty, let id = v.uuid("teamId", raw) {
                team = try await Team.find(id, on: db)
                if team == nil || (team?.isActive == false && !historical) { v.add("teamId", "no such team") }
                else if team?.domain != domain.rawValue { v.add("teamId", "the team must be in the ticket's domain") }
            } else if action == .transfer {
                v.add("teamId", "required")
            }
            var assignee: User?
            // "me" is the grab (抢单): an engineer takes the ticket.
            let assigneeRaw = body.assigneeId == "me" ? user.id.uuidString : body.assigneeId
            if let raw = assigneeRaw, !raw.isEmpty, let id = v.uuid("assigneeId", raw) {
                assignee = try await User.find(id, on: db)
                if let a = assignee, a.isActive || historical, RolePolicy.permissions(for: a.roles).contains(.workTickets) {
                    if let team, try await TeamMember.query(on: db).filter(\.$teamId == team.id!).filter(\.$userId == id).first() == nil {
                        v.add("assigneeId", "is not a member of the team")
                    }
                } else {
                    v.add("assigneeId", "no such engineer")
                }
            } else if action == .assign && team == nil {
                v.add("assigneeId", "give an assignee or a team")
            }
            try v.check()
            if action == .transfer && domain != ticket.domainValue {
                data["fromDomain"] = ticket.domain
                data["toDomain"] = domain.rawValue
                ticket.domain = domain.rawValue
                ticket.categoryId = nil
            }
            if let team {
                if ticket.teamId != team.id { data["fromTeamId"] = ticket.teamId?.uuidString ?? ""; data["teamId"] = try team.requireID().uuidString; data["teamName"] = team.name }
                ticket.teamId = team.id
                // A new team means the old assignee is no longer necessarily right.
                if assignee == nil && action == .transfer { ticket.assigneeId = nil }
            }
            if let assignee {
                data["assigneeId"] = try assignee.requireID().uuidString
                data["assigneeName"] = assignee.displayName
                ticket.assigneeId = assignee.id
                if team == nil, let current = ticket.teamId,
                   try await TeamMember.query(on: db).filter(\.$teamId == current).filter(\.$userId == assignee.id!).first() == nil {
                    // Follow the assignee to their team in this domain.
                    let theirs = try await Team.query(on: db).join(TeamMember.self, on: \Team.$id == \TeamMember.$teamId)
                        .filter(TeamMember.self, \.$userId == assignee.id!).filter(\.$domain == ticket.domain).first()
                    ticket.teamId = theirs?.id
                }
            }
            if from == .new { ticket.acknowledgedAt = ticket.acknowledgedAt ?? now }
        case .accept:
            ticket.acknowledgedAt = ticket.acknowledgedAt ?? now
        case .start:
            ticket.startedAt = ticket.startedAt ?? now
            if ticket.assigneeId == nil && user.worksTickets { ticket.assigneeId = user.id; data["assigneeId"] = user.id.uuidString; data["assigneeName"] = user.displayName }
        case .pend:
            // An old client that says nothing waits on the reporter, as every pause did before SLA-3.
            let wait = v.oneOf("waitOn", body.waitOn ?? PauseWait.reporter.rawValue, PauseWait.self)
            try v.check()
            ticket.pendedFrom = from.rawValue
            ticket.pendingReason = reason
            ticket.pendingWaitOn = wait!.rawValue
            ticket.pendingSince = wait!.stopsClocksAtOnce ? now : nil
            ticket.pauseApproval = wait!.needsApproval ? PauseApproval.requested.rawValue : nil
            data["waitOn"] = wait!.rawValue
        case .approvePause, .rejectPause:
            guard ticket.pendingWaitOn == PauseWait.vendor.rawValue, ticket.pauseApproval == PauseApproval.requested.rawValue else {
                throw AppError(.conflict, .noPauseRequest, "the ticket has no pause waiting for a decision")
            }
            let note = v.text("note", body.note ?? body.reason, required: false, max: 500)
            try v.check()
            if let note { data["note"] = note }
            if action == .approvePause {
                ticket.pauseApproval = PauseApproval.approved.rawValue
                ticket.pendingSince = now
            } else {
                ticket.pauseApproval = PauseApproval.rejected.rawValue
            }
        case .resume:
            endPause(ticket, now: now, data: &data)
        case .resolve:
            let resolution = v.text("resolution", body.resolution, max: 5000)
            try v.check()
            ticket.resolution = resolution
            ticket.resolvedAt = now
            data["resolution"] = resolution
        case .reopen:
            try v.check()
            ticket.reopenCount += 1
            ticket.resolvedAt = nil
        case .close:
            ticket.closedAt = now
        case .cancel:
            try v.check()
            endPause(ticket, now: now, data: &data)
            ticket.cancelledAt = now
        case .reprioritize:
            let priority = v.oneOf("priority", body.priority, Priority.self)
            try v.check()
            data["fromPriority"] = ticket.priority
            data["toPriority"] = priority!.rawValue
            ticket.priority = priority!.rawValue
        case .visit:
            let note = v.text("note", body.note, max: 1000)
            try v.check()
            data["note"] = note
            ticket.visitedAt = now
        case .plan:
            let plan = v.text("note", body.note, max: 2000)
            try v.check()
            ticket.plan = plan
            ticket.planById = user.id
            ticket.planApprovedAt = nil
            ticket.planApprovedById = nil
            data["note"] = plan
        case .approvePlan:
            guard ticket.plan != nil else {
                throw AppError(.conflict, .noPlan, "there is no written plan to approve yet")
            }
            ticket.planApprovedAt = now
            ticket.planApprovedById = user.id
        }
        try v.check()
        ticket.status = to.rawValue
        ticket.updatedAt = now
        try await ticket.update(on: db)
        try await appendEvent(ticket, action.rawValue, data, actor: user.id, at: now, on: db)
        try await SLAService.refreshAndRecord(ticket, actor: user.id, on: db, now: now)
    }

    private static func endPause(_ ticket: Ticket, now: Date, data: inout [String: String]) {
        if let since = ticket.pendingSince {
            let seconds = max(0, Int(now.timeIntervalSince(since)))
            ticket.pausedSeconds += seconds
            data["pausedMinutes"] = String(format: "%.1f", Double(seconds) / 60)
        }
        ticket.pendingSince = nil
        ticket.pendedFrom = nil
        ticket.pendingReason = nil
        ticket.pendingWaitOn = nil
        ticket.pauseApproval = nil
    }

    // MARK: Comments, rating, links, work logs

    static func comment(_ id: UUID?, _ body: CommentRequest, request: Request) async throws -> CommentDTO {
        let (ticket, _, user) = try await request.visibleTicket(id)
        guard user.can(.reportTickets) || user.worksTickets else { throw AppError.denied(.reportTickets) }
        var v = Validator()
        let text = v.text("body", body.body, max: 5000)
        let isInternal = body.internal ?? false
        if isInternal && !user.worksTickets { v.add("internal", "only staff may write internal comments") }
        try v.check()
        let now = request.now, actor = request.auditActor
        let comment = TicketComment()
        comment.ticketId = try ticket.requireID()
        comment.authorId = user.id
        comment.body = text!
        comment.isInternal = isInternal
        comment.createdAt = now
        let saved = UncheckedModel(comment), target = UncheckedModel(ticket)
        try await request.write(affectsReference: false) { db in
            try await saved.model.create(on: db)
            target.model.updatedAt = now
            try await target.model.update(on: db)
            try await appendEvent(target.model, "comment", ["commentId": try saved.model.requireID().uuidString, "excerpt": String(text!.prefix(80))],
                                  actor: user.id, at: now, internal: isInternal, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.comment", entityType: "ticket",
                                      entityId: target.model.id?.uuidString, after: ["commentId": try saved.model.requireID().uuidString, "internal": String(isInternal)])
        }
        return CommentDTO(id: try comment.requireID(), authorId: user.id, authorName: user.displayName, body: comment.body, internal: isInternal, createdAt: now)
    }

    static func comments(_ id: UUID?, request: Request) async throws -> [CommentDTO] {
        let (ticket, _, user) = try await request.visibleTicket(id)
        return try await comments(of: ticket, user: user, request: request)
    }

    /// The comments of a ticket the user may see (internal ones for staff only), authors named from memory.
    /// Read as plain rows (the ticket page reads comments, attachments, links and work logs on every visit).
    static func comments(of ticket: Ticket, user: CurrentUser, request: Request) async throws -> [CommentDTO] {
        let onlyPublic: SQLQueryString = user.seesInternal ? "" : " AND \"internal\" = \(bind: false)"
        let rows = try await request.db.sql.raw("""
            SELECT id, author_id, body, "internal", created_at FROM ticket_comments WHERE ticket_id = \(bind: try ticket.requireID())\(onlyPublic) ORDER BY created_at
            """).all()
        let users = try await request.reference().users
        return try rows.map { row in
            let author = try row.decode(column: "author_id", as: UUID.self)
            return CommentDTO(id: try row.decode(column: "id", as: UUID.self), authorId: author, authorName: users[author]?.displayName ?? "",
                              body: try row.decode(column: "body", as: String.self), internal: try row.decode(column: "internal", as: Bool.self),
                              createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }

    static func rate(_ id: UUID?, _ body: RatingRequest, request: Request) async throws -> TicketDTO {
        let (visible, _, user) = try await request.visibleTicket(id)
        guard visible.reporterId == user.id else {
            throw AppError.refused("own_ticket", "only the ticket's reporter rates it")
        }
        var v = Validator()
        if let score = body.score { if !(1...5).contains(score) { v.add("score", "must be between 1 and 5") } } else { v.add("score", "required") }
        let comment = v.text("comment", body.comment, required: false, max: 500)
        try v.check()
        let now = request.now, actor = request.auditActor, ticketId = try visible.requireID()
        let updated = try await request.write(affectsReference: false) { db -> UncheckedModel<Ticket> in
            guard let ticket = try await Ticket.find(ticketId, on: db) else { throw AppError.notFound("ticket") }
            guard [.resolved, .closed].contains(ticket.statusValue) else {
                throw AppError(.conflict, .notResolved, "a ticket is rated after it is resolved")
            }
            guard ticket.ratingScore == nil else { throw AppError(.conflict, .alreadyRated, "this ticket has already been rated") }
            ticket.ratingScore = body.score
            ticket.ratingComment = comment
            ticket.ratedAt = now
            ticket.updatedAt = now
            try await ticket.update(on: db)
            var data = ["score": String(body.score!)]
            if let comment { data["comment"] = comment }
            try await appendEvent(ticket, "rating", data, actor: user.id, at: now, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.rate", entityType: "ticket",
                                      entityId: ticketId.uuidString, after: data)
            return UncheckedModel(ticket)
        }
        return try await TicketQueries.load(updated.model, request: request)
    }

    /// The ticket's links in both directions, leaving out linked tickets the reader cannot see (their number,
    /// title and status are not the reader's to know).
    static func links(_ ticket: Ticket, scope: TicketScope, on db: any Database) async throws -> [LinkDTO] {
        let id = try ticket.requireID()
        struct Link { var id: UUID; var ticketId: UUID; var targetId: UUID; var type: String }
        // Both directions in one statement, as plain rows: this ticket's links first, then those pointing at it.
        let all = try await db.sql.raw("""
            SELECT id, ticket_id, target_id, type FROM ticket_links WHERE ticket_id = \(bind: id) OR target_id = \(bind: id) ORDER BY created_at, id
            """).all().map { row in
                Link(id: try row.decode(column: "id", as: UUID.self), ticketId: try row.decode(column: "ticket_id", as: UUID.self),
                     targetId: try row.decode(column: "target_id", as: UUID.self), type: try row.decode(column: "type", as: String.self))
            }
        let outgoing = all.filter { $0.ticketId == id }
        let incoming = all.filter { $0.targetId == id }
        let others = Array(Set(outgoing.map(\.targetId) + incoming.map(\.ticketId)))
        var tickets: [UUID: Ticket] = [:]
        if !others.isEmpty {
            for other in try await Ticket.query(on: db).filter(\.$id ~~ others).all() where scope.contains(other) {
                tickets[try other.requireID()] = other
            }
        }
        var result: [LinkDTO] = []
        for link in outgoing { if let t = tickets[link.targetId] { result.append(LinkDTO(id: link.id, type: link.type, direction: "outgoing", ticketId: link.targetId, number: t.number, title: t.title, status: t.status)) } }
        for link in incoming { if let t = tickets[link.ticketId] { result.append(LinkDTO(id: link.id, type: link.type, direction: "incoming", ticketId: link.ticketId, number: t.number, title: t.title, status: t.status)) } }
        return result
    }

    static func addLink(_ id: UUID?, _ body: LinkRequest, request: Request) async throws -> [LinkDTO] {
        let (ticket, scope, user) = try await request.visibleTicket(id)
        guard user.worksTickets else { throw AppError.denied(.workTickets) }
        var v = Validator()
        let type = v.oneOf("type", body.type, TicketLinkType.self)
        let targetText = v.text("target", body.target, max: 64)
        var target: Ticket?
        if let targetText {
            if let uuid = UUID(uuidString: targetText) { target = try await Ticket.find(uuid, on: request.db) }
            else { target = try await Ticket.query(on: request.db).filter(\.$number == targetText.uppercased()).first() }
            if target == nil || !scope.contains(target!) { v.add("target", "no such ticket") }
            else if target!.id == ticket.id { v.add("target", "a ticket cannot be linked to itself") }
        }
        try v.check()
        let ticketId = try ticket.requireID(), targetId = target!.id!
        let existing = try await TicketLink.query(on: request.db).group(.or) { or in
            or.group(.and) { $0.filter(\.$ticketId == ticketId).filter(\.$targetId == targetId) }
            or.group(.and) { $0.filter(\.$ticketId == targetId).filter(\.$targetId == ticketId) }
        }.first()
        if existing != nil { throw AppError.conflict(.duplicateLink, "the two tickets are already linked") }
        let now = request.now, actor = request.auditActor
        let link = TicketLink()
        link.ticketId = ticketId; link.targetId = targetId; link.type = type!.rawValue; link.createdById = user.id; link.createdAt = now
        let saved = UncheckedModel(link), source = UncheckedModel(ticket), other = target!.number
        try await request.write(affectsReference: false) { db in
            try await saved.model.create(on: db)
            try await appendEvent(source.model, "link", ["type": type!.rawValue, "target": other], actor: user.id, at: now, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.link", entityType: "ticket",
                                      entityId: ticketId.uuidString, after: ["type": type!.rawValue, "target": other])
        }
        return try await links(ticket, scope: scope, on: request.db)
    }

    static func removeLink(_ id: UUID?, linkId: UUID?, request: Request) async throws {
        let (ticket, _, user) = try await request.visibleTicket(id)
        guard user.worksTickets else { throw AppError.denied(.workTickets) }
        guard let linkId, let link = try await TicketLink.find(linkId, on: request.db),
              link.ticketId == ticket.id || link.targetId == ticket.id else { throw AppError.notFound("link") }
        let now = request.now, actor = request.auditActor
        let saved = UncheckedModel(link), source = UncheckedModel(ticket)
        try await request.write(affectsReference: false) { db in
            try await saved.model.delete(on: db)
            try await appendEvent(source.model, "unlink", ["type": saved.model.type, "linkId": linkId.uuidString], actor: user.id, at: now, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.unlink", entityType: "ticket",
                                      entityId: source.model.id?.uuidString, after: ["linkId": linkId.uuidString])
        }
    }

    static func addWorkLog(_ id: UUID?, _ body: WorkLogRequest, request: Request) async throws -> WorkLogDTO {
        let (ticket, _, user) = try await request.visibleTicket(id)
        guard user.worksTickets else { throw AppError.denied(.workTickets) }
        var v = Validator()
        if let minutes = body.minutes { if !(1...1440).contains(minutes) { v.add("minutes", "must be between 1 and 1440") } } else { v.add("minutes", "required") }
        let note = v.text("note", body.note, max: 500)
        try v.check()
        let now = request.now
        let log = TicketWorkLog()
        log.ticketId = try ticket.requireID(); log.userId = user.id; log.minutes = body.minutes!; log.note = note!; log.createdAt = now
        let saved = UncheckedModel(log), source = UncheckedModel(ticket)
        try await request.write(affectsReference: false) { db in
            try await saved.model.create(on: db)
            try await appendEvent(source.model, "worklog", ["minutes": String(body.minutes!), "note": note!], actor: user.id, at: now,
                                  internal: true, on: db)
        }
        return WorkLogDTO(id: try log.requireID(), userId: user.id, userName: user.displayName, minutes: log.minutes, note: log.note, createdAt: now)
    }

    static func workLogs(_ id: UUID?, request: Request) async throws -> [WorkLogDTO] {
        let (ticket, _, user) = try await request.visibleTicket(id)
        guard user.seesInternal else { throw AppError.denied(.readInternalNotes) }
        return try await workLogs(of: ticket, request: request)
    }

    static func workLogs(of ticket: Ticket, request: Request) async throws -> [WorkLogDTO] {
        let rows = try await request.db.sql.raw("""
            SELECT id, user_id, minutes, note, created_at FROM ticket_work_logs WHERE ticket_id = \(bind: try ticket.requireID()) ORDER BY created_at
            """).all()
        let users = try await request.reference().users
        return try rows.map { row in
            let user = try row.decode(column: "user_id", as: UUID.self)
            return WorkLogDTO(id: try row.decode(column: "id", as: UUID.self), userId: user, userName: users[user]?.displayName ?? "",
                              minutes: try row.decode(column: "minutes", as: Int.self), note: try row.decode(column: "note", as: String.self),
                              createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }
}
