import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText

enum KBVisibility: String, CaseIterable { case `public`, `internal`, restricted }
package enum KBStatus: String, CaseIterable { case draft, review, published, archived }

/// Who may read and change knowledge articles (KB-3), from the permissions of docs/permissions.md.
///
/// Read: `public` articles — everyone signed in, and anyone on the external listener; `internal` — those who
/// `readInternalKnowledge` (staff, never reporters nor the external listener); `restricted` — the owner, the
/// maintaining team, the named department and those who `readAllKnowledge`. Only published articles are
/// read by others; drafts and articles under review by their owner, the maintaining team and reviewers.
/// Write: `writeKnowledge` creates drafts; the owner, the maintaining team's members and reviewers
/// (`reviewKnowledge`) edit; reviewers publish (审核发布) and archive.
struct KBAccess: Sendable {
    var userId: UUID?
    var permissions: Set<Permission>
    var teamIds: Set<UUID>
    var departmentId: UUID?
    var external: Bool

    /// Anyone on the external listener: public articles only, nothing written.
    static let external = KBAccess(userId: nil, permissions: [], teamIds: [], departmentId: nil, external: true)

    /// A signed-in user's access, with the teams they are a member of.
    static func of(_ user: CurrentUser, on db: any Database) async throws -> KBAccess {
        let teams = Set(try await TeamMember.query(on: db).filter(\.$userId == user.id).all().map(\.teamId))
        return KBAccess(userId: user.id, permissions: user.permissions, teamIds: teams, departmentId: user.departmentId, external: false)
    }

    var isStaff: Bool { !external && permissions.contains(.readInternalKnowledge) }
    var isReviewer: Bool { !external && permissions.contains(.reviewKnowledge) }
    var seesEverything: Bool { !external && permissions.contains(.readAllKnowledge) }
    var canWrite: Bool { !external && permissions.contains(.writeKnowledge) }
    var givesFeedback: Bool { !external && permissions.contains(.giveKnowledgeFeedback) }

    func maintains(_ a: KBArticle) -> Bool {
        guard let userId else { return false }
        return a.ownerId == userId || isReviewer || (a.teamId.map { teamIds.contains($0) } ?? false)
    }

    func mayRead(_ a: KBArticle) -> Bool {
        if a.status != KBStatus.published.rawValue {
            return !external && (maintains(a) || seesEverything)
        }
        switch a.visibility {
        case KBVisibility.public.rawValue: return external || userId != nil
        case KBVisibility.internal.rawValue: return isStaff
        default:
            if external { return false }
            if seesEverything || a.ownerId == userId { return true }
            if let team = a.teamId, teamIds.contains(team) { return true }
            if let department = a.departmentId, department == departmentId { return true }
            return false
        }
    }

    /// The versions and diffs of an article: earlier versions may hold what is no longer published (internal
    /// notes of the ticket a draft came from), so they are for the article's maintainers and for those who
    /// read every article, not for every reader of the published text.
    func mayReadHistory(_ a: KBArticle) -> Bool { !external && (maintains(a) || seesEverything) }

    func mayEdit(_ a: KBArticle) -> Bool { canWrite && maintains(a) && a.status != KBStatus.archived.rawValue }

    /// The same rule as `mayRead` for published articles, as SQL over `kb_articles a`.
    func visibilitySQL() -> SQLExpression {
        if external { return SQLRaw("a.visibility = 'public'") }
        if seesEverything { return SQLRaw("1 = 1") }
        var parts = [isStaff ? "a.visibility IN ('public', 'internal')" : "a.visibility = 'public'"]
        var restricted: [String] = []
        if let userId { restricted.append("a.owner_id = '\(userId.uuidString)'") }
        if !teamIds.isEmpty { restricted.append("a.team_id IN (\(teamIds.map { "'\($0.uuidString)'" }.joined(separator: ", ")))") }
        if let departmentId { restricted.append("a.department_id = '\(departmentId.uuidString)'") }
        if !restricted.isEmpty { parts.append("(a.visibility = 'restricted' AND (" + restricted.joined(separator: " OR ") + "))") }
        return SQLRaw("(" + parts.joined(separator: " OR ") + ")")
    }
}

package enum KnowledgeService {
    package static let reviewInterval: TimeInterval = 182 * 86_400 // at least every six months (seed 004)

    static func dto(_ a: KBArticle, ownerName: String? = nil, includeRedactions: Bool = false) -> KBArticleDTO {
        var redactions: [Redaction]?
        if includeRedactions, let raw = a.redactions { redactions = try? JSONDecoder().decode([Redaction].self, from: Data(raw.utf8)) }
        return KBArticleDTO(id: a.id!, title: a.title, body: a.body, categoryId: a.categoryId, businessSystemId: a.businessSystemId, tags: a.tagList,
                            visibility: a.visibility, status: a.status, ownerId: a.ownerId, ownerName: ownerName, reviewerId: a.reviewerId,
                            teamId: a.teamId, departmentId: a.departmentId, sourceTicketId: a.sourceTicketId, version: a.version,
                            reviewDueAt: a.reviewDueAt, publishedAt: a.publishedAt, views: a.views, helpful: a.helpful,
                            notHelpful: a.notHelpful, solved: a.solved, createdAt: a.createdAt, updatedAt: a.updatedAt, redactions: redactions)
    }

    /// The article if the caller may read it; otherwise "not found" (never revealing that it exists).
    static func readable(_ id: UUID?, access: KBAccess, on db: any Database) async throws -> KBArticle {
        guard let id, let a = try await KBArticle.find(id, on: db), access.mayRead(a) else { throw AppError.notFound("article") }
        return a
    }

    static func cleanTags(_ raw: [String]?, _ v: inout Validator) -> [String] {
        var seen = Set<String>()
        var tags: [String] = []
        for t in (raw ?? []).map({ $0.trimmingCharacters(in: .whitespaces) }) where !t.isEmpty {
            if !KBArticle.isValidTag(t) { v.add("tags", "each tag at most 20 characters, without , % _ \\ or quotes"); continue }
            if seen.insert(t).inserted { tags.append(t) }
        }
        if tags.count > 10 { v.add("tags", "at most 10 tags") }
        return tags
    }

    /// Validates the fields shared by create and update; nil fields keep their value on update.
    static func apply(_ body: KBArticleBody, to a: KBArticle, creating: Bool, _ v: inout Validator, on db: any Database) async throws {
        func blank(_ s: String?) -> String? { (s ?? "").isEmpty ? nil : s }
        if creating || body.title != nil { if let title = v.text("title", body.title, max: 120) { a.title = title } }
        if creating || body.body != nil {
            if let text = body.body, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                if text.utf8.count > 200_000 { v.add("body", "at most 200,000 bytes") } else { a.body = text }
            } else { v.add("body", "required") }
        }
        if creating || body.visibility != nil {
            let visibility = body.visibility ?? KBVisibility.internal.rawValue
            if KBVisibility(rawValue: visibility) == nil { v.add("visibility", "must be one of public, internal, restricted") } else { a.visibility = visibility }
        }
        if let raw = body.categoryId {
            let id = v.uuid("categoryId", blank(raw))
            if let id, try await KBCategory.find(id, on: db) == nil { v.add("categoryId", "no such category") }
            a.categoryId = id
        }
        if let raw = body.businessSystemId {
            let id = v.uuid("businessSystemId", blank(raw))
            if let id, try await BusinessSystem.find(id, on: db) == nil { v.add("businessSystemId", "no such business system") }
            a.businessSystemId = id
        }
        if let raw = body.teamId {
            let id = v.uuid("teamId", blank(raw))
            if let id, try await Team.find(id, on: db) == nil { v.add("teamId", "no such team") }
            a.teamId = id
        }
        if let raw = body.departmentId {
            let id = v.uuid("departmentId", blank(raw))
            if let id, try await Department.find(id, on: db) == nil { v.add("departmentId", "no such department") }
            a.departmentId = id
        }
        if creating || body.tags != nil { a.tags = KBArticle.encodeTags(cleanTags(body.tags, &v)) }
        if a.visibility == KBVisibility.restricted.rawValue && a.teamId == nil && a.departmentId == nil && v.isValid {
            v.add("visibility", "a restricted article names a team or a department that may read it")
        }
        a.plain = Markdown.plainText(a.body)
    }

    package static func version(_ a: KBArticle, editor: UUID, note: String?, at now: Date) -> KBArticleVersion {
        let version = KBArticleVersion()
        version.articleId = a.id!; version.version = a.version; version.title = a.title; version.body = a.body; version.tags = a.tags
        version.editorId = editor; version.note = note; version.createdAt = now
        return version
    }

    static func create(_ body: KBArticleBody, access: KBAccess, actor: AuditActor, now: Date, on db: any Database, writer: Application,
                       sourceTicket: UUID? = nil,
                       redactions: [Redaction]? = nil) async throws -> KBArticleDTO {
        guard access.canWrite, let userId = access.userId else { throw AppError.denied(.writeKnowledge) }
        try KnowledgeRevisions.checkVisibility(body.visibility, current: nil, access)
        var v = Validator()
        let a = KBArticle()
        a.id = UUID(); a.body = ""; a.title = ""; a.visibility = KBVisibility.internal.rawValue; a.tags = ""; a.plain = ""
        try await apply(body, to: a, creating: true, &v, on: db)
        try v.check()
        a.status = KBStatus.draft.rawValue; a.ownerId = userId; a.version = 1; a.views = 0; a.helpful = 0; a.notHelpful = 0; a.solved = 0
        a.sourceTicketId = sourceTicket; a.createdAt = now; a.updatedAt = now
        if let redactions { a.redactions = String(decoding: try JSONEncoder().encode(redactions), as: UTF8.self) }
        let saved = UncheckedModel(a)
        return try await writer.write { db in
            try await saved.model.create(on: db)
            try await version(saved.model, editor: userId, note: sourceTicket == nil ? "创建" : "由工单生成（已脱敏）", at: now).create(on: db)
            try await KnowledgeSearch.index(saved.model, on: db)
            let dto = dto(saved.model, includeRedactions: true)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "kb.create", entityType: "kb_article", entityId: try a.requireID().uuidString,
                                      after: ["title": dto.title, "visibility": dto.visibility, "sourceTicketId": sourceTicket?.uuidString ?? ""])
            return dto
        }
    }

    /// An edit: applied at once to drafts, articles under review and — by reviewers — published ones; for anyone else
    /// a published article's edit becomes its pending revision (`pending` is true, the article is returned unchanged).
    static func update(_ id: UUID?, _ body: KBArticleBody, access: KBAccess, actor: AuditActor, now: Date, on db: any Database,
                       writer: Application) async throws -> (article: KBArticleDTO, pending: Bool) {
        let a = try await readable(id, access: access, on: db)
        guard access.mayEdit(a), let userId = access.userId else { throw AppError.refused("kb_article_maintainer") }
        try KnowledgeRevisions.checkVisibility(body.visibility, current: a.visibility, access)
        var v = Validator()
        var body = body
        if let restore = body.restoreVersion {
            guard let old = try await KBArticleVersion.query(on: db).filter(\.$articleId == a.id!).filter(\.$version == restore).first() else {
                throw AppError.validation(["restoreVersion": "no such version"])
            }
            body.title = old.title; body.body = old.body; body.tags = old.tags.split(separator: ",").map(String.init)
            body.note = body.note ?? "恢复到第 \(restore) 版"
        }
        if a.status == KBStatus.published.rawValue && !access.isReviewer {
            let revision = try await KnowledgeRevisions.propose(body, to: a, by: userId, actor: actor, now: now, on: db, writer: writer)
            var published = dto(a, includeRedactions: true)
            published.pendingRevision = revision
            return (published, revision != nil)
        }
        let before = (a.title, a.body, a.tags)
        try await apply(body, to: a, creating: false, &v, on: db)
        if let note = body.note, note.count > 200 { v.add("note", "at most 200 characters") }
        try v.check()
        let note = body.note
        let changedText = before != (a.title, a.body, a.tags)
        if changedText { a.version += 1 }
        a.updatedAt = now
        let saved = UncheckedModel(a)
        return try await writer.write { db in
            try await saved.model.update(on: db)
            if changedText {
                try await version(saved.model, editor: userId, note: note, at: now).create(on: db)
                try await KnowledgeSearch.index(saved.model, on: db)
            }
            try await AuditLog.append(on: db, at: now, actor: actor, action: "kb.update", entityType: "kb_article", entityId: try saved.model.requireID().uuidString,
                                      after: ["version": String(saved.model.version), "note": note ?? ""])
            return (dto(saved.model, includeRedactions: true), false)
        }
    }

    /// The review workflow: draft → review → published → archived (KB-2).
    static func act(_ id: UUID?, _ body: KBActionBody, access: KBAccess, actor: AuditActor, now: Date, on db: any Database,
                    writer: Application) async throws -> KBArticleDTO {
        let a = try await readable(id, access: access, on: db)
        let actions = ["submit", "publish", "reject", "archive", "restore", "confirm_review", "approve_revision", "reject_revision"]
        guard let action = body.action, actions.contains(action) else {
            throw AppError.validation(["action": "must be one of " + actions.joined(separator: ", ")])
        }
        guard access.canWrite, access.maintains(a) else { throw AppError.refused("kb_article_maintainer") }
        if action == "approve_revision" { return try await KnowledgeRevisions.approve(a, access: access, actor: actor, now: now, on: db, writer: writer) }
        if action == "reject_revision" {
            return try await KnowledgeRevisions.reject(a, reason: body.reason, access: access, actor: actor, now: now, on: db, writer: writer)
        }
        let from = a.status
        let needsReviewer = ["publish", "reject", "archive", "restore", "confirm_review"].contains(action)
        if needsReviewer && !access.isReviewer && !(action == "archive" && a.ownerId == access.userId) { throw AppError.denied(.reviewKnowledge) }
        let allowed: [String: [String]] = ["submit": ["draft"], "publish": ["review", "draft"], "reject": ["review"], "archive": ["published", "draft", "review"],
                                           "restore": ["archived"], "confirm_review": ["published"]]
        guard allowed[action]!.contains(from) else {
            throw AppError(.conflict, .invalidTransition, "cannot \(action) an article that is \(from)")
        }
        if action == "reject", (body.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw AppError.validation(["reason": "say what needs to change"])
        }
        switch action {
        case "submit": a.status = KBStatus.review.rawValue
        case "publish":
            a.status = KBStatus.published.rawValue; a.publishedAt = now; a.reviewerId = access.userId
            a.reviewDueAt = now.addingTimeInterval(reviewInterval)
            a.redactions = nil // reviewed: the replacements were seen
        case "reject": a.status = KBStatus.draft.rawValue
        case "archive": a.status = KBStatus.archived.rawValue
        case "restore": a.status = KBStatus.draft.rawValue
        default: a.reviewDueAt = now.addingTimeInterval(reviewInterval); a.reviewerId = access.userId
        }
        a.updatedAt = now
        let saved = UncheckedModel(a)
        return try await writer.write { db in
            try await saved.model.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "kb.\(action)", entityType: "kb_article", entityId: try saved.model.requireID().uuidString,
                                      before: ["status": from], after: ["status": saved.model.status, "reason": body.reason ?? ""])
            return dto(saved.model)
        }
    }

    /// KB-4: a draft from a resolved ticket — symptom, cause and solution — with patient data replaced.
    static func fromTicket(_ ticketId: UUID?, by user: CurrentUser, access: KBAccess, reference: ReferenceData, actor: AuditActor, now: Date,
                           on db: any Database, writer: Application) async throws -> KBArticleDTO {
        let (ticket, _) = try await TicketScope.visibleTicket(ticketId, to: user, reference: reference, on: db)
        guard user.worksTickets else { throw AppError.denied(.workTickets) }
        guard [TicketStatus.resolved, .closed].contains(ticket.statusValue) else {
            throw AppError(.conflict, .notResolved, "only a resolved or closed ticket becomes an article")
        }
        let comments = try await TicketComment.query(on: db).filter(\.$ticketId == ticket.id!).sort(\.$createdAt).all()
        var system: BusinessSystem?
        if let id = ticket.businessSystemId { system = try await BusinessSystem.find(id, on: db) }
        var markdown = "## 现象\n\n\(ticket.description)\n\n"
        let notes = comments.map(\.body).filter { !$0.isEmpty }
        if !notes.isEmpty { markdown += "## 处理过程\n\n" + notes.map { "- " + $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n") + "\n\n" }
        markdown += "## 原因\n\n（请补充根本原因）\n\n## 解决方法\n\n\(ticket.resolution ?? "（请补充）")\n"
        if let system { markdown += "\n> 适用系统：\(system.name)\n" }
        let deidentifier = Deidentifier()
        let title = deidentifier.deidentify(ticket.title)
        let body = deidentifier.deidentify(markdown)
        var tags: [String] = []
        if let system { tags.append(String(system.name.prefix(20))) }
        let draft = KBArticleBody(title: String(title.text.prefix(120)), body: body.text, categoryId: nil,
                                  businessSystemId: ticket.businessSystemId?.uuidString, tags: tags.filter(KBArticle.isValidTag),
                                  visibility: KBVisibility.internal.rawValue, teamId: ticket.teamId?.uuidString, departmentId: nil)
        // Kept for the reviewer without the patient data itself: first and last character only.
        let masked = (title.redactions + body.redactions).map {
            Redaction(kind: $0.kind, range: $0.range, original: mask($0.original), replacement: $0.replacement, replacementRange: $0.replacementRange)
        }
        return try await create(draft, access: access, actor: actor, now: now, on: db, writer: writer, sourceTicket: ticket.id,
                                redactions: masked.isEmpty ? nil : masked)
    }

    /// 「13812345678」→「1＊＊＊＊＊＊＊＊＊8」, 「张三」→「张＊」: enough to recognise, not to identify.
    static func mask(_ s: String) -> String {
        let chars = Array(s)
        guard chars.count > 1 else { return "＊" }
        if chars.count <= 3 { return String(chars[0]) + String(repeating: "＊", count: chars.count - 1) }
        return String(chars[0]) + String(repeating: "＊", count: chars.count - 2) + String(chars[chars.count - 1])
    }

    static func feedback(_ id: UUID?, helpful: Bool?, access: KBAccess, now: Date, on db: any Database, writer: Application) async throws -> KBArticleDTO {
        let a = try await readable(id, access: access, on: db)
        guard let helpful else { throw AppError.validation(["helpful": "required"]) }
        guard access.givesFeedback, let userId = access.userId else { throw AppError.denied(.giveKnowledgeFeedback) }
        let saved = UncheckedModel(a)
        return try await writer.write { db in
            let existing = try await KBFeedback.query(on: db).filter(\.$articleId == saved.model.id!).filter(\.$userId == userId).first()
            if let existing {
                if existing.helpful != helpful {
                    if existing.helpful { saved.model.helpful -= 1; saved.model.notHelpful += 1 } else { saved.model.notHelpful -= 1; saved.model.helpful += 1 }
                    existing.helpful = helpful; existing.at = now
                    try await existing.update(on: db)
                }
            } else {
                let f = KBFeedback()
                f.articleId = try saved.model.requireID(); f.userId = userId; f.helpful = helpful; f.at = now
                try await f.create(on: db)
                if helpful { saved.model.helpful += 1 } else { saved.model.notHelpful += 1 }
            }
            try await saved.model.update(on: db)
            return dto(saved.model)
        }
    }

    /// "这解决了我的问题": the report the reader was writing is not needed — counted for the article once per
    /// reader, like feedback; saying it again changes nothing and answers the same count.
    static func solved(_ id: UUID?, access: KBAccess, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> KBArticleDTO {
        let a = try await readable(id, access: access, on: db)
        guard access.givesFeedback, let userId = access.userId, let articleId = a.id else { throw AppError.denied(.giveKnowledgeFeedback) }
        return try await writer.write(affectsReference: false) { db in
            if try await KBSelfSolved.query(on: db).filter(\.$articleId == articleId).filter(\.$userId == userId).first() == nil {
                let mark = KBSelfSolved()
                mark.articleId = articleId; mark.userId = userId; mark.at = now
                try await mark.create(on: db)
                // In SQL: the article was read before this write waited its turn, maybe beside another reader's.
                try await db.sql.raw("UPDATE kb_articles SET solved = solved + 1 WHERE id = \(bind: articleId)").run()
                try await AuditLog.append(on: db, at: now, actor: actor, action: "kb.self_solved", entityType: "kb_article", entityId: articleId.uuidString)
            }
            guard let fresh = try await KBArticle.find(articleId, on: db) else { throw AppError.notFound("article") }
            return dto(fresh)
        }
    }

    /// Counts a reading (one cheap UPDATE, outside the reader's path to the page if it fails).
    static func countView(_ a: KBArticle, writer: Application) async {
        guard let id = a.id else { return }
        try? await writer.write(affectsReference: false) { db in
            try await db.sql.raw("UPDATE kb_articles SET views = views + 1 WHERE id = \(bind: id)").run()
        }
    }

    static func search(_ q: String, filters: KnowledgeSearch.Filters, page: PageRequest, suggest: Bool = false, access: KBAccess, now: Date,
                       on db: any Database, writer: Application) async throws -> KBSearchResultDTO {
        let terms = KnowledgeSearch.terms(q)
        let result = try await KnowledgeSearch.search(q, visibility: access.visibilitySQL(), filters: filters, limit: page.per, offset: page.offset,
                                                      anyTerm: suggest, countTotal: !suggest, now: now, on: db)
        if !suggest && page.page == 1 && !terms.isEmpty {
            let total = result.total, external = access.external
            try? await writer.write(affectsReference: false) { db in
                let log = KBSearchLog()
                log.query = String(q.prefix(100)); log.results = total; log.external = external; log.at = now
                try await log.create(on: db)
            }
        }
        var hits = result.hits
        if suggest {
            // At least a third of the typed text's pieces must be in the article, best first (one shared
            // word such as 失败 is not a suggestion).
            let needed = max(1, Int((Double(terms.count) * 0.34).rounded(.up)))
            func score(_ h: KnowledgeSearch.Hit) -> Int {
                let text = (h.title + " " + h.tags + " " + h.plain).lowercased()
                return terms.filter { text.contains($0.lowercased()) }.count
            }
            hits = hits.map { ($0, score($0)) }.filter { $0.1 >= needed }.sorted { $0.1 > $1.1 }.prefix(5).map(\.0)
        }
        let highlight = terms
        return KBSearchResultDTO(items: hits.map {
            KBSearchHitDTO(id: $0.id, title: $0.title, snippet: KnowledgeSearch.snippet($0.plain, terms: highlight).markup, tags: $0.tags.split(separator: ",").map(String.init),
                           updatedAt: $0.updatedAt)
        }, total: suggest ? hits.count : result.total, page: page.page, per: page.per)
    }

    /// Suggestions while a reporter types (KB-5): the text's three-character pieces, any of which may match.
    package static func suggestionQuery(_ text: String) -> String {
        let chars = Array(text.filter { c in
            !c.isWhitespace && !c.isPunctuation && !c.isSymbol && !c.unicodeScalars.contains { $0.properties.generalCategory == .control }
        })
        guard chars.count >= 3 else { return String(chars) }
        var pieces: [String] = []
        var i = 0
        while i + 3 <= chars.count && pieces.count < 12 { pieces.append(String(chars[i..<(i + 3)])); i += 1 }
        return pieces.joined(separator: " ")
    }
}
