import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// SLA-3 pauses: what a pending ticket waits on decides whether its clocks stop (docs/sla.md, T7–T10).
/// Every example is the IT P1 of T2, reported Wednesday 2026-11-18 19:06:40 on the wall clock: resolution
/// due 23:06:40 (240 minutes), accepted and started 5 minutes later.
@Suite("SLA pauses: waiting on the reporter, on a vendor (a lead approves), on something else")
struct TicketPauseTests {
    static func at(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    func started(_ env: TestEnv, _ h: Hospital) async throws -> TicketDTO {
        let t = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
        #expect(t.priority == "P1" && t.sla.resolveDueAt == Self.at("2026-11-18T23:06:40+08:00"))
        env.clock.advance(by: 5 * 60)
        _ = try await h.act(t, h.dispatcher.token, ["action": "accept"])
        _ = try await h.act(t, h.engineer.token, ["action": "start"])
        return t
    }

    func resolveClock(_ t: TicketDTO) throws -> SLAClockDTO { try #require(t.sla.clocks.first { $0.kind == "resolve" }) }

    @Test("T7 a vendor pause counts until a lead approves it: 10 minutes waiting for approval count, the 30 approved do not")
    func vendorPauseApproved() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            _ = try await env.send(.PATCH, "/api/v1/teams/\(h.itTeam)", token: h.admin, json: ["leadId": h.lead.id.uuidString])
            let t = try await started(env, h)
            let pended = try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待数据库厂商远程接入", "waitOn": "vendor"])
                .content.decode(TicketDTO.self)
            #expect(pended.status == "pending" && pended.waitOn == "vendor" && pended.pauseApproval == "requested")
            #expect(!pended.sla.paused)
            #expect(pended.sla.resolveDueAt == Self.at("2026-11-18T23:06:40+08:00"), "the clock runs while the lead decides")
            let asked = try await env.db.raw("SELECT COUNT(*) AS n FROM user_notifications WHERE event = 'ticket.pause_request' AND user_id = \(bind: h.lead.id)")
                .first()!.decode(column: "n", as: Int.self)
            #expect(asked == 1, "the team's lead is asked")
            #expect(try await h.act(t, h.engineer.token, ["action": "approve_pause"]).status == .forbidden, "an engineer does not approve pauses")
            env.clock.advance(by: 10 * 60)
            let approved = try await h.act(t, h.lead.token, ["action": "approve_pause"]).content.decode(TicketDTO.self)
            #expect(approved.sla.paused && approved.pauseApproval == "approved" && approved.status == "pending")
            #expect(approved.sla.resolveDueAt == nil, "a stopped clock has no due time")
            #expect(try await h.act(t, h.lead.token, ["action": "approve_pause"]).errorCode == "no_pause_request", "decided once")
            env.clock.advance(by: 30 * 60)
            let resumed = try await h.act(t, h.engineer.token, ["action": "resume"]).content.decode(TicketDTO.self)
            #expect(!resumed.sla.paused && resumed.waitOn == nil && resumed.pauseApproval == nil)
            // 19:06:40 → 19:51:40 is 45 minutes; 30 of them approved as paused: 15 counted, due 30 minutes later.
            #expect(try resolveClock(resumed).elapsedMinutes == 15 && resolveClock(resumed).pausedMinutes == 30)
            #expect(resumed.sla.resolveDueAt == Self.at("2026-11-18T23:36:40+08:00"))
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.lead.token).content.decode([TicketEventDTO].self)
            #expect(events.first { $0.type == "pend" }?.data["waitOn"] == "vendor")
            #expect(events.contains { $0.type == "approve_pause" && $0.actorId == h.lead.id })
        }
    }

    @Test("T8 a rejected vendor pause never stops the clocks: 45 minutes counted, due unchanged")
    func vendorPauseRejected() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await started(env, h)
            _ = try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待备件", "waitOn": "vendor"])
            env.clock.advance(by: 10 * 60)
            let rejected = try await h.act(t, h.lead.token, ["action": "reject_pause", "reason": "备机可用，先切换"]).content.decode(TicketDTO.self)
            #expect(!rejected.sla.paused && rejected.pauseApproval == "rejected")
            env.clock.advance(by: 30 * 60)
            let resumed = try await h.act(t, h.engineer.token, ["action": "resume"]).content.decode(TicketDTO.self)
            #expect(try resolveClock(resumed).elapsedMinutes == 45 && resolveClock(resumed).pausedMinutes == 0)
            #expect(resumed.sla.resolveDueAt == Self.at("2026-11-18T23:06:40+08:00"))
            #expect(resumed.sla.pausedMinutes == 0)
        }
    }

    @Test("T9 waiting on something else keeps the clocks running; waiting on the reporter stops them at once")
    func otherAndReporter() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await started(env, h)
            let other = try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待机房空调维修", "waitOn": "other"]).content.decode(TicketDTO.self)
            #expect(!other.sla.paused && other.pauseApproval == nil)
            #expect(try await h.act(t, h.lead.token, ["action": "approve_pause"]).errorCode == "no_pause_request")
            env.clock.advance(by: 20 * 60)
            let back = try await h.act(t, h.engineer.token, ["action": "resume"]).content.decode(TicketDTO.self)
            #expect(try resolveClock(back).elapsedMinutes == 25 && back.sla.resolveDueAt == Self.at("2026-11-18T23:06:40+08:00"))
            // Without waitOn, as every client before SLA-3 sent it: waiting on the reporter, the clocks stop at once.
            let reporter = try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待护士确认"]).content.decode(TicketDTO.self)
            #expect(reporter.sla.paused && reporter.waitOn == "reporter")
            env.clock.advance(by: 10 * 60)
            let again = try await h.act(t, h.engineer.token, ["action": "resume"]).content.decode(TicketDTO.self)
            #expect(try resolveClock(again).elapsedMinutes == 25 && resolveClock(again).pausedMinutes == 10)
            #expect(again.sla.resolveDueAt == Self.at("2026-11-18T23:16:40+08:00"))
        }
    }

    @Test("T10 a vendor's engineer cannot approve their own pause; bad waitOn is a 422 that changes nothing")
    func vendorCannotApprove() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "PACS 影像调阅缓慢")
            _ = try await h.act(t, h.lead.token, ["action": "assign", "teamId": h.vendorTeam.uuidString, "assigneeId": h.vendorEngineer.id.uuidString])
            let bad = try await h.act(t, h.vendorEngineer.token, ["action": "pend", "reason": "等原厂", "waitOn": "manufacturer"])
            #expect(bad.status == .unprocessableEntity && bad.errorFields["waitOn"] != nil)
            #expect(try await h.get(t, h.lead.token).content.decode(TicketDTO.self).status == "accepted")
            #expect(try await h.act(t, h.vendorEngineer.token, ["action": "pend", "reason": "等原厂备件", "waitOn": "vendor"]).status == .ok)
            let own = try await h.act(t, h.vendorEngineer.token, ["action": "approve_pause"])
            #expect(own.status == .forbidden)
            #expect(try await h.get(t, h.lead.token).content.decode(TicketDTO.self).sla.paused == false)
        }
    }

    @Test("the ticket page shows the pause and the lead's buttons; the engineer gets the choice of what the ticket waits on")
    func page() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await started(env, h)
            let engineer = Browser(env)
            _ = try await engineer.signIn("liming", "Test#Pass2026")
            let before = try await engineer.get("/tickets/\(t.id)")
            #expect(before.body.string.contains("name=\"waitOn\"") && before.body.string.contains("等待厂商或备件（组长批准后计时暂停）"))
            _ = try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待备件", "waitOn": "vendor"])
            let lead = Browser(env)
            _ = try await lead.signIn("zuzhang", "Test#Pass2026")
            let page = try await lead.get("/tickets/\(t.id)").body.string
            #expect(page.contains("待组长批准") && page.contains("value=\"approve_pause\"") && page.contains("value=\"reject_pause\""))
            let mine = try await engineer.get("/tickets/\(t.id)").body.string
            #expect(mine.contains("待组长批准") && !mine.contains("value=\"approve_pause\""))
            _ = try await lead.post("/tickets/\(t.id)/act", [("action", "approve_pause")])
            let after = try await lead.get("/tickets/\(t.id)").body.string
            #expect(after.contains("组长已批准，计时已暂停") && !after.contains("value=\"approve_pause\""))
        }
    }
}
