import Foundation
import LeafKit
import Vapor
import YiweiCore
import YiweiText

/// What every page's template needs: strings, the signed-in user, navigation, CSRF token and flash.
struct PageBase: Encodable {
    struct UserChip: Encodable {
        var displayName: String
        /// What the round avatar shows: a Chinese name's given name (王建国 → 建国), else the first letter.
        var initials: String
        var username: String
        var roleNames: String
        var mustChangePassword: Bool
    }
    struct NavItem: Encodable {
        var label: String
        var href: String
        var active: Bool
        var group: String
        /// The first entry of its group: the template writes the group's heading before it.
        var first = false
    }
    struct Flash: Encodable {
        var kind: String
        var text: String
    }

    var title: String
    var t: [String: String]
    var lang: String
    var user: UserChip?
    var nav: [NavItem]
    /// The sidebar's lists, written in Swift (`navigationHTML`): the template compared every entry's group
    /// seven times on every page.
    var navHTML = SafeHTML()
    var csrf: String
    var flash: Flash?
    var path: String
    var otherLocale: String
    var otherLocaleLabel: String
    /// Unread in-app notifications (the bell); 0 where not counted.
    var unread: Int
    /// `t` as template data, made once per locale (see `I18n.leafStrings`).
    var leafStrings: LeafData = .dictionary([:])

    private enum CodingKeys: String, CodingKey {
        case title, t, lang, csrf, otherLocale, otherLocaleLabel, layoutTop, layoutBottom
    }

    /// Encoded by hand only to hand the templates the prepared strings instead of encoding a thousand of
    /// them again for every page.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(PreparedStrings(strings: t, leafData: leafStrings), forKey: .t)
        try c.encode(lang, forKey: .lang)
        try c.encode(csrf, forKey: .csrf)
        try c.encode(otherLocale, forKey: .otherLocale)
        try c.encode(otherLocaleLabel, forKey: .otherLocaleLabel)
        // The user chip, sidebar, flash and bell are in the layout's halves; no template reads them on their own.
        try c.encode(layoutTop(), forKey: .layoutTop)
        try c.encode(layoutBottom(), forKey: .layoutBottom)
    }

    /// The page around its content (`layout.leaf` puts a template's content between the two halves; pages
    /// written in Swift call `document(content:)`): head, top bar with the bell and the user menu, sidebar, flash.
    /// Written in Swift because every page has it and Leaf evaluated it anew for each.
    func layoutTop() -> SafeHTML {
        func s(_ key: String) -> String { t[key] ?? "" }
        var h: SafeHTML = "<!DOCTYPE html>\n<html lang=\"\(lang)\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(title) · \(s("app_name"))</title>\n"
        h += "<link rel=\"stylesheet\" href=\"/static/app.css\">\n<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
        h += "<script src=\"/static/app.js\" defer></script>\n</head>\n"
        h += "<body class=\"\(user == nil ? "signed-out" : "signed-in")\">\n<a class=\"skip\" href=\"#main\">\(s("skip_to_content"))</a>\n"
        if let user {
            let csrfField: SafeHTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(csrf)\">"
            h += "<input type=\"checkbox\" id=\"nav-toggle\" class=\"nav-toggle\" aria-hidden=\"true\">\n<header class=\"topbar\">\n"
            h += "  <label for=\"nav-toggle\" class=\"nav-button\" role=\"button\" tabindex=\"0\" aria-controls=\"sidebar\" aria-expanded=\"false\" aria-label=\"\(s("nav_menu"))\"><span></span><span></span><span></span></label>\n"
            h += "  <a class=\"brand\" href=\"/\"><img src=\"/static/favicon.svg\" alt=\"\" width=\"28\" height=\"28\"><span class=\"brand-name\">\(s("app_name"))</span><span class=\"brand-tagline\">\(s("app_tagline"))</span></a>\n"
            h += "  <a class=\"bell\" href=\"/notifications\" aria-label=\"\(s("notifications_title"))\"><svg viewBox=\"0 0 24 24\" width=\"22\" height=\"22\" aria-hidden=\"true\">"
            h += "<path d=\"M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z\" fill=\"currentColor\"/></svg>"
            if unread > 0 { h += "<span class=\"bell-count\">\(unread)</span>" }
            h += "</a>\n"
            h += "  <div class=\"user-menu\">\n    <details>\n      <summary><span class=\"avatar\" aria-hidden=\"true\">\(user.initials)</span><span class=\"user-name\">\(user.displayName)</span></summary>\n      <div class=\"user-menu-panel\">\n"
            h += "        <p class=\"user-roles\"><strong class=\"user-menu-name\">\(user.displayName)</strong>\(user.username) · \(user.roleNames)</p>\n"
            h += "        <a href=\"/account/password\">\(s("menu_password"))</a>\n        <a href=\"/account/tokens\">\(s("menu_tokens"))</a>\n"
            h += "        <form method=\"post\" action=\"/account/locale\">\n          \(csrfField)\n"
            h += "          <input type=\"hidden\" name=\"locale\" value=\"\(otherLocale)\">\n"
            h += "          <input type=\"hidden\" name=\"back\" value=\"\(path)\">\n"
            h += "          <button type=\"submit\" class=\"link-button\">\(s("menu_language"))：\(otherLocaleLabel)</button>\n        </form>\n"
            h += "        <form method=\"post\" action=\"/logout\">\n          \(csrfField)\n"
            h += "          <button type=\"submit\" class=\"link-button danger\">\(s("menu_logout"))</button>\n        </form>\n"
            h += "      </div>\n    </details>\n  </div>\n</header>\n"
            h += "<nav class=\"sidebar\" id=\"sidebar\" aria-label=\"\(s("nav_menu"))\">\n  \(navHTML)\n</nav>\n"
            h += "<label for=\"nav-toggle\" class=\"nav-backdrop\" aria-hidden=\"true\"></label>\n"
        }
        h += "<main id=\"main\" class=\"main\">\n"
        if let flash {
            h += "  <div class=\"flash flash-\(flash.kind)\" role=\"status\">\(flash.text)</div>\n"
        }
        return h
    }

    func layoutBottom() -> SafeHTML {
        "\n  <footer class=\"footer\">\(t["footer_text"] ?? "")</footer>\n</main>\n</body>\n</html>\n"
    }

    /// A whole page around content written in Swift.
    func document(content: SafeHTML) -> SafeHTML {
        layoutTop() + content + layoutBottom()
    }

    static func make(for request: Request, titleKey: String) async throws -> PageBase {
        try await SurveyNav.prepare(request)
        return try make(for: request, title: request.locale.text(titleKey))
    }

    static func make(for request: Request, title: String) throws -> PageBase {
        let locale = request.locale
        let strings = request.yiwei.i18n.strings(locale.code)
        let user = request.currentUser
        let path = request.url.path
        var nav: [NavItem] = []
        func add(_ key: String, _ href: String, _ group: String, when allowed: Bool = true) {
            guard allowed else { return }
            nav.append(NavItem(label: strings[key] ?? key, href: href, active: false, group: group))
        }
        if let user {
            add("nav_home", "/", "main")
            add("nav_desk", "/desk", "main", when: user.can(.workTickets))
            add("nav_desk_new", "/desk/new", "main", when: user.can(.reportOnBehalf))
            add("nav_portal", "/portal", "main", when: user.can(.reportTickets))
            add("nav_kb", "/kb", "main")
            add("nav_duty", "/duty", "main", when: user.can(.readDuty))
            add("nav_dashboard", "/dashboard", "analytics", when: user.can(.viewDashboard))
            add("nav_reports", "/reports/monthly", "analytics", when: user.can(.readReports))
            add("nav_downtime", "/reports/downtime", "analytics", when: user.can(.readReports))
            add("nav_evaluation", "/evaluation/scorecards", "analytics",
                when: user.can(.readEvaluation) || (user.can(.readOwnVendorEvaluation) && user.vendorId != nil))
            add("nav_surveys", "/surveys", "analytics", when: user.readsEvaluation)
            add("nav_surveys_pending", "/surveys", "analytics", when: !user.readsEvaluation && request.storage[PendingSurveysKey.self] == true)
            add("nav_deliverables", "/evaluation/deliverables", "analytics", when: user.readsEvaluation || user.deliverableVendor != nil)
            add("nav_attendance", "/evaluation/attendance", "analytics", when: user.readsEvaluation)
            let org = user.can(.viewSettingsPages)
            add("nav_campuses", "/admin/campuses", "org", when: org)
            add("nav_departments", "/admin/departments", "org", when: org)
            add("nav_teams", "/admin/teams", "org", when: org)
            add("nav_vendors", "/admin/vendors", "org", when: org)
            add("nav_categories", "/admin/categories", "org", when: org)
            add("nav_systems", "/admin/systems", "org", when: org)
            add("nav_users", "/admin/users", "org", when: user.can(.readUsers))
            add("nav_calendars", "/admin/calendars", "org", when: org)
            add("nav_sla_policies", "/admin/sla-policies", "org", when: org)
            add("nav_matrix", "/admin/priority-matrix", "org", when: org)
            add("nav_dispatch_rules", "/admin/dispatch-rules", "org", when: org)
            add("nav_channels", "/admin/channels", "org", when: user.can(.manageOrganisation))
            add("nav_subscriptions", "/admin/subscriptions", "org", when: user.can(.manageOrganisation))
            add("nav_qr", "/admin/qr", "org", when: user.can(.manageOrganisation))
            add("nav_import", "/admin/import", "org", when: user.can(.importTickets))
            add("nav_security", "/admin/security", "security", when: user.can(.readSecuritySettings))
            add("nav_audit", "/audit", "security", when: user.can(.readAudit))
        }
        for i in nav.indices where i == 0 || nav[i - 1].group != nav[i].group { nav[i].first = true }
        // The most specific matching entry is the active one (/desk/new, not also /desk).
        let matching = nav.indices.filter { nav[$0].href == "/" ? path == "/" : path == nav[$0].href || path.hasPrefix(nav[$0].href + "/") }
        if let best = matching.max(by: { nav[$0].href.count < nav[$1].href.count }) { nav[best].active = true }
        let chip = user.map { user in
            UserChip(displayName: user.displayName,
                     initials: initials(of: user.displayName),
                     username: user.username,
                     roleNames: user.roles.sorted().map { strings["role_" + $0.rawValue] ?? $0.rawValue }.joined(separator: locale.listSeparator),
                     mustChangePassword: user.mustChangePassword)
        }
        var flash: Flash?
        if let key = request.storage[FlashKey.self] {
            flash = Flash(kind: key.hasPrefix("error_") ? "error" : "success", text: strings["flash_" + key] ?? "")
            if flash?.text.isEmpty == true { flash = nil }
        } else if request.storage[SessionExpiredKey.self] == true {
            flash = Flash(kind: "error", text: strings["flash_session_expired"] ?? "")
        }
        return PageBase(title: title, t: strings, lang: locale.code, user: chip, nav: nav, navHTML: navigationHTML(nav, strings: strings),
                        csrf: request.csrfToken, flash: flash, path: path,
                        otherLocale: locale.code == "en" ? "zh-CN" : "en",
                        otherLocaleLabel: locale.code == "en" ? "中文" : "English",
                        unread: request.storage[UnreadCountKey.self] ?? 0,
                        leafStrings: request.yiwei.i18n.leafStrings(locale.code))
    }

    /// The sidebar: the main entries, then each further group under its heading.
    static func navigationHTML(_ nav: [NavItem], strings: [String: String]) -> SafeHTML {
        func list(_ group: String) -> SafeHTML {
            var html: SafeHTML = "<ul>"
            for item in nav where item.group == group {
                let active: SafeHTML = item.active ? " class=\"active\" aria-current=\"page\"" : ""
                html += "<li><a href=\"\(item.href)\"\(active)>\(item.label)</a></li>"
            }
            return html + "</ul>"
        }
        var lines = [list("main")]
        for group in ["analytics", "org", "security"] {
            lines.append(nav.contains { $0.group == group && $0.first }
                         ? "<p class=\"nav-group\">\(strings["nav_group_" + group] ?? "")</p>" : SafeHTML())
            lines.append(list(group))
        }
        return lines.joined(separator: "\n  ")
    }
}

/// A locale's strings: template data already made for Leaf, the plain table for any other encoder.
struct PreparedStrings: Encodable, LeafDataRepresentable {
    let strings: [String: String]
    let leafData: LeafData

    func encode(to encoder: any Encoder) throws {
        try strings.encode(to: encoder)
    }
}

/// The round avatar's text: a Chinese personal name's given name (王建国 → 建国, 李娜 → 李娜); for longer
/// Chinese names or titles the first two characters (系统管理员 → 系统); otherwise the first letter.
func initials(of name: String) -> String {
    guard let first = name.unicodeScalars.first else { return "?" }
    if first.value >= 0x2E80 {
        return name.count <= 3 ? String(name.suffix(min(2, name.count))) : String(name.prefix(2))
    }
    return String(name.prefix(1)).uppercased()
}

/// The locale of a request: the user's choice, else the `yiwei_locale` cookie, else the default.
struct RequestLocale {
    let code: String
    let i18n: I18n
    func text(_ key: String) -> String { i18n.text(key, code) }
    /// "、" between items of a Chinese list, ", " in English.
    var listSeparator: String { code == "en" ? ", " : "、" }
}

struct FlashKey: StorageKey { typealias Value = String }
struct NewCSRFKey: StorageKey { typealias Value = String }

extension Request {
    var locale: RequestLocale {
        let code = currentUser?.locale
            ?? (cookies[Cookies.locale]?.string).flatMap { I18n.locales.contains($0) ? $0 : nil }
            ?? yiwei.config.defaultLocale
        return RequestLocale(code: code, i18n: yiwei.i18n)
    }

    /// The CSRF token to embed in forms: the session's when signed in, else the pre-session cookie's.
    var csrfToken: String {
        if let token = currentUser?.csrfToken { return token }
        if let token = cookies[Cookies.csrf]?.string, !token.isEmpty { return token }
        if let token = storage[NewCSRFKey.self] { return token }
        let token = Secrets.make()
        storage[NewCSRFKey.self] = token
        return token
    }

    /// A redirect after a successful form post, with a flash message key shown on the next page.
    func redirect(to location: String, flash: String) -> Response {
        let response = redirect(to: location, redirectType: .normal)
        response.cookies[Cookies.flash] = HTTPCookies.Value(string: flash, maxAge: 60, path: "/", isHTTPOnly: true, sameSite: .lax)
        return response
    }
}

/// Reads and clears the flash cookie, and sets the pre-session CSRF cookie when a page minted one.
struct WebMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let flash = request.cookies[Cookies.flash]?.string
        if let flash, flash.count <= 40, flash.allSatisfy({ $0.isLetter || $0 == "_" }) {
            request.storage[FlashKey.self] = flash
        }
        let response = try await next.respond(to: request)
        if flash != nil && response.cookies[Cookies.flash] == nil {
            response.cookies[Cookies.flash] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/")
        }
        if let token = request.storage[NewCSRFKey.self] {
            response.cookies[Cookies.csrf] = HTTPCookies.Value(string: token, path: "/", isSecure: request.yiwei.config.secureCookies,
                                                               isHTTPOnly: true, sameSite: .strict)
        }
        return response
    }
}

/// Security headers on every response: no framing, no sniffing, scripts and styles only from this server.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if response.headers.mediaTypeName?.isHTML == true {
            response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                          value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}

/// Serves `/static/*` from the resources' Public folder; other paths never touch the file system.
struct StaticFilesMiddleware: AsyncMiddleware {
    let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil, directoryAction: .none)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.url.path.hasPrefix("/static/") else { return try await next.respond(to: request) }
        let response = try await files.respond(to: request, chainingTo: next)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return response
    }
}

/// The error page's context.
struct ErrorPageContext: Encodable {
    var page: PageBase
    var status: Int
    var message: String
    var detail: String
}
