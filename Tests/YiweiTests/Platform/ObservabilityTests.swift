import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Observability: request ids, /metrics")
struct ObservabilityTests {
    @Test("every response names its request id; /metrics counts by route pattern and reads open tickets and breaches")
    func metrics() async throws {
        try await withYiwei({ $0.metricsOpen = true }) { env in
            let h = try await Hospital.make(env)
            let t1 = try await h.report(title: "一")   // individual × clinical → P3 (the fixture's report)
            _ = try await h.report(title: "二")
            let res = try await env.send(.GET, "/api/v1/tickets/\(t1.id)", token: h.lead.token)
            #expect(res.headers.first(name: "X-Request-Id")?.isEmpty == false)
            _ = try await env.send(.GET, "/api/v1/tickets/\(UUID())", token: h.lead.token)
            let metrics = try await env.send(.GET, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers.contentType?.subType == "plain")
            let text = metrics.body.string
            #expect(text.contains(#"yiwei_http_requests_total{method="GET",route="/api/v1/tickets/:ticketId",status="200"} 1"#))
            #expect(text.contains(#"yiwei_http_requests_total{method="GET",route="/api/v1/tickets/:ticketId",status="404"} 1"#))
            #expect(text.contains(#"yiwei_open_tickets{priority="\#(t1.priority)"} 2"#))
            #expect(text.contains(#"yiwei_outbox_messages{status="dead"} 0"#))
            #expect(text.contains("yiwei_http_request_duration_seconds_bucket"))
        }
    }

    @Test("with YIWEI_METRICS_TOKEN the scraper must present it")
    func token() async throws {
        let adjust: (inout AppConfig) -> Void = { $0.metricsToken = "scrape-secret-0123456789" }
        try await withYiwei(adjust) { env in
            let anonymous = try await env.send(.GET, "/metrics")
            let wrong = try await env.send(.GET, "/metrics", token: "wrong-secret-0123456789")
            let right = try await env.send(.GET, "/metrics", token: "scrape-secret-0123456789")
            #expect(anonymous.status == .unauthorized && wrong.status == .unauthorized)
            #expect(right.status == .ok && right.body.string.contains("yiwei_open_tickets"))
            // A loopback client has no way around the token.
            #expect(try await env.send(from: "127.0.0.1", .GET, "/metrics").status == .unauthorized)
        }
    }

    @Test("without a token /metrics is off (404) even for loopback; YIWEI_METRICS_OPEN serves loopback clients that came through no proxy")
    func access() async throws {
        try await withYiwei { env in
            // A reverse proxy on this host makes every visitor a loopback client.
            for peer in ["127.0.0.1", "::1", "10.1.2.3"] {
                let res = try await env.send(from: peer, .GET, "/metrics")
                #expect(res.status == .notFound && res.errorCode == "not_found", "\(peer)")
            }
            #expect(try await env.send(.GET, "/metrics").status == .notFound)
        }
        try await withYiwei({ $0.metricsOpen = true }) { env in
            #expect(try await env.send(from: "127.0.0.1", .GET, "/metrics").status == .ok)
            #expect(try await env.send(from: "::1", .GET, "/metrics").status == .ok)
            let proxied = try await env.send(from: "127.0.0.1", .GET, "/metrics", headers: [("X-Forwarded-For", "203.0.113.5")])
            #expect(proxied.status == .forbidden && proxied.errorCode == "forbidden")
            #expect(try await env.send(from: "::1", .GET, "/metrics", headers: [("Forwarded", "for=203.0.113.5")]).status == .forbidden)
            #expect(try await env.send(from: "10.1.2.3", .GET, "/metrics").status == .forbidden)
        }
    }

    @Test("YIWEI_METRICS_OPEN is a yes/no setting and cannot be combined with YIWEI_METRICS_TOKEN")
    func configuration() throws {
        #expect(try AppConfig.load(environment: ["YIWEI_METRICS_OPEN": "true"], arguments: ["yiwei"]).0.metricsOpen)
        #expect(try !AppConfig.load(environment: [:], arguments: ["yiwei"]).0.metricsOpen)
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.load(environment: ["YIWEI_METRICS_OPEN": "loopback"], arguments: ["yiwei"]) }
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.load(environment: ["YIWEI_METRICS_OPEN": "true", "YIWEI_METRICS_TOKEN": "scrape-secret-0123456789"], arguments: ["yiwei"])
        }
    }
}
