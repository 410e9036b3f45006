import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// JSON text for bodies with nested, mixed values.
func jsonText(_ object: Any) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}

@Suite("Ticket import (API.md POST /tickets/import): replayed through the state machine and SLA rules, all or nothing")
struct TicketImportTests {
    /// A wall-clock policy for IT P3 on the 7×24 calendar, created today — after the imported tickets were
    /// reported, so only the rule "the policies in force at the import" can give it to them.
    func wallClockPolicy(_ env: TestEnv, _ h: Hospital) async throws {
        let calendars = try await env.send(.GET, "/api/v1/calendars", token: h.admin).content.decode(Page<CalendarDTO>.self)
        let allDay = try #require(calendars.items.first { $0.name.hasPrefix("7×24") }).id
        let res = try await env.send(.POST, "/api/v1/sla-policies", token: h.admin,
                                     json: PolicyBody(name: "导入测试", calendarId: allDay.uuidString, businessTime: false))
        #expect(res.status == .created, "\(res.body.string)")
    }

    /// individual × clinical → P3 by the default matrix.
    func ticket(_ h: Hospital, _ title: String, created: String, number: String? = nil, events: [[String: Any]] = [],
                rating: [String: Any]? = nil) -> [String: Any] {
        var t: [String: Any] = ["domain": "it", "kind": "incident", "title": title, "impact": "individual", "urgency": "clinical",
                                "reporterId": h.nurse.id.uuidString, "createdAt": created, "events": events]
        if let number { t["number"] = number }
        if let rating { t["rating"] = rating }
        return t
    }

    @Test("three legacy tickets: clocks, timeline, numbers and the KPIs over them, computed by hand")
    func replayAndKPIs() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            try await wallClockPolicy(env, h)
            let engineer = h.engineer.id.uuidString, dispatcher = h.dispatcher.id.uuidString
            // All on 2026-10-05, Shanghai time. Policy: respond within 30 min, resolve within 240 (wall clock).
            let t0 = ticket(h, "挂号窗口打印机卡纸", created: "2026-10-05T09:00:00+08:00", number: "HIS-2019-0001", events: [
                ["at": "2026-10-05T09:10:00+08:00", "action": "assign", "assigneeId": engineer, "actorId": dispatcher], // response 10
                ["at": "2026-10-05T09:15:00+08:00", "action": "start", "actorId": engineer],
                ["at": "2026-10-05T09:30:00+08:00", "action": "pend", "reason": "等待硒鼓到货", "actorId": engineer],
                ["at": "2026-10-05T10:00:00+08:00", "action": "resume", "actorId": engineer],                          // 30 min paused
                ["at": "2026-10-05T11:00:00+08:00", "action": "resolve", "resolution": "更换硒鼓", "actorId": engineer],  // 120 − 30 = 90
                ["at": "2026-10-05T11:30:00+08:00", "action": "close"],                                                // the reporter
            ], rating: ["score": 5, "comment": "很快", "at": "2026-10-05T11:31:00+08:00"])
            let t1 = ticket(h, "医生站开医嘱卡顿", created: "2026-10-05T09:00:00+08:00", events: [
                ["at": "2026-10-05T09:45:00+08:00", "action": "accept", "actorId": engineer],                          // response 45 > 30
                ["at": "2026-10-05T09:50:00+08:00", "action": "start", "actorId": engineer],
                ["at": "2026-10-05T14:00:00+08:00", "action": "resolve", "resolution": "重建索引", "actorId": engineer],
                ["at": "2026-10-05T14:30:00+08:00", "action": "reopen", "reason": "下午又卡"],                          // the reporter
                ["at": "2026-10-05T15:00:00+08:00", "action": "resolve", "resolution": "扩容内存", "actorId": engineer], // 360 > 240
            ], rating: ["score": 2])
            let t2 = ticket(h, "病区无线网络断开", created: "2026-10-05T10:00:00+08:00")                           // never answered
            let res = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: jsonText(["tickets": [t0, t1, t2]]))
            #expect(res.status == .created, "\(res.body.string)")
            let result = try res.content.decode(ImportResultDTO.self)
            #expect(result.imported == 3 && result.ids.count == 3)

            let first = try await env.send(.GET, "/api/v1/tickets/\(result.ids[0])", token: h.lead.token).content.decode(TicketDTO.self)
            #expect(first.number == "HIS-2019-0001")
            #expect(first.status == "closed" && first.priority == "P3" && first.assigneeId == h.engineer.id)
            #expect(first.createdAt == Date(timeIntervalSince1970: 1_791_162_000))          // 2026-10-05T01:00:00Z
            #expect(first.acknowledgedAt == Date(timeIntervalSince1970: 1_791_162_600))     // 09:10 Shanghai
            #expect(first.sla.responseBreached == false && first.sla.resolveBreached == false)
            #expect(first.sla.pausedMinutes == 30)
            #expect(first.rating?.score == 5)
            let second = try await env.send(.GET, "/api/v1/tickets/\(result.ids[1])", token: h.lead.token).content.decode(TicketDTO.self)
            #expect(second.number == "IT-20261005-0001")   // numbered on the day it was reported
            #expect(second.status == "resolved" && second.reopenCount == 1)
            #expect(second.sla.responseBreached && second.sla.resolveBreached)
            let third = try await env.send(.GET, "/api/v1/tickets/\(result.ids[2])", token: h.lead.token).content.decode(TicketDTO.self)
            #expect(third.number == "IT-20261005-0002" && third.status == "new")
            #expect(third.sla.responseBreached && third.sla.resolveBreached) // still open at the import, long past both targets

            // The timeline is the history, at its own times, by its own people.
            let timeline = try await env.send(.GET, "/api/v1/tickets/\(result.ids[0])/timeline", token: h.lead.token)
                .content.decode([TicketEventDTO].self)
            let types = timeline.map(\.type).filter { $0 != "sla" }
            #expect(types == ["created", "assign", "start", "pend", "resume", "resolve", "close", "rating"])
            #expect(timeline.first?.data["imported"] == "true" && timeline.first?.actorId == h.nurse.id)
            #expect(timeline.first { $0.type == "close" }?.actorId == h.nurse.id)
            #expect(timeline.first { $0.type == "assign" }?.actorId == h.dispatcher.id)

            // KPIs over the imported day (API.md formulas):
            let k = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-10-05&to=2026-10-06", token: h.lead.token).content.decode(KPIResult.self)
            #expect(k.created == 3)
            #expect(k.resolved == 2 && k.closed == 1)
            #expect(abs(k.closureRate - 1.0 / 3) < 1e-9)
            #expect(k.meanResponseMinutes == 27.5)          // (10 + 45) / 2
            #expect(k.meanResolveMinutes == 225)            // (90 + 360) / 2
            #expect(abs((k.slaResponseRate ?? -1) - 1.0 / 3) < 1e-9) // t0 met; t1 missed; t2 past due
            #expect(abs((k.slaResolveRate ?? -1) - 1.0 / 3) < 1e-9)
            #expect(k.reopenRate == 0.5)                    // t1 of t0, t1
            #expect(k.satisfaction == 3.5)                  // (5 + 2) / 2
            // Audited, one row per ticket.
            let audited = try await env.db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'ticket.import'").first()!.decode(column: "n", as: Int.self)
            #expect(audited == 3)
        }
    }

    @Test("the same history imported and lived gives the same KPIs")
    func importedEqualsLive() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            try await wallClockPolicy(env, h)
            // Live, on 2026-11-18 from 19:06:40 Shanghai (the frozen clock): assign +20, start +25, resolve +300.
            let base = env.clock.now()
            let live = try await h.report(title: "实时工单")
            env.clock.set(base.addingTimeInterval(20 * 60))
            _ = try await h.act(live, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            env.clock.set(base.addingTimeInterval(25 * 60))
            _ = try await h.act(live, h.engineer.token, ["action": "start"])
            env.clock.set(base.addingTimeInterval(300 * 60))
            _ = try await h.act(live, h.engineer.token, ["action": "resolve", "resolution": "已修复"])
            // Imported: the same minutes on 2026-11-10.
            let f = ISO8601DateFormatter()
            let day = base.addingTimeInterval(-8 * 86_400)
            func at(_ m: Double) -> String { f.string(from: day.addingTimeInterval(m * 60)) }
            let imported = ticket(h, "导入工单", created: at(0), events: [
                ["at": at(20), "action": "assign", "assigneeId": h.engineer.id.uuidString, "actorId": h.dispatcher.id.uuidString],
                ["at": at(25), "action": "start", "actorId": h.engineer.id.uuidString],
                ["at": at(300), "action": "resolve", "resolution": "已修复", "actorId": h.engineer.id.uuidString],
            ])
            let res = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: jsonText(["tickets": [imported]]))
            #expect(res.status == .created, "\(res.body.string)")
            let a = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-18&to=2026-11-19", token: h.lead.token).content.decode(KPIResult.self)
            let b = try await env.send(.GET, "/api/v1/stats/kpis?from=2026-11-10&to=2026-11-11", token: h.lead.token).content.decode(KPIResult.self)
            #expect(a.created == 1 && b.created == 1)
            #expect(a.meanResponseMinutes == 20 && b.meanResponseMinutes == 20)
            #expect(a.meanResolveMinutes == 300 && b.meanResolveMinutes == 300)
            #expect(a.slaResponseRate == 1 && b.slaResponseRate == 1)  // 20 ≤ 30
            #expect(a.slaResolveRate == 0 && b.slaResolveRate == 0)    // 300 > 240
        }
    }

    @Test("any invalid ticket: 422 naming its index, nothing imported")
    func allOrNothing() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let engineer = h.engineer.id.uuidString
            let good = ticket(h, "好的", created: "2026-10-05T09:00:00+08:00", events: [
                ["at": "2026-10-05T09:10:00+08:00", "action": "accept", "actorId": engineer]])
            let tickets0 = try await env.count("tickets"), audit0 = try await env.count("audit_log")
            // A transition the state machine refuses (resolve a new ticket).
            let bad = ticket(h, "坏的", created: "2026-10-05T09:00:00+08:00", events: [
                ["at": "2026-10-05T09:10:00+08:00", "action": "resolve", "resolution": "x", "actorId": engineer]])
            var res = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: jsonText(["tickets": [good, good, bad]]))
            #expect(res.status == .unprocessableEntity)
            #expect(res.errorCode == "import_invalid")
            #expect(res.errorFields["tickets[2].events[0].action"] == "resolve is not allowed while the ticket is new")
            #expect(res.body.string.contains("tickets[2]"))
            // A rule only the database knows (a logistics team for an IT ticket) fails in the write: rolled back.
            let wrongTeam = ticket(h, "转错组", created: "2026-10-05T09:00:00+08:00", events: [
                ["at": "2026-10-05T09:10:00+08:00", "action": "assign", "teamId": h.logisticsTeam.uuidString, "actorId": h.dispatcher.id.uuidString]])
            res = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: jsonText(["tickets": [good, wrongTeam]]))
            #expect(res.status == .unprocessableEntity, "\(res.body.string)")
            #expect(res.errorFields["tickets[1].events[0].teamId"] == "the team must be in the ticket's domain")
            // Each problem of each ticket, keyed by index.
            let problems: [[String: Any]] = [
                ticket(h, "将来", created: "2030-01-01T00:00:00+08:00"),
                ticket(h, "先后颠倒", created: "2026-10-05T09:00:00+08:00", events: [
                    ["at": "2026-10-05T08:00:00+08:00", "action": "accept", "actorId": engineer]]),
                ticket(h, "未解决就评价", created: "2026-10-05T09:00:00+08:00", rating: ["score": 4]),
                ticket(h, "同号", created: "2026-10-05T09:00:00+08:00", number: "OLD-1"),
                ticket(h, "同号", created: "2026-10-05T09:00:00+08:00", number: "OLD-1"),
                ticket(h, "没有处理人", created: "2026-10-05T09:00:00+08:00", events: [
                    ["at": "2026-10-05T09:10:00+08:00", "action": "accept"]]),
                ticket(h, "挂起无原因", created: "2026-10-05T09:00:00+08:00", events: [
                    ["at": "2026-10-05T09:10:00+08:00", "action": "accept", "actorId": engineer],
                    ["at": "2026-10-05T09:20:00+08:00", "action": "pend", "actorId": engineer]]),
                ["domain": "it", "title": "无报修人", "impact": "individual", "urgency": "clinical", "createdAt": "2026-10-05T09:00:00+08:00"],
            ]
            res = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: jsonText(["tickets": problems]))
            #expect(res.status == .unprocessableEntity)
            let fields = res.errorFields
            #expect(fields["tickets[0].createdAt"] == "must not be in the future")
            #expect(fields["tickets[1].events[0].at"] == "must not be before createdAt")
            #expect(fields["tickets[2].rating"] == "a ticket is rated after it is resolved")
            #expect(fields["tickets[3].number"] == nil && fields["tickets[4].number"] == "the same number as tickets[3]")
            #expect(fields["tickets[5].events[0].actorId"] == "required")
            #expect(fields["tickets[6].events[1].reason"] == "required")
            #expect(fields["tickets[7].reporterId"] == "required")
            // Nothing of any of it landed.
            #expect(try await env.count("tickets") == tickets0)
            #expect(try await env.count("audit_log") == audit0)
            // An existing number is taken.
            res = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin,
                                     raw: jsonText(["tickets": [ticket(h, "旧号", created: "2026-10-05T09:00:00+08:00", number: "OLD-1")]]))
            #expect(res.status == .created)
            res = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin,
                                     raw: jsonText(["tickets": [ticket(h, "旧号", created: "2026-10-05T09:00:00+08:00", number: "OLD-1")]]))
            #expect(res.errorFields["tickets[0].number"] == "already exists")
        }
    }

    @Test("administrators only; an empty or malformed body is refused")
    func whoAndWhat() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let body = jsonText(["tickets": [ticket(h, "x", created: "2026-10-05T09:00:00+08:00")]])
            #expect(try await env.send(.POST, "/api/v1/tickets/import", token: h.lead.token, raw: body).status == .forbidden)
            #expect(try await env.send(.POST, "/api/v1/tickets/import", token: h.dispatcher.token, raw: body).status == .forbidden)
            #expect(try await env.send(.POST, "/api/v1/tickets/import", raw: body).status == .unauthorized)
            let empty = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: #"{"tickets":[]}"#)
            #expect(empty.status == .unprocessableEntity && empty.errorFields["tickets"] != nil)
            let mistyped = try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: #"{"tickets":[{"title":5}]}"#)
            #expect(mistyped.status == .unprocessableEntity && mistyped.errorFields["tickets[0].title"] == "must be a string")
            #expect(try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: #"{"tickets":["#).status == .badRequest)
            #expect(try await env.send(.POST, "/api/v1/tickets/import", token: h.admin, raw: "tickets", contentType: "text/plain").status
                    == .unsupportedMediaType)
        }
    }

    @Test("the CSV page: a GBK ledger from Excel is checked row by row, then imported all at once")
    func csvPage() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let browser = Browser(env)
            _ = try await browser.signIn("admin", adminPassword)
            #expect(try await browser.get("/admin/import").status == .ok)
            #expect(browser.lastPage.contains("历史工单导入") && browser.lastPage.contains("/admin/import/template.csv"))
            let header = "工单号,报修时间,领域,类型,标题,影响范围,紧急程度,报修人,受理时间,受理人,处理人,开始处理时间,解决时间,解决方案,关闭时间,评分,评价"
            let bad = header + "\r\n"
                + "OLD-7,2026/10/5 9:00,信息化,故障,\"打印机,卡纸\",个人,影响临床诊疗,hushi,2026/10/5 9:10,desk,liming,2026/10/5 9:15,2026/10/5 10:00,换搓纸轮,2026/10/5 10:30,5,好\r\n"
                + "OLD-8,2026/10/5 9:00,后勤,故障,水龙头漏水,个人,仅影响体验,wangwu,,,,,,,,,\r\n"
                + "OLD-9,2026/10/5 9:00,信息化,故障,网络断开,个人,影响临床诊疗,hushi,,,,,2026/10/5 10:00,重启交换机,,,\r\n"
            let gbk = try #require(bad.data(using: String.Encoding(rawValue: 0x8000_0632)))
            var res = try await browser.postMultipart("/admin/import/preview", [], file: ("台账.csv", Array(gbk)))
            #expect(res.status == .unprocessableEntity)
            let page = browser.lastPage
            #expect(page.contains("共 3 行，其中 2 行有问题"))
            #expect(page.contains("报修人：找不到该用户名"))                  // line 3: wangwu
            #expect(page.contains("解决时间：时间顺序与工单状态流转不符"))     // line 4: resolved before it was accepted
            #expect(page.contains("打印机,卡纸"))                           // the quoted comma survived the GBK file
            #expect(!page.contains("/admin/import/commit"))
            #expect(try await env.count("tickets") == 0)

            let good = "\u{FEFF}" + header + "\r\n"
                + "OLD-7,2026-10-05 09:00,信息化,故障,\"打印机,卡纸\",个人,影响临床诊疗,hushi,2026-10-05 09:10,desk,liming,2026-10-05 09:15,2026-10-05 10:00,换搓纸轮,2026-10-05 10:30,5,好\r\n"
                + ",2026-10-06 08:00,IT,咨询,VPN 怎么连,个人,仅影响体验,hushi,,,,,,,,,\r\n"
            res = try await browser.postMultipart("/admin/import/preview", [], file: ("台账.csv", Array(good.utf8)))
            #expect(res.status == .ok)
            #expect(browser.lastPage.contains("检查通过：共 2 行") && browser.lastPage.contains("/admin/import/commit"))
            #expect(try await env.count("tickets") == 0)                    // checking writes nothing
            res = try await browser.postMultipart("/admin/import/commit", [("csv", String(good.dropFirst()))])
            #expect(res.status == .ok)
            #expect(browser.lastPage.contains("已导入 2 条历史工单") && browser.lastPage.contains("OLD-7") && browser.lastPage.contains("IT-20261006-0001"))
            let list = try await env.send(.GET, "/api/v1/tickets?q=OLD-7", token: h.lead.token).content.decode(Page<TicketRowDTO>.self)
            let imported = try await env.send(.GET, "/api/v1/tickets/\(try #require(list.items.first).id)", token: h.lead.token).content.decode(TicketDTO.self)
            #expect(imported.status == "closed" && imported.title == "打印机,卡纸" && imported.assigneeId == h.engineer.id && imported.rating?.score == 5)
            #expect(imported.acknowledgedAt == Date(timeIntervalSince1970: 1_791_162_600)) // 2026-10-05 09:10 Shanghai
            // Not for anyone else.
            let nurse = Browser(env)
            _ = try await nurse.signInFresh("hushi")
            #expect(try await nurse.get("/admin/import").status == .forbidden)
        }
    }
}
