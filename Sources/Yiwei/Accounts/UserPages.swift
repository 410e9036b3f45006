import Fluent
import Vapor
import YiweiCore

/// Admin pages for accounts: list and search, create, edit (roles, teams, reset password, unlock, disable).
struct UserPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("admin", "users")
        users.get(use: list)
        users.get("new", use: newForm)
        users.post(use: create)
        users.get(":userId", use: editForm)
        users.post(":userId", use: update)
    }

    func list(req: Request) async throws -> View {
        let me = try req.require(.readUsers)
        let page = try PageRequest(from: req)
        let base = try await PageBase.make(for: req, titleKey: "user_title")
        let t = base.t
        let q = req.queryParameter("q").map { String($0.prefix(50)) }
        let role = req.queryParameter("role").flatMap(Role.init(rawValue:))
        let department = req.queryParameter("departmentId").flatMap(UUID.init(uuidString:))
        let result = try await UserService.list(.init(q: q, role: role, departmentId: department), page: page, on: req.db, now: req.now)
        let lookups = try await req.reference().lookups
        let rows = result.items.map { u -> [ListCell] in
            [ListCell(text: u.displayName, href: "/admin/users/\(u.id)"), ListCell(text: u.username),
             ListCell(text: u.roles.map { t["role_" + $0] ?? $0 }.joined(separator: req.locale.listSeparator)),
             ListCell(text: lookups.name(lookups.departments, u.departmentId).isEmpty ? lookups.name(lookups.vendors, u.vendorId)
                                                                                     : lookups.name(lookups.departments, u.departmentId)),
             ListCell(text: u.phone ?? "", href: u.phone.map { "tel:" + $0.filter { $0.isNumber || $0 == "+" } }),
             u.locked ? ListCell(text: t[text: "status_locked"], badge: "warn") : statusCell(u.isActive, t)]
        }
        let columns = [t[text: "field_display_name"], t[text: "field_username"], t[text: "field_roles"], t[text: "field_department_or_vendor"], t[text: "field_phone"], t[text: "field_status"]]
        let context = ListPageContext(
            page: base, heading: base.title, newHref: me.keepsAccounts ? "/admin/users/new" : nil, newLabel: t[text: "user_new"],
            columns: columns,
            rows: ListPageContext.labelled(rows, columns),
            filters: [
                .init(name: "q", label: t[text: "filter_search_user"], value: q ?? "", options: [], isSelect: false),
                .init(name: "role", label: t[text: "field_roles"], value: role?.rawValue ?? "",
                      options: FormField.options(Role.allCases.map { ($0.rawValue, t[text: "role_" + $0.rawValue]) }, selected: [role?.rawValue ?? ""], allowEmpty: t[text: "filter_all"]),
                      isSelect: true),
                .init(name: "departmentId", label: t[text: "field_department"], value: department?.uuidString ?? "",
                      options: FormField.options(lookups.departments.map { ($0.0.uuidString, $0.1) }, selected: [department?.uuidString ?? ""], allowEmpty: t[text: "filter_all"]),
                      isSelect: true),
            ],
            pager: .init(request: req, page: result.page, per: result.per, total: result.total), emptyText: t[text: "empty_list"])
        return try await req.view.render("admin/list", context)
    }

    /// `grantable`: the roles the viewer may grant; the account's own roles are listed too, so a read-only form shows them.
    private func fields(_ f: FormValues, creating: Bool, lookups: Lookups, t: [String: String], grantable: Set<Role>) -> [FormField] {
        let roleChoices = Role.allCases.filter { grantable.contains($0) || f.list("roles").contains($0.rawValue) }
        var fields: [FormField] = []
        if creating {
            fields.append(FormField(name: "username", label: t[text: "field_username"], kind: .text, value: f["username"], required: true,
                                    maxLength: 32, help: t["help_username"], autocomplete: "off"))
        }
        fields += [
            FormField(name: "displayName", label: t[text: "field_display_name"], kind: .text, value: f["displayName"], required: true, maxLength: 50),
            FormField(name: "password", label: creating ? t[text: "field_initial_password"] : t[text: "field_reset_password"], kind: .password,
                      required: creating, help: creating ? t["help_initial_password"] : t["help_reset_password"], autocomplete: "new-password"),
            FormField(name: "roles", label: t[text: "field_roles"], kind: .multiselect,
                      options: FormField.options(roleChoices.map { ($0.rawValue, t[text: "role_" + $0.rawValue]) }, selected: f.list("roles")),
                      required: true, help: t["help_roles"]),
            FormField(name: "departmentId", label: t[text: "field_department"], kind: .select,
                      options: FormField.options(lookups.departments.map { ($0.0.uuidString, $0.1) }, selected: [f["departmentId"]], allowEmpty: t[text: "choose_none"])),
            FormField(name: "vendorId", label: t[text: "field_vendor"], kind: .select,
                      options: FormField.options(lookups.vendors.map { ($0.0.uuidString, $0.1) }, selected: [f["vendorId"]], allowEmpty: t[text: "choose_none"]),
                      help: t["help_user_vendor"]),
            FormField(name: "teamIds", label: t[text: "field_teams"], kind: .multiselect,
                      options: FormField.options(lookups.teams.map { ($0.0.uuidString, (t["domain_" + $0.2] ?? $0.2) + " / " + $0.1) }, selected: f.list("teamIds"))),
            FormField(name: "phone", label: t[text: "field_phone"], kind: .tel, value: f["phone"], maxLength: 30),
            FormField(name: "email", label: t[text: "field_email"], kind: .email, value: f["email"], maxLength: 100),
            FormField(name: "locale", label: t[text: "field_locale"], kind: .select,
                      options: FormField.options([("zh-CN", "简体中文"), ("en", "English")], selected: [f["locale"].isEmpty ? "zh-CN" : f["locale"]])),
        ]
        if !creating {
            fields.append(activeField(f, t))
            if f["locked"] == "true" {
                fields.append(FormField(name: "locked", label: t[text: "field_lockout"], kind: .select,
                                        options: FormField.options([("true", t[text: "status_locked"]), ("false", t[text: "action_unlock"])], selected: ["true"])))
            }
        }
        return fields
    }

    private func render(_ req: Request, values: FormValues, id: UUID?, errors: [String: String]) async throws -> View {
        let me = try req.requireUser()
        let base = try await PageBase.make(for: req, titleKey: id == nil ? "user_new" : "user_edit")
        let lookups = try await req.reference().lookups
        let fields = FormField.withErrors(fields(values, creating: id == nil, lookups: lookups, t: base.t, grantable: me.grantableRoles),
                                          errors, locale: base.lang)
        let accountRoles = Set(values.list("roles").compactMap(Role.init(rawValue:)))
        let mayEdit = id == nil ? me.keepsAccounts : (try? UserService.requireKeeper(of: accountRoles, me)) != nil
        var facts: [Fact] = []
        if id != nil {
            facts = [Fact(label: base.t[text: "field_username"], value: values["username"]),
                     Fact(label: base.t[text: "field_last_login"], value: DisplayTime.format(values["lastLoginAt"], req)),
                     Fact(label: base.t[text: "field_created_at"], value: DisplayTime.format(values["createdAt"], req))]
        }
        return try await req.view.render("admin/form", FormPageContext(
            page: base, heading: base.title, action: id.map { "/admin/users/\($0)" } ?? "/admin/users", fields: fields,
            submitLabel: base.t[text: "action_save"], cancelHref: "/admin/users",
            errorSummary: errors.isEmpty ? nil : base.t["form_has_errors"], readOnly: !mayEdit, facts: facts))
    }

    func newForm(req: Request) async throws -> View {
        try UserService.requireAnyKeeper(try req.requireUser())
        return try await render(req, values: FormValues(), id: nil, errors: [:])
    }

    func editForm(req: Request) async throws -> View {
        try req.require(.readUsers)
        guard let id = req.parameters.get("userId", as: UUID.self) else { throw AppError.notFound("user") }
        return try await render(req, values: FormValues(try await UserService.load(id, on: req.db, now: req.now)), id: id, errors: [:])
    }

    func create(req: Request) async throws -> Response {
        let me = try UserService.requireAnyKeeper(try req.requireUser())
        let body = try req.content.decode(CreateUserRequest.self)
        do {
            _ = try await UserService.create(body, by: me, passwordPolicy: try await req.securitySettings().passwordPolicy,
                                             defaultLocale: req.yiwei.config.defaultLocale, actor: req.auditActor, now: req.now, on: req.db,
                                             writer: req.application)
            return req.redirect(to: "/admin/users", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            var echo = body
            echo.password = nil
            return try await render(req, values: FormValues(echo), id: nil, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func update(req: Request) async throws -> Response {
        let me = try UserService.requireAnyKeeper(try req.requireUser())
        guard let id = req.parameters.get("userId", as: UUID.self) else { throw AppError.notFound("user") }
        var body = try req.content.decode(UpdateUserRequest.self)
        if body.password?.isEmpty == true { body.password = nil }
        do {
            _ = try await UserService.update(id, body, by: me, passwordPolicy: try await req.securitySettings().passwordPolicy, actor: req.auditActor,
                                             now: req.now, on: req.db, writer: req.application)
            return req.redirect(to: "/admin/users", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            var echo = body
            echo.password = nil
            var values = FormValues(echo)
            let current = try await UserService.load(id, on: req.db, now: req.now)
            values.set("username", current.username)
            return try await render(req, values: values, id: id, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }
}
