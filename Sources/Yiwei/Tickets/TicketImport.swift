import Fluent
import Foundation
import Vapor
import YiweiCore

// The request bodies are in TicketImportDTOs.swift.

/// `POST /api/v1/tickets/import` (API.md): tickets from spreadsheets and old systems, each replayed through
/// the same state machine and SLA rules as a live ticket, so KPIs over imported history are computed exactly
/// as for live tickets. All or nothing: every ticket is checked first; any problem → 422 naming the ticket's
/// index (`tickets[3].events[1].action`) and nothing is written.
enum TicketImport {
    static let maxTickets = 5_000
    static let maxEvents = 200
    /// Imported history starts no earlier than this (older ledgers are not SLA-measurable anyway).
    static let earliest = Date(timeIntervalSince1970: 946_684_800) // 2000-01-01T00:00:00Z
    /// Actions a reporter takes; when an event of these has no `actorId`, the reporter did it.
    static let reporterActions: Set<TicketAction> = [.close, .reopen, .cancel]

    /// A ticket that passed the checks, ready to be written.
    struct Checked: @unchecked Sendable {
        var index: Int
        var ticket: Ticket
        var createdAt: Date
        var number: String?
        var events: [(at: Date, actor: UUID, action: TicketAction, body: TicketActionRequest)]
        var rating: (score: Int, comment: String?, at: Date)?
    }

    /// Checks every ticket; returns them ready to write, or the problems keyed `tickets[i].field`.
    static func check(_ bodies: [ImportTicketBody], importer: CurrentUser, now: Date, reference: ReferenceData, on db: any Database)
        async throws -> (checked: [Checked], problems: [String: String], firstBad: Int?) {
        var problems: [String: String] = [:]
        var firstBad: Int?
        var checked: [Checked] = []
        var numbersSeen: [String: Int] = [:]
        var userCache: [UUID: Bool] = [:]
        func userExists(_ id: UUID) async throws -> Bool {
            if let known = userCache[id] { return known }
            let found = try await User.find(id, on: db) != nil
            userCache[id] = found
            return found
        }
        for (index, body) in bodies.enumerated() {
            var v = Validator()
            let createdAt = v.instant("createdAt", body.createdAt)
            if (body.createdAt ?? "").isEmpty { v.add("createdAt", "required") }
            if let createdAt, createdAt > now { v.add("createdAt", "must not be in the future") }
            if let createdAt, createdAt < earliest { v.add("createdAt", "must be 2000-01-01 or later") }
            let draft = TicketService.draft(body.create, by: importer, origin: .imported, defaultChannel: .api, now: now,
                                            validator: &v, reference: reference)
            let number = v.text("number", body.number, required: false, max: 40)
            if let number {
                if let other = numbersSeen[number] { v.add("number", "the same number as tickets[\(other)]") }
                else if try await Ticket.query(on: db).filter(\.$number == number).first() != nil { v.add("number", "already exists") }
                numbersSeen[number] = index
            }
            // The events, through the state machine: the same transitions a live ticket may take.
            var events: [(at: Date, actor: UUID, action: TicketAction, body: TicketActionRequest)] = []
            let rawEvents = body.events ?? []
            if rawEvents.count > maxEvents { v.add("events", "at most \(maxEvents) events per ticket") }
            var status = TicketStatus.new, pendedFrom: TicketStatus?
            var previous = createdAt
            var lastResolve: Date?
            for (j, event) in rawEvents.prefix(maxEvents).enumerated() {
                let field = "events[\(j)]"
                let at = v.instant(field + ".at", event.at)
                if (event.at ?? "").isEmpty { v.add(field + ".at", "required") }
                if let at, let previous, at < previous {
                    v.add(field + ".at", j == 0 ? "must not be before createdAt" : "must not be before the previous event")
                }
                if let at, at > now { v.add(field + ".at", "must not be in the future") }
                previous = at ?? previous
                guard let action = v.oneOf(field + ".action", event.action.action, TicketAction.self) else { break }
                var actor = v.uuid(field + ".actorId", event.actorId)
                if actor == nil && (event.actorId ?? "").isEmpty {
                    if reporterActions.contains(action), let reporter = draft?.ticket.reporterId { actor = reporter }
                    else { v.add(field + ".actorId", "required") }
                }
                if let id = actor, try await !userExists(id) { v.add(field + ".actorId", "no such user"); actor = nil }
                guard let next = TicketStateMachine.next(status, action, pendedFrom: pendedFrom) else {
                    v.add(field + ".action", "\(action.rawValue) is not allowed while the ticket is \(status.rawValue)")
                    break
                }
                let b = event.action
                func need(_ value: String?, _ name: String) {
                    if (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { v.add(field + "." + name, "required") }
                }
                switch action {
                case .pend, .reopen, .cancel, .transfer, .reprioritize: need(b.reason, "reason")
                default: break
                }
                switch action {
                case .resolve: need(b.resolution, "resolution")
                case .transfer: need(b.teamId, "teamId")
                case .reprioritize: _ = v.oneOf(field + ".priority", b.priority, Priority.self)
                case .assign where (b.assigneeId ?? "").isEmpty && (b.teamId ?? "").isEmpty:
                    v.add(field + ".assigneeId", "give an assignee or a team")
                case .assign: if b.assigneeId == "me" { v.add(field + ".assigneeId", "must be an id") }
                case .visit, .plan: need(b.note, "note")
                default: break
                }
                if action == .pend { pendedFrom = status } else if action == .resume || action == .cancel { pendedFrom = nil }
                if action == .resolve, let at { lastResolve = at }
                if action == .reopen { lastResolve = nil }
                status = next
                if let at, let actor { events.append((at, actor, action, b)) }
            }
            var rating: (score: Int, comment: String?, at: Date)?
            if let r = body.rating {
                let score = r.score
                if let score { if !(1...5).contains(score) { v.add("rating.score", "must be between 1 and 5") } } else { v.add("rating.score", "required") }
                let comment = v.text("rating.comment", r.comment, required: false, max: 500)
                if ![.resolved, .closed].contains(status) { v.add("rating", "a ticket is rated after it is resolved") }
                let at = v.instant("rating.at", r.at) ?? lastResolve ?? previous
                if let at, let lastResolve, at < lastResolve { v.add("rating.at", "must not be before the resolution") }
                if let at, at > now { v.add("rating.at", "must not be in the future") }
                if let score, let at { rating = (score, comment, at) }
            }
            if !v.isValid || draft == nil {
                for (key, problem) in v.fields { problems["tickets[\(index)].\(key)"] = problem }
                if firstBad == nil { firstBad = index }
                continue
            }
            if let draft, let createdAt {
                checked.append(Checked(index: index, ticket: draft.ticket, createdAt: createdAt, number: number, events: events, rating: rating))
            }
        }
        return (checked, problems, firstBad)
    }

    static func run(_ body: ImportRequest, request: Request) async throws -> ImportResultDTO {
        let user = try request.requireUser()
        guard user.can(.importTickets) else { throw AppError.denied(.importTickets, "only an administrator imports tickets") }
        guard let bodies = body.tickets, !bodies.isEmpty else {
            throw AppError.validation(["tickets": "give at least one ticket"])
        }
        guard bodies.count <= maxTickets else {
            throw AppError.validation(["tickets": "at most \(maxTickets) tickets per import"])
        }
        let now = request.now
        let (checked, problems, firstBad) = try await check(bodies, importer: user, now: now, reference: try await request.reference(), on: request.db)
        if let firstBad {
            throw AppError(.unprocessableEntity, .importInvalid,
                           "tickets[\(firstBad)] is invalid; nothing was imported (\(Set(problems.keys.map { $0.prefix { $0 != "." } }).count) invalid in all)",
                           fields: problems)
        }
        let timeZone = request.yiwei.config.timeZone, actor = request.auditActor
                let ids = try await request.write { db -> [UUID] in
            var ids: [UUID] = []
            var users: [UUID: CurrentUser] = [:]
            for item in checked {
                do {
                    let id = try await write(item, importer: user, now: now, timeZone: timeZone, users: &users, on: db)
                    ids.append(id)
                    try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.import", entityType: "ticket",
                                              entityId: id.uuidString, after: ["number": item.ticket.number, "title": item.ticket.title])
                } catch let error as AppError where error.status.code < 500 {
                    // A rule that needs the database (a team of another domain, an engineer outside the team …).
                    let fields = (error.fields ?? [:]).reduce(into: [String: String]()) { $0["tickets[\(item.index)].\($1.key)"] = $1.value }
                    throw AppError(.unprocessableEntity, .importInvalid,
                                   "tickets[\(item.index)] is invalid: \(error.message); nothing was imported", fields: fields.isEmpty ? nil : fields)
                }
            }
            return ids
        }
        return ImportResultDTO(imported: ids.count, ids: ids)
    }

    /// Writes one checked ticket: created at its historical time, then its events replayed in order, then
    /// its rating; the clocks are finally brought to the import's moment (a still-open ticket may be overdue).
    private static func write(_ item: Checked, importer: CurrentUser, now: Date, timeZone: TimeZone,
                              users: inout [UUID: CurrentUser], on db: any Database) async throws -> UUID {
        let ticket = item.ticket
        ticket.createdAt = item.createdAt
        ticket.updatedAt = item.createdAt
        ticket.importedAt = now
        if let number = item.number { ticket.number = number } else {
            ticket.number = try await TicketService.nextNumber(domain: ticket.domainValue, at: item.createdAt, timeZone: timeZone, on: db)
        }
        try await ticket.create(on: db)
        let reporter = ticket.reporterId
        var data = ["status": "new", "priority": ticket.priority, "channel": ticket.channel, "imported": "true"]
        if let reporter, reporter != importer.id { data["onBehalfOf"] = reporter.uuidString }
        try await TicketService.appendEvent(ticket, "created", data, actor: reporter ?? importer.id, at: item.createdAt, on: db)
        try await SLAService.refreshAndRecord(ticket, actor: nil, on: db, now: item.createdAt)
        for (j, event) in item.events.enumerated() {
            let actor: CurrentUser
            if let known = users[event.actor] { actor = known } else {
                guard let user = try await User.find(event.actor, on: db) else { throw AppError.validation(["events[\(j)].actorId": "no such user"]) }
                actor = try CurrentUser(user: user, via: .token)
                users[event.actor] = actor
            }
            do {
                try await TicketService.apply(event.action, event.body, to: ticket, user: actor, now: event.at, historical: true, on: db)
            } catch let error as AppError where error.status.code < 500 {
                var fields = (error.fields ?? [:]).reduce(into: [String: String]()) { $0["events[\(j)].\($1.key)"] = $1.value }
                if fields.isEmpty { fields["events[\(j)].action"] = error.message }
                throw AppError(error.status, error.code, error.message, fields: fields)
            }
        }
        if let rating = item.rating {
            ticket.ratingScore = rating.score
            ticket.ratingComment = rating.comment
            ticket.ratedAt = rating.at
            var data = ["score": String(rating.score)]
            if let comment = rating.comment { data["comment"] = comment }
            try await TicketService.appendEvent(ticket, "rating", data, actor: reporter, at: rating.at, on: db)
        }
        ticket.updatedAt = max(ticket.updatedAt, item.rating?.at ?? ticket.updatedAt)
        try await ticket.update(on: db)
        // The import's moment: an open ticket's clocks run on to now (it may be overdue already).
        try await SLAService.refreshAndRecord(ticket, actor: nil, on: db, now: now)
        return try ticket.requireID()
    }
}
