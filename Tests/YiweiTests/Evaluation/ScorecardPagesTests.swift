import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Scorecard pages: draft, score with comments, the confirmation step, revoke, the service fee")
struct ScorecardPagesTests {
    @Test("a lead works a card through the pages; mistakes come back in Chinese beside the field and change nothing")
    func pageFlow() async throws {
        try await withYiwei { env in
            let f = try await EvalFixture.make(env)
            let b = try await f.browser("zuzhang")
            // The service fee, with a bad amount first.
            try await b.get("/evaluation/vendors/\(f.vendorId)?year=2026")
            let badFee = try await b.post("/evaluation/vendors/\(f.vendorId)/fee", [("monthlyFee", "10.005"), ("contractTotal", "120000")])
            #expect(badFee.status == .unprocessableEntity)
            #expect(try await env.count("vendor_service_fees") == 0)
            let fee = try await b.post("/evaluation/vendors/\(f.vendorId)/fee", [("monthlyFee", "100,000.00"), ("contractTotal", "1200000")])
            #expect(fee.status == .seeOther)

            try await b.get("/evaluation/scorecards?month=2026-10")
            #expect(b.lastPage.contains("起草评价表"))
            let drafted = try await b.post("/evaluation/scorecards", [("vendorId", f.vendorId.uuidString), ("month", "2026-10")])
            #expect(drafted.status == .seeOther)
            let location = try #require(drafted.headers.first(name: .location))
            let id = String(location.dropFirst("/evaluation/scorecards/".count))
            let page = try await b.get(location)
            #expect(page.body.string.contains("巡检模块未启用"))
            #expect(page.body.string.contains("name=\"points_inspection_rate\""))

            // A hand-entered score without its basis: refused, nothing saved.
            let before = try await env.db.raw("SELECT data FROM scorecards").first()!.decode(column: "data", as: String.self)
            let missing = try await b.post("/evaluation/scorecards/\(id)", [("points_inspection_rate", "13"), ("comment_inspection_rate", ""),
                                                                        ("points_training", "11"), ("comment_training", "按计划完成")])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("请填写评分依据"))
            #expect(missing.body.string.contains("应在 0 到 10 分之间"))
            #expect(try await env.db.raw("SELECT data FROM scorecards").first()!.decode(column: "data", as: String.self) == before)

            var fields: [(String, String)] = []
            for (key, points) in EvalFixture.entries(for: "84.5") { fields += [("points_" + key, points), ("comment_" + key, "据月度检查")] }
            fields += [("points_deliverables", "7"), ("points_incident_timeliness", "25"), ("records", "complete"),
                       ("informalComplaints", "0"), ("formalComplaints", "0"), ("recoveredDataLosses", "0"), ("securityIncidents", "0"),
                       ("severeEventNote", ""), ("vendorSignatory", "王工")]
            let saved = try await b.post("/evaluation/scorecards/\(id)", fields)
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(400))")
            #expect(try await f.card(UUID(uuidString: id)!).total == 84.5)

            // The confirmation step: the payment preview, and the check box is required.
            let step = try await b.get("/evaluation/scorecards/\(id)/confirm")
            #expect(step.body.string.contains("¥99,600.00"))
            let unchecked = try await b.post("/evaluation/scorecards/\(id)/confirm", [("vendorSignatory", "王工")])
            #expect(unchecked.status == .unprocessableEntity)
            #expect(try await f.card(UUID(uuidString: id)!).status == "draft")
            let confirmed = try await b.post("/evaluation/scorecards/\(id)/confirm", [("vendorSignatory", "王工"), ("checked", "on")])
            #expect(confirmed.status == .seeOther)
            let locked = try await b.get("/evaluation/scorecards/\(id)")
            #expect(locked.body.string.contains("本评价表已确认并锁定"))
            #expect(!locked.body.string.contains("name=\"points_training\""))
            #expect(locked.body.string.contains("④ 实际应付金额"))

            // 撤销确认 needs a reason.
            let noReason = try await b.post("/evaluation/scorecards/\(id)/revoke", [("reason", "")])
            #expect(noReason.status == .unprocessableEntity)
            try await b.get("/evaluation/scorecards/\(id)")
            let revoked = try await b.post("/evaluation/scorecards/\(id)/revoke", [("reason", "录入错误：培训实际完成 2 次")])
            #expect(revoked.status == .seeOther)
            #expect(try await f.card(UUID(uuidString: id)!).status == "draft")

            // The auditor reads the card but gets no form; the vendor's own account sees no draft.
            let auditor = try await f.browser("shenji")
            let read = try await auditor.get("/evaluation/scorecards/\(id)")
            #expect(read.status == .ok)
            #expect(!read.body.string.contains("name=\"points_training\""))
            #expect(try await auditor.post("/evaluation/scorecards/\(id)/recompute", []).status == .forbidden)
            let vendor = try await f.browser("vendor1")
            #expect(try await vendor.get("/evaluation/scorecards/\(id)").status == .notFound)
        }
    }
}
