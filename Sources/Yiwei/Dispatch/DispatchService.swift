import Fluent
import SQLKit
import Foundation
import Vapor
import YiweiCore

/// Automatic dispatch of a new ticket (DSP-1, DSP-2): which team, and — when the team takes tickets
/// automatically — which engineer, with the reason written to the timeline.
///
/// Team: the first matching dispatch rule (派单规则: category, system, campus, priority → team), else the
/// business system's vendor team in the ticket's domain (系统 → 负责厂商), else the category's
/// default team (分类 → 团队). Engineer: among the team's active members on duty who work tickets, the one
/// with the fewest open tickets assigned (ties: the one whose name sorts first). The ticket stays `new`:
/// the engineer still accepts it, so the response clock measures a person, not the dispatcher.
enum DispatchService {
    struct Decision {
        var teamId: UUID?
        var assigneeId: UUID?
        var reason: [String: String]
    }

    /// Decided from the organisation in memory; only the engineers' open-ticket counts are read, inside the
    /// write that creates the ticket, so the load it counts is the load when the ticket lands (with
    /// `pendingLoads`: tickets of the same group of reports assigned but not yet written).
    static func decide(domain: String, priority: String? = nil, categoryId: UUID?, businessSystemId: UUID?, departmentId: UUID? = nil,
                       reference r: ReferenceData, pendingLoads: [UUID: Int] = [:], on db: any Database) async throws -> Decision {
        var decision = Decision(reason: [:])
        var team: Team?
        let facts = DispatchFacts.of(domain: domain, priority: priority, categoryId: categoryId, businessSystemId: businessSystemId,
                                     departmentId: departmentId, reference: r)
        if let rule = r.rules.first(where: facts.matches), let ruleTeam = r.teams[rule.teamId], ruleTeam.isActive {
            team = ruleTeam
            decision.reason["rule"] = "dispatch_rule"
            decision.reason["ruleName"] = rule.name
        } else if let systemId = businessSystemId, let system = r.systems[systemId], let vendor = system.vendorId,
           let vendorTeam = r.teams.values.filter({ $0.vendorId == vendor && $0.domain == domain && $0.isActive }).min(by: { $0.name < $1.name }) {
            team = vendorTeam
            decision.reason["rule"] = "system_vendor"
            decision.reason["system"] = system.name
        } else if let categoryId {
            // The category's default team, else the nearest one above it (打印机故障 covers 票据打印机).
            var next: UUID? = categoryId
            var seen = Set<UUID>()
            while let id = next, seen.insert(id).inserted, let category = r.categories[id] {
                if let teamId = category.defaultTeamId, let categoryTeam = r.teams[teamId], categoryTeam.isActive {
                    team = categoryTeam
                    decision.reason["rule"] = "category"
                    decision.reason["category"] = category.name
                    break
                }
                next = category.parentId
            }
        }
        guard let team, let teamId = team.id else { return decision }
        decision.teamId = teamId
        decision.reason["teamId"] = teamId.uuidString
        decision.reason["teamName"] = team.name
        guard team.autoAssign else { return decision }
        let duty = Set(r.members.filter { $0.teamId == teamId && $0.onDuty }.map(\.userId))
        let engineers = duty.compactMap { r.users[$0] }.filter { $0.isActive && RolePolicy.permissions(for: $0.roles).contains(.workTickets) }
        guard !engineers.isEmpty else { decision.reason["nobodyOnDuty"] = "true"; return decision }
        let open = TicketStatus.allCases.filter(\.isOpen).map(\.rawValue)
        let rows = try await db.sql.select()
            .column("assignee_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Ticket.schema)
            .where(SQLQuery.inList("assignee_id", engineers.map(\.id))).where(SQLQuery.inList("status", open))
            .groupBy("assignee_id").all()
        var counts: [UUID: Int] = [:]
        for row in rows { counts[try row.decode(column: "assignee_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self) }
        // Tickets assigned earlier in the same group of reports are not written yet: count them too.
        let loads = engineers.map { ($0, (counts[$0.id] ?? 0) + (pendingLoads[$0.id] ?? 0)) }
        let chosen = loads.min { a, b in a.1 != b.1 ? a.1 < b.1 : a.0.displayName < b.0.displayName }!
        decision.assigneeId = chosen.0.id
        decision.reason["assigneeId"] = chosen.0.id.uuidString
        decision.reason["assigneeName"] = chosen.0.displayName
        decision.reason["onDuty"] = String(engineers.count)
        decision.reason["openTickets"] = String(chosen.1)
        return decision
    }
}
