import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 消息订阅 (NTF-2): besides the people each event always tells (the assignee, the reporter, the team
/// lead …), an administrator subscribes groups of staff to events — by role, by team or the ticket's own
/// team, optionally for one domain — delivered in the app or by e-mail.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
final class NotificationSubscription: Model, @unchecked Sendable {
    static let schema = "notification_subscriptions"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// An event or an event prefix: `ticket.p1`, `sla.breach`, `sla.` …
    @Field(key: "event") var event: String
    @OptionalField(key: "role") var role: String?
    @OptionalField(key: "team_id") var teamId: UUID?
    /// The members of the ticket's own team.
    @Field(key: "ticket_team") var ticketTeam: Bool
    @OptionalField(key: "domain") var domain: String?
    /// `in_app` or `email`
    @Field(key: "delivery") var delivery: String
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

enum SubscriptionService {
    /// The events a subscription may name (a prefix of one of them).
    static let events = ["ticket.p1", "ticket.assigned", "sla.warning", "sla.breach", "sla.escalate", "sla.plan_required"]
    /// Staff roles only: a subscription must never tell someone about a ticket they may not see.
    static let roles: [Role] = [.agent, .dispatcher, .lead]
    static let deliveries = ["in_app", "email"]

    static func dto(_ s: NotificationSubscription) -> SubscriptionDTO {
        SubscriptionDTO(id: s.id!, name: s.name, event: s.event, role: s.role, teamId: s.teamId, ticketTeam: s.ticketTeam, domain: s.domain,
                        delivery: s.delivery, isActive: s.isActive, createdAt: s.createdAt)
    }

    static func create(_ body: SubscriptionBody, request: Request) async throws -> SubscriptionDTO {
        var v = Validator()
        func blank(_ s: String?) -> String? { (s ?? "").isEmpty ? nil : s }
        let name = v.text("name", body.name, max: 50)
        let event = v.text("event", body.event, max: 50)
        if let event, !events.contains(where: { $0.hasPrefix(event) || event.hasPrefix($0) }) {
            v.add("event", "must be one of (or a prefix of) \(events.joined(separator: ", "))")
        }
        let role = blank(body.role)
        if let role, !roles.map(\.rawValue).contains(role) { v.add("role", "must be one of agent, dispatcher, lead") }
        let teamId = v.uuid("teamId", blank(body.teamId))
        if let teamId, try await Team.find(teamId, on: request.db) == nil { v.add("teamId", "no such team") }
        let ticketTeam = body.ticketTeam ?? false
        if role == nil && teamId == nil && !ticketTeam { v.add("role", "choose a role, a team or the ticket's team") }
        var domain: String?
        if let raw = blank(body.domain) { domain = v.oneOf("domain", raw, ServiceDomain.self)?.rawValue }
        let delivery = body.delivery ?? "in_app"
        if !deliveries.contains(delivery) { v.add("delivery", "must be in_app or email") }
        try v.check()
        let s = NotificationSubscription()
        s.name = name!; s.event = event!; s.role = role; s.teamId = teamId; s.ticketTeam = ticketTeam; s.domain = domain; s.delivery = delivery
        s.isActive = true; s.createdAt = request.now
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(s)
        return try await request.write { db in
            try await saved.model.create(on: db)
            let dto = dto(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "subscription.create", entityType: "subscription",
                                      entityId: saved.model.id?.uuidString, after: dto)
            return dto
        }
    }

    static func setActive(_ id: UUID?, _ active: Bool?, request: Request) async throws -> SubscriptionDTO {
        guard let id, let s = try await NotificationSubscription.find(id, on: request.db) else { throw AppError.notFound("subscription") }
        guard let active else { throw AppError.validation(["isActive": "required"]) }
        let before = dto(s)
        s.isActive = active
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(s)
        return try await request.write { db in
            try await saved.model.update(on: db)
            let after = dto(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "subscription.update", entityType: "subscription",
                                      entityId: id.uuidString, before: before, after: after)
            return after
        }
    }

    static func delete(_ id: UUID?, request: Request) async throws {
        guard let id, let s = try await NotificationSubscription.find(id, on: request.db) else { throw AppError.notFound("subscription") }
        let before = dto(s)
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(s)
        try await request.write { db in
            try await saved.model.delete(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "subscription.delete", entityType: "subscription",
                                      entityId: id.uuidString, before: before)
        }
    }

    /// The subscribers of `event` for `ticket`, split by delivery: in-app user ids, and (user, address) for e-mail.
    static func subscribers(event: String, ticket: Ticket?, on db: any Database) async throws -> (inApp: Set<UUID>, email: [(UUID, String)]) {
        let subscriptions = try await NotificationSubscription.query(on: db).filter(\.$isActive == true).all()
            .filter { event.hasPrefix($0.event) && ($0.domain == nil || $0.domain == ticket?.domain) }
        guard !subscriptions.isEmpty else { return ([], []) }
        var inApp = Set<UUID>()
        var email: [UUID: String] = [:]
        for s in subscriptions {
            var teams: [UUID] = []
            if let team = s.teamId { teams.append(team) }
            if s.ticketTeam {
                guard let team = ticket?.teamId else { continue }
                teams.append(team)
            }
            var query = User.query(on: db).filter(\.$isActive == true)
            if !teams.isEmpty {
                // Every named team must contain the user (a team and "the ticket's team" → members of both).
                var members: Set<UUID>?
                for team in teams {
                    let ids = Set(try await TeamMember.query(on: db).filter(\.$teamId == team).all().map(\.userId))
                    members = members.map { $0.intersection(ids) } ?? ids
                }
                guard let members, !members.isEmpty else { continue }
                query = query.filter(\.$id ~~ Array(members))
            }
            if let role = s.role { query = query.filter(\.$rolesText ~~ role) }
            for user in try await query.all() {
                // Only staff: the role filter above is a substring match, so check the roles properly.
                guard let id = user.id, !user.roles.isDisjoint(with: Set(roles)) else { continue }
                if let role = s.role, !user.roles.contains(where: { $0.rawValue == role }) { continue }
                if s.delivery == "email" {
                    if let address = user.email, SMTPMessage.isAddress(address) { email[id] = address }
                } else {
                    inApp.insert(id)
                }
            }
        }
        return (inApp, email.sorted { $0.key.uuidString < $1.key.uuidString }.map { ($0.key, $0.value) })
    }
}
