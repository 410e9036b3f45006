import Fluent
import Foundation
import SQLKit
import Vapor

/// The ticket list's `q` (SD-8): a case-insensitive substring of the number, title or description, or of the
/// reporter's, department's or business system's name — served from indexes so the desk's search box stays fast
/// at a million tickets.
///
/// The indexes only propose candidates; every row is then checked with the plain `LIKE` (PostgreSQL: `ILIKE`)
/// of the definition, so the result is exactly the substring match whatever the index folds or splits.
///
/// SQLite (kept by triggers on `tickets`, so every write path — reports, imports, edits — keeps them):
/// - `ticket_text`: FTS5 `trigram` over title and description, `detail=none` (no positions: a term is asked
///   as all of its trigrams, and the check removes rows that have them apart) — terms of 3+ characters;
/// - `ticket_numbers`: the same over the number, plus a marker trigram on numbers that are not of the live
///   form `IT-20261206-0001` (imported ones) — number substrings of 3+ characters;
/// - `ticket_pairs`: every two neighbouring characters of number, title and description as tokens
///   (FTS5 `unicode61`, a prefix index of one character) — terms of 1 and 2 characters, which trigrams cannot
///   answer: a two-character term is one token, a one-character term a token prefix.
/// A term that starts like a live number (`IT-2026…`) is found among live numbers through the number's unique
/// index: two letters and a hyphen can only stand at the start of a live number.
/// Names are matched in the organisation in memory; their tickets come through the indexes on reporter,
/// department and business system.
///
/// PostgreSQL: `pg_trgm` GIN indexes on the number and on title || description, and a GIN index on the text's
/// characters and character pairs (`yiwei_ticket_pairs`) for 1–2-character terms; the planner chooses.
package enum TicketSearch {
    /// Totals of a search are counted up to this many (`totalCapped` says when there are more), and only this many
    /// results are served page by page: a longer list is for a narrower search, not for reading.
    static let maxTotal = 1000

    /// Where the ways of reading a search change (tests lower them to take each way on a small database).
    struct Limits: Sendable {
        /// Candidates from the indexes up to this many are read and sorted directly.
        var candidates = 5000
        /// Tickets matching the other filters up to this many are read (by the filters' own index) and checked
        /// directly: reading and checking 50,000 rows costs tens of milliseconds, while walking a common term's
        /// index for a filter it rarely meets (one reporter's tickets, the open ones) cost seconds at a million.
        var filtered = 50_000
        /// When the candidates are few, the newest tickets down to this many are checked first: a term of recent
        /// tickets (today's numbers, a new fault) fills its page there without reading every candidate.
        var newest = 1000
        /// Totals counted from the indexes alone where an index answers a term exactly (tests turn it off to
        /// compare with the checked count).
        var indexOnlyTotals = true
    }

    // MARK: - Indexes

    static let sqliteTriggers = ["tickets_search_insert", "tickets_search_update", "tickets_search_delete"]

    /// The number as `ticket_numbers` holds it: numbers not of the live form get three U+E000 as a marker.
    private static func numberText(_ row: String) -> String {
        """
        \(row).number || CASE WHEN \(row).number GLOB '[A-Z][A-Z]-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]' \
        THEN '' ELSE ' ' || char(57344, 57344, 57344) END
        """
    }

    /// The character pairs of a ticket's number, title and description, space-separated (the last character alone).
    private static func pairsText(_ row: String) -> String {
        """
        SELECT group_concat(substr(s.t, p.n, 2), ' ') FROM (SELECT \(row).number || ' ' || \(row).title || ' ' || \(row).description AS t) s \
        JOIN ticket_search_positions p ON p.n <= length(s.t)
        """
    }

    static func createIndexes(on sql: any SQLDatabase) async throws {
        if KnowledgeSearch.isSQLite(sql) {
            // Positions 1…8192 for the pair triggers (number ≤ 40, title ≤ 200, description ≤ 5,000 characters).
            try await sql.raw("CREATE TABLE ticket_search_positions (n INTEGER PRIMARY KEY)").run()
            try await sql.raw("""
                WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 8192)
                INSERT INTO ticket_search_positions (n) SELECT n FROM c
                """).run()
            try await sql.raw("""
                CREATE VIRTUAL TABLE ticket_text USING fts5(title, description, content='tickets', content_rowid='rowid', tokenize='trigram', detail='none')
                """).run()
            try await sql.raw("""
                CREATE VIRTUAL TABLE ticket_numbers USING fts5(number, content='', contentless_delete=1, tokenize='trigram', detail='none')
                """).run()
            try await sql.raw("""
                CREATE VIRTUAL TABLE ticket_pairs USING fts5(pairs, content='', contentless_delete=1, detail='none', prefix='1',
                  tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'")
                """).run()
            try await createShippedTriggers(on: sql)
            try await fill(on: sql)
        } else {
            let schema = try await KnowledgeSearch.trigramSchema(on: sql) ?? "public"
            try await sql.raw("""
                CREATE INDEX idx_tickets_text_trgm ON tickets USING gin ((title || ' ' || description) \(unsafeRaw: schema).gin_trgm_ops)
                """).run()
            try await sql.raw("CREATE INDEX idx_tickets_number_trgm ON tickets USING gin (number \(unsafeRaw: schema).gin_trgm_ops)").run()
            try await sql.raw("""
                CREATE FUNCTION yiwei_ticket_pairs(text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
                    SELECT lower(substr($1, i, 2)) AS g FROM generate_series(1, length($1)) AS i
                    UNION ALL SELECT lower(substr($1, i, 1)) FROM generate_series(1, length($1)) AS i) AS s
                $$
                """).run()
            try await sql.raw("""
                CREATE INDEX idx_tickets_pairs ON tickets USING gin (yiwei_ticket_pairs(number || ' ' || title || ' ' || description))
                """).run()
        }
    }

    /// SQLite: the triggers that keep the three indexes, as they are now (the bulk loader drops them for a load and
    /// fills the indexes once afterwards): the insert trigger stands aside for the writer (`AddTicketSearchWriterInsert`).
    package static func createTriggers(on sql: any SQLDatabase) async throws {
        try await createShippedTriggers(on: sql)
        try await sql.raw("DROP TRIGGER tickets_search_insert").run()
        try await sql.raw("\(unsafeRaw: AddTicketSearchWriterInsert.insertTrigger)").run()
    }

    /// The triggers as `CreateTicketSearchIndexes` shipped them.
    private static func createShippedTriggers(on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
              INSERT INTO ticket_text(rowid, title, description) VALUES (new.rowid, new.title, new.description);
              INSERT INTO ticket_numbers(rowid, number) VALUES (new.rowid, \(unsafeRaw: numberText("new")));
              INSERT INTO ticket_pairs(rowid, pairs) VALUES (new.rowid, (\(unsafeRaw: pairsText("new"))));
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER tickets_search_update AFTER UPDATE OF number, title, description ON tickets BEGIN
              INSERT INTO ticket_text(ticket_text, rowid, title, description) VALUES ('delete', old.rowid, old.title, old.description);
              INSERT INTO ticket_text(rowid, title, description) VALUES (new.rowid, new.title, new.description);
              DELETE FROM ticket_numbers WHERE rowid = old.rowid;
              INSERT INTO ticket_numbers(rowid, number) VALUES (new.rowid, \(unsafeRaw: numberText("new")));
              DELETE FROM ticket_pairs WHERE rowid = old.rowid;
              INSERT INTO ticket_pairs(rowid, pairs) VALUES (new.rowid, (\(unsafeRaw: pairsText("new"))));
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN
              INSERT INTO ticket_text(ticket_text, rowid, title, description) VALUES ('delete', old.rowid, old.title, old.description);
              DELETE FROM ticket_numbers WHERE rowid = old.rowid;
              DELETE FROM ticket_pairs WHERE rowid = old.rowid;
            END
            """).run()
    }

    package static func dropTriggers(on sql: any SQLDatabase) async throws {
        for trigger in sqliteTriggers { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run() }
    }

    /// SQLite: the three indexes made anew from the tickets (a migration, or after a bulk load without the triggers).
    package static func fill(on sql: any SQLDatabase) async throws {
        try await sql.raw("INSERT INTO ticket_text(ticket_text) VALUES ('rebuild')").run()
        try await sql.raw("INSERT INTO ticket_numbers(ticket_numbers) VALUES ('delete-all')").run()
        try await sql.raw("INSERT INTO ticket_pairs(ticket_pairs) VALUES ('delete-all')").run()
        try await sql.raw("INSERT INTO ticket_numbers(rowid, number) SELECT t.rowid, \(unsafeRaw: numberText("t")) FROM tickets t").run()
        try await sql.raw("INSERT INTO ticket_pairs(rowid, pairs) SELECT t.rowid, (\(unsafeRaw: pairsText("t"))) FROM tickets t").run()
    }

    static func dropIndexes(on sql: any SQLDatabase) async throws {
        if KnowledgeSearch.isSQLite(sql) {
            try await dropTriggers(on: sql)
            for table in ["ticket_text", "ticket_numbers", "ticket_pairs", "ticket_search_positions"] {
                try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: table)").run()
            }
        } else {
            for index in ["idx_tickets_text_trgm", "idx_tickets_number_trgm", "idx_tickets_pairs"] {
                try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index)").run()
            }
            try await sql.raw("DROP FUNCTION IF EXISTS yiwei_ticket_pairs(text)").run()
        }
    }

    // MARK: - Matching

    /// What a search term asks of the indexes and of each row.
    struct Term {
        let text: String
        /// Unicode scalars, as SQLite's `substr` and FTS5 count characters.
        let scalars: [Unicode.Scalar]
        /// `%text%` with `\`, `%` and `_` escaped: the term is a literal substring.
        let pattern: String
        let reporterIds: [UUID]
        let departmentIds: [UUID]
        let systemIds: [UUID]

        init(_ q: String, reference: ReferenceData) {
            text = q
            scalars = Array(q.unicodeScalars)
            pattern = KnowledgeSearch.likePattern(q)
            func matching<V>(_ items: [UUID: V], _ name: (V) -> String) -> [UUID] {
                items.filter { name($0.value).range(of: q, options: .caseInsensitive) != nil }.keys.sorted { $0.uuidString < $1.uuidString }
            }
            reporterIds = matching(reference.users) { $0.displayName }
            departmentIds = matching(reference.departments) { $0.name }
            systemIds = matching(reference.systems) { $0.name }
        }

        /// The term starts like a live number (`IT-`, any case): then among live numbers it can only match at the start.
        var startsLikeNumber: Bool {
            scalars.count >= 3 && scalars[0].isASCIILetter && scalars[1].isASCIILetter && scalars[2] == "-"
        }

        /// ASCII letters upper-cased (live numbers are upper case; other characters stay as they are).
        var numberPrefix: String {
            String(String.UnicodeScalarView(scalars.map { $0.isASCIILetter && $0.value >= 97 ? Unicode.Scalar($0.value - 32)! : $0 }))
        }

        /// The pair index can answer a 1–2-character term whose characters its tokenizer keeps (letters, numbers,
        /// marks, punctuation, symbols, private use — not spaces, controls or format characters).
        var pairToken: String? {
            guard scalars.count <= 2, !scalars.isEmpty else { return nil }
            for s in scalars {
                switch s.properties.generalCategory {
                case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .unassigned: return nil
                default: continue
                }
            }
            return text
        }

        /// The indexes hold this term's characters exactly as the row check reads them: no character has a case
        /// (the tokenizers fold case throughout Unicode, `LIKE` only for Latin letters), none is a space, control,
        /// format or private-use character (separators for the pair index, the number index's marker), and all are
        /// in the Basic Multilingual Plane. Then a pair-index token, or a trigram of a 3-character term, matches
        /// exactly the tickets whose text contains the term, and the index alone can count them.
        var indexExact: Bool {
            scalars.allSatisfy { s in
                guard s.value < 0x10000, !s.properties.isCased, !s.properties.changesWhenCaseMapped else { return false }
                switch s.properties.generalCategory {
                case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse, .unassigned: return false
                default: return true
                }
            }
        }

        /// The term's trigrams, each once, as an FTS5 AND expression.
        var trigramExpression: String {
            var seen = Set<String>(), parts: [String] = []
            for i in 0...(scalars.count - 3) {
                let gram = String(String.UnicodeScalarView(scalars[i..<(i + 3)]))
                if seen.insert(gram).inserted { parts.append(KnowledgeSearch.quoted(gram)) }
            }
            return parts.joined(separator: " AND ")
        }

        /// The definition, checked on each row: the term in number, title or description, or a matching name.
        /// On PostgreSQL the term is also asked in the indexed forms (trigram GIN on the number and on
        /// title || description, the pair GIN for 1–2 characters), each beside the exact check, so that the
        /// planner can combine the indexes.
        func condition(sqlite: Bool) -> any SQLExpression {
            func like(_ column: String) -> any SQLExpression {
                let condition: SQLQueryString = sqlite
                    ? "\(ident: column) LIKE \(bind: pattern) ESCAPE '\\'"
                    : "\(ident: column) ILIKE \(bind: pattern)"
                return condition
            }
            let exact = SQLQuery.any(["number", "title", "description"].map(like))
            var parts: [any SQLExpression]
            if sqlite {
                parts = [exact]
            } else if scalars.count >= 3 {
                let text: SQLQueryString = "(title || ' ' || description) ILIKE \(bind: pattern)"
                parts = [like("number"), SQLQuery.all([text, SQLQuery.any([like("title"), like("description")])])]
            } else {
                let pairs: SQLQueryString = "yiwei_ticket_pairs(number || ' ' || title || ' ' || description) @> ARRAY[lower(\(bind: text))]"
                parts = [SQLQuery.all([pairs, exact])]
            }
            if !reporterIds.isEmpty { parts.append(SQLQuery.inList("reporter_id", reporterIds)) }
            if !departmentIds.isEmpty { parts.append(SQLQuery.inList("department_id", departmentIds)) }
            if !systemIds.isEmpty { parts.append(SQLQuery.inList("business_system_id", systemIds)) }
            return SQLQuery.any(parts)
        }

        /// SQLite: the statements that give the rowids of a superset of the matching tickets (nil: no index answers
        /// this term, and the tickets are read in order and checked one by one). `exact`: every rowid it gives is a
        /// match and none of its matches is missing, so its rowids can be counted without reading the tickets.
        func sqliteCandidates() -> [Source]? {
            var sources: [Source] = []
            if scalars.count >= 3 {
                let grams = trigramExpression
                let single = scalars.count == 3 && indexExact
                sources.append(Source(sql: "SELECT rowid AS r FROM ticket_text WHERE ticket_text MATCH \(KnowledgeSearch.quotedLiteral(grams))", exact: single))
                if startsLikeNumber {
                    let prefix = numberPrefix
                    // Every number in this range starts with the term (upper case), and every live number holding it is here.
                    sources.append(Source(sql: "SELECT rowid AS r FROM tickets WHERE number >= \(KnowledgeSearch.quotedLiteral(prefix)) AND number < \(KnowledgeSearch.quotedLiteral(prefix + "~"))", exact: true))
                    let marker = KnowledgeSearch.quoted("\u{E000}\u{E000}\u{E000}")
                    sources.append(Source(sql: "SELECT rowid AS r FROM ticket_numbers WHERE ticket_numbers MATCH \(KnowledgeSearch.quotedLiteral(marker + " AND " + grams))", exact: false))
                } else {
                    sources.append(Source(sql: "SELECT rowid AS r FROM ticket_numbers WHERE ticket_numbers MATCH \(KnowledgeSearch.quotedLiteral(grams))", exact: single))
                }
            } else if let token = pairToken {
                let expression = KnowledgeSearch.quoted(token) + (scalars.count == 1 ? " *" : "")
                sources.append(Source(sql: "SELECT rowid AS r FROM ticket_pairs WHERE ticket_pairs MATCH \(KnowledgeSearch.quotedLiteral(expression))", exact: indexExact))
            } else {
                return nil
            }
            for (column, ids) in [("reporter_id", reporterIds), ("department_id", departmentIds), ("business_system_id", systemIds)] where !ids.isEmpty {
                let list = ids.map { KnowledgeSearch.quotedLiteral($0.uuidString) }.joined(separator: ", ")
                sources.append(Source(sql: "SELECT rowid AS r FROM tickets WHERE \(column) IN (\(list))", exact: true))
            }
            return sources
        }
    }

    /// One index's proposal for a term (SQLite).
    struct Source {
        /// A statement giving rowids as `r`.
        let sql: String
        /// Its rowids are exactly the tickets matching the term through it (see `Term.sqliteCandidates`).
        let exact: Bool
    }

    /// One page of the tickets matching `predicate` and the term, newest first, with the total counted up to `maxTotal`.
    static func page(_ term: Term, predicate: any SQLExpression, hasFilters: Bool, page: PageRequest, columns: String,
                     limits: Limits = Limits(), on sql: any SQLDatabase) async throws -> (rows: [PlainRow], total: Int) {
        let order = SQLRaw(#" ORDER BY "created_at" DESC, "number" DESC"#)
        let sqlite = KnowledgeSearch.isSQLite(sql)
        let matching = SQLQuery.all([predicate, term.condition(sqlite: sqlite)])
        let limit: SQLQueryString = " LIMIT \(bind: page.per) OFFSET \(bind: page.offset)"
        func direct() -> SQLQueryString {
            "SELECT \(unsafeRaw: columns) FROM tickets WHERE \(matching)\(order)\(limit)"
        }
        func directCount() -> SQLQueryString {
            "SELECT count(*) AS n FROM (SELECT 1 FROM tickets WHERE \(matching) LIMIT \(bind: maxTotal)) AS m"
        }
        func count(_ query: SQLQueryString) async throws -> Int { try await PlainRow.all(query, on: sql).first?.int("n") ?? 0 }

        guard sqlite, let sources = term.sqliteCandidates() else {
            // PostgreSQL's planner picks the indexes; a term no SQLite index answers is checked row by row.
            return (try await PlainRow.all(direct(), on: sql), try await count(directCount()))
        }

        // How many candidates each index gives and how many tickets the other filters leave, both counted only up
        // to a limit, in one statement: whichever is small is read whole; otherwise the term is common and the
        // newest tickets are read in order and checked until the page is full.
        let cap = max(limits.candidates, 1)
        let probes = sources.enumerated().map { "(SELECT count(*) FROM (\($1.sql) LIMIT \(cap))) AS s\($0)" }.joined(separator: ", ")
        // The filters' tickets are always read by their own query, then joined: SQLite's statistics know only the
        // average number of tickets per status, domain…, and asked for open tickets together with the term's check
        // it scanned the whole table (1.9 s at a million tickets).
        let filteredRows: SQLQueryString = "SELECT rowid AS r FROM tickets WHERE \(predicate) LIMIT \(bind: limits.filtered)"
        let probe: SQLQueryString = hasFilters
            ? "SELECT \(unsafeRaw: probes), (SELECT count(*) FROM (\(filteredRows))) AS f"
            : "SELECT \(unsafeRaw: probes)"
        let probed = try await PlainRow.all(probe, on: sql).first
        let counts = try sources.indices.map { try probed?.int("s\($0)") ?? 0 }
        let filtered = hasFilters ? (try probed?.int("f") ?? 0) : limits.filtered
        let found = zip(sources, counts).filter { $0.1 > 0 }.map(\.0)
        guard !found.isEmpty else { return ([], 0) }
        let candidates = counts.reduce(0, +)

        func countVia(_ rows: SQLQueryString) -> SQLQueryString {
            "SELECT count(*) AS n FROM (SELECT 1 FROM (\(rows)) c CROSS JOIN tickets ON tickets.rowid = c.r WHERE \(matching) LIMIT \(bind: maxTotal)) AS m"
        }
        let union: SQLQueryString = "\(unsafeRaw: found.map(\.sql).joined(separator: " UNION "))"
        /// The total, up to `maxTotal`. Without filters, the rowids of the indexes that answer the term exactly are
        /// counted as they are (no ticket read: 1,000 rowids of one index in well under a millisecond, against
        /// milliseconds for reading the tickets) and only the other candidates are checked.
        func total() async throws -> Int {
            guard !hasFilters, limits.indexOnlyTotals, found.contains(where: \.exact) else { return try await count(countVia(union)) }
            var parts: [SQLQueryString] = found.filter(\.exact).map { SQLQueryString($0.sql) }
            let inexact = found.filter { !$0.exact }.map(\.sql)
            if !inexact.isEmpty {
                parts.append("SELECT c.r AS r FROM (\(unsafeRaw: inexact.joined(separator: " UNION "))) c CROSS JOIN tickets ON tickets.rowid = c.r WHERE \(matching)")
            }
            return try await count("SELECT count(*) AS n FROM (\(parts.joined(separator: " UNION ")) LIMIT \(bind: maxTotal)) AS m")
        }

        /// The matches among `rows`, read once: SQLite sorts them and keeps the first `maxTotal` (or to the end of the
        /// page), whose count is the total; the page's rows are read again by rowid.
        func collect(_ rows: SQLQueryString) async throws -> (rows: [PlainRow], total: Int) {
            let keep = max(maxTotal, page.offset + page.per)
            let read: SQLQueryString = """
                SELECT tickets.rowid AS r FROM (\(rows)) c CROSS JOIN tickets ON tickets.rowid = c.r WHERE \(matching)\(order) LIMIT \(bind: keep)
                """
            let matches = try await PlainRow.all(read, on: sql).compactMap { try $0.int("r") }
            let onPage = matches.dropFirst(page.offset).prefix(page.per)
            guard !onPage.isEmpty else { return ([], min(matches.count, maxTotal)) }
            let list = onPage.map(String.init).joined(separator: ", ")
            let byRowid: SQLQueryString = "SELECT \(unsafeRaw: columns) FROM tickets WHERE rowid IN (\(unsafeRaw: list))\(order)"
            return (try await PlainRow.all(byRowid, on: sql), min(matches.count, maxTotal))
        }

        let fewFiltered = hasFilters && filtered < limits.filtered
        let fewCandidates = candidates < limits.candidates
        if fewCandidates && candidates >= page.offset + page.per && limits.newest > 0 && !(fewFiltered && filtered < candidates) {
            // The newest tickets first (by the index on the creation time, down to the `newest`-th newest): if they
            // hold the whole page it is the page, since every other match is older.
            let recent: SQLQueryString = """
                SELECT \(unsafeRaw: columns) FROM tickets WHERE "created_at" >= coalesce((SELECT "created_at" FROM tickets ORDER BY "created_at" DESC \
                LIMIT 1 OFFSET \(bind: limits.newest - 1)), -1e300) AND \(matching)\(order)\(limit)
                """
            let rows = try await PlainRow.all(recent, on: sql)
            if rows.count == page.per { return (rows, try await total()) }
        }
        if fewFiltered || fewCandidates {
            // The smaller set read whole, once: each match's time and number, sorted here for the total and the page.
            return try await collect(fewFiltered && (!fewCandidates || filtered <= candidates) ? filteredRows : union)
        }
        // A common term: the newest tickets read in order and checked until the page is full.
        return (try await PlainRow.all(direct(), on: sql), try await total())
    }
}

struct CreateTicketSearchIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws { try await TicketSearch.createIndexes(on: database.sql) }
    func revert(on database: any Database) async throws { try await TicketSearch.dropIndexes(on: database.sql) }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { (65...90).contains(value) || (97...122).contains(value) }
}
