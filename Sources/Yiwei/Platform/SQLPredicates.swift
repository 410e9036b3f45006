import FluentKit
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SQLiteKit
import YiweiCore

/// Small builders for WHERE clauses written with SQLKit on the hot read paths (lists, queues), where
/// Fluent's model decoding would cost more than the query.
enum SQLQuery {
    /// `column IN (…)`; an empty list matches nothing (as Fluent's `~~ []` does).
    static func inList(_ column: String, _ values: [some Encodable & Sendable]) -> any SQLExpression {
        guard !values.isEmpty else { return never }
        return SQLBinaryExpression(SQLColumnName(column), .in, SQLGroupExpression(values.map { SQLBind($0) }))
    }

    /// `column op ?`.
    static func compare(_ column: String, _ op: SQLBinaryOperator, _ value: some Encodable & Sendable) -> any SQLExpression {
        SQLBinaryExpression(SQLColumnName(column), op, SQLBind(value))
    }

    /// Every condition (`1 = 1` when there are none).
    static func all(_ parts: [any SQLExpression]) -> any SQLExpression {
        combine(parts, .and, empty: always)
    }

    /// Any of the conditions (`1 = 0` when there are none).
    static func any(_ parts: [any SQLExpression]) -> any SQLExpression {
        combine(parts, .or, empty: never)
    }

    /// `status IN ('new', 'accepted', 'in_progress', 'pending')` with the values written out, not bound: only then can
    /// the engine see that a query asks for what the partial index of open tickets holds (`AddOpenTicketIndexes`).
    static let openStatus: any SQLExpression = SQLRaw("\"status\" IN (" + openStatusValues.map { "'" + $0 + "'" }.joined(separator: ", ") + ")")
    static let openStatusValues = TicketStatus.allCases.filter(\.isOpen).map(\.rawValue)
    /// The same condition as SQL text, for the index itself.
    static let openStatusSQL = "status IN (" + openStatusValues.map { "'" + $0 + "'" }.joined(separator: ", ") + ")"

    static let always: any SQLExpression = SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("1"))
    static let never: any SQLExpression = SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))

    private static func combine(_ parts: [any SQLExpression], _ op: SQLBinaryOperator, empty: any SQLExpression) -> any SQLExpression {
        guard var result = parts.first else { return empty }
        for part in parts.dropFirst() { result = SQLBinaryExpression(result, op, part) }
        return SQLGroupExpression(result)
    }
}

extension SQLRow {
    /// A nullable column, NULL checked first so the value is decoded as its own type: SQLiteKit decodes an
    /// `Optional` through the generic `Decoder` machinery, several times slower (a queue page decodes hundreds).
    func decodeOptional<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }
}

/// `INSERT INTO table (columns…) VALUES (…), (…)` written straight into the serializer: the writer inserts a group's
/// tickets, timeline events and audit rows this way, and SQLKit's expression tree for 30 rows of 50 columns cost
/// more than SQLite's insert. A nil value is written as `NULL`, anything else as a bind.
struct SQLRowsInsert: SQLExpression {
    let table: String
    let columns: [String]
    let rows: [[(any Encodable & Sendable)?]]

    func serialize(to serializer: inout SQLSerializer) {
        let sqlite = serializer.dialect.name == "sqlite"
        serializer.write("INSERT INTO ")
        Self.identifier(table, &serializer)
        serializer.write(" (")
        for (index, column) in columns.enumerated() {
            if index > 0 { serializer.write(", ") }
            Self.identifier(column, &serializer)
        }
        serializer.write(") VALUES ")
        var text = ""
        text.reserveCapacity(rows.count * columns.count * 4)
        for (index, row) in rows.enumerated() {
            text += index == 0 ? "(" : ", ("
            for (position, value) in row.enumerated() {
                if position > 0 { text += ", " }
                if let value {
                    serializer.binds.append(value)
                    text += sqlite ? "?" : "$" + String(serializer.binds.count)
                } else {
                    text += "NULL"
                }
            }
            text += ")"
        }
        serializer.write(text)
    }

    /// Our table and column names are lowercase words: quoted as they are (both engines quote with `"`), without
    /// SQLKit's search for quotes to escape; anything else goes through `SQLIdentifier`.
    private static func identifier(_ name: String, _ serializer: inout SQLSerializer) {
        SQLColumnName(name).serialize(to: &serializer)
    }
}

/// A table or column name: ours are lowercase words, quoted as they are (both engines quote with `"`) without
/// SQLKit's search for quotes to escape, which the list queries paid for every name; anything else goes through
/// `SQLIdentifier`.
struct SQLColumnName: SQLExpression {
    let name: String

    init(_ name: String) { self.name = name }

    func serialize(to serializer: inout SQLSerializer) {
        if Self.isPlain(name) {
            serializer.write("\"" + name + "\"")
        } else {
            SQLIdentifier(name).serialize(to: &serializer)
        }
    }

    static func isPlain(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }
}

/// The rows of a query as plain values, for the lists read most (the queue page, the ticket list): on SQLite straight
/// from SQLiteNIO's rows — SQLiteKit's `SQLRow` decodes every column through the `Decoder` machinery, and fifty rows
/// of sixteen columns cost more than the query — elsewhere through `SQLRow`.
enum PlainRow: Sendable {
    case sqlite(SQLiteRow)
    case sql(any SQLRow)

    static func all(_ query: any SQLExpression, on sql: any SQLDatabase) async throws -> [PlainRow] {
        if let lite = sql as? any SQLiteDatabase, sql.dialect.name == "sqlite" {
            let (text, binds) = sql.serialize(query)
            let encoder = SQLiteDataEncoder()
            return try await lite.query(text, try binds.map { try encoder.encode($0) }).map { .sqlite($0) }
        }
        return try await sql.execute(sql: query).map { .sql($0) }
    }

    func string(_ column: String) throws -> String? {
        switch self {
        case .sqlite(let row): row.column(column)?.string
        case .sql(let row): try row.decodeOptional(column, as: String.self)
        }
    }

    /// SQLite keeps ids as text: read by hand (`UUID.parse`).
    func uuid(_ column: String) throws -> UUID? {
        switch self {
        case .sqlite(let row):
            switch row.column(column) {
            case .text(let text)?: UUID.parse(text)
            case nil, .null?: nil
            case let other?: UUID(uuidString: other.string ?? "")
            }
        case .sql(let row): try row.decodeOptional(column, as: UUID.self)
        }
    }

    func date(_ column: String) throws -> Date? {
        switch self {
        case .sqlite(let row): row.column(column).flatMap { $0.isNull ? nil : Date(sqliteData: $0) }
        case .sql(let row): try row.decodeOptional(column, as: Date.self)
        }
    }

    func int(_ column: String) throws -> Int? {
        switch self {
        case .sqlite(let row): row.column(column)?.integer.map { Int($0) }
        case .sql(let row): try row.decodeOptional(column, as: Int.self)
        }
    }
}

extension SQLDatabase {
    /// Every row of `query`.
    func execute(sql query: any SQLExpression) async throws -> [any SQLRow] {
        let rows = NIOLockedValueBox<[any SQLRow]>([])
        try await execute(sql: query) { row in rows.withLockedValue { $0.append(row) } }
        return rows.withLockedValue { $0 }
    }
}
