import Vapor

/// HTML written in Swift where a template would be too slow: the rows of the busiest lists, SVG charts.
enum HTML {
    /// Escapes text for HTML content and attribute values (as Leaf's `#()` does), and drops control characters
    /// other than tab and newline (not allowed in XML). Works on the UTF-8 bytes — every byte it changes is ASCII,
    /// and no byte of a multi-byte character is — and returns the text itself when nothing needs escaping, as
    /// nearly every name and title on a page does.
    static func escape(_ text: String) -> String {
        var clean = true
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            if byte == 0x09 || byte == 0x0A { continue }
            clean = false
            break
        }
        if clean { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            case 0x09, 0x0A: out.append(byte)
            case ..<0x20: continue
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
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
