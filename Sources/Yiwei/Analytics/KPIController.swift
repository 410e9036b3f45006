import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// KPIs ask `readReports`: the people a month's figures are for.
struct KPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("stats", "kpis", use: kpis)
    }

    func kpis(req: Request) async throws -> KPIResult {
        try req.require(.readReports)
        var v = Validator()
        // [from, to): a day means its start in the hospital's time zone, so November is from=2026-11-01&to=2026-12-01.
        let zone = req.yiwei.config.timeZone
        let from = v.dayOrInstant("from", req.queryParameter("from"), timeZone: zone)
        let to = v.dayOrInstant("to", req.queryParameter("to"), timeZone: zone)
        if (req.queryParameter("from") ?? "").isEmpty { v.add("from", "required") }
        if (req.queryParameter("to") ?? "").isEmpty { v.add("to", "required") }
        var domain: String?
        if let raw = req.queryParameter("domain"), !raw.isEmpty { domain = v.oneOf("domain", raw, ServiceDomain.self)?.rawValue }
        let teamId = v.uuid("teamId", req.queryParameter("teamId").flatMap { $0.isEmpty ? nil : $0 })
        let groupBy = req.queryParameter("groupBy").flatMap { $0.isEmpty ? nil : $0 }
        if let groupBy, !KPIService.groupings.contains(groupBy) { v.add("groupBy", "must be one of " + KPIService.groupings.joined(separator: ", ")) }
        if let from, let to, to <= from { v.add("to", "must be after from") }
        if let from, let to, to.timeIntervalSince(from) > 3 * 366 * 86_400 { v.add("to", "at most three years") }
        guard v.isValid, let from, let to else { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return try await KPIService.compute(from: from, to: to, domain: domain, teamId: teamId, groupBy: groupBy,
                                            timeZone: req.yiwei.config.timeZone, on: req.db)
    }
}
