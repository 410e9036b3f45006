import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// A stored business calendar (工作日历). Weekly hours, holidays and make-up days are kept as JSON text:
/// small, read whole, and the same on SQLite and PostgreSQL.
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
package final class CalendarRecord: Model, @unchecked Sendable {
    package static let schema = "calendars"

    @ID(key: .id) package var id: UUID?
    @Field(key: "name") package var name: String
    @Field(key: "time_zone") package var timeZone: String
    /// `{"mon":[["08:00","12:00"],["14:30","17:30"]], …}`
    @Field(key: "weekly_hours") package var weeklyHours: String
    /// `["2026-10-01", …]`
    @Field(key: "holidays") package var holidays: String
    @Field(key: "workdays") package var workdays: String
    @Field(key: "is_active") package var isActive: Bool
    @Field(key: "created_at") package var createdAt: Date
    @Field(key: "updated_at") package var updatedAt: Date

    package init() {}
}

enum Weekday: String, CaseIterable, Sendable {
    case mon, tue, wed, thu, fri, sat, sun
    /// ISO number: Monday 1 … Sunday 7.
    var number: Int { Weekday.allCases.firstIndex(of: self)! + 1 }
}

package enum CalendarStore {
    static let decoder = JSONDecoder()

    static func weekly(_ record: CalendarRecord) -> [String: [[String]]] {
        (try? decoder.decode([String: [[String]]].self, from: Data(record.weeklyHours.utf8))) ?? [:]
    }

    static func dates(_ json: String) -> [String] {
        (try? decoder.decode([String].self, from: Data(json.utf8))) ?? []
    }

    static func dto(_ r: CalendarRecord) -> CalendarDTO {
        CalendarDTO(id: r.id!, name: r.name, timeZone: r.timeZone, weeklyHours: weekly(r), holidays: dates(r.holidays),
                    workdays: dates(r.workdays), isActive: r.isActive, createdAt: r.createdAt, updatedAt: r.updatedAt)
    }

    /// The calculator for a stored calendar.
    package static func calendar(_ r: CalendarRecord) throws -> BusinessCalendar {
        var v = Validator()
        guard let calendar = build(timeZone: r.timeZone, weekly: weekly(r), holidays: dates(r.holidays), workdays: dates(r.workdays), v: &v) else {
            throw AppError(.internalServerError, .invalidCalendar, "the stored calendar is invalid")
        }
        return calendar
    }

    /// Validates every part and builds the calendar; problems are named by field.
    static func build(timeZone: String, weekly: [String: [[String]]], holidays: [String], workdays: [String], v: inout Validator) -> BusinessCalendar? {
        guard let zone = TimeZone(identifier: timeZone) else { v.add("timeZone", "unknown time zone \(timeZone)"); return nil }
        var days: [Int: [WorkInterval]] = [:]
        for (key, pairs) in weekly {
            guard let weekday = Weekday(rawValue: key) else { v.add("weeklyHours", "unknown weekday \(key); use mon … sun"); continue }
            var intervals: [WorkInterval] = []
            for pair in pairs {
                guard pair.count == 2, let interval = WorkInterval(pair[0], pair[1]) else {
                    v.add("weeklyHours", "\(key): each interval is [\"HH:MM\",\"HH:MM\"] with the start before the end")
                    continue
                }
                intervals.append(interval)
            }
            days[weekday.number] = intervals
        }
        func parse(_ field: String, _ texts: [String]) -> Set<CivilDate> {
            var result = Set<CivilDate>()
            for text in texts {
                if let date = CivilDate(text) { result.insert(date) } else { v.add(field, "\(text) is not a date like 2026-10-01") }
            }
            if texts.count > 3660 { v.add(field, "at most 3660 dates") }
            return result
        }
        let off = parse("holidays", holidays), on = parse("workdays", workdays)
        guard v.isValid else { return nil }
        do {
            return try BusinessCalendar(timeZone: zone, weekly: days, holidays: off, workdays: on)
        } catch BusinessCalendar.Problem.overlapping(let weekday) {
            v.add("weeklyHours", "\(Weekday.allCases[weekday - 1].rawValue): intervals overlap")
        } catch BusinessCalendar.Problem.noWorkingTime {
            v.add("weeklyHours", "the week has no working time")
        } catch BusinessCalendar.Problem.holidayAndWorkday(let date) {
            v.add("workdays", "\(date) is also a holiday")
        } catch {
            v.add("weeklyHours", "invalid")
        }
        return nil
    }

    static func store(_ calendar: BusinessCalendar, in record: CalendarRecord) {
        var weekly: [String: [[String]]] = [:]
        for day in Weekday.allCases where !calendar.weekly[day.number].isEmpty {
            weekly[day.rawValue] = calendar.weekly[day.number].map(\.texts)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        record.timeZone = calendar.timeZone.identifier
        record.weeklyHours = String(decoding: (try? encoder.encode(weekly)) ?? Data("{}".utf8), as: UTF8.self)
        record.holidays = String(decoding: (try? encoder.encode(calendar.holidays.sorted().map(\.description))) ?? Data("[]".utf8), as: UTF8.self)
        record.workdays = String(decoding: (try? encoder.encode(calendar.workdays.sorted().map(\.description))) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// An instant in the calendar's zone with its offset, as users check it by hand (`2026-11-23T08:30:00+08:00`).
    static func format(_ date: Date, in zone: TimeZone) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = zone
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
