import Fluent
import Foundation
import Vapor
import YiweiCore

/// The reporter portal (SD-2, SD-7): works in WeCom's and WeChat's browsers. Report in three taps —
/// domain, what, where (a QR code fills "where") — with an optional photo; follow progress; rate.
struct PortalPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("portal", use: index)
        routes.get("portal", "new", use: newForm)
        routes.on(.POST, "portal", "new", body: .collect(maxSize: ByteCount(value: AttachmentStore.maxBytes + 65_536)), use: create)
        routes.get("portal", "tickets", ":ticketId", use: page)
        routes.post("portal", "tickets", ":ticketId", "rate", use: rate)
        routes.post("portal", "tickets", ":ticketId", "act", use: act)
        routes.post("portal", "tickets", ":ticketId", "comment", use: comment)
    }

    struct IndexContext: Encodable {
        var page: PageBase
        var rows: [TicketRowView]
        var pager: ListPageContext.Pager
    }

    func index(req: Request) async throws -> View {
        let user = try req.require(.reportTickets)
        let base = try await PageBase.make(for: req, titleKey: "portal_title")
        let labels = TicketLabels(t: base.t)
        var filter = TicketQueries.Filter()
        filter.reporterId = user.id
        let page = try PageRequest(from: req)
        let scope = try await TicketScope.of(user, req)
        let result = try await TicketQueries.list(filter, page: page, scope: scope, user: user, on: req.db, reference: try await req.reference(), now: req.now)
        return try await req.view.render("portal/index", IndexContext(
            page: base, rows: result.items.map { [now = req.now, zone = req.yiwei.config.timeZone] row in TicketRowView(row, labels: labels, now: now, timeZone: zone) },
            pager: .init(request: req, page: result.page, per: result.per, total: result.total, capped: result.totalCapped == true)))
    }

    struct NewContext: Encodable {
        struct Choice: Encodable { var value: String; var label: String; var hint: String; var checked: Bool }
        var page: PageBase
        var domains: [Choice]
        var impacts: [Choice]
        var urgencies: [Choice]
        var title: String
        var description: String
        var location: String
        var departmentId: String
        var businessSystemId: String
        var assetId: String
        var channel: String
        var context: String?
        var errors: [String: String]
        var errorSummary: String?
    }

    struct ReportForm: Content {
        var domain: String?
        var title: String?
        var description: String?
        var impact: String?
        var urgency: String?
        var location: String?
        var departmentId: String?
        var businessSystemId: String?
        var assetId: String?
        var channel: String?
        var photo: File?
    }

    func newForm(req: Request) async throws -> View {
        try req.require(.reportTickets)
        var form = ReportForm()
        form.domain = req.queryParameter("domain")
        form.location = req.queryParameter("location").map { String($0.prefix(100)) }
        form.departmentId = req.queryParameter("departmentId")
        form.businessSystemId = req.queryParameter("systemId")
        form.assetId = req.queryParameter("asset").map { String($0.prefix(64)) }
        form.channel = req.queryParameter("via") == "qr" ? "qrcode" : nil
        return try await render(req, form: form, errors: [:])
    }

    private func render(_ req: Request, form: ReportForm, errors: [String: String]) async throws -> View {
        let user = try req.requireUser()
        let base = try await PageBase.make(for: req, titleKey: "portal_new_title")
        let t = base.t, labels = TicketLabels(t: t)
        var location = form.location ?? ""
        if location.isEmpty, let department = user.departmentId, let d = try await Department.find(department, on: req.db) {
            location = [d.name, d.location].compactMap { $0 }.joined(separator: " ")
        }
        // What the QR code said, shown so the reporter knows it was understood.
        var contextParts: [String] = []
        if let id = form.departmentId.flatMap(UUID.init(uuidString:)), let d = try await Department.find(id, on: req.db) { contextParts.append(d.name) }
        if let id = form.businessSystemId.flatMap(UUID.init(uuidString:)), let s = try await BusinessSystem.find(id, on: req.db) { contextParts.append(s.name) }
        if let asset = form.assetId, !asset.isEmpty { contextParts.append(t[text: "ticket_asset"] + " " + asset) }
        let domain = form.domain ?? "it"
        let localized = errors.mapValues { ProblemText.localize($0, locale: base.lang) }
        return try await req.view.render("portal/new", NewContext(
            page: base,
            domains: ServiceDomain.allCases.map { .init(value: $0.rawValue, label: labels.domain($0.rawValue), hint: t[text: "portal_domain_\($0.rawValue)_hint"], checked: $0.rawValue == domain) },
            impacts: Impact.allCases.map { .init(value: $0.rawValue, label: labels.impact($0.rawValue), hint: "", checked: $0.rawValue == (form.impact ?? "individual")) },
            urgencies: Urgency.allCases.reversed().map { .init(value: $0.rawValue, label: labels.urgency($0.rawValue), hint: "", checked: $0.rawValue == (form.urgency ?? "operation")) },
            title: form.title ?? "", description: form.description ?? "", location: location,
            departmentId: form.departmentId ?? "", businessSystemId: form.businessSystemId ?? "", assetId: form.assetId ?? "",
            channel: form.channel ?? "", context: contextParts.isEmpty ? nil : contextParts.joined(separator: " · "),
            errors: localized, errorSummary: errors.isEmpty ? nil : t["portal_form_has_errors"]))
    }

    /// Phones report from WeCom/WeChat's browsers: the channel says so unless a QR code brought them.
    private func channel(_ req: Request, _ form: ReportForm) -> TicketChannel {
        if form.channel == "qrcode" { return .qrcode }
        let agent = (req.headers.first(name: .userAgent) ?? "").lowercased()
        if agent.contains("micromessenger") || agent.contains("wxwork") { return .wechat }
        if agent.contains("mobile") || agent.contains("android") || agent.contains("iphone") { return .mobile }
        return .web
    }

    func create(req: Request) async throws -> Response {
        let user = try req.require(.reportTickets)
        let form = try req.content.decode(ReportForm.self)
        var departmentId = form.departmentId, location = form.location
        if !user.can(.reportOnBehalf), let raw = departmentId, !raw.isEmpty, raw.lowercased() != user.departmentId?.uuidString.lowercased() {
            // A QR label of another department's device: the ticket stays the reporter's department's (only the
            // service desk chooses another), the label's department goes into the location the engineer reads.
            if let id = UUID(uuidString: raw), let d = try await Department.find(id, on: req.db), !(location ?? "").contains(d.name) {
                location = String([d.name, location ?? ""].filter { !$0.isEmpty }.joined(separator: " ").prefix(100))
            }
            departmentId = nil
        }
        let body = CreateTicketRequest(domain: form.domain, kind: "incident", title: form.title, description: form.description,
                                       impact: form.impact, urgency: form.urgency, categoryId: nil, businessSystemId: form.businessSystemId,
                                       departmentId: departmentId, assetId: form.assetId, location: location,
                                       channel: channel(req, form).rawValue)
        let ticket: TicketDTO
        do {
            ticket = try await TicketService.create(body, by: try req.requireUser(), actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                    reference: try await req.reference(), on: req.db, writer: req.application)
        } catch let error as AppError where error.fields != nil {
            var echo = form
            echo.photo = nil
            return try await render(req, form: echo, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
        if let photo = form.photo, photo.data.readableBytes > 0 {
            // The report stands even if the photo is refused; the reporter sees the ticket and can add another.
            _ = try? await AttachmentStore.store(photo, internal: false, ticketId: ticket.id, request: req)
        }
        return req.redirect(to: "/portal/tickets/\(ticket.id)", flash: "ticket_created")
    }

    struct PageContext: Encodable {
        var page: PageBase
        var ticket: TicketDTO
        var statusLabel: String
        var priorityLabel: String
        var domainLabel: String
        var steps: [StepView]
        var timeline: [TimelineView]
        var comments: [CommentView]
        var attachments: [AttachmentView]
        var canRate: Bool
        var canReopen: Bool
        var canConfirm: Bool
        var canWithdraw: Bool
        var ratingStars: String?
        var scores: [FormField.Option]
        var error: String?
    }

    func page(req: Request) async throws -> View {
        let (ticket, _, _) = try await req.visibleTicket(req.parameters.get("ticketId", as: UUID.self))
        return try await render(req, ticket: ticket, error: nil)
    }

    private func render(_ req: Request, ticket: Ticket, error: String?) async throws -> View {
        let user = try req.requireUser()
        let base = try PageBase.make(for: req, title: ticket.number)
        let t = base.t, labels = TicketLabels(t: t)
        let dto = try await TicketQueries.load(ticket, request: req)
        let status = ticket.statusValue
        let order: [TicketStatus: Int] = [.new: 0, .accepted: 1, .inProgress: 2, .pending: 2, .resolved: 3, .closed: 4, .cancelled: 0]
        let reached = order[status] ?? 0
        let steps = ["portal_step_reported", "portal_step_accepted", "portal_step_working", "portal_step_resolved", "portal_step_done"]
            .enumerated().map { StepView(label: t[text: $0.element], done: $0.offset < reached || (status == .closed && $0.offset == 4), current: $0.offset == reached && status != .closed) }
        let own = ticket.reporterId == user.id
        // A reporter never sees internal events here, whatever their other roles.
        let bookkeeping: Set<String> = ["link", "unlink", "worklog", "reprioritize"]
        let events = try await TicketQueries.timeline(ticket, user: user, on: req.db, reference: try await req.reference()).filter { !$0.internal && !bookkeeping.contains($0.type) }
        let comments = try await TicketService.comments(of: ticket, user: user, reference: try await req.reference(), on: req.db).filter { !$0.internal }.map {
            CommentView(author: $0.authorName, initials: initials(of: $0.authorName), body: $0.body, at: DisplayTime.short($0.createdAt, req), isInternal: false)
        }
        let attachments = try await AttachmentStore.list(ticket, user: user, on: req.db).filter { !$0.internal }.map {
            AttachmentView(id: $0.id.uuidString, name: $0.fileName, size: humanSize($0.size), isImage: $0.contentType.hasPrefix("image/"), isInternal: false)
        }
        return try await req.view.render("portal/ticket", PageContext(
            page: base, ticket: dto, statusLabel: labels.status(dto.status), priorityLabel: labels.priority(dto.priority),
            domainLabel: labels.domain(dto.domain), steps: steps,
            timeline: events.reversed().map { TimelineView($0, labels: labels, req: req) }, comments: comments, attachments: attachments,
            canRate: own && [.resolved, .closed].contains(status) && ticket.ratingScore == nil,
            canReopen: own && status == .resolved, canConfirm: own && status == .resolved, canWithdraw: own && status == .new,
            ratingStars: ticket.ratingScore.map { String(repeating: "★", count: $0) + String(repeating: "☆", count: 5 - $0) },
            scores: (1...5).reversed().map { .init(value: String($0), label: t[text: "rating_\($0)"], selected: $0 == 5) },
            error: error))
    }

    private func attempt(_ req: Request, flash: String, _ body: () async throws -> Void) async throws -> Response {
        let id = req.parameters.get("ticketId", as: UUID.self)
        do {
            try await body()
            return req.redirect(to: "/portal/tickets/\(id?.uuidString ?? "")", flash: flash)
        } catch let error as AppError where [.conflict, .unprocessableEntity, .forbidden].contains(error.status) {
            let (ticket, _, _) = try await req.visibleTicket(id)
            let reason = error.fields.map { ProblemText.describe($0, locale: req.locale.code, t: req.yiwei.i18n.strings(req.locale.code)) } ?? error.message
            return try await render(req, ticket: ticket, error: req.locale.text("error_action_failed").replacingOccurrences(of: "{reason}", with: reason))
                .encodeResponse(status: error.status, for: req)
        }
    }

    struct RateForm: Content {
        var score: String?
        var comment: String?
    }

    func rate(req: Request) async throws -> Response {
        let form = try req.content.decode(RateForm.self)
        return try await attempt(req, flash: "rated") {
            _ = try await TicketService.rate(req.parameters.get("ticketId", as: UUID.self),
                                             RatingRequest(score: form.score.flatMap { Int($0) }, comment: form.comment), by: try req.requireUser(),
                                             actor: req.auditActor, now: req.now, reference: try await req.reference(), on: req.db,
                                             writer: req.application)
        }
    }

    func act(req: Request) async throws -> Response {
        let body = try req.content.decode(TicketActionRequest.self)
        return try await attempt(req, flash: "ticket_updated") {
            guard ["reopen", "close", "cancel"].contains(body.action ?? "") else { throw AppError.refused("portal_action") }
            _ = try await TicketService.act(req.parameters.get("ticketId", as: UUID.self), body, by: try req.requireUser(), actor: req.auditActor,
                                            now: req.now, reference: try await req.reference(), on: req.db, writer: req.application)
        }
    }

    func comment(req: Request) async throws -> Response {
        let form = try req.content.decode(TicketPages.CommentForm.self)
        return try await attempt(req, flash: "comment_added") {
            _ = try await TicketService.comment(req.parameters.get("ticketId", as: UUID.self), CommentRequest(body: form.body, internal: false),
                                                by: try req.requireUser(), actor: req.auditActor, now: req.now, reference: try await req.reference(),
                                                on: req.db, writer: req.application)
        }
    }
}
