import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// The actions of the closed loop: who may take which, and the transition with its timeline event and SLA refresh.
extension TicketService {
    // MARK: Actions

    /// Who may take which action. Reporters act only on their own tickets: withdraw a new one, reopen or
    /// confirm (close) a resolved one. Vendor engineers work tickets but do not dispatch.
    static func permitted(_ action: TicketAction, user: CurrentUser, ticket: Ticket) -> Bool {
        let ownTicket = ticket.reporterId == user.id
        if ownTicket && user.can(.reportTickets) {
            switch action {
            case .cancel where ticket.statusValue == .new: return true
            case .reopen, .close: return true
            default: break
            }
        }
        guard user.worksTickets else { return false }
        switch action {
        case .visit: return user.can(.returnVisits)
        case .approvePlan, .approvePause, .rejectPause: return user.can(.approveTickets)
        case .plan: return true
        case .assign, .transfer, .reprioritize, .cancel, .close, .reopen:
            return user.can(.dispatchTickets)
        case .accept, .start, .pend, .resume, .resolve:
            return true
        }
    }

    static func act(_ id: UUID?, _ body: TicketActionRequest, by user: CurrentUser, actor: AuditActor, now: Date, reference: ReferenceData,
                    on db: any Database, writer: Application) async throws -> TicketDTO {
        var v = Validator()
        guard let action = v.oneOf("action", body.action, TicketAction.self) else { try v.check(); throw AppError.validation(v.fields) }
        let (visible, _) = try await TicketScope.visibleTicket(id, to: user, reference: reference, on: db)
        guard permitted(action, user: user, ticket: visible) else { throw AppError.refused("ticket_action." + action.rawValue) }
        let ticketId = try visible.requireID()
        let updated = try await writer.write(affectsReference: false) { db -> UncheckedModel<Ticket> in
            // Read again inside the transaction: two people acting at once cannot both pass the status check.
            guard let ticket = try await Ticket.find(ticketId, on: db) else { throw AppError.notFound("ticket") }
            let previousAssignee = ticket.assigneeId
            try await apply(action, body, to: ticket, user: user, now: now, on: db)
            try await Notifier.ticketChanged(ticket, action: action, previousAssignee: previousAssignee, actor: user.id, on: db, now: now)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.\(action.rawValue)", entityType: "ticket",
                                      entityId: ticketId.uuidString, after: ["number": ticket.number, "status": ticket.status])
            return UncheckedModel(ticket)
        }
        return try await TicketQueries.load(updated.model, on: db, reference: reference, now: now)
    }

    /// Checks the transition and the action's fields, changes the ticket and writes the timeline event.
    /// `historical`: an imported event, whose team or engineer may since have been retired.
    static func apply(_ action: TicketAction, _ body: TicketActionRequest, to ticket: Ticket, user: CurrentUser, now: Date,
                      historical: Bool = false, on db: any Database) async throws {
        let from = ticket.statusValue
        guard let to = TicketStateMachine.next(from, action, pendedFrom: ticket.pendedFrom.flatMap(TicketStatus.init(rawValue:))) else {
            throw AppError(.conflict, .invalidTransition, "\(action.rawValue) is not allowed while the ticket is \(from.rawValue)")
        }
        // SLA-5: past the policy's limit the ticket goes no further until a lead has approved a written plan.
        if [.start, .resolve].contains(action), ticket.planRequiredAt != nil, ticket.planApprovedAt == nil {
            throw AppError(.conflict, .planRequired, "a written workaround or plan, approved by a lead, is required before the ticket continues")
        }
        var v = Validator()
        var data: [String: String] = ["from": from.rawValue, "to": to.rawValue]
        let reason = v.text("reason", body.reason, required: [.pend, .reopen, .cancel, .transfer, .reprioritize].contains(action), max: 500)
        if let reason { data["reason"] = reason }
        switch action {
        case .assign, .transfer:
            var domain = ticket.domainValue
            if action == .transfer, let raw = body.domain, !raw.isEmpty, let d = v.oneOf("domain", raw, ServiceDomain.self) { domain = d }
            var team: Team?
            if let raw = body.teamId, !raw.isEmpty, let id = v.uuid("teamId", raw) {
                team = try await Team.find(id, on: db)
                if team == nil || (team?.isActive == false && !historical) { v.add("teamId", "no such team") }
                else if team?.domain != domain.rawValue { v.add("teamId", "the team must be in the ticket's domain") }
            } else if action == .transfer {
                v.add("teamId", "required")
            }
            var assignee: User?
            // "me" is the grab (抢单): an engineer takes the ticket.
            let assigneeRaw = body.assigneeId == "me" ? user.id.uuidString : body.assigneeId
            if let raw = assigneeRaw, !raw.isEmpty, let id = v.uuid("assigneeId", raw) {
                assignee = try await User.find(id, on: db)
                if let a = assignee, a.isActive || historical, RolePolicy.permissions(for: a.roles).contains(.workTickets) {
                    if let team, try await TeamMember.query(on: db).filter(\.$teamId == team.id!).filter(\.$userId == id).first() == nil {
                        v.add("assigneeId", "is not a member of the team")
                    }
                } else {
                    v.add("assigneeId", "no such engineer")
                }
            } else if action == .assign && team == nil {
                v.add("assigneeId", "give an assignee or a team")
            }
            try v.check()
            if action == .transfer && domain != ticket.domainValue {
                data["fromDomain"] = ticket.domain
                data["toDomain"] = domain.rawValue
                ticket.domain = domain.rawValue
                ticket.categoryId = nil
            }
            if let team {
                if ticket.teamId != team.id { data["fromTeamId"] = ticket.teamId?.uuidString ?? ""; data["teamId"] = try team.requireID().uuidString; data["teamName"] = team.name }
                ticket.teamId = team.id
                // A new team means the old assignee is no longer necessarily right.
                if assignee == nil && action == .transfer { ticket.assigneeId = nil }
            }
            if let assignee {
                data["assigneeId"] = try assignee.requireID().uuidString
                data["assigneeName"] = assignee.displayName
                ticket.assigneeId = assignee.id
                if team == nil, let current = ticket.teamId,
                   try await TeamMember.query(on: db).filter(\.$teamId == current).filter(\.$userId == assignee.id!).first() == nil {
                    // Follow the assignee to their team in this domain.
                    let theirs = try await Team.query(on: db).join(TeamMember.self, on: \Team.$id == \TeamMember.$teamId)
                        .filter(TeamMember.self, \.$userId == assignee.id!).filter(\.$domain == ticket.domain).first()
                    ticket.teamId = theirs?.id
                }
            }
            if from == .new { ticket.acknowledgedAt = ticket.acknowledgedAt ?? now }
        case .accept:
            ticket.acknowledgedAt = ticket.acknowledgedAt ?? now
        case .start:
            ticket.startedAt = ticket.startedAt ?? now
            if ticket.assigneeId == nil && user.worksTickets { ticket.assigneeId = user.id; data["assigneeId"] = user.id.uuidString; data["assigneeName"] = user.displayName }
        case .pend:
            // An old client that says nothing waits on the reporter, as every pause did before SLA-3.
            let wait = v.oneOf("waitOn", body.waitOn ?? PauseWait.reporter.rawValue, PauseWait.self)
            try v.check()
            ticket.pendedFrom = from.rawValue
            ticket.pendingReason = reason
            ticket.pendingWaitOn = wait!.rawValue
            ticket.pendingSince = wait!.stopsClocksAtOnce ? now : nil
            ticket.pauseApproval = wait!.needsApproval ? PauseApproval.requested.rawValue : nil
            data["waitOn"] = wait!.rawValue
        case .approvePause, .rejectPause:
            guard ticket.pendingWaitOn == PauseWait.vendor.rawValue, ticket.pauseApproval == PauseApproval.requested.rawValue else {
                throw AppError(.conflict, .noPauseRequest, "the ticket has no pause waiting for a decision")
            }
            let note = v.text("note", body.note ?? body.reason, required: false, max: 500)
            try v.check()
            if let note { data["note"] = note }
            if action == .approvePause {
                ticket.pauseApproval = PauseApproval.approved.rawValue
                ticket.pendingSince = now
            } else {
                ticket.pauseApproval = PauseApproval.rejected.rawValue
            }
        case .resume:
            endPause(ticket, now: now, data: &data)
        case .resolve:
            let resolution = v.text("resolution", body.resolution, max: 5000)
            try v.check()
            ticket.resolution = resolution
            ticket.resolvedAt = now
            data["resolution"] = resolution
        case .reopen:
            try v.check()
            ticket.reopenCount += 1
            ticket.resolvedAt = nil
        case .close:
            ticket.closedAt = now
        case .cancel:
            try v.check()
            endPause(ticket, now: now, data: &data)
            ticket.cancelledAt = now
        case .reprioritize:
            let priority = v.oneOf("priority", body.priority, Priority.self)
            try v.check()
            data["fromPriority"] = ticket.priority
            data["toPriority"] = priority!.rawValue
            ticket.priority = priority!.rawValue
        case .visit:
            let note = v.text("note", body.note, max: 1000)
            try v.check()
            data["note"] = note
            ticket.visitedAt = now
        case .plan:
            let plan = v.text("note", body.note, max: 2000)
            try v.check()
            ticket.plan = plan
            ticket.planById = user.id
            ticket.planApprovedAt = nil
            ticket.planApprovedById = nil
            data["note"] = plan
        case .approvePlan:
            guard ticket.plan != nil else {
                throw AppError(.conflict, .noPlan, "there is no written plan to approve yet")
            }
            ticket.planApprovedAt = now
            ticket.planApprovedById = user.id
        }
        try v.check()
        ticket.status = to.rawValue
        ticket.updatedAt = now
        try await ticket.update(on: db)
        try await appendEvent(ticket, action.rawValue, data, actor: user.id, at: now, on: db)
        try await SLAService.refreshAndRecord(ticket, actor: user.id, on: db, now: now)
    }

    private static func endPause(_ ticket: Ticket, now: Date, data: inout [String: String]) {
        if let since = ticket.pendingSince {
            let seconds = max(0, Int(now.timeIntervalSince(since)))
            ticket.pausedSeconds += seconds
            data["pausedMinutes"] = String(format: "%.1f", Double(seconds) / 60)
        }
        ticket.pendingSince = nil
        ticket.pendedFrom = nil
        ticket.pendingReason = nil
        ticket.pendingWaitOn = nil
        ticket.pauseApproval = nil
    }
}
