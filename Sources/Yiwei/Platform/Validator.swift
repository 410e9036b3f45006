import Foundation
import Vapor

/// Collects field problems and throws them together as one 422, so a client sees every problem at once.
struct Validator {
    private(set) var fields: [String: String] = [:]

    mutating func add(_ field: String, _ problem: String) {
        if fields[field] == nil { fields[field] = problem }
    }

    /// Trims, then checks presence and length (in characters, so Chinese counts one per character).
    @discardableResult
    mutating func text(_ field: String, _ value: String?, required: Bool = true, max: Int = 100) -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let trimmed, !trimmed.isEmpty else {
            if required { add(field, "required") }
            return nil
        }
        if trimmed.count > max { add(field, "must be at most \(max) characters") }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" && $0 != "\r" }) {
            add(field, "must not contain control characters")
        }
        return trimmed
    }

    mutating func oneOf<E: RawRepresentable & CaseIterable>(_ field: String, _ value: String?, _ type: E.Type, required: Bool = true) -> E? where E.RawValue == String {
        guard let value, !value.isEmpty else {
            if required { add(field, "required") }
            return nil
        }
        guard let parsed = E(rawValue: value) else {
            add(field, "must be one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return parsed
    }

    mutating func uuid(_ field: String, _ value: String?, required: Bool = false) -> UUID? {
        guard let value, !value.isEmpty else {
            if required { add(field, "required") }
            return nil
        }
        guard let id = UUID(uuidString: value) else { add(field, "must be an id"); return nil }
        return id
    }

    /// Dates as `YYYY-MM-DD`.
    mutating func date(_ field: String, _ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        let parts = value.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1900...2999).contains(y), (1...12).contains(m), (1...31).contains(d) else {
            add(field, "must be a date like 2026-01-31")
            return nil
        }
        return value
    }

    /// RFC 3339 instants, with or without fractional seconds.
    mutating func instant(_ field: String, _ value: String?) -> Date? {
        guard let value, !value.isEmpty else { return nil }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: value) ?? fractional.date(from: value) else {
            add(field, "must be an RFC 3339 time like 2026-11-23T08:30:00+08:00")
            return nil
        }
        return date
    }

    /// A filter bound: an RFC 3339 instant, or a plain date (`2026-11-24`) read in the hospital's time zone —
    /// its start, or with `endOfDay` the start of the next day (so `to=2026-11-24` includes that day).
    mutating func dayOrInstant(_ field: String, _ value: String?, timeZone: TimeZone, endOfDay: Bool = false) -> Date? {
        guard let value, !value.isEmpty else { return nil }
        if let instant = ISO8601DateFormatter().date(from: value) { return instant }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        guard value.count == 10, let day = formatter.date(from: value) else {
            add(field, "must be a date like 2026-01-31 or an RFC 3339 time")
            return nil
        }
        return endOfDay ? day.addingTimeInterval(86400) : day
    }

    var isValid: Bool { fields.isEmpty }

    func check() throws {
        if !fields.isEmpty { throw AppError.validation(fields) }
    }
}
