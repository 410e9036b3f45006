import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// `GET/POST /api/v1/notification-subscriptions`, `DELETE /api/v1/notification-subscriptions/{id}`.
struct SubscriptionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("notification-subscriptions", use: list)
        routes.post("notification-subscriptions", use: create)
        routes.delete("notification-subscriptions", ":subscriptionId", use: delete)
        routes.patch("notification-subscriptions", ":subscriptionId", use: patch)
    }

    struct Patch: Content { var isActive: Bool? }

    /// Switch a subscription off (or on again) without losing it.
    func patch(req: Request) async throws -> SubscriptionDTO {
        try req.require(.manageOrganisation)
        return try await SubscriptionService.setActive(req.parameters.get("subscriptionId", as: UUID.self), try req.decodeJSON(Patch.self).isActive, request: req)
    }

    func list(req: Request) async throws -> [SubscriptionDTO] {
        try req.require(.manageOrganisation)
        return try await NotificationSubscription.query(on: req.db).sort(\.$event).sort(\.$createdAt).all().map(SubscriptionService.dto)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        return try await SubscriptionService.create(try req.decodeJSON(SubscriptionBody.self), request: req).encodeResponse(status: .created, for: req)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try req.require(.manageOrganisation)
        try await SubscriptionService.delete(req.parameters.get("subscriptionId", as: UUID.self), request: req)
        return .noContent
    }
}
