import Vapor

extension Request {
    /// Records a sensitive read (SEC-3) — an attachment downloaded, an export or a backup taken — naming the
    /// record read. Written before the data leaves: a read that cannot be recorded is not served.
    func auditRead(_ action: String, entityType: String, entityId: String?, details: [String: String] = [:]) async throws {
        let now = self.now, actor = auditActor
        try await write(affectsReference: false) { db in
            try await AuditLog.append(on: db, at: now, actor: actor, action: action, entityType: entityType, entityId: entityId,
                                      after: details.isEmpty ? nil : details)
        }
    }

    /// Whether an export of ticket or article text is asked for without de-identification (`?raw=true`).
    /// Exports replace patient data by default (docs/deidentification.md); raw is an explicit choice, recorded
    /// in the export's audit entry.
    func wantsRawExport() throws -> Bool {
        switch queryParameter("raw") {
        case nil, "", "false", "0": return false
        case "true", "1": return true
        default: throw AppError(.badRequest, .invalidQuery, "invalid raw", fields: ["raw": "must be true or false"])
        }
    }
}
