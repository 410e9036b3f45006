import Fluent
import Vapor
import YiweiCore

/// Sign-in and sign-out, one's own password, API tokens and language.
struct AccountPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: loginForm)
        routes.post("login", use: login)
        routes.post("logout", use: logout)
        routes.get("account", "password", use: passwordForm)
        routes.post("account", "password", use: changePassword)
        routes.get("account", "tokens", use: tokens)
        routes.post("account", "tokens", use: createToken)
        routes.post("account", "tokens", ":tokenId", "revoke", use: revokeToken)
        routes.post("account", "locale", use: setLocale)
    }

    struct LoginContext: Encodable {
        var page: PageBase
        var username: String
        var error: String?
        var next: String
    }

    struct LoginForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    /// Only same-site paths may follow a sign-in (no open redirect): a single leading `/`, and no backslash or
    /// control character anywhere — browsers drop tabs and line breaks from a `Location` and read `\` as `/`,
    /// so `/<tab>/evil.example` or `/\evil.example` would lead to another site. Anything else goes to `/`.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), raw.count < 300,
              !raw.unicodeScalars.contains(where: { $0 == "\\" || $0.properties.generalCategory == .control }) else { return "/" }
        return raw
    }

    func loginForm(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: "/") }
        let context = LoginContext(page: try await PageBase.make(for: req, titleKey: "login_title"), username: "", error: nil,
                                   next: Self.safeNext(req.queryParameter("next")))
        return try await req.view.render("login", context).encodeResponse(for: req)
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let next = Self.safeNext(form.next)
        do {
            let user = try await AccountService.authenticate(username: form.username ?? "", password: form.password ?? "", ip: req.remoteIP, now: req.now,
                                                             lockout: try await req.securitySettings().lockout, on: req.db, writer: req.application)
            let response = req.redirect(to: user.mustChangePassword ? "/account/password" : next)
            let secret = try await AccountService.startSession(for: user, ip: req.remoteIP, userAgent: req.headers.first(name: .userAgent) ?? "",
                                                               idleTimeoutMinutes: try await req.securitySettings().idleTimeoutMinutes, now: req.now,
                                                               writer: req.application)
            response.cookies[Cookies.session] = Cookies.sessionValue(secret, secure: req.yiwei.config.secureCookies)
            return response
        } catch let error as AppError {
            let key: String
            switch error.code {
            case .accountLocked: key = "login_error_locked"
            case .accountDisabled: key = "login_error_disabled"
            case .validationFailed: key = "login_error_missing"
            case .tooManyAttempts: key = "login_error_throttled"
            default: key = "login_error_invalid"
            }
            let minutes = String(Int((Double(error.retryAfter ?? 60) / 60).rounded(.up)))
            let context = LoginContext(page: try await PageBase.make(for: req, titleKey: "login_title"),
                                       username: String((form.username ?? "").prefix(64)),
                                       error: req.locale.text(key).replacingOccurrences(of: "{minutes}", with: minutes), next: next)
            let response = try await req.view.render("login", context).encodeResponse(status: error.status, for: req)
            error.setRetryAfter(on: response)
            return response
        }
    }

    func logout(req: Request) async throws -> Response {
        let response = req.redirect(to: "/login", flash: "logged_out")
        try await AccountService.endSession(of: req.currentUser, actor: req.auditActor, now: req.now, writer: req.application)
        response.cookies[Cookies.session] = Cookies.endedSession
        return response
    }

    struct PasswordContext: Encodable {
        var page: PageBase
        var fields: [FormField]
        var errorSummary: String?
        var forced: Bool
        var policy: String
    }

    struct PasswordForm: Content {
        var currentPassword: String?
        var newPassword: String?
        var confirmPassword: String?
    }

    private func passwordPage(_ req: Request, errors: [String: String]) async throws -> View {
        let user = try req.requireUser()
        let base = try await PageBase.make(for: req, titleKey: "password_title")
        let t = base.t
        let fields = FormField.withErrors([
            FormField(name: "currentPassword", label: t[text: "field_current_password"], kind: .password, required: true, autocomplete: "current-password"),
            FormField(name: "newPassword", label: t[text: "field_new_password"], kind: .password, required: true, autocomplete: "new-password"),
            FormField(name: "confirmPassword", label: t[text: "field_confirm_password"], kind: .password, required: true, autocomplete: "new-password"),
        ], errors, locale: base.lang)
        let policy = try await req.securitySettings().passwordPolicy
        return try await req.view.render("account/password", PasswordContext(
            page: base, fields: fields, errorSummary: errors.isEmpty ? nil : t["form_has_errors"], forced: user.mustChangePassword,
            policy: t[text: "password_policy"].replacingOccurrences(of: "{min}", with: String(policy.minLength))))
    }

    func passwordForm(req: Request) async throws -> View {
        try await passwordPage(req, errors: [:])
    }

    func changePassword(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let form = try req.content.decode(PasswordForm.self)
        guard let new = form.newPassword, !new.isEmpty else {
            return try await passwordPage(req, errors: ["newPassword": "required"]).encodeResponse(status: .unprocessableEntity, for: req)
        }
        guard new == form.confirmPassword else {
            return try await passwordPage(req, errors: ["confirmPassword": req.locale.text("password_mismatch")])
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        do {
            try await AccountService.changeOwnPassword(me, current: form.currentPassword ?? "", new: new, policy: try await req.securitySettings().passwordPolicy,
                                                       actor: req.auditActor, now: req.now, config: req.yiwei.config, on: req.db, writer: req.application)
            return req.redirect(to: "/", flash: "password_changed")
        } catch let error as AppError where error.fields != nil {
            return try await passwordPage(req, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    struct TokensContext: Encodable {
        struct Row: Encodable {
            var id: String
            var name: String
            var createdAt: String
            var expiresAt: String
            var lastUsedAt: String
            var status: String
            var active: Bool
        }
        var page: PageBase
        var rows: [Row]
        var newToken: String?
        var error: String?
        var maxDays: Int
    }

    struct TokenForm: Content {
        var name: String?
        var expiresInDays: String?
    }

    private func tokensPage(_ req: Request, newToken: String?, error: String?) async throws -> View {
        let user = try req.requireUser()
        let base = try await PageBase.make(for: req, titleKey: "tokens_title")
        let now = req.now
        let tokens = try await APIToken.query(on: req.db).filter(\.$userId == user.id).filter(\.$name != "login")
            .sort(\.$createdAt, .descending).limit(100).all()
        let rows = try tokens.map { token in
            let active = token.revokedAt == nil && token.expiresAt > now
            let status = token.revokedAt != nil ? base.t[text: "token_revoked"] : (token.expiresAt <= now ? base.t[text: "token_expired"] : base.t[text: "token_active"])
            return TokensContext.Row(id: try token.requireID().uuidString, name: token.name, createdAt: DisplayTime.format(token.createdAt, req),
                                     expiresAt: DisplayTime.format(token.expiresAt, req), lastUsedAt: DisplayTime.format(token.lastUsedAt, req),
                                     status: status, active: active)
        }
        return try await req.view.render("account/tokens", TokensContext(page: base, rows: rows, newToken: newToken, error: error,
                                                                          maxDays: req.yiwei.config.tokenLifetimeDays))
    }

    func tokens(req: Request) async throws -> View {
        try await tokensPage(req, newToken: nil, error: nil)
    }

    func createToken(req: Request) async throws -> Response {
        let form = try req.content.decode(TokenForm.self)
        do {
            let (secret, _) = try await AccountService.createPersonalToken(name: form.name, days: form.expiresInDays.flatMap { Int($0) }, by: try req.requireUser(),
                                                                           maxDays: req.yiwei.config.tokenLifetimeDays, actor: req.auditActor, now: req.now,
                                                                           writer: req.application)
            return try await tokensPage(req, newToken: secret, error: nil).encodeResponse(status: .created, for: req)
        } catch let error as AppError where error.fields != nil {
            return try await tokensPage(req, newToken: nil, error: req.locale.text("token_form_invalid"))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    func revokeToken(req: Request) async throws -> Response {
        try await AccountService.revokePersonalToken(req.parameters.get("tokenId", as: UUID.self), by: try req.requireUser(), actor: req.auditActor, now: req.now,
                                                     writer: req.application)
        return req.redirect(to: "/account/tokens", flash: "token_revoked")
    }

    struct LocaleForm: Content {
        var locale: String
        var back: String?
    }

    /// Switches the language: stored on the account when signed in, else in a cookie.
    func setLocale(req: Request) async throws -> Response {
        let form = try req.content.decode(LocaleForm.self)
        guard I18n.locales.contains(form.locale) else { throw AppError.validation(["locale": "must be zh-CN or en"]) }
        let response = req.redirect(to: Self.safeNext(form.back))
        if let user = req.currentUser {
            let locale = form.locale
            try await req.write { db in
                try await User.query(on: db).filter(\.$id == user.id).set(\.$locale, to: locale).update()
            }
        }
        response.cookies[Cookies.locale] = HTTPCookies.Value(string: form.locale, maxAge: 365 * 86400, path: "/", isHTTPOnly: true, sameSite: .lax)
        return response
    }
}
