import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Reading tickets: the full ticket, lists and queues, the timeline.
enum TicketQueries {
    /// Names of the records tickets refer to, fetched in one query per table for a whole page.
    struct Names {
        var users: [UUID: String] = [:]
        var departments: [UUID: String] = [:]
        var teams: [UUID: String] = [:]
        var categories: [UUID: String] = [:]
        var systems: [UUID: String] = [:]

        /// The names for these records, from the organisation in memory.
        static func of(users: some Sequence<UUID?>, departments: some Sequence<UUID?>, teams: some Sequence<UUID?>,
                       categories: some Sequence<UUID?>, systems: some Sequence<UUID?>, reference r: ReferenceData) -> Names {
            var n = Names()
            for case let id? in users { if let u = r.users[id] { n.users[id] = u.displayName } }
            for case let id? in departments { if let d = r.departments[id] { n.departments[id] = d.name } }
            for case let id? in teams { if let t = r.teams[id] { n.teams[id] = t.name } }
            for case let id? in categories { if let c = r.categories[id] { n.categories[id] = c.name } }
            for case let id? in systems { if let s = r.systems[id] { n.systems[id] = s.name } }
            return n
        }

        static func of(_ tickets: [Ticket], reference: ReferenceData) -> Names {
            of(users: tickets.flatMap { [$0.reporterId, $0.assigneeId] }, departments: tickets.map(\.departmentId), teams: tickets.map(\.teamId),
               categories: tickets.map(\.categoryId), systems: tickets.map(\.businessSystemId), reference: reference)
        }
    }

    static func dto(_ t: Ticket, names: Names, now: Date, sla: SLAService.Evaluation? = nil) -> TicketDTO {
        var paused = Double(t.pausedSeconds)
        if let since = t.pendingSince { paused += max(0, now.timeIntervalSince(since)) }
        return TicketDTO(
            id: t.id!, number: t.number, domain: t.domain, kind: t.kind, title: t.title, description: t.description,
            impact: t.impact, urgency: t.urgency, priority: t.priority, status: t.status, pendingReason: t.pendingReason,
            waitOn: t.pendingWaitOn, pauseApproval: t.pauseApproval,
            categoryId: t.categoryId, categoryName: t.categoryId.flatMap { names.categories[$0] },
            businessSystemId: t.businessSystemId, businessSystemName: t.businessSystemId.flatMap { names.systems[$0] },
            assetId: t.assetId, location: t.location,
            departmentId: t.departmentId, departmentName: t.departmentId.flatMap { names.departments[$0] },
            reporterId: t.reporterId, reporterName: t.reporterId.flatMap { names.users[$0] },
            channel: t.channel, occurredAt: t.occurredAt,
            assigneeId: t.assigneeId, assigneeName: t.assigneeId.flatMap { names.users[$0] },
            teamId: t.teamId, teamName: t.teamId.flatMap { names.teams[$0] },
            resolution: t.resolution, reopenCount: t.reopenCount, createdAt: t.createdAt, updatedAt: t.updatedAt,
            acknowledgedAt: t.acknowledgedAt, startedAt: t.startedAt, resolvedAt: t.resolvedAt, closedAt: t.closedAt,
            cancelledAt: t.cancelledAt,
            sla: slaDTO(sla, pausedMinutes: (paused / 60 * 100).rounded() / 100, paused: t.pendingSince != nil),
            rating: t.ratingScore.map { TicketRatingDTO(score: $0, comment: t.ratingComment, at: t.ratedAt ?? t.updatedAt) },
            plan: (t.planRequiredAt == nil && t.plan == nil) ? nil
                : TicketPlanDTO(requiredAt: t.planRequiredAt, text: t.plan, byId: t.planById, approvedAt: t.planApprovedAt,
                                approvedById: t.planApprovedById, blocking: t.planRequiredAt != nil && t.planApprovedAt == nil))
    }

    static func slaDTO(_ e: SLAService.Evaluation?, pausedMinutes: Double, paused: Bool) -> TicketSLADTO {
        func state(_ kind: SLAClockKind) -> SLAClockState? { e?.states.first { $0.kind == kind } }
        return TicketSLADTO(
            responseDueAt: state(.response)?.dueAt, startDueAt: state(.start)?.dueAt, resolveDueAt: state(.resolve)?.dueAt,
            responseBreached: state(.response)?.breached ?? false, startBreached: state(.start)?.breached ?? false,
            resolveBreached: state(.resolve)?.breached ?? false, pausedMinutes: pausedMinutes,
            policyId: e?.policy.id, policyName: e?.policy.name, calendarName: e?.calendarName, businessTime: e?.policy.businessTime,
            raisedInHours: e?.raisedInHours, paused: paused,
            clocks: (e?.states ?? []).map {
                SLAClockDTO(kind: $0.kind.rawValue, targetMinutes: $0.targetMinutes, dueAt: $0.dueAt,
                            elapsedMinutes: ($0.elapsedMinutes * 100).rounded() / 100, pausedMinutes: ($0.pausedMinutes * 100).rounded() / 100,
                            stoppedAt: $0.stoppedAt, breached: $0.breached, paused: $0.isPaused,
                            businessTime: e?.policy.businessTime(for: $0.kind) ?? false)
            })
    }

    static func load(_ ticket: Ticket, on db: any Database, reference: ReferenceData, now: Date) async throws -> TicketDTO {
        dto(ticket, names: Names.of([ticket], reference: reference), now: now,
            sla: try await SLAService.evaluate(ticket, on: db, reference: reference, now: now))
    }

    static func load(_ ticket: Ticket, request: Request) async throws -> TicketDTO {
        try await load(ticket, on: request.db, reference: try await request.reference(), now: request.now)
    }

    /// The queues of the workbench (SD-8).
    enum Queue: String, CaseIterable, Sendable {
        /// Open tickets assigned to me.
        case mine
        /// Open tickets of my teams that nobody has taken yet.
        case unassigned
        /// Every open ticket I may see.
        case open
        /// Resolved or closed in the last 7 days.
        case resolved
        /// Resolved or closed in the last 30 days and not yet visited (回访): the desk samples from these.
        case visit
        /// Open, not pending, a running clock due within the next hour (即将超时).
        case soon
        /// Open, not pending, a running clock already past its due time (已超时).
        case overdue
    }

    struct Filter: Sendable {
        var queue: Queue?
        var statuses: [TicketStatus] = []
        var domain: ServiceDomain?
        var priorities: [Priority] = []
        var assigneeId: UUID?
        var teamId: UUID?
        var reporterId: UUID?
        var departmentId: UUID?
        var businessSystemId: UUID?
        var q: String?
        var createdFrom: Date?
        var createdTo: Date?
    }

    static func filter(from req: Request) throws -> Filter {
        var v = Validator()
        var f = Filter()
        let user = try req.requireUser()
        if let raw = req.queryParameter("queue"), !raw.isEmpty {
            if let queue = Queue(rawValue: raw) { f.queue = queue } else { v.add("queue", "must be one of mine, unassigned, open, resolved, visit, soon, overdue") }
        }
        if let raw = req.queryParameter("status"), !raw.isEmpty {
            for part in raw.split(separator: ",") {
                if let s = TicketStatus(rawValue: String(part)) { f.statuses.append(s) } else { v.add("status", "unknown status \(part)") }
            }
        }
        f.domain = v.oneOf("domain", req.queryParameter("domain"), ServiceDomain.self, required: false)
        if let raw = req.queryParameter("priority"), !raw.isEmpty {
            for part in raw.split(separator: ",") {
                if let p = Priority(rawValue: String(part)) { f.priorities.append(p) } else { v.add("priority", "unknown priority \(part)") }
            }
        }
        let assignee = req.queryParameter("assigneeId")
        f.assigneeId = assignee == "me" ? user.id : v.uuid("assigneeId", assignee)
        f.teamId = v.uuid("teamId", req.queryParameter("teamId"))
        f.reporterId = v.uuid("reporterId", req.queryParameter("reporterId"))
        f.departmentId = v.uuid("departmentId", req.queryParameter("departmentId"))
        f.businessSystemId = v.uuid("businessSystemId", req.queryParameter("businessSystemId"))
        f.q = v.text("q", req.queryParameter("q"), required: false, max: 100)
        f.createdFrom = v.dayOrInstant("createdFrom", req.queryParameter("createdFrom"), timeZone: req.yiwei.config.timeZone)
        f.createdTo = v.dayOrInstant("createdTo", req.queryParameter("createdTo"), timeZone: req.yiwei.config.timeZone, endOfDay: true)
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return f
    }

    /// One page of a queue or list. Read as plain rows with SQL (the models' decoding cost more than the
    /// query), the names from the organisation in memory.
    /// The columns of a list row, quoted.
    static let rowColumns = ["id", "number", "domain", "kind", "title", "priority", "status", "reporter_id", "department_id", "business_system_id",
                             "assignee_id", "team_id", "created_at", "updated_at", "response_due_at", "resolve_due_at"]
        .map { "\"" + $0 + "\"" }.joined(separator: ", ")

    static func list(_ f: Filter, page: PageRequest, scope: TicketScope, user: CurrentUser, on db: any Database,
                     reference: ReferenceData, now: Date) async throws -> Page<TicketRowDTO> {
        let sql = db.sql
        var conditions: [any SQLExpression] = []
        func add(_ column: String, _ op: SQLBinaryOperator, _ value: some Encodable & Sendable) {
            conditions.append(SQLQuery.compare(column, op, value))
        }
        if let s = scope.condition() { conditions.append(s) }
        switch f.queue {
        case .mine?:
            add("assignee_id", .equal, user.id)
            conditions.append(SQLQuery.openStatus)
        case .unassigned?:
            let teams = reference.members.filter { $0.userId == user.id }.map(\.teamId)
            conditions.append(SQLRaw(#""assignee_id" IS NULL"#))
            conditions.append(SQLQuery.openStatus)
            // Leads and dispatchers without a team see every unassigned ticket; others their teams'.
            if !teams.isEmpty || !scope.all { conditions.append(SQLQuery.inList("team_id", teams)) }
        case .open?: conditions.append(SQLQuery.openStatus)
        case .resolved?:
            conditions.append(SQLQuery.inList("status", [TicketStatus.resolved.rawValue, TicketStatus.closed.rawValue]))
            add("resolved_at", .greaterThanOrEqual, now.addingTimeInterval(-7 * 86400))
        case .soon?, .overdue?:
            let running = TicketStatus.allCases.filter { $0.isOpen && $0 != .pending }.map(\.rawValue)
            let (from, to): (Date?, Date) = f.queue == .soon ? (now, now.addingTimeInterval(3600)) : (nil, now)
            conditions.append(SQLQuery.inList("status", running))
            func window(_ column: String) -> any SQLExpression {
                var parts: [any SQLExpression] = [SQLBinaryExpression(SQLIdentifier(column), .lessThan, SQLBind(to))]
                if let from { parts.insert(SQLBinaryExpression(SQLIdentifier(column), .greaterThanOrEqual, SQLBind(from)), at: 0) }
                return SQLQuery.all(parts)
            }
            conditions.append(SQLQuery.any([window("response_due_at"), window("resolve_due_at")]))
        case .visit?:
            conditions.append(SQLQuery.inList("status", [TicketStatus.resolved.rawValue, TicketStatus.closed.rawValue]))
            conditions.append(SQLBinaryExpression(SQLIdentifier("visited_at"), .is, SQLLiteral.null))
            add("resolved_at", .greaterThanOrEqual, now.addingTimeInterval(-30 * 86400))
        case nil: break
        }
        if !f.statuses.isEmpty { conditions.append(SQLQuery.inList("status", f.statuses.map(\.rawValue))) }
        if let d = f.domain { add("domain", .equal, d.rawValue) }
        if !f.priorities.isEmpty { conditions.append(SQLQuery.inList("priority", f.priorities.map(\.rawValue))) }
        if let a = f.assigneeId { add("assignee_id", .equal, a) }
        if let t = f.teamId { add("team_id", .equal, t) }
        if let r = f.reporterId { add("reporter_id", .equal, r) }
        if let d = f.departmentId { add("department_id", .equal, d) }
        if let s = f.businessSystemId { add("business_system_id", .equal, s) }
        if let from = f.createdFrom { add("created_at", .greaterThanOrEqual, from) }
        if let to = f.createdTo { add("created_at", .lessThan, to) }
        let predicate = SQLQuery.all(conditions)
        let rows: [PlainRow], total: Int
        var totalCapped: Bool?
        if let q = f.q {
            guard page.offset < TicketSearch.maxTotal else {
                throw AppError(.badRequest, .invalidQuery, "invalid pagination",
                               fields: ["page": "a search serves its first \(TicketSearch.maxTotal) results; narrow it with filters"])
            }
            let found = try await TicketSearch.page(TicketSearch.Term(q, reference: reference), predicate: predicate,
                                                    hasFilters: !conditions.isEmpty, page: page, columns: Self.rowColumns, on: sql)
            rows = found.rows
            total = found.total
            totalCapped = total >= TicketSearch.maxTotal
        } else {
            let count = sql.select().column(SQLRaw(#"COUNT(*) AS "n""#)).from(SQLColumnName(Ticket.schema)).where(predicate)
            total = try await PlainRow.all(count.select, on: sql).first?.int("n") ?? 0
            // The column list and the order written out once (SQLKit quotes each name anew for every query).
            let select = sql.select().column(SQLRaw(Self.rowColumns)).from(SQLColumnName(Ticket.schema)).where(predicate)
                .orderBy(SQLRaw(#""created_at" DESC, "number" DESC"#)).limit(page.per).offset(page.offset)
            rows = try await PlainRow.all(select.select, on: sql)
        }
        let items = try rows.map { row -> TicketRowDTO in
            guard let id = try row.uuid("id"), let number = try row.string("number"), let domain = try row.string("domain"),
                  let kind = try row.string("kind"), let title = try row.string("title"), let priority = try row.string("priority"),
                  let status = try row.string("status"), let createdAt = try row.date("created_at"), let updatedAt = try row.date("updated_at")
            else { throw AppError(.internalServerError, .ticketRow, "a ticket row with a required column missing") }
            let statusValue = TicketStatus(rawValue: status) ?? .new
            let responseDue = try row.date("response_due_at")
            let resolveDue = try row.date("resolve_due_at")
            return TicketRowDTO(
                id: id, number: number, domain: domain, kind: kind, title: title, priority: priority, status: status,
                reporterName: try row.uuid("reporter_id").flatMap { reference.users[$0]?.displayName },
                departmentName: try row.uuid("department_id").flatMap { reference.departments[$0]?.name },
                businessSystemName: try row.uuid("business_system_id").flatMap { reference.systems[$0]?.name },
                assigneeName: try row.uuid("assignee_id").flatMap { reference.users[$0]?.displayName },
                teamName: try row.uuid("team_id").flatMap { reference.teams[$0]?.name },
                createdAt: createdAt, updatedAt: updatedAt,
                nextDueAt: statusValue.isOpen && statusValue != .pending ? (responseDue ?? resolveDue) : nil)
        }
        return Page(items: items, page: page.page, per: page.per, total: total, totalCapped: totalCapped)
    }

    static func timeline(_ ticket: Ticket, user: CurrentUser, on db: any Database, reference: ReferenceData) async throws -> [TicketEventDTO] {
        let events = try await TicketEvent.of(ticket.id!, includeInternal: user.seesInternal, on: db)
        let names = reference.users
        return events.map { e in
            let data = (try? JSONDecoder().decode([String: String].self, from: Data(e.data.utf8))) ?? [:]
            return TicketEventDTO(id: e.id!, at: e.at, actorId: e.actorId, actorName: e.actorId.flatMap { names[$0]?.displayName }, type: e.type,
                                  data: data, internal: e.isInternal)
        }
    }
}
