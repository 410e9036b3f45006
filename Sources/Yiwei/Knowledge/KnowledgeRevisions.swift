import Fluent
import Foundation
import Vapor
import YiweiCore
import YiweiText

/// 修订审核 (KB-2, KB-3): editors who do not review knowledge change a published article through a revision that a
/// reviewer approves or rejects; until then readers, search and the external listener see the published version.
/// A second edit while one is pending updates it (one pending revision per article); reviewers' own edits apply
/// directly. Making an article public is a reviewer's decision on every path.
enum KnowledgeRevisions {
    static let fields = ["title", "body", "tags", "categoryId", "businessSystemId", "visibility", "teamId", "departmentId"]

    static func pending(_ articleId: UUID, on db: any Database) async throws -> KBArticleRevision? {
        try await KBArticleRevision.query(on: db).filter(\.$articleId == articleId).filter(\.$status == KBRevisionStatus.pending.rawValue).first()
    }

    /// `public` is set only by those who review knowledge — on create, edit and revision alike; keeping an
    /// article public that already is (an editor saving the form of a public article) is not setting it.
    static func checkVisibility(_ requested: String?, current: String?, _ access: KBAccess) throws {
        guard requested == KBVisibility.public.rawValue, current != KBVisibility.public.rawValue, !access.isReviewer else { return }
        throw AppError.denied(.reviewKnowledge, "making an article public (extranet) is a reviewer's decision")
    }

    /// The article as it would read with the revision applied — a scratch copy, never saved.
    static func proposed(_ a: KBArticle, _ r: KBArticleRevision?) -> KBArticle {
        let p = KBArticle()
        p.id = a.id; p.status = a.status; p.ownerId = a.ownerId; p.version = a.version
        p.title = r?.title ?? a.title; p.body = r?.body ?? a.body; p.tags = r?.tags ?? a.tags; p.plain = a.plain
        p.categoryId = r == nil ? a.categoryId : r?.categoryId
        p.businessSystemId = r == nil ? a.businessSystemId : r?.businessSystemId
        p.visibility = r?.visibility ?? a.visibility
        p.teamId = r == nil ? a.teamId : r?.teamId
        p.departmentId = r == nil ? a.departmentId : r?.departmentId
        return p
    }

    static func changes(_ p: KBArticle, from a: KBArticle) -> [String] {
        var changed: [String] = []
        if p.title != a.title { changed.append("title") }
        if p.body != a.body { changed.append("body") }
        if p.tags != a.tags { changed.append("tags") }
        if p.categoryId != a.categoryId { changed.append("categoryId") }
        if p.businessSystemId != a.businessSystemId { changed.append("businessSystemId") }
        if p.visibility != a.visibility { changed.append("visibility") }
        if p.teamId != a.teamId { changed.append("teamId") }
        if p.departmentId != a.departmentId { changed.append("departmentId") }
        return changed
    }

    static func dto(_ r: KBArticleRevision, article a: KBArticle?, authorName: String? = nil) -> KBRevisionDTO {
        let changed = (r.status == KBRevisionStatus.pending.rawValue ? a : nil).map { changes(proposed($0, r), from: $0) } ?? []
        return KBRevisionDTO(id: r.id!, articleId: r.articleId, baseVersion: r.baseVersion, status: r.status, title: r.title, body: r.body, tags: r.tagList,
                             categoryId: r.categoryId, businessSystemId: r.businessSystemId, visibility: r.visibility, teamId: r.teamId,
                             departmentId: r.departmentId, note: r.note, authorId: r.authorId, authorName: authorName, editorId: r.editorId,
                             createdAt: r.createdAt, updatedAt: r.updatedAt, decidedBy: r.decidedBy, decidedAt: r.decidedAt, reason: r.reason,
                             version: r.version, changes: changed)
    }

    /// The article's DTO with its pending revision for those who maintain it or read every article.
    static func articleDTO(_ a: KBArticle, access: KBAccess, ownerName: String? = nil, on db: any Database) async throws -> KBArticleDTO {
        var dto = KnowledgeService.dto(a, ownerName: ownerName, includeRedactions: access.maintains(a))
        if access.mayReadHistory(a), let r = try await pending(try a.requireID(), on: db) {
            dto.pendingRevision = Self.dto(r, article: a, authorName: try await User.find(r.authorId, on: db)?.displayName)
        }
        return dto
    }

    static func comparison(_ a: KBArticle, _ r: KBArticleRevision) -> TextDiff.Comparison {
        TextDiff.compare("# " + a.title + "\n\n" + a.body, "# " + r.title + "\n\n" + r.body)
    }

    /// An edit of a published article by an editor who does not review knowledge: stored as the pending revision
    /// (a new one, or the pending one updated); the article itself is not touched. `nil` when it changes nothing.
    static func propose(_ body: KBArticleBody, to a: KBArticle, by userId: UUID, actor: AuditActor, now: Date, on db: any Database,
                        writer: Application) async throws -> KBRevisionDTO? {
        let existing = try await pending(try a.requireID(), on: db)
        let p = proposed(a, existing)
        var v = Validator()
        try await KnowledgeService.apply(body, to: p, creating: false, &v, on: db)
        if let note = body.note, note.count > 200 { v.add("note", "at most 200 characters") }
        try v.check()
        if existing == nil && changes(p, from: a).isEmpty { return nil }
        let articleId = try a.requireID(), version = a.version, note = body.note
        let article = UncheckedModel(a), proposal = UncheckedModel(p)
        return try await writer.write { db in
            let p = proposal.model
            let found = try await pending(articleId, on: db)
            let r = found ?? KBArticleRevision()
            if found == nil {
                r.id = UUID(); r.articleId = articleId; r.baseVersion = version; r.authorId = userId; r.status = KBRevisionStatus.pending.rawValue
                r.createdAt = now
            }
            r.title = p.title; r.body = p.body; r.tags = p.tags; r.categoryId = p.categoryId; r.businessSystemId = p.businessSystemId
            r.visibility = p.visibility; r.teamId = p.teamId; r.departmentId = p.departmentId
            r.note = note ?? r.note; r.editorId = userId; r.updatedAt = now
            try await r.save(on: db)
            let dto = dto(r, article: article.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: found == nil ? "kb.revision_propose" : "kb.revision_update",
                                      entityType: "kb_article", entityId: articleId.uuidString,
                                      after: ["revisionId": try r.requireID().uuidString, "changes": dto.changes.joined(separator: ","), "visibility": r.visibility,
                                              "note": r.note ?? ""])
            return dto
        }
    }

    /// `approve_revision`: the revision becomes the published text — a new version, search re-indexed, the review
    /// date moved on (the reviewer has just read the article).
    static func approve(_ a: KBArticle, access: KBAccess, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> KBArticleDTO {
        guard let reviewer = access.userId, access.isReviewer else { throw AppError.denied(.reviewKnowledge) }
        guard a.status == KBStatus.published.rawValue else {
            throw AppError(.conflict, .invalidTransition, "cannot approve a revision of an article that is \(a.status)")
        }
        guard let r = try await pending(try a.requireID(), on: db) else { throw AppError(.conflict, .noPendingRevision, "the article has no pending revision") }
        let before: [String: String] = ["version": String(a.version), "title": a.title, "visibility": a.visibility]
        let changed = changes(proposed(a, r), from: a)
        a.title = r.title; a.body = r.body; a.tags = r.tags; a.categoryId = r.categoryId; a.businessSystemId = r.businessSystemId
        a.visibility = r.visibility; a.teamId = r.teamId; a.departmentId = r.departmentId; a.plain = Markdown.plainText(r.body)
        a.version += 1; a.updatedAt = now; a.reviewerId = reviewer; a.reviewDueAt = now.addingTimeInterval(KnowledgeService.reviewInterval)
        r.status = KBRevisionStatus.approved.rawValue; r.decidedBy = reviewer; r.decidedAt = now; r.version = a.version
        let article = UncheckedModel(a), revision = UncheckedModel(r)
        return try await writer.write { db in
            try await article.model.update(on: db)
            try await revision.model.update(on: db)
            try await KnowledgeService.version(article.model, editor: revision.model.authorId, note: revision.model.note ?? "修订审核通过", at: now).create(on: db)
            try await KnowledgeSearch.index(article.model, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "kb.approve_revision", entityType: "kb_article",
                                      entityId: try article.model.requireID().uuidString, before: before,
                                      after: ["version": String(article.model.version), "title": article.model.title, "visibility": article.model.visibility,
                                              "revisionId": try revision.model.requireID().uuidString, "changes": changed.joined(separator: ",")])
            return KnowledgeService.dto(article.model, includeRedactions: true)
        }
    }

    /// `reject_revision` (with a reason): the published text stays; the revision is kept as rejected.
    static func reject(_ a: KBArticle, reason: String?, access: KBAccess, actor: AuditActor, now: Date, on db: any Database,
                       writer: Application) async throws -> KBArticleDTO {
        guard let reviewer = access.userId, access.isReviewer else { throw AppError.denied(.reviewKnowledge) }
        let reason = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty { throw AppError.validation(["reason": "say what needs to change"]) }
        if reason.count > 200 { throw AppError.validation(["reason": "at most 200 characters"]) }
        guard let r = try await pending(try a.requireID(), on: db) else { throw AppError(.conflict, .noPendingRevision, "the article has no pending revision") }
        r.status = KBRevisionStatus.rejected.rawValue; r.decidedBy = reviewer; r.decidedAt = now; r.reason = reason
        let article = UncheckedModel(a), revision = UncheckedModel(r)
        return try await writer.write { db in
            try await revision.model.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "kb.reject_revision", entityType: "kb_article",
                                      entityId: try article.model.requireID().uuidString,
                                      after: ["version": String(article.model.version), "revisionId": try revision.model.requireID().uuidString, "reason": reason])
            return KnowledgeService.dto(article.model, includeRedactions: true)
        }
    }

    /// Every revision of an article, newest first, with their authors' names.
    static func all(_ a: KBArticle, on db: any Database) async throws -> [KBRevisionDTO] {
        let revisions = try await KBArticleRevision.query(on: db).filter(\.$articleId == a.id!).sort(\.$createdAt, .descending).limit(200).all()
        let ids = Set(revisions.map(\.authorId))
        let names = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ Array(ids)).all().map { ($0.id!, $0.displayName) })
        return revisions.map { dto($0, article: a, authorName: names[$0.authorId]) }
    }
}
