import Fluent
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

    static func decide(domain: String, priority: String? = nil, categoryId: UUID?, businessSystemId: UUID?, departmentId: UUID? = nil,
                       on db: any Database) async throws -> Decision {
        var decision = Decision(reason: [:])
        var team: Team?
        let facts = try await DispatchFacts.of(domain: domain, priority: priority, categoryId: categoryId, businessSystemId: businessSystemId,
                                               departmentId: departmentId, on: db)
        if let rule = try await DispatchRuleService.firstMatch(facts, on: db), let ruleTeam = try await Team.find(rule.teamId, on: db), ruleTeam.isActive {
            team = ruleTeam
            decision.reason["rule"] = "dispatch_rule"
            decision.reason["ruleName"] = rule.name
        } else if let systemId = businessSystemId, let system = try await BusinessSystem.find(systemId, on: db), let vendor = system.vendorId,
           let vendorTeam = try await Team.query(on: db).filter(\.$vendorId == vendor).filter(\.$domain == domain).filter(\.$isActive == true).sort(\.$name).first() {
            team = vendorTeam
            decision.reason["rule"] = "system_vendor"
            decision.reason["system"] = system.name
        } else if let categoryId {
            // The category's default team, else the nearest one above it (打印机故障 covers 票据打印机).
            var next: UUID? = categoryId
            var seen = Set<UUID>()
            while let id = next, seen.insert(id).inserted, let category = try await Category.find(id, on: db) {
                if let teamId = category.defaultTeamId, let categoryTeam = try await Team.find(teamId, on: db), categoryTeam.isActive {
                    team = categoryTeam
                    decision.reason["rule"] = "category"
                    decision.reason["category"] = category.name
                    break
                }
                next = category.parentId
            }
        }
        guard let team else { return decision }
        decision.teamId = team.id
        decision.reason["teamId"] = team.id!.uuidString
        decision.reason["teamName"] = team.name
        guard team.autoAssign else { return decision }
        let duty = try await TeamMember.query(on: db).filter(\.$teamId == team.id!).filter(\.$onDuty == true).all().map(\.userId)
        guard !duty.isEmpty else { decision.reason["nobodyOnDuty"] = "true"; return decision }
        let engineers = try await User.query(on: db).filter(\.$id ~~ duty).filter(\.$isActive == true).all()
            .filter { RolePolicy.permissions(for: $0.roles).contains(.workTickets) }
        guard !engineers.isEmpty else { decision.reason["nobodyOnDuty"] = "true"; return decision }
        let open = TicketStatus.allCases.filter(\.isOpen).map(\.rawValue)
        var loads: [(User, Int)] = []
        for engineer in engineers {
            let count = try await Ticket.query(on: db).filter(\.$assigneeId == engineer.id!).filter(\.$status ~~ open).count()
            loads.append((engineer, count))
        }
        let chosen = loads.min { a, b in a.1 != b.1 ? a.1 < b.1 : a.0.displayName < b.0.displayName }!
        decision.assigneeId = chosen.0.id
        decision.reason["assigneeId"] = chosen.0.id!.uuidString
        decision.reason["assigneeName"] = chosen.0.displayName
        decision.reason["onDuty"] = String(engineers.count)
        decision.reason["openTickets"] = String(chosen.1)
        return decision
    }
}
