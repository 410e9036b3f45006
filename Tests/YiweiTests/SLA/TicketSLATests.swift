import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// Ticket clocks through the API. The test clock starts on Wednesday 2026-11-18 19:06:40 in Shanghai —
/// after the 08:00–18:00 working day, so "off hours" targets apply where a policy has them.
@Suite("SLA on tickets: policies, due times, pauses, priority changes, breaches")
struct TicketSLATests {
    static func at(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    @Test("IT P3 raised off hours: 30 working minutes to respond from Thursday 08:00, two working days to resolve")
    func offHoursP3() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            #expect(t.priority == "P3")
            #expect(t.sla.policyName == "信息化 三级（种子000）")
            #expect(t.sla.raisedInHours == false)
            #expect(t.sla.businessTime == true)
            #expect(t.sla.responseDueAt == Self.at("2026-11-19T08:30:00+08:00"))
            #expect(t.sla.resolveDueAt == Self.at("2026-11-20T18:00:00+08:00")) // 600 + 600 working minutes
            #expect(t.sla.clocks.map(\.kind) == ["response", "resolve"])
        }
    }

    @Test("IT P1 runs on the wall clock: 10 min / 30 min / 4 h; a 20-minute pause pushes resolution back 20 minutes")
    func p1WithPause() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
            #expect(t.priority == "P1")
            #expect(t.sla.responseDueAt == Self.at("2026-11-18T19:16:40+08:00"))
            #expect(t.sla.startDueAt == Self.at("2026-11-18T19:36:40+08:00"))
            #expect(t.sla.resolveDueAt == Self.at("2026-11-18T23:06:40+08:00"))
            env.clock.advance(by: 5 * 60)
            _ = try await h.act(t, h.dispatcher.token, ["action": "accept"])
            _ = try await h.act(t, h.engineer.token, ["action": "start"])
            _ = try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待数据库厂商远程接入"])
            env.clock.advance(by: 20 * 60)
            let resumed = try await h.act(t, h.engineer.token, ["action": "resume"]).content.decode(TicketDTO.self)
            #expect(resumed.sla.resolveDueAt == Self.at("2026-11-18T23:26:40+08:00"))
            let resolve = try #require(resumed.sla.clocks.first { $0.kind == "resolve" })
            #expect(resolve.pausedMinutes == 20)
            #expect(resolve.elapsedMinutes == 5)
            #expect(!resumed.sla.responseBreached)
            let response = try #require(resumed.sla.clocks.first { $0.kind == "response" })
            #expect(response.elapsedMinutes == 5)
            #expect(response.stoppedAt == Self.at("2026-11-18T19:11:40+08:00"))
        }
    }

    @Test("a response later than the target is breached, while running and after")
    func breach() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "急诊挂号系统宕机", extra: ["impact": "hospital", "urgency": "patient_safety"])
            env.clock.advance(by: 10 * 60)
            #expect(try await h.get(t, h.lead.token).content.decode(TicketDTO.self).sla.responseBreached == false) // equal is on time
            env.clock.advance(by: 5 * 60)
            #expect(try await h.get(t, h.lead.token).content.decode(TicketDTO.self).sla.responseBreached == true)
            let accepted = try await h.act(t, h.dispatcher.token, ["action": "accept"]).content.decode(TicketDTO.self)
            #expect(accepted.sla.responseBreached == true)
            #expect(accepted.sla.clocks.first { $0.kind == "response" }?.elapsedMinutes == 15)
        }
    }

    @Test("a priority change recomputes the due times under the new priority's policy")
    func reprioritize() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let raised = try await h.act(t, h.dispatcher.token, ["action": "reprioritize", "priority": "P1", "reason": "影响收费窗口排队"])
                .content.decode(TicketDTO.self)
            #expect(raised.sla.policyName == "信息化 一级（种子000）")
            #expect(raised.sla.resolveDueAt == Self.at("2026-11-18T23:06:40+08:00")) // 4 h from the report, not from the change
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
            #expect(events.filter { $0.type == "sla" }.map { $0.data["policy"] } == ["信息化 三级（种子000）", "信息化 一级（种子000）"])
        }
    }

    @Test("logistics follows seed 003: off hours arrive within 2 h and fix within 3 h, on the wall clock")
    func logisticsOffHours() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "病房卫生间漏水", domain: "logistics")
            #expect(t.sla.responseDueAt == Self.at("2026-11-18T19:36:40+08:00"))
            #expect(t.sla.startDueAt == Self.at("2026-11-18T21:06:40+08:00"))
            #expect(t.sla.resolveDueAt == Self.at("2026-11-18T22:06:40+08:00"))
        }
    }

    @Test("a narrower policy (business system) wins; a policy made later applies only to tickets created after it")
    func policySelection() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let admin = h.admin
            let calendars = try await env.send(.GET, "/api/v1/calendars", token: admin).content.decode(Page<CalendarDTO>.self)
            let allDay = try #require(calendars.items.first { $0.name.hasPrefix("7×24") })
            let lis = try await env.send(.POST, "/api/v1/business-systems", token: admin, json: ["name": "检验LIS集成系统", "criticality": "core"])
                .content.decode(BusinessSystemDTO.self)
            let before = try await h.report(title: "LIS 报告打印失败", extra: ["businessSystemId": lis.id.uuidString])
            #expect(before.sla.policyName == "信息化 三级（种子000）")
            let res = try await env.send(.POST, "/api/v1/sla-policies", token: admin,
                                         json: SLAPolicyBody(name: "LIS 核心系统 三级", domain: "it", priority: "P3", businessSystemId: lis.id.uuidString,
                                                             calendarId: allDay.id.uuidString, businessTime: false, responseMinutes: 15, resolveMinutes: 120))
            #expect(res.status == .created, "\(res.body.string)")
            env.clock.advance(by: 60)
            let after = try await h.report(title: "LIS 无法接收仪器结果", extra: ["businessSystemId": lis.id.uuidString])
            #expect(after.sla.policyName == "LIS 核心系统 三级")
            #expect(after.sla.responseDueAt == Self.at("2026-11-18T19:22:40+08:00"))
            let other = try await h.report(title: "门诊打印机卡纸")
            #expect(other.sla.policyName == "信息化 三级（种子000）")
            // The earlier ticket keeps the policy that was in force when it was reported.
            #expect(try await h.get(before, h.lead.token).content.decode(TicketDTO.self).sla.policyName == "信息化 三级（种子000）")
        }
    }

    @Test("bad policies are refused, naming the field", arguments: [
        (#"{"name":"x","domain":"it","priority":"P1"}"#, "calendarId"),
        (#"{"name":"x","domain":"hr","priority":"P1","calendarId":"{cal}","resolveMinutes":60}"#, "domain"),
        (#"{"name":"x","domain":"it","priority":"P5","calendarId":"{cal}","resolveMinutes":60}"#, "priority"),
        (#"{"name":"x","domain":"it","priority":"P1","calendarId":"{cal}","resolveMinutes":0}"#, "resolveMinutes"),
        (#"{"name":"x","domain":"it","priority":"P1","calendarId":"{cal}"}"#, "resolveMinutes"),
        (#"{"name":"x","domain":"it","priority":"P1","calendarId":"8d5e0f9a-1111-4222-8333-944455556666","resolveMinutes":60}"#, "calendarId"),
        (#"{"name":"x","domain":"it","priority":"P1","calendarId":"{cal}","resolveMinutes":60,"effectiveFrom":"soon"}"#, "effectiveFrom"),
    ])
    func badPolicies(_ body: String, _ field: String) async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            let calendars = try await env.send(.GET, "/api/v1/calendars", token: admin).content.decode(Page<CalendarDTO>.self)
            let before = try await env.count("sla_policies")
            let res = try await env.send(.POST, "/api/v1/sla-policies", token: admin, raw: body.replacingOccurrences(of: "{cal}", with: calendars.items[0].id.uuidString))
            #expect(res.status == .unprocessableEntity, "\(body): \(res.status)")
            #expect(res.errorFields[field] != nil, "\(res.body.string)")
            #expect(try await env.count("sla_policies") == before)
        }
    }
}

@Suite("SLA queues")
struct SLAQueueTests {
    @Test("即将超时 holds tickets due within the hour, 已超时 those past due; pending tickets are in neither")
    func queues() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            // P1: response due in 10 minutes; P3: response due tomorrow 08:30 (off hours).
            let p1 = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
            let p3 = try await h.report(title: "打印机卡纸")
            func queue(_ q: String) async throws -> [String] {
                try await env.send(.GET, "/api/v1/tickets?queue=\(q)", token: h.lead.token).content.decode(Page<TicketRowDTO>.self).items.map(\.number)
            }
            #expect(try await queue("soon") == [p1.number])
            #expect(try await queue("overdue").isEmpty)
            env.clock.advance(by: 11 * 60)
            #expect(try await queue("overdue") == [p1.number])
            // Accepting stops the response clock; the resolution (4 h) is neither soon nor over.
            _ = try await h.act(p1, h.dispatcher.token, ["action": "accept"])
            #expect(try await queue("overdue").isEmpty)
            #expect(try await queue("soon").isEmpty)
            _ = p3
        }
    }
}

@Suite("SLA scheduler: warnings at 75 %, breaches, once each")
struct SLASchedulerTests {
    @Test("a P1 gets a warning at 7.5 of 10 minutes and a breach after 10, each recorded once; an accepted one no more")
    func warningsAndBreaches() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
            // Nothing is due yet.
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 0)
            env.clock.advance(by: 7 * 60)
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 0)
            // 75 % of 10 minutes is 7.5 minutes, rounded up to 8; 75 % of 30 is 23 (22.5 rounded up).
            env.clock.advance(by: 60)
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 1)
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 0) // once only
            env.clock.advance(by: 3 * 60) // 11 minutes: the response is breached
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 1)
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
            #expect(events.filter { $0.type.hasPrefix("sla_") }.map(\.type) == ["sla_warning", "sla_breach"])
            #expect(events.first { $0.type == "sla_breach" }?.data["clock"] == "response")
            // Accepting and starting stop those clocks; only the resolution clock can still warn.
            _ = try await h.act(t, h.dispatcher.token, ["action": "accept"])
            _ = try await h.act(t, h.engineer.token, ["action": "start"])
            env.clock.advance(by: 60 * 60)
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 0)
            env.clock.advance(by: 120 * 60) // 3 h 12 min after the report: past 75 % of 4 h
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 1)
            #expect(try await env.count("sla_alerts") == 3)
        }
    }

    @Test("a pending ticket does not warn; its next alert waits for the resume")
    func pendingIsQuiet() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
            _ = try await h.act(t, h.dispatcher.token, ["action": "accept"])
            _ = try await h.act(t, h.engineer.token, ["action": "start"])
            _ = try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待原厂工程师"])
            env.clock.advance(by: 5 * 3600)
            #expect(try await SLAScheduler.tick(env.app, now: env.clock.now()) == 0)
            let row = try await env.db.raw("SELECT next_alert_at FROM tickets").first()
            #expect(try row?.decode(column: "next_alert_at", as: Date?.self) == nil)
        }
    }
}

@Suite("Escalation of unresolved tickets")
struct EscalationTests {
    @Test("resolution 4 h (P1): breach at 4 h to the team lead, level 2 at 6 h to the domain's leads, level 3 at 8 h to the vendor's people")
    func chain() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            _ = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin, json: TeamBody(leadId: h.lead.id.uuidString))
            let t = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
            _ = try await h.act(t, h.dispatcher.token, ["action": "assign", "teamId": h.vendorTeam.uuidString])
            _ = try await h.act(t, h.vendorEngineer.token, ["action": "start"])
            func escalations() async throws -> [TicketEventDTO] {
                try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
                    .filter { $0.type == "escalation" }
            }
            env.clock.advance(by: 4 * 3600 + 60)
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            #expect(try await escalations().isEmpty)
            env.clock.advance(by: 2 * 3600) // 6 h 1 min: 150 % of 4 h
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            let second = try await escalations()
            #expect(second.map { $0.data["level"] } == ["2"])
            #expect(second[0].data["to"] == "测试zuzhang")
            env.clock.advance(by: 2 * 3600) // 8 h 1 min: 200 %
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            let third = try await escalations()
            #expect(third.map { $0.data["level"] } == ["2", "3"])
            #expect(third[1].data["to"] == "测试vendor1")
            let vendorInbox = try await env.send(.GET, "/api/v1/notifications", token: h.vendorEngineer.token).content.decode(Page<NotificationDTO>.self)
            #expect(vendorInbox.items.contains { $0.event == "sla.escalate3" })
            // Once each.
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            #expect(try await escalations().count == 2)
        }
    }
}

@Suite("Written-plan rule (SLA-5)")
struct WrittenPlanTests {
    @Test("a logistics ticket unresolved after 8 h needs a plan approved by a lead before it may resolve")
    func planRule() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            _ = try await env.send(.PATCH, "/api/v1/teams/\(h.logisticsTeam)", token: h.admin, json: TeamBody(leadId: h.lead.id.uuidString))
            let t = try await h.report(title: "中央空调主机故障", domain: "logistics")
            _ = try await h.act(t, h.dispatcher.token, ["action": "assign", "teamId": h.logisticsTeam.uuidString, "assigneeId": h.logisticsEngineer.id.uuidString])
            _ = try await h.act(t, h.logisticsEngineer.token, ["action": "start"])
            env.clock.advance(by: 7 * 3600 + 59 * 60)
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            #expect(try await h.get(t, h.lead.token).content.decode(TicketDTO.self).plan == nil)
            env.clock.advance(by: 2 * 60) // 8 h 1 min
            try await SLAScheduler.tick(env.app, now: env.clock.now())
            let blocked = try await h.get(t, h.lead.token).content.decode(TicketDTO.self)
            #expect(blocked.plan?.blocking == true)
            let refused = try await h.act(t, h.logisticsEngineer.token, ["action": "resolve", "resolution": "已修复"])
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "plan_required")
            #expect(try await h.act(t, h.lead.token, ["action": "approve_plan"]).errorCode == "no_plan")
            #expect(try await h.act(t, h.logisticsEngineer.token, ["action": "plan", "note": ""]).status == .unprocessableEntity)
            #expect(try await h.act(t, h.logisticsEngineer.token, ["action": "plan", "note": "启用备用机组，联系原厂明早 9 点到场更换压缩机"]).status == .ok)
            #expect(try await h.act(t, h.logisticsEngineer.token, ["action": "approve_plan"]).status == .forbidden) // leads approve
            #expect(try await h.act(t, h.logisticsEngineer.token, ["action": "resolve", "resolution": "已修复"]).errorCode == "plan_required")
            #expect(try await h.act(t, h.lead.token, ["action": "approve_plan"]).status == .ok)
            let resolved = try await h.act(t, h.logisticsEngineer.token, ["action": "resolve", "resolution": "更换压缩机，恢复制冷"])
            #expect(resolved.status == .ok)
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self).map(\.type)
            #expect(events.contains("plan_required") && events.contains("plan") && events.contains("approve_plan"))
            #expect(try await env.send(.GET, "/api/v1/notifications", token: h.logisticsEngineer.token).content.decode(Page<NotificationDTO>.self)
                        .items.contains { $0.event == "sla.plan_required" })
        }
    }
}
