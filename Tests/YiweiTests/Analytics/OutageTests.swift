import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// Helpers for downtime tests: business systems and outage records through the API.
extension Hospital {
    func system(_ name: String) async throws -> UUID {
        let res = try await env.send(.POST, "/api/v1/business-systems", token: admin, json: ["name": name, "criticality": "core"])
        try #require(res.status == .created, "system: \(res.body.string)")
        return try res.content.decode(BusinessSystemDTO.self).id
    }

    /// Records an interruption as the lead; times in Shanghai time ("2026-01-31T23:30").
    @discardableResult
    func outage(_ system: UUID, _ start: String, _ end: String?, kind: String = "outage", ticket: UUID? = nil, wide: Bool = false,
                token: String? = nil) async throws -> OutageDTO {
        var body = OutageBody(businessSystemId: system.uuidString, kind: kind, hospitalWide: wide, startedAt: start + ":00+08:00",
                              description: "数据库服务器宕机，切换备机后恢复")
        body.endedAt = end.map { $0 + ":00+08:00" }
        body.ticketId = ticket?.uuidString
        let res = try await env.send(.POST, "/api/v1/outages", token: token ?? lead.token, json: body)
        try #require(res.status == .created, "outage: \(res.body.string)")
        return try res.content.decode(OutageDTO.self)
    }
}

@Suite("Downtime records (ANA-4): API, validation, permissions and the accounting of seed 003")
struct OutageTests {
    @Test("record, read, change and delete an outage; every change is audited")
    func crud() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let his = try await h.system("HIS")
            let ticket = try await h.report(extra: ["businessSystemId": his.uuidString])
            let before = try await env.count("audit_log")
            // 2026-11-18 08:00–09:01 Shanghai: 61 minutes.
            let o = try await h.outage(his, "2026-11-18T08:00", "2026-11-18T09:01", ticket: ticket.id)
            #expect(o.minutes == 61 && !o.ongoing && o.businessSystemName == "HIS" && o.ticketNumber == ticket.number)
            #expect(o.startedAt == Date(timeIntervalSince1970: 1_795_000_000 - 11 * 3600 - 6 * 60 - 40)) // 00:00:00Z
            let got = try await env.send(.GET, "/api/v1/outages/\(o.id)", token: h.auditor.token)
            #expect(got.status == .ok)
            // Still down: no end; the minutes run up to now (19:06:40 − 10:00 = 9 h 6 min 40 s → 547 minutes, a started minute counts).
            let ongoing = try await h.outage(his, "2026-11-18T10:00", nil, kind: "department_impact")
            #expect(ongoing.ongoing && ongoing.minutes == 547)
            // Recovered: PATCH the end; then clear it again with "".
            let ended = try await env.send(.PATCH, "/api/v1/outages/\(ongoing.id)", token: h.dispatcher.token,
                                           json: ["endedAt": "2026-11-18T10:30:00+08:00", "scope": "门诊全部收费窗口"])
            #expect(ended.status == .ok, "\(ended.body.string)")
            let e = try ended.content.decode(OutageDTO.self)
            #expect(e.minutes == 30 && e.scope == "门诊全部收费窗口" && e.kind == "department_impact")
            // Once it has ended, correcting it is a lead's (downtime decides penalties and payment): the engineer is refused.
            let refused = try await env.send(.PATCH, "/api/v1/outages/\(ongoing.id)", token: h.engineer.token, json: ["endedAt": ""])
            #expect(refused.status == .forbidden)
            #expect(try await env.send(.DELETE, "/api/v1/outages/\(o.id)", token: h.engineer.token).status == .forbidden)
            let reopened = try await env.send(.PATCH, "/api/v1/outages/\(ongoing.id)", token: h.lead.token, json: ["endedAt": ""])
            #expect(try reopened.content.decode(OutageDTO.self).ongoing)
            // A ticket the recorder cannot see is "no such ticket" (an IT ticket for the logistics engineer), and nothing is written.
            let outages = try await env.count("outages")
            var hidden = OutageBody(businessSystemId: his.uuidString, kind: "outage", hospitalWide: false, startedAt: "2026-11-18T11:00:00+08:00",
                                    description: "借工单号查看他人工单")
            hidden.ticketId = ticket.id.uuidString
            let peek = try await env.send(.POST, "/api/v1/outages", token: h.logisticsEngineer.token, json: hidden)
            #expect(peek.status == .unprocessableEntity && peek.errorFields["ticketId"] == "no such ticket")
            #expect(!peek.body.string.contains(ticket.number))
            #expect(try await env.count("outages") == outages)
            // The ticket's records, and the filters.
            let forTicket = try await env.send(.GET, "/api/v1/outages?ticketId=\(ticket.id)", token: h.lead.token).content.decode(Page<OutageDTO>.self)
            #expect(forTicket.total == 1 && forTicket.items.first?.id == o.id)
            let november = try await env.send(.GET, "/api/v1/outages?from=2026-11-01&to=2026-12-01&businessSystemId=\(his)", token: h.lead.token)
                .content.decode(Page<OutageDTO>.self)
            #expect(november.total == 2)
            let october = try await env.send(.GET, "/api/v1/outages?from=2026-10-01&to=2026-11-01", token: h.lead.token).content.decode(Page<OutageDTO>.self)
            #expect(october.total == 0)
            #expect(try await env.send(.DELETE, "/api/v1/outages/\(o.id)", token: h.lead.token).status == .noContent)
            #expect(try await env.send(.GET, "/api/v1/outages/\(o.id)", token: h.lead.token).status == .notFound)
            // create, create, update, update, delete — and the engineer's two refusals.
            let actions = try await env.db.raw("SELECT action FROM audit_log WHERE action LIKE 'outage.%' ORDER BY seq").all()
                .map { try $0.decode(column: "action", as: String.self) }
            #expect(actions == ["outage.create", "outage.create", "outage.update", "outage.update", "outage.delete"])
            #expect(try await env.count("audit_log") == before + 7)
        }
    }

    @Test("bad input: 422 with every field named, 400 for bad filters, 415 for a form body; nothing is written")
    func badInput() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let his = try await h.system("HIS")
            let before = try await env.count("audit_log")
            let bad = try await env.send(.POST, "/api/v1/outages", token: h.lead.token, json: [
                "businessSystemId": UUID().uuidString, "ticketId": UUID().uuidString, "kind": "planned",
                "startedAt": "2026-11-18T10:00:00+08:00", "endedAt": "yesterday", "departmentIds": "x", "description": "",
            ])
            #expect(bad.status == .badRequest || bad.status == .unprocessableEntity) // departmentIds must be an array: a 400
            let fields = try await env.send(.POST, "/api/v1/outages", token: h.lead.token, json: [
                "businessSystemId": UUID().uuidString, "ticketId": UUID().uuidString, "kind": "planned",
                "startedAt": "2026-11-18T10:00:00+08:00", "endedAt": "yesterday", "description": "",
            ])
            #expect(fields.status == .unprocessableEntity)
            #expect(fields.errorFields == ["businessSystemId": "no such business system", "ticketId": "no such ticket",
                                          "kind": "must be one of outage, department_impact",
                                          "endedAt": "must be an RFC 3339 time like 2026-11-23T08:30:00+08:00", "description": "required"])
            // The end before the start; a start in the future; a hospital-wide department impact.
            var body = OutageBody(businessSystemId: his.uuidString, kind: "department_impact", hospitalWide: true,
                                  startedAt: "2026-11-18T10:00:00+08:00", endedAt: "2026-11-18T09:59:59+08:00", description: "x")
            let order = try await env.send(.POST, "/api/v1/outages", token: h.lead.token, json: body)
            #expect(order.errorFields == ["endedAt": "must be after the start", "hospitalWide": "only an outage can be hospital-wide"])
            body.endedAt = "2026-11-18T10:00:00+08:00"
            body.hospitalWide = false
            #expect(try await env.send(.POST, "/api/v1/outages", token: h.lead.token, json: body).errorFields == ["endedAt": "must be after the start"])
            body.startedAt = "2026-11-19T10:00:00+08:00"; body.endedAt = nil
            #expect(try await env.send(.POST, "/api/v1/outages", token: h.lead.token, json: body).errorFields == ["startedAt": "must not be in the future"])
            body.startedAt = nil
            #expect(try await env.send(.POST, "/api/v1/outages", token: h.lead.token, json: body).errorFields == ["startedAt": "required"])
            body.startedAt = "2026-11-18T10:00:00+08:00"; body.departmentIds = [UUID().uuidString]
            #expect(try await env.send(.POST, "/api/v1/outages", token: h.lead.token, json: body).errorFields == ["departmentIds": "no such department"])
            let form = try await env.send(.POST, "/api/v1/outages", token: h.lead.token, raw: "businessSystemId=x", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType)
            #expect(try await env.count("outages") == 0)
            // A PATCH that would end before the start changes nothing.
            let o = try await h.outage(his, "2026-11-18T08:00", "2026-11-18T08:30")
            let patch = try await env.send(.PATCH, "/api/v1/outages/\(o.id)", token: h.lead.token, json: ["endedAt": "2026-11-18T07:00:00+08:00"])
            #expect(patch.status == .unprocessableEntity && patch.errorFields == ["endedAt": "must be after the start"])
            #expect(try await env.send(.GET, "/api/v1/outages/\(o.id)", token: h.lead.token).content.decode(OutageDTO.self).minutes == 30)
            #expect(try await env.send(.PATCH, "/api/v1/outages/\(UUID())", token: h.lead.token, json: ["scope": "x"]).status == .notFound)
            // Filters.
            let filters = try await env.send(.GET, "/api/v1/outages?from=2026-13-01&to=x&businessSystemId=1&per=0", token: h.lead.token)
            #expect(filters.status == .badRequest)
            let range = try await env.send(.GET, "/api/v1/outages?from=2026-12-01&to=2026-11-01&businessSystemId=1", token: h.lead.token)
            #expect(range.status == .badRequest && Set(range.errorFields.keys) == ["to", "businessSystemId"])
            #expect(try await env.count("audit_log") == before + 1)
            #expect(try await env.send(.GET, "/api/v1/stats/downtime?year=26", token: h.lead.token).errorFields == ["year": "must be a year between 2000 and 2100"])
        }
    }

    @Test("who may record and read downtime: leads, dispatchers, agents write; auditors read; reporters, vendors and the admin may not")
    func permissions() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let his = try await h.system("HIS")
            let o = try await h.outage(his, "2026-11-18T08:00", "2026-11-18T08:30", token: h.engineer.token) // an engineer may record
            _ = try await h.outage(his, "2026-11-18T09:00", "2026-11-18T09:10", token: h.dispatcher.token)
            let body = OutageBody(businessSystemId: his.uuidString, startedAt: "2026-11-18T08:00:00+08:00", description: "x")
            for token in [h.nurse.token, h.vendorEngineer.token, h.auditor.token, h.admin] {
                #expect(try await env.send(.POST, "/api/v1/outages", token: token, json: body).status == .forbidden)
                #expect(try await env.send(.PATCH, "/api/v1/outages/\(o.id)", token: token, json: ["scope": "x"]).status == .forbidden)
                #expect(try await env.send(.DELETE, "/api/v1/outages/\(o.id)", token: token).status == .forbidden)
            }
            for token in [h.nurse.token, h.vendorEngineer.token, h.admin] {
                #expect(try await env.send(.GET, "/api/v1/outages", token: token).status == .forbidden)
                #expect(try await env.send(.GET, "/api/v1/outages/\(o.id)", token: token).status == .forbidden)
            }
            #expect(try await env.send(.GET, "/api/v1/outages", token: h.auditor.token).status == .ok)
            #expect(try await env.send(.GET, "/api/v1/outages").status == .unauthorized)
            // Downtime statistics: leads, dispatchers, auditors — not an engineer, not a nurse.
            for token in [h.lead.token, h.dispatcher.token, h.auditor.token] {
                #expect(try await env.send(.GET, "/api/v1/stats/downtime?year=2026", token: token).status == .ok)
            }
            for token in [h.engineer.token, h.nurse.token] {
                #expect(try await env.send(.GET, "/api/v1/stats/downtime?year=2026", token: token).status == .forbidden)
            }
            #expect(try await env.count("outages") == 2)
        }
    }

    /// docs/downtime.md's worked example.
    @Test("seed 003 on hand-made records: a month boundary at midnight, a 61-minute outage, a third outage, two department impacts in a month")
    func seed003() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let his = try await h.system("HIS"), pacs = try await h.system("PACS")
            let ticket = try await h.report(extra: ["businessSystemId": his.uuidString])
            // HIS: 23:30 on 31 January to 00:20 on 1 February (50 min, 30 in January and 20 in February), and a second
            // record of the same outage overlapping it (merged, not counted again).
            let r1 = try await h.outage(his, "2026-01-31T23:30", "2026-02-01T00:20", ticket: ticket.id)
            _ = try await h.outage(his, "2026-01-31T23:40", "2026-02-01T00:10")
            let r2 = try await h.outage(his, "2026-03-10T10:00", "2026-03-10T11:01")   // 61 minutes
            let r3 = try await h.outage(his, "2026-05-05T09:00", "2026-05-05T10:00")   // 60 minutes exactly: within; but the third
            // PACS: two department-level impacts in June, a third in August.
            let d1 = try await h.outage(pacs, "2026-06-03T08:00", "2026-06-03T08:30", kind: "department_impact")
            let d2 = try await h.outage(pacs, "2026-06-20T14:00", "2026-06-20T14:15", kind: "department_impact")
            let d3 = try await h.outage(pacs, "2026-08-01T09:00", "2026-08-01T09:20", kind: "department_impact")
            _ = d1

            let res = try await env.send(.GET, "/api/v1/stats/downtime?year=2026", token: h.lead.token)
            #expect(res.status == .ok, "\(res.body.string)")
            let stats = try res.content.decode(DowntimeStats.self)
            #expect(stats.firstMonth == "2026-01" && stats.months == 12 && stats.limits.outageMinutesPerMonth == 60 && stats.limits.outagesPerYear == 2)
            #expect(stats.systems.map(\.name) == ["HIS", "PACS"])
            let hisRow = stats.systems[0], pacsRow = stats.systems[1]
            #expect(hisRow.months.map(\.outageMinutes) == [30, 20, 61, 0, 60, 0, 0, 0, 0, 0, 0, 0])
            #expect(hisRow.months.map(\.outages) == [1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
            #expect(hisRow.outageMinutes == 171 && hisRow.outages == 3 && hisRow.breaches == 3)
            #expect(pacsRow.months.map(\.departmentImpacts) == [0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0])
            #expect(pacsRow.months[5].departmentImpactMinutes == 45 && pacsRow.outageMinutes == 0 && pacsRow.breaches == 2)
            // Breaches by month, then system; a month's total before the single outages of that month.
            #expect(stats.breaches.map(\.code) == ["monthly_outage_time", "outage_too_long", "too_many_outages",
                                                   "too_many_department_impacts_in_month", "too_many_department_impacts_in_year"])
            #expect(stats.breaches.map(\.clause) == ["2.5", "2.5", "2.5", "2.6", "2.6"])
            #expect(stats.breaches.map(\.month) == ["2026-03", "2026-03", "2026-05", "2026-06", "2026-08"])
            #expect(stats.breaches[0].minutes == 61 && stats.breaches[1].minutes == 61 && stats.breaches[2].ordinal == 3)
            #expect(stats.breaches[3].ordinal == 2 && stats.breaches[4].ordinal == 3)
            #expect(stats.breaches[0].records.map(\.outageId) == [r2.id] && stats.breaches[1].records.map(\.outageId) == [r2.id])
            #expect(stats.breaches[2].records.map(\.outageId) == [r3.id])
            #expect(stats.breaches[3].records.map(\.outageId) == [d2.id] && stats.breaches[4].records.map(\.outageId) == [d3.id])
            #expect(stats.breaches[2].text == "年度第 3 次非计划停机，超过 2 次")
            _ = r1
            // The year before and after: nothing.
            #expect(try await env.send(.GET, "/api/v1/stats/downtime?year=2025", token: h.lead.token).content.decode(DowntimeStats.self).systems.isEmpty)

            // The page lists the breaches with their clause, linked to the record and its ticket; the CSV has the months.
            let page = try await TicketPagesTests().browser(env, "zuzhang")
            let html = try await page.get("/reports/downtime?year=2026")
            #expect(html.status == .ok)
            #expect(html.body.string.contains("第 2.5 条") && html.body.string.contains("第 2.6 条"))
            #expect(html.body.string.contains("年度第 3 次非计划停机，超过每年 2 次"))
            #expect(html.body.string.contains("/outages/\(r3.id)"))
            let csv = try await page.get("/reports/downtime.csv?year=2026")
            #expect(csv.status == .ok)
            let bytes = Array(csv.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix("业务系统,月份,停机分钟,停机次数,部门级影响分钟,部门级影响\r\n"))
            #expect(text.contains("HIS,2026-01,30,1,0,0\r\nHIS,2026-02,20,0,0,0\r\nHIS,2026-03,61,1,0,0\r\n"))
            #expect(text.contains("HIS,全年,171,3,,0\r\n"))
            #expect(csv.headers.first(name: .contentDisposition) == "attachment; filename=\"downtime-2026.csv\"; filename*=UTF-8''%E5%81%9C%E6%9C%BA%E7%BB%9F%E8%AE%A1-2026.csv")
        }
    }

    @Test("the ticket page's 「停机记录」 panel: record downtime with the ticket's system prefilled; a bad end keeps the form")
    func ticketPanel() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let his = try await h.system("HIS")
            let ticket = try await h.report(extra: ["businessSystemId": his.uuidString])
            let desk = try await TicketPagesTests().browser(env, "desk")
            let page = try await desk.get("/tickets/\(ticket.id)")
            #expect(page.body.string.contains("停机记录") && page.body.string.contains("登记停机"))
            #expect(page.body.string.contains(#"<option value="\#(his.uuidString)" selected>HIS</option>"#))
            let wrong = try await desk.post("/outages", [("ticketId", ticket.id.uuidString), ("back", "/tickets/\(ticket.id)"),
                                                          ("businessSystemId", his.uuidString), ("kind", "outage"),
                                                          ("startedAt", "2026-11-18T10:00"), ("endedAt", "2026-11-18T09:00"), ("description", "宕机")])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("恢复时间须晚于停机开始时间"))
            #expect(try await env.count("outages") == 0)
            let saved = try await desk.post("/outages", [("ticketId", ticket.id.uuidString), ("back", "/tickets/\(ticket.id)"),
                                                          ("businessSystemId", his.uuidString), ("kind", "outage"),
                                                          ("startedAt", "2026-11-18T10:00"), ("endedAt", "2026-11-18T10:45"), ("description", "宕机")])
            #expect(saved.status == .seeOther && saved.headers.first(name: .location) == "/tickets/\(ticket.id)")
            let after = try await desk.get("/tickets/\(ticket.id)")
            #expect(after.body.string.contains("2026-11-18 10:00 – 2026-11-18 10:45") && after.body.string.contains("45 分钟"))
            // A back link elsewhere is not followed.
            let away = try await desk.post("/outages", [("back", "https://example.com/"), ("businessSystemId", his.uuidString), ("kind", "outage"),
                                                         ("startedAt", "2026-11-18T11:00"), ("endedAt", "2026-11-18T11:05"), ("description", "宕机")])
            #expect(away.headers.first(name: .location)?.hasPrefix("/outages/") == true)
            // The list page, and a nurse who may not.
            #expect(try await desk.get("/outages").body.string.contains("HIS"))
            let nurse = try await TicketPagesTests().browser(env, "hushi")
            #expect(try await nurse.get("/outages").status == .forbidden)
            #expect(try await nurse.get("/reports/downtime").status == .forbidden)
        }
    }
}
