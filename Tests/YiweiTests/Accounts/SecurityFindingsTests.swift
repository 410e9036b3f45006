import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// Regression tests of the black-box probe's findings that the permission model closes: each failed on the
/// code before it.
@Suite("Security findings closed by the permission model")
struct SecurityFindingsTests {
    @Test("finding 2: the caller lookup is the service desk's and leads', and % or _ match only themselves")
    func callerLookup() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            for token in [h.vendorEngineer.token, h.engineer.token, h.nurse.token, h.auditor.token, h.admin] {
                let res = try await env.send(.GET, "/api/v1/users/lookup?q=%25", token: token)
                #expect(res.status == .forbidden)
            }
            // The desk finds the nurse by username; "%" and "_" are characters no account has.
            let found = try await env.send(.GET, "/api/v1/users/lookup?q=hush", token: h.dispatcher.token).content.decode([UserLookupDTO].self)
            #expect(found.map(\.username) == ["hushi"])
            for q in ["%25", "_", "%25%25", "h_shi"] {
                let wild = try await env.send(.GET, "/api/v1/users/lookup?q=\(q)", token: h.lead.token)
                #expect(wild.status == .ok)
                #expect(try wild.content.decode([UserLookupDTO].self).isEmpty, "q=\(q) is literal")
            }
        }
    }

    @Test("finding 3: a vendor reports in their own name; the desk may report for a nurse and the ticket says who entered it")
    func reportingOnBehalf() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let tickets = try await env.count("tickets")
            let body = ["domain": "it", "title": "借护士名义报修", "impact": "department", "urgency": "operation", "reporterId": h.nurse.id.uuidString]
            let refused = try await env.send(.POST, "/api/v1/tickets", token: h.vendorEngineer.token, json: body)
            #expect(refused.status == .forbidden)
            #expect(try await env.count("tickets") == tickets)
            let own = try await h.report(h.vendorEngineer.token, title: "驻场工程师自报")
            #expect(own.reporterId == h.vendorEngineer.id)
            let taken = try await env.send(.POST, "/api/v1/tickets", token: h.dispatcher.token, json: body)
            #expect(taken.status == .created)
            let t = try taken.content.decode(TicketDTO.self)
            #expect(t.reporterId == h.nurse.id)
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.dispatcher.token).content.decode([TicketEventDTO].self)
            #expect(events[0].actorId == h.dispatcher.id && events[0].data["onBehalfOf"] == h.nurse.id.uuidString)
        }
    }

    @Test("finding 9: a reporter reports for their own department; the service desk may choose another")
    func ownDepartment() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let tickets = try await env.count("tickets")
            let other = try await env.send(.POST, "/api/v1/tickets", token: h.nurse.token,
                                           json: ["domain": "it", "title": "报到别的科室", "impact": "department", "urgency": "operation",
                                                  "departmentId": h.otherWard.uuidString])
            #expect(other.status == .forbidden)
            #expect(try await env.count("tickets") == tickets)
            let mine = try await h.report(extra: ["departmentId": h.ward.uuidString])
            #expect(mine.departmentId == h.ward)
            let desk = try await h.report(h.dispatcher.token, extra: ["departmentId": h.otherWard.uuidString])
            #expect(desk.departmentId == h.otherWard)
        }
    }

    @Test("finding 9 on the phone form: a QR label of another department files the ticket for the reporter's, the label's department in the location")
    func qrLabelOfAnotherDepartment() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let nurse = Browser(env)
            _ = try await nurse.signIn("hushi", "Test#Pass2026")
            try await nurse.get("/portal/new?via=qr&departmentId=\(h.otherWard)&location=3楼走廊")
            let res = try await nurse.post("/portal/new", [("domain", "it"), ("title", "走廊打印机卡纸"), ("impact", "individual"),
                                                           ("urgency", "operation"), ("departmentId", h.otherWard.uuidString),
                                                           ("location", "3楼走廊"), ("channel", "qrcode")])
            #expect(res.status == .seeOther)
            let list = try await env.send(.GET, "/api/v1/tickets?q=走廊打印机", token: h.lead.token).content.decode(Page<TicketRowDTO>.self)
            let ticket = try #require(list.items.first)
            let full = try await env.send(.GET, "/api/v1/tickets/\(ticket.id)", token: h.lead.token).content.decode(TicketDTO.self)
            #expect(full.departmentId == h.ward)
            #expect(full.location == "儿科 3楼走廊")
            #expect(full.channel == "qrcode")
        }
    }

    @Test("finding 4: the links of a ticket leave out linked tickets the reader cannot see")
    func linksOfHiddenTickets() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let mine = try await h.report(title: "心内科打印机")
            let theirs = try await h.report(h.otherNurse.token, title: "儿科机密：患者投诉处理")
            let linked = try await env.send(.POST, "/api/v1/tickets/\(mine.id)/links", token: h.lead.token,
                                            json: LinkRequest(type: "caused_by", target: theirs.number))
            #expect(linked.status == .created)
            let nurseView = try await env.send(.GET, "/api/v1/tickets/\(mine.id)/links", token: h.nurse.token)
            #expect(nurseView.status == .ok)
            #expect(try nurseView.content.decode([LinkDTO].self).isEmpty)
            #expect(!nurseView.body.string.contains("患者投诉") && !nurseView.body.string.contains(theirs.number))
            let leadView = try await env.send(.GET, "/api/v1/tickets/\(mine.id)/links", token: h.lead.token).content.decode([LinkDTO].self)
            #expect(leadView.map(\.number) == [theirs.number])
            let page = Browser(env)
            _ = try await page.signIn("hushi", "Test#Pass2026")
            let portal = try await page.get("/portal/tickets/\(mine.id)")
            #expect(!portal.body.string.contains("患者投诉"))
        }
    }

    @Test("finding 5: an article's history is for its maintainers and those who read every article, not for reporters")
    func articleHistory() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let created = try await env.send(.POST, "/api/v1/kb/articles", token: h.engineer.token,
                                             json: ["title": "打印机脱机", "body": "内部记录：患者张三床旁打印机", "visibility": "internal"])
            let article = try created.content.decode(KBArticleDTO.self)
            _ = try await env.send(.PATCH, "/api/v1/kb/articles/\(article.id)", token: h.engineer.token, json: ["body": "重新连接打印机电源后重试。"])
            _ = try await env.send(.PATCH, "/api/v1/kb/articles/\(article.id)", token: h.lead.token, json: ["visibility": "public"])
            let published = try await env.send(.POST, "/api/v1/kb/articles/\(article.id)/actions", token: h.lead.token, json: ["action": "publish"])
            #expect(published.status == .ok)
            #expect(try await env.send(.GET, "/api/v1/kb/articles/\(article.id)", token: h.nurse.token).status == .ok)
            for path in ["versions", "diff?from=1&to=2"] {
                let res = try await env.send(.GET, "/api/v1/kb/articles/\(article.id)/\(path)", token: h.nurse.token)
                #expect(res.status == .forbidden, "\(path)")
                #expect(!res.body.string.contains("患者张三"))
                #expect(try await env.send(.GET, "/api/v1/kb/articles/\(article.id)/\(path)", token: h.engineer.token).status == .ok)
                #expect(try await env.send(.GET, "/api/v1/kb/articles/\(article.id)/\(path)", token: h.auditor.token).status == .ok)
            }
            let page = Browser(env)
            _ = try await page.signIn("hushi", "Test#Pass2026")
            #expect(try await page.get("/kb/articles/\(article.id)/history").status == .forbidden)
            let read = try await page.get("/kb/articles/\(article.id)")
            #expect(!read.body.string.contains("/history"))
        }
    }

    @Test("finding 7: the auditor changes nothing, knowledge feedback included")
    func auditorGivesNoFeedback() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let created = try await env.send(.POST, "/api/v1/kb/articles", token: h.lead.token,
                                             json: ["title": "VPN 无法连接", "body": "检查证书有效期。", "visibility": "public"])
            let article = try created.content.decode(KBArticleDTO.self)
            _ = try await env.send(.POST, "/api/v1/kb/articles/\(article.id)/actions", token: h.lead.token, json: ["action": "publish"])
            let feedback = try await env.send(.POST, "/api/v1/kb/articles/\(article.id)/feedback", token: h.auditor.token, json: ["helpful": true])
            #expect(feedback.status == .forbidden)
            let solved = try await env.send(.POST, "/api/v1/kb/articles/\(article.id)/solved", token: h.auditor.token)
            #expect(solved.status == .forbidden)
            let after = try await env.send(.GET, "/api/v1/kb/articles/\(article.id)", token: h.lead.token).content.decode(KBArticleDTO.self)
            #expect(after.helpful == 0 && after.solved == 0)
            #expect(try await env.count("kb_feedback") == 0)
            let nurse = try await env.send(.POST, "/api/v1/kb/articles/\(article.id)/feedback", token: h.nurse.token, json: ["helpful": true])
            #expect(nurse.status == .ok)
        }
    }
}
