import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

/// Helpers shared by the scorecard and payment tests.
struct EvalFixture {
    let h: Hospital
    let vendorId: UUID
    var env: TestEnv { h.env }

    static func make(_ env: TestEnv) async throws -> EvalFixture {
        let h = try await Hospital.make(env)
        let vendors = try await env.send(.GET, "/api/v1/vendors", token: h.admin).content.decode(Page<VendorDTO>.self)
        return EvalFixture(h: h, vendorId: try #require(vendors.items.first { $0.name == "智医信息技术有限公司" }).id)
    }

    static func at(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    func draft(_ month: String, token: String? = nil) async throws -> ScorecardDTO {
        let res = try await env.send(.POST, "/api/v1/scorecards", token: token ?? h.lead.token,
                                     json: ["vendorId": vendorId.uuidString, "month": month])
        try #require(res.status == .created, "draft \(month): \(res.status) \(res.body.string)")
        return try res.content.decode(ScorecardDTO.self)
    }

    struct ItemBody: Encodable, Sendable {
        var points: String?
        var comment: String?
    }

    /// Scores items (with a comment each, as a hand-entered score needs one).
    func score(_ id: UUID, _ points: [String: String], token: String? = nil, extra: [String: String] = [:]) async throws -> TestingHTTPResponse {
        struct Body: Encodable, Sendable { var items: [String: ItemBody] }
        let items = points.reduce(into: [String: ItemBody]()) { $0[$1.key] = ItemBody(points: $1.value, comment: extra[$1.key] ?? "依据：月度检查记录") }
        return try await env.send(.PATCH, "/api/v1/scorecards/\(id)", token: token ?? h.lead.token, json: Body(items: items))
    }

    func setFee(monthly: String = "100000", total: String = "1200000") async throws {
        let res = try await env.send(.PUT, "/api/v1/vendors/\(vendorId)/service-fee", token: h.lead.token,
                                     json: ["monthlyFee": monthly, "contractTotal": total])
        try #require(res.status == .ok, "fee: \(res.body.string)")
    }

    /// Dispatching to the vendor's on-site team acknowledges the fault: the response clock stops here.
    func dispatch(_ t: TicketDTO) async throws {
        let res = try await h.act(t, h.dispatcher.token, ["action": "assign", "teamId": h.vendorTeam.uuidString,
                                                         "assigneeId": h.vendorEngineer.id.uuidString])
        try #require(res.status == .ok, "assign: \(res.body.string)")
    }

    func resolve(_ t: TicketDTO) async throws {
        let res = try await h.act(t, h.vendorEngineer.token, ["action": "resolve", "resolution": "已处理，功能恢复"])
        try #require(res.status == .ok, "resolve: \(res.body.string)")
    }

    /// A browser signed in as `username` (whose administrator-set password is taken as chosen).
    func browser(_ username: String) async throws -> Browser {
        try await env.db.update("users").set("must_change_password", to: false).where("username", .equal, username).run()
        // Changed with SQL behind the application's back: tell the organisation in memory (it would see it within 5 s).
        env.app.yiwei.reference.invalidate()
        let b = Browser(env)
        _ = try await b.signIn(username, "Test#Pass2026")
        return b
    }

    func card(_ id: UUID, token: String? = nil) async throws -> ScorecardDTO {
        let res = try await env.send(.GET, "/api/v1/scorecards/\(id)", token: token ?? h.lead.token)
        try #require(res.status == .ok, "get: \(res.body.string)")
        return try res.content.decode(ScorecardDTO.self)
    }

    /// Every item scored so that the total is exactly `total` with no tickets, deliverables or surveys: the
    /// computed items give 25 (故障响应及时性, nothing late) + 7 (交付物, nothing due) = 32; the rest is spread.
    static func entries(for total: String) -> [String: String] {
        switch total {
        case "90.0": ["requirements_and_manuals": "8", "training": "10", "meetings_and_reports": "5", "inspection_rate": "15",
                      "emergency_plans": "10", "user_satisfaction": "10"]            // 48 + 10 + 32 = 90
        case "84.5": ["requirements_and_manuals": "8", "training": "10", "meetings_and_reports": "5", "inspection_rate": "15",
                      "emergency_plans": "10", "user_satisfaction": "4.5"]           // 48 + 4.5 + 32 = 84.5
        case "72.0": ["requirements_and_manuals": "6", "training": "8", "meetings_and_reports": "4", "inspection_rate": "12",
                      "emergency_plans": "8", "user_satisfaction": "2"]              // 38 + 2 + 32 = 72
        case "59.5": ["requirements_and_manuals": "4", "training": "5", "meetings_and_reports": "2", "inspection_rate": "8",
                      "emergency_plans": "5", "user_satisfaction": "3.5"]            // 24 + 3.5 + 32 = 59.5
        default: [:]
        }
    }
}

@Suite("Monthly scorecards (EVAL-1): computed items, entries, grade, confirmation, permissions, bad input")
struct ScorecardTests {
    /// November 2026, in the hospital's working hours (08:00–18:00, Monday 2 November):
    /// - 10 P3 faults reported 09:00, dispatched to the vendor's team 09:05 (that acknowledges them), resolved 09:30 —
    ///   within both targets (120 / 1200 working min);
    /// - 「T7」 P3 reported 09:00, dispatched 11:30: 150 working minutes against 120 → over, not more than 2 × 120 → an
    ///   overrun (ordinary; minor once the lead says it had no perceptible effect);
    /// - 「T8」 P3 reported 09:00, dispatched 14:00: 300 > 2 × 120 → a severe overrun;
    /// - a P1 reported Monday 09:00 and resolved Tuesday 10:00: 25 h > 24 h → a §3.5.3 event (5 %);
    /// - a P3 reported and dispatched Tuesday 10:00, still open at 10:30 → resolution undecided, not counted.
    /// Decided P3/P4: 12, within 10, r = 10/12 = 83.3 % ≥ 80 % → 合格 (one severe overrun rules out 优秀, and is
    /// fewer than the 2 that make 不合格); sub-band of [80 %, 100 %) into 13…20: ⌊(1000 − 960) × 8 ÷ (20 × 12)⌋ = ⌊1.33⌋ = 1 → 14.
    static func month(_ f: EvalFixture) async throws -> (t7: TicketDTO, t8: TicketDTO, p1: TicketDTO) {
        let env = f.env, h = f.h
        env.clock.set(EvalFixture.at("2026-11-02T09:00:00+08:00"))
        var within: [TicketDTO] = []
        for i in 1...10 { within.append(try await h.report(title: "门诊打印机故障 \(i)")) }
        let t7 = try await h.report(title: "收费窗口扫码枪无响应")
        let t8 = try await h.report(title: "病区护士站电脑无法开机")
        let p1 = try await h.report(title: "HIS 全院无法登录", extra: ["impact": "hospital", "urgency": "clinical"])
        #expect(p1.priority == "P1" && t7.priority == "P3")
        env.clock.set(EvalFixture.at("2026-11-02T09:05:00+08:00"))
        for t in within { try await f.dispatch(t) }
        try await f.dispatch(p1)
        env.clock.set(EvalFixture.at("2026-11-02T09:30:00+08:00"))
        for t in within { try await f.resolve(t) }
        env.clock.set(EvalFixture.at("2026-11-02T11:30:00+08:00"))
        try await f.dispatch(t7)
        env.clock.set(EvalFixture.at("2026-11-02T12:00:00+08:00"))
        try await f.resolve(t7)
        env.clock.set(EvalFixture.at("2026-11-02T14:00:00+08:00"))
        try await f.dispatch(t8)
        env.clock.set(EvalFixture.at("2026-11-02T14:30:00+08:00"))
        try await f.resolve(t8)
        env.clock.set(EvalFixture.at("2026-11-03T10:00:00+08:00"))
        try await f.resolve(p1)
        try await f.dispatch(try await h.report(title: "检验科条码打印机卡纸"))
        env.clock.set(EvalFixture.at("2026-11-03T10:30:00+08:00"))
        return (t7, t8, p1)
    }

    @Test("a vendor's month: timeliness 14 (合格) from the tickets, the 25-hour P1 as a severe event, entries → 80.4, 不合格")
    func monthEndToEnd() async throws {
        try await withYiwei { env in
            let f = try await EvalFixture.make(env)
            let (t7, t8, p1) = try await Self.month(f)
            let card = try await f.draft("2026-11")
            #expect(card.status == "draft")
            #expect(card.items.map(\.key) == ["requirements_and_manuals", "training", "meetings_and_reports", "inspection_rate",
                                              "emergency_plans", "deliverables", "incident_timeliness", "user_satisfaction"])
            #expect(card.items.map(\.maxPoints) == [8, 10, 5, 15, 10, 7, 25, 20])
            #expect(card.timeliness.incidents == 12)
            #expect(card.timeliness.withinSLA == 10)
            #expect(card.timeliness.undecided == 1)
            #expect(Set(card.timeliness.overruns.map(\.id)) == [t7.id, t8.id])
            #expect(card.timeliness.overruns.first { $0.id == t7.id }?.overrun == "ordinary")
            #expect(card.timeliness.overruns.first { $0.id == t8.id }?.overrun == "severe")
            let timeliness = try #require(card.items.first { $0.key == "incident_timeliness" })
            #expect(timeliness.suggestion?.points == 14)
            #expect(timeliness.suggestion?.band.grade == "pass")
            #expect(timeliness.suggestion?.rate == "10/12 (83.3%)")
            #expect(timeliness.points == 14)
            #expect(timeliness.suggestion?.evidence.contains { $0.href == "/tickets/\(t8.id)" } == true)
            #expect(timeliness.suggestion?.evidence.contains { $0.href.hasPrefix("/desk?teamId=\(f.h.vendorTeam)&createdFrom=2026-11-01&createdTo=2026-11-30") } == true)
            // §3.5.3: the P1 took 25 h from report to repair.
            #expect(card.severeEvents.p1RepairOverdue.map(\.id) == [p1.id])
            #expect(card.severeEvents.p1RepairOverdue.first?.detail == "25.0")
            #expect(card.severeEvents.penaltyPercent == 5)
            // Nothing registered, nothing due: 交付物 7 (优秀); no survey: 用户满意度 is entered by hand.
            #expect(card.items.first { $0.key == "deliverables" }?.points == 7)
            #expect(card.items.first { $0.key == "user_satisfaction" }?.suggestion == nil)
            #expect(card.items.first { $0.key == "user_satisfaction" }?.manualNote?.contains("没有科室提交满意度评价") == true)
            // Inspections do not exist in Yiwei yet: no number is invented.
            let inspection = try #require(card.items.first { $0.key == "inspection_rate" })
            #expect(inspection.points == nil && inspection.suggestion == nil)
            #expect(inspection.manualNote?.contains("巡检模块未启用") == true)
            #expect(!card.complete && card.grade == nil)

            // The lead: T7 had no perceptible effect → a minor overrun; the suggestion stays 14 (one severe overrun).
            struct Inputs: Encodable, Sendable { var inputs: [String: [UUID]] }
            let marked = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: f.h.lead.token,
                                            json: Inputs(inputs: ["noEffectTicketIds": [t7.id]]))
            #expect(marked.status == .ok, "\(marked.body.string)")
            let afterMark = try marked.content.decode(ScorecardDTO.self)
            #expect(afterMark.timeliness.overruns.first { $0.id == t7.id }?.overrun == "minor")
            #expect(afterMark.items.first { $0.key == "incident_timeliness" }?.points == 14)

            // Subjective and hand-entered items: 7 + 9 + 4 + 13 + 9 + 17.4, with 7 (交付物) and 14 (及时性) → 80.4.
            let scored = try await f.score(card.id, ["requirements_and_manuals": "7", "training": "9", "meetings_and_reports": "4",
                                                     "inspection_rate": "13", "emergency_plans": "9", "user_satisfaction": "17.4"])
            #expect(scored.status == .ok, "\(scored.body.string)")
            let full = try scored.content.decode(ScorecardDTO.self)
            #expect(full.complete)
            #expect(full.total == 80.4)
            #expect(full.gradeByScore == "pass")
            #expect(full.grade == "fail")  // the 25-hour P1
            #expect(full.items.first { $0.key == "inspection_rate" }?.comment == "依据：月度检查记录")
            #expect(full.items.first { $0.key == "inspection_rate" }?.band?.lowest == 12)

            // A computed item moves only inside its band, and only with a reason.
            let noReason = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: f.h.lead.token,
                                              json: ["items": ["incident_timeliness": ["points": "13"]]])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.errorFields["items.incident_timeliness.comment"] != nil)
            let outside = try await f.score(card.id, ["incident_timeliness": "21"])
            #expect(outside.status == .unprocessableEntity)
            #expect(outside.errorFields["items.incident_timeliness.points"]?.contains("13.0–20.0") == true)
            let adjusted = try await f.score(card.id, ["incident_timeliness": "13"], extra: ["incident_timeliness": "科室反映 T8 影响夜班交接"])
            #expect(adjusted.status == .ok)
            let adj = try adjusted.content.decode(ScorecardDTO.self)
            #expect(adj.total == 79.4)
            #expect(adj.items.first { $0.key == "incident_timeliness" }?.adjusted == true)

            // Recompute keeps an adjustment that is still inside the new band.
            let recomputed = try await env.send(.POST, "/api/v1/scorecards/\(card.id)/recompute", token: f.h.lead.token)
            #expect(recomputed.status == .ok)
            #expect(try recomputed.content.decode(ScorecardDTO.self).total == 79.4)

            // The pages show the card with its evidence and say the inspection module is not enabled.
            let browser = try await f.browser("zuzhang")
            let page = try await browser.get("/evaluation/scorecards/\(card.id)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("运维服务月度评价表") || html.contains("月度评价表"))
            #expect(html.contains("巡检模块未启用"))
            #expect(html.contains("/tickets/\(t8.id)"))
            #expect(html.contains("严重超时"))
            let list = try await browser.get("/evaluation/scorecards?month=2026-11")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("智医信息技术有限公司"))
            #expect(list.body.string.contains("79.4"))
        }
    }

    @Test("confirmation signs and locks: afterwards every change is 409, nothing changes, the attempts are audited")
    func confirmationLocks() async throws {
        try await withYiwei { env in
            let f = try await EvalFixture.make(env)
            try await f.setFee()
            let card = try await f.draft("2026-10")
            #expect(try await f.score(card.id, EvalFixture.entries(for: "84.5")).status == .ok)
            let incomplete = try await f.draft("2026-09")
            let refused = try await env.send(.POST, "/api/v1/scorecards/\(incomplete.id)/confirm", token: f.h.lead.token,
                                             json: ["vendorSignatory": "王工"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.errorFields["items.training.points"] == "not scored yet")

            let confirmed = try await env.send(.POST, "/api/v1/scorecards/\(card.id)/confirm", token: f.h.lead.token,
                                               json: ["vendorSignatory": "王工"])
            #expect(confirmed.status == .ok, "\(confirmed.body.string)")
            let c = try confirmed.content.decode(ScorecardDTO.self)
            #expect(c.status == "confirmed")
            #expect(c.confirmedById == f.h.lead.id)
            #expect(c.confirmedByName == "测试zuzhang")
            #expect(c.confirmedAt == env.clock.now())
            #expect(c.vendorSignatory == "王工")
            #expect(c.payment?.payableFen == 9_960_000)  // 100 000 − 100 000 × 0.5 × 0.8 % = 99 600.00

            let before = try await env.db.raw("SELECT data, updated_at FROM scorecards").first()!.decode(column: "data", as: String.self)
            let audits = try await env.count("audit_log")
            #expect(try await f.score(card.id, ["training": "9"]).status == .conflict)
            #expect(try await env.send(.POST, "/api/v1/scorecards/\(card.id)/recompute", token: f.h.lead.token).status == .conflict)
            #expect(try await env.send(.POST, "/api/v1/scorecards/\(card.id)/confirm", token: f.h.lead.token, json: ["vendorSignatory": "x"]).status == .conflict)
            let after = try await env.db.raw("SELECT data FROM scorecards").first()!.decode(column: "data", as: String.self)
            #expect(before == after)
            #expect(try await env.count("audit_log") == audits + 3)
            let refusedRows = try await env.db.raw("SELECT count(*) AS n FROM audit_log WHERE action = 'scorecard.change_refused'").first()!
                .decode(column: "n", as: Int.self)
            #expect(refusedRows == 3)
            #expect(try await f.card(card.id).total == 84.5)

            // 撤销确认 needs a reason, is audited, and reopens the card.
            let noReason = try await env.send(.POST, "/api/v1/scorecards/\(card.id)/revoke", token: f.h.lead.token, json: ["reason": " "])
            #expect(noReason.status == .unprocessableEntity)
            let revoked = try await env.send(.POST, "/api/v1/scorecards/\(card.id)/revoke", token: f.h.lead.token,
                                             json: ["reason": "事后发现 10 月 28 日一级故障未计入"])
            #expect(revoked.status == .ok)
            let r = try revoked.content.decode(ScorecardDTO.self)
            #expect(r.status == "draft" && r.payment == nil && r.confirmedAt == nil)
            let revokeAudit = try await env.db.raw("SELECT after FROM audit_log WHERE action = 'scorecard.revoke'").first()!.decode(column: "after", as: String.self)
            #expect(revokeAudit.contains("事后发现"))
            #expect(try await f.score(card.id, ["training": "9"]).status == .ok)
        }
    }

    @Test("bad input: points above the item's maximum, outside every band, unknown item, bad month → 4xx with fields, nothing changed")
    func badInput() async throws {
        try await withYiwei { env in
            let f = try await EvalFixture.make(env)
            let lead = f.h.lead.token
            for month in ["2026-13", "2026-1", "11-2026", "", "2026/11"] {
                let res = try await env.send(.POST, "/api/v1/scorecards", token: lead, json: ["vendorId": f.vendorId.uuidString, "month": month])
                #expect(res.status == .unprocessableEntity, "\(month)")
                #expect(res.errorFields["month"] != nil)
            }
            let noVendor = try await env.send(.POST, "/api/v1/scorecards", token: lead, json: ["vendorId": UUID().uuidString, "month": "2026-11"])
            #expect(noVendor.status == .unprocessableEntity)
            #expect(noVendor.errorFields["vendorId"] != nil)
            #expect(try await env.send(.GET, "/api/v1/scorecards?month=2026-13", token: lead).status == .badRequest)
            #expect(try await env.count("scorecards") == 0)

            let card = try await f.draft("2026-11")
            #expect(try await env.send(.POST, "/api/v1/scorecards", token: lead, json: ["vendorId": f.vendorId.uuidString, "month": "2026-11"]).status == .conflict)
            let before = try await env.db.raw("SELECT data FROM scorecards").first()!.decode(column: "data", as: String.self)
            let tooMany = try await f.score(card.id, ["training": "10.5", "requirements_and_manuals": "7"])
            #expect(tooMany.status == .unprocessableEntity)
            #expect(tooMany.errorFields["items.training.points"] == "must be between 0 and 10 (the item's maximum)")
            let gap = try await f.score(card.id, ["requirements_and_manuals": "4.5"])  // bands 7–8, 5–6, 0–4
            #expect(gap.status == .unprocessableEntity)
            #expect(gap.errorFields["items.requirements_and_manuals.points"]?.contains("no band") == true)
            let decimals = try await f.score(card.id, ["training": "8.25"])
            #expect(decimals.errorFields["items.training.points"]?.contains("one decimal") == true)
            let unknown = try await f.score(card.id, ["hygiene": "5"])
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.errorFields["items.hygiene"]?.hasPrefix("unknown item") == true)
            let noComment = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: lead, json: ["items": ["training": ["points": "9"]]])
            #expect(noComment.errorFields["items.training.comment"] != nil)
            let negative = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: lead, json: ["inputs": ["securityIncidents": -1]])
            #expect(negative.errorFields["inputs.securityIncidents"] != nil)
            let noNote = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: lead, json: ["inputs": ["securityIncidents": 1]])
            #expect(noNote.errorFields["inputs.severeEventNote"] != nil)
            let records = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: lead, json: ["inputs": ["records": "so-so"]])
            #expect(records.errorFields["inputs.records"] != nil)
            let notJSON = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: lead, raw: "points=9", contentType: "application/x-www-form-urlencoded")
            #expect(notJSON.status == .unsupportedMediaType)
            #expect(try await env.send(.GET, "/api/v1/scorecards/\(UUID())", token: lead).status == .notFound)
            let after = try await env.db.raw("SELECT data FROM scorecards").first()!.decode(column: "data", as: String.self)
            #expect(before == after)

            // Service fee: amounts in yuan, at most two decimals; the total not below the month.
            let fee = try await env.send(.PUT, "/api/v1/vendors/\(f.vendorId)/service-fee", token: lead, json: ["monthlyFee": "1.234", "contractTotal": "10"])
            #expect(fee.status == .unprocessableEntity)
            #expect(fee.errorFields["monthlyFee"] != nil && fee.errorFields["contractTotal"] == nil)
            let huge = try await env.send(.PUT, "/api/v1/vendors/\(f.vendorId)/service-fee", token: lead,
                                          json: ["monthlyFee": "99999999999999999", "contractTotal": "100"])
            #expect(huge.errorFields["monthlyFee"] != nil)
            // A JSON number: 17.4 is read as the tenth it was written as; 1e300 is refused, not trapped.
            struct NumberBody: Encodable, Sendable { var items: [String: [String: Double]] }
            let enormous = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: lead,
                                              json: NumberBody(items: ["training": ["points": 1e300]]))
            #expect(enormous.errorFields["items.training.points"] != nil)
            let lower = try await env.send(.PUT, "/api/v1/vendors/\(f.vendorId)/service-fee", token: lead, json: ["monthlyFee": "100", "contractTotal": "99"])
            #expect(lower.errorFields["contractTotal"] != nil)
            #expect(try await env.count("vendor_service_fees") == 0)
            #expect(try await env.send(.GET, "/api/v1/vendors/\(f.vendorId)/evaluation?year=twenty", token: lead).status == .badRequest)
        }
    }

    @Test("permissions: leads write; auditors read; a vendor reads only its own confirmed cards; others 403")
    func permissions() async throws {
        try await withYiwei { env in
            let f = try await EvalFixture.make(env)
            let h = f.h
            let otherVendor = try await env.send(.POST, "/api/v1/vendors", token: h.admin, json: ["name": "康联网络科技"]).content.decode(VendorDTO.self)
            let stranger = try await env.makeUser("kanglian", roles: ["vendor"], extra: ["vendorId": otherVendor.id.uuidString])
            let card = try await f.draft("2026-10")
            for token in [h.admin, h.nurse.token, h.engineer.token, h.dispatcher.token] {
                #expect(try await env.send(.GET, "/api/v1/scorecards", token: token).status == .forbidden)
                #expect(try await env.send(.GET, "/api/v1/scorecards/\(card.id)", token: token).status == .forbidden)
                #expect(try await env.send(.POST, "/api/v1/scorecards", token: token, json: ["vendorId": f.vendorId.uuidString, "month": "2026-09"]).status == .forbidden)
                #expect(try await env.send(.GET, "/api/v1/vendors/\(f.vendorId)/evaluation", token: token).status == .forbidden)
            }
            // The auditor reads everything and changes nothing.
            #expect(try await env.send(.GET, "/api/v1/scorecards/\(card.id)", token: h.auditor.token).status == .ok)
            #expect(try await env.send(.GET, "/api/v1/scorecards?vendorId=\(f.vendorId)", token: h.auditor.token).content.decode(ScorecardList.self).items.count == 1)
            #expect(try await f.score(card.id, ["training": "9"], token: h.auditor.token).status == .forbidden)
            #expect(try await env.send(.POST, "/api/v1/scorecards/\(card.id)/confirm", token: h.auditor.token, json: ["vendorSignatory": "x"]).status == .forbidden)
            #expect(try await env.send(.PUT, "/api/v1/vendors/\(f.vendorId)/service-fee", token: h.auditor.token,
                                       json: ["monthlyFee": "1", "contractTotal": "12"]).status == .forbidden)
            // The vendor: its draft is invisible; writes are refused.
            let vendor = h.vendorEngineer.token
            #expect(try await env.send(.GET, "/api/v1/scorecards/\(card.id)", token: vendor).status == .notFound)
            #expect(try await env.send(.GET, "/api/v1/scorecards", token: vendor).content.decode(ScorecardList.self).items.isEmpty)
            #expect(try await f.score(card.id, ["training": "9"], token: vendor).status == .forbidden)
            #expect(try await f.score(card.id, EvalFixture.entries(for: "90.0")).status == .ok)
            #expect(try await env.send(.POST, "/api/v1/scorecards/\(card.id)/confirm", token: h.lead.token, json: ["vendorSignatory": "王工"]).status == .ok)
            #expect(try await env.send(.GET, "/api/v1/scorecards/\(card.id)", token: vendor).status == .ok)
            #expect(try await env.send(.GET, "/api/v1/scorecards", token: vendor).content.decode(ScorecardList.self).items.count == 1)
            #expect(try await env.send(.GET, "/api/v1/vendors/\(f.vendorId)/evaluation?year=2026", token: vendor).status == .ok)
            // Another vendor sees nothing of it.
            #expect(try await env.send(.GET, "/api/v1/scorecards/\(card.id)", token: stranger.token).status == .notFound)
            #expect(try await env.send(.GET, "/api/v1/scorecards", token: stranger.token).content.decode(ScorecardList.self).items.isEmpty)
            #expect(try await env.send(.GET, "/api/v1/vendors/\(f.vendorId)/evaluation", token: stranger.token).status == .forbidden)
            // Refusals are audited.
            let denied = try await env.db.raw("SELECT count(*) AS n FROM audit_log WHERE action = 'permission.denied'").first()!.decode(column: "n", as: Int.self)
            #expect(denied >= 16)
            // Pages: the nurse is refused; the auditor sees the list without the draft button.
            let nurse = try await f.browser("hushi")
            #expect(try await nurse.get("/evaluation/scorecards").status == .forbidden)
            let auditor = try await f.browser("shenji")
            let list = try await auditor.get("/evaluation/scorecards?month=2026-10")
            #expect(list.status == .ok)
            #expect(!list.body.string.contains("起草评价表"))
            #expect(list.body.string.contains("供应商考核"))
        }
    }

    @Test("serious breach: 2 of 5 failing months warns (40 %), three in a row establishes it; the other leads are told")
    func seriousBreach() async throws {
        try await withYiwei { env in
            let f = try await EvalFixture.make(env)
            let lead2 = try await env.makeUser("fuzeren", roles: ["lead"])
            // Jun–Aug pass (72.0); Sep, Oct, Nov fail (59.5): Sep 1/4 = 25 %; Oct 2/5 = 40 % ≥ 40 % → warning;
            // Nov three failing in a row (Sep, Oct, Nov) → serious breach.
            let plan: [(String, String)] = [("2026-06", "72.0"), ("2026-07", "72.0"), ("2026-08", "72.0"),
                                            ("2026-09", "59.5"), ("2026-10", "59.5"), ("2026-11", "59.5")]
            var warnings: [Bool] = [], established: [Bool] = [], notices: [Int] = []
            for (month, total) in plan {
                let card = try await f.draft(month)
                #expect(try await f.score(card.id, EvalFixture.entries(for: total)).status == .ok)
                #expect(try await env.send(.POST, "/api/v1/scorecards/\(card.id)/confirm", token: f.h.lead.token, json: ["vendorSignatory": "王工"]).status == .ok)
                let o = try await env.send(.GET, "/api/v1/vendors/\(f.vendorId)/evaluation?year=2026", token: f.h.auditor.token)
                    .content.decode(VendorEvaluationService.Overview.self)
                warnings.append(o.warning.warning)
                established.append(o.warning.confirmed)
                notices.append(try await env.send(.GET, "/api/v1/notifications", token: lead2.token).content.decode(Page<NotificationDTO>.self).items
                    .filter { $0.event == "evaluation.serious_breach" }.count)
            }
            #expect(warnings == [false, false, false, false, true, true])
            #expect(established == [false, false, false, false, false, true])
            #expect(notices == [0, 0, 0, 0, 1, 2])
            let o = try await env.send(.GET, "/api/v1/vendors/\(f.vendorId)/evaluation?year=2026", token: f.h.lead.token)
                .content.decode(VendorEvaluationService.Overview.self)
            #expect(o.warning.threeInARow == ["2026-09", "2026-10", "2026-11"])
            #expect(o.warning.assessedMonths == 6 && o.warning.failedMonths == 3)
            #expect(o.warning.failSharePercent == 50)
            #expect(o.averageScore == 65.8)  // (3 × 72.0 + 3 × 59.5) ÷ 6 = 65.75 → 65.8
            #expect(o.months.count == 12 && o.months[5].grade == "pass" && o.months[10].grade == "fail")
            // Opening the notice leads the other lead to the vendor's evaluation page.
            let notice = try #require(try await env.send(.GET, "/api/v1/notifications", token: lead2.token).content.decode(Page<NotificationDTO>.self).items
                .first { $0.event == "evaluation.serious_breach" })
            let other = try await f.browser("fuzeren")
            let opened = try await other.get("/notifications/\(notice.id)/open")
            #expect(opened.status == .seeOther && opened.headers.first(name: .location) == "/evaluation/vendors/\(f.vendorId)")
            // The confirming lead sees it on the page, not in the inbox.
            let own = try await env.send(.GET, "/api/v1/notifications", token: f.h.lead.token).content.decode(Page<NotificationDTO>.self)
            #expect(own.items.filter { $0.event == "evaluation.serious_breach" }.isEmpty)
            let browser = try await f.browser("zuzhang")
            let page = try await browser.get("/evaluation/vendors/\(f.vendorId)?year=2026")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("连续三个月不合格（2026-09、2026-10、2026-11）"))
            let list = try await browser.get("/evaluation/scorecards?month=2026-11")
            #expect(list.body.string.contains("已构成严重违约"))
        }
    }
}
