import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Calendar pages: year view, calculators, editing with ranges")
struct CalendarPagesTests {
    @Test("the admin edits hours and holidays as text; the page shows the year and answers the calculators")
    func calendarPages() async throws {
        try await withYiwei { env in
            let admin = Browser(env)
            _ = try await admin.signIn("admin", adminPassword)
            let list = try await admin.get("/admin/calendars")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("周一–周五 08:00–12:00, 14:30–17:30"))
            try await admin.get("/admin/calendars/new")
            let overlapping = try await admin.post("/admin/calendars", [("name", "设备科"), ("timeZone", "Asia/Shanghai"), ("mon", "08:00-12:00, 11:00-13:00"),
                                                                        ("tue", ""), ("wed", ""), ("thu", ""), ("fri", ""), ("sat", ""), ("sun", ""),
                                                                        ("holidays", ""), ("workdays", "")])
            #expect(overlapping.status == .unprocessableEntity)
            #expect(overlapping.body.string.contains("时间段有重叠（mon）"))
            try await admin.get("/admin/calendars/new")
            let created = try await admin.post("/admin/calendars", [("name", "设备科"), ("timeZone", "Asia/Shanghai"), ("mon", "08:00-12:00，14:00-18:00"),
                                                                    ("tue", "08:00-18:00"), ("wed", ""), ("thu", ""), ("fri", ""), ("sat", ""), ("sun", ""),
                                                                    ("holidays", "2027-10-01~2027-10-03\n2027-01-01"), ("workdays", "2027-10-09")])
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let token = try await env.adminToken()
            let id = String(location.dropFirst("/admin/calendars/".count))
            let dto = try await env.send(.GET, "/api/v1/calendars/\(id)", token: token).content.decode(CalendarDTO.self)
            #expect(dto.holidays == ["2027-01-01", "2027-10-01", "2027-10-02", "2027-10-03"])
            #expect(dto.weeklyHours["mon"] == [["08:00", "12:00"], ["14:00", "18:00"]])
            let page = try await admin.get(location + "?year=2027&start=2027-09-30T17:00&minutes=120")
            #expect(page.status == .ok)
            // Thursday 2027-09-30 has no hours; Friday 10/1–Sunday 10/3 are holidays; Monday 10/4 08:00 + 120 min.
            #expect(page.body.string.contains("2027-10-04T10:00:00+08:00"))
            #expect(page.body.string.contains(#"class="day makeup" title="2027-10-09"#))
            let minutes = try await admin.get(location + "?from=2027-10-04T07:00&to=2027-10-04T15:00")
            #expect(minutes.body.string.contains("工作时间共 300 分钟")) // 08:00–12:00 and 14:00–15:00
        }
    }
}

@Suite("SLA policy pages")
struct SLAPolicyPagesTests {
    @Test("the presets are listed; a new policy is added from the form; bad targets are named in Chinese")
    func policies() async throws {
        try await withYiwei { env in
            let admin = Browser(env)
            _ = try await admin.signIn("admin", adminPassword)
            let list = try await admin.get("/admin/sla-policies")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("信息化 一级（种子000）"))
            #expect(list.body.string.contains("10分 / 30分 / 4小时"))
            #expect(list.body.string.contains("2 工作小时 / — / 20 工作小时"))
            let token = try await env.adminToken()
            let calendars = try await env.send(.GET, "/api/v1/calendars", token: token).content.decode(Page<CalendarDTO>.self)
            try await admin.get("/admin/sla-policies/new")
            let bad = try await admin.post("/admin/sla-policies", [("name", "急诊信息系统"), ("domain", "it"), ("priority", "P2"), ("businessSystemId", ""),
                                                                   ("categoryId", ""), ("calendarId", calendars.items[0].id.uuidString), ("businessTime", "false"),
                                                                   ("responseMinutes", "0"), ("startMinutes", ""), ("resolveMinutes", "")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("须在 1 到 525600 之间"))
            try await admin.get("/admin/sla-policies/new")
            let ok = try await admin.post("/admin/sla-policies", [("name", "急诊信息系统"), ("domain", "it"), ("priority", "P2"), ("businessSystemId", ""),
                                                                  ("categoryId", ""), ("calendarId", calendars.items[0].id.uuidString), ("businessTime", "false"),
                                                                  ("responseMinutes", "15"), ("startMinutes", ""), ("resolveMinutes", "240")])
            #expect(ok.status == .seeOther)
            let policies = try await env.send(.GET, "/api/v1/sla-policies?domain=it&priority=P2", token: token).content.decode(Page<SLAPolicyDTO>.self)
            #expect(policies.items.first?.name == "急诊信息系统")
            #expect(policies.items.first?.resolveMinutes == 240)
            #expect(policies.items.first?.businessTime == false)
        }
    }
}
