import Fluent
import Foundation
import Vapor
import YiweiCore

/// A vendor's service year: its confirmed months, grades, payments and the serious-breach warning of
/// seed 002 §3.5.4 (4) (`SeriousBreachRules`).
///
/// The service year (合同年度) starts in the month of the vendor's contract start (`contractStart`), or in
/// January when none is recorded; `year=2026` means the service year that starts in 2026.
enum VendorEvaluationService {
    static func serviceYearStartMonth(_ vendor: Vendor?) -> Int {
        guard let start = vendor?.contractStart, start.count >= 7, let m = Int(start.dropFirst(5).prefix(2)), (1...12).contains(m) else { return 1 }
        return m
    }

    /// The twelve months of the service year that contains `month`.
    static func serviceYear(containing month: YearMonth, startMonth: Int) -> [YearMonth] {
        var first = YearMonth(year: month.year, month: startMonth)!
        if month < first { first = first.advanced(by: -12) }
        return (0..<12).map { first.advanced(by: $0) }
    }

    static func serviceYear(starting year: Int, startMonth: Int) -> [YearMonth] {
        let first = YearMonth(year: year, month: startMonth)!
        return (0..<12).map { first.advanced(by: $0) }
    }

    /// The confirmed cards of the vendor in these months.
    static func confirmedCards(vendorId: UUID, months: [YearMonth], on db: any Database) async throws -> [ScorecardRecord] {
        try await ScorecardRecord.query(on: db).filter(\.$vendorId == vendorId).filter(\.$month ~~ months.map(\.description))
            .filter(\.$status == "confirmed").sort(\.$month).all()
    }

    /// §3.5.4 (4) over the confirmed months of the service year so far.
    static func breachCheck(vendorId: UUID, year: [YearMonth], on db: any Database) async throws -> SeriousBreachCheck {
        let cards = try await confirmedCards(vendorId: vendorId, months: year, on: db)
        let results = cards.compactMap { c in YearMonth(c.month).map { MonthlyResult(month: $0, failed: c.grade == AssessmentGrade.fail.rawValue) } }
        return try SeriousBreachRules.check(results, serviceMonths: 12)
    }

    /// Tells every active lead, in the app, that a confirmation raised the warning (or established the breach).
    static func notifyBreach(vendorId: UUID, vendorName: String, month: YearMonth, check: SeriousBreachCheck, actor: UUID?,
                             on db: any Database, now: Date) async throws {
        let leads = try await User.query(on: db).filter(\.$isActive == true).all().filter { $0.holds(.manageEvaluation) }.compactMap(\.id)
        let title = check.confirmed ? "严重违约：\(vendorName)" : "严重违约预警：\(vendorName)"
        let body = breachSentence(check) + "（\(month) 考核确认后）。请在「供应商考核」中查看 /evaluation/vendors/\(vendorId)"
        // The confirming lead sees the warning on the page at once; the other leads are told here.
        try await Notifier.notify(Set(leads), except: actor, event: "evaluation.serious_breach", title: title, body: body, ticket: nil, at: now, on: db)
    }

    /// The warning in words (Chinese: notifications and pages speak the hospital's language).
    static func breachSentence(_ c: SeriousBreachCheck) -> String {
        var parts: [String] = []
        if let run = c.threeInARow { parts.append("连续三个月不合格（\(run.map(\.description).joined(separator: "、"))）") }
        if c.shareReachedSoFar {
            parts.append("本合同年度已考核 \(c.assessedMonths) 个月，不合格 \(c.failedMonths) 个月，占 \(ScorePoints(tenths: c.failShare.percentTenths))%（≥ 40%）")
        }
        return parts.joined(separator: "；")
    }

    // MARK: the year's overview

    struct MonthRow: Content, Equatable {
        var month: String
        var scorecardId: UUID?
        var status: String?
        var total: Double?
        var grade: String?
        var gradeName: String?
        var payableFen: Int?
        var plannedFen: Int?
    }

    struct Warning: Content, Equatable {
        var warning: Bool
        var confirmed: Bool
        var threeInARow: [String]?
        var assessedMonths: Int
        var failedMonths: Int
        var failSharePercent: Double
        var trailingFailRun: Int
        var text: String
    }

    struct Overview: Content, Equatable {
        var vendorId: UUID
        var vendorName: String
        var serviceYear: [String]
        var months: [MonthRow]
        var monthlyFeeFen: Int?
        var contractTotalFen: Int?
        var averageScore: Double?
        var payableTotalFen: Int
        var plannedTotalFen: Int
        var warning: Warning
    }

    static func warningDTO(_ c: SeriousBreachCheck) -> Warning {
        Warning(warning: c.warning, confirmed: c.confirmed, threeInARow: c.threeInARow?.map(\.description), assessedMonths: c.assessedMonths,
                failedMonths: c.failedMonths, failSharePercent: Double(c.failShare.percentTenths) / 10, trailingFailRun: c.trailingFailRun,
                text: breachSentence(c))
    }

    /// `year`: the service year starting in that calendar year; nil = the one containing today.
    static func overview(vendorId: UUID?, year: Int?, scope: ScorecardAccess.Scope, on db: any Database, now: Date,
                         timeZone: TimeZone) async throws -> Overview {
        guard let vendorId, let vendor = try await Vendor.find(vendorId, on: db) else { throw AppError.notFound("vendor") }
        if case .vendor(let own) = scope, own != vendorId { throw AppError.refused("own_vendor") }
        let start = serviceYearStartMonth(vendor)
        let months = year.map { serviceYear(starting: $0, startMonth: start) }
            ?? serviceYear(containing: DowntimeAccounting.month(containing: Int(now.timeIntervalSince1970), timeZone: timeZone), startMonth: start)
        var cards = try await ScorecardRecord.query(on: db).filter(\.$vendorId == vendorId).filter(\.$month ~~ months.map(\.description)).all()
        if case .vendor = scope { cards = cards.filter(\.isConfirmed) }
        let byMonth = Dictionary(uniqueKeysWithValues: cards.map { ($0.month, $0) })
        let rows = months.map { m -> MonthRow in
            guard let c = byMonth[m.description] else { return MonthRow(month: m.description) }
            let grade = c.grade.flatMap(AssessmentGrade.init(rawValue:))
            let snapshot = PaymentSnapshot.decode(c.payment)
            return MonthRow(month: m.description, scorecardId: c.id, status: c.status, total: c.totalTenths.map { Double($0) / 10 },
                            grade: grade?.rawValue, gradeName: grade?.name, payableFen: c.payableFen, plannedFen: snapshot?.plannedFen)
        }
        let confirmed = cards.filter(\.isConfirmed)
        let average = PaymentRules.periodScore(confirmed.compactMap { $0.totalTenths.map(ScorePoints.init(tenths:)) })
        let fee = try await VendorServiceFee.query(on: db).filter(\.$vendorId == vendorId).first()
        let check = try await breachCheck(vendorId: vendorId, year: months, on: db)
        return Overview(vendorId: vendorId, vendorName: vendor.name, serviceYear: months.map(\.description), months: rows,
                        monthlyFeeFen: fee?.monthlyFeeFen, contractTotalFen: fee?.contractTotalFen,
                        averageScore: average.map { Double($0.tenths) / 10 },
                        payableTotalFen: confirmed.compactMap(\.payableFen).reduce(0, +),
                        plannedTotalFen: confirmed.compactMap { PaymentSnapshot.decode($0.payment)?.plannedFen }.reduce(0, +),
                        warning: warningDTO(check))
    }

    // MARK: the service fee

    struct FeeBody: Content {
        var monthlyFee: String?
        var contractTotal: String?
    }

    struct FeeDTO: Content, Equatable {
        var vendorId: UUID
        var monthlyFeeFen: Int
        var contractTotalFen: Int
        var monthlyFee: String
        var contractTotal: String
        var updatedAt: Date
    }

    static func feeDTO(_ f: VendorServiceFee) -> FeeDTO {
        FeeDTO(vendorId: f.vendorId, monthlyFeeFen: f.monthlyFeeFen, contractTotalFen: f.contractTotalFen,
               monthlyFee: Money(fen: f.monthlyFeeFen).description, contractTotal: Money(fen: f.contractTotalFen).description, updatedAt: f.updatedAt)
    }

    /// Sets the vendor's monthly service fee and contract total (yuan, e.g. `"100000"` or `"¥100,000.00"`).
    /// Confirmed cards keep the settlement they were confirmed with.
    static func setFee(vendorId: UUID?, _ body: FeeBody, request req: Request) async throws -> VendorServiceFee {
        let user = try req.require(.manageEvaluation)
        guard let vendorId, try await Vendor.find(vendorId, on: req.db) != nil else { throw AppError.notFound("vendor") }
        var v = Validator()
        func money(_ field: String, _ text: String?) -> Money? {
            guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { v.add(field, "required, in yuan, e.g. 100000 or 100,000.00"); return nil }
            guard text.count <= 30, let m = Money(text), m.fen >= 0, m.fen <= 100_000_000_000 else { v.add(field, "must be an amount in yuan from 0 to 1,000,000,000 with at most two decimals"); return nil }
            return m
        }
        let monthly = money("monthlyFee", body.monthlyFee)
        let total = money("contractTotal", body.contractTotal)
        if let monthly, let total, total < monthly { v.add("contractTotal", "must not be less than the monthly fee") }
        try v.check()
        let now = req.now, actor = req.auditActor
        let existing = try await VendorServiceFee.query(on: req.db).filter(\.$vendorId == vendorId).first()
        let before = existing.map { ["monthlyFeeFen": $0.monthlyFeeFen, "contractTotalFen": $0.contractTotalFen] }
        let fee = existing ?? VendorServiceFee()
        fee.vendorId = vendorId
        fee.monthlyFeeFen = monthly!.fen
        fee.contractTotalFen = total!.fen
        fee.updatedAt = now
        fee.updatedById = user.id
        let saved = UncheckedModel(fee)
        try await req.write { db in
            try await saved.model.save(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "vendor.service_fee", entityType: "vendor", entityId: vendorId.uuidString,
                                      before: before, after: ["monthlyFeeFen": saved.model.monthlyFeeFen, "contractTotalFen": saved.model.contractTotalFen])
        }
        return fee
    }
}
