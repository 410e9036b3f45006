import Fluent
import Foundation
import Vapor
import YiweiCore

/// One event of an imported ticket: an action of API.md with its fields, when it happened and who did it.
struct ImportEventBody: Decodable, Sendable {
    var at: String?
    var actorId: String?
    var action: TicketActionRequest

    enum Keys: String, CodingKey { case at, actorId }

    init(at: String?, actorId: String?, action: TicketActionRequest) {
        self.at = at
        self.actorId = actorId
        self.action = action
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        at = try c.decodeIfPresent(String.self, forKey: .at)
        actorId = try c.decodeIfPresent(String.self, forKey: .actorId)
        action = try TicketActionRequest(from: decoder)
    }
}

struct ImportRatingBody: Codable, Sendable {
    var score: Int?
    var comment: String?
    var at: String?
}

/// One ticket of an import: a create body (API.md) plus `number`, `createdAt`, `events` and `rating`.
struct ImportTicketBody: Decodable, Sendable {
    var create: CreateTicketRequest
    var number: String?
    var createdAt: String?
    var events: [ImportEventBody]?
    var rating: ImportRatingBody?

    enum Keys: String, CodingKey { case number, createdAt, events, rating }

    init(create: CreateTicketRequest, number: String?, createdAt: String?, events: [ImportEventBody]?, rating: ImportRatingBody?) {
        self.create = create
        self.number = number
        self.createdAt = createdAt
        self.events = events
        self.rating = rating
    }

    init(from decoder: any Decoder) throws {
        create = try CreateTicketRequest(from: decoder)
        let c = try decoder.container(keyedBy: Keys.self)
        number = try c.decodeIfPresent(String.self, forKey: .number)
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt)
        events = try c.decodeIfPresent([ImportEventBody].self, forKey: .events)
        rating = try c.decodeIfPresent(ImportRatingBody.self, forKey: .rating)
    }
}

struct ImportRequest: Decodable, Sendable {
    var tickets: [ImportTicketBody]?
}

struct ImportResultDTO: Content, Equatable {
    var imported: Int
    var ids: [UUID]
}
