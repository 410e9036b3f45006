import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

struct CalendarDTO: Content, Equatable {
    var id: UUID
    var name: String
    var timeZone: String
    var weeklyHours: [String: [[String]]]
    var holidays: [String]
    var workdays: [String]
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
}

struct CalendarBody: Content {
    var name: String?
    var timeZone: String?
    var weeklyHours: [String: [[String]]]?
    var holidays: [String]?
    var workdays: [String]?
    var isActive: Bool?
}

struct CalendarDatesBody: Content {
    var holidays: [String]?
    var workdays: [String]?
}

struct DueDTO: Content { var due: String }

struct BusinessMinutesDTO: Content { var minutes: Double }
