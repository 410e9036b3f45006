import Foundation
import Logging
import Prometheus
import SQLKit
import Vapor

/// `GET /metrics` in the Prometheus text format (docs/observability.md). With `YIWEI_METRICS_TOKEN` set,
/// scrapers present it as a bearer token. Without it the endpoint is off (404) — a reverse proxy on the same
/// host makes every outside visitor a loopback client — unless `YIWEI_METRICS_OPEN=true` opts in to serving
/// loopback clients whose request came through no proxy.
struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    func metrics(req: Request) async throws -> Response {
        let config = req.yiwei.config
        if let token = config.metricsToken {
            // Compared as digests: the time the comparison takes says nothing about the token's characters.
            guard let presented = req.headers.bearerAuthorization?.token,
                  Secrets.digest(presented) == Secrets.digest(token) else {
                throw AppError(.unauthorized, .unauthorized, "the metrics token is required")
            }
        } else if config.metricsOpen {
            // No peer address at all: a request made inside the process (the in-memory tester).
            let peer = req.remoteAddress == nil ? "127.0.0.1" : ClientAddress.canonical(req.remoteAddress?.ipAddress ?? "")
            // A loopback connection carrying a forwarding header came through a proxy on this host.
            let proxied = req.headers.contains(name: .xForwardedFor) || req.headers.contains(name: .forwarded)
            guard peer == "127.0.0.1" || peer == "::1", !proxied else {
                throw AppError(.forbidden, .forbidden, "metrics are served to this server only unless YIWEI_METRICS_TOKEN is set")
            }
        } else {
            throw AppError(.notFound, .notFound, "metrics are off: set YIWEI_METRICS_TOKEN (docs/observability.md)")
        }
        let text = try await req.application.metrics.render(req.application)
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return response
    }
}
