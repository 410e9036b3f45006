import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// One vendor's monthly scorecard (月度考核评分表, seed 002 annex 1). The eight items, the suggestions
/// Yiwei computed and the evidence behind them live in `data` (JSON, `ScorecardData`); the figures that
/// lists sort and filter by (total, grade, payment) are columns.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one task at a time.
final class ScorecardRecord: Model, @unchecked Sendable {
    static let schema = "scorecards"
    @ID(key: .id) var id: UUID?
    @Field(key: "vendor_id") var vendorId: UUID
    /// `2026-11`
    @Field(key: "month") var month: String
    /// `draft` or `confirmed`
    @Field(key: "status") var status: String
    @Field(key: "data") var data: String
    /// Sum of the scored items, in tenths (all eight once complete).
    @OptionalField(key: "total_tenths") var totalTenths: Int?
    /// excellent / pass / fail once all eight items are scored.
    @OptionalField(key: "grade") var grade: String?
    /// The settlement at confirmation (`PaymentSnapshot` JSON); nil while a draft or without a service fee.
    @OptionalField(key: "payment") var payment: String?
    @OptionalField(key: "payable_fen") var payableFen: Int?
    @OptionalField(key: "vendor_signatory") var vendorSignatory: String?
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "confirmed_by_id") var confirmedById: UUID?
    @OptionalField(key: "confirmed_by_name") var confirmedByName: String?
    @Field(key: "computed_at") var computedAt: Date
    @Field(key: "created_by_id") var createdById: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}

    var isConfirmed: Bool { status == "confirmed" }
}

/// Per vendor: the monthly service fee a confirmed scorecard prices, and the contract total the §3.5.3
/// charges are a share of (合同总金额). Fen, exact.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one task at a time.
final class VendorServiceFee: Model, @unchecked Sendable {
    static let schema = "vendor_service_fees"
    @ID(key: .id) var id: UUID?
    @Field(key: "vendor_id") var vendorId: UUID
    @Field(key: "monthly_fee_fen") var monthlyFeeFen: Int
    @Field(key: "contract_total_fen") var contractTotalFen: Int
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "updated_by_id") var updatedById: UUID?
    init() {}
}

// MARK: - The JSON held in `scorecards.data`

/// A link to the records an item was computed from.
struct EvidenceLink: Codable, Equatable, Sendable {
    /// An i18n key (with `{n}` filled from `count`) or, for tickets, the ticket number.
    var label: String
    var href: String
    var detail: String?
}

/// What Yiwei computed for an item: the annex band, the points, the rule trace and the evidence.
struct StoredSuggestion: Codable, Equatable, Sendable {
    var pointsTenths: Int
    /// Index into the item's `bands` (0 = highest).
    var bandIndex: Int
    /// YiweiCore's rule trace (English).
    var reasons: [String]
    /// `29/30 (96.7%)`, when the item has a rate.
    var rate: String?
    /// Chinese facts lines: (i18n key, arguments).
    var facts: [Fact]
    var evidence: [EvidenceLink]

    struct Fact: Codable, Equatable, Sendable {
        var key: String
        var args: [String: String]
    }
}

struct StoredItem: Codable, Equatable, Sendable {
    var key: String
    var pointsTenths: Int?
    var comment: String?
    var suggestion: StoredSuggestion?
    /// Why Yiwei did not compute it (an i18n key), for an objective item entered by hand.
    var manualReason: String?
    /// The lead changed a computed item's points within its band.
    var adjusted: Bool = false
    var enteredById: UUID?
    var enteredByName: String?
    var enteredAt: Date?
}

/// One ticket that counts for the card (an overrun, a severe event).
struct TicketFact: Codable, Equatable, Sendable {
    var id: UUID
    var number: String
    var title: String
    var priority: String
    /// within_sla / minor / ordinary / severe for P3/P4 overruns; nil for P1/P2 severe events.
    var overrun: String?
    /// Wall-clock hours from report to repair (P1/P2), or worst elapsed ÷ target (P3/P4), for display.
    var detail: String
    var noPerceptibleEffect: Bool = false
}

/// What the lead enters besides the points: the facts the data cannot know.
struct LeadInputs: Codable, Equatable, Sendable {
    var informalComplaints = 0
    var formalComplaints = 0
    /// complete / minor_gaps / deficient
    var records = IncidentRecordQuality.complete.rawValue
    /// Overrun P3/P4 tickets the lead judged to have had no perceptible effect (轻微超时).
    var noEffectTicketIds: [UUID] = []
    var recoveredDataLosses = 0
    var securityIncidents = 0
    var severeEventNote: String?
}

struct ScorecardData: Codable, Equatable, Sendable {
    var items: [StoredItem]
    var inputs = LeadInputs()
    /// P3/P4 incidents: counts as computed.
    var incidents = 0
    var withinSLA = 0
    var undecided = 0
    var overruns: [TicketFact] = []
    var p1Overdue: [TicketFact] = []
    var p2Overdue: [TicketFact] = []
    /// 驻场到岗率 (EVAL-4): reported beside the card, not scored (annex 1 has no item for it).
    var attendanceScheduled: Int?
    var attendancePresent: Int?
    /// Evidence links for the whole card (the month's ticket queue per vendor team).
    var queueLinks: [EvidenceLink] = []

    func item(_ key: ScorecardItemKey) -> StoredItem? { items.first { $0.key == key.rawValue } }
    mutating func update(_ key: ScorecardItemKey, _ change: (inout StoredItem) -> Void) {
        if let i = items.firstIndex(where: { $0.key == key.rawValue }) { change(&items[i]) }
    }

    var severeEvents: SevereEvents {
        SevereEvents(p1RepairOverdue: p1Overdue.count, p2RepairOverdue: p2Overdue.count,
                     recoveredDataLosses: inputs.recoveredDataLosses, securityIncidents: inputs.securityIncidents)
    }

    static let coder: (JSONEncoder, JSONDecoder) = {
        let e = JSONEncoder(), d = JSONDecoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        d.dateDecodingStrategy = .iso8601
        return (e, d)
    }()

    static func decode(_ text: String) throws -> ScorecardData { try coder.1.decode(ScorecardData.self, from: Data(text.utf8)) }
    func encoded() throws -> String { String(decoding: try Self.coder.0.encode(self), as: UTF8.self) }
}

/// The settlement stored when a card is confirmed, so a later change of the fee never reprices it.
struct PaymentSnapshot: Codable, Equatable, Sendable {
    var plannedFen: Int
    var contractTotalFen: Int
    var scoreTenths: Int
    var grade: String
    var scoreDeductionFen: Int
    var chargePercent: Int
    var chargesFen: Int
    var payableFen: Int
    var unrecoveredFen: Int
    var events: Events

    struct Events: Codable, Equatable, Sendable {
        var p1RepairOverdue: Int
        var p2RepairOverdue: Int
        var recoveredDataLosses: Int
        var securityIncidents: Int
    }

    init(_ s: PaymentSettlement, contractTotal: Money, events e: SevereEvents) {
        plannedFen = s.plannedAmount.fen
        contractTotalFen = contractTotal.fen
        scoreTenths = s.score.tenths
        grade = s.grade.rawValue
        scoreDeductionFen = s.scoreDeduction.fen
        chargePercent = s.chargePercent
        chargesFen = s.charges.fen
        payableFen = s.payable.fen
        unrecoveredFen = s.unrecovered.fen
        events = Events(p1RepairOverdue: e.p1RepairOverdue, p2RepairOverdue: e.p2RepairOverdue,
                        recoveredDataLosses: e.recoveredDataLosses, securityIncidents: e.securityIncidents)
    }

    var severeEvents: SevereEvents {
        SevereEvents(p1RepairOverdue: events.p1RepairOverdue, p2RepairOverdue: events.p2RepairOverdue,
                     recoveredDataLosses: events.recoveredDataLosses, securityIncidents: events.securityIncidents)
    }

    static func decode(_ text: String?) -> PaymentSnapshot? {
        text.flatMap { try? ScorecardData.coder.1.decode(PaymentSnapshot.self, from: Data($0.utf8)) }
    }
    func encoded() throws -> String { String(decoding: try ScorecardData.coder.0.encode(self), as: UTF8.self) }
}
