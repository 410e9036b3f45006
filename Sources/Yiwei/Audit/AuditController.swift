import Fluent
import Vapor
import YiweiCore

/// The auditor's view of the audit log. Nobody, the administrator included, can change or delete it:
/// there is no such route, and the database refuses UPDATE and DELETE on the table.
enum AuditQueries {
    struct Filter {
        var actor: String?
        var action: String?
        var entityType: String?
        var entityId: String?
        var from: Date?
        var to: Date?
    }

    static func filter(from req: Request) throws -> Filter {
        var v = Validator()
        var f = Filter()
        f.actor = v.text("actor", req.queryParameter("actor"), required: false, max: 64)
        f.action = v.text("action", req.queryParameter("action"), required: false, max: 64)
        f.entityType = v.text("entityType", req.queryParameter("entityType"), required: false, max: 64)
        f.entityId = v.text("entityId", req.queryParameter("entityId"), required: false, max: 64)
        f.from = v.dayOrInstant("from", req.queryParameter("from"), timeZone: req.yiwei.config.timeZone)
        f.to = v.dayOrInstant("to", req.queryParameter("to"), timeZone: req.yiwei.config.timeZone, endOfDay: true)
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return f
    }

    static func list(_ f: Filter, page: PageRequest, on db: any Database) async throws -> Page<AuditEntryDTO> {
        var query = AuditEntry.query(on: db)
        var filtered = false
        if let actor = f.actor { query = query.filter(\.$actorName == actor.lowercased()); filtered = true }
        if let action = f.action { query = query.filter(\.$action =~ action); filtered = true }
        if let type = f.entityType { query = query.filter(\.$entityType == type); filtered = true }
        if let id = f.entityId { query = query.filter(\.$entityId == id); filtered = true }
        if let from = f.from { query = query.filter(\.$atMillis >= Int64(from.timeIntervalSince1970 * 1000)); filtered = true }
        if let to = f.to { query = query.filter(\.$atMillis < Int64(to.timeIntervalSince1970 * 1000)); filtered = true }
        // Sequence numbers are dense (rows are never deleted), so the newest one is the total: no table scan.
        let total: Int
        if filtered {
            total = try await query.count()
        } else {
            total = Int(try await AuditEntry.query(on: db).sort(\.$sequence, .descending).first()?.sequence ?? 0)
        }
        let rows = try await query.sort(\.$sequence, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Page(items: rows.map(dto), page: page.page, per: page.per, total: total)
    }

    static func dto(_ e: AuditEntry) -> AuditEntryDTO {
        AuditEntryDTO(sequence: e.sequence, at: Date(timeIntervalSince1970: Double(e.atMillis) / 1000), actorId: e.actorId,
                      actorName: e.actorName, ip: e.ip, action: e.action, entityType: e.entityType, entityId: e.entityId,
                      before: e.before, after: e.after, hash: e.hash)
    }

    static func verify(on db: any Database) async throws -> AuditVerifyDTO {
        let (finding, checked) = try await AuditLog.verify(on: db)
        switch finding {
        case nil: return AuditVerifyDTO(intact: true, checked: checked, problem: nil, sequence: nil)
        case .missing(let seq)?: return AuditVerifyDTO(intact: false, checked: checked, problem: "missing", sequence: seq)
        case .modified(let seq)?: return AuditVerifyDTO(intact: false, checked: checked, problem: "modified", sequence: seq)
        }
    }
}

struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit", use: list)
        routes.get("audit", "verify", use: verify)
    }

    func list(req: Request) async throws -> Page<AuditEntryDTO> {
        try req.require(.readAudit)
        let page = try PageRequest(from: req)
        return try await AuditQueries.list(try AuditQueries.filter(from: req), page: page, on: req.db)
    }

    func verify(req: Request) async throws -> AuditVerifyDTO {
        try req.require(.readAudit)
        return try await AuditQueries.verify(on: req.db)
    }
}
