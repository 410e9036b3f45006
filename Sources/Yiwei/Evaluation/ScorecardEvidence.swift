import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Reads the month's records that the objective items and the §3.5.3 events are computed from: the
/// vendor's incidents (through the teams it staffs), the survey, the deliverable register and attendance.
enum ScorecardEvidence {
    /// [first instant, first instant of the next month) in the hospital's time zone.
    static func range(_ month: YearMonth, timeZone: TimeZone) -> (from: Date, to: Date) {
        (Date(timeIntervalSince1970: TimeInterval(DowntimeAccounting.monthStart(month, timeZone: timeZone))),
         Date(timeIntervalSince1970: TimeInterval(DowntimeAccounting.monthStart(month.next, timeZone: timeZone))))
    }

    static func vendorTeams(_ vendorId: UUID, on db: any Database) async throws -> [Team] {
        try await Team.query(on: db).filter(\.$vendorId == vendorId).sort(\.$name).all()
    }

    /// P3/P4 incidents of the month for 故障响应及时性. An incident is *within SLA* when its resolution target
    /// is decided and neither target was missed; *over* when a target was missed (the stored SLA outcome,
    /// `response_breached` / `resolve_breached`); *undecided* (still open, no target missed yet) otherwise —
    /// those are not counted until they are decided, and a recompute picks them up.
    struct Timeliness {
        var incidents: Int
        var withinSLA: Int
        var undecided: Int
        var overruns: [TicketFact]
        var counts: TimelinessCounts
    }

    static func timeliness(teamIds: [UUID], month: YearMonth, inputs: LeadInputs, timeZone: TimeZone,
                           on db: any Database, now: Date) async throws -> Timeliness {
        let (from, to) = range(month, timeZone: timeZone)
        var total = 0, breached = 0, within = 0
        if !teamIds.isEmpty {
            let sql = db.sql
            let row = try await sql.raw("""
                SELECT count(*) AS n,
                       sum(CASE WHEN response_breached = \(true) OR resolve_breached = \(true) THEN 1 ELSE 0 END) AS over,
                       sum(CASE WHEN resolve_breached = \(false) AND (response_breached IS NULL OR response_breached = \(false)) THEN 1 ELSE 0 END) AS within
                FROM tickets
                WHERE created_at >= \(bind: from) AND created_at < \(bind: to) AND team_id IN (\(binds: teamIds))
                  AND kind = 'incident' AND status <> 'cancelled' AND priority IN ('P3', 'P4')
                """).first()
            total = try row?.decode(column: "n", as: Int?.self) ?? 0
            breached = try row?.decode(column: "over", as: Int?.self) ?? 0
            within = try row?.decode(column: "within", as: Int?.self) ?? 0
        }
        var overruns: [TicketFact] = []
        var minor = 0, severe = 0
        if breached > 0 {
            let tickets = try await Ticket.query(on: db)
                .filter(\.$teamId ~~ teamIds).filter(\.$createdAt >= from).filter(\.$createdAt < to)
                .filter(\.$kind == TicketKind.incident.rawValue).filter(\.$status != TicketStatus.cancelled.rawValue)
                .filter(\.$priority ~~ [Priority.p3.rawValue, Priority.p4.rawValue])
                .group(.or) { $0.filter(\.$responseBreached == true).filter(\.$resolveBreached == true) }
                .sort(\.$createdAt).limit(1000).all()
            let noEffect = Set(inputs.noEffectTicketIds)
            for t in tickets {
                let quiet = noEffect.contains(try t.requireID())
                var worst = OverrunClass.ordinary
                var detail = ""
                if let e = try await SLAService.evaluate(t, on: db, now: now) {
                    let missed = e.states.filter { $0.breached && ($0.kind == .response || $0.kind == .resolve) }
                    let classes = missed.map { s in
                        (s, ObjectiveScoring.classifyOverrun(targetSeconds: s.targetMinutes * 60, actualSeconds: Int((s.elapsedMinutes * 60).rounded()),
                                                             perceptibleEffect: !quiet))
                    }
                    if let pick = classes.max(by: { rank($0.1) < rank($1.1) }) {
                        worst = pick.1
                        detail = "\(pick.0.kind.rawValue) \(Int(pick.0.elapsedMinutes.rounded()))/\(pick.0.targetMinutes)"
                    }
                }
                if worst == .minor { minor += 1 }
                if worst == .severe { severe += 1 }
                overruns.append(TicketFact(id: try t.requireID(), number: t.number, title: t.title, priority: t.priority, overrun: worst.rawValue,
                                           detail: detail, noPerceptibleEffect: quiet))
            }
        }
        let decided = within + breached
        let counts = TimelinessCounts(incidents: decided, withinSLA: within, minorOverruns: minor, severeOverruns: severe,
                                      informalComplaints: inputs.informalComplaints, formalComplaints: inputs.formalComplaints,
                                      records: IncidentRecordQuality(rawValue: inputs.records) ?? .complete)
        return Timeliness(incidents: decided, withinSLA: within, undecided: total - decided, overruns: overruns, counts: counts)
    }

    static func rank(_ c: OverrunClass) -> Int {
        switch c {
        case .withinSLA: 0
        case .minor: 1
        case .ordinary: 2
        case .severe: 3
        }
    }

    /// §3.5.3 (1)(2): the month's P1/P2 incidents whose complete repair took more than 24 h / 72 h, wall
    /// clock from report to resolution (`SevereEvents.isRepairOverdue`). One still open already past its limit
    /// counts too: nothing later can bring it back within.
    static func severeEvents(teamIds: [UUID], month: YearMonth, timeZone: TimeZone, on db: any Database,
                             now: Date) async throws -> (p1: [TicketFact], p2: [TicketFact]) {
        guard !teamIds.isEmpty else { return ([], []) }
        let (from, to) = range(month, timeZone: timeZone)
        let tickets = try await Ticket.query(on: db)
            .filter(\.$teamId ~~ teamIds).filter(\.$createdAt >= from).filter(\.$createdAt < to)
            .filter(\.$kind == TicketKind.incident.rawValue).filter(\.$status != TicketStatus.cancelled.rawValue)
            .filter(\.$priority ~~ [Priority.p1.rawValue, Priority.p2.rawValue])
            .sort(\.$createdAt).limit(1000).all()
        var p1: [TicketFact] = [], p2: [TicketFact] = []
        for t in tickets {
            guard let priority = Priority(rawValue: t.priority) else { continue }
            let repaired = [TicketStatus.resolved, .closed].contains(t.statusValue) ? t.resolvedAt : nil
            let seconds = Int((repaired ?? now).timeIntervalSince(t.createdAt))
            guard SevereEvents.isRepairOverdue(priority: priority, repairSeconds: seconds) else { continue }
            let hours = String(format: "%.1f", Double(seconds) / 3600)
            let fact = TicketFact(id: try t.requireID(), number: t.number, title: t.title, priority: t.priority, overrun: nil,
                                  detail: repaired == nil ? "open:\(hours)" : hours)
            if priority == .p1 { p1.append(fact) } else { p2.append(fact) }
        }
        return (p1, p2)
    }

    /// The ticket queue of one vendor team for the month (evidence link).
    static func queueLink(team: Team, month: YearMonth, timeZone: TimeZone, priorities: String? = nil) -> EvidenceLink {
        let (from, to) = range(month, timeZone: timeZone)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = "yyyy-MM-dd"
        var href = "/desk?teamId=\(team.id!)&createdFrom=\(f.string(from: from))&createdTo=\(f.string(from: to.addingTimeInterval(-1)))"
        if let priorities { href += "&priority=\(priorities)" }
        return EvidenceLink(label: team.name, href: href, detail: priorities)
    }
}
