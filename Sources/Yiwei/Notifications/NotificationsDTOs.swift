import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct NotificationDTO: Content, Equatable {
    var id: UUID
    var event: String
    var title: String
    var body: String
    var ticketId: UUID?
    var createdAt: Date
    var read: Bool
}
