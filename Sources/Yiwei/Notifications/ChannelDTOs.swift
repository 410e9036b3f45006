import Fluent
import Foundation
import Vapor
import YiweiCore

struct ChannelDTO: Content, Equatable {
    var id: UUID
    var name: String
    var kind: String
    var url: String
    var signed: Bool
    var events: [String]
    var domain: String?
    /// E-mail channels: the sender and the fixed list of addresses.
    var sender: String?
    var recipients: [String]?
    var isActive: Bool
    var createdAt: Date
}

struct ChannelBody: Content {
    var name: String?
    var kind: String?
    var url: String?
    var secret: String?
    var events: [String]?
    var domain: String?
    var sender: String?
    var recipients: [String]?
}

struct OutboxDTO: Content, Equatable {
    var id: UUID
    var channelId: UUID
    var event: String
    var title: String
    var status: String
    var attempts: Int
    var nextAttemptAt: Date
    var lastError: String?
    var createdAt: Date
    var sentAt: Date?
}
