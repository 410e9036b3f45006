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

        static func load(for tickets: [Ticket], on db: any Database) async throws -> Names {
            var n = Names()
            let userIds = Set(tickets.flatMap { [$0.reporterId, $0.assigneeId] }.compactMap { $0 })
            if !userIds.isEmpty {
                n.users = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ userIds).all().map { ($0.id!, $0.displayName) })
            }
            let departments = Set(tickets.compactMap(\.departmentId))
            if !departments.isEmpty {
                n.departments = Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ departments).all().map { ($0.id!, $0.name) })
            }
            let teams = Set(tickets.compactMap(\.teamId))
            if !teams.isEmpty {
                n.teams = Dictionary(uniqueKeysWithValues: try await Team.query(on: db).filter(\.$id ~~ teams).all().map { ($0.id!, $0.name) })
            }
            let categories = Set(tickets.compactMap(\.categoryId))
            if !categories.isEmpty {
                n.categories = Dictionary(uniqueKeysWithValues: try await Category.query(on: db).filter(\.$id ~~ categories).all().map { ($0.id!, $0.name) })
            }
            let systems = Set(tickets.compactMap(\.businessSystemId))
            if !systems.isEmpty {
                n.systems = Dictionary(uniqueKeysWithValues: try await BusinessSystem.query(on: db).filter(\.$id ~~ systems).all().map { ($0.id!, $0.name) })
            }
            return n
        }
    }

    static func dto(_ t: Ticket, names: Names, now: Date, sla: SLAService.Evaluation? = nil) -> TicketDTO {
        var paused = Double(t.pausedSeconds)
        if let since = t.pendingSince { paused += max(0, now.timeIntervalSince(since)) }
        return TicketDTO(
            id: t.id!, number: t.number, domain: t.domain, kind: t.kind, title: t.title, description: t.description,
            impact: t.impact, urgency: t.urgency, priority: t.priority, status: t.status, pendingReason: t.pendingReason,
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
            sla: slaDTO(sla, pausedMinutes: (paused / 60 * 100).rounded() / 100),
            rating: t.ratingScore.map { TicketRatingDTO(score: $0, comment: t.ratingComment, at: t.ratedAt ?? t.updatedAt) },
            plan: (t.planRequiredAt == nil && t.plan == nil) ? nil
                : TicketPlanDTO(requiredAt: t.planRequiredAt, text: t.plan, byId: t.planById, approvedAt: t.planApprovedAt,
                                approvedById: t.planApprovedById, blocking: t.planRequiredAt != nil && t.planApprovedAt == nil))
    }

    static func slaDTO(_ e: SLAService.Evaluation?, pausedMinutes: Double) -> TicketSLADTO {
        func state(_ kind: SLAClockKind) -> SLAClockState? { e?.states.first { $0.kind == kind } }
        return TicketSLADTO(
            responseDueAt: state(.response)?.dueAt, startDueAt: state(.start)?.dueAt, resolveDueAt: state(.resolve)?.dueAt,
            responseBreached: state(.response)?.breached ?? false, startBreached: state(.start)?.breached ?? false,
            resolveBreached: state(.resolve)?.breached ?? false, pausedMinutes: pausedMinutes,
            policyId: e?.policy.id, policyName: e?.policy.name, calendarName: e?.calendarName, businessTime: e?.policy.businessTime,
            raisedInHours: e?.raisedInHours,
            clocks: (e?.states ?? []).map {
                SLAClockDTO(kind: $0.kind.rawValue, targetMinutes: $0.targetMinutes, dueAt: $0.dueAt,
                            elapsedMinutes: ($0.elapsedMinutes * 100).rounded() / 100, pausedMinutes: ($0.pausedMinutes * 100).rounded() / 100,
                            stoppedAt: $0.stoppedAt, breached: $0.breached, paused: $0.isPaused,
                            businessTime: e?.policy.businessTime(for: $0.kind) ?? false)
            })
    }

    static func row(_ t: Ticket, names: Names) -> TicketRowDTO {
        TicketRowDTO(id: t.id!, number: t.number, domain: t.domain, kind: t.kind, title: t.title, priority: t.priority, status: t.status,
                     reporterName: t.reporterId.flatMap { names.users[$0] }, departmentName: t.departmentId.flatMap { names.departments[$0] },
                     businessSystemName: t.businessSystemId.flatMap { names.systems[$0] },
                     assigneeName: t.assigneeId.flatMap { names.users[$0] }, teamName: t.teamId.flatMap { names.teams[$0] },
                     createdAt: t.createdAt, updatedAt: t.updatedAt,
                     nextDueAt: t.statusValue.isOpen && t.statusValue != .pending ? (t.responseDueAt ?? t.resolveDueAt) : nil)
    }

    static func load(_ ticket: Ticket, on db: any Database, now: Date) async throws -> TicketDTO {
        dto(ticket, names: try await Names.load(for: [ticket], on: db), now: now, sla: try await SLAService.evaluate(ticket, on: db, now: now))
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
        if let raw = req.query[String.self, at: "queue"], !raw.isEmpty {
            if let queue = Queue(rawValue: raw) { f.queue = queue } else { v.add("queue", "must be one of mine, unassigned, open, resolved, visit, soon, overdue") }
        }
        if let raw = req.query[String.self, at: "status"], !raw.isEmpty {
            for part in raw.split(separator: ",") {
                if let s = TicketStatus(rawValue: String(part)) { f.statuses.append(s) } else { v.add("status", "unknown status \(part)") }
            }
        }
        f.domain = v.oneOf("domain", req.query[String.self, at: "domain"], ServiceDomain.self, required: false)
        if let raw = req.query[String.self, at: "priority"], !raw.isEmpty {
            for part in raw.split(separator: ",") {
                if let p = Priority(rawValue: String(part)) { f.priorities.append(p) } else { v.add("priority", "unknown priority \(part)") }
            }
        }
        let assignee = req.query[String.self, at: "assigneeId"]
        f.assigneeId = assignee == "me" ? user.id : v.uuid("assigneeId", assignee)
        f.teamId = v.uuid("teamId", req.query[String.self, at: "teamId"])
        f.reporterId = v.uuid("reporterId", req.query[String.self, at: "reporterId"])
        f.departmentId = v.uuid("departmentId", req.query[String.self, at: "departmentId"])
        f.businessSystemId = v.uuid("businessSystemId", req.query[String.self, at: "businessSystemId"])
        f.q = v.text("q", req.query[String.self, at: "q"], required: false, max: 100)
        f.createdFrom = v.dayOrInstant("createdFrom", req.query[String.self, at: "createdFrom"], timeZone: req.yiwei.config.timeZone)
        f.createdTo = v.dayOrInstant("createdTo", req.query[String.self, at: "createdTo"], timeZone: req.yiwei.config.timeZone, endOfDay: true)
        if !v.isValid { throw AppError(.badRequest, "invalid_query", "invalid filter", fields: v.fields) }
        return f
    }

    static func list(_ f: Filter, page: PageRequest, scope: TicketScope, user: CurrentUser, on db: any Database, now: Date) async throws -> Page<TicketRowDTO> {
        var query = scope.apply(Ticket.query(on: db))
        let open = TicketStatus.allCases.filter(\.isOpen).map(\.rawValue)
        switch f.queue {
        case .mine?: query = query.filter(\.$assigneeId == user.id).filter(\.$status ~~ open)
        case .unassigned?:
            let teams = try await TeamMember.query(on: db).filter(\.$userId == user.id).all().map(\.teamId)
            query = query.filter(\.$assigneeId == nil).filter(\.$status ~~ open)
            // Leads and dispatchers without a team see every unassigned ticket; others their teams'.
            if !teams.isEmpty || !scope.all { query = query.filter(\.$teamId ~~ teams) }
        case .open?: query = query.filter(\.$status ~~ open)
        case .resolved?:
            query = query.filter(\.$status ~~ [TicketStatus.resolved.rawValue, TicketStatus.closed.rawValue])
                .filter(\.$resolvedAt >= now.addingTimeInterval(-7 * 86400))
        case .soon?, .overdue?:
            let running = TicketStatus.allCases.filter { $0.isOpen && $0 != .pending }.map(\.rawValue)
            let (from, to): (Date?, Date) = f.queue == .soon ? (now, now.addingTimeInterval(3600)) : (nil, now)
            query = query.filter(\.$status ~~ running).group(.or) { or in
                or.group(.and) { g in
                    if let from { g.filter(\.$responseDueAt >= from) }
                    g.filter(\.$responseDueAt < to)
                }
                or.group(.and) { g in
                    if let from { g.filter(\.$resolveDueAt >= from) }
                    g.filter(\.$resolveDueAt < to)
                }
            }
        case .visit?:
            query = query.filter(\.$status ~~ [TicketStatus.resolved.rawValue, TicketStatus.closed.rawValue])
                .filter(\.$visitedAt == nil).filter(\.$resolvedAt >= now.addingTimeInterval(-30 * 86400))
        case nil: break
        }
        if !f.statuses.isEmpty { query = query.filter(\.$status ~~ f.statuses.map(\.rawValue)) }
        if let d = f.domain { query = query.filter(\.$domain == d.rawValue) }
        if !f.priorities.isEmpty { query = query.filter(\.$priority ~~ f.priorities.map(\.rawValue)) }
        if let a = f.assigneeId { query = query.filter(\.$assigneeId == a) }
        if let t = f.teamId { query = query.filter(\.$teamId == t) }
        if let r = f.reporterId { query = query.filter(\.$reporterId == r) }
        if let d = f.departmentId { query = query.filter(\.$departmentId == d) }
        if let s = f.businessSystemId { query = query.filter(\.$businessSystemId == s) }
        if let from = f.createdFrom { query = query.filter(\.$createdAt >= from) }
        if let to = f.createdTo { query = query.filter(\.$createdAt < to) }
        if let q = f.q {
            // Number, title, description, and the names of the reporter, department and business system.
            let users = try await User.query(on: db).filter(\.$displayName ~~ q).limit(200).all().compactMap(\.id)
            let departments = try await Department.query(on: db).filter(\.$name ~~ q).limit(200).all().compactMap(\.id)
            let systems = try await BusinessSystem.query(on: db).filter(\.$name ~~ q).limit(200).all().compactMap(\.id)
            query = query.group(.or) { or in
                or.filter(\.$number ~~ q.uppercased())
                or.filter(\.$title ~~ q)
                or.filter(\.$description ~~ q)
                if !users.isEmpty { or.filter(\.$reporterId ~~ users) }
                if !departments.isEmpty { or.filter(\.$departmentId ~~ departments) }
                if !systems.isEmpty { or.filter(\.$businessSystemId ~~ systems) }
            }
        }
        let total = try await query.count()
        let tickets = try await query.sort(\.$createdAt, .descending).sort(\.$number, .descending)
            .range(page.offset..<(page.offset + page.per)).all()
        let names = try await Names.load(for: tickets, on: db)
        return Page(items: tickets.map { row($0, names: names) }, page: page.page, per: page.per, total: total)
    }

    static func timeline(_ ticket: Ticket, user: CurrentUser, on db: any Database) async throws -> [TicketEventDTO] {
        var query = TicketEvent.query(on: db).filter(\.$ticketId == ticket.id!)
        if !user.seesInternal { query = query.filter(\.$isInternal == false) }
        let events = try await query.sort(\.$at).all()
        let actorIds = Set(events.compactMap(\.actorId))
        let names = actorIds.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ actorIds).all().map { ($0.id!, $0.displayName) })
        return events.map { e in
            let data = (try? JSONDecoder().decode([String: String].self, from: Data(e.data.utf8))) ?? [:]
            return TicketEventDTO(id: e.id!, at: e.at, actorId: e.actorId, actorName: e.actorId.flatMap { names[$0] }, type: e.type,
                                  data: data, internal: e.isInternal)
        }
    }
}
