import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText

/// 知识库 pages: search and browse, the article (rendered Markdown, feedback, workflow), the editor,
/// history with diffs, ticket → article, and the self-service "这解决了我的问题" (those after the article: KnowledgeEditorPages.swift).
struct KnowledgePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("kb", use: index)
        routes.get("kb", "new", use: newForm)
        routes.post("kb", "new", use: create)
        routes.get("kb", "articles", ":articleId", use: article)
        routes.get("kb", "articles", ":articleId", "edit", use: editForm)
        routes.post("kb", "articles", ":articleId", "edit", use: update)
        routes.post("kb", "articles", ":articleId", "action", use: action)
        routes.post("kb", "articles", ":articleId", "feedback", use: feedback)
        routes.post("kb", "articles", ":articleId", "solved", use: solved)
        routes.get("kb", "articles", ":articleId", "history", use: history)
        routes.get("kb", "articles", ":articleId", "revision", use: revision)
        routes.post("tickets", ":ticketId", "to-kb", use: fromTicket)
        routes.get("kb", "articles", ":articleId", "attachments", ":attachmentId", use: attachment)
        routes.on(.POST, "kb", "articles", ":articleId", "attachments", body: .collect(maxSize: "11mb"), use: upload)
        routes.get("kb", "categories", use: categories)
        routes.post("kb", "categories", use: createCategory)
        routes.get("kb", "export", use: exportZip)
        routes.on(.POST, "kb", "import", body: .collect(maxSize: "210mb"), use: importZip)
    }

    func exportZip(req: Request) async throws -> Response { try await KnowledgeTransfer.download(request: req) }

    struct CategoryForm: Content { var name: String?; var kind: String?; var parentId: String?; var sortOrder: String? }

    /// 知识分类: the tree by system, department and problem type, and a form to add to it.
    func categories(req: Request) async throws -> View { try await renderCategories(req, form: CategoryForm(), errors: [:]) }

    func renderCategories(_ req: Request, form: CategoryForm, errors: [String: String]) async throws -> View {
        let user = try req.requireUser()
        guard KnowledgeCategories.mayManage(user) else { throw AppError.denied(.manageKnowledgeCategories) }
        let page = try await PageBase.make(for: req, titleKey: "kb_categories")
        let t = page.t
        let all = try await KnowledgeCategories.all(on: req.db)
        let byId = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        func path(_ c: KBCategoryDTO) -> String {
            var names = [c.name], current = c
            while let parent = current.parentId.flatMap({ byId[$0] }), names.count < 10 { names.insert(parent.name, at: 0); current = parent }
            return names.joined(separator: " / ")
        }
        let kinds = ["system": t[text: "kb_kind_system"], "department": t[text: "kb_kind_department"], "problem": t[text: "kb_kind_problem"]]
        let sql = req.db.sql
        var counts: [UUID: Int] = [:]
        for row in try await sql.raw("SELECT category_id AS c, count(*) AS n FROM kb_articles WHERE category_id IS NOT NULL GROUP BY category_id").all() {
            counts[try row.decode(column: "c", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        let columns = [t[text: "kb_category"], t[text: "kb_category_kind"], t[text: "kb_articles_count"]]
        let rows = all.sorted { path($0) < path($1) }.map { c -> [ListCell] in
            [ListCell(text: path(c), href: "/kb?q=&categoryId=\(c.id)"), ListCell(text: kinds[c.kind] ?? c.kind), ListCell(text: String(counts[c.id] ?? 0))]
        }
        let f = FormValues(form)
        let fields = FormField.withErrors([
            FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
            FormField(name: "kind", label: t[text: "kb_category_kind"], kind: .select,
                      options: FormField.options(KnowledgeCategories.kinds.map { ($0, kinds[$0]!) }, selected: [f["kind"].isEmpty ? "problem" : f["kind"]])),
            FormField(name: "parentId", label: t[text: "kb_category_parent"], kind: .select,
                      options: FormField.options(all.map { ($0.id.uuidString, path($0)) }.sorted { $0.1 < $1.1 }, selected: [f["parentId"]], allowEmpty: t[text: "kb_none"])),
            FormField(name: "sortOrder", label: t[text: "kb_category_order"], kind: .number, value: f["sortOrder"]),
        ], errors, locale: page.lang)
        return try await req.view.render("admin/rules", RulesPageContext(
            page: page, heading: page.title, intro: t[text: "kb_categories_intro"], columns: columns, rows: ListPageContext.labelled(rows, columns),
            emptyText: t[text: "kb_categories_empty"], formAction: "/kb/categories", formTitle: t[text: "kb_category_new"], fields: fields,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"]))
    }

    func createCategory(req: Request) async throws -> Response {
        let form = try req.content.decode(CategoryForm.self)
        do {
            let order = (form.sortOrder ?? "").trimmingCharacters(in: .whitespaces)
            if !order.isEmpty && Int(order) == nil { throw AppError.validation(["sortOrder": "must be a whole number"]) }
            _ = try await KnowledgeCategories.create(KBCategoryBody(name: form.name, kind: form.kind, parentId: form.parentId, sortOrder: Int(order)), request: req)
            return req.redirect(to: "/kb/categories", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await renderCategories(req, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func importZip(req: Request) async throws -> Response {
        do {
            let result = try await KnowledgeTransfer.upload(request: req)
            return req.redirect(to: "/kb", flash: result.created + result.updated > 0 ? "kb_imported" : "kb_import_unchanged")
        } catch let error as AppError where error.status == .unprocessableEntity || error.status == .unsupportedMediaType || error.status == .payloadTooLarge {
            return req.redirect(to: "/kb", flash: "error_kb_import")
        }
    }

    func attachment(req: Request) async throws -> Response {
        try await KnowledgeAttachments.download(req.parameters.get("articleId", as: UUID.self), req.parameters.get("attachmentId", as: UUID.self), request: req)
    }

    func upload(req: Request) async throws -> Response {
        let id = req.parameters.get("articleId", as: UUID.self)
        do {
            _ = try await KnowledgeAttachments.upload(id, request: req)
            return req.redirect(to: "/kb/articles/\(id!)/edit", flash: "saved")
        } catch let error as AppError where error.status.code < 500 && error.status != .forbidden && error.status != .notFound {
            return req.redirect(to: "/kb/articles/\(id!)/edit", flash: "error_kb_attachment")
        }
    }

    // MARK: - Search and browse

    struct IndexContext: Encodable {
        struct Hit: Encodable { var href: String; var title: String; var snippet: SafeHTML; var tags: [String]; var at: String }
        struct Row: Encodable { var href: String; var title: String; var status: String; var statusLabel: String; var at: String; var owner: String }
        var page: PageBase
        var external: Bool
        var q: String
        var searched: Bool
        var filtered: Bool
        var foundText: String
        var total: Int
        var hits: [Hit]
        var filters: [FormField]
        var pager: ListPageContext.Pager
        var canWrite: Bool
        var recent: [Row]
        var mine: [Row]
        var inReview: [Row]
        /// 待审核的修订 of published articles, for reviewers.
        var pendingRevisions: [Row] = []
        var reviewDue: [Row]
        var stats: Stats?
        struct Stats: Encodable { var top: [Row]; var missed: [String] }
        struct Solution: Encodable { var href: String; var number: String; var title: String; var snippet: SafeHTML }
        var solutions: [Solution] = []
        var canTransfer = false
    }

    func base(_ req: Request, _ key: String) async throws -> PageBase {
        if req.isExternal { return try await PageBase.make(for: req, titleKey: key) }
        _ = try req.requireUser()
        return try await PageBase.make(for: req, titleKey: key)
    }

    func index(req: Request) async throws -> View {
        let page = try await base(req, "kb_title")
        let t = page.t
        let access = try await KBAccess.of(req)
        let q = String((req.queryParameter("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        let filters = try await KnowledgeController.filters(req)
        let paging = try PageRequest(from: req)
        let per = min(paging.per, 20)
        var hits: [IndexContext.Hit] = [], total = 0
        if !q.isEmpty {
            let result = try await KnowledgeService.search(q, filters: filters, page: PageRequest(page: paging.page, per: per), access: access, now: req.now,
                                                           on: req.db, writer: req.application)
            total = result.total
            hits = result.items.map { .init(href: "/kb/articles/\($0.id)", title: $0.title, snippet: SafeHTML(escaped: $0.snippet), tags: $0.tags, at: DisplayTime.short($0.updatedAt, req)) }
        }
        let categories = try await KnowledgeCategories.all(on: req.db)
        let systems = try await BusinessSystem.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all()
        let kinds = ["system": t[text: "kb_kind_system"], "department": t[text: "kb_kind_department"], "problem": t[text: "kb_kind_problem"]]
        let filterFields = [
            FormField(name: "categoryId", label: t[text: "ticket_category"], kind: .select,
                      options: FormField.options(categories.map { ($0.id.uuidString, (kinds[$0.kind] ?? "") + " / " + $0.name) },
                                                 selected: [req.queryParameter("categoryId") ?? ""], allowEmpty: t[text: "filter_all"])),
            FormField(name: "businessSystemId", label: t[text: "ticket_system"], kind: .select,
                      options: FormField.options(systems.map { ($0.id!.uuidString, $0.name) }, selected: [req.queryParameter("businessSystemId") ?? ""],
                                                 allowEmpty: t[text: "filter_all"])),
            FormField(name: "tag", label: t[text: "kb_tags"], kind: .text, value: req.queryParameter("tag") ?? "", maxLength: 20),
        ]
        func rows(_ articles: [KBArticle], owners: [UUID: String]) -> [IndexContext.Row] {
            articles.map { .init(href: "/kb/articles/\($0.id!)", title: $0.title, status: $0.status, statusLabel: t["kb_status_" + $0.status] ?? $0.status,
                                 at: DisplayTime.short($0.updatedAt, req), owner: owners[$0.ownerId] ?? "") }
        }
        var recent: [IndexContext.Row] = [], mine: [IndexContext.Row] = [], inReview: [IndexContext.Row] = [], due: [IndexContext.Row] = []
        var pendingRevisions: [IndexContext.Row] = []
        var stats: IndexContext.Stats?
        if q.isEmpty {
            let sql = req.db.sql
            let ids = try await sql.raw("""
                SELECT a.id FROM kb_articles a WHERE a.status = 'published' AND \(access.visibilitySQL()) ORDER BY a.updated_at DESC LIMIT 10
                """).all().map { try $0.decode(column: "id", as: UUID.self) }
            let latest = ids.isEmpty ? [] : try await KBArticle.query(on: req.db).filter(\.$id ~~ ids).sort(\.$updatedAt, .descending).all()
            recent = rows(latest, owners: [:])
            if let userId = access.userId, access.canWrite || access.seesEverything {
                let own = try await KBArticle.query(on: req.db).filter(\.$ownerId == userId).filter(\.$status ~~ ["draft", "review"])
                    .sort(\.$updatedAt, .descending).limit(20).all()
                mine = rows(own, owners: [:])
                let overdue = try await KBArticle.query(on: req.db).filter(\.$ownerId == userId).filter(\.$status == "published")
                    .filter(\.$reviewDueAt <= req.now.addingTimeInterval(14 * 86_400)).sort(\.$reviewDueAt).limit(20).all()
                due = rows(overdue, owners: [:])
                if access.isReviewer {
                    let waiting = try await KBArticle.query(on: req.db).filter(\.$status == "review").sort(\.$updatedAt).limit(20).all()
                    let owners = try await KnowledgeController().names(Set(waiting.map(\.ownerId)), on: req.db)
                    inReview = rows(waiting, owners: owners)
                    let revisions = try await KBArticleRevision.query(on: req.db).filter(\.$status == KBRevisionStatus.pending.rawValue)
                        .sort(\.$updatedAt).limit(20).all()
                    let revised = revisions.isEmpty ? [] : try await KBArticle.query(on: req.db).filter(\.$id ~~ revisions.map(\.articleId)).all()
                    let authors = try await KnowledgeController().names(Set(revisions.map(\.authorId)), on: req.db)
                    let byId = Dictionary(uniqueKeysWithValues: revised.map { ($0.id!, $0) })
                    pendingRevisions = revisions.compactMap { r in
                        byId[r.articleId].map { .init(href: "/kb/articles/\($0.id!)/revision", title: $0.title, status: r.status, statusLabel: "",
                                                      at: DisplayTime.short(r.updatedAt, req), owner: authors[r.authorId] ?? "") }
                    }
                    let top = try await KBArticle.query(on: req.db).filter(\.$status == "published").sort(\.$views, .descending).limit(5).all()
                    let since = req.now.addingTimeInterval(-90 * 86_400)
                    // Searches on the external listener are anyone's: logged, marked, and left out here.
                    let missed = try await KBSearchLog.query(on: req.db).filter(\.$results == 0).filter(\.$external == false).filter(\.$at >= since)
                        .sort(\.$at, .descending).limit(200).all()
                    var counts: [String: Int] = [:]
                    for m in missed { counts[m.query, default: 0] += 1 }
                    stats = .init(top: rows(top, owners: [:]).enumerated().map { i, row in
                        var row = row; row.owner = t[text: "kb_views"].replacingOccurrences(of: "{n}", with: String(top[i].views)); return row
                    }, missed: counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map { "\($0.key)（\($0.value)）" })
                }
            }
        }
        var solutions: [IndexContext.Solution] = []
        if !q.isEmpty, !access.external, let user = req.currentUser, user.worksTickets, paging.page == 1 {
            solutions = try await KnowledgeController.ticketSolutions(q, limit: 5, request: req).map {
                .init(href: "/tickets/\($0.id)", number: $0.number, title: $0.title, snippet: SafeHTML(escaped: $0.snippet))
            }
        }
        return try await req.view.render("kb/index", IndexContext(
            page: page, external: access.external, q: q, searched: !q.isEmpty,
            filtered: filters.categoryIds != nil || filters.tag != nil || filters.businessSystemId != nil,
            foundText: t[text: "kb_found_n"].replacingOccurrences(of: "{n}", with: String(total)), total: total, hits: hits, filters: filterFields,
            pager: .init(request: req, page: paging.page, per: per, total: total), canWrite: access.canWrite,
            recent: recent, mine: mine, inReview: inReview, pendingRevisions: pendingRevisions, reviewDue: due, stats: stats, solutions: solutions, canTransfer: access.isReviewer))
    }

    // MARK: - The article

    struct ArticleContext: Encodable {
        struct Action: Encodable { var action: String; var label: String; var needsReason: Bool; var primary: Bool }
        struct Mark: Encodable { var kind: String; var original: String; var replacement: String }
        var page: PageBase
        var external: Bool
        var article: KBArticleDTO
        var bodyHTML: SafeHTML
        var statusLabel: String
        var visibilityLabel: String
        var category: String
        var system: String
        var owner: String
        var updated: String
        var reviewDue: String
        var reviewOverdue: Bool
        var canEdit: Bool
        var canReadHistory: Bool
        var canFeedback: Bool
        var myVote: String
        var actions: [Action]
        var redactions: [Mark]
        var redactedHTML: SafeHTML?
        var sourceTicket: String?
        struct File: Encodable { var url: String; var name: String; var size: String; var isImage: Bool }
        var files: [File] = []
        /// 有待审核的修订: for the article's maintainers and those who read every article.
        var revision: RevisionPanel?
    }

    struct RevisionPanel: Encodable {
        var href: String
        var author: String
        var at: String
        var note: String
        var changes: String
        var canDecide: Bool
    }

    /// The panel of a pending revision, or nil when none is pending or the reader may not see it.
    func revisionPanel(_ a: KBArticle, _ access: KBAccess, _ t: [String: String], _ req: Request) async throws -> RevisionPanel? {
        guard access.mayReadHistory(a), let r = try await KnowledgeRevisions.pending(try a.requireID(), on: req.db) else { return nil }
        let author = try await User.find(r.authorId, on: req.db)?.displayName ?? ""
        let changed = KnowledgeRevisions.changes(KnowledgeRevisions.proposed(a, r), from: a).map { t[text: Self.fieldLabelKey[$0] ?? "kb_body"] }
        return RevisionPanel(href: "/kb/articles/\(try a.requireID())/revision", author: author, at: DisplayTime.short(r.updatedAt, req), note: r.note ?? "",
                             changes: changed.joined(separator: "、"), canDecide: access.isReviewer && a.status == KBStatus.published.rawValue)
    }

    static let fieldLabelKey = ["title": "col_title", "body": "kb_body", "tags": "kb_tags", "categoryId": "ticket_category", "businessSystemId": "ticket_system",
                                "visibility": "kb_visibility", "teamId": "kb_team", "departmentId": "kb_department"]

    func article(req: Request) async throws -> View {
        let page = try await base(req, "kb_title")
        let t = page.t
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        await KnowledgeService.countView(a, writer: req.application)
        let dto = KnowledgeService.dto(a, includeRedactions: access.maintains(a))
        var actions: [ArticleContext.Action] = []
        if access.canWrite && access.maintains(a) {
            func add(_ action: String, reason: Bool = false, primary: Bool = false) {
                actions.append(.init(action: action, label: t[text: "kb_action_" + action], needsReason: reason, primary: primary))
            }
            switch a.status {
            case "draft":
                add("submit", primary: true)
                if access.isReviewer { add("publish") }
                if access.isReviewer || a.ownerId == access.userId { add("archive") }
            case "review":
                if access.isReviewer { add("publish", primary: true); add("reject", reason: true) }
            case "published":
                if access.isReviewer { add("confirm_review"); add("archive") } else if a.ownerId == access.userId { add("archive") }
            default:
                if access.isReviewer { add("restore") }
            }
        }
        var myVote = ""
        if let userId = access.userId, let vote = try await KBFeedback.query(on: req.db).filter(\.$articleId == a.id!).filter(\.$userId == userId).first() {
            myVote = vote.helpful ? "yes" : "no"
        }
        var category = "", system = ""
        if let id = a.categoryId { category = try await KBCategory.find(id, on: req.db)?.name ?? "" }
        if let id = a.businessSystemId { system = try await BusinessSystem.find(id, on: req.db)?.name ?? "" }
        let owner = access.external ? "" : (try await User.find(a.ownerId, on: req.db)?.displayName ?? "")
        var marks: [ArticleContext.Mark] = []
        var redactedHTML: SafeHTML?
        if let redactions = dto.redactions, !redactions.isEmpty {
            marks = redactions.map { .init(kind: t["pii_" + $0.kind.rawValue] ?? $0.kind.rawValue, original: $0.original, replacement: $0.replacement) }
            // The text as the reviewer must check it: every placeholder the de-identifier put in, highlighted.
            // Placeholders (【手机号】) hold no character the escaping changes, so they are found in the escaped text as written.
            var html = SafeHTML.text(a.body).markup
            for placeholder in Set(redactions.map(\.replacement)) {
                let escaped = SafeHTML.text(placeholder)
                html = html.replacingOccurrences(of: escaped.markup, with: ("<mark class=\"pii\">\(escaped)</mark>" as SafeHTML).markup)
            }
            redactedHTML = SafeHTML(escaped: html)
        }
        var sourceTicket: String?
        if let id = a.sourceTicketId, !access.external, access.isStaff { sourceTicket = try await Ticket.find(id, on: req.db)?.number }
        return try await req.view.render("kb/article", ArticleContext(
            page: page, external: access.external, article: dto, bodyHTML: SafeHTML(escaped: Markdown.html(a.body)), statusLabel: t["kb_status_" + a.status] ?? a.status,
            visibilityLabel: t["kb_visibility_" + a.visibility] ?? a.visibility, category: category, system: system, owner: owner,
            updated: DisplayTime.short(a.updatedAt, req), reviewDue: a.reviewDueAt.map { DisplayTime.short($0, req) } ?? "",
            reviewOverdue: a.status == "published" && (a.reviewDueAt.map { $0 <= req.now } ?? false),
            canEdit: access.mayEdit(a), canReadHistory: access.mayReadHistory(a), canFeedback: access.givesFeedback && a.status == "published",
            myVote: myVote, actions: actions,
            redactions: marks, redactedHTML: redactedHTML, sourceTicket: sourceTicket,
            files: try await KBAttachment.query(on: req.db).filter(\.$articleId == a.id!).sort(\.$createdAt).all().map {
                .init(url: "/kb/articles/\(try a.requireID())/attachments/\($0.id!)", name: $0.fileName, size: humanSize($0.size),
                      isImage: $0.contentType.hasPrefix("image/"))
            },
            revision: try await revisionPanel(a, access, t, req)))
    }
}
