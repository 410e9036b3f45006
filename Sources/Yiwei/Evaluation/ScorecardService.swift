import Fluent
import Foundation
import Vapor
import YiweiCore

/// Where an item's score comes from in Yiwei today.
enum ItemSource: String, Codable, Sendable {
    /// 故障响应及时性: the vendor's P3/P4 incidents of the month and their SLA outcomes.
    case tickets
    /// 用户满意度: the departments' annex 2 surveys.
    case survey
    /// 交付物提交质量: the deliverable register.
    case deliverables
    /// An objective item whose records Yiwei does not keep yet (inspections, training, meetings): the lead
    /// enters it by hand with a note, and the page says which module is missing — no number is invented.
    case manual
    /// A subjective item of annex 1, entered by the IT department.
    case subjective

    static func of(_ key: ScorecardItemKey) -> ItemSource {
        switch key {
        case .requirementsAndManuals, .emergencyPlans: .subjective
        case .training, .meetingsAndReports, .inspectionRate: .manual
        case .deliverables: .deliverables
        case .incidentTimeliness: .tickets
        case .userSatisfaction: .survey
        }
    }

    /// The i18n key saying why an objective item is entered by hand.
    static func manualReason(_ key: ScorecardItemKey) -> String? {
        switch key {
        case .inspectionRate: "eval_manual_inspection"
        case .training: "eval_manual_training"
        case .meetingsAndReports: "eval_manual_meetings"
        default: nil
        }
    }
}

/// Drafting, scoring, recomputing, confirming and revoking monthly scorecards. Every change is one
/// transaction with its audit row; a confirmed card refuses every change (409, itself audited).
enum ScorecardService {
    static func month(_ field: String, _ text: String?, _ v: inout Validator) -> YearMonth? {
        guard let text, !text.isEmpty else { v.add(field, "required, as YYYY-MM"); return nil }
        guard let m = YearMonth(text), m.year >= 2000 else { v.add(field, "must be a month as YYYY-MM, e.g. 2026-11"); return nil }
        return m
    }

    static func emptyData() -> ScorecardData {
        ScorecardData(items: ScorecardTemplate.items.map { item in
            StoredItem(key: item.key.rawValue, manualReason: ItemSource.manualReason(item.key))
        })
    }

    // MARK: computing

    /// Fills the computed items' suggestions and the §3.5.3 ticket events from the month's records. A computed
    /// item takes its suggestion's points, unless the lead adjusted it and the adjustment is still inside the
    /// new suggestion's band.
    static func compute(_ data: inout ScorecardData, vendorId: UUID, month: YearMonth, timeZone: TimeZone,
                        on db: any Database, now: Date) async throws {
        let teams = try await ScorecardEvidence.vendorTeams(vendorId, on: db)
        let teamIds = teams.compactMap(\.id)
        // Overrun tickets the lead marked stay marked only while they are still overruns.
        let t = try await ScorecardEvidence.timeliness(teamIds: teamIds, month: month, inputs: data.inputs, timeZone: timeZone, on: db, now: now)
        data.inputs.noEffectTicketIds = data.inputs.noEffectTicketIds.filter { id in t.overruns.contains { $0.id == id } }
        data.incidents = t.incidents
        data.withinSLA = t.withinSLA
        data.undecided = t.undecided
        data.overruns = t.overruns
        data.queueLinks = teams.map { ScorecardEvidence.queueLink(team: $0, month: month, timeZone: timeZone) }
        let timeliness = try ObjectiveScoring.incidentTimeliness(t.counts)
        var tFacts: [StoredSuggestion.Fact] = [
            .init(key: "eval_fact_timeliness", args: ["n": String(t.incidents), "within": String(t.withinSLA),
                                                      "minor": String(t.counts.minorOverruns), "ordinary": String(t.counts.ordinaryOverruns),
                                                      "severe": String(t.counts.severeOverruns)]),
        ]
        if t.undecided > 0 { tFacts.append(.init(key: "eval_fact_undecided", args: ["n": String(t.undecided)])) }
        if t.counts.informalComplaints + t.counts.formalComplaints > 0 || t.counts.records != .complete {
            tFacts.append(.init(key: "eval_fact_complaints", args: ["informal": String(t.counts.informalComplaints),
                                                                    "formal": String(t.counts.formalComplaints),
                                                                    "records": t.counts.records.rawValue]))
        }
        var tEvidence = teams.map { ScorecardEvidence.queueLink(team: $0, month: month, timeZone: timeZone, priorities: "P3,P4") }
        tEvidence += t.overruns.map { EvidenceLink(label: $0.number, href: "/tickets/\($0.id)", detail: $0.overrun) }
        apply(timeliness, facts: tFacts, evidence: tEvidence, to: &data)

        let severe = try await ScorecardEvidence.severeEvents(teamIds: teamIds, month: month, timeZone: timeZone, on: db, now: now)
        data.p1Overdue = severe.p1
        data.p2Overdue = severe.p2

        let external = try await ScorecardInputsSource.load(vendorId: vendorId, month: month, on: db)
        // Records a rule cannot judge (a department twice, more on time than due) leave the item to the lead
        // with a note, rather than failing the whole card.
        if external.survey.isEmpty {
            data.update(.userSatisfaction) { $0.suggestion = nil; $0.manualReason = "eval_manual_no_survey"; $0.adjusted = false }
        } else if let s = try? ObjectiveScoring.userSatisfaction(external.survey), let mean = try? SatisfactionSurvey.departmentMean(external.survey) {
            apply(s, facts: [.init(key: "eval_fact_survey", args: ["n": String(external.survey.count), "mean": mean.description,
                                                                   "points": s.points.description])],
                  evidence: [EvidenceLink(label: "eval_link_survey", href: external.surveyHref, detail: nil)], to: &data)
            data.update(.userSatisfaction) { $0.manualReason = nil }
        } else {
            data.update(.userSatisfaction) { $0.suggestion = nil; $0.manualReason = "eval_manual_records_inconsistent"; $0.adjusted = false }
        }
        let d = external.deliverables
        let returned = d.returnedForRevision
        if let deliverables = try? ObjectiveScoring.deliverables(onTime: d.onTime, due: d.due, returnedForRevision: returned) {
            apply(deliverables, facts: [.init(key: "eval_fact_deliverables", args: ["due": String(d.due), "onTime": String(d.onTime),
                                                                                   "returned": String(returned)])],
                  evidence: [EvidenceLink(label: "eval_link_deliverables", href: external.deliverablesHref, detail: String(d.ids.count))], to: &data)
            data.update(.deliverables) { $0.manualReason = nil }
        } else {
            data.update(.deliverables) { $0.suggestion = nil; $0.manualReason = "eval_manual_records_inconsistent"; $0.adjusted = false }
        }
        data.attendanceScheduled = external.attendance.scheduled
        data.attendancePresent = external.attendance.present
    }

    private static func apply(_ s: ItemSuggestion, facts: [StoredSuggestion.Fact], evidence: [EvidenceLink], to data: inout ScorecardData) {
        let bands = s.item.definition.bands
        let stored = StoredSuggestion(pointsTenths: s.points.tenths, bandIndex: bands.firstIndex(of: s.band) ?? 0, reasons: s.reasons,
                                      rate: s.rate?.description, facts: facts, evidence: evidence)
        data.update(s.item) { item in
            item.suggestion = stored
            if item.adjusted, let p = item.pointsTenths, s.band.contains(ScorePoints(tenths: p)) { return }
            item.pointsTenths = stored.pointsTenths
            item.adjusted = false
        }
    }

    // MARK: totals

    struct Totals {
        var total: ScorePoints
        var complete: Bool
        var card: Scorecard?
    }

    static func totals(_ data: ScorecardData) -> Totals {
        var scores: [ScorecardItemKey: ScorePoints] = [:]
        for item in data.items {
            if let key = ScorecardItemKey(rawValue: item.key), let p = item.pointsTenths { scores[key] = ScorePoints(tenths: p) }
        }
        let total = scores.values.reduce(ScorePoints.zero, +)
        let card = try? Scorecard(scores: scores, severeEvents: data.severeEvents)
        return Totals(total: card?.total ?? total, complete: card != nil, card: card)
    }

    static func store(_ data: ScorecardData, in record: ScorecardRecord) throws {
        let t = totals(data)
        record.data = try data.encoded()
        record.totalTenths = t.total.tenths
        record.grade = t.card?.grade.rawValue
    }

    // MARK: validation of a patch

    static func validate(_ patch: ScorecardPatch, into data: inout ScorecardData, by user: CurrentUser, at now: Date) throws {
        var v = Validator()
        if let inputs = patch.inputs {
            func count(_ name: String, _ value: Int?, _ set: (Int) -> Void) {
                guard let value else { return }
                if (0...99).contains(value) { set(value) } else { v.add("inputs.\(name)", "must be a whole number 0–99") }
            }
            count("informalComplaints", inputs.informalComplaints) { data.inputs.informalComplaints = $0 }
            count("formalComplaints", inputs.formalComplaints) { data.inputs.formalComplaints = $0 }
            count("recoveredDataLosses", inputs.recoveredDataLosses) { data.inputs.recoveredDataLosses = $0 }
            count("securityIncidents", inputs.securityIncidents) { data.inputs.securityIncidents = $0 }
            if let r = inputs.records {
                if let q = v.oneOf("inputs.records", r, IncidentRecordQuality.self) { data.inputs.records = q.rawValue }
            }
            if let ids = inputs.noEffectTicketIds {
                let overrun = Set(data.overruns.map(\.id))
                if let bad = ids.first(where: { !overrun.contains($0) }) {
                    v.add("inputs.noEffectTicketIds", "\(bad) is not an overrun P3/P4 ticket of this card")
                } else {
                    data.inputs.noEffectTicketIds = Array(Set(ids))
                }
            }
            if let note = inputs.severeEventNote {
                data.inputs.severeEventNote = v.text("inputs.severeEventNote", note, required: false, max: 500)
            }
            if (data.inputs.recoveredDataLosses + data.inputs.securityIncidents) > 0,
               (data.inputs.severeEventNote ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                v.add("inputs.severeEventNote", "say what happened (required with a data loss or a security incident)")
            }
        }
        try v.check()
    }

    /// Applies item points and comments. Run after `compute` so computed items are checked against their
    /// current suggestion.
    static func applyItems(_ patch: ScorecardPatch, into data: inout ScorecardData, by user: CurrentUser, at now: Date) throws {
        var v = Validator()
        for (rawKey, entry) in (patch.items ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let key = ScorecardItemKey(rawValue: rawKey), var item = data.item(key) else {
                v.add("items.\(rawKey)", "unknown item; one of " + ScorecardItemKey.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            let def = key.definition
            if let comment = entry.comment {
                let trimmed = comment.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.count > 500 { v.add("items.\(rawKey).comment", "at most 500 characters") } else { item.comment = trimmed.isEmpty ? nil : trimmed }
            }
            if let input = entry.points {
                guard let points = ScorePoints(input.text) else {
                    v.add("items.\(rawKey).points", "must be a number with at most one decimal, 0–\(def.maxPoints)")
                    continue
                }
                guard points >= .zero, points <= def.maximum else {
                    v.add("items.\(rawKey).points", "must be between 0 and \(def.maxPoints) (the item's maximum)")
                    continue
                }
                guard let band = def.band(for: points) else {
                    v.add("items.\(rawKey).points", "falls in no band of the item: " + def.bands.map { "\($0.lowest)–\($0.highest)" }.joined(separator: ", "))
                    continue
                }
                if let s = item.suggestion {
                    let suggested = def.bands[s.bandIndex]
                    guard band == suggested else {
                        v.add("items.\(rawKey).points", "the records put this item in \(suggested.lowest)–\(suggested.highest); stay within that band")
                        continue
                    }
                    item.adjusted = points.tenths != s.pointsTenths
                }
                item.pointsTenths = points.tenths
                item.enteredById = user.id
                item.enteredByName = user.displayName
                item.enteredAt = now
            }
            // A hand-entered score carries its reason; so does a computed one the lead changed.
            let needsComment = item.pointsTenths != nil && (item.suggestion == nil || item.adjusted)
            if needsComment && (item.comment ?? "").isEmpty && entry.points != nil {
                v.add("items.\(rawKey).comment", item.suggestion == nil ? "required: say what the score rests on"
                                                                     : "required when changing a computed score")
            }
            data.update(key) { $0 = item }
        }
        try v.check()
    }

    // MARK: operations

    static func load(_ id: UUID?, on db: any Database) async throws -> ScorecardRecord {
        guard let id, let record = try await ScorecardRecord.find(id, on: db) else { throw AppError.notFound("scorecard") }
        return record
    }

    /// A change to a confirmed card: refused with 409, and the attempt is audited.
    static func refuseLocked(_ record: ScorecardRecord, _ action: String, actor: AuditActor, now: Date, writer: Application) async throws -> Never {
        let id = try record.requireID().uuidString
        let entity = ["vendorId": record.vendorId.uuidString, "month": record.month, "attempted": action]
        try? await writer.write { db in
            try await AuditLog.append(on: db, at: now, actor: actor, action: "scorecard.change_refused", entityType: "scorecard",
                                      entityId: id, after: entity)
        }
        throw AppError(.conflict, .scorecardConfirmed, "the scorecard was confirmed on \(record.confirmedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?") and is locked")
    }

    static func create(_ body: ScorecardCreate, by user: CurrentUser, actor: AuditActor, now: Date, timeZone zone: TimeZone,
                       on db: any Database, writer: Application) async throws -> ScorecardRecord {
        var v = Validator()
        let vendorId = v.uuid("vendorId", body.vendorId, required: true)
        let month = Self.month("month", body.month, &v)
        try v.check()
        guard let vendor = try await Vendor.find(vendorId, on: db) else { throw AppError.validation(["vendorId": "no such vendor"]) }
        var data = emptyData()
        try await compute(&data, vendorId: try vendor.requireID(), month: month!, timeZone: zone, on: db, now: now)
        let record = ScorecardRecord()
        record.vendorId = try vendor.requireID()
        record.month = month!.description
        record.status = "draft"
        record.computedAt = now
        record.createdById = user.id
        record.createdAt = now
        record.updatedAt = now
        try store(data, in: record)
        let saved = UncheckedModel(record)
        let monthText = month!.description
        try await writer.write { db in
            if try await ScorecardRecord.query(on: db).filter(\.$vendorId == saved.model.vendorId).filter(\.$month == monthText).first() != nil {
                throw AppError.conflict(.scorecardExists, "\(vendor.name) already has a scorecard for \(monthText)", field: "month")
            }
            try await saved.model.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "scorecard.create", entityType: "scorecard",
                                      entityId: try saved.model.requireID().uuidString, after: ["vendorId": try vendor.requireID().uuidString, "month": monthText])
        }
        return record
    }

    static func patch(_ id: UUID?, _ patch: ScorecardPatch, by user: CurrentUser, actor: AuditActor, now: Date, timeZone zone: TimeZone,
                      on db: any Database, writer: Application) async throws -> ScorecardRecord {
        let record = try await load(id, on: db)
        if record.isConfirmed { try await refuseLocked(record, "update", actor: actor, now: now, writer: writer) }
        guard let month = YearMonth(record.month) else { throw AppError.notFound("scorecard") }
        let before = try ScorecardData.decode(record.data)
        var data = before
        try validate(patch, into: &data, by: user, at: now)
        var signatory = record.vendorSignatory
        if let s = patch.vendorSignatory {
            var v = Validator()
            signatory = v.text("vendorSignatory", s, required: false, max: 50)
            try v.check()
        }
        try await compute(&data, vendorId: record.vendorId, month: month, timeZone: zone, on: db, now: now)
        try applyItems(patch, into: &data, by: user, at: now)
        try store(data, in: record)
        record.vendorSignatory = signatory
        record.computedAt = now
        record.updatedAt = now
        try await save(record, action: "scorecard.update", before: before, after: data, actor: actor, now: now, writer: writer)
        return record
    }

    static func recompute(_ id: UUID?, actor: AuditActor, now: Date, timeZone: TimeZone, on db: any Database,
                          writer: Application) async throws -> ScorecardRecord {
        let record = try await load(id, on: db)
        if record.isConfirmed { try await refuseLocked(record, "recompute", actor: actor, now: now, writer: writer) }
        guard let month = YearMonth(record.month) else { throw AppError.notFound("scorecard") }
        let before = try ScorecardData.decode(record.data)
        var data = before
        try await compute(&data, vendorId: record.vendorId, month: month, timeZone: timeZone, on: db, now: now)
        try store(data, in: record)
        record.computedAt = now
        record.updatedAt = now
        try await save(record, action: "scorecard.recompute", before: before, after: data, actor: actor, now: now, writer: writer)
        return record
    }

    /// Saves a draft, checking inside the transaction that nobody confirmed it meanwhile.
    private static func save(_ record: ScorecardRecord, action: String, before: ScorecardData, after: ScorecardData, actor: AuditActor,
                             now: Date, writer: Application) async throws {
        let saved = UncheckedModel(record)
        let (b, a) = (AuditSummary(before), AuditSummary(after))
        try await writer.write { db in
            guard let current = try await ScorecardRecord.find(saved.model.id, on: db), !current.isConfirmed else {
                throw AppError(.conflict, .scorecardConfirmed, "the scorecard was confirmed meanwhile and is locked")
            }
            try await saved.model.save(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: action, entityType: "scorecard",
                                      entityId: try saved.model.requireID().uuidString, before: b, after: a)
        }
    }

    /// The audited view of a card: points per item, inputs, events.
    struct AuditSummary: Encodable, Sendable {
        var points: [String: String]
        var comments: [String: String]
        var inputs: LeadInputs
        var p1RepairOverdue: Int
        var p2RepairOverdue: Int
        init(_ d: ScorecardData) {
            points = Dictionary(uniqueKeysWithValues: d.items.map { ($0.key, $0.pointsTenths.map { ScorePoints(tenths: $0).description } ?? "") })
            comments = Dictionary(uniqueKeysWithValues: d.items.compactMap { i in i.comment.map { (i.key, $0) } })
            inputs = d.inputs
            p1RepairOverdue = d.p1Overdue.count
            p2RepairOverdue = d.p2Overdue.count
        }
    }

    static func confirm(_ id: UUID?, _ body: ScorecardConfirm, by user: CurrentUser, actor: AuditActor, now: Date, on db: any Database,
                        writer: Application) async throws -> ScorecardRecord {
        let record = try await load(id, on: db)
        if record.isConfirmed { try await refuseLocked(record, "confirm", actor: actor, now: now, writer: writer) }
        var v = Validator()
        var signatory = record.vendorSignatory
        if let s = body.vendorSignatory { signatory = v.text("vendorSignatory", s, required: false, max: 50) }
        let data = try ScorecardData.decode(record.data)
        for item in data.items where item.pointsTenths == nil { v.add("items.\(item.key).points", "not scored yet") }
        try v.check()
        guard let card = totals(data).card, let month = YearMonth(record.month) else { throw AppError.validation(["items": "incomplete"]) }
        let fee = try await VendorServiceFee.query(on: db).filter(\.$vendorId == record.vendorId).first()
        var snapshot: PaymentSnapshot?
        if let fee {
            let contractTotal = Money(fen: fee.contractTotalFen)
            let s = try PaymentRules.settle(plannedAmount: Money(fen: fee.monthlyFeeFen), contractTotal: contractTotal, score: card.total,
                                            events: card.severeEvents)
            snapshot = PaymentSnapshot(s, contractTotal: contractTotal, events: card.severeEvents)
        }
        record.status = "confirmed"
        record.vendorSignatory = signatory
        record.confirmedAt = now
        record.confirmedById = user.id
        record.confirmedByName = user.displayName
        record.payment = try snapshot?.encoded()
        record.payableFen = snapshot?.payableFen
        record.totalTenths = card.total.tenths
        record.grade = card.grade.rawValue
        record.updatedAt = now
        let vendor = try await Vendor.find(record.vendorId, on: db)
        let saved = UncheckedModel(record)
        let after: [String: String] = ["total": card.total.description, "grade": card.grade.rawValue,
                                       "payableFen": snapshot.map { String($0.payableFen) } ?? "", "vendorSignatory": signatory ?? ""]
        let vendorName = vendor?.name ?? ""
        let startMonth = VendorEvaluationService.serviceYearStartMonth(vendor)
        try await writer.write { db in
            guard let current = try await ScorecardRecord.find(saved.model.id, on: db), !current.isConfirmed else {
                throw AppError(.conflict, .scorecardConfirmed, "the scorecard was confirmed meanwhile and is locked")
            }
            let year = VendorEvaluationService.serviceYear(containing: month, startMonth: startMonth)
            let beforeCheck = try await VendorEvaluationService.breachCheck(vendorId: saved.model.vendorId, year: year, on: db)
            try await saved.model.save(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "scorecard.confirm", entityType: "scorecard",
                                      entityId: try saved.model.requireID().uuidString, after: after)
            let afterCheck = try await VendorEvaluationService.breachCheck(vendorId: saved.model.vendorId, year: year, on: db)
            if (afterCheck.warning && !beforeCheck.warning) || (afterCheck.confirmed && !beforeCheck.confirmed) {
                try await VendorEvaluationService.notifyBreach(vendorId: saved.model.vendorId, vendorName: vendorName, month: month,
                                                               check: afterCheck, actor: actor.id, on: db, now: now)
            }
        }
        return record
    }

    /// 撤销确认: a lead reopens a confirmed card with a reason (a P1 found late, a typing error). The card
    /// returns to draft; its payment is withdrawn until it is confirmed again; the audit log keeps the
    /// confirmed state and the reason.
    static func revoke(_ id: UUID?, _ body: ScorecardRevoke, actor: AuditActor, now: Date, on db: any Database,
                       writer: Application) async throws -> ScorecardRecord {
        let record = try await load(id, on: db)
        var v = Validator()
        let reason = v.text("reason", body.reason, required: true, max: 500)
        try v.check()
        guard record.isConfirmed else { throw AppError(.conflict, .scorecardNotConfirmed, "only a confirmed scorecard can be revoked") }
        let before: [String: String] = ["status": record.status, "total": record.totalTenths.map { ScorePoints(tenths: $0).description } ?? "",
                                        "grade": record.grade ?? "", "payment": record.payment ?? "",
                                        "confirmedBy": record.confirmedByName ?? "",
                                        "confirmedAt": record.confirmedAt.map { ISO8601DateFormatter().string(from: $0) } ?? ""]
        record.status = "draft"
        record.confirmedAt = nil
        record.confirmedById = nil
        record.confirmedByName = nil
        record.payment = nil
        record.payableFen = nil
        record.updatedAt = now
        let saved = UncheckedModel(record)
        try await writer.write { db in
            try await saved.model.save(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "scorecard.revoke", entityType: "scorecard",
                                      entityId: try saved.model.requireID().uuidString, before: before, after: ["status": "draft", "reason": reason ?? ""])
        }
        return record
    }
}
