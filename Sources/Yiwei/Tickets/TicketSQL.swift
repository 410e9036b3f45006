import Fluent
import Foundation
import SQLKit

/// Reading and inserting a ticket without Fluent's reflection. Fluent finds a model's properties through
/// `Mirror` for every row it decodes or saves, which for a ticket's fifty columns cost more than the query
/// itself; here the properties are named once, in code, and fed the row directly. A model read this way
/// behaves as one Fluent loaded (it exists, and saving it writes only what changed).
extension Ticket {
    static func fetch(_ id: UUID, on db: any Database) async throws -> Ticket? {
        let sql = db.sql
        guard let row = try await sql.select().column("*").from(schema).where("id", .equal, id).first() else { return nil }
        return try Ticket(row: row)
    }

    /// Inserts new tickets (their ids set) with every value given, as `create(on:)` would, in one statement
    /// per hundred tickets.
    static func insertAll(_ tickets: [Ticket], on db: any Database) async throws {
        guard let first = tickets.first else { return }
        let columns = databaseProperties(of: first).flatMap(\.keys)
        for chunk in tickets.chunked(100) {
            let rows = chunk.map { ticket -> [(any Encodable & Sendable)?] in
                let input = CollectedInput()
                for property in databaseProperties(of: ticket) { property.input(to: input) }
                let given = Dictionary(input.values, uniquingKeysWith: { _, last in last })
                return columns.map { key in
                    if case .bind(let bound)? = given[key] { return bound }
                    return nil
                }
            }
            try await db.sql.execute(sql: SQLRowsInsert(table: schema, columns: columns.map(\.description), rows: rows)) { _ in }
            for ticket in chunk { ticket.$id.exists = true }
        }
    }

    convenience init(row: any SQLRow) throws {
        self.init()
        let output = SQLRowOutput(row: row)
        for property in Ticket.databaseProperties(of: self) { try property.output(from: output) }
    }

    /// Every stored property of the ticket, named in code (a test checks that none is missing).
    static func databaseProperties(of t: Ticket) -> [any AnyDatabaseProperty] {
        [
            t.$id, t.$number, t.$domain, t.$kind, t.$title, t.$description, t.$impact, t.$urgency, t.$priority, t.$status, t.$pendedFrom,
            t.$pendingSince, t.$pendingReason, t.$pendingWaitOn, t.$pauseApproval, t.$pausedSeconds, t.$categoryId, t.$businessSystemId, t.$assetId, t.$location, t.$departmentId,
            t.$reporterId, t.$createdById, t.$channel, t.$occurredAt, t.$assigneeId, t.$teamId, t.$resolution, t.$reopenCount, t.$ratingScore,
            t.$ratingComment, t.$ratedAt, t.$slaPolicyId, t.$responseDueAt, t.$startDueAt, t.$resolveDueAt, t.$planRequiredAt, t.$plan,
            t.$planById, t.$planApprovedAt, t.$planApprovedById, t.$nextAlertAt, t.$responseBreached, t.$resolveBreached, t.$visitedAt,
            t.$importedAt, t.$createdAt, t.$updatedAt, t.$acknowledgedAt, t.$startedAt, t.$resolvedAt, t.$closedAt, t.$cancelledAt,
        ]
    }
}

extension TicketEvent {
    /// A ticket's timeline events (optionally only some types, optionally without internal ones), oldest first,
    /// read as plain rows.
    static func of(_ ticketId: UUID, types: [String]? = nil, includeInternal: Bool = true, on db: any Database) async throws -> [TicketEvent] {
        var query = db.sql.select().columns("id", "ticket_id", "at", "actor_id", "type", "data", "internal")
            .from(schema).where("ticket_id", .equal, ticketId)
        if let types { query = query.where(SQLQuery.inList("type", types)) }
        if !includeInternal { query = query.where("internal", .equal, false) }
        return try await query.orderBy("at").all().map { row in
            let e = TicketEvent()
            let output = SQLRowOutput(row: row)
            for property in [e.$id, e.$ticketId, e.$at, e.$actorId, e.$type, e.$data, e.$isInternal] as [any AnyDatabaseProperty] {
                try property.output(from: output)
            }
            return e
        }
    }
}

/// The values a model's properties give for saving, in the order they give them.
final class CollectedInput: DatabaseInput, @unchecked Sendable {
    var values: [(FieldKey, DatabaseQuery.Value)] = []
    func set(_ value: DatabaseQuery.Value, at key: FieldKey) { values.append((key, value)) }
}

/// An SQL row seen as Fluent's `DatabaseOutput` (column = field key).
struct SQLRowOutput: DatabaseOutput {
    let row: any SQLRow

    func schema(_ schema: String) -> any DatabaseOutput { self }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: key.description) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: key.description) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(column: key.description, as: T.self) }
    var description: String { "SQLRowOutput" }
}
