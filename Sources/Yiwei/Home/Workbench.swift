import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// The home page's panels, one per thing a role opens Yiwei for (SD-8, ANA-1): an engineer's open tickets by
/// due time, the service desk's unassigned queue and today's volume, a lead's approvals, risks and this
/// month's figures, the auditor's latest sensitive events, the system administrator's system health and the
/// security administrator's accounts. Each panel is asked for by a permission, so a user with several roles
/// sees each of theirs.
enum Workbench {
    struct Figure: Encodable {
        var label: String
        var value: String
        var href: String?
        /// "" normal, "warn", "bad", "good".
        var tone: String = ""
    }

    struct Row: Encodable {
        var text: String
        var meta: String
        var href: String?
        var tone: String = ""
    }

    struct Panel: Encodable {
        var title: String
        var figures: [Figure] = []
        var rows: [Row] = []
        /// Shown when there are no rows.
        var empty: String?
        var links: [Figure] = []
    }

    static func panels(for user: CurrentUser, req: Request, t: [String: String]) async throws -> [Panel] {
        var panels: [Panel] = []
        let reference = try await req.reference()
        let labels = TicketLabels(t: t)
        var dashboard: DashboardFigures?
        func figures() async throws -> DashboardFigures {
            if let dashboard { return dashboard }
            let computed = try await DashboardService.compute(now: req.now, timeZone: req.yiwei.config.timeZone, on: req.db)
            dashboard = computed
            return computed
        }
        if user.can(.workTickets) {
            panels.append(try await engineer(user, req: req, reference: reference, labels: labels))
        }
        if user.can(.reportOnBehalf) {
            panels.append(try await serviceDesk(user, req: req, reference: reference, labels: labels, today: try await figures().today))
        }
        if user.can(.approveTickets) {
            panels.append(try await approvals(req: req, labels: labels, figures: try await figures()))
            panels.append(try await month(req: req, t: t))
        }
        if user.can(.readAudit) { panels.append(try await sensitiveEvents(req: req, t: t)) }
        if user.can(.manageOrganisation) { panels.append(try await systemHealth(req: req, t: t)) }
        if user.can(.grantAdministratorRoles) { panels.append(try await accountSecurity(req: req, t: t)) }
        return panels
    }

    private static func rows(_ queue: TicketQueries.Queue, per: Int, user: CurrentUser, req: Request,
                             reference: ReferenceData) async throws -> Page<TicketRowDTO> {
        var filter = TicketQueries.Filter()
        filter.queue = queue
        return try await TicketQueries.list(filter, page: PageRequest(page: 1, per: per), scope: TicketScope.of(user, reference: reference),
                                            user: user, on: req.db, reference: reference, now: req.now)
    }

    private static func ticketRow(_ r: TicketRowDTO, labels: TicketLabels, now: Date) -> Row {
        let due = TicketRowView.due(r.nextDueAt, now: now, labels: labels)
        return Row(text: r.number + " " + r.title, meta: [labels.priority(r.priority), labels.status(r.status), due?.text ?? ""]
                    .filter { !$0.isEmpty }.joined(separator: " · "),
                   href: "/tickets/\(r.id)", tone: due.map { $0.state == "over" ? "bad" : $0.state == "soon" ? "warn" : "" } ?? "")
    }

    /// My open tickets, the one due first on top, and how many of them are about to breach or have.
    static func engineer(_ user: CurrentUser, req: Request, reference: ReferenceData, labels: TicketLabels) async throws -> Panel {
        let t = labels.t
        let mine = try await rows(.mine, per: 200, user: user, req: req, reference: reference)
        let ordered = mine.items.sorted { ($0.nextDueAt ?? .distantFuture) < ($1.nextDueAt ?? .distantFuture) }
        // Of my own tickets (a lead's panel counts the hospital's): due within the hour, and past due.
        let states = ordered.compactMap { TicketRowView.due($0.nextDueAt, now: req.now, labels: labels)?.state }
        let soon = states.filter { $0 == "soon" }.count, overdue = states.filter { $0 == "over" }.count
        return Panel(
            title: t[text: "home_panel_mine"],
            figures: [Figure(label: t[text: "queue_mine"], value: String(mine.total), href: "/desk?queue=mine"),
                      Figure(label: t[text: "home_mine_soon"], value: String(soon), href: "/desk?queue=mine", tone: soon > 0 ? "warn" : ""),
                      Figure(label: t[text: "home_mine_over"], value: String(overdue), href: "/desk?queue=mine", tone: overdue > 0 ? "bad" : "")],
            rows: ordered.prefix(8).map { ticketRow($0, labels: labels, now: req.now) },
            empty: t[text: "home_mine_empty"],
            links: [Figure(label: t[text: "nav_desk"], value: "", href: "/desk")])
    }

    /// The unassigned queue and today's volume.
    static func serviceDesk(_ user: CurrentUser, req: Request, reference: ReferenceData, labels: TicketLabels,
                            today: DashboardDay) async throws -> Panel {
        let t = labels.t
        let unassigned = try await rows(.unassigned, per: 5, user: user, req: req, reference: reference)
        return Panel(
            title: t[text: "home_panel_desk"],
            figures: [Figure(label: t[text: "queue_unassigned"], value: String(unassigned.total), href: "/desk?queue=unassigned",
                             tone: unassigned.total > 0 ? "warn" : ""),
                      Figure(label: t[text: "home_today_reported"], value: String(today.created), href: "/desk?queue=open"),
                      Figure(label: t[text: "home_today_resolved"], value: String(today.resolved), href: "/desk?queue=resolved")],
            rows: unassigned.items.map { ticketRow($0, labels: labels, now: req.now) },
            empty: t[text: "home_unassigned_empty"],
            links: [Figure(label: t[text: "nav_desk_new"], value: "", href: "/desk/new")])
    }

    /// What waits for a lead's decision (vendor pauses, written plans) and the tickets at risk.
    static func approvals(req: Request, labels: TicketLabels, figures: DashboardFigures) async throws -> Panel {
        let t = labels.t
        let sql = req.db.sql
        let waiting = try await sql.raw("""
            SELECT id, number, title, pause_approval, plan_approved_at, plan FROM tickets
            WHERE (status = 'pending' AND pause_approval = 'requested')
               OR (plan IS NOT NULL AND plan_approved_at IS NULL AND status IN ('new', 'accepted', 'in_progress', 'pending'))
            ORDER BY updated_at LIMIT 20
            """).all()
        let rows = try waiting.map { row -> Row in
            let id = try row.decode(column: "id", as: UUID.self)
            let pause = try row.decode(column: "pause_approval", as: String?.self) == PauseApproval.requested.rawValue
            return Row(text: try row.decode(column: "number", as: String.self) + " " + row.decode(column: "title", as: String.self),
                       meta: pause ? t[text: "home_approve_pause"] : t[text: "home_approve_plan"], href: "/tickets/\(id)", tone: "warn")
        }
        return Panel(
            title: t[text: "home_panel_approvals"],
            figures: [Figure(label: t[text: "home_waiting_for_me"], value: String(rows.count), tone: rows.isEmpty ? "" : "warn"),
                      Figure(label: t[text: "dashboard_at_risk"], value: String(figures.atRisk), href: "/desk?queue=soon", tone: figures.atRisk > 0 ? "warn" : ""),
                      Figure(label: t[text: "dashboard_breached"], value: String(figures.breached), href: "/desk?queue=overdue",
                             tone: figures.breached > 0 ? "bad" : "")],
            rows: rows, empty: t[text: "home_approvals_empty"],
            links: [Figure(label: t[text: "nav_dashboard"], value: "", href: "/dashboard")])
    }

    /// This month's KPIs so far, against the targets the scorecard scores them by.
    static func month(req: Request, t: [String: String]) async throws -> Panel {
        let zone = req.yiwei.config.timeZone
        let current = EvaluationCalendar.month(of: req.now, timeZone: zone)
        let k = try await KPIService.compute(from: ReportPeriod.ofMonth(current, timeZone: zone).from, to: req.now.addingTimeInterval(1), domain: nil, teamId: nil, groupBy: nil,
                                             timeZone: zone, on: req.db)
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        func tone(_ value: Double?, atLeast target: Double) -> String { value.map { $0 >= target ? "good" : "bad" } ?? "" }
        return Panel(
            title: t[text: "home_panel_month"].filling("{m}", with: current.description),
            figures: [Figure(label: t[text: "home_kpi_created"], value: String(k.created)),
                      Figure(label: t[text: "home_kpi_response"], value: percent(k.slaResponseRate), tone: tone(k.slaResponseRate, atLeast: Self.slaTarget)),
                      Figure(label: t[text: "home_kpi_resolve"], value: percent(k.slaResolveRate), tone: tone(k.slaResolveRate, atLeast: Self.slaTarget)),
                      Figure(label: t[text: "home_kpi_satisfaction"], value: k.satisfaction.map { String(format: "%.2f", $0) } ?? "—",
                             tone: tone(k.satisfaction, atLeast: Self.satisfactionTarget))],
            empty: nil,
            links: [Figure(label: t[text: "nav_reports"], value: "", href: "/reports/monthly")])
    }

    /// The targets the month's figures are coloured by: the scorecard's 优秀 bands (seed 002 annex 1, see
    /// `ObjectiveScoring`) — timeliness from 95 % within SLA, satisfaction from 9 of 10, which is 4.5 of a
    /// ticket rating's 5.
    static let slaTarget = 0.95
    static let satisfactionTarget = 4.5

    /// Audit actions an auditor looks at first: refusals, failed and throttled sign-ins, account changes, exports.
    static let sensitiveActions = ["permission.denied", "login.failure", "login.throttled", "user.locked", "user.create", "user.update",
                                   "user.password_reset", "audit.verify", "kb.export", "kb.import", "tickets.import"]

    static func sensitiveEvents(req: Request, t: [String: String]) async throws -> Panel {
        let entries = try await AuditEntry.query(on: req.db).filter(\.$action ~~ sensitiveActions).sort(\.$sequence, .descending).limit(10).all()
        return Panel(
            title: t[text: "home_panel_audit"],
            rows: entries.map { e in
                Row(text: (t["audit_action_" + e.action.replacingOccurrences(of: ".", with: "_")] ?? e.action) + " · " + e.actorName,
                    meta: DisplayTime.short(Date(timeIntervalSince1970: Double(e.atMillis) / 1000), req) + (e.entityId.map { " · " + $0 } ?? ""), href: nil,
                    tone: e.action == "permission.denied" || e.action.hasSuffix("failure") || e.action == "login.throttled" ? "warn" : "")
            },
            empty: t[text: "home_audit_empty"],
            links: [Figure(label: t[text: "nav_audit"], value: "", href: "/audit")])
    }

    static func systemHealth(req: Request, t: [String: String]) async throws -> Panel {
        let health = try await SystemHealth.quick(req.application)
        return Panel(
            title: t[text: "home_panel_health"],
            rows: health.map { check in
                let detail = check.values.reduce(t[text: check.page + "_detail"]) { $0.filling($1.0, with: $1.1) }
                return Row(text: t[text: check.page], meta: detail, href: nil,
                           tone: check.outcome == .ok ? "good" : check.outcome == .warning ? "warn" : "bad")
            },
            empty: nil, links: [])
    }

    /// Locked accounts, failed sign-ins of the last day, and who holds the administrator roles.
    static func accountSecurity(req: Request, t: [String: String]) async throws -> Panel {
        let locked = try await User.query(on: req.db).filter(\.$lockedUntil > req.now).count()
        let failures = try await AuditEntry.query(on: req.db).filter(\.$action == "login.failure")
            .filter(\.$atMillis >= Int64((req.now.timeIntervalSince1970 - 86_400) * 1000)).count()
        let administrators = try await User.query(on: req.db).filter(\.$isActive == true).all()
            .filter { $0.roles.contains(where: \.isAdministrator) }.sorted { $0.username < $1.username }
        return Panel(
            title: t[text: "home_panel_security"],
            figures: [Figure(label: t[text: "home_locked_accounts"], value: String(locked), href: "/admin/users", tone: locked > 0 ? "warn" : ""),
                      Figure(label: t[text: "home_failed_logins"], value: String(failures), tone: failures > 0 ? "warn" : "")],
            rows: try administrators.map { u in
                Row(text: u.displayName + "（" + u.username + "）",
                    meta: u.sortedRoles.map { t["role_" + $0.rawValue] ?? $0.rawValue }.joined(separator: "、"), href: "/admin/users/\(try u.requireID())")
            },
            empty: nil, links: [Figure(label: t[text: "nav_users"], value: "", href: "/admin/users")])
    }
}
