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
        routes.post("admin", "sla-policies", ":policyId", "activate", use: activate)
        routes.post("admin", "sla-policies", ":policyId", "deactivate", use: deactivate)
    }

    func activate(req: Request) async throws -> Response { try await toggle(req, true) }
    func deactivate(req: Request) async throws -> Response { try await toggle(req, false) }

    private func toggle(_ req: Request, _ active: Bool) async throws -> Response {
        try req.require(.manageOrganisation)
        _ = try await SLAService.setActive(req.parameters.get("policyId", as: UUID.self), active, actor: req.auditActor, now: req.now, on: req.db,
                                           writer: req.application)
        return req.redirect(to: "/admin/sla-policies", flash: "saved")
    }

    func list(req: Request) async throws -> View {
        let user = try req.require(.viewSettingsPages)
        let manage = user.can(.manageOrganisation)
        let base = try await PageBase.make(for: req, titleKey: "sla_policy_title")
        let t = base.t, labels = TicketLabels(t: t)
        let policies = try await SLAPolicyRecord.query(on: req.db).sort(\.$domain).sort(\.$priority).sort(\.$effectiveFrom, .descending).all()
        let calendars = Dictionary(uniqueKeysWithValues: try await CalendarRecord.query(on: req.db).all().map { ($0.id!, $0.name) })
        let lookups = try await req.reference().lookups
        let systems = Dictionary(uniqueKeysWithValues: try await BusinessSystem.query(on: req.db).all().map { ($0.id!, $0.name) })
        func minutes(_ m: Int?, _ business: Bool) -> String { m.map { labels.target($0, businessTime: business) } ?? "—" }
        func targets(_ p: SLAPolicyRecord, _ x: SLATargets) -> String {
            SLAClockKind.allCases.map { minutes(x.minutes($0), p.businessTime(for: $0)) }.joined(separator: " / ")
        }
        let columns = [t[text: "field_name"], t[text: "ticket_domain"], t[text: "col_priority"], t[text: "sla_scope"], t[text: "nav_calendars"], t[text: "sla_time_basis"],
                       t[text: "sla_targets"], t[text: "sla_off_targets"], t[text: "sla_escalation"], t[text: "sla_effective_from"], t[text: "col_status"]]
        let rows = try policies.map { p -> [ListCell] in
            let scope = p.businessSystemId.flatMap { systems[$0] } ?? p.categoryId.flatMap { id in lookups.categories.first { $0.0 == id }?.1 } ?? t[text: "sla_scope_all"]
            let off = p.offResponseMinutes != nil || p.offStartMinutes != nil || p.offResolveMinutes != nil
            return [ListCell(text: p.name), ListCell(text: labels.domain(p.domain), badge: p.domain),
                    ListCell(text: labels.priority(p.priority)), ListCell(text: scope),
                    ListCell(text: calendars[p.calendarId] ?? ""),
                    ListCell(text: p.uniformTimeBasis ? (p.businessTime ? t[text: "sla_business_time"] : t[text: "sla_wall_time"]) : t[text: "sla_mixed_time"]),
                    ListCell(text: targets(p, p.inHours)),
                    ListCell(text: off ? targets(p, p.offHours) : "—"),
                    ListCell(text: p.escalation == nil ? t[text: "sla_default_chain"] + "：" + SLAPolicyPages.describe(p.escalationChain, labels: labels, t: t)
                                                       : SLAPolicyPages.describe(p.escalationChain, labels: labels, t: t)),
                    ListCell(text: p.effectiveFrom.timeIntervalSince1970 == 0 ? t[text: "sla_always"] : DisplayTime.short(p.effectiveFrom, req)),
                    manage ? ListCell(text: p.isActive ? t[text: "sla_deactivate"] : t[text: "sla_activate"],
                                      postAction: "/admin/sla-policies/\(try p.requireID())/\(p.isActive ? "deactivate" : "activate")",
                                      state: p.isActive ? t[text: "sla_active"] : t[text: "sla_inactive"], stateOn: p.isActive)
                           : ListCell(text: p.isActive ? t[text: "sla_active"] : t[text: "sla_inactive"], muted: !p.isActive)]
        }
        return try await req.view.render("admin/list", ListPageContext(
            page: base, heading: base.title, newHref: user.can(.manageOrganisation) ? "/admin/sla-policies/new" : nil, newLabel: t[text: "sla_policy_new"],
            columns: columns, rows: ListPageContext.labelled(rows, columns), filters: [],
            pager: .init(request: req, page: 1, per: max(1, rows.count), total: rows.count), emptyText: t[text: "empty_list"]))
    }

    func newForm(req: Request) async throws -> View {
        try req.require(.manageOrganisation)
        return try await render(req, values: FormValues(), errors: [:])
    }

    struct Form: Content {
        var name: String?, domain: String?, priority: String?, categoryId: String?, businessSystemId: String?, calendarId: String?
        var businessTime: String?
        var responseMinutes: String?, startMinutes: String?, resolveMinutes: String?
        var offHoursResponseMinutes: String?, offHoursStartMinutes: String?, offHoursResolveMinutes: String?
        var responseBasis: String?, startBasis: String?, resolveBasis: String?, planAfterMinutes: String?
        var esc1Clock: String?, esc1Percent: String?, esc1Notify: [String]?
        var esc2Clock: String?, esc2Percent: String?, esc2Notify: [String]?
        var esc3Clock: String?, esc3Percent: String?, esc3Notify: [String]?
    }

    /// "恢复时限 150% → 科室负责人；恢复时限 200% → 厂商" for lists and the ticket page.
    static func describe(_ chain: [EscalationStep], labels: TicketLabels, t: [String: String]) -> String {
        chain.map { step in
            let who = step.notify.map { t["esc_to_" + $0.rawValue] ?? $0.rawValue } + (step.userIds.isEmpty ? [] : [t[text: "esc_named_users"].replacingOccurrences(of: "{n}", with: String(step.userIds.count))])
            return "\(labels.clock(step.clock.rawValue)) \(step.percent)% → \(who.joined(separator: "、"))"
        }.joined(separator: "；")
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let form = try req.content.decode(Form.self)
        func int(_ s: String?) -> Int? { s.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        func basis(_ s: String?) -> Bool? { s == "true" ? true : s == "false" ? false : nil }
        // Escalation rows: a row with a percent is a step; none at all keeps the default chain.
        let rows: [(String?, String?, [String]?)] = [(form.esc1Clock, form.esc1Percent, form.esc1Notify), (form.esc2Clock, form.esc2Percent, form.esc2Notify),
                                                    (form.esc3Clock, form.esc3Percent, form.esc3Notify)]
        var steps: [EscalationStepDTO] = []
        var formErrors: [String: String] = [:]
        for (i, row) in rows.enumerated() where !(row.1 ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            guard let percent = int(row.1) else { formErrors["esc\(i + 1)Percent"] = "must be a whole number"; continue }
            steps.append(EscalationStepDTO(clock: row.0 ?? "resolve", percent: percent, notify: (row.2 ?? []).filter { !$0.isEmpty }, userIds: nil))
        }
        let body = SLAPolicyBody(name: form.name, domain: form.domain, priority: form.priority,
                                 categoryId: (form.categoryId ?? "").isEmpty ? nil : form.categoryId,
                                 businessSystemId: (form.businessSystemId ?? "").isEmpty ? nil : form.businessSystemId,
                                 calendarId: form.calendarId, businessTime: form.businessTime != "false",
                                 responseMinutes: int(form.responseMinutes), startMinutes: int(form.startMinutes), resolveMinutes: int(form.resolveMinutes),
                                 offHoursResponseMinutes: int(form.offHoursResponseMinutes), offHoursStartMinutes: int(form.offHoursStartMinutes),
                                 offHoursResolveMinutes: int(form.offHoursResolveMinutes),
                                 responseBusinessTime: basis(form.responseBasis), startBusinessTime: basis(form.startBasis),
                                 resolveBusinessTime: basis(form.resolveBasis), planAfterMinutes: int(form.planAfterMinutes),
                                 escalation: steps.isEmpty ? nil : steps)
        do {
            if !formErrors.isEmpty { throw AppError.validation(formErrors) }
            _ = try await SLAService.create(body, actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            return req.redirect(to: "/admin/sla-policies", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, values: FormValues(form), errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    private func render(_ req: Request, values f: FormValues, errors: [String: String]) async throws -> View {
        let base = try await PageBase.make(for: req, titleKey: "sla_policy_new")
        let t = base.t, labels = TicketLabels(t: t)
        let lookups = try await req.reference().lookups
        let calendars = try await CalendarRecord.query(on: req.db).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        let systems = try await BusinessSystem.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        func number(_ name: String, _ key: String) -> FormField {
            FormField(name: name, label: t[text: key], kind: .number, value: f[name], help: name == "responseMinutes" ? t["help_sla_minutes"] : nil)
        }
        let fields = FormField.withErrors([
            FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
            FormField(name: "domain", label: t[text: "ticket_domain"], kind: .select,
                      options: FormField.options(ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }, selected: [f["domain"]]), required: true),
            FormField(name: "priority", label: t[text: "col_priority"], kind: .select,
                      options: FormField.options(Priority.allCases.map { ($0.rawValue, labels.priority($0.rawValue)) }, selected: [f["priority"]]), required: true),
            FormField(name: "businessSystemId", label: t[text: "ticket_system"], kind: .select,
                      options: FormField.options(systems, selected: [f["businessSystemId"]], allowEmpty: t[text: "sla_scope_all"]), help: t["help_sla_scope"]),
            FormField(name: "categoryId", label: t[text: "ticket_category"], kind: .select,
                      options: FormField.options(lookups.categories.map { ($0.0.uuidString, labels.domain($0.2) + " / " + $0.1) }, selected: [f["categoryId"]],
                                                 allowEmpty: t[text: "sla_scope_all"])),
            FormField(name: "calendarId", label: t[text: "nav_calendars"], kind: .select, options: FormField.options(calendars, selected: [f["calendarId"]]), required: true),
            FormField(name: "businessTime", label: t[text: "sla_time_basis"], kind: .select,
                      options: FormField.options([("true", t[text: "sla_business_time"]), ("false", t[text: "sla_wall_time"])], selected: [f["businessTime"].isEmpty ? "true" : f["businessTime"]])),
            number("responseMinutes", "sla_response_minutes"), number("startMinutes", "sla_start_minutes"), number("resolveMinutes", "sla_resolve_minutes"),
            number("offHoursResponseMinutes", "sla_off_response_minutes"), number("offHoursStartMinutes", "sla_off_start_minutes"),
            number("offHoursResolveMinutes", "sla_off_resolve_minutes"),
        ] + ["response", "start", "resolve"].map { kind in
            FormField(name: kind + "Basis", label: t[text: "sla_basis_" + kind], kind: .select,
                      options: FormField.options([("", t[text: "sla_basis_same"]), ("true", t[text: "sla_business_time"]), ("false", t[text: "sla_wall_time"])], selected: [f[kind + "Basis"]]))
        } + [
            FormField(name: "planAfterMinutes", label: t[text: "sla_plan_after"], kind: .number, value: f["planAfterMinutes"], help: t["help_sla_plan_after"]),
        ] + (1...3).flatMap { i -> [FormField] in
            let clockOptions = ["resolve", "response", "start"].map { ($0, labels.clock($0)) }
            let recipients = EscalationRecipient.allCases.map { ($0.rawValue, t[text: "esc_to_" + $0.rawValue]) }
            let defaults: [(String, String, [String])] = [("resolve", "150", ["domain_leads"]), ("resolve", "200", ["vendor"]), ("resolve", "", [])]
            let fresh = f["name"].isEmpty
            return [
                FormField(name: "esc\(i)Clock", label: t[text: "sla_esc_step"].replacingOccurrences(of: "{n}", with: String(i + 1)), kind: .select,
                          options: FormField.options(clockOptions, selected: [fresh ? defaults[i - 1].0 : f["esc\(i)Clock"]])),
                FormField(name: "esc\(i)Percent", label: t[text: "sla_esc_percent"], kind: .number, value: fresh ? defaults[i - 1].1 : f["esc\(i)Percent"],
                          help: i == 1 ? t["help_sla_escalation"] : nil),
                FormField(name: "esc\(i)Notify", label: t[text: "sla_esc_notify"], kind: .multiselect,
                          options: FormField.options(recipients, selected: fresh ? Set(defaults[i - 1].2) : f.list("esc\(i)Notify"))),
            ]
        }, errors, locale: base.lang)
        return try await req.view.render("admin/form", FormPageContext(
            page: base, heading: base.title, action: "/admin/sla-policies", fields: fields, submitLabel: t[text: "action_save"],
            cancelHref: "/admin/sla-policies", errorSummary: errors.isEmpty ? nil : t["form_has_errors"], readOnly: false,
            facts: [Fact(label: t[text: "sla_effective_from"], value: t[text: "sla_from_now"])]))
    }
}
