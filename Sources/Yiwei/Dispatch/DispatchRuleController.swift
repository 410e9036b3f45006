import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// `GET/POST /api/v1/dispatch-rules`, `PATCH/DELETE /api/v1/dispatch-rules/{id}`.
struct DispatchRuleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("dispatch-rules", use: list)
        routes.post("dispatch-rules", use: create)
        routes.patch("dispatch-rules", ":ruleId", use: patch)
        routes.delete("dispatch-rules", ":ruleId", use: delete)
    }

    func list(req: Request) async throws -> [DispatchRuleDTO] {
        try req.require(.readOrganisation)
        return try await DispatchRule.query(on: req.db).sort(\.$domain).sort(\.$position).sort(\.$createdAt).all().map(DispatchRuleService.dto)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        return try await DispatchRuleService.create(try req.decodeJSON(DispatchRuleBody.self), request: req).encodeResponse(status: .created, for: req)
    }

    func patch(req: Request) async throws -> DispatchRuleDTO {
        try req.require(.manageOrganisation)
        return try await DispatchRuleService.patch(req.parameters.get("ruleId", as: UUID.self), try req.decodeJSON(DispatchRulePatch.self), request: req)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try req.require(.manageOrganisation)
        try await DispatchRuleService.delete(req.parameters.get("ruleId", as: UUID.self), request: req)
        return .noContent
    }
}
