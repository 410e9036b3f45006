import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("In-app notifications: who hears what, the bell, reading")
struct NotificationTests {
    func inbox(_ env: TestEnv, _ token: String, unread: Bool = false) async throws -> [NotificationDTO] {
        try await env.send(.GET, "/api/v1/notifications" + (unread ? "?unread=true" : ""), token: token).content.decode(Page<NotificationDTO>.self).items
    }

    @Test("a P1 reaches the domain's leads at once; the engineer hears of the assignment; the reporter of acceptance and resolution")
    func whoHearsWhat() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            _ = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin, json: TeamBody(leadId: h.lead.id.uuidString))
            let head = try await env.makeUser("zhuren", roles: ["lead"]) // the IT department head: a lead in no team
            let t = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
            #expect(try await inbox(env, head.token).map(\.event) == ["ticket.p1"])
            let leadInbox = try await inbox(env, h.lead.token)
            #expect(leadInbox.map(\.event) == ["ticket.p1"])
            #expect(leadInbox[0].title == "一级工单：\(t.number)「HIS 全院无法登录」")
            #expect(leadInbox[0].ticketId == t.id)
            _ = try await h.act(t, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            #expect(try await inbox(env, h.engineer.token).map(\.event) == ["ticket.assigned"])
            _ = try await h.act(t, h.engineer.token, ["action": "start"])
            _ = try await h.act(t, h.engineer.token, ["action": "resolve", "resolution": "重启应用服务器"])
            #expect(try await inbox(env, h.nurse.token).map(\.body) == ["您的报修已解决，请确认并评价。"])
            // Nobody is told about their own action.
            #expect(try await inbox(env, h.dispatcher.token).isEmpty)
        }
    }

    @Test("a warning reaches the assignee and the team lead")
    func slaWarning() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            _ = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin, json: TeamBody(leadId: h.lead.id.uuidString))
            let t = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
            _ = try await h.act(t, h.dispatcher.token, ["action": "assign", "teamId": h.itTeam.uuidString, "assigneeId": h.engineer.id.uuidString])
            _ = try await h.act(t, h.engineer.token, ["action": "start"])
            env.clock.advance(by: 181 * 60) // past 75 % of 4 h
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 1)
            #expect(try await inbox(env, h.engineer.token).first?.title == "即将超时：\(t.number)「HIS 全院无法登录」")
            #expect(try await inbox(env, h.lead.token).first?.body == "恢复时限已用去 75%，请尽快处理。")
        }
    }

    @Test("reading: one, all, and the bell's count on every page")
    func reading() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await h.report(title: "一")
            let b = try await h.report(title: "二")
            _ = try await h.act(a, h.dispatcher.token, ["action": "accept"])
            _ = try await h.act(b, h.dispatcher.token, ["action": "accept"])
            let unread = try await inbox(env, h.nurse.token, unread: true)
            #expect(unread.count == 2)
            #expect(try await env.send(.POST, "/api/v1/notifications/\(unread[0].id)/read", token: h.nurse.token).status == .noContent)
            #expect(try await inbox(env, h.nurse.token, unread: true).count == 1)
            #expect(try await env.send(.POST, "/api/v1/notifications/\(unread[1].id)/read", token: h.colleague.token).status == .notFound)
            // The bell in the browser.
            let browser = Browser(env)
            _ = try await browser.signIn("hushi", "Test#Pass2026")
            try await browser.get("/account/password")
            _ = try await browser.post("/account/password", [("currentPassword", "Test#Pass2026"), ("newPassword", "Mine#2026pw"), ("confirmPassword", "Mine#2026pw")])
            let home = try await browser.get("/portal")  // a reporter's start page
            #expect(home.body.string.contains(#"<span class="bell-count">1</span>"#))
            let page = try await browser.get("/notifications")
            #expect(page.body.string.contains("您的报修已受理。"))
            let open = try await browser.get("/notifications/\(unread[1].id)/open")
            #expect(open.headers.first(name: .location) == "/portal/tickets/\(unread[1].ticketId!)")
            let after = try await browser.get("/")
            #expect(!after.body.string.contains("bell-count"))
        }
    }
}
