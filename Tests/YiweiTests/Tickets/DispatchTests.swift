import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Automatic dispatch: team by system or category, the least-loaded engineer on duty")
struct DispatchTests {
    @Test("a team that takes tickets automatically gives a new one to the on-duty engineer with the fewest open tickets")
    func leastLoadedOnDuty() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let second = try await env.makeUser("wanggong", roles: ["agent"], teamIds: [h.itTeam.uuidString])
            let off = try await env.makeUser("xiuxi", roles: ["agent"], teamIds: [h.itTeam.uuidString])
            let team = try await env.send(.GET, "/api/v1/teams/\(h.itTeam)", token: h.admin).content.decode(TeamDTO.self)
            let onDuty = team.memberIds.filter { $0 != off.id }.map(\.uuidString)
            let res = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin, json: TeamBody(onDutyIds: onDuty, autoAssign: true))
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(try res.content.decode(TeamDTO.self).onDutyIds.contains(off.id) == false)
            // liming (the engineer), zuzhang (the lead) and wanggong are on duty; give liming and zuzhang work first.
            let busy = try await h.report(title: "先有的工单一")
            _ = try await h.act(busy, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            let busy2 = try await h.report(title: "先有的工单二")
            _ = try await h.act(busy2, h.dispatcher.token, ["action": "assign", "assigneeId": h.lead.id.uuidString])
            // Those two were dispatched too: check the third goes to the one with no open ticket.
            let t = try await h.report(title: "新的打印机故障")
            let loads = try await env.send(.GET, "/api/v1/tickets?assigneeId=\(second.id)", token: h.lead.token).content.decode(Page<TicketRowDTO>.self)
            #expect(t.assigneeId == second.id, "loads: \(loads.items.map(\.title))")
            #expect(t.status == "new") // the engineer still accepts: the response clock measures a person
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
            let dispatch = try #require(events.first { $0.type == "dispatch" })
            #expect(dispatch.data["assigneeName"] == "测试wanggong")
            #expect(dispatch.data["onDuty"] == "3")
            #expect(dispatch.data["openTickets"] == "0")
            #expect(t.assigneeId != off.id)
        }
    }

    @Test("a business system's vendor team takes its tickets before the category's team")
    func vendorTeamFirst() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let vendorTeam = try await env.send(.GET, "/api/v1/teams/\(h.vendorTeam)", token: h.admin).content.decode(TeamDTO.self)
            let system = try await env.send(.POST, "/api/v1/business-systems", token: h.admin,
                                            json: ["name": "医保智能审核系统", "vendorId": vendorTeam.vendorId!.uuidString]).content.decode(BusinessSystemDTO.self)
            let t = try await h.report(title: "医保审核规则不生效", extra: ["businessSystemId": system.id.uuidString])
            #expect(t.teamId == h.vendorTeam)
            #expect(t.assigneeId == nil) // the vendor team does not take tickets automatically
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
            #expect(events.first { $0.type == "dispatch" }?.data["rule"] == "system_vendor")
            // Without a system it goes by category, to the IT team.
            #expect(try await h.report(title: "打印机卡纸").teamId == h.itTeam)
        }
    }

    @Test("nobody on duty: the ticket waits in the team queue and the timeline says why")
    func nobodyOnDuty() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            _ = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin, json: TeamBody(onDutyIds: [], autoAssign: true))
            let t = try await h.report()
            #expect(t.assigneeId == nil)
            #expect(t.teamId == h.itTeam)
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
            #expect(events.first { $0.type == "dispatch" }?.data["nobodyOnDuty"] == "true")
        }
    }
}
