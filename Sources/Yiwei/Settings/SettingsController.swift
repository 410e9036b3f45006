import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// `GET/PUT /api/v1/settings/priority-matrix`.
struct SettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("settings", "priority-matrix", use: get)
        routes.put("settings", "priority-matrix", use: put)
    }

    func get(req: Request) async throws -> PriorityMatrixDTO {
        _ = try req.requireUser()
        return PriorityMatrixStore.dto(try await PriorityMatrixStore.load(on: req.db))
    }

    func put(req: Request) async throws -> PriorityMatrixDTO {
        try req.require(.manageOrganisation)
        return try await PriorityMatrixStore.save(try req.decodeJSON(PriorityMatrixDTO.self), request: req)
    }
}
