import Foundation

// Byte-level helpers shared by the Markdown parser and renderers. Everything works on UTF-8 bytes:
// all Markdown syntax is ASCII, and CJK text passes through untouched.

extension Markdown {
    /// ASCII bytes used by the parser.
    enum Byte {
        static let tab = UInt8(ascii: "\t")
        static let lf = UInt8(ascii: "\n")
        static let cr = UInt8(ascii: "\r")
        static let space = UInt8(ascii: " ")
        static let bang = UInt8(ascii: "!")
        static let quote = UInt8(ascii: "\"")
        static let hash = UInt8(ascii: "#")
        static let percent = UInt8(ascii: "%")
        static let amp = UInt8(ascii: "&")
        static let apostrophe = UInt8(ascii: "'")
        static let lparen = UInt8(ascii: "(")
        static let rparen = UInt8(ascii: ")")
        static let star = UInt8(ascii: "*")
        static let plus = UInt8(ascii: "+")
        static let dash = UInt8(ascii: "-")
        static let dot = UInt8(ascii: ".")
        static let slash = UInt8(ascii: "/")
        static let colon = UInt8(ascii: ":")
        static let semicolon = UInt8(ascii: ";")
        static let lt = UInt8(ascii: "<")
        static let equals = UInt8(ascii: "=")
        static let gt = UInt8(ascii: ">")
        static let question = UInt8(ascii: "?")
        static let at = UInt8(ascii: "@")
        static let lbracket = UInt8(ascii: "[")
        static let backslash = UInt8(ascii: "\\")
        static let rbracket = UInt8(ascii: "]")
        static let underscore = UInt8(ascii: "_")
        static let backtick = UInt8(ascii: "`")
        static let pipe = UInt8(ascii: "|")
        static let tilde = UInt8(ascii: "~")
        static let zero = UInt8(ascii: "0")
        static let nine = UInt8(ascii: "9")

        static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
        static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66) }
        static func isSpaceOrTab(_ b: UInt8) -> Bool { b == space || b == tab }
        /// The ASCII punctuation characters CommonMark lets a backslash escape.
        static func isPunctuation(_ b: UInt8) -> Bool {
            (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) || (b >= 0x7B && b <= 0x7E)
        }
    }

    // MARK: Unicode classes for emphasis flanking

    /// Decodes the scalar that starts at byte `i` (the input is valid UTF-8: it came from a `String`).
    static func scalar(at i: Int, in s: [UInt8]) -> Unicode.Scalar? {
        guard i >= 0, i < s.count else { return nil }
        let b0 = s[i]
        if b0 < 0x80 { return Unicode.Scalar(b0) }
        let length: Int
        var value: UInt32
        if b0 & 0xE0 == 0xC0 { length = 2; value = UInt32(b0 & 0x1F) }
        else if b0 & 0xF0 == 0xE0 { length = 3; value = UInt32(b0 & 0x0F) }
        else if b0 & 0xF8 == 0xF0 { length = 4; value = UInt32(b0 & 0x07) }
        else { return nil }
        guard i + length <= s.count else { return nil }
        for k in 1..<length {
            let b = s[i + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        return Unicode.Scalar(value)
    }

    /// The scalar that ends just before byte `i`.
    static func scalar(before i: Int, in s: [UInt8]) -> Unicode.Scalar? {
        guard i > 0, i <= s.count else { return nil }
        var j = i - 1
        while j > 0, s[j] & 0xC0 == 0x80, i - j < 4 { j -= 1 }
        return scalar(at: j, in: s)
    }

    /// Unicode whitespace as CommonMark defines it; `nil` (start or end of the text) counts as whitespace.
    static func isWhitespace(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return true }
        switch c.value {
        case 0x09, 0x0A, 0x0C, 0x0D, 0x20: return true
        case 0..<0x80: return false
        default: return c.properties.generalCategory == .spaceSeparator
        }
    }

    /// Unicode punctuation (general categories P and S), as in CommonMark 0.31.
    static func isPunctuation(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        if c.value < 0x80 { return Byte.isPunctuation(UInt8(c.value)) }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// Han, kana, hangul, bopomofo, CJK symbols and punctuation, full-width forms.
    static func isCJK(_ c: Unicode.Scalar?) -> Bool {
        guard let v = c?.value, v >= 0x1100 else { return false }
        switch v {
        case 0x1100...0x11FF, 0x2E80...0x2FDF, 0x2FF0...0x303F, 0x3040...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA960...0xA97F, 0xAC00...0xD7FF, 0xF900...0xFAFF, 0xFE10...0xFE1F,
             0xFE30...0xFE4F, 0xFF00...0xFFEF, 0x1F200...0x1F2FF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    // MARK: Escaping

    static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 { appendEscaped(byte: b, to: &out) }
    }

    static func appendEscaped(byte b: UInt8, to out: inout [UInt8]) {
        HTMLEscaping.append(byte: b, to: &out)
    }

    /// Percent-encodes a URL for an attribute (non-ASCII, spaces, quotes, `<>[\]^`{|}`), keeping existing
    /// `%XX` sequences, then HTML-escapes it (`&` → `&amp;`, `'` → `&#39;`).
    static func appendEncodedURL(_ url: String, to out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for b in url.utf8 {
            switch b {
            case Byte.amp: out.append(contentsOf: "&amp;".utf8)
            case Byte.apostrophe: out.append(contentsOf: "&#39;".utf8)
            case _ where Byte.isAlnum(b):
                out.append(b)
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "~"),
                 UInt8(ascii: "*"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ";"), UInt8(ascii: "/"),
                 UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "="), UInt8(ascii: "+"),
                 UInt8(ascii: "$"), UInt8(ascii: ","), UInt8(ascii: "%"), UInt8(ascii: "#"):
                out.append(b)
            default:
                out.append(Byte.percent)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
    }

    // MARK: Backslash escapes and character references

    /// Resolves backslash escapes and character references (used for link destinations, titles and code info).
    static func unescape(_ s: ArraySlice<UInt8>) -> String {
        guard s.contains(Byte.backslash) || s.contains(Byte.amp) else { return String(decoding: s, as: UTF8.self) }
        let bytes = Array(s)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == Byte.backslash, i + 1 < bytes.count, Byte.isPunctuation(bytes[i + 1]) {
                out.append(bytes[i + 1])
                i += 2
            } else if b == Byte.amp, let (decoded, end) = entity(at: i, in: bytes) {
                out.append(contentsOf: decoded)
                i = end
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `&name;`, `&#123;` or `&#x1F;` at `i`; returns the UTF-8 bytes and the index after `;`.
    static func entity(at i: Int, in s: [UInt8]) -> ([UInt8], Int)? {
        guard i + 2 < s.count, s[i] == Byte.amp else { return nil }
        var j = i + 1
        if s[j] == Byte.hash {
            j += 1
            var value: UInt32 = 0
            var digits = 0
            if j < s.count, s[j] | 0x20 == UInt8(ascii: "x") {
                j += 1
                while j < s.count, Byte.isHexDigit(s[j]), digits < 6 {
                    let b = s[j]
                    value = value * 16 + UInt32(Byte.isDigit(b) ? b - Byte.zero : (b | 0x20) - UInt8(ascii: "a") + 10)
                    digits += 1
                    j += 1
                }
            } else {
                while j < s.count, Byte.isDigit(s[j]), digits < 7 {
                    value = value * 10 + UInt32(s[j] - Byte.zero)
                    digits += 1
                    j += 1
                }
            }
            guard digits > 0, j < s.count, s[j] == Byte.semicolon else { return nil }
            let scalar = (value == 0 ? nil : Unicode.Scalar(value)) ?? "\u{FFFD}"
            return (Array(String(Character(scalar)).utf8), j + 1)
        }
        guard Byte.isAlpha(s[j]) else { return nil }
        while j < s.count, Byte.isAlnum(s[j]), j - i <= 32 { j += 1 }
        guard j < s.count, s[j] == Byte.semicolon,
              let decoded = namedEntities[String(decoding: s[(i + 1)..<j], as: UTF8.self)] else { return nil }
        return (Array(decoded.utf8), j + 1)
    }

    /// The named character references worth decoding in practice (the full HTML list has 2,000+;
    /// an unknown name is kept literally, which is safe: its `&` is escaped).
    static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "ensp": "\u{2002}",
        "emsp": "\u{2003}", "thinsp": "\u{2009}", "shy": "\u{AD}", "copy": "©", "reg": "®", "trade": "™",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "sbquo": "‚", "ldquo": "“",
        "rdquo": "”", "bdquo": "„", "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›", "middot": "·",
        "bull": "•", "deg": "°", "plusmn": "±", "times": "×", "divide": "÷", "micro": "µ", "para": "¶",
        "sect": "§", "cent": "¢", "pound": "£", "yen": "¥", "euro": "€", "curren": "¤", "frac12": "½",
        "frac14": "¼", "frac34": "¾", "sup1": "¹", "sup2": "²", "sup3": "³", "iexcl": "¡", "iquest": "¿",
        "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "harr": "↔", "lArr": "⇐", "rArr": "⇒",
        "hArr": "⇔", "le": "≤", "ge": "≥", "ne": "≠", "asymp": "≈", "equiv": "≡", "infin": "∞", "sum": "∑",
        "prod": "∏", "minus": "−", "radic": "√", "prime": "′", "Prime": "″", "dagger": "†", "Dagger": "‡",
        "permil": "‰", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "theta": "θ",
        "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω",
        "Delta": "Δ", "Omega": "Ω", "Sigma": "Σ", "check": "✓", "cross": "✗", "star": "☆", "starf": "★",
        "colon": ":", "comma": ",", "period": ".", "sol": "/", "bsol": "\\", "lpar": "(", "rpar": ")",
        "lsqb": "[", "rsqb": "]", "lbrack": "[", "rbrack": "]", "lcub": "{", "rcub": "}", "num": "#",
        "excl": "!", "quest": "?", "semi": ";", "equals": "=", "plus": "+", "ast": "*", "percnt": "%",
        "dollar": "$", "commat": "@", "Tab": "\t", "NewLine": "\n", "grave": "`", "lowbar": "_",
        "verbar": "|", "vert": "|", "Hat": "^", "tilde": "˜",
    ]

    // MARK: URL safety

    enum URLCheck {
        static let allowedSchemes: Set<String> = ["http", "https", "mailto"]

        static func isSafe(_ bytes: [UInt8]) -> Bool {
            // No control characters (C0, DEL, C1) and no invisible format characters anywhere:
            // browsers drop some of them while parsing a URL, which is how `java\tscript:` works.
            for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                let v = scalar.value
                if v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0xFFFD { return false }
                if v >= 0x80, scalar.properties.generalCategory == .format { return false }
            }
            // A scheme is whatever precedes a ':' that comes before the first '/', '?' or '#'.
            if let colon = bytes.firstIndex(of: Byte.colon) {
                let delimiter = bytes.firstIndex { $0 == Byte.slash || $0 == Byte.question || $0 == Byte.hash }
                if delimiter.map({ colon < $0 }) ?? true {
                    let scheme = bytes[..<colon]
                    guard scheme.allSatisfy({ $0 < 0x80 }),
                          allowedSchemes.contains(String(decoding: scheme, as: UTF8.self).lowercased()) else { return false }
                }
            }
            // Belt and braces: no script scheme anywhere, whatever spacing or case (`//javascript:…`).
            let squeezed = String(decoding: bytes.filter { $0 > 0x20 }, as: UTF8.self).lowercased()
            return !squeezed.contains("javascript:") && !squeezed.contains("vbscript:")
        }

        static func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = 0
            while i < bytes.count {
                if bytes[i] == Byte.percent, i + 2 < bytes.count, Byte.isHexDigit(bytes[i + 1]), Byte.isHexDigit(bytes[i + 2]),
                   let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                    out.append(value)
                    i += 3
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            return out
        }
    }
}
