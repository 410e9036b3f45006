import Fluent
import SQLKit
import Vapor
import YiweiCore

/// `/api/v1/tickets*`, `/api/v1/attachments/{id}`, `/api/v1/saved-filters*`.
struct TicketController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tickets = routes.grouped("tickets")
        tickets.get(use: list)
        tickets.post(use: create)
        tickets.post("bulk", use: bulk)
        tickets.get(":ticketId", use: get)
        tickets.get(":ticketId", "timeline", use: timeline)
        tickets.post(":ticketId", "actions", use: act)
        tickets.get(":ticketId", "comments", use: comments)
        tickets.post(":ticketId", "comments", use: comment)
        tickets.post(":ticketId", "rating", use: rate)
        tickets.get(":ticketId", "links", use: links)
        tickets.post(":ticketId", "links", use: addLink)
        tickets.delete(":ticketId", "links", ":linkId", use: removeLink)
        tickets.get(":ticketId", "worklogs", use: workLogs)
        tickets.post(":ticketId", "worklogs", use: addWorkLog)
        tickets.get(":ticketId", "attachments", use: attachments)
        tickets.on(.POST, ":ticketId", "attachments", body: .collect(maxSize: ByteCount(value: AttachmentStore.maxBytes + 65_536)), use: upload)
        routes.get("attachments", ":attachmentId", use: download)

        let filters = routes.grouped("saved-filters")
        filters.get(use: listFilters)
        filters.post(use: saveFilter)
        filters.delete(":filterId", use: deleteFilter)
    }

    private func ticketId(_ req: Request) -> UUID? { req.parameters.get("ticketId", as: UUID.self) }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let page = try PageRequest(from: req)
        let filter = try TicketQueries.filter(from: req)
        let scope = try await TicketScope.of(user, req)
        return try await TicketQueries.list(filter, page: page, scope: scope, user: user, on: req.db, reference: try await req.reference(), now: req.now)
            .jsonResponse()
    }

    func create(req: Request) async throws -> Response {
        let body = try req.decodeJSON(CreateTicketRequest.self)
        let user = try req.requireUser()
        return try await TicketService.create(body, by: user, actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                              reference: try await req.reference(), on: req.db, writer: req.application, defaultChannel: .api)
            .jsonResponse(status: .created)
    }

    func get(req: Request) async throws -> Response {
        let (ticket, _, _) = try await req.visibleTicket(ticketId(req))
        return try await TicketQueries.load(ticket, request: req).jsonResponse()
    }

    func timeline(req: Request) async throws -> [TicketEventDTO] {
        let (ticket, _, user) = try await req.visibleTicket(ticketId(req))
        return try await TicketQueries.timeline(ticket, user: user, on: req.db, reference: try await req.reference())
    }

    func act(req: Request) async throws -> Response {
        let body = try req.decodeJSON(TicketActionRequest.self)
        let user = try req.requireUser()
        return try await TicketService.act(ticketId(req), body, by: user, actor: req.auditActor, now: req.now, reference: try await req.reference(),
                                           on: req.db, writer: req.application).jsonResponse()
    }

    func comments(req: Request) async throws -> [CommentDTO] {
        try await TicketService.comments(ticketId(req), user: try req.requireUser(), reference: try await req.reference(), on: req.db)
    }

    func comment(req: Request) async throws -> Response {
        let body = try req.decodeJSON(CommentRequest.self)
        let user = try req.requireUser()
        return try await TicketService.comment(ticketId(req), body, by: user, actor: req.auditActor, now: req.now,
                                               reference: try await req.reference(), on: req.db, writer: req.application)
            .encodeResponse(status: .created, for: req)
    }

    func rate(req: Request) async throws -> TicketDTO {
        let body = try req.decodeJSON(RatingRequest.self)
        let user = try req.requireUser()
        return try await TicketService.rate(ticketId(req), body, by: user, actor: req.auditActor, now: req.now, reference: try await req.reference(),
                                            on: req.db, writer: req.application)
    }

    func links(req: Request) async throws -> [LinkDTO] {
        let (ticket, scope, _) = try await req.visibleTicket(ticketId(req))
        return try await TicketService.links(ticket, scope: scope, on: req.db)
    }

    func addLink(req: Request) async throws -> Response {
        let body = try req.decodeJSON(LinkRequest.self)
        let user = try req.requireUser()
        return try await TicketService.addLink(ticketId(req), body, by: user, actor: req.auditActor, now: req.now,
                                               reference: try await req.reference(), on: req.db, writer: req.application)
            .encodeResponse(status: .created, for: req)
    }

    func removeLink(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        try await TicketService.removeLink(ticketId(req), linkId: req.parameters.get("linkId", as: UUID.self), by: user, actor: req.auditActor,
                                           now: req.now, reference: try await req.reference(), on: req.db, writer: req.application)
        return .noContent
    }

    func workLogs(req: Request) async throws -> [WorkLogDTO] {
        try await TicketService.workLogs(ticketId(req), user: try req.requireUser(), reference: try await req.reference(), on: req.db)
    }

    func addWorkLog(req: Request) async throws -> Response {
        let body = try req.decodeJSON(WorkLogRequest.self)
        let user = try req.requireUser()
        return try await TicketService.addWorkLog(ticketId(req), body, by: user, now: req.now, reference: try await req.reference(), on: req.db,
                                                  writer: req.application).encodeResponse(status: .created, for: req)
    }

    func attachments(req: Request) async throws -> [AttachmentDTO] {
        let (ticket, _, user) = try await req.visibleTicket(ticketId(req))
        return try await AttachmentStore.list(ticket, user: user, on: req.db)
    }

    func upload(req: Request) async throws -> Response {
        try await AttachmentStore.upload(ticketId(req), request: req).encodeResponse(status: .created, for: req)
    }

    func download(req: Request) async throws -> Response {
        try await AttachmentStore.download(req.parameters.get("attachmentId", as: UUID.self), request: req)
    }

    /// Applies one action to many tickets; each ticket succeeds or fails on its own.
    func bulk(req: Request) async throws -> BulkResultDTO {
        let user = try req.requireUser()
        guard user.worksTickets else { throw AppError.denied(.workTickets) }
        let body = try req.decodeJSON(BulkActionRequest.self)
        var v = Validator()
        let ids = body.ids ?? []
        if ids.isEmpty { v.add("ids", "required") }
        if ids.count > 200 { v.add("ids", "at most 200 tickets at once") }
        if body.action == nil { v.add("action", "required") }
        try v.check()
        var results: [BulkResultDTO.Item] = []
        for raw in ids {
            do {
                _ = try await TicketService.act(UUID(uuidString: raw), body.action!, by: user, actor: req.auditActor, now: req.now,
                                                reference: try await req.reference(), on: req.db, writer: req.application)
                results.append(.init(id: raw, ok: true, error: nil))
            } catch let error as AppError {
                results.append(.init(id: raw, ok: false, error: error.code.rawValue))
            }
        }
        return BulkResultDTO(results: results)
    }

    func listFilters(req: Request) async throws -> [SavedFilterDTO] {
        let user = try req.requireUser()
        return try await SavedFilterService.list(of: user.id, on: req.db)
    }

    func saveFilter(req: Request) async throws -> Response {
        let body = try req.decodeJSON(SavedFilterRequest.self)
        return try await SavedFilterService.save(name: body.name, query: body.query, request: req).encodeResponse(status: .created, for: req)
    }

    func deleteFilter(req: Request) async throws -> HTTPStatus {
        try await SavedFilterService.delete(req.parameters.get("filterId", as: UUID.self), request: req)
        return .noContent
    }
}

enum SavedFilterService {
    /// Only the queue's own query parameters are kept, so a saved filter cannot smuggle anything else.
    static let keys: Set<String> = ["queue", "status", "domain", "priority", "assigneeId", "teamId", "reporterId", "departmentId",
                                    "businessSystemId", "q", "createdFrom", "createdTo"]

    /// A user's saved filters by name, as plain rows (the queue page reads them on every visit).
    static func list(of userId: UUID, on db: any Database) async throws -> [SavedFilterDTO] {
        try await db.sql.select().columns("id", "name", "query").from(SavedFilter.schema)
            .where("user_id", .equal, userId).orderBy("name").all()
            .map { SavedFilterDTO(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                                  query: try $0.decode(column: "query", as: String.self)) }
    }

    static func save(name: String?, query: String?, request: Request) async throws -> SavedFilterDTO {
        let user = try request.requireUser()
        var v = Validator()
        let name = v.text("name", name, max: 30)
        let raw = v.text("query", query, max: 500) ?? ""
        let items = URLComponents(string: "?" + raw.trimmingCharacters(in: CharacterSet(charactersIn: "?")))?.queryItems ?? []
        if items.isEmpty { v.add("query", "required") }
        if items.contains(where: { !keys.contains($0.name) }) { v.add("query", "contains an unknown filter") }
        try v.check()
        var c = URLComponents()
        c.queryItems = items.filter { !($0.value ?? "").isEmpty }
        let normalized = String((c.percentEncodedQuery ?? "").prefix(500))
        if try await SavedFilter.query(on: request.db).filter(\.$userId == user.id).filter(\.$name == name!).first() != nil {
            throw AppError.conflict(.duplicateName, "you already have a filter named \(name!)", field: "name")
        }
        let filter = SavedFilter()
        filter.userId = user.id; filter.name = name!; filter.query = normalized; filter.createdAt = request.now
        let saved = UncheckedModel(filter)
        try await request.write { db in try await saved.model.create(on: db) }
        return SavedFilterDTO(id: try filter.requireID(), name: filter.name, query: filter.query)
    }

    static func delete(_ id: UUID?, request: Request) async throws {
        let user = try request.requireUser()
        guard let id, let filter = try await SavedFilter.find(id, on: request.db), filter.userId == user.id else {
            throw AppError.notFound("saved filter")
        }
        let saved = UncheckedModel(filter)
        try await request.write { db in try await saved.model.delete(on: db) }
    }
}
