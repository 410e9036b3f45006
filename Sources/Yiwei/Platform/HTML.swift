import Vapor
import YiweiCore

/// HTML written in Swift where a template would be too slow: the rows of the busiest lists, SVG charts.
enum HTML {
    /// Escapes text for HTML content and attribute values (as Leaf's `#()` does), and drops control characters
    /// other than tab and newline (not allowed in XML). Works on the UTF-8 bytes — every byte it changes is ASCII,
    /// and no byte of a multi-byte character is — and returns the text itself when nothing needs escaping, as
    /// nearly every name and title on a page does.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: changes) else { return text }
        var out = HTMLBuffer(capacity: text.utf8.count + 32)
        out.text(text)
        return String(buffer: out.buffer)
    }

    /// Whether escaping changes this byte: one of `& < > " '`, or a control character other than tab and newline.
    @inline(__always)
    static func changes(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09, 0x0A: false
        case ..<0x20, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
        default: false
        }
    }

    /// `<option>`s of a select, as the templates wrote them.
    static func options(_ options: [FormField.Option]) -> String {
        var html = ""
        for o in options {
            html += "<option value=\"" + escape(o.value) + "\"" + (o.selected ? " selected" : "") + ">" + escape(o.label) + "</option>"
        }
        return html
    }
}

extension HTML {
    /// A page written in Swift as a response, with the headers a rendered template gets.
    static func response(_ html: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: html))
    }
}

/// A page written straight into the bytes of its response: the busiest pages (the queue page) are mostly
/// fifty rows of short values, and building them as strings first cost an allocation and a copy for each.
/// `text` escapes as `HTML.escape` does; `raw` writes markup as it is.
struct HTMLBuffer {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func raw(_ markup: StaticString) { buffer.writeStaticString(markup) }
    mutating func raw(_ markup: String) { buffer.writeString(markup) }

    /// Text for content or an attribute value: `& < > " '` as entities, control characters other than tab and
    /// newline dropped. Clean runs are copied whole.
    mutating func text(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard HTML.changes(byte) else { continue }
                if i > start { buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<i]))) }
                start = i + 1
                switch byte {
                case UInt8(ascii: "&"): buffer.writeStaticString("&amp;")
                case UInt8(ascii: "<"): buffer.writeStaticString("&lt;")
                case UInt8(ascii: ">"): buffer.writeStaticString("&gt;")
                case UInt8(ascii: "\""): buffer.writeStaticString("&quot;")
                case UInt8(ascii: "'"): buffer.writeStaticString("&#39;")
                default: break
                }
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
