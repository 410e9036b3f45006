import Fluent
import SQLKit
import Foundation
import Vapor
import YiweiCore

/// Who sees which tickets (SEC-1). One scope serves lists, single tickets, timelines and downloads:
/// - `readAllTickets` (auditors, leads, dispatchers): every ticket (auditors read only);
/// - `readTeamTickets` (agents, vendor engineers): the tickets of one's teams; `readDomainTickets` (agents):
///   every ticket of the teams' domains;
/// - `readDepartmentTickets` (reporters): their department's, where the department allows it;
/// - everyone: the tickets they reported or are assigned.
struct TicketScope: Sendable {
    var all = false
    var domains: Set<String> = []
    var teamIds: Set<UUID> = []
    var userId: UUID
    var departmentId: UUID?

    static func of(_ user: CurrentUser, reference: ReferenceData) -> TicketScope {
        var scope = TicketScope(userId: user.id)
        if user.can(.readAllTickets) { scope.all = true; return scope }
        if user.can(.readTeamTickets) {
            let teams = reference.teams(of: user.id)
            if user.can(.readDomainTickets) { scope.domains = Set(teams.map(\.domain)) }
            scope.teamIds = Set(teams.compactMap(\.id))
        }
        if user.can(.readDepartmentTickets), let department = user.departmentId,
           reference.departments[department]?.reportersSeeDepartment == true {
            scope.departmentId = department
        }
        return scope
    }

    static func of(_ user: CurrentUser, _ request: Request) async throws -> TicketScope {
        of(user, reference: try await request.reference())
    }

    /// The scope as an SQL condition (nil: every ticket).
    func condition() -> (any SQLExpression)? {
        guard !all else { return nil }
        var any: [any SQLExpression] = [
            SQLQuery.compare("reporter_id", .equal, userId),
            SQLQuery.compare("assignee_id", .equal, userId),
        ]
        if !domains.isEmpty { any.append(SQLQuery.inList("domain", domains.sorted())) }
        if !teamIds.isEmpty { any.append(SQLQuery.inList("team_id", Array(teamIds))) }
        if let departmentId { any.append(SQLQuery.compare("department_id", .equal, departmentId)) }
        return SQLQuery.any(any)
    }

    func apply(_ query: QueryBuilder<Ticket>) -> QueryBuilder<Ticket> {
        guard !all else { return query }
        return query.group(.or) { or in
            or.filter(\.$reporterId == userId)
            or.filter(\.$assigneeId == userId)
            if !domains.isEmpty { or.filter(\.$domain ~~ Array(domains)) }
            if !teamIds.isEmpty { or.filter(\.$teamId ~~ Array(teamIds)) }
            if let departmentId { or.filter(\.$departmentId == departmentId) }
        }
    }

    func contains(_ ticket: Ticket) -> Bool {
        if all || ticket.reporterId == userId || ticket.assigneeId == userId { return true }
        if domains.contains(ticket.domain) { return true }
        if let team = ticket.teamId, teamIds.contains(team) { return true }
        if let departmentId, ticket.departmentId == departmentId { return true }
        return false
    }
}

extension TicketScope {
    /// The ticket, if this user may see it; "not found" otherwise, so ids of hidden tickets are not confirmed.
    static func visibleTicket(_ id: UUID?, to user: CurrentUser, reference: ReferenceData, on db: any Database) async throws -> (Ticket, TicketScope) {
        guard let id, let ticket = try await Ticket.fetch(id, on: db) else { throw AppError.notFound("ticket") }
        let scope = TicketScope.of(user, reference: reference)
        guard scope.contains(ticket) else { throw AppError.notFound("ticket") }
        return (ticket, scope)
    }
}

extension Request {
    /// The ticket, if this user may see it (`TicketScope.visibleTicket`), with the scope and the user.
    func visibleTicket(_ id: UUID?, on db: (any Database)? = nil) async throws -> (Ticket, TicketScope, CurrentUser) {
        let user = try requireUser()
        let (ticket, scope) = try await TicketScope.visibleTicket(id, to: user, reference: try await reference(), on: db ?? self.db)
        return (ticket, scope, user)
    }
}

/// Staff see internal comments, work logs and internal attachments; reporters never do.
extension CurrentUser {
    var seesInternal: Bool { can(.readInternalNotes) }
    var worksTickets: Bool { can(.workTickets) }
}
