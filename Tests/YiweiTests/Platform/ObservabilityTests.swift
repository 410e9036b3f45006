import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Observability: request ids, /metrics")
struct ObservabilityTests {
    @Test("every response names its request id; /metrics counts by route pattern and reads open tickets and breaches")
    func metrics() async throws {
        try await withYiwei { env in
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
        }
    }
}
