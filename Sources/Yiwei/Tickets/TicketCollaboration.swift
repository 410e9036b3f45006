import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Comments, rating, links and work logs on a ticket: each write one transaction with its timeline event and audit row.
extension TicketService {
    // MARK: Comments, rating, links, work logs

    static func comment(_ id: UUID?, _ body: CommentRequest, by user: CurrentUser, actor: AuditActor, now: Date, reference: ReferenceData,
                        on db: any Database, writer: Application) async throws -> CommentDTO {
        let (ticket, _) = try await TicketScope.visibleTicket(id, to: user, reference: reference, on: db)
        guard user.can(.reportTickets) || user.worksTickets else { throw AppError.denied(.reportTickets) }
        var v = Validator()
        let text = v.text("body", body.body, max: 5000)
        let isInternal = body.internal ?? false
        if isInternal && !user.worksTickets { v.add("internal", "only staff may write internal comments") }
        try v.check()
        let comment = TicketComment()
        comment.ticketId = try ticket.requireID()
        comment.authorId = user.id
        comment.body = text!
        comment.isInternal = isInternal
        comment.createdAt = now
        let saved = UncheckedModel(comment), target = UncheckedModel(ticket)
        try await writer.write(affectsReference: false) { db in
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

    static func comments(_ id: UUID?, user: CurrentUser, reference: ReferenceData, on db: any Database) async throws -> [CommentDTO] {
        let (ticket, _) = try await TicketScope.visibleTicket(id, to: user, reference: reference, on: db)
        return try await comments(of: ticket, user: user, reference: reference, on: db)
    }

    /// The comments of a ticket the user may see (internal ones for staff only), authors named from memory.
    /// Read as plain rows (the ticket page reads comments, attachments, links and work logs on every visit).
    static func comments(of ticket: Ticket, user: CurrentUser, reference: ReferenceData, on db: any Database) async throws -> [CommentDTO] {
        let onlyPublic: SQLQueryString = user.seesInternal ? "" : " AND \"internal\" = \(bind: false)"
        let rows = try await db.sql.raw("""
            SELECT id, author_id, body, "internal", created_at FROM ticket_comments WHERE ticket_id = \(bind: try ticket.requireID())\(onlyPublic) ORDER BY created_at
            """).all()
        let users = reference.users
        return try rows.map { row in
            let author = try row.decode(column: "author_id", as: UUID.self)
            return CommentDTO(id: try row.decode(column: "id", as: UUID.self), authorId: author, authorName: users[author]?.displayName ?? "",
                              body: try row.decode(column: "body", as: String.self), internal: try row.decode(column: "internal", as: Bool.self),
                              createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }

    static func rate(_ id: UUID?, _ body: RatingRequest, by user: CurrentUser, actor: AuditActor, now: Date, reference: ReferenceData,
                     on db: any Database, writer: Application) async throws -> TicketDTO {
        let (visible, _) = try await TicketScope.visibleTicket(id, to: user, reference: reference, on: db)
        guard visible.reporterId == user.id else {
            throw AppError.refused("own_ticket", "only the ticket's reporter rates it")
        }
        var v = Validator()
        if let score = body.score { if !(1...5).contains(score) { v.add("score", "must be between 1 and 5") } } else { v.add("score", "required") }
        let comment = v.text("comment", body.comment, required: false, max: 500)
        try v.check()
        let ticketId = try visible.requireID()
        let updated = try await writer.write(affectsReference: false) { db -> UncheckedModel<Ticket> in
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
        return try await TicketQueries.load(updated.model, on: db, reference: reference, now: now)
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

    static func addLink(_ id: UUID?, _ body: LinkRequest, by user: CurrentUser, actor: AuditActor, now: Date, reference: ReferenceData,
                        on db: any Database, writer: Application) async throws -> [LinkDTO] {
        let (ticket, scope) = try await TicketScope.visibleTicket(id, to: user, reference: reference, on: db)
        guard user.worksTickets else { throw AppError.denied(.workTickets) }
        var v = Validator()
        let type = v.oneOf("type", body.type, TicketLinkType.self)
        let targetText = v.text("target", body.target, max: 64)
        var target: Ticket?
        if let targetText {
            if let uuid = UUID(uuidString: targetText) { target = try await Ticket.find(uuid, on: db) }
            else { target = try await Ticket.query(on: db).filter(\.$number == targetText.uppercased()).first() }
            if target == nil || !scope.contains(target!) { v.add("target", "no such ticket") }
            else if target!.id == ticket.id { v.add("target", "a ticket cannot be linked to itself") }
        }
        try v.check()
        let ticketId = try ticket.requireID(), targetId = target!.id!
        let existing = try await TicketLink.query(on: db).group(.or) { or in
            or.group(.and) { $0.filter(\.$ticketId == ticketId).filter(\.$targetId == targetId) }
            or.group(.and) { $0.filter(\.$ticketId == targetId).filter(\.$targetId == ticketId) }
        }.first()
        if existing != nil { throw AppError.conflict(.duplicateLink, "the two tickets are already linked") }
        let link = TicketLink()
        link.ticketId = ticketId; link.targetId = targetId; link.type = type!.rawValue; link.createdById = user.id; link.createdAt = now
        let saved = UncheckedModel(link), source = UncheckedModel(ticket), other = target!.number
        try await writer.write(affectsReference: false) { db in
            try await saved.model.create(on: db)
            try await appendEvent(source.model, "link", ["type": type!.rawValue, "target": other], actor: user.id, at: now, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.link", entityType: "ticket",
                                      entityId: ticketId.uuidString, after: ["type": type!.rawValue, "target": other])
        }
        return try await links(ticket, scope: scope, on: db)
    }

    static func removeLink(_ id: UUID?, linkId: UUID?, by user: CurrentUser, actor: AuditActor, now: Date, reference: ReferenceData,
                           on db: any Database, writer: Application) async throws {
        let (ticket, _) = try await TicketScope.visibleTicket(id, to: user, reference: reference, on: db)
        guard user.worksTickets else { throw AppError.denied(.workTickets) }
        guard let linkId, let link = try await TicketLink.find(linkId, on: db),
              link.ticketId == ticket.id || link.targetId == ticket.id else { throw AppError.notFound("link") }
        let saved = UncheckedModel(link), source = UncheckedModel(ticket)
        try await writer.write(affectsReference: false) { db in
            try await saved.model.delete(on: db)
            try await appendEvent(source.model, "unlink", ["type": saved.model.type, "linkId": linkId.uuidString], actor: user.id, at: now, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.unlink", entityType: "ticket",
                                      entityId: source.model.id?.uuidString, after: ["linkId": linkId.uuidString])
        }
    }

    static func addWorkLog(_ id: UUID?, _ body: WorkLogRequest, by user: CurrentUser, now: Date, reference: ReferenceData, on db: any Database,
                           writer: Application) async throws -> WorkLogDTO {
        let (ticket, _) = try await TicketScope.visibleTicket(id, to: user, reference: reference, on: db)
        guard user.worksTickets else { throw AppError.denied(.workTickets) }
        var v = Validator()
        if let minutes = body.minutes { if !(1...1440).contains(minutes) { v.add("minutes", "must be between 1 and 1440") } } else { v.add("minutes", "required") }
        let note = v.text("note", body.note, max: 500)
        try v.check()
        let log = TicketWorkLog()
        log.ticketId = try ticket.requireID(); log.userId = user.id; log.minutes = body.minutes!; log.note = note!; log.createdAt = now
        let saved = UncheckedModel(log), source = UncheckedModel(ticket)
        try await writer.write(affectsReference: false) { db in
            try await saved.model.create(on: db)
            try await appendEvent(source.model, "worklog", ["minutes": String(body.minutes!), "note": note!], actor: user.id, at: now,
                                  internal: true, on: db)
        }
        return WorkLogDTO(id: try log.requireID(), userId: user.id, userName: user.displayName, minutes: log.minutes, note: log.note, createdAt: now)
    }

    static func workLogs(_ id: UUID?, user: CurrentUser, reference: ReferenceData, on db: any Database) async throws -> [WorkLogDTO] {
        let (ticket, _) = try await TicketScope.visibleTicket(id, to: user, reference: reference, on: db)
        guard user.seesInternal else { throw AppError.denied(.readInternalNotes) }
        return try await workLogs(of: ticket, reference: reference, on: db)
    }

    static func workLogs(of ticket: Ticket, reference: ReferenceData, on db: any Database) async throws -> [WorkLogDTO] {
        let rows = try await db.sql.raw("""
            SELECT id, user_id, minutes, note, created_at FROM ticket_work_logs WHERE ticket_id = \(bind: try ticket.requireID()) ORDER BY created_at
            """).all()
        let users = reference.users
        return try rows.map { row in
            let user = try row.decode(column: "user_id", as: UUID.self)
            return WorkLogDTO(id: try row.decode(column: "id", as: UUID.self), userId: user, userName: users[user]?.displayName ?? "",
                              minutes: try row.decode(column: "minutes", as: Int.self), note: try row.decode(column: "note", as: String.self),
                              createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }
}
