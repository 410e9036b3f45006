import Fluent
import Foundation
import Vapor
import YiweiCore

struct ScoreBandDTO: Content, Equatable {
    var grade: String?
    var lowest: Double
    var highest: Double
    var criterion: String

    init(_ b: ScoreBand) {
        grade = b.grade?.rawValue
        lowest = Double(b.lowest.tenths) / 10
        highest = Double(b.highest.tenths) / 10
        criterion = b.criterion
    }
}

struct SuggestionDTO: Content, Equatable {
    var points: Double
    var band: ScoreBandDTO
    var rate: String?
    /// YiweiCore's rule trace.
    var reasons: [String]
    /// The same facts in the reader's language.
    var facts: [String]
    var evidence: [EvidenceLink]
}

struct ScorecardItemDTO: Content, Equatable {
    var key: String
    var name: String
    var maxPoints: Int
    var basis: String
    var source: String
    var points: Double?
    var comment: String?
    var band: ScoreBandDTO?
    var suggestion: SuggestionDTO?
    /// Why an objective item is entered by hand (e.g. the inspection module is not enabled).
    var manualNote: String?
    var adjusted: Bool
    var enteredByName: String?
    var enteredAt: Date?
    var rule: [String]
    var bands: [ScoreBandDTO]
}

struct SevereEventsDTO: Content, Equatable {
    var p1RepairOverdue: [TicketFact]
    var p2RepairOverdue: [TicketFact]
    var recoveredDataLosses: Int
    var securityIncidents: Int
    var note: String?
    var penaltyPercent: Int
}

struct TimelinessDTO: Content, Equatable {
    var incidents: Int
    var withinSLA: Int
    var undecided: Int
    var overruns: [TicketFact]
    var informalComplaints: Int
    var formalComplaints: Int
    var records: String
}

struct AttendanceDTO: Content, Equatable {
    var scheduled: Int
    var present: Int
    var rate: String
}

struct PaymentDTO: Content, Equatable {
    var plannedFen: Int
    var contractTotalFen: Int
    var score: Double
    var grade: String
    var scoreDeductionFen: Int
    var chargePercent: Int
    var chargesFen: Int
    var payableFen: Int
    var unrecoveredFen: Int
    var steps: [PaymentExplanation.Step]
}

struct ScorecardDTO: Content, Equatable {
    var id: UUID
    var vendorId: UUID
    var vendorName: String
    var month: String
    var status: String
    var complete: Bool
    var total: Double
    /// 评价结论 once all eight items are scored (不合格 with any §3.5.3 event).
    var grade: String?
    var gradeName: String?
    /// The result the total alone gives.
    var gradeByScore: String?
    var items: [ScorecardItemDTO]
    var timeliness: TimelinessDTO
    var severeEvents: SevereEventsDTO
    var attendance: AttendanceDTO?
    var queueLinks: [EvidenceLink]
    var payment: PaymentDTO?
    var vendorSignatory: String?
    var confirmedAt: Date?
    var confirmedById: UUID?
    var confirmedByName: String?
    var computedAt: Date
    var createdAt: Date
    var updatedAt: Date
}

struct ScorecardRowDTO: Content, Equatable {
    var id: UUID
    var vendorId: UUID
    var vendorName: String
    var month: String
    var status: String
    var total: Double?
    var grade: String?
    var payableFen: Int?
    var confirmedAt: Date?
}

struct ScorecardList: Content, Equatable {
    var items: [ScorecardRowDTO]
}

enum ScorecardDTOs {
    static func fill(_ key: String, _ args: [String: String], _ t: [String: String]) -> String {
        var text = t[key] ?? key
        for (k, v) in args { text = text.replacingOccurrences(of: "{\(k)}", with: t["eval_records_" + v] ?? v) }
        return text
    }

    static func dto(_ r: ScorecardRecord, vendorName: String, t: [String: String]) throws -> ScorecardDTO {
        let data = try ScorecardData.decode(r.data)
        let totals = ScorecardService.totals(data)
        let items = ScorecardTemplate.items.map { def -> ScorecardItemDTO in
            let stored = data.item(def.key)
            let points = stored?.pointsTenths.map { ScorePoints(tenths: $0) }
            let suggestion = stored?.suggestion.map { s in
                SuggestionDTO(points: Double(s.pointsTenths) / 10, band: ScoreBandDTO(def.bands[min(s.bandIndex, def.bands.count - 1)]), rate: s.rate,
                              reasons: s.reasons, facts: s.facts.map { fill($0.key, $0.args, t) },
                              evidence: s.evidence.map { EvidenceLink(label: t[$0.label] ?? $0.label, href: $0.href, detail: $0.detail) })
            }
            return ScorecardItemDTO(key: def.key.rawValue, name: def.name, maxPoints: def.maxPoints, basis: def.basis.rawValue,
                                    source: ItemSource.of(def.key).rawValue, points: points.map { Double($0.tenths) / 10 }, comment: stored?.comment,
                                    band: points.flatMap { def.band(for: $0) }.map(ScoreBandDTO.init), suggestion: suggestion,
                                    manualNote: stored?.manualReason.map { t[$0] ?? $0 }, adjusted: stored?.adjusted ?? false,
                                    enteredByName: stored?.enteredByName, enteredAt: stored?.enteredAt, rule: def.rule, bands: def.bands.map(ScoreBandDTO.init))
        }
        let events = data.severeEvents
        let snapshot = PaymentSnapshot.decode(r.payment)
        let grade = r.isConfirmed ? r.grade.flatMap(AssessmentGrade.init(rawValue:)) : totals.card?.grade
        return ScorecardDTO(
            id: try r.requireID(), vendorId: r.vendorId, vendorName: vendorName, month: r.month, status: r.status, complete: totals.complete,
            total: Double(r.isConfirmed ? (r.totalTenths ?? totals.total.tenths) : totals.total.tenths) / 10,
            grade: grade?.rawValue, gradeName: grade.map { t["eval_grade_" + $0.rawValue] ?? $0.name }, gradeByScore: totals.card?.gradeByScore.rawValue,
            items: items,
            timeliness: TimelinessDTO(incidents: data.incidents, withinSLA: data.withinSLA, undecided: data.undecided, overruns: data.overruns,
                                      informalComplaints: data.inputs.informalComplaints, formalComplaints: data.inputs.formalComplaints,
                                      records: data.inputs.records),
            severeEvents: SevereEventsDTO(p1RepairOverdue: data.p1Overdue, p2RepairOverdue: data.p2Overdue,
                                          recoveredDataLosses: data.inputs.recoveredDataLosses, securityIncidents: data.inputs.securityIncidents,
                                          note: data.inputs.severeEventNote, penaltyPercent: events.penaltyPercent),
            attendance: attendance(data),
            queueLinks: data.queueLinks,
            payment: snapshot.map { paymentDTO($0, t: t) },
            vendorSignatory: r.vendorSignatory, confirmedAt: r.confirmedAt, confirmedById: r.confirmedById, confirmedByName: r.confirmedByName,
            computedAt: r.computedAt, createdAt: r.createdAt, updatedAt: r.updatedAt)
    }

    static func attendance(_ data: ScorecardData) -> AttendanceDTO? {
        guard let scheduled = data.attendanceScheduled, let present = data.attendancePresent, scheduled > 0,
              let rate = try? ObjectiveScoring.attendanceRate(presentPersonDays: present, scheduledPersonDays: scheduled) else { return nil }
        return AttendanceDTO(scheduled: scheduled, present: present, rate: rate.description)
    }

    static func paymentDTO(_ p: PaymentSnapshot, t: [String: String]) -> PaymentDTO {
        PaymentDTO(plannedFen: p.plannedFen, contractTotalFen: p.contractTotalFen, score: Double(p.scoreTenths) / 10, grade: p.grade,
                   scoreDeductionFen: p.scoreDeductionFen, chargePercent: p.chargePercent, chargesFen: p.chargesFen, payableFen: p.payableFen,
                   unrecoveredFen: p.unrecoveredFen, steps: PaymentExplanation.steps(p, t: t))
    }

    static func row(_ r: ScorecardRecord, vendorName: String) -> ScorecardRowDTO {
        ScorecardRowDTO(id: r.id!, vendorId: r.vendorId, vendorName: vendorName, month: r.month, status: r.status,
                        total: r.totalTenths.map { Double($0) / 10 }, grade: r.grade, payableFen: r.payableFen, confirmedAt: r.confirmedAt)
    }
}

// The request bodies (ScorecardService reads them).

/// A score as the API receives it: a JSON number (`84.5`) or a string (`"84.5"`); at most one decimal.
struct ScoreInput: Codable, Sendable, Equatable {
    var text: String

    init(_ text: String) { self.text = text }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { text = s; return }
        // A JSON number arrives as a binary double: 17.4 is 17.399999…; take it to the tenth it was written as,
        // and keep more decimals (8.25) visible so that they are refused.
        if let d = try? c.decode(Double.self), d.isFinite, abs(d) < 1e12 {
            let tenths = (d * 10).rounded()
            text = abs(d * 10 - tenths) < 1e-6 ? ScorePoints(tenths: Int(tenths)).description : String(d)
            return
        }
        if let d = try? c.decode(Double.self) { text = String(d); return }  // out of any range: refused by the validation
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "a score is a number such as 7 or 7.5")
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

/// `PATCH /api/v1/scorecards/{id}`: any of these; items by key.
struct ScorecardPatch: Content, Sendable {
    struct Item: Content, Sendable {
        var points: ScoreInput?
        var comment: String?
    }
    struct Inputs: Content, Sendable {
        var informalComplaints: Int?
        var formalComplaints: Int?
        var records: String?
        var noEffectTicketIds: [UUID]?
        var recoveredDataLosses: Int?
        var securityIncidents: Int?
        var severeEventNote: String?
    }
    var items: [String: Item]?
    var inputs: Inputs?
    var vendorSignatory: String?
}

struct ScorecardCreate: Content, Sendable {
    var vendorId: String?
    var month: String?
}

struct ScorecardConfirm: Content, Sendable {
    var vendorSignatory: String?
}

struct ScorecardRevoke: Content, Sendable {
    var reason: String?
}
