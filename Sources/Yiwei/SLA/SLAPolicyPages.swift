import Fluent
import Foundation
import Vapor
import YiweiCore

/// 服务级别策略 pages. Policies are never edited in place: a change is a new policy that supersedes the
/// old one for tickets reported from then on, so every past ticket keeps the rule it was measured by.
struct SLAPolicyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "sla-policies", use: list)
        routes.get("admin", "sla-policies", "new", use: newForm)
        routes.post("admin", "sla-policies", use: create)
    }

    func list(req: Request) async throws -> View {
        let user = try await req.require(.readOrganisation)
        let base = try await PageBase.make(for: req, titleKey: "sla_policy_title")
        let t = base.t, labels = TicketLabels(t: t)
        let policies = try await SLAPolicyRecord.query(on: req.db).sort(\.$domain).sort(\.$priority).sort(\.$effectiveFrom, .descending).all()
        let calendars = Dictionary(uniqueKeysWithValues: try await CalendarRecord.query(on: req.db).all().map { ($0.id!, $0.name) })
        let lookups = try await Lookups.load(on: req.db)
        let systems = Dictionary(uniqueKeysWithValues: try await BusinessSystem.query(on: req.db).all().map { ($0.id!, $0.name) })
        func minutes(_ m: Int?, _ business: Bool) -> String { m.map { labels.target($0, businessTime: business) } ?? "—" }
        let columns = [t["field_name"]!, t["ticket_domain"]!, t["col_priority"]!, t["sla_scope"]!, t["nav_calendars"]!, t["sla_time_basis"]!,
                       t["sla_targets"]!, t["sla_off_targets"]!, t["sla_effective_from"]!]
        let rows = policies.map { p -> [ListCell] in
            let scope = p.businessSystemId.flatMap { systems[$0] } ?? p.categoryId.flatMap { id in lookups.categories.first { $0.0 == id }?.1 } ?? t["sla_scope_all"]!
            let off = p.offResponseMinutes != nil || p.offStartMinutes != nil || p.offResolveMinutes != nil
            return [ListCell(text: p.name), ListCell(text: labels.domain(p.domain), badge: p.domain),
                    ListCell(text: labels.priority(p.priority)), ListCell(text: scope),
                    ListCell(text: calendars[p.calendarId] ?? ""), ListCell(text: p.businessTime ? t["sla_business_time"]! : t["sla_wall_time"]!),
                    ListCell(text: [minutes(p.responseMinutes, p.businessTime), minutes(p.startMinutes, p.businessTime), minutes(p.resolveMinutes, p.businessTime)].joined(separator: " / ")),
                    ListCell(text: off ? [minutes(p.offHours.responseMinutes, p.businessTime), minutes(p.offHours.startMinutes, p.businessTime), minutes(p.offHours.resolveMinutes, p.businessTime)].joined(separator: " / ") : "—"),
                    ListCell(text: p.effectiveFrom.timeIntervalSince1970 == 0 ? t["sla_always"]! : DisplayTime.short(p.effectiveFrom, req))]
        }
        return try await req.view.render("admin/list", ListPageContext(
            page: base, heading: base.title, newHref: user.can(.manageOrganisation) ? "/admin/sla-policies/new" : nil, newLabel: t["sla_policy_new"]!,
            columns: columns, rows: ListPageContext.labelled(rows, columns), filters: [],
            pager: .init(request: req, page: 1, per: max(1, rows.count), total: rows.count), emptyText: t["empty_list"]!))
    }

    func newForm(req: Request) async throws -> View {
        try await req.require(.manageOrganisation)
        return try await render(req, values: FormValues(), errors: [:])
    }

    struct Form: Content {
        var name: String?, domain: String?, priority: String?, categoryId: String?, businessSystemId: String?, calendarId: String?
        var businessTime: String?
        var responseMinutes: String?, startMinutes: String?, resolveMinutes: String?
        var offHoursResponseMinutes: String?, offHoursStartMinutes: String?, offHoursResolveMinutes: String?
    }

    func create(req: Request) async throws -> Response {
        try await req.require(.manageOrganisation)
        let form = try req.content.decode(Form.self)
        func int(_ s: String?) -> Int? { s.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        let body = SLAPolicyBody(name: form.name, domain: form.domain, priority: form.priority,
                                 categoryId: (form.categoryId ?? "").isEmpty ? nil : form.categoryId,
                                 businessSystemId: (form.businessSystemId ?? "").isEmpty ? nil : form.businessSystemId,
                                 calendarId: form.calendarId, businessTime: form.businessTime != "false",
                                 responseMinutes: int(form.responseMinutes), startMinutes: int(form.startMinutes), resolveMinutes: int(form.resolveMinutes),
                                 offHoursResponseMinutes: int(form.offHoursResponseMinutes), offHoursStartMinutes: int(form.offHoursStartMinutes),
                                 offHoursResolveMinutes: int(form.offHoursResolveMinutes))
        do {
            _ = try await SLAService.create(body, request: req)
            return req.redirect(to: "/admin/sla-policies", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, values: FormValues(form), errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    private func render(_ req: Request, values f: FormValues, errors: [String: String]) async throws -> View {
        let base = try await PageBase.make(for: req, titleKey: "sla_policy_new")
        let t = base.t, labels = TicketLabels(t: t)
        let lookups = try await Lookups.load(on: req.db)
        let calendars = try await CalendarRecord.query(on: req.db).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        let systems = try await BusinessSystem.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        func number(_ name: String, _ key: String) -> FormField {
            FormField(name: name, label: t[key]!, kind: .number, value: f[name], help: name == "responseMinutes" ? t["help_sla_minutes"] : nil)
        }
        let fields = FormField.withErrors([
            FormField(name: "name", label: t["field_name"]!, kind: .text, value: f["name"], required: true, maxLength: 50),
            FormField(name: "domain", label: t["ticket_domain"]!, kind: .select,
                      options: FormField.options(ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }, selected: [f["domain"]]), required: true),
            FormField(name: "priority", label: t["col_priority"]!, kind: .select,
                      options: FormField.options(Priority.allCases.map { ($0.rawValue, labels.priority($0.rawValue)) }, selected: [f["priority"]]), required: true),
            FormField(name: "businessSystemId", label: t["ticket_system"]!, kind: .select,
                      options: FormField.options(systems, selected: [f["businessSystemId"]], allowEmpty: t["sla_scope_all"]!), help: t["help_sla_scope"]),
            FormField(name: "categoryId", label: t["ticket_category"]!, kind: .select,
                      options: FormField.options(lookups.categories.map { ($0.0.uuidString, labels.domain($0.2) + " / " + $0.1) }, selected: [f["categoryId"]],
                                                 allowEmpty: t["sla_scope_all"]!)),
            FormField(name: "calendarId", label: t["nav_calendars"]!, kind: .select, options: FormField.options(calendars, selected: [f["calendarId"]]), required: true),
            FormField(name: "businessTime", label: t["sla_time_basis"]!, kind: .select,
                      options: FormField.options([("true", t["sla_business_time"]!), ("false", t["sla_wall_time"]!)], selected: [f["businessTime"].isEmpty ? "true" : f["businessTime"]])),
            number("responseMinutes", "sla_response_minutes"), number("startMinutes", "sla_start_minutes"), number("resolveMinutes", "sla_resolve_minutes"),
            number("offHoursResponseMinutes", "sla_off_response_minutes"), number("offHoursStartMinutes", "sla_off_start_minutes"),
            number("offHoursResolveMinutes", "sla_off_resolve_minutes"),
        ], errors, locale: base.lang)
        return try await req.view.render("admin/form", FormPageContext(
            page: base, heading: base.title, action: "/admin/sla-policies", fields: fields, submitLabel: t["action_save"]!,
            cancelHref: "/admin/sla-policies", errorSummary: errors.isEmpty ? nil : t["form_has_errors"], readOnly: false,
            facts: [Fact(label: t["sla_effective_from"]!, value: t["sla_from_now"]!)]))
    }
}
