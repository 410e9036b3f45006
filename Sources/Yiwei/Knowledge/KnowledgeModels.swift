import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText

/// 知识分类: a tree by business system, department or problem type (KB-1).
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
package final class KBCategory: Model, @unchecked Sendable {
    package static let schema = "kb_categories"
    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    /// `system`, `department` or `problem`
    @Field(key: "kind") package var kind: String
    @OptionalField(key: "parent_id") package var parentId: UUID?
    @Field(key: "sort_order") package var sortOrder: Int
    @Field(key: "created_at") package var createdAt: Date
    package init() {}
}

/// 知识条目 (KB-2): Markdown with versions, a review workflow and a review-due date.
package final class KBArticle: Model, @unchecked Sendable {
    package static let schema = "kb_articles"
    @ID(key: .id) package var id: UUID?
    @Field(key: "title") package var title: String
    @Field(key: "body") package var body: String
    /// The body as plain text, for search and snippets (Markdown stripped).
    @Field(key: "plain") package var plain: String
    /// Tags as ",a,b," so a tag matches exactly with LIKE '%,a,%'.
    @Field(key: "tags") package var tags: String
    @OptionalField(key: "category_id") package var categoryId: UUID?
    @OptionalField(key: "business_system_id") package var businessSystemId: UUID?
    /// `public`, `internal`, `restricted`
    @Field(key: "visibility") package var visibility: String
    /// `draft`, `review`, `published`, `archived`
    @Field(key: "status") package var status: String
    @Field(key: "owner_id") package var ownerId: UUID
    @OptionalField(key: "reviewer_id") package var reviewerId: UUID?
    /// The team that maintains it: its members may edit.
    @OptionalField(key: "team_id") package var teamId: UUID?
    /// For `restricted`: the department whose staff may read it (besides the team, the owner and the leads).
    @OptionalField(key: "department_id") package var departmentId: UUID?
    @OptionalField(key: "source_ticket_id") package var sourceTicketId: UUID?
    /// The de-identifier's replacements when drafted from a ticket, as JSON, for the reviewer.
    @OptionalField(key: "redactions") package var redactions: String?
    @Field(key: "version") package var version: Int
    @OptionalField(key: "review_due_at") package var reviewDueAt: Date?
    @OptionalField(key: "published_at") package var publishedAt: Date?
    @Field(key: "views") package var views: Int
    @Field(key: "helpful") package var helpful: Int
    @Field(key: "not_helpful") package var notHelpful: Int
    /// Reports that this article solved before they became tickets (self-service deflection).
    @Field(key: "solved") package var solved: Int
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date
    package init() {}

    package var tagList: [String] { tags.split(separator: ",").map(String.init).filter { !$0.isEmpty } }
    package static func encodeTags(_ tags: [String]) -> String { tags.isEmpty ? "" : "," + tags.joined(separator: ",") + "," }
    /// A tag is at most 20 characters without , % _ \ or quotes (they would break the ",a,b," form or LIKE).
    package static func isValidTag(_ tag: String) -> Bool { tag.count <= 20 && !tag.contains(where: { ",%_\\\"'".contains($0) }) }
}

/// One saved state of an article: every change of title, body or tags is a version.
package final class KBArticleVersion: Model, @unchecked Sendable {
    package static let schema = "kb_article_versions"
    @ID(key: .id) package var id: UUID?
    @Field(key: "article_id") package var articleId: UUID
    @Field(key: "version") package var version: Int
    @Field(key: "title") package var title: String
    @Field(key: "body") package var body: String
    @Field(key: "tags") package var tags: String
    @Field(key: "editor_id") package var editorId: UUID
    @OptionalField(key: "note") package var note: String?
    @Field(key: "created_at") package var createdAt: Date
    package init() {}
}

/// "Was this helpful?" — one answer per reader, which they may change.
final class KBFeedback: Model, @unchecked Sendable {
    static let schema = "kb_feedback"
    @ID(key: .id) var id: UUID?
    @Field(key: "article_id") var articleId: UUID
    @Field(key: "user_id") var userId: UUID
    @Field(key: "helpful") var helpful: Bool
    @Field(key: "at") var at: Date
    init() {}
}

/// "这解决了我的问题" — once per reader and article, so `KBArticle.solved` counts people, not clicks.
final class KBSelfSolved: Model, @unchecked Sendable {
    // @unchecked Sendable: a Fluent model, read and written by one task at a time.
    static let schema = "kb_self_solved"
    @ID(key: .id) var id: UUID?
    @Field(key: "article_id") var articleId: UUID
    @Field(key: "user_id") var userId: UUID
    @Field(key: "at") var at: Date
    init() {}
}

/// Every search, for the KB owner's zero-result list (what people look for and do not find).
final class KBSearchLog: Model, @unchecked Sendable {
    static let schema = "kb_search_log"
    @ID(key: .id) var id: UUID?
    @Field(key: "query") var query: String
    @Field(key: "results") var results: Int
    @Field(key: "external") var external: Bool
    @Field(key: "at") var at: Date
    init() {}
}

/// 待审核的修订: a change to a published article by an editor who does not review knowledge. Readers, search and
/// the external listener keep the published text until a reviewer approves it (it becomes a new version) or
/// rejects it (with a reason); the row stays as the record of that decision. At most one is pending per article.
// @unchecked Sendable: a Fluent model, read and written by one task at a time.
final class KBArticleRevision: Model, @unchecked Sendable {
    static let schema = "kb_article_revisions"
    @ID(key: .id) var id: UUID?
    @Field(key: "article_id") var articleId: UUID
    /// The published version it was first written against.
    @Field(key: "base_version") var baseVersion: Int
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "tags") var tags: String
    @OptionalField(key: "category_id") var categoryId: UUID?
    @OptionalField(key: "business_system_id") var businessSystemId: UUID?
    @Field(key: "visibility") var visibility: String
    @OptionalField(key: "team_id") var teamId: UUID?
    @OptionalField(key: "department_id") var departmentId: UUID?
    @OptionalField(key: "note") var note: String?
    /// Who proposed it, and who changed it last (a second edit updates the pending revision).
    @Field(key: "author_id") var authorId: UUID
    @Field(key: "editor_id") var editorId: UUID
    /// `pending`, `approved`, `rejected`
    @Field(key: "status") var status: String
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// Why it was rejected.
    @OptionalField(key: "reason") var reason: String?
    /// The article version it became when approved.
    @OptionalField(key: "version") var version: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}

    var tagList: [String] { tags.split(separator: ",").map(String.init).filter { !$0.isEmpty } }
}

enum KBRevisionStatus: String, CaseIterable { case pending, approved, rejected }
