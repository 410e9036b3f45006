import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Who did something, as the audit log records it.
struct AuditActor: Sendable {
    var id: UUID?
    var name: String
    var ip: String

    static func system(_ name: String = "system") -> AuditActor { AuditActor(id: nil, name: name, ip: "-") }
}

/// Appends to the hash chain. Call it inside `Request.write` / `Application.write`, in the same
/// transaction as the change it records, so a change and its audit row commit or fail together.
enum AuditLog {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: (any Encodable)?) -> String? {
        guard let value, let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func append(on db: any Database, at now: Date, actor: AuditActor, action: String, entityType: String,
                       entityId: String? = nil, before: (any Encodable)? = nil, after: (any Encodable)? = nil) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name != "sqlite" {
            // Several instances may share one PostgreSQL database: one chain, one appender at a time.
            try await sql.raw("SELECT pg_advisory_xact_lock(7310201)").run()
        }
        // The head and the new row as plain SQL: this runs in every write, and model reflection costs more than the queries.
        let head = try await sql.select().columns("seq", "hash").from(AuditEntry.schema).orderBy("seq", .descending).limit(1).first()
        let headSequence = try head?.decode(column: "seq", as: Int64.self) ?? 0
        let record = AuditRecord(sequence: headSequence + 1,
                                 atMillis: Int64((now.timeIntervalSince1970 * 1000).rounded()),
                                 actorId: actor.id?.uuidString, actorName: String(actor.name.prefix(200)),
                                 ip: String(actor.ip.prefix(64)), action: action, entityType: entityType, entityId: entityId,
                                 before: json(before), after: json(after))
        let previous = try head?.decode(column: "hash", as: String.self) ?? AuditChain.genesis
        try await sql.insert(into: AuditEntry.schema)
            .columns("id", "seq", "at_ms", "actor_id", "actor_name", "ip", "action", "entity_type", "entity_id", "before", "after", "prev_hash", "hash")
            .values(SQLBind(UUID()), SQLBind(record.sequence), SQLBind(record.atMillis), SQLBind(record.actorId), SQLBind(record.actorName),
                    SQLBind(record.ip), SQLBind(record.action), SQLBind(record.entityType), SQLBind(record.entityId), SQLBind(record.before),
                    SQLBind(record.after), SQLBind(previous), SQLBind(AuditChain.hash(of: record, previous: previous)))
            .run()
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

extension Application {
    /// Runs `body` in one transaction, one writer at a time, committed with the writes waiting beside it
    /// (see `WriteGate`); returns after the commit. Unless the write says it
    /// changes only tickets and their records (`affectsReference: false`), the organisation in memory is
    /// read again afterwards (`ReferenceCache`).
    func write<T: Sendable>(affectsReference: Bool = true, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await yiwei.writeGate.run(on: db, reference: yiwei.reference, affectsReference: affectsReference, body)
    }
}

extension Request {
    func write<T: Sendable>(affectsReference: Bool = true, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.write(affectsReference: affectsReference, body)
    }

    var auditActor: AuditActor {
        let ip = remoteIP
        if let user = currentUser { return AuditActor(id: user.id, name: user.username, ip: ip) }
        return AuditActor(id: nil, name: "anonymous", ip: ip)
    }

    /// The client address: `X-Forwarded-For`'s first hop only when the connection comes from loopback
    /// (a reverse proxy on the same server), otherwise the peer itself.
    var remoteIP: String {
        let peer = remoteAddress?.ipAddress ?? "-"
        if peer == "127.0.0.1" || peer == "::1", let forwarded = headers.first(name: "X-Forwarded-For")?
            .split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !forwarded.isEmpty {
            return String(forwarded.prefix(64))
        }
        return peer
    }
}
