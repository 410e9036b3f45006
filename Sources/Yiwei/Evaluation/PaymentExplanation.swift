import Foundation
import YiweiCore

/// The month's payment (考核付款) in words and numbers, one line per step, so that anyone can check it by
/// hand (每一步可核对). The numbers come from the stored `PaymentSnapshot`, which `PaymentRules.settle`
/// produced at confirmation; this only says how.
enum PaymentExplanation {
    struct Step: Codable, Equatable, Sendable {
        var label: String
        var formula: String
        var amount: String
    }

    static func steps(_ p: PaymentSnapshot, t: [String: String]) -> [Step] {
        func s(_ key: String, _ args: [String: String] = [:]) -> String {
            var text = t[key] ?? key
            for (k, v) in args { text = text.replacingOccurrences(of: "{\(k)}", with: v) }
            return text
        }
        let planned = Money(fen: p.plannedFen), score = ScorePoints(tenths: p.scoreTenths)
        var steps = [Step(label: s("pay_step_planned"), formula: s("pay_formula_planned"), amount: planned.description)]
        let deduction = Money(fen: p.scoreDeductionFen)
        if score >= PaymentRules.fullPaymentScore {
            steps.append(Step(label: s("pay_step_score"), formula: s("pay_formula_full", ["score": score.description]), amount: deduction.description))
        } else if score >= PaymentRules.minimumPayableScore {
            let below = PaymentRules.fullPaymentScore - score
            steps.append(Step(label: s("pay_step_score"),
                              formula: s("pay_formula_partial", ["planned": planned.description, "score": score.description, "below": below.description]),
                              amount: "−" + deduction.description))
        } else {
            steps.append(Step(label: s("pay_step_score"), formula: s("pay_formula_none", ["score": score.description]), amount: "−" + deduction.description))
        }
        let e = p.severeEvents
        if e.isEmpty {
            steps.append(Step(label: s("pay_step_charges"), formula: s("pay_formula_no_charges"), amount: Money.zero.description))
        } else {
            var parts: [String] = []
            if e.p1RepairOverdue > 0 { parts.append(s("pay_charge_p1", ["n": String(e.p1RepairOverdue)])) }
            if e.p2RepairOverdue > 0 { parts.append(s("pay_charge_p2", ["n": String(e.p2RepairOverdue)])) }
            if e.recoveredDataLosses > 0 { parts.append(s("pay_charge_data_loss", ["n": String(e.recoveredDataLosses)])) }
            if e.securityIncidents > 0 { parts.append(s("pay_charge_security", ["n": String(e.securityIncidents)])) }
            steps.append(Step(label: s("pay_step_charges"),
                              formula: s("pay_formula_charges", ["parts": parts.joined(separator: " + "), "percent": String(p.chargePercent),
                                                                 "total": Money(fen: p.contractTotalFen).description]),
                              amount: "−" + Money(fen: p.chargesFen).description))
        }
        steps.append(Step(label: s("pay_step_payable"),
                          formula: s("pay_formula_payable", ["planned": planned.description, "deduction": deduction.description,
                                                             "charges": Money(fen: p.chargesFen).description]),
                          amount: Money(fen: p.payableFen).description))
        if p.unrecoveredFen > 0 {
            steps.append(Step(label: s("pay_step_unrecovered"), formula: s("pay_formula_unrecovered"), amount: Money(fen: p.unrecoveredFen).description))
        }
        return steps
    }
}
