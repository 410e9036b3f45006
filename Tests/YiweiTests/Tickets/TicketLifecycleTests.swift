import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Tickets: report, the closed loop, timeline")
struct TicketLifecycleTests {
    @Test("a report gets a number, the matrix's priority, the reporter's department and the category's team")
    func create() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            // The test clock is 2026-11-18 19:06 in Shanghai.
            #expect(t.number == "IT-20261118-0001")
            #expect(t.status == "new")
            #expect(t.priority == "P3") // department × operation
            #expect(t.reporterId == h.nurse.id)
            #expect(t.departmentId == h.ward)
            #expect(t.departmentName == "心血管内科")
            #expect(t.teamId == h.itTeam)
            #expect(t.channel == "api")
            #expect(t.sla.pausedMinutes == 0)
            let second = try await h.report(title: "第二台打印机卡纸")
            #expect(second.number == "IT-20261118-0002")
            let water = try await h.report(title: "病房卫生间漏水", domain: "logistics")
            #expect(water.number == "LG-20261118-0001")
            let clinical = try await h.report(title: "全院HIS无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
            #expect(clinical.priority == "P1")
            let timeline = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.nurse.token).content.decode([TicketEventDTO].self)
            #expect(timeline.map(\.type) == ["created", "dispatch", "sla"])
            #expect(timeline[0].actorName == "测试hushi")
            #expect(timeline[1].data["rule"] == "category")
            #expect(timeline[1].data["teamName"] == "信息科运维组")
            #expect(timeline[1].actorId == nil) // the system dispatched
            #expect(timeline[2].data["policy"] == "信息化 三级（种子000）")
        }
    }

    @Test("numbers stay unique when twenty reports arrive at once")
    func concurrentNumbers() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<20 { group.addTask { try await h.report(title: "并发报修\(i)").number } }
                var all: [String] = []
                for try await n in group { all.append(n) }
                return all
            }
            #expect(Set(numbers).count == 20)
            #expect(Set(numbers) == Set((1...20).map { String(format: "IT-20261118-%04d", $0) }))
        }
    }

    @Test("the whole loop: accept, assign, start, pend 35 minutes, resume, resolve, rate, close — each step timestamped")
    func closedLoop() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let t0 = env.clock.now()
            env.clock.advance(by: 5 * 60)
            #expect(try await h.act(t, h.dispatcher.token, ["action": "accept"]).status == .ok)
            let assigned = try await h.act(t, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            #expect(assigned.status == .ok)
            #expect(try assigned.content.decode(TicketDTO.self).assigneeName == "测试liming")
            env.clock.advance(by: 10 * 60)
            #expect(try await h.act(t, h.engineer.token, ["action": "start"]).status == .ok)
            #expect(try await h.act(t, h.engineer.token, ["action": "pend", "reason": "等待厂商寄送硒鼓"]).status == .ok)
            let pending = try await h.get(t, h.nurse.token).content.decode(TicketDTO.self)
            #expect(pending.status == "pending")
            #expect(pending.pendingReason == "等待厂商寄送硒鼓")
            env.clock.advance(by: 35 * 60)
            let resumed = try await h.act(t, h.engineer.token, ["action": "resume"]).content.decode(TicketDTO.self)
            #expect(resumed.status == "in_progress")
            #expect(resumed.sla.pausedMinutes == 35)
            env.clock.advance(by: 20 * 60)
            let resolved = try await h.act(t, h.engineer.token, ["action": "resolve", "resolution": "更换硒鼓并重装驱动"]).content.decode(TicketDTO.self)
            #expect(resolved.status == "resolved")
            #expect(resolved.resolution == "更换硒鼓并重装驱动")
            #expect(resolved.acknowledgedAt == t0.addingTimeInterval(5 * 60))
            #expect(resolved.startedAt == t0.addingTimeInterval(15 * 60))
            #expect(resolved.resolvedAt == t0.addingTimeInterval(70 * 60))
            let rated = try await env.send(.POST, "/api/v1/tickets/\(t.id)/rating", token: h.nurse.token, json: RatingRequest(score: 5, comment: "响应很快"))
            #expect(rated.status == .ok)
            #expect(try rated.content.decode(TicketDTO.self).rating?.score == 5)
            let closed = try await h.act(t, h.dispatcher.token, ["action": "close"]).content.decode(TicketDTO.self)
            #expect(closed.status == "closed")
            #expect(closed.closedAt == t0.addingTimeInterval(70 * 60))
            func toVisit() async throws -> [UUID] {
                try await env.send(.GET, "/api/v1/tickets?queue=visit", token: h.dispatcher.token).content.decode(Page<TicketRowDTO>.self).items.map(\.id)
            }
            #expect(try await toVisit() == [t.id])
            let visit = try await h.act(t, h.dispatcher.token, ["action": "visit", "note": "电话回访，护士长满意"])
            #expect(visit.status == .ok)
            #expect(try await toVisit().isEmpty)
            let all = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.nurse.token).content.decode([TicketEventDTO].self)
            // The SLA events: the policy and due times at creation, and the resolution due time pushed back by the pause.
            #expect(all.map(\.type) == ["created", "dispatch", "sla", "accept", "assign", "start", "pend", "resume", "sla", "resolve", "rating", "close", "visit"])
            let timeline = all.filter { $0.type != "sla" && $0.type != "dispatch" }
            #expect(timeline.map(\.type) == ["created", "accept", "assign", "start", "pend", "resume", "resolve", "rating", "close", "visit"])
            #expect(timeline[5].data["pausedMinutes"] == "35.0")
            #expect(timeline[4].data["reason"] == "等待厂商寄送硒鼓")
            #expect(timeline.allSatisfy { $0.actorId != nil })
        }
    }

    @Test("assigning a new ticket accepts it; resume returns to the status it was pended from; reopen restarts work")
    func transitions() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let assigned = try await h.act(t, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString]).content.decode(TicketDTO.self)
            #expect(assigned.status == "accepted")
            #expect(assigned.acknowledgedAt == env.clock.now())
            _ = try await h.act(t, h.engineer.token, ["action": "pend", "reason": "联系不上报修人"])
            let back = try await h.act(t, h.engineer.token, ["action": "resume"]).content.decode(TicketDTO.self)
            #expect(back.status == "accepted")
            _ = try await h.act(t, h.engineer.token, ["action": "resolve", "resolution": "已处理"])
            let reopened = try await h.act(t, h.nurse.token, ["action": "reopen", "reason": "还是打印不了"]).content.decode(TicketDTO.self)
            #expect(reopened.status == "in_progress")
            #expect(reopened.reopenCount == 1)
            #expect(reopened.resolvedAt == nil)
        }
    }

    @Test("an action not allowed now is 409 invalid_transition and changes nothing", arguments: [
        ("start", "new"), ("resolve", "new"), ("resume", "new"), ("close", "new"), ("reopen", "new"),
        ("accept", "accepted"), ("resume", "accepted"), ("reopen", "accepted"), ("close", "accepted"),
        ("accept", "resolved"), ("start", "resolved"), ("pend", "resolved"), ("cancel", "resolved"), ("assign", "resolved"),
        ("accept", "closed"), ("reopen", "closed"), ("cancel", "closed"), ("resolve", "closed"),
        ("accept", "cancelled"), ("resume", "cancelled"), ("start", "cancelled"),
    ])
    func invalid(_ action: String, _ status: String) async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let token = h.dispatcher.token
            let path: [[String: String]]
            switch status {
            case "accepted": path = [["action": "accept"]]
            case "resolved": path = [["action": "accept"], ["action": "resolve", "resolution": "ok"]]
            case "closed": path = [["action": "accept"], ["action": "resolve", "resolution": "ok"], ["action": "close"]]
            case "cancelled": path = [["action": "cancel", "reason": "重复报修"]]
            default: path = []
            }
            for step in path { #expect(try await h.act(t, token, step).status == .ok) }
            let before = try await env.count("ticket_events")
            let body = ["action": action, "assigneeId": h.engineer.id.uuidString, "reason": "x", "resolution": "x"]
            let res = try await h.act(t, token, body)
            #expect(res.status == .conflict, "\(action) from \(status): \(res.body.string)")
            #expect(res.errorCode == "invalid_transition")
            #expect(try await h.get(t, token).content.decode(TicketDTO.self).status == status)
            #expect(try await env.count("ticket_events") == before)
        }
    }

    @Test("actions check their fields", arguments: [
        (["action": "pend"], "reason"),
        (["action": "cancel"], "reason"),
        (["action": "resolve"], "resolution"),
        (["action": "assign"], "assigneeId"),
        (["action": "transfer", "reason": "非本组"], "teamId"),
        (["action": "reprioritize", "priority": "P1"], "reason"),
        (["action": "reprioritize", "priority": "P9", "reason": "x"], "priority"),
        (["action": "fly"], "action"),
    ])
    func actionFields(_ body: [String: String], _ field: String) async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            _ = try await h.act(t, h.dispatcher.token, ["action": "accept"])
            let res = try await h.act(t, h.dispatcher.token, body)
            #expect(res.status == .unprocessableEntity, "\(body): \(res.body.string)")
            #expect(res.errorFields[field] != nil, "\(res.body.string)")
        }
    }

    @Test("assign: the assignee must be an engineer of the team; transfer moves between teams and domains")
    func assignAndTransfer() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let notMember = try await h.act(t, h.dispatcher.token, ["action": "assign", "teamId": h.itTeam.uuidString, "assigneeId": h.logisticsEngineer.id.uuidString])
            #expect(notMember.status == .unprocessableEntity)
            let reporter = try await h.act(t, h.dispatcher.token, ["action": "assign", "assigneeId": h.nurse.id.uuidString])
            #expect(reporter.errorFields["assigneeId"] == "no such engineer")
            let wrongDomain = try await h.act(t, h.dispatcher.token, ["action": "assign", "teamId": h.logisticsTeam.uuidString])
            #expect(wrongDomain.errorFields["teamId"] != nil)
            // It turns out to be the socket's power, not the printer: hand it to logistics.
            let moved = try await h.act(t, h.dispatcher.token, ["action": "transfer", "domain": "logistics", "teamId": h.logisticsTeam.uuidString,
                                                                "reason": "插座无电，转后勤"])
            #expect(moved.status == .ok, "\(moved.body.string)")
            let dto = try moved.content.decode(TicketDTO.self)
            #expect(dto.domain == "logistics")
            #expect(dto.teamId == h.logisticsTeam)
            #expect(dto.categoryId == nil)
            #expect(dto.number.hasPrefix("IT-"))
            // The logistics engineer now sees it; the IT engineer (not assigned, other domain) does not.
            #expect(try await h.get(t, h.logisticsEngineer.token).status == .ok)
            #expect(try await h.get(t, h.engineer.token).status == .notFound)
        }
    }

    @Test("an agent sets the priority on create only with a reason; a reporter cannot set it")
    func priorityOverride() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let noReason = try await env.send(.POST, "/api/v1/tickets", token: h.dispatcher.token,
                                              json: ["domain": "it", "title": "急诊挂号系统卡顿", "impact": "department", "urgency": "operation", "priority": "P1"])
            #expect(noReason.errorFields["priorityReason"] != nil)
            let ok = try await env.send(.POST, "/api/v1/tickets", token: h.dispatcher.token,
                                        json: ["domain": "it", "title": "急诊挂号系统卡顿", "impact": "department", "urgency": "operation",
                                               "priority": "P1", "priorityReason": "急诊科", "reporterId": h.nurse.id.uuidString, "channel": "phone"])
            #expect(ok.status == .created)
            let t = try ok.content.decode(TicketDTO.self)
            #expect(t.priority == "P1")
            #expect(t.reporterId == h.nurse.id)
            #expect(t.channel == "phone")
            let events = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.dispatcher.token).content.decode([TicketEventDTO].self)
            #expect(events[0].data["onBehalfOf"] == h.nurse.id.uuidString)
            let byNurse = try await env.send(.POST, "/api/v1/tickets", token: h.nurse.token,
                                             json: ["domain": "it", "title": "x", "impact": "department", "urgency": "operation", "priority": "P1", "priorityReason": "急"])
            #expect(byNurse.errorFields["priority"] != nil)
            let onBehalf = try await env.send(.POST, "/api/v1/tickets", token: h.nurse.token,
                                              json: ["domain": "it", "title": "x", "impact": "department", "urgency": "operation", "reporterId": h.colleague.id.uuidString])
            #expect(onBehalf.status == .forbidden, "only the service desk and leads report on someone's behalf")
            let reprioritized = try await h.act(t, h.dispatcher.token, ["action": "reprioritize", "priority": "P2", "reason": "已有绕行方案"])
            #expect(try reprioritized.content.decode(TicketDTO.self).priority == "P2")
        }
    }

    @Test("bad reports are refused with the field named, and nothing is written", arguments: [
        (#"{"title":"x","impact":"department","urgency":"operation"}"#, "domain"),
        (#"{"domain":"hr","title":"x","impact":"department","urgency":"operation"}"#, "domain"),
        (#"{"domain":"it","impact":"department","urgency":"operation"}"#, "title"),
        (#"{"domain":"it","title":"   ","impact":"department","urgency":"operation"}"#, "title"),
        (#"{"domain":"it","title":"x","impact":"ward","urgency":"operation"}"#, "impact"),
        (#"{"domain":"it","title":"x","impact":"department"}"#, "urgency"),
        (#"{"domain":"it","title":"x","impact":"department","urgency":"operation","kind":"bug"}"#, "kind"),
        (#"{"domain":"it","title":"x","impact":"department","urgency":"operation","channel":"fax"}"#, "channel"),
        (#"{"domain":"it","title":"x","impact":"department","urgency":"operation","occurredAt":"2030-01-01T00:00:00+08:00"}"#, "occurredAt"),
        (#"{"domain":"it","title":"x","impact":"department","urgency":"operation","occurredAt":"yesterday"}"#, "occurredAt"),
        (#"{"domain":"it","title":"x","impact":"department","urgency":"operation","categoryId":"8d5e0f9a-1111-4222-8333-944455556666"}"#, "categoryId"),
        (#"{"domain":"it","title":"x","impact":"department","urgency":"operation","departmentId":"nope"}"#, "departmentId"),
        (#"{"domain":"it","title":123,"impact":"department","urgency":"operation"}"#, "title"),
    ])
    func badReports(_ body: String, _ field: String) async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let res = try await env.send(.POST, "/api/v1/tickets", token: h.nurse.token, raw: body)
            #expect(res.status == .unprocessableEntity, "\(body): \(res.status)")
            #expect(res.errorFields[field] != nil, "\(res.body.string)")
            #expect(try await env.count("tickets") == 0)
            #expect(try await env.count("ticket_events") == 0)
        }
    }

    @Test("a title longer than 200 characters is refused; HTML in it is stored as text")
    func titleLimits() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let long = try await env.send(.POST, "/api/v1/tickets", token: h.nurse.token,
                                          json: ["domain": "it", "title": String(repeating: "打", count: 201), "impact": "department", "urgency": "operation"])
            #expect(long.errorFields["title"] == "must be at most 200 characters")
            let html = try await h.report(title: "<script>alert(1)</script>")
            #expect(html.title == "<script>alert(1)</script>")
        }
    }
}

@Suite("The hospital's own priority matrix")
struct PriorityMatrixSettingTests {
    @Test("an admin changes a cell; reports made afterwards follow it; bad matrices are refused")
    func matrix() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let standard = try await env.send(.GET, "/api/v1/settings/priority-matrix", token: h.nurse.token).content.decode(PriorityMatrixDTO.self)
            #expect(standard.cells["operation"]?["department"] == "P3")
            var changed = standard
            changed.cells["operation"]?["department"] = "P2"
            #expect(try await env.send(.PUT, "/api/v1/settings/priority-matrix", token: h.engineer.token, json: changed).status == .forbidden)
            let res = try await env.send(.PUT, "/api/v1/settings/priority-matrix", token: h.admin, json: changed)
            #expect(res.status == .ok)
            #expect(try await h.report().priority == "P2")
            var incomplete = changed
            incomplete.cells["experience"] = nil
            #expect(try await env.send(.PUT, "/api/v1/settings/priority-matrix", token: h.admin, json: incomplete).status == .unprocessableEntity)
            var wrong = changed
            wrong.cells["clinical"]?["hospital"] = "P0"
            #expect(try await env.send(.PUT, "/api/v1/settings/priority-matrix", token: h.admin, json: wrong).status == .unprocessableEntity)
            let page = Browser(env)
            _ = try await page.signIn("admin", adminPassword)
            let html = try await page.get("/admin/priority-matrix")
            #expect(html.status == .ok)
            #expect(html.body.string.contains(#"name="operation.department""#))
            _ = try await page.post("/admin/priority-matrix", standard.cells.flatMap { u, row in row.map { ("\(u).\($0.key)", $0.value) } })
            #expect(try await h.report().priority == "P3")
        }
    }
}
