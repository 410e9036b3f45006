/// Finds mobile and landline numbers.
///
/// Mobile: 1[3-9] and 9 more digits, together or as 3-4-4 (space, '-' or '.'), optionally after +86,
/// 0086, (+86) or "86 ". Redacted wherever it stands: a ticket may hold a relative's number as well
/// as a colleague's, and neither belongs in a knowledge article.
///
/// Landline: an area code with its 0 — 010 and 02x take an 8-digit local number, other 0xxx codes 7 or
/// 8 — then the local number (first digit 2–9, may be split 4-4 or 3-4), written (021)12345678,
/// 0571-88776655, 0571 8877 6655 or +86 21 12345678, with an optional extension (-8023, 转8023) that
/// is redacted with it. Without a separator (02112345678) or without an area code (88776655) the
/// number counts only after a phone cue (电话, 座机, 手机, 联系方式 …) a few characters before it.
///
/// Not redacted: hospital extensions (3–6 digits, or anything whose nearest cue is 分机/内线/短号),
/// service numbers (400/800 hotlines, 120, 12345), and digits inside codes, IPs, dates and amounts.
enum PhoneNumberFinder {
    static let phoneCues = WordList([
        "电话", "手机", "座机", "固话", "联系方式", "号码", "致电", "拨打", "回电", "来电", "宅电", "tel", "phone", "联系",
    ])
    static let extensionCues = WordList(["分机", "内线", "短号", "小号", "转"])
    static let cues = WordList([
        "电话", "手机", "座机", "固话", "联系方式", "号码", "致电", "拨打", "回电", "来电", "宅电", "tel", "phone", "联系",
        "分机", "内线", "短号", "小号", "转",
    ])

    static func find(in text: ScanText, into candidates: inout [RedactionCandidate]) {
        var i = 0
        while i < text.count {
            let u = text[i]
            guard u == 0x2B || u == 0x28 || text.isDigit(i), text.isTokenStart(i) else { i += 1; continue }
            if let end = mobile(text, at: i) {
                candidates.append(.init(.mobile, i..<end, priority: 70))
                i = end
            } else if let end = landline(text, at: i) {
                candidates.append(.init(.landline, i..<end, priority: 60))
                i = end
            } else {
                i += 1
            }
        }
    }

    // MARK: mobile

    static func mobile(_ text: ScanText, at i: Int) -> Int? {
        let start = countryCodeEnd(text, at: i, then: { text.is($0, "1") }) ?? i
        guard text.is(start, "1"), (0x33...0x39).contains(text[start + 1]) else { return nil }
        // 11 digits together, or 3-4-4 with one kind of separator.
        if text.digitRunEnd(from: start) == start + 11, text.isTokenEnd(start + 11) { return start + 11 }
        let separator = text[start + 3]
        guard separator == 0x20 || separator == 0x2D || separator == 0x2E,
              text.digitRunEnd(from: start) == start + 3,
              text.digitRunEnd(from: start + 4) == start + 8,
              text[start + 8] == separator,
              text.digitRunEnd(from: start + 9) == start + 13,
              text.isTokenEnd(start + 13)
        else { return nil }
        return start + 13
    }

    /// After +86, 0086, (+86) or "86 "/"86-" at `i` (and one optional space or '-'), where the
    /// national number starts — if `startsNumber` accepts it.
    static func countryCodeEnd(_ text: ScanText, at i: Int, then startsNumber: (Int) -> Bool) -> Int? {
        guard let length = countryCodes.match(in: text, at: i) else { return nil }
        var j = i + length
        let hasSeparator = text.is(j, " ") || text.is(j, "-")
        if hasSeparator { j += 1 }
        if length == 2, !hasSeparator { return nil }  // 8613812345678 is one long number
        return startsNumber(j) ? j : nil
    }

    static let countryCodes = WordList(["(+86)", "+86", "0086", "86"])

    // MARK: landline

    static func landline(_ text: ScanText, at i: Int) -> Int? {
        // (021) 12345678, (0571)88776655
        if text.is(i, "(") {
            guard text.is(i + 1, "0"), let codeEnd = areaCodeEnd(text, at: i + 1), text.is(codeEnd, ")") else { return nil }
            var j = codeEnd + 1
            if text.is(j, " ") || text.is(j, "-") { j += 1 }
            return local(text, at: j, areaCodeLength: codeEnd - i - 1).map { extensionEnd(text, at: $0) }
        }
        // +86 21 12345678, +86-571-88776655
        if let start = countryCodeEnd(text, at: i, then: { areaCodeEnd(text, at: $0, withoutZero: true) != nil }) {
            guard let codeEnd = areaCodeEnd(text, at: start, withoutZero: true) else { return nil }
            var j = codeEnd
            if text.is(j, " ") || text.is(j, "-") { j += 1 }
            return local(text, at: j, areaCodeLength: codeEnd - start + 1).map { extensionEnd(text, at: $0) }
        }
        guard text.isDigit(i) else { return nil }
        // 0571-88776655, 021 1234 5678
        if text.is(i, "0"), let codeEnd = areaCodeEnd(text, at: i) {
            if text.is(codeEnd, "-") || text.is(codeEnd, " "),
               let end = local(text, at: codeEnd + 1, areaCodeLength: codeEnd - i) {
                return extensionEnd(text, at: end)
            }
            // 02112345678 needs a cue: unseparated 0-numbers are also serials and barcodes.
            if let end = local(text, at: codeEnd, areaCodeLength: codeEnd - i), hasPhoneCue(text, before: i) {
                return extensionEnd(text, at: end)
            }
            return nil
        }
        // 88776655 after 电话/座机: a local number without area code.
        if let end = local(text, at: i, areaCodeLength: nil), hasPhoneCue(text, before: i) {
            return extensionEnd(text, at: end)
        }
        return nil
    }

    /// The end of an area code at `i`: 010, 02x (3 digits) or 0[3-9]xx (4 digits); without its 0
    /// after +86: 10, 2x, [3-9]xx.
    static func areaCodeEnd(_ text: ScanText, at i: Int, withoutZero: Bool = false) -> Int? {
        let j = withoutZero ? i : i + 1
        if !withoutZero, !text.is(i, "0") { return nil }
        guard text.isDigit(j), text.isDigit(j + 1) else { return nil }
        if text.is(j, "1") { return text.is(j + 1, "0") ? j + 2 : nil }
        if text.is(j, "2") { return j + 2 }
        guard text.isDigit(j + 2), !text.is(j, "0") else { return nil }
        return j + 3
    }

    /// A local number at `i`: 8 digits after a 3-digit area code (010, 02x), 7 or 8 after a 4-digit
    /// one or without area code; first digit 2–9; together, or split 4-4 / 3-4 / 4-3 by a space or '-'.
    static func local(_ text: ScanText, at i: Int, areaCodeLength: Int?) -> Int? {
        guard text.isDigit(i), !text.is(i, "0"), !text.is(i, "1") else { return nil }
        let allowed: Set<Int> = areaCodeLength == 3 ? [8] : [7, 8]
        let first = text.digitRunEnd(from: i)
        if allowed.contains(first - i), text.isTokenEnd(first) || isExtensionMark(text, at: first) { return first }
        let separator = text[first]
        guard separator == 0x20 || separator == 0x2D, (3...4).contains(first - i) else { return nil }
        let second = text.digitRunEnd(from: first + 1)
        guard (3...4).contains(second - first - 1), allowed.contains(first - i + second - first - 1),
              text.isTokenEnd(second) || isExtensionMark(text, at: second)
        else { return nil }
        return second
    }

    static func isExtensionMark(_ text: ScanText, at i: Int) -> Bool {
        (text.is(i, "-") || text.is(i, "转")) && text.isDigit(i + 1)
    }

    /// Includes an extension (-8023, 转8023) of 1–5 digits after a landline.
    static func extensionEnd(_ text: ScanText, at end: Int) -> Int {
        guard isExtensionMark(text, at: end) else { return end }
        let digitsEnd = text.digitRunEnd(from: end + 1)
        return digitsEnd - end - 1 <= 5 && text.isTokenEnd(digitsEnd) ? digitsEnd : end
    }

    /// Whether the nearest cue before `i` says phone (电话, 座机 …) rather than extension (分机, 内线).
    static func hasPhoneCue(_ text: ScanText, before i: Int) -> Bool {
        guard let cue = cues.nearest(in: text, before: i, window: 8) else { return false }
        return extensionCues.match(in: text, endingAt: cue.upperBound) != cue.count
    }
}
