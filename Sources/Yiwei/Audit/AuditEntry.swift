import Fluent
import SQLKit
import Foundation
import YiweiCore

/// One row of the append-only, hash-chained audit log (SEC-2).
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one task at a time.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_log"

    @ID(key: .id) var id: UUID?
    @Field(key: "seq") var sequence: Int64
    @Field(key: "at_ms") var atMillis: Int64
    @OptionalField(key: "actor_id") var actorId: String?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "ip") var ip: String
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @OptionalField(key: "entity_id") var entityId: String?
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?
    @Field(key: "prev_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}

    var record: AuditRecord {
        AuditRecord(sequence: sequence, atMillis: atMillis, actorId: actorId, actorName: actorName, ip: ip,
                    action: action, entityType: entityType, entityId: entityId, before: before, after: after)
    }
}
