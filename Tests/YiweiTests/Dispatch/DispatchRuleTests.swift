import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Dispatch rules: category subtree, business system, campus and priority → team, in order")
struct DispatchRuleTests {
    @Test("a campus rule sends the east campus's printer faults to the east team; other campuses keep the category's team")
    func campusRule() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let east = try await env.send(.POST, "/api/v1/campuses", token: h.admin, json: ["name": "东院区"]).content.decode(CampusDTO.self).id
            let eastWard = try await env.send(.POST, "/api/v1/departments", token: h.admin,
                                              json: ["name": "东院急诊科", "campusId": east.uuidString]).content.decode(DepartmentDTO.self).id
            let eastTeam = try await env.send(.POST, "/api/v1/teams", token: h.admin, json: ["name": "东院区信息组", "domain": "it"]).content.decode(TeamDTO.self).id
            let eastNurse = try await env.makeUser("dongyuan", roles: ["reporter"], extra: ["departmentId": eastWard.uuidString])
            // A child category of 打印机故障: the rule on the parent covers it.
            let child = try await env.send(.POST, "/api/v1/categories", token: h.admin,
                                           json: ["name": "票据打印机", "domain": "it", "parentId": h.printerCategory.uuidString]).content.decode(CategoryDTO.self).id
            let rule = try await env.send(.POST, "/api/v1/dispatch-rules", token: h.admin,
                                          json: ["name": "东院打印机", "domain": "it", "categoryId": h.printerCategory.uuidString,
                                                 "campusId": east.uuidString, "teamId": eastTeam.uuidString])
            #expect(rule.status == .created, "\(rule.body.string)")
            #expect(try rule.content.decode(DispatchRuleDTO.self).position == 10)

            let fromEast = try await h.report(eastNurse.token, title: "急诊票据打印机卡纸", extra: ["categoryId": child.uuidString])
            #expect(fromEast.teamId == eastTeam)
            let events = try await env.send(.GET, "/api/v1/tickets/\(fromEast.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
            let dispatch = try #require(events.first { $0.type == "dispatch" })
            #expect(dispatch.data["rule"] == "dispatch_rule" && dispatch.data["ruleName"] == "东院打印机")
            // The nurse's ward has no campus: the category's default team, as before.
            let fromWard = try await h.report(title: "门诊打印机卡纸")
            #expect(fromWard.teamId == h.itTeam)

            // Switched off, the rule no longer applies; a priority rule placed first wins over a later one.
            let id = try rule.content.decode(DispatchRuleDTO.self).id
            let off = try await env.send(.PATCH, "/api/v1/dispatch-rules/\(id)", token: h.admin, json: ["isActive": false])
            #expect(off.status == .ok)
            #expect(try await h.report(eastNurse.token, title: "东院打印机二", extra: ["categoryId": child.uuidString]).teamId == h.itTeam)
            _ = try await env.send(.PATCH, "/api/v1/dispatch-rules/\(id)", token: h.admin, json: ["isActive": true])
            let p1 = try await env.send(.POST, "/api/v1/dispatch-rules", token: h.admin,
                                        json: ["name": "一级全部给驻场组", "domain": "it", "priority": "P1", "teamId": h.vendorTeam.uuidString, "position": "5"])
            #expect(p1.status == .badRequest || p1.status == .unprocessableEntity) // position must be a number, not a string
            struct Body: Encodable { var name = "一级全部给驻场组", domain = "it", priority = "P1", teamId: String, position = 5 }
            let p1ok = try await env.send(.POST, "/api/v1/dispatch-rules", token: h.admin, json: Body(teamId: h.vendorTeam.uuidString))
            #expect(p1ok.status == .created, "\(p1ok.body.string)")
            let urgent = try await h.report(eastNurse.token, title: "急诊挂号全部失败", extra: ["categoryId": child.uuidString, "impact": "hospital", "urgency": "clinical"])
            #expect(urgent.priority == "P1" && urgent.teamId == h.vendorTeam)
            let list = try await env.send(.GET, "/api/v1/dispatch-rules", token: h.lead.token).content.decode([DispatchRuleDTO].self)
            #expect(list.map(\.name) == ["一级全部给驻场组", "东院打印机"])
        }
    }

    @Test("bad rules: a team of another domain, unknown ids, no team — 422 and nothing saved; deleting is audited")
    func badRules() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let wrongDomain = try await env.send(.POST, "/api/v1/dispatch-rules", token: h.admin,
                                                 json: ["name": "错", "domain": "it", "teamId": h.logisticsTeam.uuidString])
            #expect(wrongDomain.status == .unprocessableEntity)
            #expect(wrongDomain.errorFields["teamId"] == "the team works in another domain")
            let unknown = try await env.send(.POST, "/api/v1/dispatch-rules", token: h.admin,
                                             json: ["name": "错", "domain": "it", "campusId": UUID().uuidString, "priority": "P9"])
            #expect(unknown.status == .unprocessableEntity)
            #expect(Set(unknown.errorFields.keys) == ["campusId", "priority", "teamId"])
            let denied = try await env.send(.POST, "/api/v1/dispatch-rules", token: h.lead.token,
                                            json: ["name": "组长", "domain": "it", "teamId": h.itTeam.uuidString])
            #expect(denied.status == .forbidden)
            #expect(try await env.send(.GET, "/api/v1/dispatch-rules", token: h.admin).content.decode([DispatchRuleDTO].self).isEmpty)
            let ok = try await env.send(.POST, "/api/v1/dispatch-rules", token: h.admin, json: ["name": "对", "domain": "it", "teamId": h.itTeam.uuidString])
            let id = try ok.content.decode(DispatchRuleDTO.self).id
            #expect(try await env.send(.DELETE, "/api/v1/dispatch-rules/\(id)", token: h.admin).status == .noContent)
            #expect(try await env.send(.DELETE, "/api/v1/dispatch-rules/\(id)", token: h.admin).status == .notFound)
        }
    }

    @Test("the rules page lists rules and adds one through the form")
    func page() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            _ = try await env.send(.POST, "/api/v1/dispatch-rules", token: h.admin, json: ["name": "打印机归信息科", "domain": "it", "teamId": h.itTeam.uuidString])
            let browser = Browser(env)
            _ = try await browser.signIn("admin", adminPassword)
            let page = try await browser.get("/admin/dispatch-rules")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("打印机归信息科") && page.body.string.contains("派单规则"))
            let bad = try await browser.post("/admin/dispatch-rules", [("name", "后勤给信息科"), ("domain", "logistics"), ("teamId", h.itTeam.uuidString),
                                                                       ("categoryId", ""), ("businessSystemId", ""), ("campusId", ""), ("priority", ""), ("position", "")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("后勤给信息科")) // the form keeps what was typed
            try await browser.get("/admin/dispatch-rules")
            let ok = try await browser.post("/admin/dispatch-rules", [("name", "一级给信息科"), ("domain", "it"), ("teamId", h.itTeam.uuidString),
                                                                      ("categoryId", ""), ("businessSystemId", ""), ("campusId", ""), ("priority", "P1"), ("position", "1")])
            #expect(ok.status == .seeOther)
            let rules = try await env.send(.GET, "/api/v1/dispatch-rules", token: h.admin).content.decode([DispatchRuleDTO].self)
            #expect(rules.map(\.name) == ["一级给信息科", "打印机归信息科"])
            #expect(rules.first?.priority == "P1" && rules.first?.position == 1)
        }
    }
}
