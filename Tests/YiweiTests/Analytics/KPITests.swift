import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("KPIs (ANA-2): the figures of API.md on hand-computed tickets")
struct KPITests {
    @Test("created, resolved, closed, closure, mean response and resolution, SLA rates, reopen rate, satisfaction")
    func figures() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            // Wall-clock policy for IT P3 on the 7×24 calendar: respond within 30 min, resolve within 240 min.
            let calendars = try await env.send(.GET, "/api/v1/calendars", token: h.admin).content.decode(Page<CalendarDTO>.self)
            let allDay = try #require(calendars.items.first { $0.name.hasPrefix("7×24") }).id
            let policy = try await env.send(.POST, "/api/v1/sla-policies", token: h.admin,
                                            json: PolicyBody(name: "KPI 测试", calendarId: allDay.uuidString, businessTime: false))
            #expect(policy.status == .created)
            let minute: TimeInterval = 60
            // T0 = 2026-11-18 19:06:40 Shanghai: four reports.
            let t1 = try await h.report(title: "一")
            let t2 = try await h.report(title: "二")
            let t3 = try await h.report(title: "三")
            let t4 = try await h.report(title: "四")
            func at(_ m: Double) { env.clock.set(Date(timeIntervalSince1970: 1_795_000_000 + m * minute)) }
            at(5)
            let cancelled = try await h.act(t4, h.nurse.token, ["action": "cancel", "reason": "重启后好了"])
            #expect(cancelled.status == .ok, "\(cancelled.body.string)")
            at(10); _ = try await h.act(t1, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            at(40); _ = try await h.act(t2, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            at(45); _ = try await h.act(t1, h.engineer.token, ["action": "start"]); _ = try await h.act(t2, h.engineer.token, ["action": "start"])
            at(60); _ = try await h.act(t2, h.engineer.token, ["action": "pend", "reason": "等待备件"])
            at(90); _ = try await h.act(t2, h.engineer.token, ["action": "resume"])
            at(100)
            _ = try await h.act(t1, h.engineer.token, ["action": "resolve", "resolution": "已修复"])
            _ = try await h.act(t1, h.nurse.token, ["action": "close"])
            _ = try await env.send(.POST, "/api/v1/tickets/\(t1.id)/rating", token: h.nurse.token, json: ["score": 5])
            at(300); _ = try await h.act(t2, h.engineer.token, ["action": "resolve", "resolution": "更换硬盘"])
            at(310); _ = try await h.act(t2, h.nurse.token, ["action": "reopen", "reason": "又坏了"])
            at(320); _ = try await h.act(t2, h.engineer.token, ["action": "resolve", "resolution": "更换主板"])
            _ = try await env.send(.POST, "/api/v1/tickets/\(t2.id)/rating", token: h.nurse.token, json: ["score": 3])
            at(400); try await SLAScheduler.tick(env.app, now: env.clock.now()) // t3: both targets passed unanswered
            _ = t3

            let res = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-18&to=2026-11-19", token: h.lead.token)
            #expect(res.status == .ok, "\(res.body.string)")
            let k = try res.content.decode(KPIResult.self)
            #expect(k.created == 4)
            #expect(k.resolved == 2)                 // t1 closed, t2 resolved
            #expect(k.closed == 1)
            #expect(k.closureRate == 0.25)           // 1 / 4
            #expect(k.meanResponseMinutes == 25)     // (10 + 40) / 2; t3 never accepted, t4 cancelled
            #expect(k.meanResolveMinutes == 195)     // t1 100; t2 320 − 30 pending = 290; (100 + 290) / 2
            #expect(abs((k.slaResponseRate ?? -1) - 1.0 / 3) < 1e-9) // decided: t1 met (10), t2 missed (40), t3 missed (past 30)
            #expect(abs((k.slaResolveRate ?? -1) - 1.0 / 3) < 1e-9)  // t1 met (100), t2 missed (290 > 240), t3 missed (past 240)
            #expect(k.reopenRate == 0.5)             // t2 reopened ÷ t1, t2 resolved at least once
            #expect(k.satisfaction == 4)             // (5 + 3) / 2

            // Another domain or day: nothing.
            let empty = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-18&to=2026-11-19&domain=logistics", token: h.lead.token)
                .content.decode(KPIResult.self)
            #expect(empty.created == 0 && empty.closureRate == 0 && empty.meanResponseMinutes == nil && empty.slaResponseRate == nil
                    && empty.reopenRate == nil && empty.satisfaction == nil)
            // Breakdown by engineer: t1 and t2 are liming's; t3, t4 unassigned.
            let byEngineer = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-18&to=2026-11-19&groupBy=engineer", token: h.auditor.token)
                .content.decode(KPIResult.self)
            let groups = try #require(byEngineer.groups)
            #expect(groups.first { $0.label == "测试liming" }?.kpis.created == 2)
            #expect(groups.first { $0.label == "未分配" }?.kpis.created == 2)
            let byDay = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-01&to=2026-12-01&groupBy=day", token: h.lead.token)
                .content.decode(KPIResult.self)
            #expect(byDay.groups?.map(\.key) == ["2026-11-18"])
            let byWeek = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-01&to=2026-12-01&groupBy=week", token: h.lead.token)
                .content.decode(KPIResult.self)
            #expect(byWeek.groups?.map(\.key) == ["2026-11-16"]) // the Monday
            // Who and what may ask.
            #expect(try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-18&to=2026-11-19", token: h.nurse.token).status == .forbidden)
            let bad = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-19&to=2026-11-18&groupBy=colour&domain=x", token: h.lead.token)
            #expect(bad.status == .badRequest && Set(bad.errorFields.keys) == ["to", "groupBy", "domain"])
            #expect(try await env.send(.GET, "/api/v1/stats/kpis", token: h.lead.token).errorFields.keys.sorted() == ["from", "to"])
            #expect(try await env.send(.GET, "/api/v1/stats/kpis?from=&to=", token: h.lead.token).errorFields.keys.sorted() == ["from", "to"]) // found by fuzzing: once a crash
        }
    }
}
