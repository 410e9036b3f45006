import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct NotificationsPage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("notifications", use: page)
        routes.post("notifications", "read", use: readAll)
        routes.get("notifications", ":notificationId", "open", use: open)
    }

    static func dto(_ n: UserNotification) -> NotificationDTO {
        NotificationDTO(id: n.id!, event: n.event, title: n.title, body: n.body, ticketId: n.ticketId, createdAt: n.createdAt, read: n.readAt != nil)
    }

    struct Context: Encodable {
        struct Row: Encodable { var id: String; var title: String; var body: String; var at: String; var read: Bool; var hasTicket: Bool }
        var page: PageBase
        var rows: [Row]
        var pager: ListPageContext.Pager
    }

    func page(req: Request) async throws -> View {
        let user = try req.requireUser()
        let base = try await PageBase.make(for: req, titleKey: "notifications_title")
        let page = try PageRequest(from: req)
        let query = UserNotification.query(on: req.db).filter(\.$userId == user.id)
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return try await req.view.render("notifications", Context(
            page: base,
            rows: items.map { .init(id: $0.id!.uuidString, title: $0.title, body: $0.body, at: DisplayTime.short($0.createdAt, req), read: $0.readAt != nil, hasTicket: $0.ticketId != nil) },
            pager: .init(request: req, page: page.page, per: page.per, total: total)))
    }

    func readAll(req: Request) async throws -> Response {
        try await NotificationReading.markAllRead(request: req)
        return req.redirect(to: "/notifications")
    }

    /// Marks it read and goes to what it is about: its ticket (the workbench page or the portal page, whichever the
    /// user has), the surveys waiting for the department, or the vendor's evaluation; else back to the inbox.
    func open(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let n = try await NotificationReading.markRead(req.parameters.get("notificationId", as: UUID.self), request: req)
        return req.redirect(to: Self.target(n, seesInternal: user.seesInternal))
    }

    static func target(_ n: UserNotification, seesInternal: Bool) -> String {
        if let ticket = n.ticketId { return seesInternal ? "/tickets/\(ticket)" : "/portal/tickets/\(ticket)" }
        switch n.event {
        case "survey.request":
            return "/surveys"
        case "evaluation.serious_breach":
            // The message names the vendor's evaluation page (`VendorEvaluationService.notifyBreach`).
            let prefix = "/evaluation/vendors/"
            if let range = n.body.range(of: prefix), let id = UUID.parse(String(n.body[range.upperBound...].prefix(36))) {
                return prefix + id.uuidString
            }
            return "/evaluation/scorecards"
        default:
            return "/notifications"
        }
    }
}
