import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Yiwei
@testable import YiweiCore

struct ArticleBody: Encodable, Sendable {
    var title: String
    var body: String
    var visibility = "public"
    var tags: [String] = []
    var teamId: String? = nil
    var departmentId: String? = nil
}

extension Browser {
    /// Signs in a user created by the admin, choosing their own password first (as the app requires).
    func signInFresh(_ username: String) async throws {
        _ = try await signIn(username, "Test#Pass2026")
        try await get("/account/password")
        _ = try await post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Mine#2026pw"), ("confirmPassword", "Mine#2026pw")])
    }
}

extension Hospital {
    /// An article written by the engineer and published by the lead; making it public is the lead's decision.
    func publish(_ title: String, _ body: String, visibility: String = "public", tags: [String] = [], teamId: UUID? = nil,
                 departmentId: UUID? = nil) async throws -> KBArticleDTO {
        let res = try await env.send(.POST, "/api/v1/kb/articles", token: engineer.token,
                                     json: ArticleBody(title: title, body: body, visibility: visibility == "public" ? "internal" : visibility, tags: tags,
                                                       teamId: teamId?.uuidString, departmentId: departmentId?.uuidString))
        try #require(res.status == .created, "create: \(res.body.string)")
        let draft = try res.content.decode(KBArticleDTO.self)
        let submitted = try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: engineer.token, json: ["action": "submit"])
        try #require(submitted.status == .ok, "submit: \(submitted.body.string)")
        if visibility == "public" {
            let made = try await env.send(.PATCH, "/api/v1/kb/articles/\(draft.id)", token: lead.token, json: ["visibility": "public"])
            try #require(made.status == .ok, "public: \(made.body.string)")
        }
        let published = try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: lead.token, json: ["action": "publish"])
        try #require(published.status == .ok, "publish: \(published.body.string)")
        return try published.content.decode(KBArticleDTO.self)
    }

    func search(_ q: String, _ token: String) async throws -> KBSearchResultDTO {
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
        let res = try await env.send(.GET, "/api/v1/kb/search?q=\(encoded)", token: token)
        try #require(res.status == .ok, "search \(q): \(res.status) \(res.body.string)")
        return try res.content.decode(KBSearchResultDTO.self)
    }
}

@Suite("Knowledge base: workflow, versions, permissions, search, ticket → article, external listener")
struct KnowledgeTests {
    @Test("draft → review → published → archived; only leads publish; reporters never see drafts; every edit is a version with a diff")
    func workflow() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            // Making an article public (the extranet) is a reviewer's decision, on create too.
            let text = "## 现象\n\n打印机显示脱机。\n\n## 解决方法\n\n重启打印服务。"
            #expect(try await env.send(.POST, "/api/v1/kb/articles", token: h.engineer.token, json: ArticleBody(title: "打印机脱机处理", body: text)).status == .forbidden)
            let created = try await env.send(.POST, "/api/v1/kb/articles", token: h.engineer.token,
                                             json: ArticleBody(title: "打印机脱机处理", body: text, visibility: "internal"))
            #expect(created.status == .created)
            let draft = try created.content.decode(KBArticleDTO.self)
            #expect(draft.status == "draft" && draft.version == 1)
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(draft.id)", token: h.nurse.token).status == .notFound)
            #expect(try await env.send(.POST, "/api/v1/kb/articles", token: h.nurse.token, json: ArticleBody(title: "x", body: "y")).status == .forbidden)
            // The engineer cannot publish; publishing a draft straight away is a lead's right.
            #expect(try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: h.engineer.token, json: ["action": "publish"]).status == .forbidden)
            #expect(try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: h.engineer.token, json: ["action": "close"]).status == .unprocessableEntity)
            _ = try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: h.engineer.token, json: ["action": "submit"])
            let again = try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: h.engineer.token, json: ["action": "submit"])
            #expect(again.status == .conflict && again.errorCode == "invalid_transition")
            let noReason = try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: h.lead.token, json: ["action": "reject"])
            #expect(noReason.status == .unprocessableEntity)
            #expect(try await env.send(.PATCH, "/api/v1/kb/articles/\(draft.id)", token: h.lead.token, json: ["visibility": "public"]).status == .ok)
            let published = try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: h.lead.token, json: ["action": "publish"])
            let article = try published.content.decode(KBArticleDTO.self)
            #expect(article.status == "published")
            // Review due six months (182 days) after publishing.
            #expect(article.reviewDueAt == env.clock.now().addingTimeInterval(182 * 86_400))
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(draft.id)", token: h.nurse.token).status == .ok)

            // The engineer's edit of the published article is a revision; approved, it is version 2; the diff shows the
            // changed line; restoring version 1 (the lead, directly) makes version 3.
            struct Patch: Encodable { var body: String; var note: String }
            let patched = try await env.send(.PATCH, "/api/v1/kb/articles/\(draft.id)", token: h.engineer.token,
                                             json: Patch(body: "## 现象\n\n打印机显示脱机。\n\n## 解决方法\n\n重启 Print Spooler 服务后重新打印。", note: "写清服务名"))
            #expect(patched.status == .accepted)
            #expect(try patched.content.decode(KBArticleDTO.self).version == 1)
            let approved = try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: h.lead.token, json: ["action": "approve_revision"])
            #expect(try approved.content.decode(KBArticleDTO.self).version == 2)
            let diff = try await env.send(.GET, "/api/v1/kb/articles/\(draft.id)/diff", token: h.engineer.token).content.decode(KnowledgeController.DiffDTO.self)
            #expect(diff.from == 1 && diff.to == 2)
            #expect(diff.comparison.lines.filter { $0.operation == .delete }.map(\.text) == ["重启打印服务。"])
            #expect(diff.comparison.lines.filter { $0.operation == .insert }.map(\.text) == ["重启 Print Spooler 服务后重新打印。"])
            let restored = try await env.send(.PATCH, "/api/v1/kb/articles/\(draft.id)", token: h.lead.token, json: ["restoreVersion": 1])
            let v3 = try restored.content.decode(KBArticleDTO.self)
            #expect(v3.version == 3 && v3.body.hasSuffix("重启打印服务。"))
            let versions = try await env.send(.GET, "/api/v1/kb/articles/\(draft.id)/versions", token: h.lead.token).content.decode([KBVersionDTO].self)
            #expect(versions.map(\.version) == [3, 2, 1])
            #expect(versions[0].note == "恢复到第 1 版" && versions[1].note == "写清服务名")
            // A reporter may not edit; archiving hides it from readers.
            #expect(try await env.send(.PATCH, "/api/v1/kb/articles/\(draft.id)", token: h.nurse.token, json: ["title": "改"]).status == .forbidden)
            _ = try await env.send(.POST, "/api/v1/kb/articles/\(draft.id)/actions", token: h.lead.token, json: ["action": "archive"])
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(draft.id)", token: h.nurse.token).status == .notFound)
        }
    }

    @Test("who reads what: public for everyone, internal for staff, restricted for its team and department")
    func visibility() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let pub = try await h.publish("自助重置密码", "在登录页点击忘记密码。")
            let internalOne = try await h.publish("HIS 数据库主备切换步骤", "仅运维人员：切换前确认同步延迟。", visibility: "internal")
            let team = try await h.publish("信息科内部：核心交换机口令管理", "口令保存在保险柜。", visibility: "restricted", teamId: h.itTeam)
            let ward = try await h.publish("心内科专用：心电图机联网设置", "设置静态地址。", visibility: "restricted", departmentId: h.ward)
            func status(_ a: KBArticleDTO, _ token: String) async throws -> HTTPStatus {
                try await env.send(.GET, "/api/v1/kb/articles/\(a.id)", token: token).status
            }
            #expect(try await status(pub, h.otherNurse.token) == .ok)
            #expect(try await status(internalOne, h.otherNurse.token) == .notFound)
            #expect(try await status(internalOne, h.logisticsEngineer.token) == .ok)
            #expect(try await status(team, h.logisticsEngineer.token) == .notFound)
            #expect(try await status(team, h.engineer.token) == .ok)
            #expect(try await status(ward, h.nurse.token) == .ok)       // 心血管内科
            #expect(try await status(ward, h.otherNurse.token) == .notFound) // 儿科
            #expect(try await status(ward, h.auditor.token) == .ok)
            // Search obeys the same rules.
            #expect(try await h.search("设置", h.otherNurse.token).items.isEmpty)
            #expect(try await h.search("设置", h.nurse.token).items.map(\.id) == [ward.id])
            let restrictedBad = try await env.send(.POST, "/api/v1/kb/articles", token: h.engineer.token,
                                                   json: ArticleBody(title: "受限", body: "x", visibility: "restricted"))
            #expect(restrictedBad.status == .unprocessableEntity && restrictedBad.errorFields["visibility"] != nil)
            let bad = try await env.send(.POST, "/api/v1/kb/articles", token: h.engineer.token,
                                         json: ArticleBody(title: "", body: " ", visibility: "secret", tags: ["a,b", String(repeating: "长", count: 21)]))
            #expect(Set(bad.errorFields.keys) == ["title", "body", "visibility", "tags"])
        }
    }

    @Test("Chinese search: one, two and three+ characters; ranked with title first; highlighted; hostile queries are harmless")
    func search() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let login = try await h.publish("HIS 登录失败的处理", "提示用户名或密码错误时，先确认大小写，再重置密码。", tags: ["HIS"])
            let body = try await h.publish("门诊医生站常见问题", "若无法登录，请检查网络；打印处方空白时更换驱动。")
            _ = try await h.publish("PACS 影像调阅慢", "检查存储阵列与网络带宽。")
            // Two characters: through the pair index; the title hit first.
            #expect(try await h.search("登录", h.nurse.token).items.map(\.id) == [login.id, body.id])
            // One character.
            #expect(Set(try await h.search("登", h.nurse.token).items.map(\.id)) == [login.id, body.id])
            // Three and more: the trigram index; a snippet with the match marked and everything else escaped.
            let three = try await h.search("重置密码", h.nurse.token)
            #expect(three.items.map(\.id) == [login.id])
            #expect(three.items[0].snippet.contains("<mark>重置密码</mark>"))
            #expect(try await h.search("影像 带宽", h.nurse.token).total == 1)
            // A long word with a short one: the short one is checked in the long one's matches.
            #expect(try await h.search("PACS 带宽", h.nurse.token).total == 1)
            #expect(try await h.search("PACS 登录", h.nurse.token).total == 0)
            #expect(try await h.search("his", h.nurse.token).items.first?.id == login.id)
            #expect(try await h.search("不存在的内容", h.nurse.token).total == 0)
            for hostile in ["\u{0}", "å\u{0})Q", "\"", "*", "登\"录", "NEAR(a b)", "a OR b", "'; DROP TABLE kb_articles; --", "%", "_", "(", "^", "-x"] {
                _ = try await h.search(hostile, h.nurse.token)
            }
            let tooLong = try await env.send(.GET, "/api/v1/kb/search?q=\(String(repeating: "a", count: 101))", token: h.nurse.token)
            #expect(tooLong.status == .badRequest)
            let nul = try await env.send(.GET, "/api/v1/kb/suggest?q=%C3%A5%C3%94%00%29%C2%8DQ%F4%81%96%ABey", token: h.nurse.token)
            #expect(nul.status == .ok) // found by fuzzing: a NUL once ended the SQL statement
            // Suggestions for a sentence being typed.
            let suggest = try await env.send(.GET, "/api/v1/kb/suggest?q=\("HIS登录失败怎么办".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                                             token: h.nurse.token).content.decode(KBSearchResultDTO.self)
            #expect(suggest.items.first?.id == login.id)
            // Zero-result searches are listed for the owners.
            let stats = try await env.send(.GET, "/api/v1/kb/stats", token: h.lead.token).content.decode(KnowledgeController.Stats.self)
            #expect(stats.zeroResults.contains { $0.query == "不存在的内容" })
            #expect(try await env.send(.GET, "/api/v1/kb/stats", token: h.nurse.token).status == .forbidden)
        }
    }

    @Test("Markdown is rendered without raw HTML, javascript: links or event handlers")
    func xss() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let evil = try await h.publish("<img src=x onerror=alert(1)>标题", """
                <script>alert('x')</script>
                [点我](javascript:alert(1)) ![图](x" onerror="alert(2)) <a href="javascript:alert(3)">链接</a>
                <svg onload=alert(4)>
                """)
            let browser = Browser(env)
            try await browser.signInFresh("hushi")
            let page = try await browser.get("/kb/articles/\(evil.id)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(!html.contains("<script>alert"))
            #expect(!html.contains("<img src=x"))
            #expect(!html.lowercased().contains("href=\"javascript:"))
            #expect(!html.contains("<svg onload"))
            #expect(!html.contains(" onerror=\"alert"))
            #expect(html.contains("&lt;script&gt;"))
        }
    }

    @Test("a resolved ticket becomes a draft with patient data replaced; the reviewer sees each replacement, masked")
    func fromTicket() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "患者张三的检验报告打印不出", extra: [
                "description": "3床患者张三（住院号：2026012345，身份证号 110101199003074514）的检验报告无法打印，家属电话 13812345678。"])
            _ = try await h.act(t, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            _ = try await h.act(t, h.engineer.token, ["action": "start"])
            #expect(try await env.send(.POST, "/api/v1/kb/articles/from-ticket/\(t.id)", token: h.engineer.token).status == .conflict)
            _ = try await h.act(t, h.engineer.token, ["action": "resolve", "resolution": "LIS 打印模板损坏，重新下发模板后可打印。"])
            #expect(try await env.send(.POST, "/api/v1/kb/articles/from-ticket/\(t.id)", token: h.nurse.token).status == .forbidden)
            // Agents find how resolved tickets were solved — within the tickets they may see.
            let q = "打印模板".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let solutions = try await env.send(.GET, "/api/v1/kb/ticket-solutions?q=\(q)", token: h.engineer.token).content.decode([TicketSolutionDTO].self)
            #expect(solutions.map(\.number) == [t.number])
            #expect(solutions.first?.snippet.contains("<mark>打印模板</mark>") == true)
            #expect(try await env.send(.GET, "/api/v1/kb/ticket-solutions?q=\(q)", token: h.logisticsEngineer.token).content.decode([TicketSolutionDTO].self).isEmpty)
            #expect(try await env.send(.GET, "/api/v1/kb/ticket-solutions?q=\(q)", token: h.nurse.token).status == .forbidden)
            let res = try await env.send(.POST, "/api/v1/kb/articles/from-ticket/\(t.id)", token: h.engineer.token)
            #expect(res.status == .created, "\(res.body.string)")
            let draft = try res.content.decode(KBArticleDTO.self)
            for secret in ["张三", "2026012345", "110101199003074514", "13812345678"] {
                #expect(!draft.title.contains(secret) && !draft.body.contains(secret), "\(secret) leaked")
                #expect(!(draft.redactions ?? []).contains { $0.original.contains(secret) }, "\(secret) kept in the redactions")
            }
            #expect(draft.body.contains("LIS 打印模板损坏"))
            #expect(draft.status == "draft" && draft.visibility == "internal" && draft.sourceTicketId == t.id)
            let kinds = Set((draft.redactions ?? []).map(\.kind))
            #expect(kinds.isSuperset(of: [.patientName, .medicalRecordNumber, .residentId, .mobile]))
            #expect((draft.redactions ?? []).contains { $0.kind == .mobile && $0.original == "1＊＊＊＊＊＊＊＊＊8" })
            // The reviewer's page highlights the replacements.
            let browser = Browser(env)
            try await browser.signInFresh("zuzhang")
            let page = try await browser.get("/kb/articles/\(draft.id)")
            #expect(page.body.string.contains("脱敏复核") && page.body.string.contains("<mark class=\"pii\">"))
        }
    }

    @Test("feedback once per reader (changeable), self-solved counts")
    func feedback() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await h.publish("Wi-Fi 连接不上", "忘记网络后重新连接。")
            _ = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/feedback", token: h.nurse.token, json: ["helpful": true])
            _ = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/feedback", token: h.nurse.token, json: ["helpful": true])
            _ = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/feedback", token: h.otherNurse.token, json: ["helpful": true])
            let changed = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/feedback", token: h.otherNurse.token, json: ["helpful": false])
            let counts = try changed.content.decode(KBArticleDTO.self)
            #expect(counts.helpful == 1 && counts.notHelpful == 1)
            let solved = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/solved", token: h.nurse.token)
            #expect(try solved.content.decode(KBArticleDTO.self).solved == 1)
            #expect(try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/feedback", token: h.nurse.token, json: ["helpful": "maybe"]).status.code / 100 == 4)
        }
    }

    @Test("the external listener serves only public published articles and knowledge search; nothing else, no credentials")
    func externalListener() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let pub = try await h.publish("外网可见：VPN 使用说明", "下载客户端后使用工号登录。")
            let internalOne = try await h.publish("内网：VPN 服务器维护", "服务器位于机房 A 区。", visibility: "internal")
            let port = try #require(try await ExternalListener.start(env.app, port: 0).split(separator: ":").last.flatMap { Int($0) })
            func get(_ path: String, token: String? = nil) async throws -> ClientResponse {
                var headers = HTTPHeaders()
                if let token { headers.bearerAuthorization = .init(token: token) }
                return try await env.app.client.get(URI(string: "http://127.0.0.1:\(port)\(path)"), headers: headers)
            }
            #expect(try await get("/api/v1/kb/articles/\(pub.id)").status == .ok)
            #expect(try await get("/api/v1/kb/articles/\(internalOne.id)").status == .notFound)
            // Even with a staff token: credentials are not read there.
            #expect(try await get("/api/v1/kb/articles/\(internalOne.id)", token: h.lead.token).status == .notFound)
            let search = try await get("/api/v1/kb/search?q=VPN").content.decode(KBSearchResultDTO.self)
            #expect(search.items.map(\.id) == [pub.id])
            for path in ["/api/v1/tickets", "/api/v1/users", "/desk", "/admin/channels", "/api/v1/kb/articles/\(pub.id)/versions", "/login", "/audit"] {
                #expect(try await get(path, token: h.lead.token).status == .notFound, "\(path)")
            }
            let post = try await env.app.client.post(URI(string: "http://127.0.0.1:\(port)/api/v1/kb/articles/\(pub.id)/feedback")) { req in
                try req.content.encode(["helpful": true])
            }
            #expect(post.status == .notFound)
            let page = try await get("/kb?q=VPN")
            #expect(page.status == .ok)
            let html = page.body.map { String(buffer: $0) } ?? ""
            #expect(html.contains("VPN 使用说明") && !html.contains("服务器维护"))
            // The internal listener still serves everything.
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(internalOne.id)", token: h.lead.token).status == .ok)
        }
    }
}

@Suite("Knowledge attachments")
struct KnowledgeAttachmentTests {
    @Test("editors attach images and files; readers of the article download them safely; the external listener only those of public articles")
    func attachments() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let pub = try await h.publish("打印机驱动安装", "步骤见截图。")
            let internalOne = try await h.publish("机房巡检记录表", "见附件。", visibility: "internal")
            func upload(_ article: KBArticleDTO, _ token: String, _ name: String, _ bytes: [UInt8]) async throws -> TestingHTTPResponse {
                let (type, body) = TicketCollaborationTests.multipart(name, bytes)
                return try await env.app.testing().sendRequest(.POST, "/api/v1/kb/articles/\(article.id)/attachments",
                                                               headers: ["Authorization": "Bearer \(token)", "Content-Type": type], body: body)
            }
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
            let res = try await upload(pub, h.engineer.token, "驱动截图.png", png)
            #expect(res.status == .created, "\(res.body.string)")
            let image = try res.content.decode(KBAttachmentDTO.self)
            #expect(image.contentType == "image/png" && image.size == 108 && image.url == "/kb/articles/\(pub.id)/attachments/\(image.id)")
            #expect(try await upload(pub, h.nurse.token, "x.png", png).status == .forbidden)
            #expect(try await upload(pub, h.engineer.token, "x.exe", [0x4D, 0x5A, 0x90, 0x00, 0xFF]).status == .unsupportedMediaType)
            let html = try await upload(internalOne, h.engineer.token, "evil.html", Array("<script>alert(1)</script>".utf8))
            let text = try html.content.decode(KBAttachmentDTO.self)
            #expect(text.contentType == "text/plain; charset=utf-8")
            let listed = try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)/attachments", token: h.nurse.token).content.decode([KBAttachmentDTO].self)
            #expect(listed.map(\.id) == [image.id])
            // Downloads: through the page route, with the safe headers.
            let browser = Browser(env)
            try await browser.signInFresh("hushi")
            let got = try await browser.get(image.url)
            #expect(got.status == .ok && got.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(got.headers.first(name: "Content-Disposition")?.hasPrefix("inline") == true)
            #expect(try await browser.get(text.url).status == .notFound) // a reporter may not read the internal article
            // The external listener: the public article's image, not the internal article's file.
            let port = try #require(try await ExternalListener.start(env.app, port: 0).split(separator: ":").last.flatMap { Int($0) })
            let outside = try await env.app.client.get(URI(string: "http://127.0.0.1:\(port)\(image.url)"))
            #expect(outside.status == .ok && outside.headers.first(name: "Content-Security-Policy") == "sandbox; default-src 'none'")
            #expect(try await env.app.client.get(URI(string: "http://127.0.0.1:\(port)\(text.url)")).status == .notFound)
        }
    }
}

import YiweiText
import ZIPFoundation

@Suite("Knowledge import and export (ZIP of Markdown)")
struct KnowledgeTransferTests {
    static func zip(_ files: [(String, String)]) throws -> ByteBuffer {
        let archive = try Archive(data: Data(), accessMode: .create, pathEncoding: nil)
        for (name, text) in files {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return ByteBuffer(data: archive.data ?? Data())
    }

    static func upload(_ env: TestEnv, _ token: String, _ zip: ByteBuffer) async throws -> TestingHTTPResponse {
        let boundary = "----yiwei-zip"
        var buffer = ByteBuffer()
        buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kb.zip\"\r\nContent-Type: application/zip\r\n\r\n")
        var zip = zip
        buffer.writeBuffer(&zip)
        buffer.writeString("\r\n--\(boundary)--\r\n")
        return try await env.app.testing().sendRequest(.POST, "/api/v1/kb/import",
                                                       headers: ["Authorization": "Bearer \(token)", "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                                       body: buffer)
    }

    @Test("export → import is a round trip; a changed article comes back as a new version; plain Markdown files import as drafts; bad archives import nothing")
    func roundTrip() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await h.publish("HIS 登录失败的处理", "## 解决方法\n\n1. 检查大小写\n2. 重置密码", tags: ["HIS", "登录"])
            let b = try await h.publish("内网：备份策略", "每日 02:00 全量备份。", visibility: "internal")
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 1, count: 40)
            let (type, body) = TicketCollaborationTests.multipart("截图.png", png)
            let attached = try await env.app.testing().sendRequest(.POST, "/api/v1/kb/articles/\(a.id)/attachments",
                                                                   headers: ["Authorization": "Bearer \(h.engineer.token)", "Content-Type": type], body: body)
            #expect(attached.status == .created)
            #expect(try await env.send(.GET, "/api/v1/kb/export", token: h.nurse.token).status == .forbidden)
            let exported = try await env.send(.GET, "/api/v1/kb/export", token: h.lead.token)
            #expect(exported.status == .ok && exported.headers.contentType == .zip)
            let archive = try Archive(data: Data(buffer: exported.body), accessMode: .read, pathEncoding: nil)
            let names = Set(archive.map(\.path))
            #expect(names.contains("manifest.json") && names.contains("articles/\(a.id).md") && names.contains("articles/\(b.id).md"))
            #expect(names.contains { $0.hasPrefix("attachments/\(a.id)/") && $0.hasSuffix("/截图.png") })
            var text = Data()
            _ = try archive.extract(try #require(archive["articles/\(a.id).md"])) { text.append($0) }
            let markdown = String(decoding: text, as: UTF8.self)
            #expect(markdown.hasPrefix("---\nid: \"\(a.id.uuidString)\"\ntitle: \"HIS 登录失败的处理\"\n"))
            #expect(markdown.contains("tags: [\"HIS\",\"登录\"]") && markdown.contains("visibility: \"public\"") && markdown.contains("owner: \"liming\""))
            #expect(markdown.hasSuffix("---\n## 解决方法\n\n1. 检查大小写\n2. 重置密码"))

            // The same archive again: nothing changes.
            let same = try await Self.upload(env, h.lead.token, exported.body)
            #expect(same.status == .ok, "\(same.body.string)")
            #expect(try same.content.decode(KnowledgeTransfer.ImportResult.self) == .init(created: 0, updated: 0, unchanged: 2, attachments: 0))
            // Edited since (by a lead, directly): importing the export brings the exported text back as version 3.
            _ = try await env.send(.PATCH, "/api/v1/kb/articles/\(a.id)", token: h.lead.token, json: ["body": "改过的正文"])
            let back = try await Self.upload(env, h.lead.token, exported.body)
            #expect(try back.content.decode(KnowledgeTransfer.ImportResult.self) == .init(created: 0, updated: 1, unchanged: 1, attachments: 0))
            let restored = try await env.send(.GET, "/api/v1/kb/articles/\(a.id)", token: h.lead.token).content.decode(KBArticleDTO.self)
            #expect(restored.version == 3 && restored.body == "## 解决方法\n\n1. 检查大小写\n2. 重置密码" && restored.tags == ["HIS", "登录"])

            // Plain Markdown (no front matter): the first heading is the title; it arrives as a draft.
            let plain = try await Self.upload(env, h.lead.token, try Self.zip([("旧知识库/打印机卡纸.md", "# 打印机卡纸处理\n\n打开上盖取出卡纸。")]))
            #expect(try plain.content.decode(KnowledgeTransfer.ImportResult.self).created == 1)
            let drafts = try await env.send(.GET, "/api/v1/kb/articles?status=draft", token: h.lead.token).content.decode(Page<KBArticleDTO>.self)
            #expect(drafts.items.map(\.title) == ["打印机卡纸处理"])

            // All or nothing: one bad article, nothing imported; garbage is not a ZIP; reporters may not import.
            let count = try await env.send(.GET, "/api/v1/kb/articles?status=draft", token: h.lead.token).content.decode(Page<KBArticleDTO>.self).total
            let bad = try await Self.upload(env, h.lead.token, try Self.zip([("a.md", "# 好的\n\n正文"), ("b.md", "---\ntitle: \"空正文\"\n---\n")]))
            #expect(bad.status == .unprocessableEntity && (bad.errorFields["file"] ?? "").hasPrefix("b.md"))
            #expect(try await env.send(.GET, "/api/v1/kb/articles?status=draft", token: h.lead.token).content.decode(Page<KBArticleDTO>.self).total == count)
            #expect(try await Self.upload(env, h.lead.token, ByteBuffer(string: "not a zip")).status == .unprocessableEntity)
            #expect(try await Self.upload(env, h.nurse.token, try Self.zip([("a.md", "# x\n\ny")])).status == .forbidden)
        }
    }
}

@Suite("Knowledge categories")
struct KnowledgeCategoryTests {
    @Test("leads and admins build the tree; a category filter covers the categories below it")
    func tree() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let parent = try await env.send(.POST, "/api/v1/kb/categories", token: h.lead.token, json: ["name": "终端与外设", "kind": "problem"])
            #expect(parent.status == .created)
            let parentId = try parent.content.decode(KBCategoryDTO.self).id
            let child = try await env.send(.POST, "/api/v1/kb/categories", token: h.admin, json: ["name": "打印机", "kind": "problem", "parentId": parentId.uuidString])
            let childId = try child.content.decode(KBCategoryDTO.self).id
            #expect(try await env.send(.POST, "/api/v1/kb/categories", token: h.engineer.token, json: ["name": "x"]).status == .forbidden)
            let bad = try await env.send(.POST, "/api/v1/kb/categories", token: h.lead.token, json: ["name": "", "kind": "colour", "parentId": UUID().uuidString])
            #expect(Set(bad.errorFields.keys) == ["name", "kind", "parentId"])
            struct Body: Encodable { var title: String; var body: String; var visibility = "public"; var categoryId: String }
            let created = try await env.send(.POST, "/api/v1/kb/articles", token: h.lead.token,
                                             json: Body(title: "票据打印机卡纸", body: "打开上盖取出卡纸。", categoryId: childId.uuidString))
            let id = try created.content.decode(KBArticleDTO.self).id
            _ = try await env.send(.POST, "/api/v1/kb/articles/\(id)/actions", token: h.lead.token, json: ["action": "publish"])
            let found = try await env.send(.GET, "/api/v1/kb/search?q=%E5%8D%A1%E7%BA%B8&categoryId=\(parentId)", token: h.nurse.token)
                .content.decode(KBSearchResultDTO.self)
            #expect(found.items.map(\.id) == [id])
            let browser = Browser(env)
            try await browser.signInFresh("zuzhang")
            let page = try await browser.get("/kb/categories")
            #expect(page.status == .ok && page.body.string.contains("终端与外设 / 打印机"))
        }
    }
}
