import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// An in-app notification (站内消息): written in the same transaction as the change that causes it, so
/// none is lost and none describes a change that did not happen.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one task at a time.
final class UserNotification: Model, @unchecked Sendable {
    static let schema = "user_notifications"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "event") var event: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @OptionalField(key: "ticket_id") var ticketId: UUID?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?
    init() {}
}

/// Who hears about what (NTF-2), in Chinese — the language of the hospital's staff.
enum Notifier {
    /// Writes notifications for `users` (duplicates and the actor removed) inside the caller's transaction.
    static func notify(_ users: Set<UUID>, except actor: UUID?, event: String, title: String, body: String, ticket: Ticket?, at now: Date,
                       on db: any Database) async throws {
        // Group robots hear what concerns a group — P1 reports, warnings, breaches, escalations — not the
        // personal messages ("您的报修已受理"); each channel narrows further by its own settings.
        let group = UUID()
        if event == "ticket.p1" || event.hasPrefix("sla.") {
            try await OutboxWorker.enqueue(event: event, title: title, body: body, ticket: ticket, group: group, at: now, on: db)
        }
        // Subscribers (消息订阅) hear it too: in the app, or by e-mail.
        let subscribers = try await SubscriptionService.subscribers(event: event, ticket: ticket, on: db)
        try await OutboxWorker.enqueueEmail(to: subscribers.email.filter { $0.0 != actor }, event: event, title: title, body: body, ticket: ticket,
                                            group: group, at: now, on: db)
        for user in users.union(subscribers.inApp) where user != actor {
            let n = UserNotification()
            n.userId = user; n.event = event; n.title = String(title.prefix(200)); n.body = String(body.prefix(1000))
            n.ticketId = ticket?.id; n.createdAt = now
            try await n.create(on: db)
        }
    }

    static func label(_ t: Ticket) -> String { "\(t.number)「\(t.title)」" }

    /// Who hears about a P1 at once (SLA-4): the leads of the domain's teams, and the department heads —
    /// accounts with the lead role that belong to no team (the IT department head oversees every team).
    static func domainLeads(_ domain: String, on db: any Database) async throws -> Set<UUID> {
        var users = Set(try await Team.query(on: db).filter(\.$domain == domain).filter(\.$isActive == true).all().compactMap(\.leadId))
        let leads = try await User.query(on: db).filter(\.$rolesText ~~ Role.lead.rawValue).filter(\.$isActive == true).all().compactMap(\.id)
        if !leads.isEmpty {
            let inTeams = Set(try await TeamMember.query(on: db).filter(\.$userId ~~ leads).all().map(\.userId))
            users.formUnion(leads.filter { !inTeams.contains($0) })
        }
        return users
    }

    static func teamLead(_ teamId: UUID?, on db: any Database) async throws -> Set<UUID> {
        guard let teamId, let lead = try await Team.find(teamId, on: db)?.leadId else { return [] }
        return [lead]
    }

    /// After a report: the dispatched engineer; for P1 also every lead of the domain at once.
    static func ticketCreated(_ t: Ticket, actor: UUID?, on db: any Database, now: Date) async throws {
        if let assignee = t.assigneeId {
            try await notify([assignee], except: actor, event: "ticket.assigned", title: "新工单派给您：\(label(t))",
                             body: "优先级 \(t.priority)，请尽快受理。", ticket: t, at: now, on: db)
        }
        if t.priority == Priority.p1.rawValue {
            try await notify(try await domainLeads(t.domain, on: db), except: actor, event: "ticket.p1",
                             title: "一级工单：\(label(t))", body: "一级（紧急）工单已报修，请关注处理进度。", ticket: t, at: now, on: db)
        }
    }

    /// After an action: a new assignee is told; the reporter hears of acceptance, resolution and cancellation.
    static func ticketChanged(_ t: Ticket, action: TicketAction, previousAssignee: UUID?, actor: UUID?, on db: any Database, now: Date) async throws {
        if [.assign, .transfer].contains(action), let assignee = t.assigneeId, assignee != previousAssignee {
            try await notify([assignee], except: actor, event: "ticket.assigned", title: "工单派给您：\(label(t))",
                             body: "优先级 \(t.priority)。", ticket: t, at: now, on: db)
        }
        // SLA-3: a pause waiting on a vendor or parts stops the clocks only from a lead's approval — the leads
        // are asked; the engineer hears the decision.
        if action == .pend, t.pauseApproval == PauseApproval.requested.rawValue {
            let leads = try await teamLead(t.teamId, on: db).union(try await domainLeads(t.domain, on: db))
            try await notify(leads, except: actor, event: "ticket.pause_request", title: "挂起待批准：\(label(t))",
                             body: "等待厂商或备件：\(t.pendingReason ?? "")。批准前计时不停。", ticket: t, at: now, on: db)
        }
        if [.approvePause, .rejectPause].contains(action), let assignee = t.assigneeId {
            let decision = action == .approvePause ? "已批准，计时暂停" : "未批准，计时继续"
            try await notify([assignee], except: actor, event: "ticket.\(action.rawValue)", title: "挂起\(decision)：\(label(t))",
                             body: "等待厂商或备件的挂起\(decision)。", ticket: t, at: now, on: db)
        }
        guard let reporter = t.reporterId else { return }
        let message: String? = switch action {
        case .accept: "您的报修已受理。"
        case .resolve: "您的报修已解决，请确认并评价。"
        case .cancel: "您的报修已撤销。"
        case .pend: "您的报修已挂起：\(t.pendingReason ?? "")"
        default: nil
        }
        if let message {
            try await notify([reporter], except: actor, event: "ticket.\(action.rawValue)", title: "\(label(t))", body: message, ticket: t, at: now, on: db)
        }
    }

    static let clockNames = ["response": "响应时限", "start": "到场时限", "resolve": "恢复时限"]

    /// The people an escalation step names: the assignee, the team's lead, the domain's leads, the vendor's
    /// people (the ticket team's vendor, else the business system's), and anyone named on the step.
    static func recipients(_ t: Ticket, _ step: EscalationStep, on db: any Database) async throws -> Set<UUID> {
        var users = Set(step.userIds)
        for recipient in step.notify {
            switch recipient {
            case .assignee: if let a = t.assigneeId { users.insert(a) }
            case .teamLead: users.formUnion(try await teamLead(t.teamId, on: db))
            case .domainLeads: users.formUnion(try await domainLeads(t.domain, on: db))
            case .vendor:
                var vendor: UUID? = nil
                if let team = t.teamId { vendor = try await Team.find(team, on: db)?.vendorId }
                if vendor == nil, let system = t.businessSystemId { vendor = try await BusinessSystem.find(system, on: db)?.vendorId }
                if let vendor {
                    users.formUnion(try await User.query(on: db).filter(\.$vendorId == vendor).filter(\.$isActive == true).all().compactMap(\.id))
                }
            }
        }
        return users
    }

    /// One step of the policy's escalation chain. Returns who was told, for the timeline.
    static func escalate(_ t: Ticket, level: Int, step: EscalationStep, on db: any Database, now: Date) async throws -> String {
        let users = try await recipients(t, step, on: db)
        let names = users.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ Array(users)).sort(\.$displayName).all().map(\.displayName)
        let levelName = ["", "一", "二", "三", "四", "五", "六", "七"].indices.contains(level) ? ["", "一", "二", "三", "四", "五", "六", "七"][level] : String(level)
        let title = "工单升级（\(levelName)级）：\(label(t))"
        let clockName = clockNames[step.clock.rawValue] ?? step.clock.rawValue
        let body = "\(clockName)已用去 \(step.percent)%，按升级规则通知：\(names.isEmpty ? "—" : names.joined(separator: "、"))。"
        try await notify(users, except: nil, event: "sla.escalate\(level)", title: title, body: body, ticket: t, at: now, on: db)
        return names.isEmpty ? "—" : names.joined(separator: "、")
    }

    /// SLA-5: the assignee must write a plan, the team's lead approve it.
    static func planRequired(_ t: Ticket, on db: any Database, now: Date) async throws {
        var users = try await teamLead(t.teamId, on: db)
        if let assignee = t.assigneeId { users.insert(assignee) }
        try await notify(users, except: nil, event: "sla.plan_required", title: "需书面方案：\(label(t))",
                         body: "已超过服务级别规定的时限，请提交绕行或处置方案并由组长审批后继续处理。", ticket: t, at: now, on: db)
    }

    /// A warning or breach: the assignee and the team's lead.
    static func slaAlert(_ t: Ticket, level: String, clock: SLAClockKind, on db: any Database, now: Date) async throws {
        var users = try await teamLead(t.teamId, on: db)
        if let assignee = t.assigneeId { users.insert(assignee) }
        let clockName = clockNames[clock.rawValue] ?? clock.rawValue
        let title = level == "warning" ? "即将超时：\(label(t))" : "已超时：\(label(t))"
        let body = level == "warning" ? "\(clockName)已用去 75%，请尽快处理。" : "\(clockName)已超时。"
        try await notify(users, except: nil, event: "sla.\(level)", title: title, body: body, ticket: t, at: now, on: db)
    }
}

/// Reading one's own notifications, for the API and the inbox page alike.
enum NotificationReading {
    /// Marks one of the signed-in user's notifications read; another user's is "not found".
    static func markRead(_ id: UUID?, request: Request) async throws -> UserNotification {
        let user = try request.requireUser()
        guard let id, let n = try await UserNotification.find(id, on: request.db), n.userId == user.id else {
            throw AppError.notFound("notification")
        }
        let now = request.now, saved = UncheckedModel(n)
        try await request.write(affectsReference: false) { db in
            if saved.model.readAt == nil { saved.model.readAt = now; try await saved.model.update(on: db) }
        }
        return n
    }

    static func markAllRead(request: Request) async throws {
        let user = try request.requireUser()
        let now = request.now
        try await request.write(affectsReference: false) { db in
            try await UserNotification.query(on: db).filter(\.$userId == user.id).filter(\.$readAt == nil).set(\.$readAt, to: now).update()
        }
    }
}
