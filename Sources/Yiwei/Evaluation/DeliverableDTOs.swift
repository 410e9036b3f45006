import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct DeliverableFileDTO: Content, Equatable {
    var id: UUID
    var fileName: String
    var contentType: String
    var size: Int
    var sha256: String
    var uploaderId: UUID
    var createdAt: Date
    var url: String
}

struct DeliverableEventDTO: Content, Equatable {
    /// `create`, `submit`, `return`, `accept`
    var action: String
    var note: String?
    var actorId: UUID
    var actor: String
    var at: Date
}

struct DeliverableDTO: Content, Equatable {
    var id: UUID
    var vendorId: UUID
    var vendor: String
    var type: String
    var title: String
    var period: String?
    var dueDate: String
    /// `pending` 待提交, `submitted` 已提交, `returned` 退回修改, `accepted` 已验收
    var status: String
    var firstSubmittedAt: Date?
    var lastSubmittedAt: Date?
    /// Decided at the first submission; nil until then.
    var onTime: Bool?
    /// Never submitted and the due day is over.
    var overdue: Bool
    var returnedCount: Int
    var returnReason: String?
    var acceptedAt: Date?
    var createdAt: Date
    var files: [DeliverableFileDTO]
    /// The history, on `GET /deliverables/{id}` (empty in lists).
    var events: [DeliverableEventDTO]
}

struct DeliverableCreateBody: Content {
    var vendorId: String?
    var type: String?
    var title: String?
    var period: String?
    var dueDate: String?
}

struct DeliverableReturnBody: Content {
    var reason: String?
}
