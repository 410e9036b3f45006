import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText

struct KBArticleDTO: Content, Equatable {
    var id: UUID
    var title: String
    var body: String
    var categoryId: UUID?
    var businessSystemId: UUID?
    var tags: [String]
    var visibility: String
    var status: String
    var ownerId: UUID
    var ownerName: String?
    var reviewerId: UUID?
    var teamId: UUID?
    var departmentId: UUID?
    var sourceTicketId: UUID?
    var version: Int
    var reviewDueAt: Date?
    var publishedAt: Date?
    var views: Int
    var helpful: Int
    var notHelpful: Int
    var solved: Int
    var createdAt: Date
    var updatedAt: Date
    /// When drafted from a ticket: each replacement the de-identifier made, for the reviewer.
    var redactions: [Redaction]?
    /// The change waiting for a reviewer (a published article edited by a non-reviewer); shown to those who
    /// maintain the article or read every article. The fields above stay the published version.
    var pendingRevision: KBRevisionDTO? = nil
}

struct KBArticleBody: Content {
    var title: String?
    var body: String?
    var categoryId: String?
    var businessSystemId: String?
    var tags: [String]?
    var visibility: String?
    var teamId: String?
    var departmentId: String?
    /// PATCH only: what changed, kept with the version.
    var note: String?
    /// PATCH only: bring back this version's title, body and tags (as a new version).
    var restoreVersion: Int?
}

struct KBActionBody: Content {
    /// `submit`, `publish`, `reject`, `archive`, `restore`, `confirm_review`, `approve_revision`, `reject_revision`
    var action: String?
    var reason: String?
}

struct KBVersionDTO: Content, Equatable {
    var version: Int
    var title: String
    var tags: [String]
    var editorId: UUID
    var editorName: String?
    var note: String?
    var createdAt: Date
}

struct KBSearchHitDTO: Content, Equatable {
    var id: UUID
    var title: String
    /// HTML: escaped text with each match in <mark>.
    var snippet: String
    var tags: [String]
    var updatedAt: Date
}

struct KBSearchResultDTO: Content, Equatable {
    var items: [KBSearchHitDTO]
    var total: Int
    var page: Int
    var per: Int
}

struct KBCategoryDTO: Content, Equatable {
    var id: UUID
    var name: String
    var kind: String
    var parentId: UUID?
    var sortOrder: Int
}

struct KBCategoryBody: Content {
    var name: String?
    var kind: String?
    var parentId: String?
    var sortOrder: Int?
}

struct KBFeedbackBody: Content { var helpful: Bool? }

/// A pending (or decided) revision of a published article (KB-2).
struct KBRevisionDTO: Content, Equatable {
    var id: UUID
    var articleId: UUID
    /// The published version it was first written against.
    var baseVersion: Int
    /// `pending`, `approved`, `rejected`
    var status: String
    var title: String
    var body: String
    var tags: [String]
    var categoryId: UUID?
    var businessSystemId: UUID?
    var visibility: String
    var teamId: UUID?
    var departmentId: UUID?
    var note: String?
    var authorId: UUID
    var authorName: String?
    var editorId: UUID
    var createdAt: Date
    var updatedAt: Date
    var decidedBy: UUID?
    var decidedAt: Date?
    var reason: String?
    /// The article version it became (approved ones).
    var version: Int?
    /// For a pending revision: the fields it would change in the published article.
    var changes: [String]
}

/// A pending revision with its line diff against the published text (`# title`, blank line, body).
struct KBRevisionDiffDTO: Content {
    var revision: KBRevisionDTO
    var publishedVersion: Int
    var comparison: TextDiff.Comparison
}

struct KBAttachmentDTO: Content, Equatable {
    var id: UUID
    var articleId: UUID
    var fileName: String
    var contentType: String
    var size: Int
    var sha256: String
    var createdAt: Date
    /// Where it is served; paste into the body as `![说明](url)` for an image.
    var url: String
}

struct TicketSolutionDTO: Content, Equatable {
    var id: UUID
    var number: String
    var title: String
    /// HTML: the resolution around the match, escaped, matches in <mark>.
    var snippet: String
    var resolvedAt: Date?
}
