import Fluent
import Foundation
import Vapor
import YiweiCore

/// 消息通道 page: the group robots, a form to add one, and the delivery log with retry (NTF-3).
struct ChannelPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "channels", use: page)
        routes.post("admin", "channels", use: create)
        routes.post("admin", "channels", "outbox", ":messageId", "retry", use: retry)
    }

    struct Context: Encodable {
        struct Channel: Encodable { var name: String; var kind: String; var host: String; var signed: Bool; var events: String; var domain: String }
        struct Message: Encodable { var id: String; var at: String; var channel: String; var title: String; var status: String; var statusLabel: String; var attempts: Int; var error: String; var retryable: Bool }
        var page: PageBase
        var channels: [Channel]
        var fields: [FormField]
        var errorSummary: String?
        var messages: [Message]
    }

    struct Form: Content {
        var name: String?, kind: String?, url: String?, secret: String?, events: String?, domain: String?, sender: String?, recipients: String?
    }

    func page(req: Request) async throws -> View { try await render(req, form: Form(), errors: [:]) }

    private func render(_ req: Request, form: Form, errors: [String: String]) async throws -> View {
        try req.require(.manageOrganisation)
        let base = try await PageBase.make(for: req, titleKey: "channels_title")
        let t = base.t, labels = TicketLabels(t: t)
        let channels = try await NotificationChannel.query(on: req.db).sort(\.$name).all()
        let names = Dictionary(uniqueKeysWithValues: channels.map { ($0.id!, $0.name) })
        let messages = try await OutboxMessage.query(on: req.db).sort(\.$createdAt, .descending).limit(50).all()
        let f = FormValues(form)
        let fields = FormField.withErrors([
            FormField(name: "name", label: t[text: "field_name"], kind: .text, value: f["name"], required: true, maxLength: 50),
            FormField(name: "kind", label: t[text: "channel_kind"], kind: .select,
                      options: FormField.options([("wecom", t[text: "channel_wecom"]), ("dingtalk", t[text: "channel_dingtalk"]), ("email", t[text: "channel_email"])],
                                                 selected: [f["kind"].isEmpty ? "wecom" : f["kind"]])),
            FormField(name: "url", label: t[text: "channel_url"], kind: .text, value: f["url"], required: true, maxLength: 500, help: t["help_channel_url"]),
            FormField(name: "secret", label: t[text: "channel_secret"], kind: .text, value: "", maxLength: 200, help: t["help_channel_secret"]),
            FormField(name: "sender", label: t[text: "channel_sender"], kind: .text, value: f["sender"], maxLength: 254, help: t["help_channel_sender"]),
            FormField(name: "recipients", label: t[text: "channel_recipients"], kind: .text, value: f["recipients"], maxLength: 2000, help: t["help_channel_recipients"]),
            FormField(name: "events", label: t[text: "channel_events"], kind: .text, value: f["events"], maxLength: 500, help: t["help_channel_events"]),
            FormField(name: "domain", label: t[text: "ticket_domain"], kind: .select,
                      options: FormField.options(ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }, selected: [f["domain"]], allowEmpty: t[text: "filter_all"])),
        ], errors, locale: base.lang)
        return try await req.view.render("admin/channels", Context(
            page: base,
            channels: channels.map { c in
                .init(name: c.name, kind: t["channel_" + c.kind] ?? c.kind, host: (URL(string: c.url)?.host ?? "") + (c.kind == "email" ? " → " + (c.recipientList.isEmpty ? t[text: "channel_subscribers_only"] : c.recipientList.joined(separator: "、")) : ""),
                      signed: !(c.secret ?? "").isEmpty, events: c.eventList.isEmpty ? t[text: "channel_all_events"] : c.eventList.joined(separator: "、"),
                      domain: c.domain.map { labels.domain($0) } ?? t[text: "filter_all"])
            },
            fields: fields, errorSummary: errors.isEmpty ? nil : t["form_has_errors"],
            messages: messages.map { m in
                .init(id: try m.requireID().uuidString, at: DisplayTime.short(m.createdAt, req), channel: names[m.channelId] ?? "", title: m.title, status: m.status,
                      statusLabel: t["outbox_" + m.status] ?? m.status, attempts: m.attempts, error: m.lastError ?? "", retryable: m.status != "sent")
            }))
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let form = try req.content.decode(Form.self)
        let events = (form.events ?? "").split(whereSeparator: { ",，、 ".contains($0) }).map(String.init)
        do {
            _ = try await ChannelService.create(ChannelBody(name: form.name, kind: form.kind, url: form.url, secret: form.secret, events: events,
                                                            domain: form.domain, sender: form.sender,
                                                            recipients: (form.recipients ?? "").split(whereSeparator: { ",，;； ".contains($0) }).map(String.init)),
                                                request: req)
            return req.redirect(to: "/admin/channels", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func retry(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        try await ChannelService.retry(req.parameters.get("messageId", as: UUID.self), request: req)
        return req.redirect(to: "/admin/channels", flash: "saved")
    }
}
