import Vapor
import YiweiCore

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

/// Ticket and article text as exports write it (docs/deidentification.md).
enum ExportText {
    /// Patient data in free text replaced by placeholders, unless the export is raw.
    static func cleaner(raw: Bool) -> @Sendable (String) -> String {
        if raw { return { $0 } }
        let deidentifier = Deidentifier()
        return { deidentifier.deidentify($0).text }
    }
}
