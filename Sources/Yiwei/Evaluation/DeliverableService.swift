import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

enum DeliverableService {
    static func directory(_ config: AppConfig) -> String { config.dataDirectory + "/deliverables" }

    static func fileDTO(_ f: DeliverableFile) -> DeliverableFileDTO {
        DeliverableFileDTO(id: f.id!, fileName: f.fileName, contentType: f.contentType, size: f.size, sha256: f.sha256, uploaderId: f.uploaderId,
                           createdAt: f.createdAt, url: "/evaluation/deliverables/\(f.deliverableId)/files/\(f.id!)")
    }

    static func dtos(_ items: [Deliverable], now: Date, withEvents: Bool = false, on db: any Database) async throws -> [DeliverableDTO] {
        guard !items.isEmpty else { return [] }
        let ids = items.compactMap(\.id)
        let files = Dictionary(grouping: try await DeliverableFile.query(on: db).filter(\.$deliverableId ~~ ids).sort(\.$createdAt).all(), by: \.deliverableId)
        let vendors = Dictionary(uniqueKeysWithValues: try await Vendor.query(on: db).filter(\.$id ~~ Set(items.map(\.vendorId))).all().map { ($0.id!, $0.name) })
        var events: [UUID: [DeliverableEventDTO]] = [:]
        if withEvents {
            let rows = try await DeliverableEvent.query(on: db).filter(\.$deliverableId ~~ ids).sort(\.$at).all()
            let names = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ Set(rows.map(\.actorId))).all().map { ($0.id!, $0.displayName) })
            for e in rows {
                events[e.deliverableId, default: []].append(DeliverableEventDTO(action: e.action, note: e.note, actorId: e.actorId, actor: names[e.actorId] ?? "", at: e.at))
            }
        }
        return try items.map { d in
            DeliverableDTO(id: try d.requireID(), vendorId: d.vendorId, vendor: vendors[d.vendorId] ?? "", type: d.type, title: d.title, period: d.period, dueDate: d.dueDate,
                           status: d.status, firstSubmittedAt: d.firstSubmittedAt, lastSubmittedAt: d.lastSubmittedAt, onTime: d.onTime,
                           overdue: d.firstSubmittedAt == nil && now >= d.dueEndAt, returnedCount: d.returnedCount, returnReason: d.returnReason,
                           acceptedAt: d.acceptedAt, createdAt: d.createdAt, files: (files[try d.requireID()] ?? []).map(fileDTO), events: events[try d.requireID()] ?? [])
        }
    }

    /// The deliverable if `user` may see it: leads and auditors any, a vendor's engineer their vendor's; else 404.
    static func visible(_ id: UUID?, user: CurrentUser, on db: any Database) async throws -> Deliverable {
        guard let id, let d = try await Deliverable.find(id, on: db) else { throw AppError.notFound("deliverable") }
        if user.readsEvaluation { return d }
        guard let vendor = user.deliverableVendor, vendor == d.vendorId else { throw AppError.notFound("deliverable") }
        return d
    }

    struct ListFilter {
        var vendorId: UUID?
        var month: YearMonth?
        var status: DeliverableStatus?
        var type: DeliverableType?
        var overdue = false
    }

    static func list(_ filter: ListFilter, user: CurrentUser, page: PageRequest, now: Date, on db: any Database) async throws -> Page<DeliverableDTO> {
        var query = Deliverable.query(on: db)
        if !user.readsEvaluation {
            guard let vendor = user.deliverableVendor else { throw AppError.denied(.submitDeliverables) }
            query = query.filter(\.$vendorId == vendor)
        }
        if let vendor = filter.vendorId { query = query.filter(\.$vendorId == vendor) }
        if let month = filter.month {
            let days = EvaluationCalendar.days(of: month)
            query = query.filter(\.$dueDate >= days.first!).filter(\.$dueDate <= days.last!)
        }
        if let status = filter.status { query = query.filter(\.$status == status.rawValue) }
        if let type = filter.type { query = query.filter(\.$type == type.rawValue) }
        if filter.overdue { query = query.filter(\.$status == DeliverableStatus.pending.rawValue).filter(\.$dueEndAt <= now) }
        let total = try await query.count()
        let items = try await query.sort(\.$dueDate, .descending).sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Page(items: try await dtos(items, now: now, on: db), page: page.page, per: page.per, total: total)
    }

    static func detail(_ id: UUID?, user: CurrentUser, now: Date, on db: any Database) async throws -> DeliverableDTO {
        let d = try await visible(id, user: user, on: db)
        return try await dtos([d], now: now, withEvents: true, on: db)[0]
    }

    static func event(_ d: UUID, _ action: String, note: String?, actor: UUID, at: Date, on db: any Database) async throws {
        let e = DeliverableEvent()
        e.deliverableId = d; e.action = action; e.note = note; e.actorId = actor; e.at = at
        try await e.create(on: db)
    }

    /// The IT department registers what a vendor owes and by when.
    static func create(_ body: DeliverableCreateBody, by user: CurrentUser, actor: AuditActor, now: Date, timeZone tz: TimeZone, on db: any Database,
                       writer: Application) async throws -> DeliverableDTO {
        guard user.managesEvaluation else { throw AppError.denied(.manageEvaluation) }
        var v = Validator()
        let vendorId = v.uuid("vendorId", body.vendorId, required: true)
        if let vendorId {
            if let vendor = try await Vendor.find(vendorId, on: db) {
                if !vendor.isActive { v.add("vendorId", "the vendor is inactive") }
            } else { v.add("vendorId", "no such vendor") }
        }
        let type = v.oneOf("type", body.type, DeliverableType.self)
        let title = v.text("title", body.title, max: 100)
        let period = v.text("period", body.period, required: false, max: 50)
        var dueEnd: Date?
        if let raw = body.dueDate, !raw.isEmpty {
            dueEnd = EvaluationCalendar.end(of: raw, timeZone: tz)
            if dueEnd == nil { v.add("dueDate", "must be a date like 2026-01-31") }
        } else { v.add("dueDate", "required") }
        try v.check()
        let d = Deliverable()
        d.vendorId = vendorId!; d.type = type!.rawValue; d.title = title!; d.period = period; d.dueDate = body.dueDate!; d.dueEndAt = dueEnd!
        d.status = DeliverableStatus.pending.rawValue; d.returnedCount = 0; d.createdBy = user.id; d.createdAt = now; d.updatedAt = now
        let saved = UncheckedModel(d)
        try await writer.write { db in
            try await saved.model.create(on: db)
            try await event(try saved.model.requireID(), "create", note: nil, actor: user.id, at: now, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "deliverable.create", entityType: "deliverable", entityId: try saved.model.requireID().uuidString,
                                      after: ["vendorId": saved.model.vendorId.uuidString, "type": saved.model.type, "title": saved.model.title,
                                              "dueDate": saved.model.dueDate])
        }
        return try await dtos([d], now: now, withEvents: true, on: db)[0]
    }

    /// The deliverable `user` may add a file to (before the file is read): visible, their vendor's (or a lead's), not accepted.
    static func uploadTarget(_ id: UUID?, by user: CurrentUser, on db: any Database) async throws -> Deliverable {
        let d = try await visible(id, user: user, on: db)
        guard user.managesEvaluation || user.deliverableVendor == d.vendorId else { throw AppError.refused("own_vendor_deliverable") }
        guard d.status != DeliverableStatus.accepted.rawValue else {
            throw AppError(.conflict, .deliverableAccepted, "the deliverable has been accepted; no more files")
        }
        return d
    }

    /// The file's content type, if `d` may take it: not empty, at most 10 MB, a type we keep, at most 50 files a deliverable.
    static func fileType(_ bytes: [UInt8], for d: Deliverable, on db: any Database) async throws -> String {
        guard !bytes.isEmpty else { throw AppError.validation(["file": "is empty"]) }
        guard bytes.count <= AttachmentStore.maxBytes else { throw AppError(.payloadTooLarge, .payloadTooLarge, "files may be at most 10 MB") }
        guard let type = AttachmentStore.sniff(bytes) else {
            throw AppError(.unsupportedMediaType, .unsupportedFileType, "allowed: images (PNG, JPEG, GIF, WebP), PDF, ZIP (incl. Office documents) and text")
        }
        let count = try await DeliverableFile.query(on: db).filter(\.$deliverableId == d.id!).count()
        guard count < 50 else { throw AppError.validation(["file": "a deliverable has at most 50 files"]) }
        return type
    }

    /// A file from the vendor (or the lead on its behalf), already checked (`uploadTarget`, `fileType`) and stored at
    /// `path` (`relative` under `directory`): the first file of a pending or returned deliverable submits it; the first
    /// submission decides on-time, once and for good. If the rows do not commit, the stored file is removed.
    static func addFile(_ bytes: [UInt8], fileName: String, type: String, id fileId: UUID, storedAt relative: String, path: String, to d: Deliverable,
                        by user: CurrentUser, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> DeliverableDTO {
        let f = DeliverableFile()
        f.id = fileId; f.deliverableId = try d.requireID(); f.fileName = AttachmentStore.displayName(fileName); f.contentType = type; f.size = bytes.count
        f.sha256 = SHA256.hash(data: bytes).hexEncodedString(); f.storedPath = relative; f.uploaderId = user.id; f.createdAt = now
        let submits = d.status == DeliverableStatus.pending.rawValue || d.status == DeliverableStatus.returned.rawValue
        if submits {
            if d.firstSubmittedAt == nil { d.firstSubmittedAt = now; d.onTime = now < d.dueEndAt }
            d.lastSubmittedAt = now
            d.status = DeliverableStatus.submitted.rawValue
        }
        d.updatedAt = now
        let savedFile = UncheckedModel(f), saved = UncheckedModel(d)
        do {
            try await writer.write { db in
                try await savedFile.model.create(on: db)
                try await saved.model.update(on: db)
                try await event(try saved.model.requireID(), submits ? "submit" : "file", note: savedFile.model.fileName, actor: user.id, at: now, on: db)
                try await AuditLog.append(on: db, at: now, actor: actor, action: submits ? "deliverable.submit" : "deliverable.file", entityType: "deliverable",
                                          entityId: try saved.model.requireID().uuidString,
                                          after: ["fileId": fileId.uuidString, "sha256": savedFile.model.sha256, "status": saved.model.status,
                                                  "onTime": saved.model.onTime.map { String($0) } ?? ""])
            }
        } catch {
            // The rows did not commit: the file must not stay behind.
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return try await dtos([d], now: now, withEvents: true, on: db)[0]
    }

    static func accept(_ id: UUID?, by user: CurrentUser, actor: AuditActor, now: Date, on db: any Database,
                       writer: Application) async throws -> DeliverableDTO {
        try await review(id, accept: true, reason: nil, by: user, actor: actor, now: now, on: db, writer: writer)
    }

    static func `return`(_ id: UUID?, _ body: DeliverableReturnBody, by user: CurrentUser, actor: AuditActor, now: Date, on db: any Database,
                         writer: Application) async throws -> DeliverableDTO {
        try await review(id, accept: false, reason: body.reason, by: user, actor: actor, now: now, on: db, writer: writer)
    }

    /// 验收 or 退回修改: only a submitted deliverable, only by a lead; a return needs its reason and counts.
    private static func review(_ id: UUID?, accept: Bool, reason: String?, by user: CurrentUser, actor: AuditActor, now: Date, on db: any Database,
                               writer: Application) async throws -> DeliverableDTO {
        let d = try await visible(id, user: user, on: db)
        guard user.managesEvaluation else { throw AppError.denied(.manageEvaluation) }
        var v = Validator()
        let why = accept ? nil : v.text("reason", reason, max: 500)
        try v.check()
        guard d.status == DeliverableStatus.submitted.rawValue else {
            throw AppError(.conflict, .deliverableNotSubmitted, "only a submitted deliverable can be \(accept ? "accepted" : "returned")")
        }
        if accept {
            d.status = DeliverableStatus.accepted.rawValue; d.acceptedAt = now; d.acceptedBy = user.id
        } else {
            d.status = DeliverableStatus.returned.rawValue; d.returnedCount += 1; d.returnReason = why
        }
        d.updatedAt = now
        let saved = UncheckedModel(d)
        try await writer.write { db in
            try await saved.model.update(on: db)
            try await event(try saved.model.requireID(), accept ? "accept" : "return", note: why, actor: user.id, at: now, on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: accept ? "deliverable.accept" : "deliverable.return", entityType: "deliverable",
                                      entityId: try saved.model.requireID().uuidString,
                                      after: ["status": saved.model.status, "returnedCount": String(saved.model.returnedCount), "reason": why ?? ""])
        }
        return try await dtos([d], now: now, withEvents: true, on: db)[0]
    }

    /// 按月生成: the weekly reports due every Monday of the month and the monthly report due on the 5th, for one
    /// vendor — skipping any that are already registered (same type and due date).
    static func generate(vendorId: UUID?, month: YearMonth?, by user: CurrentUser, actor: AuditActor, now: Date, timeZone tz: TimeZone,
                         on db: any Database, writer: Application) async throws -> Int {
        guard user.managesEvaluation else { throw AppError.denied(.manageEvaluation) }
        var v = Validator()
        if vendorId == nil { v.add("vendorId", "required") }
        if month == nil { v.add("month", "required") }
        if let vendorId, try await Vendor.find(vendorId, on: db) == nil { v.add("vendorId", "no such vendor") }
        try v.check()
        let days = EvaluationCalendar.days(of: month!)
        var wanted: [(DeliverableType, String, String, String)] = []
        // A Monday's weekly report covers the seven days before it (Monday to Sunday).
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let utc = TimeZone(identifier: "UTC")!
        for day in days where EvaluationCalendar.weekday(of: day) == 1 {
            let monday = EvaluationCalendar.start(of: day, timeZone: utc)!
            let from = EvaluationCalendar.day(of: calendar.date(byAdding: .day, value: -7, to: monday)!, timeZone: utc)
            let to = EvaluationCalendar.day(of: calendar.date(byAdding: .day, value: -1, to: monday)!, timeZone: utc)
            func short(_ d: String) -> String { "\(Int(d.dropFirst(5).prefix(2))!)月\(Int(d.suffix(2))!)日" }
            var iso = Calendar(identifier: .iso8601)
            iso.timeZone = utc
            let week = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: calendar.date(byAdding: .day, value: -7, to: monday)!)
            wanted.append((.weeklyReport, "运维周报（\(short(from))—\(short(to))）", "\(week.yearForWeekOfYear!)年第\(week.weekOfYear!)周", day))
        }
        let previous = month!.advanced(by: -1)
        wanted.append((.monthlyReport, "月运维报告（\(previous.year)年\(previous.month)月）", previous.description, days[4]))
        let existing = Set(try await Deliverable.query(on: db).filter(\.$vendorId == vendorId!)
            .filter(\.$dueDate >= days.first!).filter(\.$dueDate <= days.last!).all().map { $0.type + "|" + $0.dueDate })
        let vendor = vendorId!
        let rows = wanted.filter { !existing.contains($0.0.rawValue + "|" + $0.3) }.map { ($0.0.rawValue, $0.1, $0.2, $0.3, EvaluationCalendar.end(of: $0.3, timeZone: tz)!) }
        try await writer.write { db in
            for (type, title, period, due, end) in rows {
                let d = Deliverable()
                d.vendorId = vendor; d.type = type; d.title = title; d.period = period; d.dueDate = due; d.dueEndAt = end
                d.status = DeliverableStatus.pending.rawValue; d.returnedCount = 0; d.createdBy = user.id; d.createdAt = now; d.updatedAt = now
                try await d.create(on: db)
                try await event(try d.requireID(), "create", note: nil, actor: user.id, at: now, on: db)
            }
            try await AuditLog.append(on: db, at: now, actor: actor, action: "deliverable.generate", entityType: "vendor", entityId: vendor.uuidString,
                                      after: ["month": month!.description, "created": String(rows.count)])
        }
        return rows.count
    }
}
