import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Client address: X-Forwarded-For only from trusted proxies")
struct ClientAddressTests {
    @Test("the peer is the client unless it is a trusted proxy; then the address the last trusted proxy added")
    func resolve() {
        let none: Set<String> = []
        let proxies: Set<String> = ["127.0.0.1", "10.0.0.2"]
        let cases: [(peer: String?, forwarded: [String], trusted: Set<String>, client: String)] = [
            // No trusted proxies (the default): the header is the client's own text and is ignored.
            ("127.0.0.1", ["6.6.6.6"], none, "127.0.0.1"),
            ("::1", ["6.6.6.6"], none, "::1"),
            ("203.0.113.9", ["6.6.6.6"], none, "203.0.113.9"),
            // A peer that is not a trusted proxy is the client, whatever it sends.
            ("203.0.113.9", ["6.6.6.6"], proxies, "203.0.113.9"),
            // Trusted peer: the rightmost address that is not a trusted proxy; the client-written 6.6.6.6 is left of it.
            ("127.0.0.1", ["6.6.6.6, 198.51.100.4"], proxies, "198.51.100.4"),
            ("127.0.0.1", ["6.6.6.6, 198.51.100.4, 10.0.0.2"], proxies, "198.51.100.4"),
            ("127.0.0.1", ["6.6.6.6, 198.51.100.4", "10.0.0.2"], proxies, "198.51.100.4"),
            // Only proxies in the list, or no list: the proxy furthest out.
            ("127.0.0.1", ["10.0.0.2"], proxies, "10.0.0.2"),
            ("127.0.0.1", [], proxies, "127.0.0.1"),
            // A hop that is not an address stops the walk at the nearest proxy.
            ("127.0.0.1", ["198.51.100.4, evil.example"], proxies, "127.0.0.1"),
            ("127.0.0.1", ["198.51.100.4, 10.0.0.2, <script>"], proxies, "127.0.0.1"),
            // One spelling per address: IPv4-mapped IPv6 peers are IPv4; IPv6 is written the short way.
            ("::ffff:127.0.0.1", ["198.51.100.4"], proxies, "198.51.100.4"),
            ("::1", ["2001:0db8:0000:0000:0000:0000:0000:0001"], ["::1"], "2001:db8::1"),
            // The in-memory tester has no peer.
            (nil, ["6.6.6.6"], proxies, "-"),
        ]
        for c in cases {
            #expect(ClientAddress.resolve(peer: c.peer, forwardedFor: c.forwarded, trustedProxies: c.trusted) == c.client,
                    "\(c.peer ?? "nil") \(c.forwarded) \(c.trusted.sorted())")
        }
    }

    @Test("the audit log records the peer, not a client-written X-Forwarded-For, unless the peer is a trusted proxy")
    func auditedAddress() async throws {
        func failedLoginAddresses(_ env: TestEnv) async throws -> [String] {
            try await env.db.raw("SELECT ip FROM audit_log WHERE action = 'login.failure' ORDER BY seq").all()
                .map { try $0.decode(column: "ip", as: String.self) }
        }
        try await withYiwei { env in
            // A client on this server (or any client, through a proxy Yiwei was not told about) writes the header itself.
            _ = try await env.send(from: "127.0.0.1", .POST, "/api/v1/auth/login", json: ["username": "admin", "password": "wrong"],
                                   headers: [("X-Forwarded-For", "6.6.6.6")])
            #expect(try await failedLoginAddresses(env) == ["127.0.0.1"])
        }
        try await withYiwei({ $0.trustedProxies = ["127.0.0.1", "10.0.0.2"] }) { env in
            // client 198.51.100.4 (which wrote "6.6.6.6" itself) → proxy 10.0.0.2 → proxy on this host → Yiwei.
            _ = try await env.send(from: "127.0.0.1", .POST, "/api/v1/auth/login", json: ["username": "admin", "password": "wrong"],
                                   headers: [("X-Forwarded-For", "6.6.6.6, 198.51.100.4"), ("X-Forwarded-For", "10.0.0.2")])
            // Straight from outside: the header is ignored.
            _ = try await env.send(from: "203.0.113.9", .POST, "/api/v1/auth/login", json: ["username": "admin", "password": "wrong"],
                                   headers: [("X-Forwarded-For", "10.0.0.2")])
            #expect(try await failedLoginAddresses(env) == ["198.51.100.4", "203.0.113.9"])
        }
    }

    @Test("YIWEI_TRUSTED_PROXIES: IP addresses separated by commas; anything else stops the start")
    func configuration() throws {
        #expect(try AppConfig.load(environment: [:], arguments: ["yiwei"]).0.trustedProxies.isEmpty)
        let (config, _) = try AppConfig.load(environment: ["YIWEI_TRUSTED_PROXIES": " 127.0.0.1 , ::1,10.0.0.2"], arguments: ["yiwei"])
        #expect(config.trustedProxies == ["127.0.0.1", "::1", "10.0.0.2"])
        for value in ["10.0.0.0/8", "proxy.example", "127.0.0.1,,10.0.0.2", "127.0.0.1,", "256.1.1.1", "127.0.0.1:8080"] {
            #expect(throws: AppConfig.Invalid.self, "\(value)") {
                try AppConfig.load(environment: ["YIWEI_TRUSTED_PROXIES": value], arguments: ["yiwei"])
            }
        }
    }
}
