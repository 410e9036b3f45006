import Fluent
import NIOConcurrencyHelpers
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Who did something, as the audit log records it.
package struct AuditActor: Sendable {
    package var id: UUID?
    package var name: String
    package var ip: String

    package static func system(_ name: String = "system") -> AuditActor { AuditActor(id: nil, name: name, ip: "-") }
}

/// Appends to the hash chain. Call it inside `Request.write` / `Application.write`, in the same
/// transaction as the change it records, so a change and its audit row commit or fail together.
package enum AuditLog {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    package static func json(_ value: (any Encodable)?) -> String? {
        // Timeline events' details and most audit rows are string maps: written directly, keys sorted, as `encoder` would.
        if let map = value as? [String: String] { return JSONWriter.sortedObject(map) }
        guard let value, let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    package static func append(on db: any Database, at now: Date, actor: AuditActor, action: String, entityType: String,
                       entityId: String? = nil, before: (any Encodable)? = nil, after: (any Encodable)? = nil) async throws {
        let entry = AuditBuffer.Entry(sequence: 0, atMillis: Int64((now.timeIntervalSince1970 * 1000).rounded()), actorId: actor.id?.uuidString,
                                      actorName: String(actor.name.prefix(200)), ip: String(actor.ip.prefix(64)), action: action,
                                      entityType: entityType, entityId: entityId, before: json(before), after: json(after))
        // Inside a group commit (`WriteGate`) the rows of all its writes are chained and inserted together just
        // before the commit: one read of the head and one insert instead of two statements per write.
        if let buffer = AuditBuffer.current {
            buffer.add(entry)
            return
        }
        try await AuditBuffer.write([entry], on: db)
    }

    /// Walks the whole chain in pages of 1,000 rows; returns the first problem, or nil when intact.
    static func verify(on db: any Database) async throws -> (finding: AuditChain.Finding?, checked: Int64) {
        var previous = AuditChain.genesis
        var next: Int64 = 1
        while true {
            let rows = try await AuditEntry.query(on: db)
                .filter(\.$sequence >= next)
                .sort(\.$sequence, .ascending)
                .limit(1000)
                .all()
            if rows.isEmpty { return (nil, next - 1) }
            let result = AuditChain.verify(rows.map { ($0.record, $0.previousHash, $0.hash) },
                                           expectedPrevious: previous, expectedNextSequence: next)
            if let finding = result.finding { return (finding, result.nextSequence - 1) }
            previous = result.lastHash
            next = result.nextSequence
        }
    }
}

/// The chain's last row: its sequence number and hash.
struct AuditHead: Sendable, Equatable {
    var sequence: Int64
    var hash: String
}

/// The audit rows of one group commit, in the order their writes appended them.
final class AuditBuffer: @unchecked Sendable {
    /// A row to append: its `sequence` is given when the rows are chained (`write`).
    typealias Entry = AuditRecord

    @TaskLocal static var current: AuditBuffer?

    private let lock = NIOLock()
    private var entries: [Entry] = []
    /// The head the gate's last commit left (SQLite: one writer), so the group need not read it; nil: read it.
    private let knownHead: AuditHead?
    private var writtenHead: AuditHead?

    init(knownHead: AuditHead? = nil) {
        self.knownHead = knownHead
        writtenHead = knownHead
    }

    func add(_ entry: Entry) { lock.withLock { entries.append(entry) } }
    /// How many rows are waiting (a savepoint's mark).
    var count: Int { lock.withLock { entries.count } }
    /// Forgets the rows of a write rolled back to its savepoint.
    func truncate(to mark: Int) { lock.withLock { entries.removeSubrange(min(mark, entries.count)...) } }
    /// After `flush`: the chain's head once the group commits (nil when not known).
    var head: AuditHead? { lock.withLock { writtenHead } }

    /// Appends the waiting rows to the chain (inside the group's transaction, before its commit).
    func flush(on db: any Database) async throws {
        let waiting = lock.withLock { () -> [Entry] in defer { entries = [] }; return entries }
        if let head = try await Self.write(waiting, on: db, knownHead: knownHead) { lock.withLock { writtenHead = head } }
    }

    /// Inserts the rows after the chain's head, each hashed over the one before; returns the new head (nil when there
    /// was nothing to write). The head is read unless `knownHead` is given (SQLite only): if another process appended
    /// meanwhile, the chain's unique sequence refuses the first row — SQLite undoes just that statement — and the
    /// head is read and the rows chained again, so the chain never forks.
    @discardableResult
    static func write(_ entries: [Entry], on db: any Database, knownHead: AuditHead? = nil) async throws -> AuditHead? {
        guard !entries.isEmpty else { return nil }
        let sql = db.sql
        if sql.dialect.name != "sqlite" {
            // Several instances may share one PostgreSQL database: one chain, one appender at a time.
            try await sql.raw("SELECT pg_advisory_xact_lock(7310201)").run()
        } else if let knownHead {
            do { return try await insert(entries, after: knownHead, on: sql, headMayBeStale: true) } catch is StaleHead {}
        }
        // The head and the new rows as plain SQL: this runs in every write, and model reflection costs more than the queries.
        let row = try await sql.select().columns("seq", "hash").from(AuditEntry.schema).orderBy("seq", .descending).limit(1).first()
        let head = AuditHead(sequence: try row?.decode(column: "seq", as: Int64.self) ?? 0,
                             hash: try row?.decode(column: "hash", as: String.self) ?? AuditChain.genesis)
        return try await insert(entries, after: head, on: sql, headMayBeStale: false)
    }

    /// The first rows after a head that turned out not to be the chain's head were refused (nothing was written).
    private struct StaleHead: Error {}

    private static func insert(_ entries: [Entry], after head: AuditHead, on sql: any SQLDatabase, headMayBeStale: Bool) async throws -> AuditHead {
        var sequence = head.sequence
        var previous = head.hash
        for (index, chunk) in entries.chunked(50).enumerated() {
            var rows: [[(any Encodable & Sendable)?]] = []
            for e in chunk {
                sequence += 1
                var record = e
                record.sequence = sequence
                let hash = AuditChain.hash(of: record, previous: previous)
                rows.append([UUID.timeOrdered(), sequence, e.atMillis, e.actorId, e.actorName, e.ip, e.action, e.entityType, e.entityId, e.before,
                             e.after, previous, hash])
                previous = hash
            }
            do {
                try await sql.execute(sql: SQLRowsInsert(table: AuditEntry.schema, columns: ["id", "seq", "at_ms", "actor_id", "actor_name", "ip", "action",
                                                                                         "entity_type", "entity_id", "before", "after", "prev_hash", "hash"],
                                                         rows: rows)) { _ in }
            } catch where index == 0 && headMayBeStale {
                throw StaleHead()
            }
        }
        return AuditHead(sequence: sequence, hash: previous)
    }
}

extension Application {
    /// Runs `body` in one transaction, one writer at a time, committed with the writes waiting beside it
    /// (see `WriteGate`); returns after the commit. Unless the write says it
    /// changes only tickets and their records (`affectsReference: false`), the organisation in memory is
    /// read again afterwards (`ReferenceCache`).
    package func write<T: Sendable>(affectsReference: Bool = true, group: WriteGroup? = nil,
                            _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await yiwei.writeGate.run(on: db, reference: yiwei.reference, affectsReference: affectsReference, group: group, body)
    }
}

extension Request {
    func write<T: Sendable>(affectsReference: Bool = true, group: WriteGroup? = nil,
                            _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.write(affectsReference: affectsReference, group: group, body)
    }

    var auditActor: AuditActor {
        let ip = remoteIP
        if let user = currentUser { return AuditActor(id: user.id, name: user.username, ip: ip) }
        return AuditActor(id: nil, name: "anonymous", ip: ip)
    }
}
