import NIOCore
import Vapor

/// Who is on the other end of a request: the address the audit log records and the sign-in and external
/// listener limits count by. `X-Forwarded-For` is written by whoever sends the request, so only the part
/// added by proxies named in `YIWEI_TRUSTED_PROXIES` is believed (docs/security.md).
enum ClientAddress {
    /// The address in one spelling (`inet_ntop`'s), so `::1`, `0:0:0:0:0:0:0:1` and `::ffff:127.0.0.1` vs
    /// `127.0.0.1` compare equal; nil when `text` is not an IPv4 or IPv6 address.
    static func canonical(_ text: some StringProtocol) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 64, let address = try? SocketAddress(ipAddress: trimmed, port: 0),
              let spelled = address.ipAddress else { return nil }
        // A dual-stack listener reports IPv4 peers as IPv4-mapped IPv6 addresses.
        if spelled.hasPrefix("::ffff:"), let v4 = try? SocketAddress(ipAddress: String(spelled.dropFirst(7)), port: 0),
           case .v4 = v4, let plain = v4.ipAddress {
            return plain
        }
        return spelled
    }

    /// The client of a connection from `peer` that carried these `X-Forwarded-For` values. A peer that is not
    /// a trusted proxy is the client itself. Otherwise the list is read from the right — each trusted proxy
    /// appends the address it was called from — skipping trusted proxies; the first other address is the
    /// client. A hop that is not an address (or an empty list) leaves the nearest trusted proxy as the client:
    /// nothing left of it was written by a proxy we know.
    static func resolve(peer: String?, forwardedFor: [String], trustedProxies: Set<String>) -> String {
        guard let peer, let nearest = canonical(peer) else { return peer.map { String($0.prefix(64)) } ?? "-" }
        guard trustedProxies.contains(nearest) else { return nearest }
        var client = nearest
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
        for hop in hops.reversed() {
            guard let address = canonical(hop) else { return client }
            client = address
            if !trustedProxies.contains(address) { return address }
        }
        return client
    }
}

extension Request {
    /// The client address (see `ClientAddress`): the peer, or what the trusted proxies in front of Yiwei say.
    var remoteIP: String {
        ClientAddress.resolve(peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor],
                              trustedProxies: yiwei.config.trustedProxies)
    }
}
