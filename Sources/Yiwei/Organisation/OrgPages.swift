import Fluent
import Vapor
import YiweiCore

/// The admin pages of an organisation resource: list with filters, create form, edit form.
/// Readers without `manageOrganisation` see the same pages read-only.
struct OrgPages<R: OrgResource>: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let group = routes.grouped("admin", PathComponent(stringLiteral: R.pagePath))
        group.get(use: list)
        group.get("new", use: newForm)
        group.post(use: create)
        group.get(":id", use: editForm)
        group.post(":id", use: update)
    }

    func list(req: Request) async throws -> View {
        let user = try req.require(.viewSettingsPages)
        let result = try await OrgController<R>.filteredList(request: req)
        let base = try await PageBase.make(for: req, titleKey: R.i18nKey + "_title")
        let lookups = try await req.reference().lookups
        var filters: [ListPageContext.Filter] = [
            .init(name: "q", label: base.t[text: "filter_search"], value: req.queryParameter("q") ?? "", options: [], isSelect: false),
        ]
        filters += R.listFilters(req, lookups: lookups, t: base.t)
        let context = ListPageContext(
            page: base, heading: base.title,
            newHref: user.can(.manageOrganisation) ? "/admin/\(R.pagePath)/new" : nil,
            newLabel: base.t[R.i18nKey + "_new"] ?? base.t[text: "action_new"],
            columns: R.columns(base.t),
            rows: ListPageContext.labelled(result.items.map { R.cells($0, lookups: lookups, t: base.t) }, R.columns(base.t)),
            filters: filters,
            pager: .init(request: req, page: result.page, per: result.per, total: result.total),
            emptyText: base.t[text: "empty_list"])
        return try await req.view.render("admin/list", context)
    }

    func newForm(req: Request) async throws -> View {
        try req.require(.manageOrganisation)
        return try await renderForm(req, values: FormValues(), id: nil, errors: [:], status: .ok)
    }

    func editForm(req: Request) async throws -> View {
        try req.require(.viewSettingsPages)
        let dto = try await OrgService<R>.get(req.parameters.get("id", as: UUID.self), on: req.db)
        let extra = try await R.facts(dto, on: req.db, t: req.yiwei.i18n.strings(req.locale.code))
        return try await renderForm(req, values: FormValues(dto), id: req.parameters.get("id", as: UUID.self), errors: [:], status: .ok,
                                    extraFacts: extra)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let body = try req.content.decode(R.Body.self)
        do {
            _ = try await OrgService<R>.create(body, actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            return req.redirect(to: "/admin/\(R.pagePath)", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await renderForm(req, values: FormValues(body), id: nil, errors: error.fields ?? [:], status: error.status)
                .encodeResponse(status: error.status, for: req)
        }
    }

    func update(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let id = req.parameters.get("id", as: UUID.self)
        let body = try req.content.decode(R.Body.self)
        do {
            _ = try await OrgService<R>.update(id, body, actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            return req.redirect(to: "/admin/\(R.pagePath)", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            var values = FormValues(body)
            values = values.merging(id: id)
            return try await renderForm(req, values: values, id: id, errors: error.fields ?? [:], status: error.status)
                .encodeResponse(status: error.status, for: req)
        }
    }

    private func renderForm(_ req: Request, values: FormValues, id: UUID?, errors: [String: String], status: HTTPStatus,
                            extraFacts: [Fact] = []) async throws -> View {
        let user = try req.requireUser()
        let key = id == nil ? R.i18nKey + "_new" : R.i18nKey + "_edit"
        let base = try await PageBase.make(for: req, titleKey: key)
        let lookups = try await req.reference().lookups
        let readOnly = !user.can(.manageOrganisation)
        let fields = FormField.withErrors(R.formFields(values, lookups: lookups, t: base.t), errors, locale: base.lang)
        var facts: [Fact] = []
        if id != nil, !values["createdAt"].isEmpty {
            facts = [Fact(label: base.t[text: "field_created_at"], value: DisplayTime.format(values["createdAt"], req)),
                     Fact(label: base.t[text: "field_updated_at"], value: DisplayTime.format(values["updatedAt"], req))]
        }
        facts = extraFacts + facts
        let context = FormPageContext(
            page: base, heading: base.title,
            action: id.map { "/admin/\(R.pagePath)/\($0)" } ?? "/admin/\(R.pagePath)",
            fields: fields, submitLabel: base.t[text: "action_save"], cancelHref: "/admin/\(R.pagePath)",
            errorSummary: errors.isEmpty ? nil : base.t["form_has_errors"], readOnly: readOnly, facts: facts)
        return try await req.view.render("admin/form", context)
    }
}

extension FormValues {
    /// Keeps the record's id in the values, so a re-shown edit form still excludes itself from choices.
    func merging(id: UUID?) -> FormValues {
        var copy = self
        if let id { copy.set("id", id.uuidString) }
        return copy
    }
}

