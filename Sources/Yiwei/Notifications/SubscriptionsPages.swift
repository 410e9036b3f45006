import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 消息订阅 page.
struct SubscriptionPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "subscriptions", use: page)
        routes.post("admin", "subscriptions", use: create)
        routes.post("admin", "subscriptions", ":subscriptionId", "delete", use: delete)
        routes.post("admin", "subscriptions", ":subscriptionId", "toggle", use: toggle)
    }

    func toggle(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let id = req.parameters.get("subscriptionId", as: UUID.self)
        guard let id, let s = try await NotificationSubscription.find(id, on: req.db) else { throw AppError.notFound("subscription") }
        _ = try await SubscriptionService.setActive(id, !s.isActive, request: req)
        return req.redirect(to: "/admin/subscriptions", flash: "saved")
    }

    struct Form: Content {
        var name: String?, event: String?, role: String?, teamId: String?, ticketTeam: String?, domain: String?, delivery: String?
    }

    func page(req: Request) async throws -> View { try await render(req, form: Form(), errors: [:]) }

    private func render(_ req: Request, form: Form, errors: [String: String]) async throws -> View {
        try req.require(.manageOrganisation)
        let base = try await PageBase.make(for: req, titleKey: "subscriptions_title")
        let t = base.t, labels = TicketLabels(t: t)
        let lookups = try await req.reference().lookups
        let subscriptions = try await NotificationSubscription.query(on: req.db).sort(\.$event).sort(\.$createdAt).all()
        let any = t[text: "dispatch_any"]
        func eventLabel(_ e: String) -> String { t["event_name_" + e] ?? e }
        let columns = [t[text: "field_name"], t[text: "subscription_event"], t[text: "subscription_who"], t[text: "ticket_domain"], t[text: "subscription_delivery"], t[text: "col_status"], ""]
        let rows = try subscriptions.map { s -> [ListCell] in
            var who: [String] = []
            if let role = s.role { who.append(t["role_" + role] ?? role) }
            if let team = s.teamId { who.append(lookups.name(lookups.teams.map { ($0.0, $0.1) }, team)) }
            if s.ticketTeam { who.append(t[text: "subscription_ticket_team"]) }
            return [ListCell(text: s.name), ListCell(text: eventLabel(s.event)), ListCell(text: who.joined(separator: " ∩ ")),
                    ListCell(text: s.domain.map { labels.domain($0) } ?? any), ListCell(text: t["delivery_" + s.delivery] ?? s.delivery),
                    ListCell(text: s.isActive ? t[text: "sla_deactivate"] : t[text: "sla_activate"], postAction: "/admin/subscriptions/\(try s.requireID())/toggle",
                             state: s.isActive ? t[text: "sla_active"] : t[text: "sla_inactive"], stateOn: s.isActive),
                    ListCell(text: t[text: "action_delete"], postAction: "/admin/subscriptions/\(try s.requireID())/delete")]
        }
        let f = FormValues(form)
        let fields = FormField.withErrors([
            FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
            FormField(name: "event", label: t[text: "subscription_event"], kind: .select,
                      options: FormField.options((["sla."] + SubscriptionService.events).map { ($0, eventLabel($0)) }, selected: [f["event"]]), required: true),
            FormField(name: "role", label: t[text: "subscription_role"], kind: .select,
                      options: FormField.options(SubscriptionService.roles.map { ($0.rawValue, t["role_" + $0.rawValue] ?? $0.rawValue) }, selected: [f["role"]], allowEmpty: any)),
            FormField(name: "teamId", label: t[text: "ticket_team"], kind: .select,
                      options: FormField.options(lookups.teams.map { ($0.0.uuidString, labels.domain($0.2) + " / " + $0.1) }, selected: [f["teamId"]], allowEmpty: any)),
            FormField(name: "ticketTeam", label: t[text: "subscription_ticket_team"], kind: .select,
                      options: FormField.options([("false", t[text: "no"]), ("true", t[text: "yes"])], selected: [f["ticketTeam"].isEmpty ? "false" : f["ticketTeam"]]),
                      help: t["help_subscription_ticket_team"]),
            FormField(name: "domain", label: t[text: "ticket_domain"], kind: .select,
                      options: FormField.options(ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }, selected: [f["domain"]], allowEmpty: any)),
            FormField(name: "delivery", label: t[text: "subscription_delivery"], kind: .select,
                      options: FormField.options(SubscriptionService.deliveries.map { ($0, t[text: "delivery_" + $0]) }, selected: [f["delivery"].isEmpty ? "in_app" : f["delivery"]]),
                      help: t["help_subscription_delivery"]),
        ], errors, locale: base.lang)
        return try await req.view.render("admin/rules", RulesPageContext(
            page: base, heading: base.title, intro: t[text: "subscriptions_intro"], columns: columns, rows: ListPageContext.labelled(rows, columns),
            emptyText: t[text: "subscriptions_empty"], formAction: "/admin/subscriptions", formTitle: t[text: "subscription_new"], fields: fields,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"]))
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let form = try req.content.decode(Form.self)
        do {
            _ = try await SubscriptionService.create(SubscriptionBody(name: form.name, event: form.event, role: form.role, teamId: form.teamId,
                                                                      ticketTeam: form.ticketTeam == "true", domain: form.domain, delivery: form.delivery),
                                                     request: req)
            return req.redirect(to: "/admin/subscriptions", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func delete(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        try await SubscriptionService.delete(req.parameters.get("subscriptionId", as: UUID.self), request: req)
        return req.redirect(to: "/admin/subscriptions", flash: "saved")
    }
}
