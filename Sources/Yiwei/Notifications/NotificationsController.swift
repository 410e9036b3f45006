import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// `/api/v1/notifications`, the bell's count, and the inbox page.
struct NotificationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("notifications", use: list)
        routes.post("notifications", "read", use: markAllRead)
        routes.post("notifications", ":notificationId", "read", use: markRead)
    }

    func list(req: Request) async throws -> Page<NotificationDTO> {
        let user = try req.requireUser()
        let page = try PageRequest(from: req)
        var query = UserNotification.query(on: req.db).filter(\.$userId == user.id)
        if req.queryParameter("unread") == "true" { query = query.filter(\.$readAt == nil) }
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Page(items: items.map(NotificationsPage.dto), page: page.page, per: page.per, total: total)
    }

    func markRead(req: Request) async throws -> HTTPStatus {
        _ = try await NotificationReading.markRead(req.parameters.get("notificationId", as: UUID.self), request: req)
        return .noContent
    }

    func markAllRead(req: Request) async throws -> HTTPStatus {
        try await NotificationReading.markAllRead(request: req)
        return .noContent
    }
}
