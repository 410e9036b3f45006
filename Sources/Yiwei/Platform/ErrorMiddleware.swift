import Vapor
import Leaf

/// Turns every error into the documented JSON shape for API clients, and into the error page (or a
/// redirect to the login page) for browsers. Replaces Vapor's own error middleware, whose JSON shape
/// differs from API.md.
struct YiweiErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let appError = Self.appError(for: error, logger: request.logger)
            if appError.status == .forbidden && appError.code == .forbidden && request.currentUser != nil {
                await Self.auditRefusal(appError, request: request)
            }
            if request.wantsHTML {
                return await htmlResponse(for: appError, request: request)
            }
            return Self.jsonResponse(for: appError)
        }
    }

    /// Every refusal of a signed-in user, of a permission or of a per-record rule, API or page, leaves exactly
    /// one `permission.denied` row naming the method, path and what refused. Written after the refused request's
    /// own transaction has been rolled back, so the refusal is recorded and nothing else.
    static func auditRefusal(_ error: AppError, request: Request) async {
        let actor = request.auditActor, now = request.now, path = request.url.path, method = request.method.rawValue
        let rule = error.refusal ?? "record"
        do {
            try await request.write(affectsReference: false) { db in
                try await AuditLog.append(on: db, at: now, actor: actor, action: "permission.denied", entityType: "route",
                                          entityId: "\(method) \(path)", after: ["permission": rule])
            }
        } catch {
            request.logger.error("refusal not audited: \(String(reflecting: error))")
        }
    }

    static func jsonResponse(for error: AppError) -> Response {
        let body = ErrorBody(error: .init(code: error.code.rawValue, message: error.message, fields: error.fields))
        let response = Response(status: error.status)
        try? response.content.encode(body, as: .json)
        if error.status == .unauthorized {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer")
        }
        error.setRetryAfter(on: response)
        return response
    }

    private func htmlResponse(for error: AppError, request: Request) async -> Response {
        if error.status == .unauthorized {
            let next = request.url.path
            let target = next == "/" ? "/login" : "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_"))) ?? "/")
            return request.redirect(to: target)
        }
        do {
            let context = ErrorPageContext(page: try await PageBase.make(for: request, titleKey: "error_title"),
                                           status: Int(error.status.code),
                                           message: request.locale.text(Self.messageKey(for: error)),
                                           detail: error.message)
            let view = try await request.view.render("error", context)
            let response = try await view.encodeResponse(for: request)
            response.status = error.status
            error.setRetryAfter(on: response)
            return response
        } catch {
            request.logger.error("error page failed: \(String(reflecting: error))")
            let response = Response(status: .internalServerError, body: .init(string: "500 内部错误 / internal error"))
            response.headers.contentType = .plainText
            return response
        }
    }

    private static func messageKey(for error: AppError) -> String {
        switch error.status {
        case .notFound: "error_not_found"
        case .forbidden: "error_forbidden"
        case .conflict: "error_conflict"
        case .payloadTooLarge: "error_too_large"
        case .tooManyRequests: "error_too_many_requests"
        case .badRequest, .unprocessableEntity: "error_bad_input"
        default: "error_internal"
        }
    }

    static func appError(for error: any Error, logger: Logger) -> AppError {
        switch error {
        case let error as AppError:
            return error
        case let error as DecodingError:
            return decodingError(error)
        case let error as any AbortError:
            let code: ErrorCode
            switch error.status {
            case .badRequest: code = .badRequest
            case .unauthorized: code = .unauthorized
            case .forbidden: code = .forbidden
            case .notFound: code = .notFound
            case .methodNotAllowed: code = .methodNotAllowed
            case .payloadTooLarge: code = .payloadTooLarge
            case .unsupportedMediaType: code = .unsupportedMediaType
            case .unprocessableEntity: code = .validationFailed
            case .tooManyRequests: code = .tooManyRequests
            default: code = error.status.code >= 500 ? .internalError : .error
            }
            if error.status.code >= 500 {
                logger.error("server error: \(String(reflecting: error))")
                return AppError(error.status, code, "internal error")
            }
            let message = error.status == .payloadTooLarge ? "request body is too large" : error.reason
            return AppError(error.status, code, message)
        default:
            logger.error("unexpected error: \(String(reflecting: error))")
            return AppError(.internalServerError, .internalError, "internal error")
        }
    }

    /// Wrong JSON syntax → 400 `invalid_json`; a missing or mistyped field → 422 naming the field.
    private static func decodingError(_ error: DecodingError) -> AppError {
        func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (key.map { [$0] } ?? [])
            let joined = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "body" : joined.replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case let .keyNotFound(key, context):
            return .validation([path(context.codingPath, key): "required"])
        case let .typeMismatch(type, context):
            return .validation([path(context.codingPath): "must be \(jsonTypeName(type))"])
        case let .valueNotFound(type, context):
            return .validation([path(context.codingPath): "must be \(jsonTypeName(type)), not null"])
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                return AppError(.badRequest, .invalidJson, "the request body is not valid JSON")
            }
            return .validation([path(context.codingPath): "has an invalid value"])
        @unknown default:
            return AppError(.badRequest, .invalidJson, "the request body could not be read")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is [String].Type: "an array of strings"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

extension AppError {
    func setRetryAfter(on response: Response) {
        if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
    }
}

extension Request {
    /// Browser page requests get HTML errors; everything under /api (and clients asking for JSON) gets JSON.
    var wantsHTML: Bool {
        let path = url.path
        if path.hasPrefix("/api/") || path == "/api" || path == "/healthz" || path == "/openapi.json" || path == "/metrics" { return false }
        if path.hasPrefix("/static/") { return false }
        let accept = headers.first(name: .accept) ?? ""
        return accept.contains("text/html") || accept.isEmpty && method == .GET
    }
}
