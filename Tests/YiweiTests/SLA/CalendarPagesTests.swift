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
