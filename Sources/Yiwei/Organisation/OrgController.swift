import Fluent
import Foundation
import Vapor
import YiweiCore

/// The API of an organisation resource: `GET/POST /api/v1/<path>`, `GET/PATCH /api/v1/<path>/{id}`.
struct OrgController<R: OrgResource>: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let group = routes.grouped(PathComponent(stringLiteral: R.apiPath))
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: get)
        group.patch(":id", use: update)
    }

    func list(req: Request) async throws -> Page<R.DTO> {
        try req.require(.readOrganisation)
        return try await OrgService<R>.list(request: req)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let body = try req.decodeJSON(R.Body.self)
        return try await OrgService<R>.create(body, request: req).encodeResponse(status: .created, for: req)
    }

    func get(req: Request) async throws -> R.DTO {
        try req.require(.readOrganisation)
        return try await OrgService<R>.get(req.parameters.get("id", as: UUID.self), on: req.db)
    }

    func update(req: Request) async throws -> R.DTO {
        try req.require(.manageOrganisation)
        let body = try req.decodeJSON(R.Body.self)
        return try await OrgService<R>.update(req.parameters.get("id", as: UUID.self), body, request: req)
    }
}
