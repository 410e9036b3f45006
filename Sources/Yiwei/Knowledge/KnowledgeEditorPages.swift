import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText

/// 知识库 pages for writing: the editor and the workflow buttons, feedback and "这解决了我的问题", history with diffs,
/// the review of a pending revision, and ticket → article.
extension KnowledgePages {
    // MARK: - Editor

    struct Form: Content {
        var title: String?, body: String?, categoryId: String?, businessSystemId: String?, tags: String?, visibility: String?
        var teamId: String?, departmentId: String?, note: String?, restoreVersion: Int?
    }

    struct EditContext: Encodable {
        var page: PageBase
        var heading: String
        var action: String
        var cancelHref: String
        var fields: [FormField]
        var body: String
        var bodyError: String?
        var errorSummary: String?
        var isEdit: Bool
        struct File: Encodable { var url: String; var name: String; var markdown: String }
        var files: [File] = []
        var uploadAction: String?
        /// To an editor who does not review knowledge, editing a published article: the change goes to review.
        var reviewNotice: String?
    }

    func newForm(req: Request) async throws -> View {
        let access = try await KBAccess.of(req)
        guard access.canWrite else { throw AppError.denied(.writeKnowledge) }
        return try await renderForm(req, article: nil, form: Form(visibility: "internal"), errors: [:])
    }

    func editForm(req: Request) async throws -> View {
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        guard access.mayEdit(a) else { throw AppError.refused("kb_article_maintainer") }
        // An editor whose change goes to review continues the pending revision, if there is one.
        let goesToReview = a.status == KBStatus.published.rawValue && !access.isReviewer
        let p = goesToReview ? KnowledgeRevisions.proposed(a, try await KnowledgeRevisions.pending(try a.requireID(), on: req.db)) : a
        let form = Form(title: p.title, body: p.body, categoryId: p.categoryId?.uuidString, businessSystemId: p.businessSystemId?.uuidString,
                        tags: p.tagList.joined(separator: "，"), visibility: p.visibility, teamId: p.teamId?.uuidString, departmentId: p.departmentId?.uuidString)
        return try await renderForm(req, article: a, form: form, errors: [:])
    }

    func renderForm(_ req: Request, article: KBArticle?, form: Form, errors: [String: String]) async throws -> View {
        let page = try await PageBase.make(for: req, titleKey: article == nil ? "kb_new" : "kb_edit")
        let t = page.t
        let access = try await KBAccess.of(req)
        // 公开 (the extranet) is offered to reviewers, and kept on an article that already is public.
        let visibilities = KBVisibility.allCases.filter { $0 != .public || access.isReviewer || article?.visibility == KBVisibility.public.rawValue }
        var reviewNotice: String?
        if let a = article, a.status == KBStatus.published.rawValue, !access.isReviewer {
            reviewNotice = try await KnowledgeRevisions.pending(try a.requireID(), on: req.db) == nil ? t[text: "kb_edit_goes_to_review"] : t[text: "kb_edit_continues_revision"]
        }
        let lookups = try await req.reference().lookups
        let categories = try await KnowledgeCategories.all(on: req.db)
        let systems = try await BusinessSystem.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        let kinds = ["system": t[text: "kb_kind_system"], "department": t[text: "kb_kind_department"], "problem": t[text: "kb_kind_problem"]]
        let f = FormValues(form)
        var fields = [
            FormField(name: "title", label: t[text: "col_title"], kind: .text, value: f["title"], required: true, maxLength: 120),
            FormField(name: "categoryId", label: t[text: "ticket_category"], kind: .select,
                      options: FormField.options(categories.map { ($0.id.uuidString, (kinds[$0.kind] ?? "") + " / " + $0.name) }, selected: [f["categoryId"]],
                                                 allowEmpty: t[text: "kb_none"])),
            FormField(name: "businessSystemId", label: t[text: "ticket_system"], kind: .select,
                      options: FormField.options(systems, selected: [f["businessSystemId"]], allowEmpty: t[text: "kb_none"])),
            FormField(name: "tags", label: t[text: "kb_tags"], kind: .text, value: f["tags"], maxLength: 200, help: t["help_kb_tags"]),
            FormField(name: "visibility", label: t[text: "kb_visibility"], kind: .select,
                      options: FormField.options(visibilities.map { ($0.rawValue, t[text: "kb_visibility_" + $0.rawValue]) },
                                                 selected: [f["visibility"].isEmpty ? "internal" : f["visibility"]]), help: t["help_kb_visibility"]),
            FormField(name: "teamId", label: t[text: "kb_team"], kind: .select,
                      options: FormField.options(lookups.teams.map { ($0.0.uuidString, $0.1) }, selected: [f["teamId"]], allowEmpty: t[text: "kb_none"]),
                      help: t["help_kb_team"]),
            FormField(name: "departmentId", label: t[text: "kb_department"], kind: .select,
                      options: FormField.options(lookups.departments.map { ($0.0.uuidString, $0.1) }, selected: [f["departmentId"]], allowEmpty: t[text: "kb_none"]),
                      help: t["help_kb_department"]),
        ]
        if article != nil { fields.append(FormField(name: "note", label: t[text: "kb_note"], kind: .text, value: f["note"], maxLength: 200)) }
        fields = FormField.withErrors(fields, errors, locale: page.lang)
        var files: [EditContext.File] = []
        if let a = article {
            files = try await KBAttachment.query(on: req.db).filter(\.$articleId == a.id!).sort(\.$createdAt).all().map { f in
                let url = "/kb/articles/\(try a.requireID())/attachments/\(try f.requireID())"
                return EditContext.File(url: url, name: f.fileName, markdown: f.contentType.hasPrefix("image/") ? "![\(f.fileName)](\(url))" : "[\(f.fileName)](\(url))")
            }
        }
        return try await req.view.render("kb/form", EditContext(
            page: page, heading: page.title, action: article.map { "/kb/articles/\($0.id!)/edit" } ?? "/kb/new",
            cancelHref: article.map { "/kb/articles/\($0.id!)" } ?? "/kb", fields: fields, body: f["body"], bodyError: errors["body"],
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"], isEdit: article != nil,
            files: files,
            uploadAction: article.map { "/kb/articles/\($0.id!)/attachments" }, reviewNotice: reviewNotice))
    }

    static func body(_ form: Form) -> KBArticleBody {
        KBArticleBody(title: form.title, body: form.body, categoryId: form.categoryId ?? "", businessSystemId: form.businessSystemId ?? "",
                      tags: (form.tags ?? "").split(whereSeparator: { ",，、;； ".contains($0) }).map(String.init), visibility: form.visibility,
                      teamId: form.teamId ?? "", departmentId: form.departmentId ?? "", note: (form.note ?? "").isEmpty ? nil : form.note,
                      restoreVersion: form.restoreVersion)
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        do {
            let created = try await KnowledgeService.create(Self.body(form), access: try await KBAccess.of(req), actor: req.auditActor, now: req.now,
                                                            on: req.db, writer: req.application)
            return req.redirect(to: "/kb/articles/\(created.id)", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await renderForm(req, article: nil, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func update(req: Request) async throws -> Response {
        let id = req.parameters.get("articleId", as: UUID.self)
        let form = try req.content.decode(Form.self)
        do {
            // Restoring a version from the history page sends only the version number.
            let body = form.restoreVersion == nil ? Self.body(form) : KBArticleBody(restoreVersion: form.restoreVersion)
            let result = try await KnowledgeService.update(id, body, access: try await KBAccess.of(req), actor: req.auditActor, now: req.now,
                                                           on: req.db, writer: req.application)
            return req.redirect(to: "/kb/articles/\(id!)", flash: result.pending ? "kb_revision_submitted" : "saved")
        } catch let error as AppError where error.fields != nil {
            let (a, _) = try await req.readableArticle(id)
            return try await renderForm(req, article: a, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    struct ActionForm: Content { var action: String?; var reason: String? }

    func action(req: Request) async throws -> Response {
        let id = req.parameters.get("articleId", as: UUID.self)
        let form = try req.content.decode(ActionForm.self)
        do {
            _ = try await KnowledgeService.act(id, KBActionBody(action: form.action, reason: form.reason), access: try await KBAccess.of(req),
                                               actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            return req.redirect(to: "/kb/articles/\(id!)", flash: "kb_done_" + (form.action ?? ""))
        } catch let error as AppError where error.status == .conflict || error.status == .unprocessableEntity {
            return req.redirect(to: "/kb/articles/\(id!)", flash: "error_kb_action")
        }
    }

    struct FeedbackForm: Content { var helpful: String? }

    func feedback(req: Request) async throws -> Response {
        let id = req.parameters.get("articleId", as: UUID.self)
        let form = try req.content.decode(FeedbackForm.self)
        _ = try await KnowledgeService.feedback(id, helpful: form.helpful.map { $0 == "true" }, access: try await KBAccess.of(req), now: req.now,
                                                on: req.db, writer: req.application)
        return req.redirect(to: "/kb/articles/\(id!)", flash: "kb_thanks")
    }

    /// "这解决了我的问题": no report needed; back to the portal.
    func solved(req: Request) async throws -> Response {
        _ = try await KnowledgeService.solved(req.parameters.get("articleId", as: UUID.self), access: try await KBAccess.of(req), actor: req.auditActor,
                                              now: req.now, on: req.db, writer: req.application)
        return req.redirect(to: "/portal", flash: "kb_self_solved")
    }

    // MARK: - History

    struct HistoryContext: Encodable {
        struct Version: Encodable { var version: Int; var previous: Int; var editor: String; var note: String; var at: String; var current: Bool; var restorable: Bool }
        struct Line: Encodable { var op: String; var oldNumber: String; var newNumber: String; var html: SafeHTML }
        var page: PageBase
        var article: KBArticleDTO
        var versions: [Version]
        var from: Int
        var to: Int
        var lines: [Line]
        var canEdit: Bool
        struct Revision: Encodable { var author: String; var at: String; var note: String; var status: String; var statusLabel: String; var decided: String; var reason: String; var href: String? }
        /// 修订审核记录: pending, approved and rejected revisions.
        var revisions: [Revision] = []
    }

    /// A line diff as HTML lines: every text escaped, changed characters in <mark>.
    static func lines(_ comparison: TextDiff.Comparison) -> [HistoryContext.Line] {
        comparison.lines.map { line in
            let html: SafeHTML
            if line.segments.isEmpty {
                html = .text(line.text)
            } else {
                html = line.segments.map { $0.changed ? "<mark>\($0.text)</mark>" : .text($0.text) }.joined()
            }
            return .init(op: line.operation.rawValue, oldNumber: line.oldNumber.map(String.init) ?? "", newNumber: line.newNumber.map(String.init) ?? "", html: html)
        }
    }

    func history(req: Request) async throws -> View {
        let page = try await base(req, "kb_history")
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        guard !access.external else { throw AppError.notFound("article") }
        guard access.mayReadHistory(a) else { throw AppError.refused("kb_history") }
        let versions = try await KBArticleVersion.query(on: req.db).filter(\.$articleId == a.id!).sort(\.$version, .descending).all()
        let editors = try await KnowledgeController().names(Set(versions.map(\.editorId)), on: req.db)
        let to = min(max(1, req.query[Int.self, at: "to"] ?? a.version), a.version)
        let from = min(max(1, req.query[Int.self, at: "from"] ?? max(1, to - 1)), a.version)
        var lines: [HistoryContext.Line] = []
        if let old = versions.first(where: { $0.version == from }), let new = versions.first(where: { $0.version == to }), from != to {
            lines = Self.lines(TextDiff.compare("# " + old.title + "\n\n" + old.body, "# " + new.title + "\n\n" + new.body))
        }
        let t = page.t
        let revisions = try await KnowledgeRevisions.all(a, on: req.db).map { r in
            HistoryContext.Revision(author: r.authorName ?? "", at: DisplayTime.short(r.updatedAt, req), note: r.note ?? "", status: r.status,
                                    statusLabel: t[text: "kb_revision_status_" + r.status],
                                    decided: r.decidedAt.map { DisplayTime.short($0, req) } ?? "", reason: r.reason ?? "",
                                    href: r.status == KBRevisionStatus.pending.rawValue ? "/kb/articles/\(try a.requireID())/revision" : nil)
        }
        return try await req.view.render("kb/history", HistoryContext(
            page: page, article: KnowledgeService.dto(a),
            versions: versions.map { .init(version: $0.version, previous: $0.version - 1, editor: editors[$0.editorId] ?? "", note: $0.note ?? "", at: DisplayTime.short($0.createdAt, req),
                                           current: $0.version == a.version, restorable: $0.version != a.version) },
            from: from, to: to, lines: lines, canEdit: access.mayEdit(a), revisions: revisions))
    }

    // MARK: - Revision review

    struct RevisionContext: Encodable {
        struct Change: Encodable { var label: String; var published: String; var proposed: String }
        var page: PageBase
        var article: KBArticleDTO
        var author: String
        var at: String
        var note: String
        var baseVersion: Int
        var changes: [Change]
        var lines: [HistoryContext.Line]
        var canDecide: Bool
    }

    /// 修订审核: the pending revision against the published text, with approve and reject for reviewers.
    func revision(req: Request) async throws -> View {
        let page = try await base(req, "kb_revision_title")
        let t = page.t
        let (a, access) = try await req.readableArticle(req.parameters.get("articleId", as: UUID.self))
        guard !access.external else { throw AppError.notFound("article") }
        guard access.mayReadHistory(a) else { throw AppError.refused("kb_history") }
        guard let r = try await KnowledgeRevisions.pending(try a.requireID(), on: req.db) else { throw AppError.notFound("pending revision") }
        let p = KnowledgeRevisions.proposed(a, r)
        // Names for the fields other than the text, as the editor shows them.
        var names: [UUID: String] = [:]
        let ids = Set([a.categoryId, p.categoryId].compactMap { $0 })
        if !ids.isEmpty { for c in try await KBCategory.query(on: req.db).filter(\.$id ~~ Array(ids)).all() { names[try c.requireID()] = c.name } }
        let systems = Set([a.businessSystemId, p.businessSystemId].compactMap { $0 })
        if !systems.isEmpty { for x in try await BusinessSystem.query(on: req.db).filter(\.$id ~~ Array(systems)).all() { names[try x.requireID()] = x.name } }
        let teams = Set([a.teamId, p.teamId].compactMap { $0 })
        if !teams.isEmpty { for x in try await Team.query(on: req.db).filter(\.$id ~~ Array(teams)).all() { names[try x.requireID()] = x.name } }
        let departments = Set([a.departmentId, p.departmentId].compactMap { $0 })
        if !departments.isEmpty { for x in try await Department.query(on: req.db).filter(\.$id ~~ Array(departments)).all() { names[try x.requireID()] = x.name } }
        func value(_ field: String, _ x: KBArticle) -> String {
            switch field {
            case "tags": return x.tagList.joined(separator: "，")
            case "visibility": return t[text: "kb_visibility_" + x.visibility]
            case "categoryId": return x.categoryId.flatMap { names[$0] } ?? t[text: "kb_none"]
            case "businessSystemId": return x.businessSystemId.flatMap { names[$0] } ?? t[text: "kb_none"]
            case "teamId": return x.teamId.flatMap { names[$0] } ?? t[text: "kb_none"]
            case "departmentId": return x.departmentId.flatMap { names[$0] } ?? t[text: "kb_none"]
            default: return ""
            }
        }
        let changes = KnowledgeRevisions.changes(p, from: a).filter { $0 != "title" && $0 != "body" }.map {
            RevisionContext.Change(label: t[text: Self.fieldLabelKey[$0] ?? "kb_body"], published: value($0, a), proposed: value($0, p))
        }
        return try await req.view.render("kb/revision", RevisionContext(
            page: page, article: KnowledgeService.dto(a), author: try await User.find(r.authorId, on: req.db)?.displayName ?? "",
            at: DisplayTime.short(r.updatedAt, req), note: r.note ?? "", baseVersion: r.baseVersion, changes: changes,
            lines: Self.lines(KnowledgeRevisions.comparison(a, r)), canDecide: access.isReviewer && a.status == KBStatus.published.rawValue))
    }

    func fromTicket(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let created = try await KnowledgeService.fromTicket(req.parameters.get("ticketId", as: UUID.self), by: user, access: try await KBAccess.of(req),
                                                            reference: try await req.reference(), actor: req.auditActor, now: req.now, on: req.db,
                                                            writer: req.application)
        return req.redirect(to: "/kb/articles/\(created.id)", flash: "kb_drafted")
    }
}
