import Fluent
import SQLKit
import Vapor
import YiweiCore

enum Cookies {
    static let session = "yiwei_session"
    static let csrf = "yiwei_csrf"
    static let flash = "yiwei_flash"
    static let locale = "yiwei_locale"

    /// The session cookie for a session's secret (HttpOnly, SameSite=Lax, Secure when configured).
    static func sessionValue(_ secret: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: secret, expires: nil, maxAge: nil, domain: nil, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    /// The session cookie removed (sign-out).
    static var endedSession: HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isHTTPOnly: true, sameSite: .lax)
    }
}

/// Resolves the user of every request from `Authorization: Bearer …` or the session cookie, enforces the
/// idle timeout, and checks the CSRF token on every state-changing browser request.
struct AuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let now = request.now
        // The scraper's bearer is the metrics token, not an account's API token (MetricsController checks it).
        if request.url.path == "/metrics" { return try await next.respond(to: request) }
        if let bearer = request.headers.bearerAuthorization?.token {
            try await authenticate(token: bearer, request: request, now: now)
        } else if let secret = request.cookies[Cookies.session]?.string, !secret.isEmpty {
            try await authenticate(sessionSecret: secret, request: request, now: now)
        }
        try await checkCSRF(request)
        return try await next.respond(to: request)
    }

    // Both checks read the token or session and the user from memory when they were checked a moment ago
    // (`CredentialCache`, `ReferenceCache`): they run on every request.
    private func authenticate(token: String, request: Request, now: Date) async throws {
        guard token.count <= 200 else { throw AppError(.unauthorized, .invalidToken, "the bearer token is unknown, expired or revoked") }
        let digest = Secrets.digest(token), cache = request.yiwei.credentials
        let reference = try await request.reference()
        let generation = request.yiwei.reference.generation
        var entry = cache.token(digest, generation: generation, now: now)
        if entry == nil, let stored = try await APIToken.query(on: request.db).filter(\.$tokenHash == digest).first() {
            entry = .init(id: try stored.requireID(), userId: stored.userId, expiresAt: stored.expiresAt, revoked: stored.revokedAt != nil, lastUsedAt: stored.lastUsedAt)
            cache.store(digest, token: entry!, generation: generation, at: now)
        }
        guard var found = entry, !found.revoked, found.expiresAt > now,
              let user = reference.users[found.userId], user.isActive else {
            throw AppError(.unauthorized, .invalidToken, "the bearer token is unknown, expired or revoked")
        }
        request.auth.login(CurrentUser(user, via: .token))
        if found.lastUsedAt.map({ now.timeIntervalSince($0) > 300 }) ?? true {
            try await request.db.sql.update(APIToken.schema).set("last_used_at", to: now)
                .where("id", .equal, found.id).run()
            found.lastUsedAt = now
            cache.store(digest, token: found, generation: generation, at: now)
        }
    }

    private func authenticate(sessionSecret: String, request: Request, now: Date) async throws {
        guard sessionSecret.count <= 200 else { return }
        let digest = Secrets.digest(sessionSecret), cache = request.yiwei.credentials
        let reference = try await request.reference()
        let generation = request.yiwei.reference.generation
        var entry = cache.session(digest, generation: generation, now: now)
        if entry == nil, let stored = try await WebSession.query(on: request.db).filter(\.$secretHash == digest).first() {
            entry = .init(id: try stored.requireID(), userId: stored.userId, csrfToken: stored.csrfToken, lastSeenAt: stored.lastSeenAt)
            cache.store(digest, session: entry!, generation: generation, at: now)
        }
        guard var session = entry else { return }
        let sql = request.db.sql
        let idle = Double((reference.security ?? request.yiwei.config.security).idleTimeoutMinutes) * 60
        if now.timeIntervalSince(session.lastSeenAt) > idle {
            cache.forget(session: digest)
            try await sql.delete(from: WebSession.schema).where("id", .equal, session.id).run()
            request.storage[SessionExpiredKey.self] = true
            return
        }
        guard let user = reference.users[session.userId], user.isActive else {
            cache.forget(session: digest)
            try await sql.delete(from: WebSession.schema).where("id", .equal, session.id).run()
            return
        }
        request.auth.login(CurrentUser(user, via: .session, sessionId: session.id, csrfToken: session.csrfToken))
        // Refresh the idle timer at most once a minute: one write per page view would be wasteful.
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            try await sql.update(WebSession.schema).set("last_seen_at", to: now).where("id", .equal, session.id).run()
            session.lastSeenAt = now
            cache.store(digest, session: session, generation: generation, at: now)
        }
    }

    private func checkCSRF(_ request: Request) async throws {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method) else { return }
        let contentType = request.headers.mediaTypeName
        let isMultipart = contentType?.isMultipart == true
        let isForm = contentType?.isURLEncodedForm == true || isMultipart
        let expected: String?
        if let user = request.currentUser {
            guard user.via == .session else { return }
            expected = user.csrfToken
        } else if isForm {
            expected = request.cookies[Cookies.csrf]?.string
        } else {
            return
        }
        var presented = request.headers.first(name: "X-CSRF-Token")
        if presented == nil && isForm {
            // Multipart forms carry attachments, which may be larger than ordinary bodies.
            let limit = isMultipart ? max(request.yiwei.config.maxBodyBytes, AttachmentStore.maxBytes + 65_536)
                                                         : request.yiwei.config.maxBodyBytes
            _ = try await request.body.collect(max: limit).get()
            presented = try? request.content.get(String.self, at: "_csrf")
        }
        guard let expected, !expected.isEmpty, let presented, constantTimeEquals(presented, expected) else {
            throw AppError(.forbidden, .csrfFailed, "the form has expired or did not come from this site; reload the page and try again")
        }
    }

    private func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

struct SessionExpiredKey: StorageKey { typealias Value = Bool }
