import Vapor
import YiweiCore

/// 安全策略 (/admin/security): the security administrator's form; the auditor sees it read-only.
struct SecuritySettingsPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "security", use: page)
        routes.post("admin", "security", use: save)
    }

    func page(req: Request) async throws -> View {
        try req.require(.readSecuritySettings)
        let current = try await SecuritySettingsService.current(on: req.db, defaults: req.yiwei.config.security)
        return try await render(req, values: FormValues(current), updatedAt: current.updatedAt, errors: [:])
    }

    func save(req: Request) async throws -> Response {
        try req.require(.manageSecuritySettings)
        let form = try req.content.decode([String: String].self)
        var patch = SecuritySettingsPatch()
        var errors: [String: String] = [:]
        for (field, _) in SecuritySettings.ranges {
            let raw = form[field]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard let value = Int(raw) else { errors[field] = raw.isEmpty ? "required" : "must be a whole number"; continue }
            let range = SecuritySettings.range(of: field)
            if !range.contains(value) { errors[field] = "must be between \(range.lowerBound) and \(range.upperBound)" }
            switch field {
            case "passwordMinLength": patch.passwordMinLength = value
            case "lockoutThreshold": patch.lockoutThreshold = value
            case "lockoutMinutes": patch.lockoutMinutes = value
            default: patch.idleTimeoutMinutes = value
            }
        }
        do {
            if !errors.isEmpty { throw AppError.validation(errors) }
            _ = try await SecuritySettingsService.update(patch, defaults: req.yiwei.config.security, actor: req.auditActor,
                                                         now: req.now, writer: req.application)
            return req.redirect(to: "/admin/security", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            let current = try await SecuritySettingsService.current(on: req.db, defaults: req.yiwei.config.security)
            return try await render(req, values: FormValues(form), updatedAt: current.updatedAt, errors: error.fields ?? [:])
                .encodeResponse(status: error.status, for: req)
        }
    }

    private func render(_ req: Request, values f: FormValues, updatedAt: Date?, errors: [String: String]) async throws -> View {
        let base = try await PageBase.make(for: req, titleKey: "security_title")
        let t = base.t
        let fields = SecuritySettings.ranges.map { field, range in
            FormField(name: field, label: t[text: "security_" + field], kind: .number, value: f[field], required: true,
                      help: t[text: "security_help_" + field]
                        .replacingOccurrences(of: "{min}", with: String(range.lowerBound))
                        .replacingOccurrences(of: "{max}", with: String(range.upperBound)))
        }
        let updated = updatedAt.map { DisplayTime.format($0, timeZone: req.yiwei.config.timeZone) } ?? t[text: "security_defaults"]
        return try await req.view.render("admin/form", FormPageContext(
            page: base, heading: base.title, action: "/admin/security",
            fields: FormField.withErrors(fields, errors, locale: base.lang), submitLabel: t[text: "action_save"],
            cancelHref: "/", errorSummary: errors.isEmpty ? nil : t["form_has_errors"],
            readOnly: !(req.currentUser?.can(.manageSecuritySettings) ?? false),
            facts: [Fact(label: t[text: "security_updated_at"], value: updated),
                    Fact(label: t[text: "security_applies"], value: t[text: "security_applies_text"])],
            backLabel: t[text: "action_back_home"]))
    }
}
