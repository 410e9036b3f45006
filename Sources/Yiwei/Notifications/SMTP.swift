import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how to send e-mail: `smtp://[user@]host[:25]` (a hospital's intranet relay) or
/// `smtps://[user@]host[:465]` (implicit TLS); the password is the channel's secret.
struct SMTPServer: Sendable, Equatable {
    var host: String
    var port: Int
    var tls: Bool
    var username: String?
    var password: String?

    /// nil when `url` is not an smtp:// or smtps:// address with a host.
    init?(url: String, password: String?) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme),
              let host = components.host, !host.isEmpty else { return nil }
        self.host = host
        self.tls = scheme == "smtps"
        self.port = components.port ?? (tls ? 465 : 25)
        self.username = components.user?.removingPercentEncoding
        self.password = (password ?? "").isEmpty ? nil : password
    }
}

struct SMTPError: Error, CustomStringConvertible {
    var description: String
}

/// A small SMTP client (RFC 5321): EHLO, AUTH PLAIN when a user is set, MAIL, RCPT, DATA, QUIT. The
/// message is UTF-8 text, base64-encoded, with an RFC 2047 subject, so Chinese arrives intact in every
/// mail client. The whole exchange is bounded by `timeout`: a server that hangs never holds a worker.
enum SMTPClient {
    static func send(server: SMTPServer, from: String, to recipients: [String], subject: String, body: String, messageId: String,
                     date: Date, timeout: TimeAmount = .seconds(10), group: any EventLoopGroup) async throws {
        guard !recipients.isEmpty else { throw SMTPError(description: "no recipients") }
        let host = server.host
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: server.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if server.tls {
                        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: host))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel, configuration: .init())
                }
            }
        // A hung server: closing the channel ends the exchange with an error.
        let raw = channel.channel
        let deadline = raw.eventLoop.scheduleTask(in: timeout) { raw.close(promise: nil) }
        defer { deadline.cancel() }
        try await channel.executeThenClose { inbound, outbound in
            var reader = ReplyReader(iterator: inbound.makeAsyncIterator())
            func command(_ line: String?, expect codes: Set<Int>) async throws {
                if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                let (code, text) = try await reader.next()
                guard codes.contains(code) else {
                    throw SMTPError(description: "SMTP \(code) \(text) (after \(line.map { $0.split(separator: " ").first.map(String.init) ?? $0 } ?? "connect"))")
                }
            }
            try await command(nil, expect: [220])
            try await command("EHLO yiwei", expect: [250])
            if let user = server.username {
                let token = Data("\0\(user)\0\(server.password ?? "")".utf8).base64EncodedString()
                try await command("AUTH PLAIN \(token)", expect: [235])
            }
            try await command("MAIL FROM:<\(from)>", expect: [250])
            for recipient in recipients { try await command("RCPT TO:<\(recipient)>", expect: [250, 251]) }
            try await command("DATA", expect: [354])
            let message = SMTPMessage.render(from: from, to: recipients, subject: subject, body: body, messageId: messageId, date: date)
            try await outbound.write(ByteBuffer(string: message + "\r\n.\r\n"))
            try await command(nil, expect: [250])
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }

    /// Reads multi-line replies ("250-…" lines until "250 …").
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        mutating func next() async throws -> (Int, String) {
            var text: [String] = []
            while true {
                while let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError(description: "unreadable reply: \(line.prefix(80))") }
                    text.append(String(line.dropFirst(4)))
                    if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, text.joined(separator: " ")) }
                }
                guard let chunk = try await iterator.next() else { throw SMTPError(description: "connection closed by the server") }
                pending += String(buffer: chunk)
                if pending.utf8.count > 65_536 { throw SMTPError(description: "reply too long") }
            }
        }
    }
}

/// The message text (RFC 5322 + MIME), before the SMTP "." terminator.
enum SMTPMessage {
    static func render(from: String, to: [String], subject: String, body: String, messageId: String, date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let domain = from.split(separator: "@").last.map(String.init) ?? "yiwei.local"
        let encoded = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: =?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?=",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageId.replacingOccurrences(of: ":", with: "."))@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded
    }

    /// A plausible mailbox: something@host, no spaces or angle brackets (which would break the SMTP commands).
    static func isAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && s.count <= 254
            && !s.contains(where: { $0.isWhitespace || "<>,;\"\r\n".contains($0) })
    }
}
