import Foundation
import Testing
import VaporTesting
@testable import Yiwei
@testable import YiweiCore

/// The body of `POST /api/v1/sla-policies` with the fields these tests use.
struct PolicyBody: Encodable, Sendable {
    var name: String
    var domain = "it"
    var priority = "P3"
    var calendarId: String
    var businessTime = true
    var responseMinutes: Int? = 30
    var resolveMinutes: Int? = 240
    var responseBusinessTime: Bool? = nil
    var escalation: [EscalationStepDTO]? = nil
}

@Suite("Escalation chains per policy, a time basis per clock, policies switched on and off")
struct EscalationChainTests {
    func policies(_ env: TestEnv, _ token: String) async throws -> [SLAPolicyDTO] {
        try await env.send(.GET, "/api/v1/sla-policies?per=200", token: token).content.decode(Page<SLAPolicyDTO>.self).items
    }

    func calendar(_ env: TestEnv, _ token: String, _ prefix: String) async throws -> UUID {
        let page = try await env.send(.GET, "/api/v1/calendars", token: token).content.decode(Page<CalendarDTO>.self)
        return try #require(page.items.first { $0.name.hasPrefix(prefix) }).id
    }

    @Test("a bad chain is refused with a reason per step, and nothing is created")
    func badChain() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            let before = try await policies(env, admin).count
            let cal = try await calendar(env, admin, "7×24")
            let body = PolicyBody(name: "坏升级链", calendarId: cal.uuidString, escalation: [
                EscalationStepDTO(clock: "resolve", percent: 0, notify: ["team_lead"]),
                EscalationStepDTO(clock: "lunch", percent: 150, notify: ["boss"]),
                EscalationStepDTO(clock: "resolve", percent: 200, notify: []),
                EscalationStepDTO(clock: "resolve", percent: 200, notify: ["vendor"]),
            ])
            let res = try await env.send(.POST, "/api/v1/sla-policies", token: admin, json: body)
            #expect(res.status == .unprocessableEntity)
            let fields = try res.content.decode(ErrorBody.self).error.fields ?? [:]
            #expect(fields["escalation[0].percent"] == "must be between 1 and 1000")
            #expect(fields["escalation[1].clock"] != nil)
            #expect(fields["escalation[1].notify"] != nil)
            #expect(fields["escalation[2].notify"] == "name at least one recipient")
            #expect(fields["escalation[3].percent"] == "the same clock and percent twice")
            #expect(try await policies(env, admin).count == before)
        }
    }

    @Test("a policy's own chain: response clock at 200 % tells the domain's leads; the default chain is reported for presets")
    func customChain() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            _ = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin, json: TeamBody(leadId: h.lead.id.uuidString))
            let cal = try await calendar(env, h.admin, "7×24")
            // Wall-clock 7×24: response 30 min, resolve 240 min; escalate at 200 % of the response target (60 min)
            // to the domain's leads, and at 100 % of resolution to the assignee and a named person.
            let body = PolicyBody(name: "打印机 三级 自定义升级", calendarId: cal.uuidString, businessTime: false, escalation: [
                EscalationStepDTO(clock: "response", percent: 200, notify: ["domain_leads"]),
                EscalationStepDTO(clock: "resolve", percent: 100, notify: ["assignee"], userIds: [h.dispatcher.id]),
            ])
            let created = try await env.send(.POST, "/api/v1/sla-policies", token: h.admin, json: body)
            #expect(created.status == .created, "\(created.body.string)")
            let policy = try created.content.decode(SLAPolicyDTO.self)
            #expect(policy.escalation.map(\.percent) == [200, 100])
            #expect(policy.responseBusinessTime == false && policy.resolveBusinessTime == false)
            // Presets carry the default chain.
            let preset = try #require(try await policies(env, h.admin).first { $0.name == "信息化 一级（种子000）" })
            #expect(preset.escalation == [EscalationStepDTO(clock: "resolve", percent: 150, notify: ["domain_leads"], userIds: nil),
                                          EscalationStepDTO(clock: "resolve", percent: 200, notify: ["vendor"], userIds: nil)])

            let t = try await h.report()
            let sla = try await h.get(t, h.lead.token).content.decode(TicketDTO.self).sla
            #expect(sla.policyName == "打印机 三级 自定义升级")
            func escalations() async throws -> [TicketEventDTO] {
                try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
                    .filter { $0.type == "escalation" }
            }
            env.clock.advance(by: 59 * 60)
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            #expect(try await escalations().isEmpty)
            env.clock.advance(by: 2 * 60) // 61 min: past 200 % of 30 min
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            let first = try await escalations()
            #expect(first.map { $0.data["level"] } == ["2"])
            #expect(first.first?.data["clock"] == "response" && first.first?.data["percent"] == "200")
            #expect(first.first?.data["to"] == "测试zuzhang")
            let leadInbox = try await env.send(.GET, "/api/v1/notifications", token: h.lead.token).content.decode(Page<NotificationDTO>.self)
            #expect(leadInbox.items.contains { $0.event == "sla.escalate2" && $0.title.contains("二级") })
            // Assigning stops the response clock (it counts as the accept); resolution's step fires at 240 min, once.
            _ = try await h.act(t, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            env.clock.advance(by: 180 * 60) // 241 min
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            let all = try await escalations()
            #expect(all.map { $0.data["level"] } == ["2", "3"])
            #expect(all.last?.data["to"] == "测试desk、测试liming")
        }
    }

    @Test("seed 001 preset: off-hours response 1 h and arrival 2 h on the wall clock, repair 2 working days on the calendar")
    func seed001() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let all = try await policies(env, h.admin)
            let seed001 = try #require(all.first { $0.name == "信息化 P3（种子001）" })
            let seed000 = try #require(all.first { $0.name == "信息化 三级（种子000）" })
            #expect(seed001.isActive == false)
            #expect(seed001.responseBusinessTime == false && seed001.startBusinessTime == false && seed001.resolveBusinessTime == true)
            // Switch seed 000's P3 off and seed 001's on: audited, and a second identical PATCH changes nothing.
            let off = try await env.send(.PATCH, "/api/v1/sla-policies/\(seed000.id)", token: h.admin, json: ["isActive": false])
            #expect(off.status == .ok)
            let on = try await env.send(.PATCH, "/api/v1/sla-policies/\(seed001.id)", token: h.admin, json: ["isActive": true])
            #expect(try on.content.decode(SLAPolicyDTO.self).isActive)
            let bad = try await env.send(.PATCH, "/api/v1/sla-policies/\(seed001.id)", token: h.admin, json: ["isActive": "yes"])
            #expect(bad.status == .badRequest || bad.status == .unprocessableEntity)
            let denied = try await env.send(.PATCH, "/api/v1/sla-policies/\(seed001.id)", token: h.engineer.token, json: ["isActive": false])
            #expect(denied.status == .forbidden)

            // Reported Wed 2026-11-18 19:06:40 Shanghai (11:06:40Z), outside 08:00–18:00:
            // response 60 wall minutes → 20:06:40 (12:06:40Z); arrival 120 → 21:06:40 (13:06:40Z);
            // repair 1200 working minutes from Thu 08:00: Thu 08:00–18:00 (600) + Fri 08:00–18:00 (600) → Fri 18:00 (10:00Z).
            let t = try await h.report()
            let sla = try await h.get(t, h.lead.token).content.decode(TicketDTO.self).sla
            #expect(sla.policyName == "信息化 P3（种子001）")
            #expect(sla.raisedInHours == false)
            let iso = ISO8601DateFormatter()
            #expect(sla.responseDueAt == iso.date(from: "2026-11-18T12:06:40Z"))
            #expect(sla.startDueAt == iso.date(from: "2026-11-18T13:06:40Z"))
            #expect(sla.resolveDueAt == iso.date(from: "2026-11-20T10:00:00Z"))
            #expect(sla.clocks.map(\.businessTime) == [false, false, true])
            #expect(sla.clocks.map(\.targetMinutes) == [60, 120, 1200])
            let audit = try await env.send(.GET, "/api/v1/audit?action=sla_policy.activate", token: try await env.makeUser("shenji2", roles: ["auditor"]).token)
            #expect(audit.body.string.contains(seed001.id.uuidString))
        }
    }
}
