import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct CreateKnowledgeBase: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("kb_categories")
            .id()
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("parent_id", .uuid, .references("kb_categories", .id))
            .field("sort_order", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("kb_articles")
            .id()
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("plain", .string, .required)
            .field("tags", .string, .required)
            .field("category_id", .uuid, .references("kb_categories", .id))
            .field("business_system_id", .uuid, .references("business_systems", .id))
            .field("visibility", .string, .required)
            .field("status", .string, .required)
            .field("owner_id", .uuid, .required, .references("users", .id))
            .field("reviewer_id", .uuid, .references("users", .id))
            .field("team_id", .uuid, .references("teams", .id))
            .field("department_id", .uuid, .references("departments", .id))
            .field("source_ticket_id", .uuid, .references("tickets", .id))
            .field("redactions", .string)
            .field("version", .int, .required)
            .field("review_due_at", .datetime)
            .field("published_at", .datetime)
            .field("views", .int, .required)
            .field("helpful", .int, .required)
            .field("not_helpful", .int, .required)
            .field("solved", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("kb_article_versions")
            .id()
            .field("article_id", .uuid, .required, .references("kb_articles", .id, onDelete: .cascade))
            .field("version", .int, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("tags", .string, .required)
            .field("editor_id", .uuid, .required, .references("users", .id))
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "article_id", "version")
            .create()
        try await database.schema("kb_feedback")
            .id()
            .field("article_id", .uuid, .required, .references("kb_articles", .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", .id))
            .field("helpful", .bool, .required)
            .field("at", .datetime, .required)
            .unique(on: "article_id", "user_id")
            .create()
        try await database.schema("kb_search_log")
            .id()
            .field("query", .string, .required)
            .field("results", .int, .required)
            .field("external", .bool, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_kb_articles_status").on("kb_articles").column("status").column("updated_at").run()
        try await sql.create(index: "idx_kb_articles_owner").on("kb_articles").column("owner_id").column("review_due_at").run()
        try await sql.create(index: "idx_kb_articles_category").on("kb_articles").column("category_id").run()
        try await sql.create(index: "idx_kb_search_log_at").on("kb_search_log").column("at").run()
        try await Self.createIndexes(on: sql)
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await Self.dropIndexes(on: sql)
        for schema in ["kb_search_log", "kb_feedback", "kb_article_versions", "kb_articles", "kb_categories"] {
            try await database.schema(schema).delete()
        }
    }

    static func createIndexes(on sql: any SQLDatabase) async throws {
        if KnowledgeSearch.isSQLite(sql) {
            try await sql.raw("""
                CREATE VIRTUAL TABLE kb_fts USING fts5(title, tags, plain, content='kb_articles', content_rowid='rowid', tokenize='trigram')
                """).run()
            try await sql.raw("""
                CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN
                  INSERT INTO kb_fts(rowid, title, tags, plain) VALUES (new.rowid, new.title, new.tags, new.plain);
                END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER kb_articles_fts_delete AFTER DELETE ON kb_articles BEGIN
                  INSERT INTO kb_fts(kb_fts, rowid, title, tags, plain) VALUES ('delete', old.rowid, old.title, old.tags, old.plain);
                END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER kb_articles_fts_update AFTER UPDATE OF title, tags, plain ON kb_articles BEGIN
                  INSERT INTO kb_fts(kb_fts, rowid, title, tags, plain) VALUES ('delete', old.rowid, old.title, old.tags, old.plain);
                  INSERT INTO kb_fts(rowid, title, tags, plain) VALUES (new.rowid, new.title, new.tags, new.plain);
                END
                """).run()
            try await sql.raw("CREATE VIRTUAL TABLE kb_grams USING fts5(grams, content='', contentless_delete=1, tokenize='unicode61')").run()
        } else {
            if try await KnowledgeSearch.trigramSchema(on: sql) == nil {
                do { try await sql.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").run() } catch {
                    // Another migration created it at the same moment: fine if it exists now.
                    guard try await KnowledgeSearch.trigramSchema(on: sql) != nil else { throw error }
                }
            }
            let opclass = (try await KnowledgeSearch.trigramSchema(on: sql) ?? "public") + ".gin_trgm_ops"
            try await sql.raw("""
                CREATE INDEX idx_kb_articles_trgm ON kb_articles USING gin ((title || ' ' || tags || ' ' || plain) \(unsafeRaw: opclass))
                """).run()
        }
    }

    static func dropIndexes(on sql: any SQLDatabase) async throws {
        if KnowledgeSearch.isSQLite(sql) {
            for trigger in ["kb_articles_fts_insert", "kb_articles_fts_delete", "kb_articles_fts_update"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
            }
            try await sql.raw("DROP TABLE IF EXISTS kb_fts").run()
            try await sql.raw("DROP TABLE IF EXISTS kb_grams").run()
        } else {
            try await sql.raw("DROP INDEX IF EXISTS idx_kb_articles_trgm").run()
        }
    }
}

struct CreateKBAttachments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("kb_attachments")
            .id()
            .field("article_id", .uuid, .required, .references("kb_articles", .id, onDelete: .cascade))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("stored_path", .string, .required)
            .field("uploader_id", .uuid, .required, .references("users", .id))
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_kb_attachments_article").on("kb_attachments").column("article_id").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("kb_attachments").delete() }
}

/// Who has said an article solved their problem (`KBSelfSolved`). Counts recorded before it stay as they are.
struct CreateKBSelfSolved: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("kb_self_solved")
            .id()
            .field("article_id", .uuid, .required, .references("kb_articles", .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", .id))
            .field("at", .datetime, .required)
            .unique(on: "article_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws { try await database.schema("kb_self_solved").delete() }
}

/// Pending revisions of published articles (`KBArticleRevision`). The partial unique index keeps one pending
/// revision per article, whatever two editors do at once; the second index serves the reviewers' list.
struct CreateKBArticleRevisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("kb_article_revisions")
            .id()
            .field("article_id", .uuid, .required, .references("kb_articles", .id, onDelete: .cascade))
            .field("base_version", .int, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("tags", .string, .required)
            .field("category_id", .uuid, .references("kb_categories", .id))
            .field("business_system_id", .uuid, .references("business_systems", .id))
            .field("visibility", .string, .required)
            .field("team_id", .uuid, .references("teams", .id))
            .field("department_id", .uuid, .references("departments", .id))
            .field("note", .string)
            .field("author_id", .uuid, .required, .references("users", .id))
            .field("editor_id", .uuid, .required, .references("users", .id))
            .field("status", .string, .required)
            .field("decided_by", .uuid, .references("users", .id))
            .field("decided_at", .datetime)
            .field("reason", .string)
            .field("version", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.raw("CREATE UNIQUE INDEX idx_kb_revisions_one_pending ON kb_article_revisions (article_id) WHERE status = 'pending'").run()
        try await sql.create(index: "idx_kb_revisions_status").on("kb_article_revisions").column("status").column("updated_at").run()
        try await sql.create(index: "idx_kb_revisions_article").on("kb_article_revisions").column("article_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("kb_article_revisions").delete() }
}
