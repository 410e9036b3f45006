import Fluent
import Foundation
import SQLKit

/// SQLite: the search index rows of new reports written by the writer's group insert, built here, instead of by the
/// insert trigger. Measured on a copy of the 1,000,000-ticket database (groups of 16 reports): the trigger's three
/// inserts — the pairs built in SQL by a join with a table of positions and `group_concat` — cost about 250 µs of
/// CPU per ticket over the bare insert; the same rows given by the writer, one statement per index for the whole
/// group, about 60 µs (docs/PERFORMANCE.md *Ticket search*).
///
/// The trigger stays for every other way a ticket is inserted (imports, the demo, tests through Fluent): while the
/// writer's transaction holds a row in `ticket_search_writer` it stands aside. The row is taken out again before
/// the transaction ends, and a failed write rolls it back with everything else.
extension TicketSearch {
    /// Inserts new tickets (`Ticket.insertAll`) with their rows in the three search indexes.
    static func insertIndexed(_ tickets: [Ticket], on db: any Database) async throws {
        let sql = db.sql
        guard KnowledgeSearch.isSQLite(sql), !tickets.isEmpty else {
            try await Ticket.insertAll(tickets, on: db)
            return
        }
        try await sql.raw("INSERT INTO ticket_search_writer (id) VALUES (1)").run()
        try await Ticket.insertAll(tickets, on: db)
        let ids = try tickets.map { try $0.requireID() }
        var rowids: [UUID: Int] = [:]
        for chunk in ids.chunked(500) {
            let query = sql.select().column(SQLRaw("rowid AS r")).column(SQLColumnName("id")).from(SQLColumnName(Ticket.schema))
                .where(SQLQuery.inList("id", Array(chunk)))
            for row in try await PlainRow.all(query.select, on: sql) {
                if let id = try row.uuid("id"), let r = try row.int("r") { rowids[id] = r }
            }
        }
        var text: [[(any Encodable & Sendable)?]] = [], numbers: [[(any Encodable & Sendable)?]] = [], pairs: [[(any Encodable & Sendable)?]] = []
        for ticket in tickets {
            guard let id = ticket.id, let r = rowids[id] else {
                throw AppError(.internalServerError, .ticketRow, "a new ticket's row was not found for its search index")
            }
            text.append([r, ticket.title, ticket.description])
            numbers.append([r, indexedNumber(ticket.number)])
            pairs.append([r, indexedPairs(ticket.number + " " + ticket.title + " " + ticket.description)])
        }
        for (table, column, rows) in [("ticket_text", "title", text), ("ticket_numbers", "number", numbers), ("ticket_pairs", "pairs", pairs)] {
            let columns = table == "ticket_text" ? ["rowid", "title", "description"] : ["rowid", column]
            for chunk in rows.chunked(200) {
                try await sql.execute(sql: SQLRowsInsert(table: table, columns: columns, rows: Array(chunk))) { _ in }
            }
        }
        try await sql.raw("DELETE FROM ticket_search_writer").run()
    }

    /// The number as `ticket_numbers` holds it (the triggers' `CASE WHEN number GLOB '[A-Z][A-Z]-[0-9]{8}-[0-9]{4}'`):
    /// a number not of the live form gets a space and three U+E000 as a marker.
    static func indexedNumber(_ number: String) -> String {
        let s = Array(number.unicodeScalars)
        func letter(_ i: Int) -> Bool { (65...90).contains(s[i].value) }
        func digits(_ range: ClosedRange<Int>) -> Bool { range.allSatisfy { (48...57).contains(s[$0].value) } }
        let live = s.count == 16 && letter(0) && letter(1) && s[2] == "-" && digits(3...10) && s[11] == "-" && digits(12...15)
        return live ? number : number + " \u{E000}\u{E000}\u{E000}"
    }

    /// Every two neighbouring characters (Unicode scalars, as SQLite's `substr` counts) of the text, and its last
    /// character alone, space-separated: what the triggers build with `substr` and `group_concat`.
    static func indexedPairs(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(s.count * 3)
        for i in s.indices {
            if i > 0 { out.append(" ") }
            out.append(s[i])
            if i + 1 < s.count { out.append(s[i + 1]) }
        }
        return String(out)
    }
}

/// The insert trigger of the search indexes stands aside while the writer's group insert writes the index rows
/// itself (`TicketSearch.insertIndexed`), marked by a row in `ticket_search_writer`. SQL written as it shipped.
struct AddTicketSearchWriterInsert: AsyncMigration {
    static let table = "CREATE TABLE ticket_search_writer (id INTEGER PRIMARY KEY)"

    static let insertTrigger = """
        CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets WHEN NOT EXISTS (SELECT 1 FROM ticket_search_writer) BEGIN
          INSERT INTO ticket_text(rowid, title, description) VALUES (new.rowid, new.title, new.description);
          INSERT INTO ticket_numbers(rowid, number) VALUES (new.rowid, new.number || CASE WHEN new.number GLOB '[A-Z][A-Z]-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]' THEN '' ELSE ' ' || char(57344, 57344, 57344) END);
          INSERT INTO ticket_pairs(rowid, pairs) VALUES (new.rowid, (SELECT group_concat(substr(s.t, p.n, 2), ' ') FROM (SELECT new.number || ' ' || new.title || ' ' || new.description AS t) s JOIN ticket_search_positions p ON p.n <= length(s.t)));
        END
        """

    /// The trigger as `CreateTicketSearchIndexes` made it, for `revert`.
    static let previousInsertTrigger = """
        CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
          INSERT INTO ticket_text(rowid, title, description) VALUES (new.rowid, new.title, new.description);
          INSERT INTO ticket_numbers(rowid, number) VALUES (new.rowid, new.number || CASE WHEN new.number GLOB '[A-Z][A-Z]-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]' THEN '' ELSE ' ' || char(57344, 57344, 57344) END);
          INSERT INTO ticket_pairs(rowid, pairs) VALUES (new.rowid, (SELECT group_concat(substr(s.t, p.n, 2), ' ') FROM (SELECT new.number || ' ' || new.title || ' ' || new.description AS t) s JOIN ticket_search_positions p ON p.n <= length(s.t)));
        END
        """

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        guard KnowledgeSearch.isSQLite(sql) else { return }
        try await sql.raw("\(unsafeRaw: Self.table)").run()
        try await sql.raw("DROP TRIGGER IF EXISTS tickets_search_insert").run()
        try await sql.raw("\(unsafeRaw: Self.insertTrigger)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        guard KnowledgeSearch.isSQLite(sql) else { return }
        try await sql.raw("DROP TRIGGER IF EXISTS tickets_search_insert").run()
        try await sql.raw("\(unsafeRaw: Self.previousInsertTrigger)").run()
        try await sql.raw("DROP TABLE IF EXISTS ticket_search_writer").run()
    }
}
