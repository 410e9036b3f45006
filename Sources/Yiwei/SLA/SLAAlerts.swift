import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// A warning (预警, 75 % of a target used) or a breach (超时) of one clock of one ticket — recorded once.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one task at a time.
final class SLAAlert: Model, @unchecked Sendable {
    static let schema = "sla_alerts"
    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketId: UUID
    @Field(key: "clock") var clock: String
    @Field(key: "level") var level: String
    @Field(key: "at") var at: Date
    @Field(key: "target_minutes") var targetMinutes: Int
    @Field(key: "elapsed_minutes") var elapsedMinutes: Double
    init() {}
}

/// Finds the tickets whose clocks cross 75 % of a target or the target itself, through the index on the
/// next alert instant — never by scanning the open tickets — and records each warning and breach once,
/// with a timeline event. On PostgreSQL the candidate rows are taken with `FOR UPDATE SKIP LOCKED`, so
/// several instances share the work without doing it twice.
public enum SLAScheduler {
    static let warningFraction = 0.75

    /// The instants at which a clock needs attention: the warning point, the due time, the written-plan
    /// limit and each step of the policy's escalation chain (none while a clock is stopped or paused).
    /// Escalation steps are levels 2, 3, … in chain order (level 1 is the breach).
    static func alertPoints(_ evaluation: SLAService.Evaluation, now: Date) -> [(kind: SLAClockKind, level: String, at: Date, state: SLAClockState)] {
        var points: [(SLAClockKind, String, Date, SLAClockState)] = []
        let history = evaluation.history
        let chain = evaluation.policy.escalationChain
        for state in evaluation.states where state.stoppedAt == nil && !state.isPaused {
            let clock = evaluation.clock(state.kind)
            let warnTarget = Int((Double(state.targetMinutes) * warningFraction).rounded(.up))
            if let warnAt = clock.state(state.kind, target: warnTarget, history: history, now: now).dueAt { points.append((state.kind, "warning", warnAt, state)) }
            if let due = state.dueAt { points.append((state.kind, "breach", due, state)) }
            if state.kind == .resolve, let limit = evaluation.policy.planAfterMinutes {
                let planState = clock.state(.resolve, target: limit, history: history, now: now)
                if let at = planState.dueAt { points.append((.resolve, "plan", at, planState)) }
            }
            for (index, step) in chain.enumerated() where step.clock == state.kind {
                let threshold = step.thresholdMinutes(target: state.targetMinutes)
                if let at = clock.state(state.kind, target: threshold, history: history, now: now).dueAt {
                    points.append((state.kind, "escalate\(index + 2)", at, state))
                }
            }
        }
        return points
    }

    /// The next instant the scheduler should look at the ticket (stored with an index).
    static func nextAlert(_ t: Ticket, evaluation: SLAService.Evaluation?, recorded: [SLAAlert], now: Date) -> Date? {
        guard t.statusValue.isOpen, t.statusValue != .pending, let evaluation else { return nil }
        let points = alertPoints(evaluation, now: now).filter { p in
            !recorded.contains { $0.clock == p.kind.rawValue && $0.level == p.level && $0.targetMinutes == p.state.targetMinutes }
        }
        return points.map(\.at).min()
    }

    /// Tickets looked at per transaction: between two the other writes waiting at the gate get their turn.
    static let ticketsPerWrite = 25

    /// One pass: every ticket whose next alert instant has come (at most `limit`), in transactions of
    /// `ticketsPerWrite` tickets, so reports and actions are not held up while many clocks cross at once.
    /// Returns the number of alerts recorded.
    @discardableResult
    public static func tick(_ app: Application, now: Date, limit: Int = 500) async throws -> Int {
        var recorded = 0
        var looked = 0
        while looked < limit {
            let size = min(ticketsPerWrite, limit - looked)
            let step = try await tick(app, now: now, tickets: size)
            recorded += step.alerts
            looked += step.tickets
            if step.tickets < size { break }
        }
        return recorded
    }

    /// One transaction: up to `size` tickets whose next alert instant has come.
    static func tick(_ app: Application, now: Date, tickets size: Int) async throws -> (tickets: Int, alerts: Int) {
        let postgres = app.yiwei.databaseKind == .postgres
        return try await app.write(affectsReference: false) { db in
            var recorded = 0
            let sql = db.sql
            let rows = try await sql.raw("""
                SELECT id FROM tickets WHERE next_alert_at <= \(bind: now) ORDER BY next_alert_at LIMIT \(bind: size)
                \(unsafeRaw: postgres ? "FOR UPDATE SKIP LOCKED" : "")
                """).all()
            let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
            let tickets = ids.isEmpty ? [] : try await Ticket.query(on: db).filter(\.$id ~~ ids).all()
            for t in tickets {
                let evaluation = try await SLAService.evaluate(t, on: db, now: now)
                if let evaluation {
                    let existing = try await SLAAlert.query(on: db).filter(\.$ticketId == t.id!).all()
                    for point in alertPoints(evaluation, now: now) where point.at <= now {
                        if existing.contains(where: { $0.clock == point.kind.rawValue && $0.level == point.level && $0.targetMinutes == point.state.targetMinutes }) { continue }
                        let alert = SLAAlert()
                        alert.ticketId = try t.requireID(); alert.clock = point.kind.rawValue; alert.level = point.level; alert.at = now
                        alert.targetMinutes = point.state.targetMinutes
                        alert.elapsedMinutes = (point.state.elapsedMinutes * 100).rounded() / 100
                        try await alert.create(on: db)
                        if point.level == "plan" {
                            if t.planApprovedAt == nil {
                                t.planRequiredAt = now
                                try await TicketService.appendEvent(t, "plan_required", ["limitMinutes": String(point.state.targetMinutes)],
                                                                    actor: nil, at: now, on: db)
                                try await Notifier.planRequired(t, on: db, now: now)
                            }
                        } else if point.level.hasPrefix("escalate"), let level = Int(point.level.dropFirst("escalate".count)),
                                  evaluation.policy.escalationChain.indices.contains(level - 2) {
                            let step = evaluation.policy.escalationChain[level - 2]
                            let to = try await Notifier.escalate(t, level: level, step: step, on: db, now: now)
                            try await TicketService.appendEvent(t, "escalation", ["level": String(level), "to": to, "clock": step.clock.rawValue,
                                                                                  "percent": String(step.percent),
                                                                                  "targetMinutes": String(point.state.targetMinutes)],
                                                                actor: nil, at: now, on: db)
                        } else {
                            try await TicketService.appendEvent(t, point.level == "warning" ? "sla_warning" : "sla_breach",
                                                                ["clock": point.kind.rawValue, "targetMinutes": String(point.state.targetMinutes),
                                                                 "dueAt": (point.state.dueAt ?? point.at).formatted(.iso8601)],
                                                                actor: nil, at: now, on: db)
                            try await Notifier.slaAlert(t, level: point.level, clock: point.kind, on: db, now: now)
                        }
                        recorded += 1
                    }
                }
                let recordedNow = evaluation == nil ? [] : try await SLAAlert.query(on: db).filter(\.$ticketId == t.id!).all()
                t.nextAlertAt = nextAlert(t, evaluation: evaluation, recorded: recordedNow, now: now)
                // A clock past its due time has missed its target: decided for the KPIs.
                for state in evaluation?.states ?? [] where state.breached {
                    if state.kind == .response { t.responseBreached = true }
                    if state.kind == .resolve { t.resolveBreached = true }
                }
                try await t.update(on: db)
            }
            return (tickets.count, recorded)
        }
    }

    /// Runs `tick` every `seconds` while the server runs.
    public static func start(_ app: Application, every seconds: Int64 = 30) {
        let logger = app.logger
        app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: .seconds(seconds)) { _ in
            app.eventLoopGroup.next().makeFutureWithTask {
                do { try await tick(app, now: app.yiwei.clock.now()) } catch { logger.error("SLA scheduler: \(String(reflecting: error))") }
            }
        }
    }
}
