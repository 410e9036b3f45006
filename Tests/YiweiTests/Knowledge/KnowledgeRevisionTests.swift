import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import Yiwei
@testable import YiweiCore

/// Security finding 1 (KB-2, KB-3): a published article is changed only through a revision a reviewer approves,
/// and only a reviewer makes an article public (the extranet).
@Suite("Knowledge revisions: published articles change through review; public is a reviewer's decision")
struct KnowledgeRevisionTests {
    struct Patch: Encodable, Sendable {
        var title: String? = nil
        var body: String? = nil
        var visibility: String? = nil
        var tags: [String]? = nil
        var note: String? = nil
        var restoreVersion: Int? = nil
    }

    /// Written by the engineer (owner) for the vendor's team, published by the lead.
    static func published(_ h: Hospital, _ title: String, _ body: String, visibility: String) async throws -> KBArticleDTO {
        let env = h.env
        let created = try await env.send(.POST, "/api/v1/kb/articles", token: h.engineer.token,
                                         json: ArticleBody(title: title, body: body, visibility: "internal", teamId: h.vendorTeam.uuidString))
        try #require(created.status == .created, "\(created.body.string)")
        let id = try created.content.decode(KBArticleDTO.self).id
        if visibility == "public" {
            try #require(try await env.send(.PATCH, "/api/v1/kb/articles/\(id)", token: h.lead.token, json: ["visibility": "public"]).status == .ok)
        }
        let published = try await env.send(.POST, "/api/v1/kb/articles/\(id)/actions", token: h.lead.token, json: ["action": "publish"])
        try #require(published.status == .ok, "\(published.body.string)")
        return try published.content.decode(KBArticleDTO.self)
    }

    static func audits(_ env: TestEnv, _ action: String, like: String = "%") async throws -> Int {
        try await env.db.raw("SELECT count(*) AS n FROM audit_log WHERE action = \(bind: action) AND (entity_id LIKE \(bind: like) OR after LIKE \(bind: like))")
            .first()!.decode(column: "n", as: Int.self)
    }

    static func outside(_ env: TestEnv, _ port: Int, _ path: String) async throws -> ClientResponse {
        try await env.app.client.get(URI(string: "http://127.0.0.1:\(port)\(path)"))
    }

    @Test("the finding's probe: the owner and a vendor engineer of the team PATCH visibility public and a new body — refused, or held for review; readers, search and the extranet keep the published text until a lead approves")
    func probe() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let port = try #require(try await ExternalListener.start(env.app, port: 0).split(separator: ":").last.flatMap { Int($0) })
            let oldBody = "内网：HIS 服务器位于机房 A 区，重启前通知信息科。"
            let newBody = "外网发布：远程桌面口令见附件。"
            let probe = Patch(body: newBody, visibility: "public")

            // An internal article: making it public is a lead's decision — 403 for the owner and the vendor, audited once each.
            let internalOne = try await Self.published(h, "HIS 服务器重启流程", oldBody, visibility: "internal")
            for token in [h.engineer.token, h.vendorEngineer.token] {
                let res = try await env.send(.PATCH, "/api/v1/kb/articles/\(internalOne.id)", token: token, json: probe)
                #expect(res.status == .forbidden && res.errorCode == "forbidden", "\(res.status) \(res.body.string)")
            }
            #expect(try await Self.audits(env, "permission.denied", like: "%\(internalOne.id)%") == 2)
            #expect(try await env.count("kb_article_revisions") == 0)
            let still = try await env.send(.GET, "/api/v1/kb/articles/\(internalOne.id)", token: h.lead.token).content.decode(KBArticleDTO.self)
            #expect(still.visibility == "internal" && still.body == oldBody && still.status == "published" && still.pendingRevision == nil)
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(internalOne.id)", token: h.nurse.token).status == .notFound)
            #expect(try await Self.outside(env, port, "/api/v1/kb/articles/\(internalOne.id)").status == .notFound)

            // A public article: the same PATCH keeps it public (not "setting" it) and becomes a pending revision — 202.
            let pub = try await Self.published(h, "VPN 使用说明", "下载客户端后使用工号登录。", visibility: "public")
            let byVendor = try await env.send(.PATCH, "/api/v1/kb/articles/\(pub.id)", token: h.vendorEngineer.token, json: probe)
            #expect(byVendor.status == .accepted, "\(byVendor.body.string)")
            let held = try byVendor.content.decode(KBArticleDTO.self)
            #expect(held.body == "下载客户端后使用工号登录。" && held.version == 1 && held.status == "published")
            let revision = try #require(held.pendingRevision)
            #expect(revision.body == newBody && revision.authorId == h.vendorEngineer.id && revision.status == "pending" && revision.changes == ["body"])
            // A second edit (the owner's) updates the one pending revision.
            let byOwner = try await env.send(.PATCH, "/api/v1/kb/articles/\(pub.id)", token: h.engineer.token,
                                             json: Patch(body: "下载客户端后使用工号和动态口令登录。", note: "补充动态口令"))
            #expect(byOwner.status == .accepted)
            let updated = try #require(try byOwner.content.decode(KBArticleDTO.self).pendingRevision)
            #expect(updated.id == revision.id && updated.authorId == h.vendorEngineer.id && updated.editorId == h.engineer.id)
            #expect(try await env.count("kb_article_revisions") == 1)

            // Readers, search and the external listener: the published text.
            let read = try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)", token: h.nurse.token).content.decode(KBArticleDTO.self)
            #expect(read.body == "下载客户端后使用工号登录。" && read.pendingRevision == nil)
            let outsideRead = try await Self.outside(env, port, "/api/v1/kb/articles/\(pub.id)").content.decode(KBArticleDTO.self)
            #expect(outsideRead.body == "下载客户端后使用工号登录。" && outsideRead.pendingRevision == nil)
            #expect(try await h.search("动态口令", h.nurse.token).total == 0)
            #expect(try await Self.outside(env, port, "/api/v1/kb/articles/\(pub.id)/revision").status == .notFound)
            // Maintainers and reviewers see that a revision is pending, and its diff; a reporter may not.
            let forOwner = try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)", token: h.engineer.token).content.decode(KBArticleDTO.self)
            #expect(forOwner.pendingRevision?.id == revision.id)
            let diff = try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)/revision", token: h.lead.token).content.decode(KBRevisionDiffDTO.self)
            #expect(diff.publishedVersion == 1 && diff.revision.note == "补充动态口令")
            #expect(diff.comparison.lines.filter { $0.operation == .delete }.map(\.text) == ["下载客户端后使用工号登录。"])
            #expect(diff.comparison.lines.filter { $0.operation == .insert }.map(\.text) == ["下载客户端后使用工号和动态口令登录。"])
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)/revision", token: h.nurse.token).status == .forbidden)
            // Neither the vendor nor the owner approves their own change.
            for token in [h.vendorEngineer.token, h.engineer.token] {
                #expect(try await env.send(.POST, "/api/v1/kb/articles/\(pub.id)/actions", token: token, json: ["action": "approve_revision"]).status == .forbidden)
            }

            // The lead approves: version 2, read everywhere, found by search, in the history, audited.
            let approved = try await env.send(.POST, "/api/v1/kb/articles/\(pub.id)/actions", token: h.lead.token, json: ["action": "approve_revision"])
            #expect(approved.status == .ok, "\(approved.body.string)")
            let after = try approved.content.decode(KBArticleDTO.self)
            #expect(after.version == 2 && after.body == "下载客户端后使用工号和动态口令登录。" && after.reviewerId == h.lead.id)
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)", token: h.nurse.token).content.decode(KBArticleDTO.self).body == after.body)
            #expect(try await Self.outside(env, port, "/api/v1/kb/articles/\(pub.id)").content.decode(KBArticleDTO.self).body == after.body)
            #expect(try await h.search("动态口令", h.nurse.token).items.map(\.id) == [pub.id])
            let versions = try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)/versions", token: h.lead.token).content.decode([KBVersionDTO].self)
            #expect(versions.map(\.version) == [2, 1] && versions[0].note == "补充动态口令" && versions[0].editorId == h.vendorEngineer.id)
            let revisions = try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)/revisions", token: h.engineer.token).content.decode([KBRevisionDTO].self)
            #expect(revisions.map(\.status) == ["approved"] && revisions[0].decidedBy == h.lead.id && revisions[0].version == 2)
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)/revision", token: h.lead.token).status == .notFound)
            #expect(try await Self.audits(env, "kb.revision_propose") == 1)
            #expect(try await Self.audits(env, "kb.revision_update") == 1)
            #expect(try await Self.audits(env, "kb.approve_revision", like: "%\(revision.id)%") == 1)
        }
    }

    @Test("a rejected revision (with a reason) leaves the published text; deciding needs a pending revision and a reviewer")
    func reject() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await Self.published(h, "打印机脱机处理", "重启打印服务。", visibility: "public")
            let proposed = try await env.send(.PATCH, "/api/v1/kb/articles/\(a.id)", token: h.engineer.token,
                                              json: Patch(title: "打印机脱机（新）", body: "拔掉网线。", tags: ["打印机"]))
            #expect(proposed.status == .accepted)
            #expect(try proposed.content.decode(KBArticleDTO.self).pendingRevision?.changes == ["title", "body", "tags"])
            let noReason = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/actions", token: h.lead.token, json: ["action": "reject_revision"])
            #expect(noReason.status == .unprocessableEntity && noReason.errorFields["reason"] != nil)
            #expect(try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/actions", token: h.vendorEngineer.token,
                                       json: ["action": "reject_revision", "reason": "x"]).status == .forbidden)
            let rejected = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/actions", token: h.lead.token,
                                              json: ["action": "reject_revision", "reason": "拔网线不能解决脱机，请写清原因"])
            #expect(rejected.status == .ok, "\(rejected.body.string)")
            let read = try await env.send(.GET, "/api/v1/kb/articles/\(a.id)", token: h.nurse.token).content.decode(KBArticleDTO.self)
            #expect(read.title == "打印机脱机处理" && read.body == "重启打印服务。" && read.tags.isEmpty && read.version == 1)
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(a.id)", token: h.engineer.token).content.decode(KBArticleDTO.self).pendingRevision == nil)
            #expect(try await h.search("拔掉网线", h.lead.token).total == 0)
            for action in ["reject_revision", "approve_revision"] {
                let again = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/actions", token: h.lead.token, json: ["action": action, "reason": "再次"])
                #expect(again.status == .conflict && again.errorCode == "no_pending_revision")
            }
            // A new edit after the rejection is a new revision; the rejected one stays in the history with its reason.
            env.clock.advance(by: 60)
            #expect(try await env.send(.PATCH, "/api/v1/kb/articles/\(a.id)", token: h.engineer.token, json: Patch(body: "重启 Print Spooler 服务。")).status == .accepted)
            let revisions = try await env.send(.GET, "/api/v1/kb/articles/\(a.id)/revisions", token: h.auditor.token).content.decode([KBRevisionDTO].self)
            #expect(revisions.map(\.status) == ["pending", "rejected"])
            #expect(revisions[1].reason == "拔网线不能解决脱机，请写清原因" && revisions[1].decidedBy == h.lead.id)
            #expect(try await Self.audits(env, "kb.reject_revision", like: "%拔网线不能解决脱机%") == 1)
            let versions = try await env.send(.GET, "/api/v1/kb/articles/\(a.id)/versions", token: h.lead.token).content.decode([KBVersionDTO].self)
            #expect(versions.map(\.version) == [1])
        }
    }

    @Test("bad input gets 4xx in the error shape and stores no revision; an edit that changes nothing is not a revision")
    func badInput() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await Self.published(h, "打印机脱机处理", "重启打印服务。", visibility: "internal")
            let auditsBefore = try await env.count("audit_log")
            let cases: [(Patch, String)] = [
                (Patch(title: ""), "title"), (Patch(body: "  "), "body"), (Patch(visibility: "secret"), "visibility"),
                (Patch(tags: [String(repeating: "长", count: 21)]), "tags"),
                (Patch(note: String(repeating: "注", count: 201)), "note"), (Patch(restoreVersion: 9), "restoreVersion"),
            ]
            for (patch, field) in cases {
                let res = try await env.send(.PATCH, "/api/v1/kb/articles/\(a.id)", token: h.engineer.token, json: patch)
                #expect(res.status == .unprocessableEntity && res.errorFields[field] != nil, "\(field): \(res.status) \(res.body.string)")
            }
            let malformed = try await env.send(.PATCH, "/api/v1/kb/articles/\(a.id)", token: h.engineer.token, raw: #"{"body": 3"#)
            #expect(malformed.status == .badRequest && malformed.errorCode != nil)
            #expect(try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/actions", token: h.lead.token,
                                       json: ["action": "approve_revision"]).errorCode == "no_pending_revision")
            let same = try await env.send(.PATCH, "/api/v1/kb/articles/\(a.id)", token: h.engineer.token, json: Patch(title: "打印机脱机处理", body: "重启打印服务。"))
            #expect(same.status == .ok)
            #expect(try same.content.decode(KBArticleDTO.self).pendingRevision == nil)
            #expect(try await env.count("kb_article_revisions") == 0)
            #expect(try await env.count("audit_log") == auditsBefore)
            let long = try await env.send(.PATCH, "/api/v1/kb/articles/\(a.id)", token: h.engineer.token, json: Patch(body: "改"))
            #expect(long.status == .accepted)
            let tooLong = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/actions", token: h.lead.token,
                                             json: ["action": "reject_revision", "reason": String(repeating: "因", count: 201)])
            #expect(tooLong.status == .unprocessableEntity && tooLong.errorFields["reason"] != nil)
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(a.id)/revision", token: h.engineer.token).status == .ok)
        }
    }

    @Test("reviewers edit published articles directly and alone make an article public, on create, edit and revision")
    func reviewers() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await Self.published(h, "打印机脱机处理", "重启打印服务。", visibility: "internal")
            let direct = try await env.send(.PATCH, "/api/v1/kb/articles/\(a.id)", token: h.lead.token, json: Patch(body: "重启 Print Spooler 服务。", visibility: "public"))
            #expect(direct.status == .ok)
            let article = try direct.content.decode(KBArticleDTO.self)
            #expect(article.version == 2 && article.visibility == "public" && article.pendingRevision == nil)
            #expect(try await env.count("kb_article_revisions") == 0)
            // Create: public only for reviewers; the vendor never.
            for token in [h.engineer.token, h.vendorEngineer.token, h.dispatcher.token] {
                let res = try await env.send(.POST, "/api/v1/kb/articles", token: token, json: ArticleBody(title: "外网说明", body: "正文"))
                #expect(res.status == .forbidden)
            }
            #expect(try await env.send(.POST, "/api/v1/kb/articles", token: h.lead.token, json: ArticleBody(title: "外网说明", body: "正文")).status == .created)
            // A draft: the owner edits it directly, but not to public.
            let draft = try await env.send(.POST, "/api/v1/kb/articles", token: h.vendorEngineer.token,
                                           json: ArticleBody(title: "驻场值班表", body: "周一至周五", visibility: "internal")).content.decode(KBArticleDTO.self)
            #expect(try await env.send(.PATCH, "/api/v1/kb/articles/\(draft.id)", token: h.vendorEngineer.token, json: Patch(visibility: "public")).status == .forbidden)
            #expect(try await env.send(.PATCH, "/api/v1/kb/articles/\(draft.id)", token: h.vendorEngineer.token, json: Patch(body: "周一至周六")).status == .ok)
            #expect(try await Self.audits(env, "permission.denied", like: "%reviewKnowledge%") == 4)
            // A revision to an internal published article cannot propose public either.
            let internalOne = try await Self.published(h, "机房巡检", "每日两次。", visibility: "internal")
            #expect(try await env.send(.PATCH, "/api/v1/kb/articles/\(internalOne.id)", token: h.engineer.token,
                                       json: Patch(visibility: "public")).status == .forbidden)
            #expect(try await env.count("kb_article_revisions") == 0)
        }
    }

    @Test("pages: the editor says the change goes to review and offers no 公开; the article shows 「有待审核的修订」 with its diff; the lead approves there")
    func pages() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await Self.published(h, "打印机脱机处理", "重启打印服务。", visibility: "internal")
            let engineer = Browser(env)
            _ = try await engineer.signIn("liming", "Test#Pass2026")
            let form = try await engineer.get("/kb/articles/\(a.id)/edit")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("您的修改将作为修订提交组长审核"))
            #expect(!form.body.string.contains(#"<option value="public""#))
            let saved = try await engineer.post("/kb/articles/\(a.id)/edit", [("title", "打印机脱机处理"), ("body", "重启 Print Spooler 服务。"),
                                                                             ("visibility", "internal"), ("teamId", h.vendorTeam.uuidString),
                                                                             ("note", "写清服务名")])
            #expect(saved.status.code / 100 == 3)
            #expect(try await env.count("kb_article_revisions") == 1)
            let held = try await env.send(.GET, "/api/v1/kb/articles/\(a.id)", token: h.lead.token).content.decode(KBArticleDTO.self)
            #expect(held.body == "重启打印服务。" && held.pendingRevision?.changes == ["body"])
            let again = try await engineer.get("/kb/articles/\(a.id)/edit")
            #expect(again.body.string.contains("已有待审核的修订") && again.body.string.contains("重启 Print Spooler 服务。"))
            let ownView = try await engineer.get("/kb/articles/\(a.id)")
            #expect(ownView.body.string.contains("有待审核的修订") && ownView.body.string.contains("/kb/articles/\(a.id)/revision"))
            #expect(!ownView.body.string.contains("approve_revision"))

            let lead = Browser(env)
            _ = try await lead.signIn("zuzhang", "Test#Pass2026")
            #expect(try await lead.get("/kb").body.string.contains("/kb/articles/\(a.id)/revision"))
            let page = try await lead.get("/kb/articles/\(a.id)")
            #expect(page.body.string.contains("有待审核的修订") && page.body.string.contains("approve_revision"))
            #expect(page.body.string.contains("重启打印服务。") && !page.body.string.contains("重启 Print Spooler"))
            let diff = try await lead.get("/kb/articles/\(a.id)/revision")
            #expect(diff.status == .ok && diff.body.string.contains("diff-insert") && diff.body.string.contains("写清服务名"))
            #expect(try await lead.post("/kb/articles/\(a.id)/action", [("action", "approve_revision")]).status.code / 100 == 3)
            let history = try await lead.get("/kb/articles/\(a.id)/history")
            #expect(history.body.string.contains("修订审核记录") && history.body.string.contains("已通过"))
            let read = try await env.send(.GET, "/api/v1/kb/articles/\(a.id)", token: h.dispatcher.token).content.decode(KBArticleDTO.self)
            #expect(read.body == "重启 Print Spooler 服务。" && read.version == 2)

            let nurse = Browser(env)
            _ = try await nurse.signIn("hushi", "Test#Pass2026")
            #expect(try await nurse.get("/kb/articles/\(a.id)/revision").status == .notFound)
        }
    }
}
