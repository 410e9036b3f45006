import Foundation
import Vapor

/// MultipartKit (4.7.1) crashes the whole process on a part whose header name holds a byte ≥ 0x80 (its
/// lookup table has 128 entries). Any POST can carry a multipart body, and the CSRF check and every form
/// decode would parse it — so every multipart request is collected here first (within the size the largest
/// upload may have) and refused with 400 when a header name is not ASCII. Found by fuzzing the API.
struct MultipartGuardMiddleware: AsyncMiddleware {
    /// The ZIP import may bring 200 MB; attachments 10 MB; everything else the attachment limit as well.
    static func limit(for path: String) -> Int {
        path.hasSuffix("/kb/import") ? KnowledgeTransfer.maxBytes + 10 * 1_048_576 : AttachmentStore.maxBytes + 1_048_576
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Most requests are not multipart: the cheap check first, the full parse (for the boundary) only for those that are.
        guard request.headers.mediaTypeName?.isMultipart == true, let type = request.headers.contentType, type.type == "multipart" else {
            return try await next.respond(to: request)
        }
        guard let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw AppError.badRequest("the multipart body has no boundary")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(max: Self.limit(for: request.url.path)).get() ?? ByteBuffer()
        } catch let error as Abort where error.status == .payloadTooLarge {
            throw AppError(.payloadTooLarge, .payloadTooLarge, "the request body is too large")
        }
        guard Self.headerNamesAreASCII(Array(body.readableBytesView), boundary: boundary) else {
            throw AppError.badRequest("malformed multipart body: a part's header name is not ASCII")
        }
        return try await next.respond(to: request)
    }

    /// True when every header name of every part (the bytes before ':' on each header line) is ASCII.
    static func headerNamesAreASCII(_ bytes: [UInt8], boundary: String) -> Bool {
        let delimiter = Array(("--" + boundary).utf8)
        func find(_ needle: [UInt8], from start: Int) -> Int? {
            guard !needle.isEmpty, start <= bytes.count - needle.count else { return nil }
            var i = start
            while i <= bytes.count - needle.count {
                if bytes[i] == needle[0] {
                    var j = 1
                    while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
                    if j == needle.count { return i }
                }
                i += 1
            }
            return nil
        }
        var cursor = 0
        while let start = find(delimiter, from: cursor) {
            var p = start + delimiter.count
            if p + 1 < bytes.count && bytes[p] == 0x2D && bytes[p + 1] == 0x2D { return true } // the closing delimiter
            // The rest of the delimiter line, then header lines until the empty line.
            while p < bytes.count && bytes[p] != 0x0A { p += 1 }
            p += 1
            while p < bytes.count && bytes[p] != 0x0D && bytes[p] != 0x0A {
                var q = p
                while q < bytes.count && bytes[q] != 0x3A && bytes[q] != 0x0D && bytes[q] != 0x0A {
                    if bytes[q] >= 0x80 { return false }
                    q += 1
                }
                while q < bytes.count && bytes[q] != 0x0A { q += 1 }
                p = q + 1
            }
            cursor = max(p, start + delimiter.count)
        }
        return true
    }
}
