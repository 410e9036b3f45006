import Fluent
import Vapor
import YiweiCore

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
