import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Service desk pages: workbench, ticket page, portal, QR labels")
struct TicketPagesTests {
    /// Signs a user in through the browser; accounts made by the admin choose their own password first.
    func browser(_ env: TestEnv, _ username: String) async throws -> Browser {
        let b = Browser(env)
        _ = try await b.signIn(username, "Test#Pass2026")
        try await b.get("/account/password")
        _ = try await b.post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Mine#2026pw"), ("confirmPassword", "Mine#2026pw")])
        return b
    }

    @Test("the workbench shows the queues to engineers and refuses reporters")
    func desk() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let engineer = try await browser(env, "liming")
            let mine = try await engineer.get("/desk")
            #expect(mine.status == .ok)
            #expect(mine.body.string.contains("当前队列没有工单"))
            let unassigned = try await engineer.get("/desk?queue=unassigned")
            #expect(unassigned.body.string.contains(t.number))
            let search = try await engineer.get("/desk?queue=&q=" + "收费窗口".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(search.body.string.contains(t.number))
            // Thursday 08:30 is 13 h 24 min away from Wednesday 19:06:40 (rounded up to the minute).
            #expect(search.body.string.contains("剩余 13小时 24分"))
            // The rows are written in Swift (for speed) and escape what people type as the template does.
            let odd = try await h.report(title: "打印机<b>卡纸</b> & \"急\" 'A'")
            let rows = try await engineer.get("/desk?queue=unassigned").body.string
            #expect(rows.contains("<a href=\"/tickets/\(odd.id)\">打印机&lt;b&gt;卡纸&lt;/b&gt; &amp; &quot;急&quot; &#39;A&#39;</a>"))
            #expect(!rows.contains("<b>卡纸</b>"))
            #expect(rows.contains("<td data-label=\"编号\" class=\"num-cell\"><a href=\"/tickets/\(odd.id)\" class=\"mono\">\(odd.number)</a></td>"))
            #expect(rows.contains("<span class=\"badge prio-P3\">"))
            let nurse = try await browser(env, "hushi")
            #expect(try await nurse.get("/desk").status == .forbidden)
            // A reporter following a ticket link lands in the portal, which hides what staff write for staff.
            let redirect = try await nurse.get("/tickets/\(t.id)")
            #expect(redirect.headers.first(name: .location) == "/portal/tickets/\(t.id)")
        }
    }

    @Test("the workbench and the ticket page, written in Swift, sit in the shared layout and escape what people type")
    func swiftPages() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "CT<影像> & \"慢\"")
            let other = try await h.report(title: "另一张")
            let engineer = try await browser(env, "liming")
            try await engineer.get("/desk")
            let saved = try await engineer.post("/desk/filters", [("name", "夜班<急>&\"A\""), ("query", "queue=open&q=<x>")])
            #expect(saved.status == .seeOther)
            let desk = try await engineer.get("/desk?queue=open&q=" + "<x>\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            let body = desk.body.string
            #expect(desk.status == .ok)
            #expect(desk.headers.contentType == .html)
            // The layout: document head, the user menu, the sidebar, the footer.
            #expect(body.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>"))
            #expect(body.contains("<title>工单台 · 医维</title>"))
            #expect(body.contains("<span class=\"user-name\">测试liming</span>"))
            #expect(body.contains("<a href=\"/desk\" class=\"active\" aria-current=\"page\">"))
            #expect(body.hasSuffix("</main>\n</body>\n</html>\n"))
            // The queue page: the active tab, the saved filter's chip, the search box keeping what was typed.
            #expect(body.contains("<a href=\"/desk?queue=open\" class=\"active\" aria-current=\"page\">全部未关闭</a>"))
            #expect(body.contains("<a href=\"/desk?queue=open&amp;q=%3Cx%3E\">夜班&lt;急&gt;&amp;&quot;A&quot;</a>"))
            #expect(body.contains("<input type=\"search\" name=\"q\" value=\"&lt;x&gt;&quot;\" maxlength=\"100\" data-search>"))
            #expect(!body.contains("<x>") && !body.contains("夜班<急>"))
            let all = try await engineer.get("/desk?queue=open").body.string
            #expect(all.contains("<a href=\"/tickets/\(t.id)\">CT&lt;影像&gt; &amp; &quot;慢&quot;</a>"))

            // The ticket page: title, facts, a comment, a work log and a link, each escaped.
            try await engineer.get("/tickets/\(t.id)")
            #expect(try await engineer.post("/tickets/\(t.id)/comment", [("body", "换<b>硒鼓</b>")]).status == .seeOther)
            try await engineer.get("/tickets/\(t.id)")
            #expect(try await engineer.post("/tickets/\(t.id)/worklogs", [("minutes", "25"), ("note", "现场<检查>")]).status == .seeOther)
            try await engineer.get("/tickets/\(t.id)")
            #expect(try await engineer.post("/tickets/\(t.id)/links", [("type", "caused_by"), ("target", other.number)]).status == .seeOther)
            let page = try await engineer.get("/tickets/\(t.id)")
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("<title>\(t.number) CT&lt;影像&gt; &amp; &quot;慢&quot; · 医维</title>"))
            #expect(html.contains("<h1 class=\"page-title\">CT&lt;影像&gt; &amp; &quot;慢&quot;</h1>"))
            #expect(html.contains("<div class=\"ticket-head\" data-ticket=\"\(t.id)\" data-version=\""))
            #expect(html.contains("<dt>报修人</dt><dd>测试hushi</dd>"))
            #expect(html.contains("<p class=\"prewrap\">换&lt;b&gt;硒鼓&lt;/b&gt;</p>"))
            #expect(html.contains("<li><strong>测试liming</strong> 25 分钟 · 现场&lt;检查&gt; <span class=\"muted\">"))
            #expect(html.contains("<a href=\"/tickets/\(other.id)\" class=\"mono\">\(other.number)</a> 另一张 <span class=\"badge\">"))
            #expect(html.contains("<form method=\"post\" action=\"/tickets/\(t.id)/comment\" class=\"form comment-form\">"))
            #expect(html.contains("<ol class=\"timeline\">"))
            #expect(!html.contains("<b>硒鼓") && !html.contains("<检查>") && !html.contains("CT<影像>"))
            #expect(html.hasSuffix("</main>\n</body>\n</html>\n"))
        }
    }

    @Test("actions on the ticket page: a refused action keeps the page and says why in Chinese")
    func ticketPageActions() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let desk = try await browser(env, "desk")
            let page = try await desk.get("/tickets/\(t.id)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("门诊收费窗口打印机无法打印"))
            #expect(page.body.string.contains(#"value="accept""#))
            // The action forms (written in Swift): the dispatch form opens by itself, lists the team with the ticket's
            // team chosen, and carries the page's CSRF token; the cancel button is the dangerous one.
            let body = page.body.string
            #expect(body.contains(#"<details class="action-more" open>"#))
            #expect(body.contains(#"<option value="\#(h.itTeam)" selected>信息科运维组</option>"#))
            #expect(body.contains(#"<input type="hidden" name="action" value="assign">"#))
            #expect(body.contains(#"<button type="submit" class="button danger wide">撤销</button>"#) || body.contains(#"class="button danger wide""#))
            #expect(body.contains(#"<form method="post" action="/tickets/\#(t.id)/act" class="action-form">"#))
            #expect(body.contains(#"<li class="event-created"><p class="event-head"><strong>"#))
            // The SLA panel: response due Thursday 08:30 (reported off hours), with the rule spelled out.
            #expect(page.body.string.contains("响应时限"))
            #expect(page.body.string.contains("2026-11-19 08:30"))
            #expect(page.body.string.contains("非工作时间报修，适用非工作时间时限"))
            let noReason = try await desk.post("/tickets/\(t.id)/act", [("action", "pend"), ("reason", "")])
            #expect(noReason.status == .conflict) // a new ticket cannot be pended
            try await desk.get("/tickets/\(t.id)")
            let accepted = try await desk.post("/tickets/\(t.id)/act", [("action", "accept")])
            #expect(accepted.status == .seeOther)
            try await desk.get("/tickets/\(t.id)")
            let missing = try await desk.post("/tickets/\(t.id)/act", [("action", "pend"), ("reason", "")])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("原因：必填"))
            try await desk.get("/tickets/\(t.id)")
            _ = try await desk.post("/tickets/\(t.id)/comment", [("body", "<script>alert(1)</script>"), ("internal", "true")])
            let shown = try await desk.get("/tickets/\(t.id)")
            #expect(shown.body.string.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!shown.body.string.contains("<script>alert(1)"))
            // The timeline's internal entry is marked and its excerpt escaped too.
            #expect(shown.body.string.contains(#"<li class="event-comment internal">"#))
            let portal = try await browser(env, "hushi").get("/portal/tickets/\(t.id)")
            #expect(!portal.body.string.contains("alert(1)"))
        }
    }

    @Test("the portal: report with the three steps, see it, and the service desk logs a call")
    func portalAndCallForm() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let nurse = try await browser(env, "hushi")
            let form = try await nurse.get("/portal/new?location=" + "门诊楼3楼".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&via=qr")
            #expect(form.body.string.contains(#"value="门诊楼3楼""#))
            let missing = try await nurse.post("/portal/new", [("domain", "it"), ("title", ""), ("urgency", "operation"), ("impact", "individual"), ("location", "x"), ("channel", "qrcode")])
            #expect(missing.status == .unprocessableEntity)
            #expect(try await env.count("tickets") == 0)
            try await nurse.get("/portal/new")
            let created = try await nurse.post("/portal/new", [("domain", "logistics"), ("title", "病房卫生间漏水"), ("urgency", "operation"),
                                                               ("impact", "department"), ("location", "住院楼5楼"), ("channel", "qrcode")])
            #expect(created.status == .seeOther)
            let list = try await nurse.get("/portal")
            #expect(list.body.string.contains("病房卫生间漏水"))
            // Changing the password in the browser revoked the nurse's earlier API token.
            let token = try await env.login("hushi", "Mine#2026pw")
            let rows = try await env.send(.GET, "/api/v1/tickets", token: token).content.decode(Page<TicketRowDTO>.self)
            let ticket = try await env.send(.GET, "/api/v1/tickets/\(rows.items[0].id)", token: token).content.decode(TicketDTO.self)
            #expect(ticket.channel == "qrcode")
            #expect(ticket.location == "住院楼5楼")
            #expect(ticket.priority == "P3")

            let desk = try await browser(env, "desk")
            let call = try await desk.get("/desk/new")
            #expect(call.status == .ok)
            let logged = try await desk.post("/desk/new", [("reporterId", h.colleague.id.uuidString), ("domain", "it"), ("title", "电话报修：医保结算失败"),
                                                           ("description", ""), ("impact", "individual"), ("urgency", "clinical"), ("categoryId", ""),
                                                           ("businessSystemId", ""), ("departmentId", ""), ("location", ""), ("channel", "phone")])
            #expect(logged.status == .seeOther)
            let all = try await env.send(.GET, "/api/v1/tickets?q=" + "医保结算".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, token: h.lead.token)
                .content.decode(Page<TicketRowDTO>.self)
            let phoned = try await env.send(.GET, "/api/v1/tickets/\(all.items[0].id)", token: h.lead.token).content.decode(TicketDTO.self)
            #expect(phoned.channel == "phone")
            #expect(phoned.reporterId == h.colleague.id)
            #expect(phoned.departmentId == h.ward)
        }
    }

    @Test("QR labels: the admin gets an SVG that encodes the pre-filled portal address")
    func qrLabels() async throws {
        try await withYiwei { env in
            let admin = Browser(env)
            _ = try await admin.signIn("admin", adminPassword)
            let page = try await admin.get("/admin/qr?location=" + "门诊楼3楼".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&asset=PC-0001")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("/portal/new?via=qr&amp;location="))
            let svg = try await admin.get("/admin/qr/label.svg?location=x&asset=PC-0001")
            #expect(svg.status == .ok)
            #expect(svg.headers.contentType?.subType == "svg+xml")
            #expect(svg.body.string.hasPrefix("<svg"))
            let bad = try await admin.get("/admin/qr/label.svg?departmentId=not-an-id")
            #expect(bad.status == .unprocessableEntity)
            _ = try await env.makeUser("nurse9", roles: ["reporter"])
            let nurse = Browser(env)
            _ = try await nurse.signIn("nurse9", "Test#Pass2026")
            try await nurse.get("/account/password")
            _ = try await nurse.post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Mine#2026pw"), ("confirmPassword", "Mine#2026pw")])
            #expect(try await nurse.get("/admin/qr").status == .forbidden)
        }
    }
}

@Suite("The service desk finds the caller by typing")
struct CallerLookupTests {
    @Test("lookup by part of a name, username or phone; the form takes the suggestion, a username, or refuses a stranger")
    func lookup() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let found = try await env.send(.GET, "/api/v1/users/lookup?q=tongs", token: h.dispatcher.token).content.decode([UserLookupDTO].self)
            #expect(found.map(\.username) == ["tongshi"])
            #expect(found[0].label == "测试tongshi（tongshi）")
            #expect(found[0].department == "心血管内科")
            #expect(try await env.send(.GET, "/api/v1/users/lookup?q=tongs", token: h.nurse.token).status == .forbidden)
            #expect(try await env.send(.GET, "/api/v1/users/lookup", token: h.dispatcher.token).status == .badRequest)
            let desk = Browser(env)
            _ = try await desk.signIn("desk", "Test#Pass2026")
            try await desk.get("/account/password")
            _ = try await desk.post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Mine#2026pw"), ("confirmPassword", "Mine#2026pw")])
            func call(_ reporter: String) async throws -> TestingHTTPResponse {
                try await desk.get("/desk/new")
                return try await desk.post("/desk/new", [("reporter", reporter), ("domain", "it"), ("title", "电话报修：读卡器无反应"), ("description", ""),
                                                         ("impact", "individual"), ("urgency", "operation"), ("categoryId", ""), ("businessSystemId", ""),
                                                         ("departmentId", ""), ("location", ""), ("channel", "phone")])
            }
            let stranger = try await call("不存在的人")
            #expect(stranger.status == .unprocessableEntity)
            #expect(stranger.body.string.contains("找不到这个人，请从提示中选择"))
            #expect(stranger.body.string.contains(#"value="不存在的人""#))
            #expect(try await call("测试tongshi（tongshi）").status == .seeOther)
            #expect(try await call("erke").status == .seeOther)
            let lead = h.lead.token
            let logged = try await env.send(.GET, "/api/v1/tickets?q=" + "读卡器".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, token: lead)
                .content.decode(Page<TicketRowDTO>.self)
            #expect(logged.total == 2)
            #expect(Set(logged.items.compactMap(\.departmentName)) == ["心血管内科", "儿科"])
        }
    }
}
