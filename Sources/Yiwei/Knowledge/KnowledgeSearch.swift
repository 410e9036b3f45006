import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText

/// Chinese full-text search over the knowledge base (KB-5).
///
/// SQLite: an FTS5 index with the `trigram` tokenizer over title, tags and text (kept by triggers) answers
/// queries of three or more characters as substring matches, ranked by BM25 with title ×10 and tags ×5.
/// Trigrams cannot answer one- and two-character queries such as 「登录」, so a second FTS5 index holds
/// each text as overlapping character pairs (「登录失败」→ 登录 录失 失败 败): a two-character query is one
/// token, a one-character query a token prefix — exact, and still through an index.
/// PostgreSQL: `pg_trgm` with a GIN index on the same text, queried with ILIKE.
/// Newer articles (updated within 180 days) rank a little higher.
package enum KnowledgeSearch {
    package static func isSQLite(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "sqlite" }

    /// PostgreSQL: the schema pg_trgm lives in. An extension is installed once per database (public unless
    /// made elsewhere); its operator class is named with that schema, so databases with several schemas work.
    static func trigramSchema(on sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("""
            SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'
            """).first()?.decode(column: "s", as: String.self)
    }

    // MARK: - Character pairs

    /// Han, kana and hangul: runs of these are indexed as character pairs.
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }

    /// The text as tokens for the pair index: every two neighbouring CJK characters, the last character of
    /// each CJK run alone (so a one-character prefix query finds characters at the end of a run), and other
    /// words lower-cased as they are. 「HIS登录失败」→ "his 登录 录失 失败 败".
    package static func grams(_ text: String) -> String {
        var out: [String] = []
        var run: [Character] = []
        var word = ""
        func flushRun() {
            if run.count == 1 { out.append(String(run[0])) }
            if run.count > 1 {
                for i in 0..<(run.count - 1) { out.append(String(run[i]) + String(run[i + 1])) }
                out.append(String(run[run.count - 1]))
            }
            run.removeAll(keepingCapacity: true)
        }
        func flushWord() { if !word.isEmpty { out.append(word.lowercased()); word = "" } }
        for ch in text {
            if let s = ch.unicodeScalars.first, ch.unicodeScalars.count == 1, isCJK(s) {
                flushWord(); run.append(ch)
            } else if ch.isLetter || ch.isNumber {
                flushRun(); word.append(ch)
            } else {
                flushRun(); flushWord()
            }
        }
        flushRun(); flushWord()
        return out.joined(separator: " ")
    }

    /// Keeps the pair index in step with an article (SQLite; the trigram index follows by triggers).
    package static func index(_ article: KBArticle, on db: any Database) async throws {
        let sql = db.sql
        guard isSQLite(sql), let id = article.id else { return }
        let rowid = try await sql.raw("SELECT rowid AS r FROM kb_articles WHERE id = \(bind: id)").first()?.decode(column: "r", as: Int.self)
        guard let rowid else { return }
        try await sql.raw("DELETE FROM kb_grams WHERE rowid = \(bind: rowid)").run()
        try await sql.raw("INSERT INTO kb_grams(rowid, grams) VALUES (\(bind: rowid), \(bind: grams(article.title + " " + article.tags.replacingOccurrences(of: ",", with: " ") + " " + article.plain)))").run()
    }

    // MARK: - Queries

    package struct Filters {
        package var categoryIds: [UUID]?
        package var tag: String?
        package var businessSystemId: UUID?
        package init() {}
    }

    package struct Hit {
        package var id: UUID
        package var title: String
        package var plain: String
        package var tags: String
        package var updatedAt: Date
    }

    /// Terms of a query: whitespace-separated, at most 8, each at most 50 characters.
    static func terms(_ q: String) -> [String] {
        // Control characters (NUL among them) never reach SQL: they end a statement in SQLite.
        let clean = String(q.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
        return Array(clean.split(whereSeparator: { $0.isWhitespace }).map { String($0.prefix(50)) }.filter { !$0.isEmpty }.prefix(8))
    }

    /// An FTS5 string literal: double quotes doubled.
    static func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The pair-index expression for a term of one or two characters (nil when it cannot be expressed).
    static func pairQuery(_ term: String) -> String? {
        let t = term.lowercased()
        let tokens = grams(t).split(separator: " ").map(String.init)
        if t.count == 1 { return tokens.first.map { quoted($0) + "*" } }
        if t.count == 2, let first = tokens.first {
            // Two CJK characters: one pair token; an ASCII word of two letters: a word prefix (「IP」 finds 「IPv4」).
            return first.count == 2 && tokens.count >= 1 && t.unicodeScalars.allSatisfy(isCJK) ? quoted(first) : quoted(first) + "*"
        }
        return nil
    }

    static func likePattern(_ s: String) -> String {
        "%" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// Totals are counted up to this many.
    static let maxTotal = 1000

    /// Ranked hits for `q` among the articles `visibility` admits. `anyTerm`: suggestions — any term may match.
    package static func search(_ q: String, visibility: SQLExpression, filters: Filters, limit: Int, offset: Int = 0, anyTerm: Bool = false,
                       countTotal: Bool = true, now: Date, on db: any Database) async throws -> (hits: [Hit], total: Int) {
        let sql = db.sql
        let words = terms(q)
        guard !words.isEmpty else { return ([], 0) }
        var conditions: [SQLExpression] = [SQLRaw("a.status = 'published'"), visibility]
        if let ids = filters.categoryIds { conditions.append(SQLBinaryExpression(SQLColumn("category_id", table: "a"), .in, SQLBind.group(ids))) }
        if let tag = filters.tag { conditions.append(SQLBinaryExpression(SQLColumn("tags", table: "a"), .like, SQLBind("%," + tag + ",%"))) }
        if let system = filters.businessSystemId { conditions.append(SQLBinaryExpression(SQLColumn("business_system_id", table: "a"), .equal, SQLBind(system))) }
        let fresh = now.addingTimeInterval(-180 * 86_400)

        if isSQLite(sql) {
            let long = words.filter { $0.count >= 3 }
            let pairs = words.filter { $0.count < 3 }.compactMap(pairQuery)
            let join = anyTerm ? " OR " : " AND "
            // Candidates come from the index that answers — trigrams for words of 3+ characters, else the
            // character pairs — newest first (FTS5 walks its rowids backwards and stops at the limit), plus
            // the newest matches in titles and tags, so a title hit is never lost among many body hits. The
            // article table then applies status, visibility and filters, and ranks the few hundred candidates.
            var candidates: [String] = []
            var countSource: String
            if !long.isEmpty {
                let inner = long.map(quoted).joined(separator: join)
                // Short words beside long ones (「PACS 影像」) are checked in the candidates' text: asking the
                // pair index for every trigram match, or the other way round, costs seconds on common words.
                let shortWords = anyTerm ? [] : words.filter { $0.count < 3 }
                for word in shortWords {
                    conditions.append(SQLRaw("instr(lower(a.title || ' ' || a.tags || ' ' || a.plain), \(quotedLiteral(word.lowercased()))) > 0"))
                }
                let window = max(shortWords.isEmpty ? 200 : 2000, offset + limit + 100)
                candidates.append("SELECT rowid FROM kb_fts WHERE kb_fts MATCH \(quotedLiteral(inner)) ORDER BY rowid DESC LIMIT \(window)")
                candidates.append("SELECT rowid FROM kb_fts WHERE kb_fts MATCH \(quotedLiteral("{title tags} : (" + inner + ")")) ORDER BY rowid DESC LIMIT 100")
                countSource = "SELECT rowid FROM kb_fts WHERE kb_fts MATCH \(quotedLiteral(inner))"
            } else if !pairs.isEmpty {
                let window = max(300, offset + limit + 100)
                let expr = quotedLiteral(pairs.joined(separator: join))
                candidates.append("SELECT rowid FROM kb_grams WHERE kb_grams MATCH \(expr) ORDER BY rowid DESC LIMIT \(window)")
                countSource = "SELECT rowid FROM kb_grams WHERE kb_grams MATCH \(expr)"
            } else {
                return ([], 0)
            }
            let whereClause = SQLList(conditions, separator: SQLRaw(" AND "))
            // CROSS JOIN keeps SQLite from walking the articles by status and probing the index for each:
            // the index's matches drive, the articles are looked up by rowid.
            // Score: each word in the title ×10, in the tags ×5, anywhere 1; articles updated within 180 days ×1.2.
            let lowered = words.map { quotedLiteral($0.lowercased()) }
            let titleHits = lowered.map { "(instr(lower(a.title), \($0)) > 0) * 10" }.joined(separator: " + ")
            let tagHits = lowered.map { "(instr(lower(a.tags), \($0)) > 0) * 5" }.joined(separator: " + ")
            let union = candidates.map { "SELECT rowid FROM (\($0))" }.joined(separator: " UNION ")
            let rows = try await sql.raw("""
                SELECT a.id, a.title, a.plain, a.tags, a.updated_at FROM (\(unsafeRaw: union)) c CROSS JOIN kb_articles a ON a.rowid = c.rowid
                WHERE \(whereClause)
                ORDER BY (\(unsafeRaw: titleHits) + \(unsafeRaw: tagHits) + 1) * (CASE WHEN a.updated_at > \(bind: fresh.timeIntervalSince1970) THEN 1.2 ELSE 1.0 END) DESC,
                         a.updated_at DESC
                LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all()
            var total = 0
            if countTotal {
                // Counted up to `maxTotal`: "1000 or more" is all a reader needs to know.
                total = try await sql.raw("""
                    SELECT count(*) AS n FROM (SELECT 1 FROM (\(unsafeRaw: countSource)) f CROSS JOIN kb_articles a ON a.rowid = f.rowid
                    WHERE \(whereClause) LIMIT \(bind: maxTotal))
                    """).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            return (try rows.map(hit), total)
        } else {
            let haystack = "(a.title || ' ' || a.tags || ' ' || a.plain)"
            let termConditions = words.map { word -> any SQLExpression in
                let condition: SQLQueryString = "\(unsafeRaw: haystack) ILIKE \(bind: likePattern(word))"
                return condition
            }
            let match = SQLGroupExpression(SQLList(termConditions, separator: SQLRaw(anyTerm ? " OR " : " AND ")))
            let whereClause = SQLList(conditions + [match], separator: SQLRaw(" AND "))
            let total = countTotal ? try await sql.raw("SELECT count(*) AS n FROM kb_articles a WHERE \(whereClause)").first()?.decode(column: "n", as: Int.self) ?? 0 : 0
            let titleHits = words.map { "(CASE WHEN a.title ILIKE \(postgresLiteral(likePattern($0))) THEN 10 ELSE 0 END)" }.joined(separator: " + ")
            let tagHits = words.map { "(CASE WHEN a.tags ILIKE \(postgresLiteral(likePattern($0))) THEN 5 ELSE 0 END)" }.joined(separator: " + ")
            let rows = try await sql.raw("""
                SELECT a.id, a.title, a.plain, a.tags, a.updated_at FROM kb_articles a WHERE \(whereClause)
                ORDER BY (\(unsafeRaw: titleHits) + \(unsafeRaw: tagHits) + 1) * (CASE WHEN a.updated_at > \(bind: fresh) THEN 1.2 ELSE 1.0 END) DESC, a.updated_at DESC
                LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all()
            return (try rows.map(hit), total)
        }
    }

    /// A single-quoted SQL string literal (for FTS5 MATCH expressions, which must be literal text to use the index).
    static func quotedLiteral(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\0", with: "").replacingOccurrences(of: "'", with: "''") + "'"
    }
    static func postgresLiteral(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    static func hit(_ row: any SQLRow) throws -> Hit {
        Hit(id: try row.decode(column: "id", as: UUID.self), title: try row.decode(column: "title", as: String.self),
            plain: try row.decode(column: "plain", as: String.self), tags: try row.decode(column: "tags", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    // MARK: - Snippets

    /// Up to `width` characters of `text` around the first match of any term, HTML-escaped, with every
    /// match wrapped in <mark>. Safe to insert into a page as it is.
    static func snippet(_ text: String, terms: [String], width: Int = 80) -> SafeHTML {
        let chars = Array(text)
        let lowered = Array(text.lowercased())
        let needles = terms.map { Array($0.lowercased()) }.filter { !$0.isEmpty }
        func matches(at i: Int) -> Int? {
            for n in needles where i + n.count <= lowered.count && Array(lowered[i..<(i + n.count)]) == n { return n.count }
            return nil
        }
        guard lowered.count == chars.count else { return .text(String(text.prefix(width))) }
        var first = 0
        for i in 0..<chars.count where matches(at: i) != nil { first = i; break }
        let start = max(0, first - width / 4), end = min(chars.count, start + width)
        var out: SafeHTML = start > 0 ? "…" : ""
        var i = start
        while i < end {
            if let n = matches(at: i) {
                let stop = min(i + n, chars.count)
                out += "<mark>\(String(chars[i..<stop]))</mark>"
                i = stop
            } else {
                out.append(text: String(chars[i])); i += 1
            }
        }
        if end < chars.count { out += "…" }
        return out
    }
}

/// 已解决工单的处理方法: agents search the resolutions of resolved tickets beside the articles (KB-5). On
/// SQLite a trigram FTS5 index holds the title and resolution of every ticket that has a resolution (kept
/// by triggers, so creating a ticket costs nothing extra); on PostgreSQL a pg_trgm index on the same text.
enum TicketSolutionSearch {
    /// Ids of up to `limit` resolved or closed tickets whose title or resolution contains every word of `q`
    /// (words of 3+ characters; shorter words are ignored here): among the newest 500 matches, title hits
    /// first, then the most recently resolved.
    static func candidates(_ q: String, limit: Int, on db: any Database) async throws -> [UUID] {
        let words = KnowledgeSearch.terms(q).filter { $0.count >= 3 }
        guard !words.isEmpty else { return [] }
        let sql = db.sql
        let rows: [any SQLRow]
        if KnowledgeSearch.isSQLite(sql) {
            let expr = KnowledgeSearch.quotedLiteral(words.map(KnowledgeSearch.quoted).joined(separator: " AND "))
            rows = try await sql.raw("""
                SELECT t.id FROM (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH \(unsafeRaw: expr) ORDER BY rowid DESC LIMIT 500) f
                CROSS JOIN tickets t ON t.rowid = f.rowid
                WHERE t.status IN ('resolved', 'closed')
                ORDER BY (instr(t.title, \(unsafeRaw: KnowledgeSearch.quotedLiteral(words[0]))) > 0) DESC, t.resolved_at DESC LIMIT \(bind: limit)
                """).all()
        } else {
            let conditions = words.map { "(t.title || ' ' || t.resolution) ILIKE " + KnowledgeSearch.postgresLiteral(KnowledgeSearch.likePattern($0)) }
            rows = try await sql.raw("""
                SELECT t.id FROM tickets t WHERE t.resolution IS NOT NULL AND \(unsafeRaw: conditions.joined(separator: " AND "))
                AND t.status IN ('resolved', 'closed') ORDER BY t.resolved_at DESC LIMIT \(bind: limit)
                """).all()
        }
        return try rows.map { try $0.decode(column: "id", as: UUID.self) }
    }
}
