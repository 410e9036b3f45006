/// Finds bed numbers: 3床, 12床, 12号床, 加3床, +3床, A12床, 1205-2床, and the value after 床号/床位号/
/// 床位 (床号 5, 床位号：A03). The ward before a bed (内科二病区15床) is kept: it names a place, not a
/// person. Counts are not beds: after 共/有/约/计/余/近/开/设/增 (共40床) nothing is redacted. Beds in
/// Chinese numerals (三床) are not found.
enum BedNumberFinder {
    static let labels = WordList(["床号", "床位号", "床位"])
    static let countWords = UnitSet("共有约计余近开设增张")
    /// After 床位 a number followed by a measure word is a count (床位6张), not a bed.
    static let countedThings = UnitSet("张个间台位人余%")

    static func find(in text: ScanText, into candidates: inout [RedactionCandidate]) {
        var i = 0
        while i < text.count {
            if let length = labels.match(in: text, at: i) {
                let j = text.skippingFiller(from: i + length, limit: 3)
                if let end = bed(text, at: j, needsWord: false), !countedThings.contains(text[end]) {
                    candidates.append(.init(.bed, j..<end, priority: 40))
                    i = end
                    continue
                }
                i += length
                continue
            }
            if let end = bed(text, at: i, needsWord: true), !countWords.contains(text[i - 1]) {
                candidates.append(.init(.bed, i..<end, priority: 40))
                i = end
                continue
            }
            i += 1
        }
    }

    /// `[加|+][A-Z]digits[-digits][号]床` — with 床 required when `needsWord`.
    static func bed(_ text: ScanText, at i: Int, needsWord: Bool) -> Int? {
        var j = i
        if text.is(j, "加") || text.is(j, "+") { j += 1 }
        if text.isLetter(j), text.isDigit(j + 1) { j += 1 }
        guard text.isDigit(j), !text.isAlphanumeric(i - 1), !(text.is(i - 1, ".") || text.is(i - 1, "-")) else { return nil }
        let digitsEnd = text.digitRunEnd(from: j)
        guard digitsEnd - j <= 4 else { return nil }
        j = digitsEnd
        if text.is(j, "-"), text.isDigit(j + 1), text.digitRunEnd(from: j + 1) - j - 1 <= 2 { j = text.digitRunEnd(from: j + 1) }
        if text.is(j, "号"), text.is(j + 1, "床") { j += 1 }
        if text.is(j, "床") { return j + 1 }
        return needsWord || !text.isTokenEnd(j) ? nil : j
    }
}
