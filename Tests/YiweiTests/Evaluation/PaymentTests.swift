import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// 考核付款 (EVAL-3) through the API: the month's fee A = ¥100,000.00, the contract total T = ¥1,200,000.00.
/// Every expected amount is computed by hand in the comments (seed 002 §3.5.2, §3.5.3).
@Suite("Payment from a confirmed scorecard (EVAL-3): score formula, §3.5.3 charges, the calculation in words")
struct PaymentTests {
    struct Case: Sendable, CustomStringConvertible {
        var total: String
        var dataLosses: Int
        var securityIncidents: Int
        var deductionFen: Int
        var chargesFen: Int
        var payableFen: Int
        var unrecoveredFen: Int
        var grade: String
        var description: String { "\(total) +\(dataLosses) data loss +\(securityIncidents) security" }
    }

    static let cases: [Case] = [
        // 90.0 ≥ 85: paid in full.
        Case(total: "90.0", dataLosses: 0, securityIncidents: 0, deductionFen: 0, chargesFen: 0, payableFen: 10_000_000, unrecoveredFen: 0, grade: "excellent"),
        // 84.5: 100 000 × (85 − 84.5) × 0.8 % = 100 000 × 0.5 × 0.008 = 400.00 → 99 600.00.
        Case(total: "84.5", dataLosses: 0, securityIncidents: 0, deductionFen: 40_000, chargesFen: 0, payableFen: 9_960_000, unrecoveredFen: 0, grade: "pass"),
        // 72.0: 100 000 × 13 × 0.008 = 10 400.00 → 89 600.00.
        Case(total: "72.0", dataLosses: 0, securityIncidents: 0, deductionFen: 1_040_000, chargesFen: 0, payableFen: 8_960_000, unrecoveredFen: 0, grade: "pass"),
        // 59.5 < 60: the month is not paid: deduction = A.
        Case(total: "59.5", dataLosses: 0, securityIncidents: 0, deductionFen: 10_000_000, chargesFen: 0, payableFen: 0, unrecoveredFen: 0, grade: "fail"),
        // 90.0 with a security incident: 2 % × 1 200 000 = 24 000.00 → 100 000 − 24 000 = 76 000.00; 不合格 (§3.5.3).
        Case(total: "90.0", dataLosses: 0, securityIncidents: 1, deductionFen: 0, chargesFen: 2_400_000, payableFen: 7_600_000, unrecoveredFen: 0, grade: "fail"),
        // 84.5 with a recovered data loss: 3 % × 1 200 000 = 36 000.00 → 99 600 − 36 000 = 63 600.00.
        Case(total: "84.5", dataLosses: 1, securityIncidents: 0, deductionFen: 40_000, chargesFen: 3_600_000, payableFen: 6_360_000, unrecoveredFen: 0, grade: "fail"),
        // 72.0 with both: (3 % + 2 %) × 1 200 000 = 60 000.00 → 89 600 − 60 000 = 29 600.00.
        Case(total: "72.0", dataLosses: 1, securityIncidents: 1, deductionFen: 1_040_000, chargesFen: 6_000_000, payableFen: 2_960_000, unrecoveredFen: 0, grade: "fail"),
        // 59.5 with a security incident: 0 − 24 000 → pay 0.00; 24 000.00 cannot be taken from this month.
        Case(total: "59.5", dataLosses: 0, securityIncidents: 1, deductionFen: 10_000_000, chargesFen: 2_400_000, payableFen: 0, unrecoveredFen: 2_400_000, grade: "fail"),
    ]

    @Test("scores 90 / 84.5 / 72 / 59.5, with and without charges", arguments: cases)
    func payment(_ c: Case) async throws {
        try await withYiwei { env in
            let f = try await EvalFixture.make(env)
            try await f.setFee()
            let card = try await f.draft("2026-10")
            #expect(try await f.score(card.id, EvalFixture.entries(for: c.total)).status == .ok)
            if c.dataLosses + c.securityIncidents > 0 {
                let res = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: f.h.lead.token,
                                             json: ScorecardPatch(inputs: .init(recoveredDataLosses: c.dataLosses, securityIncidents: c.securityIncidents,
                                                                                severeEventNote: "数据库误删后已由备份恢复；弱口令已整改")))
                #expect(res.status == .ok, "\(res.body.string)")
            }
            let confirmed = try await env.send(.POST, "/api/v1/scorecards/\(card.id)/confirm", token: f.h.lead.token, json: ["vendorSignatory": "王工"])
            #expect(confirmed.status == .ok, "\(confirmed.body.string)")
            let dto = try confirmed.content.decode(ScorecardDTO.self)
            #expect(String(format: "%.1f", dto.total) == c.total)
            #expect(dto.grade == c.grade)
            let p = try #require(dto.payment)
            #expect(p.plannedFen == 10_000_000)
            #expect(p.contractTotalFen == 120_000_000)
            #expect(p.scoreDeductionFen == c.deductionFen)
            #expect(p.chargesFen == c.chargesFen)
            #expect(p.payableFen == c.payableFen)
            #expect(p.unrecoveredFen == c.unrecoveredFen)
            #expect(p.steps.first?.amount == "¥100,000.00")
            #expect(p.steps.contains { $0.amount == "¥" + String(format: "%@", moneyText(c.payableFen)) })
            let list = try await env.send(.GET, "/api/v1/scorecards?month=2026-10", token: f.h.auditor.token).content.decode(ScorecardList.self)
            #expect(list.items.first?.payableFen == c.payableFen)
        }
    }

    func moneyText(_ fen: Int) -> String {
        let yuan = fen / 100
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.groupingSeparator = ","
        f.usesGroupingSeparator = true
        f.locale = Locale(identifier: "en_US_POSIX")
        return (f.string(from: NSNumber(value: yuan)) ?? "") + String(format: ".%02d", fen % 100)
    }

    @Test("the calculation reads step by step in Chinese, and a later fee change never reprices a confirmed month")
    func stepsInWords() async throws {
        try await withYiwei { env in
            let f = try await EvalFixture.make(env)
            try await f.setFee()
            let card = try await f.draft("2026-10")
            #expect(try await f.score(card.id, EvalFixture.entries(for: "84.5")).status == .ok)
            // A score may also be a JSON number: 4.5 (a binary double) is read as 4.5.
            struct NumberItem: Encodable, Sendable { var points: Double; var comment: String }
            let asNumber = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: f.h.lead.token,
                                              json: ["items": ["user_satisfaction": NumberItem(points: 4.5, comment: "三个科室平均 2.25 分")]])
            #expect(try asNumber.content.decode(ScorecardDTO.self).total == 84.5)
            _ = try await env.send(.PATCH, "/api/v1/scorecards/\(card.id)", token: f.h.lead.token,
                                   json: ScorecardPatch(inputs: .init(recoveredDataLosses: 1, severeEventNote: "存储故障丢失 2 小时数据，已恢复")))
            let dto = try await env.send(.POST, "/api/v1/scorecards/\(card.id)/confirm", token: f.h.lead.token, json: ["vendorSignatory": "王工"])
                .content.decode(ScorecardDTO.self)
            let steps = try #require(dto.payment?.steps)
            #expect(steps.map(\.amount) == ["¥100,000.00", "−¥400.00", "−¥36,000.00", "¥63,600.00"])
            #expect(steps[1].formula == "60 ≤ 得分 84.5 < 85：¥100,000.00 × (85 − 84.5) × 0.8% = ¥100,000.00 × 0.5 × 0.8%（四舍五入到分）")
            #expect(steps[2].formula == "数据丢失 1 次 × 3% = 3% × 合同总金额 ¥1,200,000.00")
            #expect(steps[3].formula == "¥100,000.00 − ¥400.00 − ¥36,000.00（不低于 0）")
            // The fee changes in December: October keeps what it was confirmed at.
            try await f.setFee(monthly: "120000", total: "1440000")
            #expect(try await f.card(card.id).payment?.payableFen == 6_360_000)
            let year = try await env.send(.GET, "/api/v1/vendors/\(f.vendorId)/evaluation?year=2026", token: f.h.lead.token)
                .content.decode(VendorEvaluationService.Overview.self)
            #expect(year.payableTotalFen == 6_360_000)
            #expect(year.plannedTotalFen == 10_000_000)
            #expect(year.monthlyFeeFen == 12_000_000)
            // The card page prints the same steps.
            let browser = try await f.browser("zuzhang")
            let page = try await browser.get("/evaluation/scorecards/\(card.id)")
            #expect(page.body.string.contains("¥63,600.00"))
            #expect(page.body.string.contains("② 考核扣减（3.5.2）"))
        }
    }
}
