/// The one escaping rule of the server, for HTML and SVG, content and attribute values alike: `& < > " '` become
/// `&amp; &lt; &gt; &quot; &#39;`, and control characters other than tab and line feed are dropped (XML does not
/// allow most of them, a carriage return only doubles the line feed after it, and no page needs them). It works on UTF-8 bytes: every byte it changes is ASCII, and
/// no byte of a multi-byte character is. Leaf's `#()` escapes the same five characters.
public enum HTMLEscaping {
    /// Whether escaping changes this byte.
    @inline(__always)
    public static func changes(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09, 0x0A: false
        case ..<0x20, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
        default: false
        }
    }

    /// What a byte that `changes` becomes: its entity, or nothing for a dropped control character.
    @inline(__always)
    public static func replacement(_ byte: UInt8) -> StaticString {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: ""
        }
    }

    /// The text escaped; the text itself when nothing needs escaping, as nearly every name and title on a page.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: changes) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text escaped.
    public static func append(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 { append(byte: byte, to: &out) }
    }

    @inline(__always)
    public static func append(byte: UInt8, to out: inout [UInt8]) {
        guard changes(byte) else { out.append(byte); return }
        let entity = replacement(byte)
        entity.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}

/// Markup that may go into a page as it is: written by this program, with every piece of text in it escaped.
///
/// Literals are markup; interpolated `String`s are text and are escaped; interpolated `SafeHTML` goes in as it is:
///
///     let row: SafeHTML = "<td class=\"title\">\(ticket.title)</td>"   // the title is escaped
///
/// Page contexts hold Swift-written markup as `SafeHTML` (it encodes as its markup, for Leaf's `#unsafeHTML`), so a
/// user's text cannot reach a page unescaped by forgetting a call. The only other way in is `init(escaped:)`, for
/// renderers that escape every piece of text themselves (Markdown, the QR encoder, `HTMLBuffer`).
public struct SafeHTML: Sendable, Hashable, Encodable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public private(set) var markup: String

    public init() { markup = "" }

    /// Markup from a renderer that escaped every piece of text in it.
    public init(escaped markup: String) { self.markup = markup }

    /// Text, escaped.
    public static func text(_ text: String) -> SafeHTML { SafeHTML(escaped: HTMLEscaping.escape(text)) }

    public init(stringLiteral value: StaticString) {
        markup = value.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
    }

    public init(stringInterpolation: StringInterpolation) { markup = stringInterpolation.markup }

    public var description: String { markup }
    public var isEmpty: Bool { markup.isEmpty }

    public mutating func append(_ other: SafeHTML) { markup += other.markup }
    /// Appends text, escaped.
    public mutating func append(text: String) { markup += HTMLEscaping.escape(text) }

    public static func + (lhs: SafeHTML, rhs: SafeHTML) -> SafeHTML { SafeHTML(escaped: lhs.markup + rhs.markup) }
    public static func += (lhs: inout SafeHTML, rhs: SafeHTML) { lhs.markup += rhs.markup }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(markup)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""
        public init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity + 16 * interpolationCount) }
        /// The literal parts of the source code: markup.
        public mutating func appendLiteral(_ literal: StaticString) {
            markup += literal.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        }
        /// Text: escaped.
        public mutating func appendInterpolation(_ text: String) { markup += HTMLEscaping.escape(text) }
        public mutating func appendInterpolation(_ text: Substring) { markup += HTMLEscaping.escape(String(text)) }
        /// Markup: as it is.
        public mutating func appendInterpolation(_ html: SafeHTML) { markup += html.markup }
        public mutating func appendInterpolation(_ number: Int) { markup += String(number) }
    }
}

extension Sequence where Element == SafeHTML {
    public func joined(separator: SafeHTML = SafeHTML()) -> SafeHTML {
        var out = SafeHTML()
        var first = true
        for item in self {
            if !first { out += separator }
            out += item
            first = false
        }
        return out
    }
}
