/// HTML written in Swift where a template would be too slow: the rows of the busiest lists, SVG charts.
enum HTML {
    /// Escapes text for HTML content and attribute values (as Leaf's `#()` does).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab/newline are not allowed in XML.
                if ch.value < 0x20 && ch != "\t" && ch != "\n" { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
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
