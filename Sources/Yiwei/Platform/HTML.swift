import Vapor
import YiweiCore
import YiweiText

/// HTML written in Swift where a template would be too slow: the rows of the busiest lists, SVG charts.
enum HTML {
    /// Text for HTML content or an attribute value, by the server's one rule (`HTMLEscaping`).
    static func escape(_ text: String) -> String { HTMLEscaping.escape(text) }

    /// `<option>`s of a select, as the templates wrote them.
    static func options(_ options: [FormField.Option]) -> SafeHTML {
        var html = SafeHTML()
        for o in options {
            let selected: SafeHTML = o.selected ? " selected" : ""
            html += "<option value=\"\(o.value)\"\(selected)>\(o.label)</option>"
        }
        return html
    }
}

extension HTML {
    /// A page written in Swift as a response, with the headers a rendered template gets.
    static func response(_ html: SafeHTML, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: html.markup))
    }
}

/// A page written straight into the bytes of its response: the busiest pages (the queue page) are mostly
/// fifty rows of short values, and building them as strings first cost an allocation and a copy for each.
/// `text` escapes by the one rule (`HTMLEscaping`); `raw` writes static markup and `html` markup already safe.
struct HTMLBuffer {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func raw(_ markup: StaticString) { buffer.writeStaticString(markup) }
    mutating func html(_ markup: SafeHTML) { buffer.writeString(markup.markup) }

    /// Text for content or an attribute value, by the server's one rule (`HTMLEscaping`). Clean runs are copied whole.
    mutating func text(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard HTMLEscaping.changes(byte) else { continue }
                if i > start { buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<i]))) }
                start = i + 1
                buffer.writeStaticString(HTMLEscaping.replacement(byte))
            }
            if bytes.count > start { buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...]))) }
        }
    }

    /// An id as `uuidString` writes it (upper-case hex, 8-4-4-4-12), without making the string.
    mutating func uuid(_ id: UUID) {
        let digits: StaticString = "0123456789ABCDEF"
        _ = withUnsafeBytes(of: id.uuid) { bytes in
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 36) { out in
                digits.withUTF8Buffer { hex in
                    var o = 0
                    for i in 0..<16 {
                        if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                        out[o] = hex[Int(bytes[i] >> 4)]; out[o + 1] = hex[Int(bytes[i] & 0x0F)]
                        o += 2
                    }
                }
                return 36
            }
        }
    }

    /// A non-negative number in decimal, zero-padded to `width` digits.
    mutating func number(_ n: Int, width: Int = 1) {
        guard n >= 0 else { buffer.writeString(String(n)); return }
        var digits = 1, rest = n / 10
        while rest > 0 { digits += 1; rest /= 10 }
        let count = max(digits, width)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
            var value = n
            for i in stride(from: count - 1, through: 0, by: -1) {
                out[i] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            return count
        }
    }

    /// `yyyy-MM-dd HH:mm` in the zone, as `DisplayTime.short` writes it.
    mutating func minute(_ instant: Date, timeZone: TimeZone) {
        let (day, second) = CivilDate.local(instant, in: timeZone)
        number(day.year, width: 4); raw("-"); number(day.month, width: 2); raw("-"); number(day.day, width: 2); raw(" ")
        number(second / 3600, width: 2); raw(":"); number(second / 60 % 60, width: 2)
    }

    /// The page as a response, with the headers a rendered template gets.
    func response(status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(buffer: buffer))
    }
}
