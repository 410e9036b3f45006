import Foundation
import NIOCore
import Vapor
import YiweiCore

/// `GET /api/v1/stats/dashboard`: every figure of the dashboard as JSON.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("stats", "dashboard", use: figures)
    }

    func figures(req: Request) async throws -> DashboardFigures {
        try req.require(.viewDashboard)
        return try await DashboardService.compute(now: req.now, timeZone: req.yiwei.config.timeZone, on: req.db)
    }
}
