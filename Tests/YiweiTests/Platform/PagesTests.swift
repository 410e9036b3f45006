import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// A browser: keeps cookies, sends forms with the page's CSRF token.
final class Browser: @unchecked Sendable {
    // @unchecked Sendable: used by one test task at a time.
    let env: TestEnv
    var cookies: [String: String] = [:]
    var lastPage = ""

    init(_ env: TestEnv) { self.env = env }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        let res = try await env.send(.GET, path, headers: headers())
        absorb(res)
        lastPage = res.body.string
        return res
    }

    /// Posts a form; the CSRF token comes from the last page unless `csrf` says otherwise.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String?? = .none) async throws -> TestingHTTPResponse {
        var all = fields
        let token: String? = csrf ?? currentCSRF
        if let token { all.append(("_csrf", token)) }
        let body = all.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        let res = try await env.send(.POST, path, raw: body, contentType: "application/x-www-form-urlencoded", headers: headers())
        absorb(res)
        lastPage = res.body.string
        return res
    }

    /// Posts a multipart form (fields and an optional file in the field "file") with the page's CSRF token.
    @discardableResult
    func postMultipart(_ path: String, _ fields: [(String, String)], file: (name: String, bytes: [UInt8])? = nil) async throws -> TestingHTTPResponse {
        let boundary = "----yiwei-browser-boundary"
        var body = ByteBuffer()
        for (name, value) in fields + (currentCSRF.map { [("_csrf", $0)] } ?? []) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders(headers())
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let res = try await env.app.testing().sendRequest(.POST, path, headers: headers, body: body)
        absorb(res)
        lastPage = res.body.string
        return res
    }

    var currentCSRF: String? {
        guard let range = lastPage.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(lastPage[range.upperBound...].prefix { $0 != "\"" })
    }

    func signIn(_ username: String, _ password: String) async throws -> TestingHTTPResponse {
        try await get("/login")
        return try await post("/login", [("username", username), ("password", password), ("next", "/")])
    }

    private func headers() -> [(String, String)] {
        var h = [("Accept", "text/html")]
        if !cookies.isEmpty { h.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))) }
        return h
    }

    private func absorb(_ res: TestingHTTPResponse) {
        for header in res.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    private func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? s
    }
}

@Suite("Pages: sign-in, CSRF, sessions, permissions, forms, language")
struct PagesTests {
    @Test("sign-in sets an HttpOnly, SameSite session cookie and lands on the home page")
    func signIn() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            let form = try await browser.get("/login")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("登录医维"))
            let res = try await browser.post("/login", [("username", "admin"), ("password", adminPassword), ("next", "/admin/campuses")])
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location) == "/admin/campuses")
            let cookie = try #require(res.headers[.setCookie].first { $0.hasPrefix("yiwei_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("工作台"))
            #expect(home.body.string.contains("系统管理员"))
            // 上次登录 is the sign-in before this one: none yet, then the first one's time (Shanghai).
            #expect(home.body.string.contains("首次登录"))
            env.clock.advance(by: 3600)
            let again = Browser(env)
            _ = try await again.signIn("admin", adminPassword)
            #expect(try await again.get("/").body.string.contains("2026-11-18 19:06:40"))
        }
    }

    @Test("a wrong password re-shows the form with a message; an open redirect is not followed")
    func failedSignIn() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            let res = try await browser.signIn("admin", "wrong")
            #expect(res.status == .unauthorized)
            #expect(res.body.string.contains("用户名或密码错误"))
            try await browser.get("/login")
            let evil = try await browser.post("/login", [("username", "admin"), ("password", adminPassword), ("next", "//evil.example.com/")])
            #expect(evil.headers.first(name: .location) == "/")
        }
    }

    @Test("a form without the CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            let login = try await browser.get("/login")
            #expect(login.status == .ok)
            let noToken = try await browser.post("/login", [("username", "admin"), ("password", adminPassword)], csrf: .some(nil))
            #expect(noToken.status == .forbidden)
            _ = try await browser.signIn("admin", adminPassword)
            try await browser.get("/admin/campuses/new")
            let forged = try await browser.post("/admin/campuses", [("name", "伪造院区")], csrf: .some("forged"))
            #expect(forged.status == .forbidden)
            #expect(try await env.count("campuses") == 0)
            try await browser.get("/admin/campuses/new")
            let ok = try await browser.post("/admin/campuses", [("name", "本部院区"), ("code", "BB"), ("address", ""), ("isActive", "true")])
            #expect(ok.status == .seeOther)
            #expect(try await env.count("campuses") == 1)
            let list = try await browser.get("/admin/campuses")
            #expect(list.body.string.contains("本部院区"))
            #expect(list.body.string.contains("已保存"))
        }
    }

    @Test("a rejected form comes back with the user's values and the problem in Chinese")
    func formErrors() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            _ = try await browser.signIn("admin", adminPassword)
            try await browser.get("/admin/departments/new")
            _ = try await browser.post("/admin/departments", [("name", "急诊科"), ("campusId", ""), ("location", ""), ("phone", ""), ("isActive", "true")])
            try await browser.get("/admin/departments/new")
            let dup = try await browser.post("/admin/departments", [("name", "急诊科"), ("campusId", ""), ("location", "门诊楼1楼"), ("phone", "x"), ("isActive", "true")])
            #expect(dup.status == .unprocessableEntity)
            let html = dup.body.string
            #expect(html.contains("电话号码格式不正确"))
            #expect(html.contains(#"value="门诊楼1楼""#))
            #expect(try await env.count("departments") == 1)
        }
    }

    @Test("pages enforce the same permissions as the API")
    func permissions() async throws {
        try await withYiwei { env in
            _ = try await env.makeUser("nurse", roles: ["reporter"])
            let anonymous = Browser(env)
            let redirect = try await anonymous.get("/admin/users")
            #expect(redirect.status == .seeOther)
            #expect(redirect.headers.first(name: .location) == "/login?next=/admin/users")

            let nurse = Browser(env)
            _ = try await nurse.signIn("nurse", "Test#Pass2026")
            try await nurse.get("/account/password")
            _ = try await nurse.post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Mine#2026pw"), ("confirmPassword", "Mine#2026pw")])
            // A reporter's start page is the portal.
            let home = try await nurse.get("/")
            #expect(home.status == .seeOther && home.headers.first(name: .location) == "/portal")
            let portal = try await nurse.get("/portal")
            #expect(portal.status == .ok)
            #expect(!portal.body.string.contains("/admin/users"))
            let denied = try await nurse.get("/admin/users")
            #expect(denied.status == .forbidden)
            #expect(denied.body.string.contains("没有执行此操作的权限"))

            let admin = Browser(env)
            _ = try await admin.signIn("admin", adminPassword)
            #expect(try await admin.get("/audit").status == .forbidden)
            for path in ["/admin/campuses", "/admin/departments", "/admin/teams", "/admin/vendors", "/admin/categories", "/admin/systems",
                         "/admin/users", "/admin/users/new", "/admin/teams/new", "/admin/categories/new", "/admin/systems/new",
                         "/admin/vendors/new", "/account/tokens", "/account/password"] {
                #expect(try await admin.get(path).status == .ok, "\(path)")
            }
        }
    }

    @Test("an account set up by an administrator must choose its own password first")
    func forcedPasswordChange() async throws {
        try await withYiwei { env in
            let created = try await env.send(.POST, "/api/v1/users", token: try await env.adminToken(),
                                             json: CreateUserRequest(username: "newbie", displayName: "新人", password: "Test#Pass2026", roles: ["agent"]))
            #expect(created.status == .created)
            let browser = Browser(env)
            let signIn = try await browser.signIn("newbie", "Test#Pass2026")
            #expect(signIn.headers.first(name: .location) == "/account/password")
            let home = try await browser.get("/")
            #expect(home.headers.first(name: .location) == "/account/password")
            try await browser.get("/account/password")
            let mismatch = try await browser.post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Mine#2026pw"), ("confirmPassword", "Mine#2026px")])
            #expect(mismatch.status == .unprocessableEntity)
            try await browser.get("/account/password")
            let done = try await browser.post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Mine#2026pw"), ("confirmPassword", "Mine#2026pw")])
            #expect(done.headers.first(name: .location) == "/")
            #expect(try await browser.get("/").status == .ok)
        }
    }

    @Test("a session ends after 30 idle minutes, and at sign-out")
    func sessionTimeout() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            _ = try await browser.signIn("admin", adminPassword)
            env.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/").status == .ok)
            // Activity restarted the idle timer; 30 quiet minutes are still fine, 30 and a half are not.
            env.clock.advance(by: 30 * 60)
            #expect(try await browser.get("/").status == .ok)
            env.clock.advance(by: 30 * 60 + 30)
            let expired = try await browser.get("/")
            #expect(expired.status == .seeOther)
            #expect(try await env.count("web_sessions") == 0)

            _ = try await browser.signIn("admin", adminPassword)
            try await browser.get("/")
            let out = try await browser.post("/logout", [])
            #expect(out.headers.first(name: .location) == "/login")
            #expect(try await env.count("web_sessions") == 0)
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("English is one click away and stays with the account")
    func language() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            _ = try await browser.signIn("admin", adminPassword)
            try await browser.get("/")
            _ = try await browser.post("/account/locale", [("locale", "en"), ("back", "/admin/campuses")])
            let page = try await browser.get("/admin/campuses")
            #expect(page.body.string.contains(#"<html lang="en">"#))
            #expect(!page.body.string.contains("院区 · 医维"))
            let me = try await env.send(.GET, "/api/v1/auth/me", token: try await env.adminToken()).content.decode(UserDTO.self)
            #expect(me.locale == "en")
        }
    }

    @Test("tokens page: a new token is shown once and can be revoked")
    func tokensPage() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            _ = try await browser.signIn("admin", adminPassword)
            try await browser.get("/account/tokens")
            let created = try await browser.post("/account/tokens", [("name", "HIS 接口"), ("expiresInDays", "30")])
            #expect(created.status == .created)
            let secret = try #require(created.body.string.components(separatedBy: #"id="new-token">"#).dropFirst().first?.prefix { $0 != "<" })
            #expect(secret.hasPrefix("yw_"))
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: String(secret)).status == .ok)
            let list = try await browser.get("/account/tokens")
            #expect(!list.body.string.contains(String(secret)))
            let id = try #require(list.body.string.components(separatedBy: "/account/tokens/").dropFirst().first?.prefix { $0 != "/" })
            let revoked = try await browser.post("/account/tokens/\(id)/revoke", [])
            #expect(revoked.status == .seeOther)
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: String(secret)).status == .unauthorized)
        }
    }

    @Test("the auditor's page lists entries and verifies the chain")
    func auditPage() async throws {
        try await withYiwei { env in
            _ = try await env.makeUser("shenji", roles: ["auditor"])
            let browser = Browser(env)
            _ = try await browser.signIn("shenji", "Test#Pass2026")
            try await browser.get("/account/password")
            _ = try await browser.post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Audit#2026pw"), ("confirmPassword", "Audit#2026pw")])
            let page = try await browser.get("/audit")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("登录成功"))
            let verified = try await browser.post("/audit/verify", [])
            #expect(verified.status == .ok)
            #expect(verified.body.string.contains("审计日志完整"))
        }
    }

    @Test("unknown pages get the Chinese error page with status 404")
    func notFoundPage() async throws {
        try await withYiwei { env in
            let browser = Browser(env)
            let res = try await browser.get("/no-such-page")
            #expect(res.status == .notFound)
            #expect(res.body.string.contains("页面或记录不存在"))
        }
    }
}
