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

struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema)
            .id()
            .field("seq", .int64, .required)
            .field("at_ms", .int64, .required)
            .field("actor_id", .string)
            .field("actor_name", .string, .required)
            .field("ip", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string)
            .field("before", .string)
            .field("after", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "seq")
            .create()
        let sql = database.sql
        try await sql.create(index: "idx_audit_entity").on(AuditEntry.schema).column("entity_type").column("entity_id").run()
        try await sql.create(index: "idx_audit_actor").on(AuditEntry.schema).column("actor_id").column("seq").run()
        try await sql.create(index: "idx_audit_action").on(AuditEntry.schema).column("action").column("seq").run()
        try await sql.create(index: "idx_audit_at").on(AuditEntry.schema).column("at_ms").run()
        // Append-only in the database itself: even the application cannot update or delete a row.
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END").run()
            try await sql.raw("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END").run()
        } else {
            try await sql.raw("CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$").run()
            try await sql.raw("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_log_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_log_no_delete").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log").run()
        }
        try await database.schema(AuditEntry.schema).delete()
        if sql.dialect.name != "sqlite" {
            try await sql.raw("DROP FUNCTION IF EXISTS audit_log_append_only()").run()
        }
    }
}
