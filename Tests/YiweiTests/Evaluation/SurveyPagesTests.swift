import Foundation
import Testing
import VaporTesting
import YiweiCore
@testable import Yiwei

@Suite("Register pages: survey on a phone, deliverables, attendance grid")
struct SurveyPagesTests {
    @Test("a lead starts a survey on the page; the nurse sees 待填问卷, the rubric, answers with the buttons; the lead sees the means")
    func surveyPages() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let lead = Browser(env)
            try await lead.signInFresh("zuzhang")
            let index = try await lead.get("/surveys")
            #expect(index.status == .ok && index.body.string.contains("发起满意度调查") && index.body.string.contains("智医信息技术有限公司"))
            let bad = try await lead.post("/surveys", [("month", "2026-12"), ("vendorIds[]", e.vendor.uuidString)])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("不能选择未来的月份") && bad.body.string.contains("必填"))
            try await lead.get("/surveys")
            let started = try await lead.post("/surveys", [("month", "2026-10"), ("vendorIds[]", e.vendor.uuidString),
                                                           ("departmentIds[]", e.respiratory.uuidString), ("departmentIds[]", e.laboratory.uuidString)])
            #expect(started.status == .seeOther)
            let survey = try await env.send(.GET, "/api/v1/surveys", token: e.h.auditor.token).content.decode(Page<SurveyDTO>.self).items[0]
            #expect(survey.departments.count == 2)

            let nurse = Browser(env)
            try await nurse.signInFresh("huxi")
            let home = try await nurse.get("/portal")
            #expect(home.body.string.contains("待填问卷"))
            // The bell's count comes from the same query: the survey's request is the nurse's one unread notification.
            #expect(home.body.string.contains(#"<span class="bell-count">1</span>"#))
            // The notification leads to the surveys waiting for the department (it has no ticket), and is read.
            let inbox = try await nurse.get("/notifications").body.string
            let open = try #require(inbox.range(of: #"/notifications/[0-9A-F-]{36}/open"#, options: .regularExpression).map { String(inbox[$0]) })
            let opened = try await nurse.get(open)
            #expect(opened.status == .seeOther && opened.headers.first(name: .location) == "/surveys")
            #expect(try await nurse.get("/notifications").body.string.contains("class=\"unread\"") == false)
            let form = try await nurse.get("/surveys/\(survey.id)")
            let html = form.body.string
            #expect(html.contains("响应速度") && html.contains("报修后瞬间响应远优于SLA，到场极快。") && html.contains("提交评价"))
            #expect(html.contains("name=\"resolution_effect\" value=\"10\""))
            let incomplete = try await nurse.post("/surveys/\(survey.id)/answer", [("response_speed", "9"), ("service_attitude", "9")])
            #expect(incomplete.status == .unprocessableEntity && incomplete.body.string.contains("还有维度未打分"))
            #expect(incomplete.body.string.contains("value=\"9\" checked")) // the choices are kept
            let done = try await nurse.post("/surveys/\(survey.id)/answer", [("response_speed", "9"), ("service_attitude", "9"), ("technical_competence", "8"),
                                                                             ("communication", "9"), ("resolution_effect", "8"), ("comment", "工程师很耐心")])
            #expect(done.status == .seeOther)
            let after = try await nurse.get("/surveys/\(survey.id)")
            #expect(after.body.string.contains("本科室的评价") && after.body.string.contains("8.6") && !after.body.string.contains("提交评价"))
            #expect(try await nurse.get("/portal").body.string.contains("待填问卷") == false)

            let progress = try await lead.get("/surveys/\(survey.id)")
            #expect(progress.body.string.contains("填写进度 1 / 2") && progress.body.string.contains("工程师很耐心") && progress.body.string.contains("17.2"))
            // Someone of another department may not open it.
            let stranger = Browser(env)
            try await stranger.signInFresh("hushi")
            #expect(try await stranger.get("/surveys/\(survey.id)").status == .notFound)
        }
    }

    @Test("the deliverables page registers one; the vendor uploads on its page; the lead returns it with a reason")
    func deliverablePages() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let lead = Browser(env)
            try await lead.signInFresh("zuzhang")
            #expect(try await lead.get("/evaluation/deliverables").body.string.contains("登记交付物"))
            let bad = try await lead.post("/evaluation/deliverables", [("vendorId", e.vendor.uuidString), ("type", "weekly_report"), ("title", ""), ("period", ""), ("dueDate", "2026-11-31")])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("日期格式应为"))
            try await lead.get("/evaluation/deliverables")
            let ok = try await lead.post("/evaluation/deliverables", [("vendorId", e.vendor.uuidString), ("type", "weekly_report"), ("title", "第47周运维周报"),
                                                                      ("period", "2026年第47周"), ("dueDate", "2026-11-23")])
            #expect(ok.status == .seeOther)
            let d = try await env.send(.GET, "/api/v1/deliverables", token: e.h.auditor.token).content.decode(Page<DeliverableDTO>.self).items[0]

            let vendor = Browser(env)
            try await vendor.signInFresh("vendor1")
            let page = try await vendor.get("/evaluation/deliverables/\(d.id)")
            #expect(page.body.string.contains("第47周运维周报") && page.body.string.contains("上传并提交") && !page.body.string.contains("验收通过"))
            let uploaded = try await vendor.postMultipart("/evaluation/deliverables/\(d.id)/files", [], file: ("周报.txt", Array("本周完成巡检 12 次。".utf8)))
            #expect(uploaded.status == .seeOther)
            let review = try await lead.get("/evaluation/deliverables/\(d.id)")
            #expect(review.body.string.contains("周报.txt") && review.body.string.contains("验收通过") && review.body.string.contains("按时"))
            let returned = try await lead.post("/evaluation/deliverables/\(d.id)/return", [("reason", "缺少故障统计")])
            #expect(returned.status == .seeOther)
            let shown = try await vendor.get("/evaluation/deliverables/\(d.id)")
            #expect(shown.body.string.contains("退回原因：缺少故障统计"))
            let auditor = Browser(env)
            try await auditor.signInFresh("shenji")
            #expect(try await auditor.get("/evaluation/deliverables").body.string.contains("第47周运维周报"))
            #expect(!(try await auditor.get("/evaluation/deliverables/\(d.id)").body.string.contains("上传并提交")))
        }
    }

    @Test("the attendance grid saves changed cells only and shows the rate; auditors read it without the form")
    func attendancePage() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let staff = try await env.send(.POST, "/api/v1/attendance/staff", token: e.h.lead.token,
                                           json: AttendanceTests.Staff(vendorId: e.vendor.uuidString, name: "王工", post: "网络及信息安全工程师"))
                .content.decode(OnsiteStaffDTO.self)
            let lead = Browser(env)
            try await lead.signInFresh("zuzhang")
            let page = try await lead.get("/evaluation/attendance?vendorId=\(e.vendor)&month=2026-10")
            #expect(page.status == .ok && page.body.string.contains("王工") && page.body.string.contains("按工作日排班"))
            var cells: [(String, String)] = [("vendorId", e.vendor.uuidString), ("month", "2026-10")]
            for day in 1...4 { cells.append(("c_\(staff.id)_2026-10-0\(day)", day == 4 ? "absent" : "present")) }
            cells.append(("c_\(staff.id)_2026-10-05", ""))
            let saved = try await lead.post("/evaluation/attendance", cells)
            #expect(saved.status == .seeOther)
            let after = try await lead.get("/evaluation/attendance?vendorId=\(e.vendor)&month=2026-10")
            #expect(after.body.string.contains("75.0%"))
            let figures = try await EvaluationInputs.attendance(vendorId: e.vendor, month: YearMonth("2026-10")!, on: env.app.db)
            #expect(figures.scheduled == 4 && figures.present == 3)
            let future = try await lead.post("/evaluation/attendance", [("vendorId", e.vendor.uuidString), ("month", "2026-11"), ("c_\(staff.id)_2026-11-30", "present")])
            #expect(future.status == .unprocessableEntity && future.body.string.contains("未到的日期只能排班"))
            let auditor = Browser(env)
            try await auditor.signInFresh("shenji")
            let read = try await auditor.get("/evaluation/attendance?vendorId=\(e.vendor)&month=2026-10")
            #expect(read.status == .ok && read.body.string.contains("75.0%") && !read.body.string.contains("保存考勤"))
            let nurse = Browser(env)
            try await nurse.signInFresh("hushi")
            #expect(try await nurse.get("/evaluation/attendance").status == .forbidden)
        }
    }
}
