import Crypto
import Foundation

/// One audit record as it enters the hash chain. Every field that a reader relies on is part of the
/// hash, so changing any of them (or deleting or reordering rows) breaks the chain from that row on.
public struct AuditRecord: Sendable, Equatable {
    public var sequence: Int64
    public var atMillis: Int64
    public var actorId: String?
    public var actorName: String
    public var ip: String
    public var action: String
    public var entityType: String
    public var entityId: String?
    public var before: String?
    public var after: String?

    public init(sequence: Int64, atMillis: Int64, actorId: String?, actorName: String, ip: String,
                action: String, entityType: String, entityId: String?, before: String?, after: String?) {
        self.sequence = sequence
        self.atMillis = atMillis
        self.actorId = actorId
        self.actorName = actorName
        self.ip = ip
        self.action = action
        self.entityType = entityType
        self.entityId = entityId
        self.before = before
        self.after = after
    }

    /// Fields are length-prefixed so that no choice of field contents can produce another record's bytes.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        func put(_ s: String?) {
            guard let s else { out.append(contentsOf: Array("-".utf8)); out.append(0x1F); return }
            let bytes = Array(s.utf8)
            out.append(contentsOf: Array(String(bytes.count).utf8))
            out.append(0x3A)
            out.append(contentsOf: bytes)
            out.append(0x1F)
        }
        put(String(sequence)); put(String(atMillis)); put(actorId); put(actorName); put(ip)
        put(action); put(entityType); put(entityId); put(before); put(after)
        return out
    }
}

public enum AuditChain {
    /// The hash of the row before the first one.
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(of record: AuditRecord, previous: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previous.utf8))
        hasher.update(data: record.canonicalBytes)
        return lowercaseHex(hasher.finalize())
    }

    /// Bytes as lowercase hexadecimal (every write hashes its audit row: `String(format:)` per byte cost more
    /// than the hash).
    static func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public enum Finding: Equatable, Sendable {
        /// A sequence number is missing: the row was deleted (or never committed).
        case missing(sequence: Int64)
        /// The row's stored hash does not match its content or its predecessor: it was modified.
        case modified(sequence: Int64)
    }

    /// Verifies rows in ascending sequence order. Returns nil when the chain is intact, else the first
    /// problem. `startingAfter` lets a long log be verified in pages.
    public static func verify(_ rows: [(record: AuditRecord, previousHash: String, hash: String)],
                              expectedPrevious: String = genesis,
                              expectedNextSequence: Int64 = 1) -> (finding: Finding?, lastHash: String, nextSequence: Int64) {
        var previous = expectedPrevious
        var next = expectedNextSequence
        for row in rows {
            if row.record.sequence != next {
                return (.missing(sequence: next), previous, next)
            }
            if row.previousHash != previous || hash(of: row.record, previous: previous) != row.hash {
                return (.modified(sequence: row.record.sequence), previous, next)
            }
            previous = row.hash
            next += 1
        }
        return (nil, previous, next)
    }
}
