import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText

/// `/api/v1/kb/…`: articles, workflow, versions and diffs, search and suggestions, feedback, categories.
struct KnowledgeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let kb = routes.grouped("kb")
        kb.get("articles", use: list)
        kb.post("articles", use: create)
        kb.post("articles", "from-ticket", ":ticketId", use: fromTicket)
        kb.get("articles", ":articleId", use: get)
        kb.patch("articles", ":articleId", use: update)
        kb.post("articles", ":articleId", "actions", use: act)
        kb.get("articles", ":articleId", "versions", use: versions)
        kb.get("articles", ":articleId", "diff", use: diff)
        kb.get("articles", ":articleId", "revision", use: revision)
        kb.get("articles", ":articleId", "revisions", use: revisions)
        kb.post("articles", ":articleId", "feedback", use: feedback)
        kb.post("articles", ":articleId", "solved", use: solved)
        kb.get("search", use: search)
        kb.get("suggest", use: suggest)
        kb.get("categories", use: categories)
        kb.post("categories", use: createCategory)
        kb.get("stats", use: stats)
        kb.get("ticket-solutions", use: ticketSolutions)
        kb.on(.POST, "articles", ":articleId", "attachments", body: .collect(maxSize: "11mb"), use: uploadAttachment)
        kb.get("articles", ":articleId", "attachments", use: attachments)
        kb.get("export", use: export)
        kb.on(.POST, "import", body: .collect(maxSize: "210mb"), use: importZip)
    }

    func export(req: Request) async throws -> Response { try await KnowledgeTransfer.download(request: req) }

    func importZip(req: Request) async throws -> KnowledgeTransfer.ImportResult { try await KnowledgeTransfer.upload(request: req) }

    func uploadAttachment(req: Request) async throws -> Response {
        try await KnowledgeAttachments.upload(req.parameters.get("articleId", as: UUID.self), request: req).encodeResponse(status: .created, for: req)
    }

    func attachments(req: Request) async throws -> [KBAttachmentDTO] {
        try await KnowledgeAttachments.list(req.parameters.get("articleId", as: UUID.self), request: req)
    }

    /// Resolved tickets whose title or resolution match — for staff who handle tickets, within what they may see.
    func ticketSolutions(req: Request) async throws -> [TicketSolutionDTO] {
        let user = try req.requireUser()
        guard user.worksTickets, !req.isExternal else { throw AppError.denied(.workTickets) }
        let q = (req.queryParameter("q") ?? "").trimmingCharacters(in: .whitespaces)
        guard q.count <= 100 else { throw AppError(.badRequest, .invalidQuery, "the query is too long", fields: ["q": "at most 100 characters"]) }
        return try await Self.ticketSolutions(q, limit: 5, request: req)
    }

    static func ticketSolutions(_ q: String, limit: Int, request req: Request) async throws -> [TicketSolutionDTO] {
        let user = try req.requireUser()
        let ids = try await TicketSolutionSearch.candidates(q, limit: 50, on: req.db)
        guard !ids.isEmpty else { return [] }
        let scope = try await TicketScope.of(user, req)
        let visible = try await scope.apply(Ticket.query(on: req.db).filter(\.$id ~~ ids)).all()
        let byId = Dictionary(uniqueKeysWithValues: visible.map { ($0.id!, $0) })
        let terms = KnowledgeSearch.terms(q)
        return ids.compactMap { byId[$0] }.prefix(limit).map {
            TicketSolutionDTO(id: $0.id!, number: $0.number, title: $0.title, snippet: KnowledgeSearch.snippet($0.resolution ?? "", terms: terms).markup,
                              resolvedAt: $0.resolvedAt)
        }
    }

    struct ListQuery {
        var status: String
        var mine: Bool
        var reviewDue: Bool
    }

    /// Articles by status, newest first. Published ones as the reader may see them; drafts, reviews and
    /// archived ones only those the reader maintains (leads and auditors: all).
    func list(req: Request) async throws -> Page<KBArticleDTO> {
        let access = try await KBAccess.of(req)
        let page = try PageRequest(from: req)
        var v = Validator()
        let status = v.oneOf("status", req.queryParameter("status"), KBStatus.self, required: false)?.rawValue ?? KBStatus.published.rawValue
        let mine = req.queryParameter("mine") == "true"
        let reviewDue = req.queryParameter("reviewDue") == "true"
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        var conditions: [SQLExpression] = [SQLBinaryExpression(SQLColumn("status", table: "a"), .equal, SQLBind(status))]
        if status == KBStatus.published.rawValue {
            conditions.append(access.visibilitySQL())
        } else if !access.seesEverything {
            guard let userId = access.userId else { throw AppError.unauthorized }
            var parts = ["a.owner_id = '\(userId.uuidString)'"]
            if !access.teamIds.isEmpty { parts.append("a.team_id IN (\(access.teamIds.map { "'\($0.uuidString)'" }.joined(separator: ", ")))") }
            conditions.append(SQLRaw("(" + parts.joined(separator: " OR ") + ")"))
        }
        if mine, let userId = access.userId { conditions.append(SQLBinaryExpression(SQLColumn("owner_id", table: "a"), .equal, SQLBind(userId))) }
        if reviewDue {
            let soon = req.now.addingTimeInterval(14 * 86_400)
            conditions.append(SQLBinaryExpression(SQLColumn("review_due_at", table: "a"), .lessThanOrEqual, SQLBind(soon)))
        }
        let sql = req.db.sql
        let whereClause = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("SELECT count(*) AS n FROM kb_articles a WHERE \(whereClause)").first()?.decode(column: "n", as: Int.self) ?? 0
        let ids = try await sql.raw("""
            SELECT a.id FROM kb_articles a WHERE \(whereClause) ORDER BY \(unsafeRaw: reviewDue ? "a.review_due_at" : "a.updated_at DESC") LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        let articles = ids.isEmpty ? [] : try await KBArticle.query(on: req.db).filter(\.$id ~~ ids).all()
        let byId = Dictionary(uniqueKeysWithValues: articles.map { ($0.id!, $0) })
        let owners = try await names(Set(articles.map(\.ownerId)), on: req.db)
        return Page(items: ids.compactMap { byId[$0] }.map { KnowledgeService.dto($0, ownerName: owners[$0.ownerId]) }, page: page.page, per: page.per, total: total)
    }

    func names(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ Array(ids)).all().map { ($0.id!, $0.displayName) })
    }

    func create(req: Request) async throws -> Response {
        let body = try req.decodeJSON(KBArticleBody.self)
        return try await KnowledgeService.create(body, access: try await KBAccess.of(req), actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            .encodeResponse(status: .created, for: req)
    }

    func fromTicket(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await KnowledgeService.fromTicket(req.parameters.get("ticketId", as: UUID.self), by: user, access: try await KBAccess.of(req),
                                                     reference: try await req.reference(), actor: req.auditActor, now: req.now, on: req.db,
                                                     writer: req.application).encodeResponse(status: .created, for: req)
    }

    func get(req: Request) async throws -> KBArticleDTO {
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        await KnowledgeService.countView(a, writer: req.application)
        let owner = access.external ? nil : try await User.find(a.ownerId, on: req.db)?.displayName
        return try await KnowledgeRevisions.articleDTO(a, access: access, ownerName: owner, on: req.db)
    }

    /// 200 with the article when the edit applied; 202 with the article as published (unchanged) and its
    /// `pendingRevision` when a published article's edit waits for a reviewer.
    func update(req: Request) async throws -> Response {
        let body = try req.decodeJSON(KBArticleBody.self)
        let result = try await KnowledgeService.update(req.parameters.get("articleId", as: UUID.self), body, access: try await KBAccess.of(req),
                                                       actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
        return try await result.article.encodeResponse(status: result.pending ? .accepted : .ok, for: req)
    }

    /// The pending revision and its diff against the published text — for the article's maintainers and reviewers.
    func revision(req: Request) async throws -> KBRevisionDiffDTO {
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        guard !access.external else { throw AppError.notFound("article") }
        guard access.mayReadHistory(a) else { throw AppError.refused("kb_history") }
        guard let r = try await KnowledgeRevisions.pending(try a.requireID(), on: req.db) else { throw AppError.notFound("pending revision") }
        let author = try await User.find(r.authorId, on: req.db)?.displayName
        return KBRevisionDiffDTO(revision: KnowledgeRevisions.dto(r, article: a, authorName: author), publishedVersion: a.version,
                                 comparison: KnowledgeRevisions.comparison(a, r))
    }

    /// Every revision, pending and decided, newest first: part of the article's history.
    func revisions(req: Request) async throws -> [KBRevisionDTO] {
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        guard !access.external else { throw AppError.notFound("article") }
        guard access.mayReadHistory(a) else { throw AppError.refused("kb_history") }
        return try await KnowledgeRevisions.all(a, on: req.db)
    }

    func act(req: Request) async throws -> KBArticleDTO {
        let body = try req.decodeJSON(KBActionBody.self)
        return try await KnowledgeService.act(req.parameters.get("articleId", as: UUID.self), body, access: try await KBAccess.of(req), actor: req.auditActor,
                                              now: req.now, on: req.db, writer: req.application)
    }

    func versions(req: Request) async throws -> [KBVersionDTO] {
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        guard !access.external else { throw AppError.notFound("article") }
        guard access.mayReadHistory(a) else { throw AppError.refused("kb_history") }
        let versions = try await KBArticleVersion.query(on: req.db).filter(\.$articleId == a.id!).sort(\.$version, .descending).all()
        let editors = try await names(Set(versions.map(\.editorId)), on: req.db)
        return versions.map { KBVersionDTO(version: $0.version, title: $0.title, tags: $0.tags.split(separator: ",").map(String.init), editorId: $0.editorId,
                                           editorName: editors[$0.editorId], note: $0.note, createdAt: $0.createdAt) }
    }

    /// The line diff between two versions (`from`, `to`; default: the previous and the current one).
    struct DiffDTO: Content { var from: Int; var to: Int; var comparison: TextDiff.Comparison }

    func diff(req: Request) async throws -> DiffDTO {
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        guard !access.external else { throw AppError.notFound("article") }
        guard access.mayReadHistory(a) else { throw AppError.refused("kb_history") }
        let to = req.query[Int.self, at: "to"] ?? a.version
        let from = req.query[Int.self, at: "from"] ?? max(1, to - 1)
        let versions = try await KBArticleVersion.query(on: req.db).filter(\.$articleId == a.id!).filter(\.$version ~~ [from, to]).all()
        guard let old = versions.first(where: { $0.version == from }), let new = versions.first(where: { $0.version == to }) else {
            throw AppError(.badRequest, .invalidQuery, "no such version", fields: ["from": "1…\(a.version)", "to": "1…\(a.version)"])
        }
        return DiffDTO(from: from, to: to, comparison: TextDiff.compare("# " + old.title + "\n\n" + old.body, "# " + new.title + "\n\n" + new.body))
    }

    func feedback(req: Request) async throws -> KBArticleDTO {
        let helpful = try req.decodeJSON(KBFeedbackBody.self).helpful
        return try await KnowledgeService.feedback(req.parameters.get("articleId", as: UUID.self), helpful: helpful, access: try await KBAccess.of(req),
                                                   now: req.now, on: req.db, writer: req.application)
    }

    func solved(req: Request) async throws -> KBArticleDTO {
        try await KnowledgeService.solved(req.parameters.get("articleId", as: UUID.self), access: try await KBAccess.of(req), actor: req.auditActor,
                                          now: req.now, on: req.db, writer: req.application)
    }

    static func filters(_ req: Request) async throws -> KnowledgeSearch.Filters {
        var v = Validator()
        var filters = KnowledgeSearch.Filters()
        if let category = v.uuid("categoryId", req.queryParameter("categoryId").flatMap { $0.isEmpty ? nil : $0 }) {
            filters.categoryIds = try await KnowledgeCategories.subtree(category, on: req.db)
        }
        if let tag = req.queryParameter("tag"), !tag.isEmpty {
            if KBArticle.isValidTag(tag) { filters.tag = tag } else { v.add("tag", "not a tag") }
        }
        filters.businessSystemId = v.uuid("businessSystemId", req.queryParameter("businessSystemId").flatMap { $0.isEmpty ? nil : $0 })
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return filters
    }

    func search(req: Request) async throws -> KBSearchResultDTO {
        let q = (req.queryParameter("q") ?? "").trimmingCharacters(in: .whitespaces)
        guard q.count <= 100 else { throw AppError(.badRequest, .invalidQuery, "the query is too long", fields: ["q": "at most 100 characters"]) }
        let page = try PageRequest(from: req)
        let filters = try await Self.filters(req)
        return try await KnowledgeService.search(q, filters: filters, page: PageRequest(page: page.page, per: min(page.per, 50)),
                                                 access: try await KBAccess.of(req), now: req.now, on: req.db, writer: req.application)
    }

    /// Up to 5 published articles that look like what the reporter is typing.
    func suggest(req: Request) async throws -> KBSearchResultDTO {
        let q = String((req.queryParameter("q") ?? "").prefix(200))
        return try await KnowledgeService.search(KnowledgeService.suggestionQuery(q), filters: .init(), page: PageRequest(page: 1, per: 20), suggest: true,
                                                 access: try await KBAccess.of(req), now: req.now, on: req.db, writer: req.application)
    }

    func categories(req: Request) async throws -> [KBCategoryDTO] {
        _ = try await KBAccess.of(req)
        return try await KnowledgeCategories.all(on: req.db)
    }

    func createCategory(req: Request) async throws -> Response {
        guard KnowledgeCategories.mayManage(try req.requireUser()) else { throw AppError.denied(.manageKnowledgeCategories) }
        return try await KnowledgeCategories.create(try req.decodeJSON(KBCategoryBody.self), request: req).encodeResponse(status: .created, for: req)
    }

    struct Stats: Content {
        struct Top: Content { var id: UUID; var title: String; var views: Int; var helpful: Int; var notHelpful: Int; var solved: Int }
        struct Missed: Content { var query: String; var count: Int }
        var top: [Top]
        var zeroResults: [Missed]
        var reviewOverdue: Int
    }

    /// For the knowledge base's owners (leads): most read articles and the staff's and reporters' searches that found
    /// nothing (last 90 days) — not those on the external listener, which anyone can send.
    func stats(req: Request) async throws -> Stats {
        let access = try await KBAccess.of(req)
        guard access.seesEverything else { throw AppError.denied(.readAllKnowledge) }
        let top = try await KBArticle.query(on: req.db).filter(\.$status == KBStatus.published.rawValue).sort(\.$views, .descending).limit(10).all()
        let sql = req.db.sql
        let since = req.now.addingTimeInterval(-90 * 86_400)
        let missed = try await sql.raw("""
            SELECT query, count(*) AS n FROM kb_search_log WHERE results = 0 AND NOT external AND at >= \(bind: KnowledgeSearch.isSQLite(sql) ? since.timeIntervalSince1970 as any Encodable & Sendable : since)
            GROUP BY query ORDER BY n DESC, query LIMIT 20
            """).all()
        let overdue = try await KBArticle.query(on: req.db).filter(\.$status == KBStatus.published.rawValue).filter(\.$reviewDueAt <= req.now).count()
        return Stats(top: top.map { .init(id: $0.id!, title: $0.title, views: $0.views, helpful: $0.helpful, notHelpful: $0.notHelpful, solved: $0.solved) },
                     zeroResults: try missed.map { .init(query: try $0.decode(column: "query", as: String.self), count: try $0.decode(column: "n", as: Int.self)) },
                     reviewOverdue: overdue)
    }
}

enum KnowledgeCategories {
    static let kinds = ["system", "department", "problem"]

    /// Leads (the knowledge base's owners) and administrators shape the tree.
    static func mayManage(_ user: CurrentUser) -> Bool { user.can(.manageKnowledgeCategories) }

    static func dto(_ c: KBCategory) -> KBCategoryDTO {
        KBCategoryDTO(id: c.id!, name: c.name, kind: c.kind, parentId: c.parentId, sortOrder: c.sortOrder)
    }

    static func all(on db: any Database) async throws -> [KBCategoryDTO] {
        try await KBCategory.query(on: db).sort(\.$kind).sort(\.$sortOrder).sort(\.$name).all().map(dto)
    }

    /// The category and every category below it.
    static func subtree(_ id: UUID, on db: any Database) async throws -> [UUID] {
        let all = try await KBCategory.query(on: db).all()
        var result = [id], frontier = [id]
        while !frontier.isEmpty, result.count < 1000 {
            let children = all.filter { c in c.parentId.map(frontier.contains) ?? false }.compactMap(\.id).filter { !result.contains($0) }
            result += children
            frontier = children
        }
        return result
    }

    static func create(_ body: KBCategoryBody, request: Request) async throws -> KBCategoryDTO {
        var v = Validator()
        let name = v.text("name", body.name, max: 50)
        let kind = body.kind ?? "problem"
        if !kinds.contains(kind) { v.add("kind", "must be one of system, department, problem") }
        let parent = v.uuid("parentId", (body.parentId ?? "").isEmpty ? nil : body.parentId)
        if let parent, try await KBCategory.find(parent, on: request.db) == nil { v.add("parentId", "no such category") }
        try v.check()
        let c = KBCategory()
        c.name = name!; c.kind = kind; c.parentId = parent; c.sortOrder = body.sortOrder ?? 0; c.createdAt = request.now
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(c)
        return try await request.write { db in
            try await saved.model.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "kb_category.create", entityType: "kb_category",
                                      entityId: saved.model.id?.uuidString, after: dto(saved.model))
            return dto(saved.model)
        }
    }
}

extension KBAccess {
    /// The caller's access: the external listener's, or the signed-in user's (401 without one).
    static func of(_ request: Request) async throws -> KBAccess {
        if request.isExternal { return .external }
        return try await of(try request.requireUser(), on: request.db)
    }
}

extension Request {
    /// The article if the caller may read it (`KnowledgeService.readable`), with the caller's access.
    func readableArticle(_ id: UUID?) async throws -> (KBArticle, KBAccess) {
        let access = try await KBAccess.of(self)
        return (try await KnowledgeService.readable(id, access: access, on: db), access)
    }
}
