import Foundation
import Logging
import Prometheus
import SQLKit
import Vapor

// MARK: Structured logs

/// One JSON object per line on standard output: `ts`, `level`, `logger`, `msg`, `request_id` (Vapor puts the
/// request's id in each request logger's metadata) and any other metadata — what a log collector ingests.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    private static let lock = NSLock()

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level, message = event.message, file = event.file, line = event.line
        var fields: [String: String] = [:]
        if let error = event.error { fields["error"] = String(reflecting: error) }
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key == "request-id" ? "request_id" : key] = "\(value)"
        }
        fields["ts"] = Self.timestamp(Date())
        fields["level"] = level.rawValue
        fields["logger"] = label
        fields["msg"] = message.description
        if level >= .error { fields["source"] = "\(file.split(separator: "/").last ?? ""):\(line)" }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        Self.lock.lock()
        FileHandle.standardOutput.write(data + Data("\n".utf8))
        Self.lock.unlock()
    }

    static func timestamp(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let millis = Int(date.timeIntervalSince1970 * 1000) % 1000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }
}

// MARK: Metrics

/// The process's Prometheus registry: request counts and latencies by route (recorded by
/// `MetricsMiddleware`), and figures read from the database when `/metrics` is scraped.
public final class YiweiMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [.milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                      .microseconds(2_500_000), .seconds(5), .seconds(10)]
    let started = Date()

    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "yiwei", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests by method, route and status") }
    static var latency: MetricNameDescriptor { MetricNameDescriptor(namespace: "yiwei", metricName: "http_request_duration", unitName: "seconds",
                                              helpText: "HTTP request latency by method and route") }

    func record(method: String, route: String, status: UInt, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("method", method), ("route", route)], buckets: Self.buckets)
            .record(duration)
    }

    static var loginFailures: MetricNameDescriptor { MetricNameDescriptor(namespace: "yiwei", metricName: "login_failures", unitName: "total",
                                                    helpText: "Refused sign-ins by reason (unknown_user, wrong_password, locked, disabled, throttled)") }

    /// Counts a refused sign-in: the only record of most unknown-username failures and of throttled attempts.
    func loginFailed(reason: String) {
        registry.makeCounter(descriptor: Self.loginFailures, labels: [("reason", reason)]).increment()
    }

    func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "yiwei", metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// Reads the current figures (open tickets, breaches, outbox, database round trip, memory) and renders everything.
    func render(_ app: Application) async throws -> String {
        let sql = app.db.sql
        let ping = ContinuousClock().measure { }
        let t0 = ContinuousClock.now
        _ = try await sql.raw("SELECT 1 AS one").first()
        let roundTrip = ContinuousClock.now - t0 - ping
        gauge("database_round_trip_seconds", "One trivial query through the connection pool, measured at this scrape")
            .set(Double(roundTrip.components.attoseconds) / 1e18 + Double(roundTrip.components.seconds))
        var open: [String: Int] = ["P1": 0, "P2": 0, "P3": 0, "P4": 0]
        for row in try await sql.raw("""
            SELECT priority, count(*) AS n FROM tickets WHERE status IN ('new', 'accepted', 'in_progress', 'pending') GROUP BY priority
            """).all() {
            open[try row.decode(column: "priority", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        for (priority, n) in open { gauge("open_tickets", "Open tickets (new, accepted, in progress, pending) by priority", [("priority", priority)]).set(Double(n)) }
        let breaches = try await sql.raw("""
            SELECT sum(CASE WHEN response_breached THEN 1 ELSE 0 END) AS response, sum(CASE WHEN resolve_breached THEN 1 ELSE 0 END) AS resolve
            FROM tickets WHERE status IN ('new', 'accepted', 'in_progress', 'pending')
            """).first()
        gauge("open_tickets_sla_breached", "Open tickets whose response or resolution target is already missed", [("clock", "response")])
            .set(Double(try breaches?.decode(column: "response", as: Int?.self) ?? 0))
        gauge("open_tickets_sla_breached", "Open tickets whose response or resolution target is already missed", [("clock", "resolve")])
            .set(Double(try breaches?.decode(column: "resolve", as: Int?.self) ?? 0))
        var outbox: [String: Int] = ["pending": 0, "dead": 0]
        for row in try await sql.raw("SELECT status, count(*) AS n FROM outbox WHERE status IN ('pending', 'dead') GROUP BY status").all() {
            outbox[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        for (status, n) in outbox { gauge("outbox_messages", "Robot and e-mail messages waiting to be sent (pending) or given up (dead)", [("status", status)]).set(Double(n)) }
        gauge("database_pool_connections", "Database connections allowed per event loop")
            .set(Double(app.yiwei.databaseKind == .sqlite ? DatabasePool.sqliteConnectionsPerLoop : DatabasePool.postgresConnectionsPerLoop))
        gauge("database_pool_event_loops", "Event loops, each with its own connection pool").set(Double(System.coreCount))
        if let rss = Self.residentBytes() { gauge("process_resident_memory_bytes", "Resident memory of the server process").set(Double(rss)) }
        gauge("process_uptime_seconds", "Seconds since the server started").set(Date().timeIntervalSince(started))
        let writes = app.yiwei.writeGate.stats
        gauge("writes", "Writes committed or refused since the start").set(Double(writes.writes))
        gauge("write_transactions", "Transactions those writes took (several wait and commit together)").set(Double(writes.transactions))
        gauge("writes_grouped", "Writes done together with others of their kind (several reports in one statement)").set(Double(writes.grouped))
        return registry.emitToString()
    }

    /// Resident set size from /proc (Linux); nil elsewhere.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = YiweiMetrics }
    public var metrics: YiweiMetrics {
        if let existing = storage[MetricsKey.self] { return existing }
        let created = YiweiMetrics()
        storage[MetricsKey.self] = created
        return created
    }
}

/// Outermost middleware: every response carries `X-Request-Id` (the id in the logs), and its method,
/// route pattern (`/api/v1/tickets/:ticketId`, never the raw path) and status are counted and timed.
struct MetricsMiddleware: AsyncMiddleware {
    let metrics: YiweiMetrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            record(request, status: (error as? any AbortError)?.status.code ?? 500, start: start)
            throw error
        }
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.id)
        record(request, status: response.status.code, start: start)
        return response
    }

    private func record(_ request: Request, status: UInt, start: ContinuousClock.Instant) {
        let route = request.route.map { "/" + $0.path.map { "\($0)" }.joined(separator: "/") } ?? "unmatched"
        let duration = ContinuousClock.now - start
        metrics.record(method: request.method.rawValue, route: route, status: status, duration: duration)
        // The access log (YIWEI_LOG_LEVEL=info): one line per request, with its id from the request's logger.
        request.logger.info("\(request.method.rawValue) \(request.url.path) \(status)", metadata: [
            "status": "\(status)", "route": "\(route)",
            "ms": "\(Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)",
        ])
    }
}
