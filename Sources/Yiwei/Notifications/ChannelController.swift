import Fluent
import Foundation
import Vapor
import YiweiCore

enum ChannelService {
    static func dto(_ c: NotificationChannel) -> ChannelDTO {
        ChannelDTO(id: c.id!, name: c.name, kind: c.kind, url: c.url, signed: !(c.secret ?? "").isEmpty, events: c.eventList,
                   domain: c.domain, sender: c.sender, recipients: c.kind == "email" ? c.recipientList : nil, isActive: c.isActive, createdAt: c.createdAt)
    }

    static func outbox(_ m: OutboxMessage) -> OutboxDTO {
        OutboxDTO(id: m.id!, channelId: m.channelId, event: m.event, title: m.title, status: m.status, attempts: m.attempts,
                  nextAttemptAt: m.nextAttemptAt, lastError: m.lastError, createdAt: m.createdAt, sentAt: m.sentAt)
    }

    static func create(_ body: ChannelBody, request: Request) async throws -> ChannelDTO {
        var v = Validator()
        let name = v.text("name", body.name, max: 50)
        let kind = v.text("kind", body.kind, max: 20)
        if let kind, !["wecom", "dingtalk", "email"].contains(kind) { v.add("kind", "must be one of wecom, dingtalk, email") }
        let url = v.text("url", body.url, max: 500)
        var sender: String?
        var recipients: [String] = []
        if kind == "email" {
            if let url, SMTPServer(url: url, password: nil) == nil { v.add("url", "must be an smtp:// or smtps:// address, e.g. smtp://mail.hospital.cn:25") }
            sender = v.text("sender", body.sender, max: 254)
            if let s = sender, !SMTPMessage.isAddress(s) { v.add("sender", "must be an e-mail address") }
            recipients = (body.recipients ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if recipients.count > 50 { v.add("recipients", "at most 50 addresses") }
            if let bad = recipients.first(where: { !SMTPMessage.isAddress($0) }) { v.add("recipients", "not an e-mail address: \(bad.prefix(60))") }
        } else if let url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || URL(string: url)?.host == nil {
            v.add("url", "must be an http(s) address")
        }
        let secret = v.text("secret", body.secret, required: false, max: 200)
        let events = (body.events ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if events.count > 20 || events.contains(where: { $0.count > 50 }) { v.add("events", "at most 20 event prefixes of 50 characters") }
        var domain: String?
        if let raw = body.domain, !raw.isEmpty { domain = v.oneOf("domain", raw, ServiceDomain.self)?.rawValue }
        try v.check()
        if try await NotificationChannel.query(on: request.db).filter(\.$name == name!).first() != nil {
            throw AppError.conflict(.duplicateName, "a channel named \(name!) already exists", field: "name")
        }
        let c = NotificationChannel()
        c.name = name!; c.kind = kind!; c.url = url!; c.secret = secret; c.domain = domain; c.isActive = true; c.createdAt = request.now
        c.sender = sender; c.recipients = recipients.isEmpty ? nil : recipients.joined(separator: ",")
        c.events = String(decoding: try JSONEncoder().encode(events), as: UTF8.self)
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(c)
        return try await request.write { db in
            try await saved.model.create(on: db)
            var after = dto(saved.model)
            after.url = "(hidden)"
            try await AuditLog.append(on: db, at: now, actor: actor, action: "channel.create", entityType: "channel",
                                      entityId: saved.model.id?.uuidString, after: after)
            return dto(saved.model)
        }
    }

    /// Puts a dead (or pending) message back at the head of the queue.
    static func retry(_ id: UUID?, request: Request) async throws {
        guard let id, let m = try await OutboxMessage.find(id, on: request.db) else { throw AppError.notFound("message") }
        guard m.status != "sent" else { throw AppError(.conflict, .alreadySent, "the message was delivered") }
        let now = request.now, actor = request.auditActor, saved = UncheckedModel(m)
        try await request.write { db in
            saved.model.status = "pending"; saved.model.attempts = 0; saved.model.nextAttemptAt = now
            try await saved.model.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "outbox.retry", entityType: "outbox", entityId: id.uuidString)
        }
    }
}

/// `/api/v1/notification-channels`, `/api/v1/outbox` (the delivery log), admin only.
struct ChannelController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("notification-channels", use: list)
        routes.post("notification-channels", use: create)
        routes.get("outbox", use: outbox)
        routes.post("outbox", ":messageId", "retry", use: retry)
    }

    func list(req: Request) async throws -> [ChannelDTO] {
        try req.require(.manageOrganisation)
        return try await NotificationChannel.query(on: req.db).sort(\.$name).all().map(ChannelService.dto)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        return try await ChannelService.create(try req.decodeJSON(ChannelBody.self), request: req).encodeResponse(status: .created, for: req)
    }

    func outbox(req: Request) async throws -> Page<OutboxDTO> {
        try req.require(.manageOrganisation)
        let page = try PageRequest(from: req)
        var query = OutboxMessage.query(on: req.db)
        if let status = req.queryParameter("status"), !status.isEmpty {
            guard ["pending", "sent", "dead"].contains(status) else {
                throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: ["status": "must be one of pending, sent, dead"])
            }
            query = query.filter(\.$status == status)
        }
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Page(items: items.map(ChannelService.outbox), page: page.page, per: page.per, total: total)
    }

    func retry(req: Request) async throws -> HTTPStatus {
        try req.require(.manageOrganisation)
        try await ChannelService.retry(req.parameters.get("messageId", as: UUID.self), request: req)
        return .noContent
    }
}
