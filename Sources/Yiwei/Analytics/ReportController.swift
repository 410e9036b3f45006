import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// `GET /api/v1/reports/monthly?month=2026-11` and `GET /api/v1/reports/weekly?week=2026-11-16` — the figures of
/// the generated reports, for leads, dispatchers and auditors.
struct ReportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", "monthly", use: monthly)
        routes.get("reports", "weekly", use: weekly)
    }

    func monthly(req: Request) async throws -> OpsReport { try await report(req, .monthly, "month") }
    func weekly(req: Request) async throws -> OpsReport { try await report(req, .weekly, "week") }

    private func report(_ req: Request, _ kind: ReportPeriod.Kind, _ parameter: String) async throws -> OpsReport {
        _ = try req.require(.readReports)
        let zone = req.yiwei.config.timeZone
        let period = try ReportPeriod.parse(kind, req.queryParameter(parameter), now: req.now, timeZone: zone)
        return try await ReportService.compute(period, now: req.now, timeZone: zone, on: req.db)
    }
}

/// `GET /api/v1/stats/downtime?year=2026` — leads, dispatchers, auditors.
struct DowntimeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("stats", "downtime", use: stats)
    }

    func stats(req: Request) async throws -> DowntimeStats {
        _ = try req.require(.readReports)
        let year = try ReportAccess.year(req)
        return try await DowntimeService.compute(firstMonth: YearMonth(year: year, month: 1)!, months: 12, now: req.now,
                                                 timeZone: req.yiwei.config.timeZone, on: req.db).stats
    }
}
