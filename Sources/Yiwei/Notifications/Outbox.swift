import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// A channel the hospital's staff read (NTF-1): a WeCom (企业微信) or DingTalk (钉钉) group robot webhook,
/// or an SMTP server for e-mail (to a fixed list, and to the subscribers who asked for e-mail).
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one task at a time.
final class NotificationChannel: Model, @unchecked Sendable {
    static let schema = "notification_channels"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// `wecom`, `dingtalk` or `email`
    @Field(key: "kind") var kind: String
    /// E-mail: the sender address, and the addresses (comma-separated) that take the channel's events.
    @OptionalField(key: "sender") var sender: String?
    @OptionalField(key: "recipients") var recipients: String?
    @Field(key: "url") var url: String
    /// DingTalk's signing secret (加签), when the robot uses one.
    @OptionalField(key: "secret") var secret: String?
    /// Event prefixes this channel takes (`ticket.p1`, `sla.`); empty: all.
    @Field(key: "events") var events: String
    /// Only tickets of this domain; nil: all domains.
    @OptionalField(key: "domain") var domain: String?
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}

    var eventList: [String] { (try? JSONDecoder().decode([String].self, from: Data(events.utf8))) ?? [] }
    var recipientList: [String] { (recipients ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    func takes(_ event: String, domain ticketDomain: String?) -> Bool {
        guard isActive else { return false }
        // An e-mail channel without a list of its own only carries subscribers' personal mail.
        if kind == "email" && recipientList.isEmpty { return false }
        if let domain, domain != ticketDomain { return false }
        let list = eventList
        return list.isEmpty || list.contains { event.hasPrefix($0) }
    }
}

/// One message to one channel, written in the same transaction as its cause (the transactional outbox,
/// NTF-3), delivered by the worker with retries and back-off; after 8 failed attempts it is dead and
/// shown for an administrator to retry.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox"
    @ID(key: .id) var id: UUID?
    @Field(key: "channel_id") var channelId: UUID
    @Field(key: "event") var event: String
    @Field(key: "idempotency_key") var idempotencyKey: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @OptionalField(key: "ticket_id") var ticketId: UUID?
    /// E-mail to one subscriber (nil: the channel's own group or list).
    @OptionalField(key: "recipient") var recipient: String?
    /// `pending`, `sent`, `dead`
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    init() {}
}

/// The message bodies exactly as the platforms document them.
enum RobotMessage {
    /// WeCom group robot: `{"msgtype":"markdown","markdown":{"content":…}}`.
    static func wecom(title: String, body: String, link: String?) -> [String: Any] {
        var content = "**\(title)**\n> \(body)"
        if let link { content += "\n> [查看工单](\(link))" }
        return ["msgtype": "markdown", "markdown": ["content": content]]
    }

    /// DingTalk custom robot: `{"msgtype":"markdown","markdown":{"title","text"}}`.
    static func dingtalk(title: String, body: String, link: String?) -> [String: Any] {
        var text = "### \(title)\n\n\(body)"
        if let link { text += "\n\n[查看工单](\(link))" }
        return ["msgtype": "markdown", "markdown": ["title": title, "text": text]]
    }

    /// DingTalk's signature: base64(HMAC-SHA256(secret, "<timestamp ms>\n<secret>")), URL-encoded, with the timestamp.
    static func signedDingTalkURL(_ url: String, secret: String, timestampMillis: Int64) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestampMillis)\n\(secret)".utf8), using: key)
        let sign = Data(mac).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return url + (url.contains("?") ? "&" : "?") + "timestamp=\(timestampMillis)&sign=\(sign)"
    }
}

public enum OutboxWorker {
    static let maxAttempts = 8

    /// Seconds to wait after the n-th failure: 10, 20, 40 … at most an hour.
    static func backoff(attempts: Int) -> Double { min(3600, 10 * pow(2, Double(max(0, attempts - 1)))) }

    /// Queues one e-mail per subscriber address on the first active e-mail channel — inside the caller's transaction.
    static func enqueueEmail(to addresses: [(UUID, String)], event: String, title: String, body: String, ticket: Ticket?, group: UUID, at now: Date,
                             on db: any Database) async throws {
        guard !addresses.isEmpty,
              let channel = try await NotificationChannel.query(on: db).filter(\.$kind == "email").filter(\.$isActive == true).sort(\.$createdAt).first() else { return }
        for (user, address) in addresses {
            let m = OutboxMessage()
            m.channelId = try channel.requireID(); m.event = event; m.idempotencyKey = "\(group.uuidString):\(try channel.requireID().uuidString):\(user.uuidString)"
            m.title = String(title.prefix(200)); m.body = String(body.prefix(1000)); m.ticketId = ticket?.id; m.recipient = address
            m.status = "pending"; m.attempts = 0; m.nextAttemptAt = now; m.createdAt = now
            try await m.create(on: db)
        }
    }

    /// Queues a message for every channel that takes the event — inside the caller's transaction.
    static func enqueue(event: String, title: String, body: String, ticket: Ticket?, group: UUID, at now: Date, on db: any Database) async throws {
        let channels = try await NotificationChannel.query(on: db).filter(\.$isActive == true).all()
        for channel in channels where channel.takes(event, domain: ticket?.domain) {
            let m = OutboxMessage()
            m.channelId = try channel.requireID(); m.event = event; m.idempotencyKey = "\(group.uuidString):\(try channel.requireID().uuidString)"
            m.title = String(title.prefix(200)); m.body = String(body.prefix(1000)); m.ticketId = ticket?.id
            m.status = "pending"; m.attempts = 0; m.nextAttemptAt = now; m.createdAt = now
            try await m.create(on: db)
        }
    }

    /// One delivery pass. Claims due messages first (a 15-minute lease, `SKIP LOCKED` on PostgreSQL), then
    /// sends outside any transaction, so a slow or broken channel never holds up ticket handling.
    @discardableResult
    public static func deliver(_ app: Application, now: Date, baseURL: String? = nil, limit: Int = 50) async throws -> (sent: Int, failed: Int) {
        let postgres = app.yiwei.databaseKind == .postgres
        let claimed: [UncheckedModel<OutboxMessage>] = try await app.write(affectsReference: false) { db in
            let sql = db.sql
            let rows = try await sql.raw("""
                SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= \(bind: now) ORDER BY next_attempt_at LIMIT \(bind: limit)
                \(unsafeRaw: postgres ? "FOR UPDATE SKIP LOCKED" : "")
                """).all()
            let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return [] }
            let messages = try await OutboxMessage.query(on: db).filter(\.$id ~~ ids).all()
            for m in messages {
                // The lease outlasts a pass in which every send times out (50 × 10 s), so another instance
                // never takes a message this one is still sending.
                m.nextAttemptAt = now.addingTimeInterval(900)
                try await m.update(on: db)
            }
            return messages.map(UncheckedModel.init)
        }
        var sent = 0, failed = 0
        for wrapped in claimed {
            let m = wrapped.model
            let channel = try await NotificationChannel.find(m.channelId, on: app.db)
            var error: String?
            if let channel {
                error = await send(m, via: channel, app: app, now: now, baseURL: baseURL)
            } else {
                error = "channel removed"
            }
            let outcome = error
            try await app.write(affectsReference: false) { db in
                guard let fresh = try await OutboxMessage.find(m.id, on: db) else { return }
                fresh.attempts += 1
                if let outcome {
                    fresh.lastError = String(outcome.prefix(500))
                    fresh.status = fresh.attempts >= maxAttempts ? "dead" : "pending"
                    fresh.nextAttemptAt = now.addingTimeInterval(backoff(attempts: fresh.attempts))
                } else {
                    fresh.status = "sent"; fresh.sentAt = now; fresh.lastError = nil
                }
                try await fresh.update(on: db)
            }
            if error == nil { sent += 1 } else { failed += 1 }
        }
        return (sent, failed)
    }

    /// nil on success, else why not. Both platforms answer 200 with `{"errcode":0}` when they accept.
    static func send(_ m: OutboxMessage, via channel: NotificationChannel, app: Application, now: Date, baseURL: String?) async -> String? {
        let link = m.ticketId.flatMap { id in baseURL.map { "\($0)/tickets/\(id)" } }
        if channel.kind == "email" {
            guard let server = SMTPServer(url: channel.url, password: channel.secret), let sender = channel.sender else { return "invalid e-mail channel" }
            let to = m.recipient.map { [$0] } ?? channel.recipientList
            var text = m.body
            if let link { text += "\n\n查看工单：\(link)" }
            text += "\n\n—— 医维 运维服务管理平台（系统邮件，请勿直接回复）"
            do {
                try await SMTPClient.send(server: server, from: sender, to: to, subject: m.title, body: text, messageId: m.idempotencyKey, date: now,
                                          group: app.eventLoopGroup)
                return nil
            } catch {
                return String(describing: error)
            }
        }
        let payload: [String: Any]
        var url = channel.url
        if channel.kind == "dingtalk" {
            payload = RobotMessage.dingtalk(title: m.title, body: m.body, link: link)
            if let secret = channel.secret, !secret.isEmpty {
                url = RobotMessage.signedDingTalkURL(url, secret: secret, timestampMillis: Int64(now.timeIntervalSince1970 * 1000))
            }
        } else {
            payload = RobotMessage.wecom(title: m.title, body: m.body, link: link)
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
            let response = try await app.client.post(URI(string: url), headers: ["Content-Type": "application/json", "X-Yiwei-Message": m.idempotencyKey]) { req in
                // A robot that hangs fails this attempt after 10 s and is retried later.
                req.timeout = .seconds(10)
                req.body = ByteBuffer(data: data)
            }.get()
            guard response.status == .ok else { return "HTTP \(response.status.code)" }
            guard let body = response.body, let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
                return "unreadable answer"
            }
            if let code = object["errcode"] as? Int, code != 0 {
                return "errcode \(code): \(object["errmsg"] as? String ?? "")"
            }
            return nil
        } catch {
            return String(describing: error)
        }
    }

    /// Delivers every 5 seconds while the server runs.
    public static func start(_ app: Application, every seconds: Int64 = 5) {
        let logger = app.logger
        app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(3), delay: .seconds(seconds)) { _ in
            app.eventLoopGroup.next().makeFutureWithTask {
                do { try await deliver(app, now: app.yiwei.clock.now()) } catch { logger.error("outbox: \(String(reflecting: error))") }
            }
        }
    }
}
