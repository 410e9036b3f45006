import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

enum DowntimeService {
    static let limits = DowntimeLimits.seed003

    struct Computed {
        var stats: DowntimeStats
        var reports: [SystemDowntimeReport]
        var records: [Outage]
    }

    /// The accounting of `months` months from `firstMonth` (yearly counts run over that window).
    static func compute(firstMonth: YearMonth, months: Int, now: Date, timeZone: TimeZone, on db: any Database) async throws -> Computed {
        let fromSecond = DowntimeAccounting.monthStart(firstMonth, timeZone: timeZone)
        let toSecond = DowntimeAccounting.monthStart(firstMonth.advanced(by: months), timeZone: timeZone)
        let from = Date(timeIntervalSince1970: TimeInterval(fromSecond)), to = Date(timeIntervalSince1970: TimeInterval(toSecond))
        // Records overlapping the window (idx_outages_started): a record touching none of it changes nothing inside.
        let records = try await OutageService.overlapping(from: from, to: to, on: db).sort(\.$startedAt).limit(100_000).all()
        let reports = try DowntimeAccounting.report(OutageService.interruptions(records, now: now), firstMonth: firstMonth, months: months,
                                                    limits: limits, timeZone: timeZone)
        var names: [UUID: String] = [:]
        let ids = Array(Set(records.map(\.businessSystemId)))
        if !ids.isEmpty { for s in try await BusinessSystem.query(on: db).filter(\.$id ~~ ids).all() { names[try s.requireID()] = s.name } }
        var numbers: [UUID: String] = [:]
        let ticketIds = Array(Set(records.compactMap(\.ticketId)))
        if !ticketIds.isEmpty { for t in try await Ticket.query(on: db).filter(\.$id ~~ ticketIds).all() { numbers[try t.requireID()] = t.number } }

        func ref(_ o: Outage) -> DowntimeStats.RecordRef {
            .init(outageId: o.id!, ticketId: o.ticketId, ticketNumber: o.ticketId.flatMap { numbers[$0] })
        }
        var systems: [DowntimeStats.System] = [], breaches: [DowntimeStats.Breach] = []
        for report in reports {
            guard let systemId = UUID(uuidString: report.system) else { continue }
            let mine = records.filter { $0.businessSystemId == systemId }
            let name = names[systemId] ?? report.system
            /// The records merged into the interruption of this kind that started at `start`.
            func starting(_ kind: InterruptionKind, _ start: Int) -> [DowntimeStats.RecordRef] {
                guard let merged = (kind == .outage ? report.outages : report.departmentImpacts).first(where: { $0.start == start }) else { return [] }
                return mine.filter { $0.kind == kind.rawValue && seconds($0.startedAt) >= merged.start && seconds($0.startedAt) < max(merged.end, merged.start + 1) }
                    .map(ref)
            }
            for b in report.breaches {
                let row: DowntimeStats.Breach
                switch b {
                case let .monthlyOutageTime(month, secs):
                    let lo = DowntimeAccounting.monthStart(month, timeZone: timeZone), hi = DowntimeAccounting.monthStart(month.next, timeZone: timeZone)
                    let refs = report.outages.filter { DowntimeAccounting.overlapSeconds(start: $0.start, end: $0.end, from: lo, to: hi) > 0 }
                        .flatMap { starting(.outage, $0.start) }
                    row = .init(businessSystemId: systemId, systemName: name, clause: b.clause, code: "monthly_outage_time", text: b.description,
                                month: month.description, startedAt: nil, minutes: DowntimeAccounting.minutesRoundedUp(secs), ordinal: nil, records: refs)
                case let .outageTooLong(start, secs):
                    row = breach(b, systemId, name, "outage_too_long", start, minutes: secs, ordinal: nil, starting(.outage, start), timeZone)
                case let .tooManyOutages(start, n):
                    row = breach(b, systemId, name, "too_many_outages", start, minutes: nil, ordinal: n, starting(.outage, start), timeZone)
                case let .tooManyHospitalWideOutages(start, n):
                    row = breach(b, systemId, name, "too_many_hospital_wide_outages", start, minutes: nil, ordinal: n, starting(.outage, start), timeZone)
                case let .departmentImpactTooLong(start, secs):
                    row = breach(b, systemId, name, "department_impact_too_long", start, minutes: secs, ordinal: nil, starting(.departmentImpact, start), timeZone)
                case let .tooManyDepartmentImpactsInMonth(_, start, n):
                    row = breach(b, systemId, name, "too_many_department_impacts_in_month", start, minutes: nil, ordinal: n,
                                 starting(.departmentImpact, start), timeZone)
                case let .tooManyDepartmentImpactsInYear(start, n):
                    row = breach(b, systemId, name, "too_many_department_impacts_in_year", start, minutes: nil, ordinal: n,
                                 starting(.departmentImpact, start), timeZone)
                }
                breaches.append(row)
            }
            systems.append(.init(
                businessSystemId: systemId, name: name,
                months: report.months.map {
                    .init(month: $0.month.description, outageMinutes: $0.outageMinutes, outages: $0.outagesStarted,
                          departmentImpactMinutes: DowntimeAccounting.minutesRoundedUp($0.departmentImpactSeconds), departmentImpacts: $0.departmentImpactsStarted)
                },
                outageMinutes: DowntimeAccounting.minutesRoundedUp(report.outageSeconds), outages: report.outageCount,
                departmentImpacts: report.departmentImpactCount, breaches: report.breaches.count))
        }
        // Systems by name; breaches by month, then system, then time.
        systems.sort { ($0.name, $0.businessSystemId.uuidString) < ($1.name, $1.businessSystemId.uuidString) }
        breaches.sort { ($0.month, $0.systemName, $0.startedAt ?? .distantPast) < ($1.month, $1.systemName, $1.startedAt ?? .distantPast) }
        let l = limits
        let stats = DowntimeStats(
            from: from, to: to, firstMonth: firstMonth.description, months: months,
            limits: .init(outageMinutesPerMonth: l.outageSecondsPerMonth / 60, outagesPerYear: l.outagesPerYear, minutesPerOutage: l.secondsPerOutage / 60,
                          departmentImpactsPerMonth: l.departmentImpactsPerMonth, departmentImpactsPerYear: l.departmentImpactsPerYear,
                          minutesPerDepartmentImpact: l.secondsPerDepartmentImpact / 60, hospitalWideOutagesPerYear: l.hospitalWideOutagesPerYear),
            systems: systems, breaches: breaches)
        return Computed(stats: stats, reports: reports, records: records)
    }

    static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }

    private static func breach(_ b: DowntimeBreach, _ systemId: UUID, _ name: String, _ code: String, _ start: Int, minutes: Int?, ordinal: Int?,
                               _ refs: [DowntimeStats.RecordRef], _ timeZone: TimeZone) -> DowntimeStats.Breach {
        .init(businessSystemId: systemId, systemName: name, clause: b.clause, code: code, text: b.description,
              month: DowntimeAccounting.month(containing: start, timeZone: timeZone).description,
              startedAt: Date(timeIntervalSince1970: TimeInterval(start)), minutes: minutes.map(DowntimeAccounting.minutesRoundedUp), ordinal: ordinal,
              records: refs)
    }

    /// Per system, the downtime inside [from, to) — for a report period that is not a whole month (a week). Taken
    /// from the merged interruptions of `computed`, so records that overlap are counted once.
    static func slice(_ computed: Computed, from: Date, to: Date, timeZone: TimeZone) -> [DowntimeStats.System] {
        let lo = seconds(from), hi = seconds(to)
        return computed.stats.systems.compactMap { system in
            guard let report = computed.reports.first(where: { $0.system == system.businessSystemId.uuidString }) else { return nil }
            let outageSeconds = report.outages.reduce(0) { $0 + DowntimeAccounting.overlapSeconds(start: $1.start, end: $1.end, from: lo, to: hi) }
            let impactSeconds = report.departmentImpacts.reduce(0) { $0 + DowntimeAccounting.overlapSeconds(start: $1.start, end: $1.end, from: lo, to: hi) }
            let outages = report.outages.filter { $0.start >= lo && $0.start < hi }.count
            let impacts = report.departmentImpacts.filter { $0.start >= lo && $0.start < hi }.count
            guard outageSeconds > 0 || impactSeconds > 0 || outages > 0 || impacts > 0 else { return nil }
            let breaches = computed.stats.breaches.filter { $0.businessSystemId == system.businessSystemId && inPeriod($0, from: from, to: to, timeZone: timeZone) }.count
            return .init(businessSystemId: system.businessSystemId, name: system.name,
                         months: [], outageMinutes: DowntimeAccounting.minutesRoundedUp(outageSeconds), outages: outages,
                         departmentImpacts: impacts, breaches: breaches)
        }
    }

    /// A breach belongs to a period when its interruption started in it, or (a month's total) its month overlaps it.
    static func inPeriod(_ b: DowntimeStats.Breach, from: Date, to: Date, timeZone: TimeZone) -> Bool {
        if let start = b.startedAt { return start >= from && start < to }
        guard let month = YearMonth(b.month) else { return false }
        let lo = DowntimeAccounting.monthStart(month, timeZone: timeZone), hi = DowntimeAccounting.monthStart(month.next, timeZone: timeZone)
        return lo < seconds(to) && hi > seconds(from)
    }
}

/// The report year parameter (reading reports asks `readReports`).
enum ReportAccess {
    /// `?year=2026` (default: the current year in the hospital's zone); 2000–2100.
    static func year(_ req: Request) throws -> Int {
        guard let raw = req.queryParameter("year"), !raw.isEmpty else {
            return DowntimeAccounting.month(containing: DowntimeService.seconds(req.now), timeZone: req.yiwei.config.timeZone).year
        }
        guard raw.count == 4, let year = Int(raw), (2000...2100).contains(year) else {
            throw AppError(.badRequest, .invalidQuery, "invalid year", fields: ["year": "must be a year between 2000 and 2100"])
        }
        return year
    }
}
