import Fluent
import Vapor
import YiweiCore

struct AuditEntryDTO: Content {
    var sequence: Int64
    var at: Date
    var actorId: String?
    var actorName: String
    var ip: String
    var action: String
    var entityType: String
    var entityId: String?
    /// JSON text of the record before the change, when there was one.
    var before: String?
    /// JSON text of the record after the change.
    var after: String?
    var hash: String
}

struct AuditVerifyDTO: Content {
    var intact: Bool
    var checked: Int64
    /// `missing` or `modified` when not intact.
    var problem: String?
    var sequence: Int64?
}
