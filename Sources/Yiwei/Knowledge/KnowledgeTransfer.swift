import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore
import YiweiText
import ZIPFoundation

/// Export and import of the whole knowledge base as a ZIP of Markdown files (KB-6; seed 000 §7.2: the base
/// is handed over at the end of a contract).
///
/// Layout: `manifest.json`; `articles/<id>.md` — front matter between `---` lines, one `key: <JSON value>`
/// per line (valid YAML as well), then the Markdown body; `attachments/<articleId>/<attachmentId>/<name>`.
/// Importing the export of a base gives the same base back (round trip): articles are matched by id — a
/// changed one gets a new version, an unchanged one is left alone, a new one is created with its id;
/// categories by their path of names; owners by user name. All or nothing.
enum KnowledgeTransfer {
    static let frontMatterKeys = ["id", "title", "category", "tags", "visibility", "status", "owner", "businessSystem", "version",
                                  "reviewDueAt", "createdAt", "updatedAt", "attachments"]

    struct FrontMatter: Codable, Equatable {
        var id: UUID?
        var title: String
        var category: [String]?
        var tags: [String]?
        var visibility: String?
        var status: String?
        var owner: String?
        var businessSystem: String?
        var version: Int?
        var reviewDueAt: Date?
        var createdAt: Date?
        var updatedAt: Date?
        var attachments: [String]?
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// `---` / `key: value` lines / `---` / body.
    static func render(_ fm: FrontMatter, body: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: encoder.encode(fm)) as? [String: Any] ?? [:]
        var lines = ["---"]
        for key in frontMatterKeys {
            guard let value = object[key], !(value is NSNull) else { continue }
            let data = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])
            lines.append("\(key): " + String(decoding: data, as: UTF8.self))
        }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n" + body
    }

    /// The front matter and body of a Markdown file; nil front matter when the file has none.
    static func parse(_ text: String) throws -> (FrontMatter?, String) {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        guard normalized.hasPrefix("---\n") else { return (nil, normalized) }
        let rest = normalized.dropFirst(4)
        guard let end = rest.range(of: "\n---\n") ?? (rest.hasSuffix("\n---") ? rest.range(of: "\n---", options: .backwards) : nil) else {
            return (nil, normalized)
        }
        var object: [String: Any] = [:]
        for line in rest[..<end.lowerBound].split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let raw = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            // JSON values; a bare word (YAML style) is taken as a string.
            object[key] = (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: [.fragmentsAllowed])) ?? raw
        }
        let fm = try decoder.decode(FrontMatter.self, from: JSONSerialization.data(withJSONObject: object))
        return (fm, String(rest[end.upperBound...]))
    }

    // MARK: - Export

    /// Writes the whole base to a ZIP file at `path`; returns the number of articles.
    /// `raw`: titles and bodies as written; otherwise patient data in them is replaced (docs/deidentification.md).
    static func export(to path: String, raw: Bool, request: Request) async throws -> Int {
        let clean = ExportText.cleaner(raw: raw)
        let db = request.db
        // Compressing (and reading attachments) runs on the thread pool, not on the event loop serving connections.
        final class Zip: @unchecked Sendable { // used by one task, one step at a time
            let archive: Archive
            init(_ archive: Archive) { self.archive = archive }
            func add(_ name: String, _ data: Data) throws {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        }
        let zip = Zip(try Archive(url: URL(fileURLWithPath: path), accessMode: .create))
        let pool = request.application.threadPool
        func add(_ name: String, _ data: Data) async throws {
            try await pool.runIfActive { try zip.add(name, data) }
        }
        /// An attachment into the archive; false when its file is missing.
        func addFile(_ name: String, from file: String) async throws -> Bool {
            try await pool.runIfActive {
                guard let data = FileManager.default.contents(atPath: file) else { return false }
                try zip.add(name, data)
                return true
            }
        }
        let categories = try await KBCategory.query(on: db).all()
        let byId = Dictionary(uniqueKeysWithValues: categories.map { ($0.id!, $0) })
        func pathOf(_ id: UUID?) -> [String]? {
            guard var current = id.flatMap({ byId[$0] }) else { return nil }
            var names = [current.name]
            while let parent = current.parentId.flatMap({ byId[$0] }), names.count < 20 { names.insert(parent.name, at: 0); current = parent }
            return names
        }
        let users = Dictionary(uniqueKeysWithValues: try await User.query(on: db).all().map { ($0.id!, $0.username) })
        let systems = Dictionary(uniqueKeysWithValues: try await BusinessSystem.query(on: db).all().map { ($0.id!, $0.name) })
        var count = 0
        var offset = 0
        while true {
            let page = try await KBArticle.query(on: db).sort(\.$createdAt).sort(\.$id).range(offset..<(offset + 500)).all()
            if page.isEmpty { break }
            let ids = page.compactMap(\.id)
            let files = try await KBAttachment.query(on: db).filter(\.$articleId ~~ ids).sort(\.$createdAt).all()
            for a in page {
                let own = files.filter { $0.articleId == a.id }
                var names: [String] = []
                for f in own {
                    let name = "attachments/\(try a.requireID())/\(try f.requireID())/\(f.fileName)"
                    guard try await addFile(name, from: KnowledgeAttachments.directory(request) + "/" + f.storedPath) else { continue }
                    names.append(name)
                }
                let fm = FrontMatter(id: a.id, title: clean(a.title), category: pathOf(a.categoryId), tags: a.tagList, visibility: a.visibility, status: a.status,
                                     owner: users[a.ownerId], businessSystem: a.businessSystemId.flatMap { systems[$0] }, version: a.version,
                                     reviewDueAt: a.reviewDueAt, createdAt: a.createdAt, updatedAt: a.updatedAt, attachments: names.isEmpty ? nil : names)
                try await add("articles/\(try a.requireID()).md", Data(try render(fm, body: clean(a.body)).utf8))
                count += 1
            }
            offset += page.count
        }
        let manifest: [String: String] = ["format": "yiwei-kb/1", "exportedAt": ISO8601DateFormatter().string(from: request.now), "articles": String(count),
                                          "deidentified": String(!raw)]
        try await add("manifest.json", try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .prettyPrinted]))
        return count
    }

    // MARK: - Import

    struct ImportResult: Content, Equatable {
        var created: Int
        var updated: Int
        var unchanged: Int
        var attachments: Int
    }

    struct Pending {
        var fm: FrontMatter
        var body: String
        var file: String
    }

    static let maxBytes = 200 * 1024 * 1024

    /// The archive's Markdown articles (front matter read, a title found) and its attachments' bytes.
    static func unpack(_ data: Data) throws -> ([Pending], [String: Data]) {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read, pathEncoding: nil) } catch {
            throw AppError.validation(["file": "not a ZIP archive"])
        }
        var collected: [Pending] = []
        var files: [String: Data] = [:]
        var total = 0
        for entry in archive where entry.type == .file {
            total += Int(entry.uncompressedSize)
            guard total <= maxBytes else { throw AppError(.payloadTooLarge, .payloadTooLarge, "the archive unpacks to more than 200 MB") }
            let path = entry.path
            if path.hasPrefix("__MACOSX/") { continue }
            var content = Data()
            _ = try archive.extract(entry, skipCRC32: false) { content.append($0) }
            if path.hasSuffix(".md") {
                guard let text = String(data: content, encoding: .utf8) else {
                    throw AppError.validation(["file": "\(path): not UTF-8 text"])
                }
                let parsed: (FrontMatter?, String)
                do { parsed = try parse(text) } catch { throw AppError.validation(["file": "\(path): unreadable front matter"]) }
                // A plain Markdown file without front matter: its first heading (or file name) is the title.
                var fm = parsed.0 ?? FrontMatter(title: "")
                var body = parsed.1
                if fm.title.isEmpty {
                    let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
                    if let first = lines.first, first.hasPrefix("# ") {
                        fm.title = String(first.dropFirst(2)).trimmingCharacters(in: .whitespaces)
                        body = lines.dropFirst().joined(separator: "\n").trimmingCharacters(in: .newlines)
                    } else {
                        fm.title = String((path.split(separator: "/").last ?? "").dropLast(3))
                    }
                }
                collected.append(Pending(fm: fm, body: body, file: path))
            } else if path.hasPrefix("attachments/") {
                files[path] = content
            }
        }
        return (collected, files)
    }

    static func importZip(_ data: Data, request: Request) async throws -> ImportResult {
        let access = try await KBAccess.of(request)
        guard access.isReviewer, let importer = access.userId else { throw AppError.denied(.reviewKnowledge) }
        // Unpacking (up to 200 MB) runs on the thread pool, not on the event loop serving connections.
        let (collected, files) = try await request.application.threadPool.runIfActive { try unpack(data) }
        let articles = collected, blobs = files
        guard !articles.isEmpty else { throw AppError.validation(["file": "no Markdown articles in the archive"]) }

        // Check everything before writing anything.
        var problems: [String: String] = [:]
        for p in articles {
            var v = Validator()
            _ = v.text("title", p.fm.title, max: 120)
            if p.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { v.add("body", "required") }
            if p.body.utf8.count > 200_000 { v.add("body", "at most 200,000 bytes") }
            if let visibility = p.fm.visibility, KBVisibility(rawValue: visibility) == nil { v.add("visibility", "must be one of public, internal, restricted") }
            if let status = p.fm.status, KBStatus(rawValue: status) == nil { v.add("status", "must be one of draft, review, published, archived") }
            _ = KnowledgeService.cleanTags(p.fm.tags, &v)
            for name in p.fm.attachments ?? [] where blobs[name] == nil { v.add("attachments", "\(name) is not in the archive") }
            if let first = v.fields.first { problems[p.file] = "\(first.key): \(first.value)" }
        }
        if let first = problems.sorted(by: { $0.key < $1.key }).first {
            throw AppError.validation(["file": "\(first.key): \(first.value)"], message: "\(problems.count) article(s) cannot be imported; nothing was imported")
        }

        let users = Dictionary(try await User.query(on: request.db).all().map { ($0.username, $0.id!) }, uniquingKeysWith: { a, _ in a })
        let systems = Dictionary(try await BusinessSystem.query(on: request.db).all().map { ($0.name, $0.id!) }, uniquingKeysWith: { a, _ in a })
        let now = request.now, actor = request.auditActor
        let directory = KnowledgeAttachments.directory(request)
        final class Written: @unchecked Sendable { var paths: [String] = [] } // one task at a time
        let written = Written()
        do {
            let result = try await request.write { db -> ImportResult in
                var result = ImportResult(created: 0, updated: 0, unchanged: 0, attachments: 0)
                var categories = try await KBCategory.query(on: db).all()
                func category(_ path: [String]?) async throws -> UUID? {
                    guard let path, !path.isEmpty else { return nil }
                    var parent: UUID? = nil
                    for name in path.prefix(10) {
                        let clean = String(name.prefix(50))
                        if let found = categories.first(where: { $0.name == clean && $0.parentId == parent }) { parent = found.id; continue }
                        let c = KBCategory()
                        c.name = clean; c.kind = "problem"; c.parentId = parent; c.sortOrder = 0; c.createdAt = now
                        try await c.create(on: db)
                        categories.append(c)
                        parent = c.id
                    }
                    return parent
                }
                for p in articles {
                    var v = Validator()
                    let tags = KBArticle.encodeTags(KnowledgeService.cleanTags(p.fm.tags, &v))
                    let categoryId = try await category(p.fm.category)
                    let owner = p.fm.owner.flatMap { users[$0] } ?? importer
                    var existing: KBArticle?
                    if let id = p.fm.id { existing = try await KBArticle.find(id, on: db) }
                    let a = existing ?? KBArticle()
                    let changed = existing == nil || a.title != p.fm.title || a.body != p.body || a.tags != tags
                    if existing == nil {
                        a.id = p.fm.id ?? UUID(); a.ownerId = owner; a.version = 1; a.views = 0; a.helpful = 0; a.notHelpful = 0; a.solved = 0
                        a.createdAt = p.fm.createdAt ?? now
                    } else if changed {
                        a.version += 1
                    }
                    a.title = p.fm.title; a.body = p.body; a.plain = Markdown.plainText(p.body); a.tags = tags
                    a.categoryId = categoryId ?? a.categoryId
                    a.businessSystemId = p.fm.businessSystem.flatMap { systems[$0] } ?? a.businessSystemId
                    a.visibility = p.fm.visibility ?? (existing == nil ? KBVisibility.internal.rawValue : a.visibility)
                    a.status = p.fm.status ?? (existing == nil ? KBStatus.draft.rawValue : a.status)
                    if a.visibility == KBVisibility.restricted.rawValue && a.teamId == nil && a.departmentId == nil { a.visibility = KBVisibility.internal.rawValue }
                    if a.status == KBStatus.published.rawValue {
                        a.publishedAt = a.publishedAt ?? now
                        a.reviewDueAt = p.fm.reviewDueAt ?? a.reviewDueAt ?? now.addingTimeInterval(KnowledgeService.reviewInterval)
                    }
                    a.updatedAt = changed ? now : a.updatedAt
                    if existing == nil {
                        try await a.create(on: db); result.created += 1
                    } else if changed {
                        try await a.update(on: db); result.updated += 1
                    } else {
                        try await a.update(on: db); result.unchanged += 1
                    }
                    if changed {
                        try await KnowledgeService.version(a, editor: importer, note: "导入", at: now).create(on: db)
                        try await KnowledgeSearch.index(a, on: db)
                    }
                    for name in p.fm.attachments ?? [] {
                        guard let bytes = blobs[name] else { continue }
                        let parts = name.split(separator: "/")
                        let attachmentId = parts.count >= 4 ? UUID(uuidString: String(parts[2])) : nil
                        if let attachmentId, try await KBAttachment.find(attachmentId, on: db) != nil { continue }
                        guard let type = AttachmentStore.sniff(Array(bytes)), bytes.count <= AttachmentStore.maxBytes else { continue }
                        let f = KBAttachment()
                        f.id = attachmentId ?? UUID(); f.articleId = try a.requireID(); f.fileName = AttachmentStore.displayName(String(parts.last ?? "附件"))
                        f.contentType = type; f.size = bytes.count; f.sha256 = SHA256.hash(data: bytes).hexEncodedString()
                        f.storedPath = "import/" + f.id!.uuidString.lowercased(); f.uploaderId = importer; f.createdAt = now
                        try FileManager.default.createDirectory(atPath: directory + "/import", withIntermediateDirectories: true)
                        let path = directory + "/" + f.storedPath
                        try await request.application.threadPool.runIfActive { try bytes.write(to: URL(fileURLWithPath: path)) }
                        written.paths.append(path)
                        try await f.create(on: db)
                        result.attachments += 1
                    }
                }
                try await AuditLog.append(on: db, at: now, actor: actor, action: "kb.import", entityType: "kb",
                                          after: ["created": String(result.created), "updated": String(result.updated), "attachments": String(result.attachments)])
                return result
            }
            return result
        } catch {
            // Nothing was imported: the files written for it go too.
            for path in written.paths { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
    }
}

extension KnowledgeTransfer {
    /// The export as a download; the temporary file is removed once sent.
    static func download(request: Request) async throws -> Response {
        let access = try await KBAccess.of(request)
        guard access.isReviewer else { throw AppError.denied(.reviewKnowledge) }
        let raw = try request.wantsRawExport()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("yiwei-kb-\(UUID().uuidString).zip").path
        let count: Int
        do {
            count = try await export(to: path, raw: raw, request: request)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        let now = request.now
        do {
            try await request.auditRead("kb.export", entityType: "kb", entityId: nil, details: ["articles": String(count), "raw": String(raw)])
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        let formatter = DateFormatter()
        formatter.timeZone = request.yiwei.config.timeZone
        formatter.dateFormat = "yyyyMMdd"
        let day = formatter.string(from: now)
        let response = try await request.fileio.asyncStreamFile(at: path, mediaType: .zip, onCompleted: { _ in
            try? FileManager.default.removeItem(atPath: path)
        })
        response.headers.replaceOrAdd(name: "Content-Disposition", value: "attachment; filename=\"yiwei-kb-\(day).zip\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    static func upload(request: Request) async throws -> ImportResult {
        let bytes = try request.uploadedFile("the ZIP").bytes
        guard !bytes.isEmpty else { throw AppError.validation(["file": "is empty"]) }
        return try await importZip(Data(bytes), request: request)
    }
}
