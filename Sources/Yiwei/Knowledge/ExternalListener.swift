import Foundation
import NIOCore
import Vapor

/// 内外网隔离 (KB-3): a second listener for the hospital's extranet. Everything it answers goes through the
/// same routes, but marked external: only GET requests to the knowledge base's public pages, search and
/// articles (plus static files and /healthz) are served — anything else is 404 — no cookie or token is
/// read, so nobody is signed in, and the knowledge base then shows only published `public` articles.
public enum ExternalListener {
    struct Key: StorageKey { typealias Value = Bool }

    /// Paths the external listener serves (GET/HEAD only).
    static func allowed(_ path: String) -> Bool {
        if path == "/healthz" || path == "/kb" || path.hasPrefix("/static/") { return true }
        for prefix in ["/kb/articles/", "/api/v1/kb/articles/"] where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            // An article, or (page route) one of its attachments; not its versions, diff, feedback or workflow.
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 1 && UUID(uuidString: String(parts[0])) != nil { return true }
            if prefix == "/kb/articles/" && parts.count == 3 && parts[1] == "attachments"
                && UUID(uuidString: String(parts[0])) != nil && UUID(uuidString: String(parts[2])) != nil { return true }
        }
        return path == "/api/v1/kb/search" || path == "/api/v1/kb/suggest"
    }

    /// Marks every request as external before the application's responder sees it.
    struct Responder: Vapor.Responder {
        let base: any Vapor.Responder
        func respond(to request: Request) -> EventLoopFuture<Response> {
            request.storage[Key.self] = true
            return base.respond(to: request)
        }
    }

    /// Starts the external listener on `port` (same host as the internal one); returns "host:port".
    @discardableResult
    public static func start(_ app: Application, port: Int) async throws -> String {
        // The internal server is created first with its own configuration: starting another HTTPServer
        // rewrites the application's stored server configuration, which we put back afterwards.
        let internalServer = app.http.server.shared
        var configuration = internalServer.configuration
        configuration.address = .hostname(configuration.hostname, port: port)
        let server = HTTPServer(application: app, responder: Responder(base: app.responder.current), configuration: configuration,
                                on: app.eventLoopGroup)
        try await server.start(address: nil)
        app.http.server.configuration = internalServer.configuration
        app.storage[ServerKey.self] = ServerBox(server: server)
        app.lifecycle.use(Shutdown())
        let local = server.localAddress
        return "\(local?.ipAddress ?? configuration.hostname):\(local?.port ?? port)"
    }

    struct ServerBox: Sendable { let server: HTTPServer }
    struct ServerKey: StorageKey { typealias Value = ServerBox }

    struct Shutdown: LifecycleHandler {
        func shutdownAsync(_ app: Application) async {
            if let box = app.storage[ServerKey.self] { await box.server.shutdown() }
        }
    }

    /// The port it listens on, for tests.
    public static func port(_ app: Application) -> Int? { app.storage[ServerKey.self]?.server.localAddress?.port }
}

extension Request {
    /// True for requests that came in through the external listener.
    var isExternal: Bool { storage[ExternalListener.Key.self] ?? false }
}

/// First in the chain: on the external listener, anything but the allowed reads is "not found", no
/// credential is looked at, and each client address gets `YIWEI_EXTERNAL_RATE_LIMIT` requests a minute
/// (429 with `Retry-After` beyond) — every search there is logged and every article reading counted, and
/// nobody outside is signed in to be held to account for either.
struct ExternalGuardMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.isExternal else { return try await next.respond(to: request) }
        guard [.GET, .HEAD].contains(request.method), ExternalListener.allowed(request.url.path) else { throw AppError.notFound() }
        // Health checks and the pages' own CSS and scripts touch no database and no statistics.
        let path = request.url.path
        if path != "/healthz" && !path.hasPrefix("/static/"),
           let wait = request.yiwei.externalRequests.admit(request.remoteIP, limit: request.yiwei.config.externalRequestsPerMinute,
                                                           window: 60, now: request.now) {
            throw AppError(.tooManyRequests, .tooManyRequests, "too many requests from this address; try again in \(wait) seconds",
                           retryAfter: wait)
        }
        request.headers.remove(name: .authorization)
        request.headers.remove(name: .cookie)
        return try await next.respond(to: request)
    }
}
