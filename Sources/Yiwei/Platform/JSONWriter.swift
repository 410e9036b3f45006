import Foundation
import Vapor
import YiweiCore

/// JSON written field by field, for the answers served most (the ticket list, a ticket): `JSONEncoder` goes through
/// `Codable`'s containers and boxes for every field, and a page of 50 tickets cost more to encode than to read.
/// The output is what `JSONEncoder` with Vapor's settings gives for the same value — fields in declaration order,
/// absent optionals left out, instants as ISO 8601 in UTC to the second — except that "/" is not escaped.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private static let utc = TimeZone(identifier: "UTC")!
    /// No comma before the next value: the start of an object or array, or right after a key.
    private var fresh = true

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    // MARK: Structure

    mutating func openObject() { separate(); bytes.append(UInt8(ascii: "{")); fresh = true }
    mutating func closeObject() { bytes.append(UInt8(ascii: "}")); fresh = false }
    mutating func openArray() { separate(); bytes.append(UInt8(ascii: "[")); fresh = true }
    mutating func closeArray() { bytes.append(UInt8(ascii: "]")); fresh = false }

    /// A key; the value follows (a field, or an object or array opened next).
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        fresh = true
    }

    // MARK: Fields (an absent optional writes nothing)

    mutating func field(_ name: StaticString, _ value: String?) { if let value { key(name); string(value) } }
    mutating func field(_ name: StaticString, _ value: UUID?) { if let value { key(name); string(value.uuidString) } }
    mutating func field(_ name: StaticString, _ value: Date?) { if let value { key(name); date(value) } }
    mutating func field(_ name: StaticString, _ value: Int?) { if let value { key(name); int(value) } }
    mutating func field(_ name: StaticString, _ value: Double?) { if let value { key(name); double(value) } }
    mutating func field(_ name: StaticString, _ value: Bool?) {
        if let value { key(name); separate(); append(value ? "true" : "false") }
    }

    // MARK: Values

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    append("\\u00")
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ value: Int) { separate(); append(String(value)) }

    /// As `JSONEncoder` writes a `Double`: integral values without a fraction. A value that is not a number (which no
    /// answer should carry) is written as 0, so the field keeps its documented type.
    mutating func double(_ value: Double) {
        separate()
        guard value.isFinite else { append("0"); return }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        append(text)
    }

    /// `2026-12-07T08:30:05Z`: UTC, to the second (the fraction dropped, as `.iso8601` does).
    mutating func date(_ value: Date) {
        separate()
        let (civil, second) = CivilDate.local(value, in: JSONWriter.utc)
        bytes.append(UInt8(ascii: "\""))
        digits(civil.year, 4); bytes.append(UInt8(ascii: "-")); digits(civil.month, 2); bytes.append(UInt8(ascii: "-")); digits(civil.day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(second / 3600, 2); bytes.append(UInt8(ascii: ":")); digits(second / 60 % 60, 2); bytes.append(UInt8(ascii: ":")); digits(second % 60, 2)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string map as one object, keys in ascending order (`JSONEncoder` with `.sortedKeys`).
    static func sortedObject(_ map: [String: String]) -> String {
        var json = JSONWriter(capacity: 64 * map.count + 2)
        json.openObject()
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            json.string(key)
            json.bytes.append(UInt8(ascii: ":"))
            json.fresh = true
            json.string(value)
        }
        json.closeObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    // MARK: Output

    /// A `200`/`201`… answer with the bytes as `application/json`.
    func response(status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: "application/json; charset=utf-8")
        return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: bytes)))
    }

    private mutating func separate() {
        if fresh { fresh = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var value = value
        if value >= divisor * 10 { append(String(value)); return }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor))
            value %= divisor
            divisor /= 10
        }
    }
}

/// A value the API answers with, written by `JSONWriter` instead of `JSONEncoder`.
protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

extension JSONWritable {
    func jsonResponse(status: HTTPResponseStatus = .ok) -> Response {
        var json = JSONWriter()
        write(to: &json)
        return json.response(status: status)
    }
}

extension Page: JSONWritable where Item: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.openObject()
        json.key("items")
        json.openArray()
        for item in items { item.write(to: &json) }
        json.closeArray()
        json.field("page", page)
        json.field("per", per)
        json.field("total", total)
        if let totalCapped { json.field("totalCapped", totalCapped) }
        json.closeObject()
    }
}
