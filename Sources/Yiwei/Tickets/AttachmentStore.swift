import Crypto
import Fluent
import SQLKit
import Foundation
import Vapor

/// Attachments: screenshots, photos, logs, PDFs. The type is decided by the file's first bytes, never by its
/// name or the browser's claim; files live under `<data>/attachments/yyyy/MM/<uuid>` (outside anything
/// served statically) and only the ticket's viewers can download them.
enum AttachmentStore {
    static let maxBytes = 10 * 1024 * 1024

    struct Upload: Content {
        var file: File
        var `internal`: Bool?
    }

    /// The types Yiwei accepts, recognised by their signatures.
    static func sniff(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)) && bytes.count >= 12 && Array(bytes[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "application/zip" }
        // Logs and text: valid UTF-8 (a BOM is fine) without NUL bytes.
        if !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil { return "text/plain; charset=utf-8" }
        return nil
    }

    /// The uploader's file name, for display only: no path, no control characters, at most 120 characters.
    static func displayName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.properties.generalCategory != .control && $0 != "\"" }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "附件" : String(clean.suffix(120))
    }

    static func directory(_ request: Request) -> String { request.yiwei.config.dataDirectory + "/attachments" }

    static func upload(_ id: UUID?, request: Request) async throws -> AttachmentDTO {
        try request.requireMultipart()
        let upload: Upload
        do { upload = try request.content.decode(Upload.self) } catch {
            throw AppError.validation(["file": "required"], message: "no file in the field \"file\"")
        }
        return try await store(upload.file, internal: upload.internal ?? false, ticketId: id, request: request)
    }

    static func store(_ file: File, internal isInternal: Bool, ticketId id: UUID?, request: Request) async throws -> AttachmentDTO {
        let (ticket, _, user) = try await request.visibleTicket(id)
        guard user.can(.reportTickets) || user.worksTickets else { throw AppError.denied(.reportTickets) }
        if isInternal && !user.worksTickets { throw AppError.validation(["internal": "only staff may add internal attachments"]) }
        var buffer = file.data
        let size = buffer.readableBytes
        guard size > 0 else { throw AppError.validation(["file": "is empty"]) }
        guard size <= maxBytes else { throw AppError(.payloadTooLarge, .payloadTooLarge, "attachments may be at most 10 MB") }
        let bytes = buffer.readBytes(length: size) ?? []
        guard let type = sniff(bytes) else {
            throw AppError(.unsupportedMediaType, .unsupportedFileType, "allowed: images (PNG, JPEG, GIF, WebP), PDF, ZIP and text logs")
        }
        let now = request.now
        let attachmentId = UUID()
        let (relative, path) = try await write(bytes, id: attachmentId, under: directory(request), at: now, request: request)
        let attachment = TicketAttachment()
        attachment.id = attachmentId
        attachment.ticketId = try ticket.requireID()
        attachment.uploaderId = user.id
        attachment.fileName = displayName(file.filename)
        attachment.contentType = type
        attachment.size = size
        attachment.sha256 = SHA256.hash(data: bytes).hexEncodedString()
        attachment.storedPath = relative
        attachment.isInternal = isInternal
        attachment.createdAt = now
        let saved = UncheckedModel(attachment), source = UncheckedModel(ticket), actor = request.auditActor
        do {
            try await request.write(affectsReference: false) { db in
                try await saved.model.create(on: db)
                try await TicketService.appendEvent(source.model, "attachment", ["attachmentId": attachmentId.uuidString, "fileName": saved.model.fileName,
                                                                                 "size": String(size)],
                                                    actor: user.id, at: now, internal: isInternal, on: db)
                try await AuditLog.append(on: db, at: now, actor: actor, action: "ticket.attachment", entityType: "ticket",
                                          entityId: source.model.id?.uuidString, after: ["attachmentId": attachmentId.uuidString, "sha256": saved.model.sha256])
            }
        } catch {
            // The row did not commit: the file must not stay behind.
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return dto(attachment)
    }

    /// Writes an uploaded file under `<root>/yyyy/MM/<id>` (a generated name; the uploader's name never
    /// reaches the disk). Returns the path relative to `root`, to store, and the full path, to remove if
    /// the row does not commit.
    static func write(_ bytes: [UInt8], id: UUID, under root: String, at now: Date, request: Request) async throws -> (relative: String, path: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month], from: now)
        let folder = String(format: "%04d/%02d", c.year!, c.month!)
        try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        let relative = folder + "/" + id.uuidString.lowercased()
        let path = root + "/" + relative
        try await request.fileio.writeFile(ByteBuffer(bytes: bytes), at: path)
        return (relative, path)
    }

    static func dto(_ a: TicketAttachment) -> AttachmentDTO {
        AttachmentDTO(id: a.id!, ticketId: a.ticketId, fileName: a.fileName, contentType: a.contentType, size: a.size, sha256: a.sha256,
                      internal: a.isInternal, uploaderId: a.uploaderId, createdAt: a.createdAt)
    }

    static func list(_ ticket: Ticket, user: CurrentUser, on db: any Database) async throws -> [AttachmentDTO] {
        // Plain rows: the ticket page lists the attachments on every visit.
        let onlyPublic: SQLQueryString = user.seesInternal ? "" : " AND \"internal\" = \(bind: false)"
        return try await db.sql.raw("""
            SELECT id, uploader_id, file_name, content_type, size, sha256, "internal", created_at FROM ticket_attachments
            WHERE ticket_id = \(bind: try ticket.requireID())\(onlyPublic) ORDER BY created_at
            """).all().map { row in
                AttachmentDTO(id: try row.decode(column: "id", as: UUID.self), ticketId: try ticket.requireID(), fileName: try row.decode(column: "file_name", as: String.self),
                              contentType: try row.decode(column: "content_type", as: String.self), size: try row.decode(column: "size", as: Int.self),
                              sha256: try row.decode(column: "sha256", as: String.self), internal: try row.decode(column: "internal", as: Bool.self),
                              uploaderId: try row.decode(column: "uploader_id", as: UUID.self), createdAt: try row.decode(column: "created_at", as: Date.self))
            }
    }

    static func download(_ id: UUID?, request: Request) async throws -> Response {
        guard let id, let attachment = try await TicketAttachment.find(id, on: request.db) else { throw AppError.notFound("attachment") }
        let (_, _, user) = try await request.visibleTicket(attachment.ticketId)
        if attachment.isInternal && !user.seesInternal { throw AppError.notFound("attachment") }
        let path = directory(request) + "/" + attachment.storedPath
        guard let data = try await read(path, request: request) else { throw AppError.notFound("attachment") }
        try await request.auditRead("attachment.download", entityType: "ticket_attachment", entityId: id.uuidString,
                                    details: ["ticketId": attachment.ticketId.uuidString, "fileName": attachment.fileName])
        return serve(data, contentType: attachment.contentType, fileName: attachment.fileName)
    }

    /// A stored file's bytes (nil when it is missing), read on the thread pool: tasks run on the event loops that
    /// serve the connections (`TaskThreads`), and a 10 MB read there would hold every connection of that loop.
    static func read(_ path: String, request: Request) async throws -> Data? {
        try await request.application.threadPool.runIfActive { FileManager.default.contents(atPath: path) }
    }

    /// A stored file as a response that a browser cannot turn into a page: the sniffed type, nosniff, a
    /// sandboxing CSP, images inline and everything else as a download, the name in RFC 6266 form.
    static func serve(_ data: Data, contentType: String, fileName: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        let inline = contentType.hasPrefix("image/")
        let ascii = fileName.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" && $0 != ";" }
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? "file"
        response.headers.replaceOrAdd(name: "Content-Disposition",
                                      value: "\(inline ? "inline" : "attachment"); filename=\"\(ascii ? fileName : "attachment")\"; filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: "sandbox; default-src 'none'")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
