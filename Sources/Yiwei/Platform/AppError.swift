import Vapor
import YiweiCore

/// The one error type of Yiwei. Every failure a client can cause ends up as one of these and is
/// rendered as `{"error":{"code","message","fields"?}}` (API) or as the error page (browser).
public struct AppError: Error, Sendable {
    public var status: HTTPResponseStatus
    public var code: ErrorCode
    public var message: String
    public var fields: [String: String]?
    /// For a refusal (403 `forbidden`): the permission or per-record rule that refused, written to the audit
    /// log by the error middleware — the one place every refusal is audited. Never sent to the client.
    public var refusal: String?
    /// Seconds to wait before trying again (a 429), sent as `Retry-After`.
    public var retryAfter: Int?

    public init(_ status: HTTPResponseStatus, _ code: ErrorCode, _ message: String, fields: [String: String]? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.retryAfter = retryAfter
    }

    public static func notFound(_ what: String = "resource") -> AppError {
        AppError(.notFound, .notFound, "\(what) not found")
    }
    public static func validation(_ fields: [String: String], message: String = "some fields are invalid") -> AppError {
        AppError(.unprocessableEntity, .validationFailed, message, fields: fields)
    }
    public static func conflict(_ code: ErrorCode, _ message: String, field: String? = nil) -> AppError {
        AppError(.conflict, code, message, fields: field.map { [$0: "already exists"] })
    }
    public static let unauthorized = AppError(.unauthorized, .unauthorized, "authentication required")
    public static let forbidden = AppError(.forbidden, .forbidden, "you do not have permission for this action")
    /// A refusal because the user's roles lack a permission.
    public static func denied(_ permission: Permission, _ message: String? = nil) -> AppError {
        refused(permission.rawValue, message)
    }
    /// A refusal by a per-record rule (ticket scope, article visibility, one's own vendor …), named in the audit row.
    public static func refused(_ rule: String, _ message: String? = nil) -> AppError {
        var error = AppError.forbidden
        if let message { error.message = message }
        error.refusal = rule
        return error
    }
    public static func badRequest(_ message: String, fields: [String: String]? = nil) -> AppError {
        AppError(.badRequest, .badRequest, message, fields: fields)
    }
}

/// The JSON body of every error response.
struct ErrorBody: Content {
    struct Detail: Content {
        var code: String
        var message: String
        var fields: [String: String]?
    }
    var error: Detail
}

extension Request {
    /// API bodies are JSON: anything else is a 415, not a guess at another format.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard headers.mediaTypeName?.isJSON == true else {
            throw AppError(.unsupportedMediaType, .unsupportedMediaType, "send the request body as application/json")
        }
        return try content.decode(T.self)
    }
}

extension Request {
    /// 415 unless the body is multipart/form-data.
    func requireMultipart(_ what: String = "the file") throws {
        guard headers.mediaTypeName?.isMultipart == true else {
            throw AppError(.unsupportedMediaType, .unsupportedMediaType, "send \(what) as multipart/form-data in the field \"file\"")
        }
    }

    /// The file in the multipart field "file", with its bytes: 415 when the body is not multipart, 422 when
    /// there is no such field. `what` names it in the 415 message ("the file", "the ZIP").
    func uploadedFile(_ what: String = "the file") throws -> (bytes: [UInt8], fileName: String) {
        try requireMultipart(what)
        struct Upload: Content { var file: File }
        let upload: Upload
        do { upload = try content.decode(Upload.self) } catch { throw AppError.validation(["file": "required"], message: "no file in the field \"file\"") }
        var buffer = upload.file.data
        return (buffer.readBytes(length: buffer.readableBytes) ?? [], upload.file.filename)
    }
}
