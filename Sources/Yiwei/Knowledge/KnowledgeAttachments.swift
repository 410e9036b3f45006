import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Files and images of a knowledge article (KB-2): screenshots, PDFs of manuals, logs. Stored like ticket
/// attachments (type sniffed from the bytes, 10 MB, a generated path under `<data>/kb-attachments`), read by
/// whoever may read the article — so on the external listener only those of public, published articles.
/// Images are shown in the article with `![说明](/kb/articles/<id>/attachments/<attachmentId>)`.
final class KBAttachment: Model, @unchecked Sendable {
    static let schema = "kb_attachments"
    @ID(key: .id) var id: UUID?
    @Field(key: "article_id") var articleId: UUID
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "stored_path") var storedPath: String
    @Field(key: "uploader_id") var uploaderId: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

enum KnowledgeAttachments {
    static func directory(_ request: Request) -> String { request.yiwei.config.dataDirectory + "/kb-attachments" }

    static func dto(_ a: KBAttachment) -> KBAttachmentDTO {
        KBAttachmentDTO(id: a.id!, articleId: a.articleId, fileName: a.fileName, contentType: a.contentType, size: a.size, sha256: a.sha256,
                        createdAt: a.createdAt, url: "/kb/articles/\(a.articleId)/attachments/\(a.id!)")
    }

    /// Stores `bytes` for the article; the caller has checked that the user may edit it.
    static func store(bytes: [UInt8], fileName: String, article: KBArticle, uploader: UUID, request: Request) async throws -> KBAttachmentDTO {
        guard !bytes.isEmpty else { throw AppError.validation(["file": "is empty"]) }
        guard bytes.count <= AttachmentStore.maxBytes else { throw AppError(.payloadTooLarge, .payloadTooLarge, "attachments may be at most 10 MB") }
        guard let type = AttachmentStore.sniff(bytes) else {
            throw AppError(.unsupportedMediaType, .unsupportedFileType, "allowed: images (PNG, JPEG, GIF, WebP), PDF, ZIP and text")
        }
        let count = try await KBAttachment.query(on: request.db).filter(\.$articleId == article.id!).count()
        guard count < 50 else { throw AppError.validation(["file": "an article has at most 50 attachments"]) }
        let now = request.now
        let id = UUID()
        let (relative, path) = try await AttachmentStore.write(bytes, id: id, under: directory(request), at: now, request: request)
        let a = KBAttachment()
        a.id = id; a.articleId = try article.requireID(); a.fileName = AttachmentStore.displayName(fileName); a.contentType = type; a.size = bytes.count
        a.sha256 = SHA256.hash(data: bytes).hexEncodedString(); a.storedPath = relative; a.uploaderId = uploader; a.createdAt = now
        let saved = UncheckedModel(a), actor = request.auditActor
        do {
            try await request.write { db in
                try await saved.model.create(on: db)
                try await AuditLog.append(on: db, at: now, actor: actor, action: "kb.attachment", entityType: "kb_article",
                                          entityId: saved.model.articleId.uuidString, after: ["attachmentId": id.uuidString, "sha256": saved.model.sha256])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return dto(a)
    }

    static func upload(_ articleId: UUID?, request: Request) async throws -> KBAttachmentDTO {
        try request.requireMultipart()
        let (article, access) = try await request.readableArticle(articleId)
        guard access.mayEdit(article), let userId = access.userId else { throw AppError.refused("kb_article_maintainer") }
        let upload = try request.uploadedFile()
        return try await store(bytes: upload.bytes, fileName: upload.fileName, article: article, uploader: userId, request: request)
    }

    static func list(_ articleId: UUID?, request: Request) async throws -> [KBAttachmentDTO] {
        let (article, _) = try await request.readableArticle(articleId)
        return try await KBAttachment.query(on: request.db).filter(\.$articleId == article.id!).sort(\.$createdAt).all().map(dto)
    }

    static func download(_ articleId: UUID?, _ id: UUID?, request: Request) async throws -> Response {
        let (article, _) = try await request.readableArticle(articleId)
        guard let id, let a = try await KBAttachment.find(id, on: request.db), a.articleId == article.id else { throw AppError.notFound("attachment") }
        guard let data = try await AttachmentStore.read(directory(request) + "/" + a.storedPath, request: request) else { throw AppError.notFound("attachment") }
        try await request.auditRead("kb.attachment.download", entityType: "kb_attachment", entityId: id.uuidString,
                                    details: ["articleId": try article.requireID().uuidString, "fileName": a.fileName])
        return AttachmentStore.serve(data, contentType: a.contentType, fileName: a.fileName)
    }
}
