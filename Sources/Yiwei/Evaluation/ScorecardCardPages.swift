import Fluent
import Foundation
import Vapor
import YiweiCore

/// 供应商考核: one card laid out as seed 002 annex 1 (printable on A4), and the form that scores it (the list and the
/// confirmation step are in ScorecardPages.swift).
extension ScorecardPages {
    // MARK: the card

    struct EvidenceView: Encodable {
        var label: String
        var href: String
        var detail: String?
    }

    struct ItemView: Encodable {
        var index: Int
        var key: String
        var name: String
        var maxPoints: Int
        var rule: [String]
        var points: String
        var bandLabel: String
        var sourceLabel: String
        var manualNote: String?
        var computed: Bool
        var suggestionPoints: String?
        var suggestionBand: String?
        var rate: String?
        var facts: [String]
        var reasons: [String]
        var evidence: [EvidenceView]
        var comment: String
        var adjusted: Bool
        var enteredBy: String?
        var pointsError: String?
        var commentError: String?
        var bandsHint: String
    }

    struct OverrunView: Encodable {
        var id: String
        var number: String
        var title: String
        var priority: String
        var overrun: String
        var detail: String
        var checked: Bool
    }

    struct TicketView: Encodable {
        var number: String
        var title: String
        var href: String
        var hours: String
    }

    struct CardContext: Encodable {
        var page: PageBase
        var id: String
        var vendorName: String
        var vendorHref: String
        var month: String
        var monthLabel: String
        var listHref: String
        var isDraft: Bool
        var canWrite: Bool
        var status: String
        var items: [ItemView]
        var total: String
        var complete: Bool
        var grade: String?
        var gradeClass: String
        var gradeByScore: String?
        var severeForcesFail: Bool
        var p1: [TicketView]
        var p2: [TicketView]
        var recoveredDataLosses: String
        var securityIncidents: String
        var severeEventNote: String?
        var penaltyPercent: Int
        var overruns: [OverrunView]
        var informalComplaints: String
        var formalComplaints: String
        var records: [FormField.Option]
        var queueLinks: [EvidenceView]
        var attendance: String?
        var attendanceHref: String
        var payment: [PaymentExplanation.Step]
        var payable: String?
        var vendorSignatory: String
        var confirmedBy: String?
        var confirmedAt: String?
        var computedAt: String
        var errors: [String]
        var countError: String?
        var noteError: String?
        var revokeError: String?
        var canRevoke: Bool
        var warning: String?
    }

    static func render(_ req: Request, _ record: ScorecardRecord, errors: [String: String] = [:], posted: SaveForm? = nil,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let base = try await PageBase.make(for: req, titleKey: "eval_card_title")
        let t = base.t
        let vendor = try await Vendor.find(record.vendorId, on: req.db)
        let dto = try ScorecardDTOs.dto(record, vendorName: vendor?.name ?? "", t: t)
        let data = try ScorecardData.decode(record.data)
        let month = YearMonth(record.month)!
        let draft = !record.isConfirmed, lead = req.can(.manageEvaluation)
        func band(_ b: ScoreBandDTO?) -> String {
            guard let b else { return "" }
            let range = b.lowest == b.highest ? SVGChart.num(b.lowest) : "\(SVGChart.num(b.lowest))–\(SVGChart.num(b.highest))"
            return (b.grade.map { (t["eval_grade_" + $0] ?? $0) + " " } ?? "") + range
        }
        let items = dto.items.enumerated().map { i, item -> ItemView in
            let postedPoints = posted?.points(item.key), postedComment = posted?.comment(item.key)
            return ItemView(
                index: i + 1, key: item.key, name: item.name, maxPoints: item.maxPoints, rule: item.rule,
                points: postedPoints ?? item.points.map { ScorePoints(tenths: Int(($0 * 10).rounded())).description } ?? "",
                bandLabel: band(item.band), sourceLabel: t["eval_source_" + item.source] ?? item.source, manualNote: item.manualNote,
                computed: item.suggestion != nil,
                suggestionPoints: item.suggestion.map { ScorePoints(tenths: Int(($0.points * 10).rounded())).description },
                suggestionBand: item.suggestion.map { band($0.band) }, rate: item.suggestion?.rate, facts: item.suggestion?.facts ?? [],
                reasons: item.suggestion?.reasons ?? [],
                evidence: (item.suggestion?.evidence ?? []).map { e in
                    EvidenceView(label: e.href.hasPrefix("/tickets/") ? e.label : (e.detail.map { d in e.label + (d.contains(",") ? "（\(d)）" : "") } ?? e.label),
                                 href: e.href, detail: e.href.hasPrefix("/tickets/") ? e.detail.map { t["eval_overrun_" + $0] ?? $0 } : nil)
                },
                comment: postedComment ?? item.comment ?? "", adjusted: item.adjusted, enteredBy: item.enteredByName,
                pointsError: errors["items.\(item.key).points"].map { problem($0, t, base.lang) },
                commentError: errors["items.\(item.key).comment"].map { problem($0, t, base.lang) },
                bandsHint: item.bands.map { band($0) }.joined(separator: " / "))
        }
        func tickets(_ facts: [TicketFact]) -> [TicketView] {
            facts.map { f in
                let open = f.detail.hasPrefix("open:")
                let hours = open ? String(f.detail.dropFirst(5)) : f.detail
                return TicketView(number: f.number, title: f.title, href: "/tickets/\(f.id)",
                                  hours: (t[open ? "eval_hours_open" : "eval_hours"] ?? "{h}").replacingOccurrences(of: "{h}", with: hours))
            }
        }
        let noEffect = Set(posted?.noEffect ?? data.inputs.noEffectTicketIds.map(\.uuidString))
        let external = ScorecardDTOs.attendance(data)
        let year = VendorEvaluationService.serviceYear(containing: month, startMonth: VendorEvaluationService.serviceYearStartMonth(vendor))
        let check = try await VendorEvaluationService.breachCheck(vendorId: record.vendorId, year: year, on: req.db)
        let context = CardContext(
            page: base, id: try record.requireID().uuidString, vendorName: dto.vendorName, vendorHref: "/evaluation/vendors/\(record.vendorId)",
            month: record.month, monthLabel: monthLabel(month, t), listHref: "/evaluation/scorecards?month=\(record.month)",
            isDraft: draft, canWrite: lead && draft, status: t["eval_status_" + record.status] ?? record.status, items: items,
            total: ScorePoints(tenths: Int((dto.total * 10).rounded())).description, complete: dto.complete,
            grade: dto.gradeName, gradeClass: gradeClass(dto.grade),
            gradeByScore: dto.gradeByScore.map { t["eval_grade_" + $0] ?? $0 },
            severeForcesFail: dto.complete && dto.severeEvents.penaltyPercent > 0,
            p1: tickets(data.p1Overdue), p2: tickets(data.p2Overdue),
            recoveredDataLosses: posted?.recoveredDataLosses ?? String(data.inputs.recoveredDataLosses),
            securityIncidents: posted?.securityIncidents ?? String(data.inputs.securityIncidents),
            severeEventNote: (posted?.severeEventNote ?? data.inputs.severeEventNote).flatMap { $0.isEmpty ? nil : $0 }, penaltyPercent: dto.severeEvents.penaltyPercent,
            overruns: data.overruns.map { o in
                OverrunView(id: o.id.uuidString, number: o.number, title: o.title, priority: o.priority,
                            overrun: t["eval_overrun_" + (o.overrun ?? "")] ?? (o.overrun ?? ""), detail: overrunDetail(o.detail, t),
                            checked: noEffect.contains(o.id.uuidString))
            },
            informalComplaints: posted?.informalComplaints ?? String(data.inputs.informalComplaints),
            formalComplaints: posted?.formalComplaints ?? String(data.inputs.formalComplaints),
            records: FormField.options(IncidentRecordQuality.allCases.map { ($0.rawValue, t["eval_records_" + $0.rawValue] ?? $0.rawValue) },
                                       selected: [posted?.records ?? data.inputs.records]),
            queueLinks: data.queueLinks.map { EvidenceView(label: $0.label, href: $0.href, detail: nil) },
            attendance: external.map { (t["eval_attendance_value"] ?? "").replacingOccurrences(of: "{present}", with: String($0.present))
                .replacingOccurrences(of: "{scheduled}", with: String($0.scheduled)).replacingOccurrences(of: "{rate}", with: $0.rate) },
            attendanceHref: "/evaluation/attendance?vendorId=\(record.vendorId)&month=\(record.month)",
            payment: dto.payment?.steps ?? [], payable: dto.payment.map { Money(fen: $0.payableFen).description },
            vendorSignatory: posted?.vendorSignatory ?? record.vendorSignatory ?? "",
            confirmedBy: record.confirmedByName, confirmedAt: record.confirmedAt.map { DisplayTime.format($0, req) },
            computedAt: DisplayTime.format(record.computedAt, req),
            errors: errors.sorted { $0.key < $1.key }.map { fieldName($0.key, t) + "：" + problem($0.value, t, base.lang) },
            countError: errors.filter { ["inputs.recoveredDataLosses", "inputs.securityIncidents", "inputs.informalComplaints",
                                         "inputs.formalComplaints"].contains($0.key) }.values.first.map { problem($0, t, base.lang) },
            noteError: errors["inputs.severeEventNote"].map { problem($0, t, base.lang) },
            revokeError: errors["revoke.reason"].map { problem($0, t, base.lang) },
            canRevoke: lead && !draft,
            warning: check.warning ? VendorEvaluationService.breachSentence(check) : nil)
        return try await req.view.render("evaluation/scorecard", context).encodeResponse(status: status, for: req)
    }

    /// A field of the card in words: 「培训质量 · 得分」, 「重大故障说明」.
    static func fieldName(_ field: String, _ t: [String: String]) -> String {
        let parts = field.split(separator: ".").map(String.init)
        if parts.count == 3, parts[0] == "items", let key = ScorecardItemKey(rawValue: parts[1]) {
            return key.definition.name + " · " + (parts[2] == "points" ? t[text: "eval_col_score"] : t[text: "eval_comment"])
        }
        if parts.count == 2, parts[0] == "items" { return parts[1] }
        return t["eval_field_" + field.replacingOccurrences(of: ".", with: "_")] ?? field
    }

    /// The validation messages of `ScorecardService` in the reader's language (others through `ProblemText`).
    static func problem(_ message: String, _ t: [String: String], _ lang: String) -> String {
        guard lang != "en" else { return message }
        let table: [(String, String)] = [
            ("(the item's maximum)", "eval_err_max"), ("falls in no band", "eval_err_band"), ("stay within that band", "eval_err_suggested_band"),
            ("at most one decimal", "eval_err_decimal"), ("say what the score rests on", "eval_err_comment"),
            ("required when changing a computed score", "eval_err_comment_changed"), ("whole number 0–99", "eval_err_count"),
            ("say what happened", "eval_err_note"), ("not scored yet", "eval_err_not_scored"), ("unknown item", "eval_err_unknown_item"),
            ("is not an overrun", "eval_err_not_overrun"),
        ]
        for (needle, key) in table where message.contains(needle) {
            var text = t[key] ?? message
            if let range = message.range(of: #"\d+(\.\d)?–\d+(\.\d)?"#, options: .regularExpression) { text = text.replacingOccurrences(of: "{range}", with: String(message[range])) }
            if let range = message.range(of: #"and \d+"#, options: .regularExpression) {
                text = text.replacingOccurrences(of: "{max}", with: String(message[range].dropFirst(4)))
            }
            if let range = message.range(of: ": ") { text = text.replacingOccurrences(of: "{bands}", with: String(message[range.upperBound...])) }
            return text
        }
        return ProblemText.localize(message, locale: lang)
    }

    /// `resolve 400/240` → 「恢复 400 / 时限 240 分钟」.
    static func overrunDetail(_ detail: String, _ t: [String: String]) -> String {
        let parts = detail.split(separator: " ")
        guard parts.count == 2 else { return detail }
        let numbers = parts[1].split(separator: "/")
        guard numbers.count == 2 else { return detail }
        return (t["eval_overrun_detail"] ?? "{clock} {elapsed}/{target}")
            .replacingOccurrences(of: "{clock}", with: t["sla_clock_" + parts[0]] ?? String(parts[0]))
            .replacingOccurrences(of: "{elapsed}", with: String(numbers[0])).replacingOccurrences(of: "{target}", with: String(numbers[1]))
    }

    func card(req: Request) async throws -> Response {
        let scope = try ScorecardAccess.readScope(req)
        let record = try await ScorecardService.load(req.parameters.get("scorecardId", as: UUID.self), on: req.db)
        guard scope.allows(vendorId: record.vendorId, confirmed: record.isConfirmed) else { throw AppError.notFound("scorecard") }
        return try await Self.render(req, record)
    }

    /// The card's form: a field per item, the timeliness facts, the §3.5.3 entries, the vendor's signatory.
    struct SaveForm: Content {
        var points_requirements_and_manuals: String?, comment_requirements_and_manuals: String?
        var points_training: String?, comment_training: String?
        var points_meetings_and_reports: String?, comment_meetings_and_reports: String?
        var points_inspection_rate: String?, comment_inspection_rate: String?
        var points_emergency_plans: String?, comment_emergency_plans: String?
        var points_deliverables: String?, comment_deliverables: String?
        var points_incident_timeliness: String?, comment_incident_timeliness: String?
        var points_user_satisfaction: String?, comment_user_satisfaction: String?
        var informalComplaints: String?, formalComplaints: String?, records: String?
        var noEffect: [String]?
        var recoveredDataLosses: String?, securityIncidents: String?, severeEventNote: String?
        var vendorSignatory: String?

        func points(_ key: String) -> String? {
            switch key {
            case "requirements_and_manuals": points_requirements_and_manuals
            case "training": points_training
            case "meetings_and_reports": points_meetings_and_reports
            case "inspection_rate": points_inspection_rate
            case "emergency_plans": points_emergency_plans
            case "deliverables": points_deliverables
            case "incident_timeliness": points_incident_timeliness
            case "user_satisfaction": points_user_satisfaction
            default: nil
            }
        }

        func comment(_ key: String) -> String? {
            switch key {
            case "requirements_and_manuals": comment_requirements_and_manuals
            case "training": comment_training
            case "meetings_and_reports": comment_meetings_and_reports
            case "inspection_rate": comment_inspection_rate
            case "emergency_plans": comment_emergency_plans
            case "deliverables": comment_deliverables
            case "incident_timeliness": comment_incident_timeliness
            case "user_satisfaction": comment_user_satisfaction
            default: nil
            }
        }

        /// The form as the API's patch; a count that is not a whole number is reported on its field.
        func patch(_ errors: inout [String: String]) -> ScorecardPatch {
            var items: [String: ScorecardPatch.Item] = [:]
            for key in ScorecardItemKey.allCases.map(\.rawValue) {
                let p = points(key)?.trimmingCharacters(in: .whitespaces)
                let c = comment(key)
                if (p ?? "").isEmpty && (c ?? "").isEmpty { continue }
                items[key] = ScorecardPatch.Item(points: (p ?? "").isEmpty ? nil : ScoreInput(p!), comment: c)
            }
            func count(_ name: String, _ text: String?) -> Int? {
                guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                guard let n = Int(text) else { errors["inputs.\(name)"] = "must be a whole number 0–99"; return nil }
                return n
            }
            let inputs = ScorecardPatch.Inputs(
                informalComplaints: count("informalComplaints", informalComplaints), formalComplaints: count("formalComplaints", formalComplaints),
                records: records, noEffectTicketIds: (noEffect ?? []).compactMap(UUID.init(uuidString:)),
                recoveredDataLosses: count("recoveredDataLosses", recoveredDataLosses), securityIncidents: count("securityIncidents", securityIncidents),
                severeEventNote: severeEventNote ?? "")
            return ScorecardPatch(items: items, inputs: inputs, vendorSignatory: vendorSignatory)
        }
    }

    func save(req: Request) async throws -> Response {
        let user = try req.require(.manageEvaluation)
        let id = req.parameters.get("scorecardId", as: UUID.self)
        let form = try req.content.decode(SaveForm.self)
        var errors: [String: String] = [:]
        var patch = form.patch(&errors)
        // A score sent back unchanged is not an entry: a computed item keeps following its suggestion when the
        // facts entered in the same submission (e.g. 「无可感知影响」) move it.
        let stored = try ScorecardData.decode(try await ScorecardService.load(id, on: req.db).data)
        for (key, item) in patch.items ?? [:] {
            guard let p = item.points, let before = stored.items.first(where: { $0.key == key })?.pointsTenths,
                  ScorePoints(p.text) == ScorePoints(tenths: before) else { continue }
            patch.items?[key]?.points = nil
            if (item.comment ?? "") == (stored.items.first { $0.key == key }?.comment ?? "") { patch.items?[key] = nil }
        }
        do {
            if !errors.isEmpty { throw AppError.validation(errors) }
            _ = try await ScorecardService.patch(id, patch, by: user, actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                 on: req.db, writer: req.application)
            return req.redirect(to: "/evaluation/scorecards/\(id!)", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            let record = try await ScorecardService.load(id, on: req.db)
            return try await Self.render(req, record, errors: error.fields ?? [:], posted: form, status: error.status)
        }
    }

    func recompute(req: Request) async throws -> Response {
        try req.require(.manageEvaluation)
        let record = try await ScorecardService.recompute(req.parameters.get("scorecardId", as: UUID.self), actor: req.auditActor, now: req.now,
                                                          timeZone: req.yiwei.config.timeZone, on: req.db, writer: req.application)
        return req.redirect(to: "/evaluation/scorecards/\(try record.requireID())", flash: "eval_recomputed")
    }
}
