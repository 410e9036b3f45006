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

struct AuditPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit", use: page)
        routes.post("audit", "verify", use: verify)
    }

    struct Row: Encodable {
        var sequence: Int64
        var at: String
        var actor: String
        var ip: String
        var action: String
        var actionLabel: String
        var entity: String
        var before: String?
        var after: String?
        /// 变更后 when there is a before, else 详情 (a sign-in's reason, a denial's permission).
        var afterLabel: String
        var warn: Bool
    }

    struct Context: Encodable {
        var page: PageBase
        var rows: [Row]
        var filters: [ListPageContext.Filter]
        var pager: ListPageContext.Pager
        var verification: String?
        var verificationOK: Bool
    }

    func page(req: Request) async throws -> View {
        try await render(req, verification: nil)
    }

    func verify(req: Request) async throws -> View {
        try req.require(.readAudit)
        let result = try await AuditQueries.verify(on: req.db)
        let t = req.yiwei.i18n.strings(req.locale.code)
        let text: String
        if result.intact {
            text = t[text: "audit_verify_ok"].replacingOccurrences(of: "{n}", with: String(result.checked))
        } else {
            text = t[text: result.problem == "missing" ? "audit_verify_missing" : "audit_verify_modified"]
                .replacingOccurrences(of: "{seq}", with: String(result.sequence ?? 0))
        }
        return try await render(req, verification: (text, result.intact))
    }

    private func render(_ req: Request, verification: (String, Bool)?) async throws -> View {
        try req.require(.readAudit)
        let page = try PageRequest(from: req)
        let filter = try AuditQueries.filter(from: req)
        let result = try await AuditQueries.list(filter, page: page, on: req.db)
        let base = try await PageBase.make(for: req, titleKey: "audit_title")
        let t = base.t
        let rows = result.items.map { e in
            Row(sequence: e.sequence, at: DisplayTime.format(e.at, req), actor: e.actorName, ip: e.ip, action: e.action,
                actionLabel: t["audit_action_" + e.action.replacingOccurrences(of: ".", with: "_")] ?? e.action,
                entity: e.entityType + (e.entityId.map { " " + (UUID(uuidString: $0) != nil ? String($0.prefix(8)) : $0) } ?? ""),
                before: e.before, after: e.after, afterLabel: e.before == nil ? t[text: "audit_detail"] : t[text: "audit_after"],
                warn: e.action.hasSuffix("failure") || e.action == "permission.denied" || e.action == "user.locked")
        }
        func text(_ name: String, _ label: String) -> ListPageContext.Filter {
            .init(name: name, label: label, value: req.queryParameter(name) ?? "", options: [], isSelect: false)
        }
        let actions = t.keys.filter { $0.hasPrefix("audit_action_") }.sorted().map { key -> (String, String) in
            let raw = String(key.dropFirst("audit_action_".count))
            // login_success → login.success, business_system_create → business_system.create
            let action = raw.hasPrefix("business_system_") ? "business_system." + raw.dropFirst("business_system_".count)
                : raw.replacingOccurrences(of: "_", with: ".", options: [], range: raw.range(of: "_"))
            return (action, t[text: key])
        }.sorted { $0.1 < $1.1 }
        let selectedAction = req.queryParameter("action") ?? ""
        let actionFilter = ListPageContext.Filter(name: "action", label: t[text: "audit_filter_action"], value: selectedAction,
                                                  options: FormField.options(actions, selected: [selectedAction], allowEmpty: t[text: "filter_all"]),
                                                  isSelect: true)
        let context = Context(page: base, rows: rows,
                              filters: [text("actor", t[text: "audit_filter_actor"]), actionFilter,
                                        text("entityType", t[text: "audit_filter_entity"]), text("from", t[text: "audit_filter_from"]),
                                        text("to", t[text: "audit_filter_to"])],
                              pager: .init(request: req, page: result.page, per: result.per, total: result.total),
                              verification: verification?.0, verificationOK: verification?.1 ?? true)
        return try await req.view.render("audit/index", context)
    }
}
