/// The text as UTF-16 code units, with full-width forms folded to ASCII one unit for one unit, so
/// that every offset found in it is also an offset in the original text.
struct ScanText {
    /// The text's own UTF-16 units, from which redactions and the result are cut.
    let original: [UInt16]
    let units: [UInt16]

    var count: Int { units.count }

    init(_ text: String) {
        original = Array(text.utf16)
        var units = original
        for k in units.indices {
            switch units[k] {
            case 0xFF01...0xFF5E: units[k] -= 0xFEE0  // ０-９, Ａ-Ｚ, ：, （, －, ＋ … → ASCII
            case 0x3000, 0x00A0: units[k] = 0x20  // ideographic and no-break spaces
            case 0x2010...0x2015, 0x2212: units[k] = 0x2D  // hyphens, dashes, minus sign → '-'
            default: break
            }
        }
        // A digit followed by a variation selector or a combining keycap is an emoji (1️⃣), not a number.
        for k in units.indices.dropLast() where Self.isDigit(units[k]) {
            if units[k + 1] == 0xFE0F || units[k + 1] == 0x20E3 { units[k] = 0xFFFD }
        }
        self.units = units
    }

    /// The unit at `i`, or 0 outside the text, so matchers can look around without bounds checks.
    subscript(i: Int) -> UInt16 { i >= 0 && i < units.count ? units[i] : 0 }

    static func isDigit(_ u: UInt16) -> Bool { u >= 0x30 && u <= 0x39 }
    func isDigit(_ i: Int) -> Bool { Self.isDigit(self[i]) }
    func isLetter(_ i: Int) -> Bool { let u = self[i] | 0x20; return u >= 0x61 && u <= 0x7A }
    func isAlphanumeric(_ i: Int) -> Bool { isDigit(i) || isLetter(i) }
    func isCJK(_ i: Int) -> Bool { let u = self[i]; return (u >= 0x4E00 && u <= 0x9FFF) || (u >= 0x3400 && u <= 0x4DBF) }
    func `is`(_ i: Int, _ scalar: Unicode.Scalar) -> Bool { self[i] == UInt16(scalar.value) }

    /// Characters that glue numbers and letters into one code: IT-20261118-0001, 10.2.3.4, ZC_0012.
    private func isJoiner(_ i: Int) -> Bool { let u = self[i]; return u == 0x2D || u == 0x2E || u == 0x5F }

    /// Whether a number may start at `i`: not inside a longer code such as IT-20261118-0001 or 10.2.3.4.
    func isTokenStart(_ i: Int) -> Bool {
        if isAlphanumeric(i - 1) { return false }
        if isJoiner(i - 1) && isAlphanumeric(i - 2) { return false }
        return true
    }

    /// Whether a number may end just before `end`: not followed by more of the same code.
    func isTokenEnd(_ end: Int) -> Bool {
        if isAlphanumeric(end) { return false }
        if isJoiner(end) && isAlphanumeric(end + 1) { return false }
        return true
    }

    /// The end of the run of ASCII digits starting at `i`.
    func digitRunEnd(from i: Int) -> Int {
        var j = i
        while isDigit(j) { j += 1 }
        return j
    }

    /// Units that end a cue's reach: digits, line and sentence ends, commas.
    func isBarrier(_ i: Int) -> Bool {
        switch self[i] {
        case 0x30...0x39, 0x0A, 0x0D, 0x2C, 0x3B, 0x21, 0x3F, 0x3002, 0x3001: true  // digits \n \r , ; ! ? 。 、
        default: false
        }
    }

    /// Skips up to `limit` filler units between a label and its value (spaces, colons, 是, 为, 码 …).
    func skippingFiller(from i: Int, limit: Int = 4) -> Int {
        var j = i
        while j - i < limit, Self.filler.contains(self[j]) { j += 1 }
        return j
    }

    private static let filler = UnitSet(" :#=(\t是为码号")
}

/// A set of UTF-16 code units as a bitmap: the finders test every position of the text against
/// several such sets, and a bit test is much cheaper than hashing.
struct UnitSet: Sendable {
    private var bits = [UInt64](repeating: 0, count: 1024)

    init<S: Sequence>(_ units: S) where S.Element == UInt16 {
        for u in units { bits[Int(u) >> 6] |= 1 << UInt64(u & 63) }
    }

    init(_ characters: String) { self.init(characters.utf16) }

    func contains(_ u: UInt16) -> Bool { bits[Int(u) >> 6] & (1 << UInt64(u & 63)) != 0 }
}

/// A list of words matched in a `ScanText`, longest first, ASCII letters case-insensitively.
struct WordList: Sendable {
    private let byFirst: [UInt16: [[UInt16]]]
    private let byLast: [UInt16: [[UInt16]]]
    private let firsts: UnitSet
    private let lasts: UnitSet

    init(_ words: [String]) {
        let folded = words.map { $0.utf16.map(Self.fold) }.sorted { $0.count > $1.count }
        byFirst = Dictionary(grouping: folded, by: { $0.first! })
        byLast = Dictionary(grouping: folded, by: { $0.last! })
        firsts = UnitSet(folded.map { $0.first! })
        lasts = UnitSet(folded.map { $0.last! })
    }

    private static func fold(_ u: UInt16) -> UInt16 { u >= 0x41 && u <= 0x5A ? u + 0x20 : u }

    /// The length of the longest word that starts at `i`.
    func match(in text: ScanText, at i: Int) -> Int? {
        let first = Self.fold(text[i])
        guard firsts.contains(first), let words = byFirst[first] else { return nil }
        outer: for word in words {
            var k = 1
            while k < word.count {
                if Self.fold(text[i + k]) != word[k] { continue outer }
                k += 1
            }
            return word.count
        }
        return nil
    }

    /// The length of the longest word that ends just before `end`.
    func match(in text: ScanText, endingAt end: Int) -> Int? {
        let last = Self.fold(text[end - 1])
        guard end > 0, lasts.contains(last), let words = byLast[last] else { return nil }
        outer: for word in words where word.count <= end {
            var k = 0
            while k < word.count - 1 {
                if Self.fold(text[end - word.count + k]) != word[k] { continue outer }
                k += 1
            }
            return word.count
        }
        return nil
    }

    /// The nearest word that ends within `window` units before `i`, with no barrier between it and `i`.
    func nearest(in text: ScanText, before i: Int, window: Int) -> Range<Int>? {
        var end = i
        while end >= 0, i - end <= window {
            if let length = match(in: text, endingAt: end) { return (end - length)..<end }
            if text.isBarrier(end - 1) { return nil }
            end -= 1
        }
        return nil
    }
}

/// A possible redaction before overlaps are resolved.
struct RedactionCandidate {
    let kind: PersonalDataKind
    let range: Range<Int>
    let replacement: String
    /// Higher wins an overlap: strong evidence (a valid checksum, an explicit label) before shape alone.
    let priority: Int

    init(_ kind: PersonalDataKind, _ range: Range<Int>, priority: Int, replacement: String? = nil) {
        self.kind = kind
        self.range = range
        self.priority = priority
        self.replacement = replacement ?? kind.placeholder
    }
}
