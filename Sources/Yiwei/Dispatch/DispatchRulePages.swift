import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 派单规则 page: the rules in order with on/off and delete, and a form to add one.
struct DispatchRulePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "dispatch-rules", use: page)
        routes.post("admin", "dispatch-rules", use: create)
        routes.post("admin", "dispatch-rules", ":ruleId", "toggle", use: toggle)
        routes.post("admin", "dispatch-rules", ":ruleId", "delete", use: delete)
    }

    struct Form: Content {
        var name: String?, domain: String?, categoryId: String?, businessSystemId: String?, campusId: String?, priority: String?, teamId: String?, position: String?
    }

    func page(req: Request) async throws -> View { try await render(req, form: Form(), errors: [:]) }

    private func render(_ req: Request, form: Form, errors: [String: String]) async throws -> View {
        let user = try req.require(.viewSettingsPages)
        let manage = user.can(.manageOrganisation)
        let base = try await PageBase.make(for: req, titleKey: "dispatch_rules_title")
        let t = base.t, labels = TicketLabels(t: t)
        let lookups = try await req.reference().lookups
        let systems = try await BusinessSystem.query(on: req.db).sort(\.$name).all().map { ($0.id!, $0.name) }
        let rules = try await DispatchRule.query(on: req.db).sort(\.$domain).sort(\.$position).sort(\.$createdAt).all()
        let any = t[text: "dispatch_any"]
        var columns = [t[text: "field_name"], t[text: "dispatch_position"], t[text: "ticket_domain"], t[text: "ticket_category"], t[text: "ticket_system"], t[text: "field_campus"],
                       t[text: "col_priority"], t[text: "dispatch_team"], t[text: "col_status"]]
        if manage { columns.append("") }
        let rows = try rules.map { r -> [ListCell] in
            var row = [ListCell(text: r.name), ListCell(text: String(r.position)), ListCell(text: labels.domain(r.domain), badge: r.domain),
                       ListCell(text: lookups.name(lookups.categories.map { ($0.0, $0.1) }, r.categoryId).nonEmpty ?? any),
                       ListCell(text: lookups.name(systems, r.businessSystemId).nonEmpty ?? any),
                       ListCell(text: lookups.name(lookups.campuses, r.campusId).nonEmpty ?? any),
                       ListCell(text: r.priority.map { labels.priority($0) } ?? any),
                       ListCell(text: lookups.name(lookups.teams.map { ($0.0, $0.1) }, r.teamId)),
                       manage ? ListCell(text: r.isActive ? t[text: "sla_deactivate"] : t[text: "sla_activate"], postAction: "/admin/dispatch-rules/\(try r.requireID())/toggle",
                                         state: r.isActive ? t[text: "sla_active"] : t[text: "sla_inactive"], stateOn: r.isActive)
                              : ListCell(text: r.isActive ? t[text: "sla_active"] : t[text: "sla_inactive"], muted: !r.isActive)]
            if manage { row.append(ListCell(text: t[text: "action_delete"], postAction: "/admin/dispatch-rules/\(try r.requireID())/delete")) }
            return row
        }
        let f = FormValues(form)
        let fields = manage ? FormField.withErrors([
            FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
            FormField(name: "domain", label: t[text: "ticket_domain"], kind: .select,
                      options: FormField.options(ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }, selected: [f["domain"].isEmpty ? "it" : f["domain"]])),
            FormField(name: "categoryId", label: t[text: "ticket_category"], kind: .select,
                      options: FormField.options(lookups.categories.map { ($0.0.uuidString, labels.domain($0.2) + " / " + $0.1) }, selected: [f["categoryId"]], allowEmpty: any),
                      help: t["help_dispatch_category"]),
            FormField(name: "businessSystemId", label: t[text: "ticket_system"], kind: .select,
                      options: FormField.options(systems.map { ($0.0.uuidString, $0.1) }, selected: [f["businessSystemId"]], allowEmpty: any)),
            FormField(name: "campusId", label: t[text: "field_campus"], kind: .select,
                      options: FormField.options(lookups.campuses.map { ($0.0.uuidString, $0.1) }, selected: [f["campusId"]], allowEmpty: any),
                      help: t["help_dispatch_campus"]),
            FormField(name: "priority", label: t[text: "col_priority"], kind: .select,
                      options: FormField.options(Priority.allCases.map { ($0.rawValue, labels.priority($0.rawValue)) }, selected: [f["priority"]], allowEmpty: any)),
            FormField(name: "teamId", label: t[text: "dispatch_team"], kind: .select,
                      options: FormField.options(lookups.teams.map { ($0.0.uuidString, labels.domain($0.2) + " / " + $0.1) }, selected: [f["teamId"]]), required: true),
            FormField(name: "position", label: t[text: "dispatch_position"], kind: .number, value: f["position"], help: t["help_dispatch_position"]),
        ], errors, locale: base.lang) : []
        return try await req.view.render("admin/rules", RulesPageContext(
            page: base, heading: base.title, intro: t[text: "dispatch_rules_intro"], columns: columns, rows: ListPageContext.labelled(rows, columns),
            emptyText: t[text: "dispatch_rules_empty"], formAction: "/admin/dispatch-rules", formTitle: t[text: "dispatch_rule_new"], fields: fields,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"]))
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let form = try req.content.decode(Form.self)
        let position = (form.position ?? "").trimmingCharacters(in: .whitespaces)
        do {
            if !position.isEmpty && Int(position) == nil { throw AppError.validation(["position": "must be a whole number"]) }
            _ = try await DispatchRuleService.create(DispatchRuleBody(name: form.name, domain: form.domain, categoryId: form.categoryId,
                                                                      businessSystemId: form.businessSystemId, campusId: form.campusId,
                                                                      priority: form.priority, teamId: form.teamId, position: Int(position)), request: req)
            return req.redirect(to: "/admin/dispatch-rules", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func toggle(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let id = req.parameters.get("ruleId", as: UUID.self)
        guard let id, let rule = try await DispatchRule.find(id, on: req.db) else { throw AppError.notFound("dispatch_rule") }
        _ = try await DispatchRuleService.patch(id, DispatchRulePatch(isActive: !rule.isActive), request: req)
        return req.redirect(to: "/admin/dispatch-rules", flash: "saved")
    }

    func delete(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        try await DispatchRuleService.delete(req.parameters.get("ruleId", as: UUID.self), request: req)
        return req.redirect(to: "/admin/dispatch-rules", flash: "saved")
    }
}
