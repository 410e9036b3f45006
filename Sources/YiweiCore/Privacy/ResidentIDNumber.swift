/// Resident identity card numbers (公民身份号码, GB 11643-1999): 6-digit region code, 8-digit birth
/// date, 3-digit sequence, and a check character computed from the first 17 digits (ISO 7064 MOD 11-2).
public enum ResidentIDNumber {
    /// Weight of each of the first 17 digits: 2^(17-i) mod 11.
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character for each value of (Σ digit × weight) mod 11.
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for the first 17 digits (given as numbers 0–9).
    public static func checkCharacter(first17 digits: [Int]) -> Character {
        precondition(digits.count == 17, "a resident ID has 17 digits before its check character")
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Whether `number` is a well-formed 18-character resident ID: a province-level region code in
    /// use, a real birth date from 1900 to 2099, and the right check character (X or x for ten).
    public static func isValid(_ number: String) -> Bool {
        let chars = Array(number.utf16)
        guard chars.count == 18 else { return false }
        return isValid(chars)
    }

    /// As `isValid(_:)`, on 18 ASCII units.
    static func isValid(_ chars: [UInt16]) -> Bool {
        guard hasPlausibleRegionAndBirthDate(chars), let check = checkValue(chars) else { return false }
        return check
    }

    /// Whether the first 17 of 18 units are digits and the 18th matches their check character; nil
    /// when the shape is wrong.
    static func checkValue(_ chars: [UInt16]) -> Bool? {
        guard chars.count == 18 else { return nil }
        var digits: [Int] = []
        for u in chars.prefix(17) {
            guard ScanText.isDigit(u) else { return nil }
            digits.append(Int(u) - 0x30)
        }
        let last = chars[17]
        let given: Character
        if ScanText.isDigit(last) {
            given = Character(Unicode.Scalar(UInt8(last)))
        } else if last == 0x58 || last == 0x78 {
            given = "X"
        } else {
            return nil
        }
        return checkCharacter(first17: digits) == given
    }

    /// Region code of a province-level division (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, and 81–83
    /// for Hong Kong, Macao and Taiwan residence permits) and a real birth date; `chars` holds an
    /// 18-digit number (YYYYMMDD at 6) or a 15-digit pre-1999 one (YYMMDD at 6, 19YY).
    static func hasPlausibleRegionAndBirthDate(_ chars: [UInt16]) -> Bool {
        guard chars.count == 18 || chars.count == 15, chars.prefix(chars.count == 18 ? 17 : 15).allSatisfy(ScanText.isDigit)
        else { return false }
        func value(_ range: Range<Int>) -> Int { chars[range].reduce(0) { $0 * 10 + Int($1) - 0x30 } }
        guard provinces.contains(value(0..<2)) else { return false }
        let year = chars.count == 18 ? value(6..<10) : 1900 + value(6..<8)
        let month = chars.count == 18 ? value(10..<12) : value(8..<10)
        let day = chars.count == 18 ? value(12..<14) : value(10..<12)
        guard (1900...2099).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= daysInMonth
    }

    static let provinces: Set<Int> = Set(
        [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
         50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
    )
}

/// Finds resident ID numbers. A number is an ID when it has 18 characters (17 digits and a digit or
/// X), written together or in groups split by one kind of separator (110105 19491231 002X), not part
/// of a longer code, and is valid (`ResidentIDNumber.isValid`). After an ID cue (身份证, 证件号 …) a
/// number with the right shape, region and birth date is an ID even when its check character is
/// wrong (a typo), and so is a 15-digit pre-1999 number. A disability certificate number (残疾人证号,
/// a valid ID followed by category 1–7 and grade 1–4) is redacted whole. Anything else — a failed
/// checksum with no cue, an impossible date — is left alone: order, invoice and specimen numbers are
/// often 18 digits.
enum ResidentIDFinder {
    static let cues = WordList(["身份证", "身份证号", "身份证号码", "证件号", "证件号码", "身份号码", "公民身份号码", "ID card", "idcard"])

    static func find(in text: ScanText, into candidates: inout [RedactionCandidate]) {
        var i = 0
        while i < text.count {
            guard text.isDigit(i), text.isTokenStart(i) else { i += 1; continue }
            // 残疾人证号: the ID and two digits (category 1–7, grade 1–4), redacted whole.
            if text.digitRunEnd(from: i) == i + 20, text.isTokenEnd(i + 20), (0x31...0x37).contains(text[i + 18]),
               (0x31...0x34).contains(text[i + 19]), ResidentIDNumber.isValid(Array(text.units[i..<(i + 18)])) {
                candidates.append(.init(.residentId, i..<(i + 20), priority: 100))
                i += 20
                continue
            }
            if let (end, chars) = readGrouped(text, from: i) {
                if chars.count == 18, ResidentIDNumber.isValid(chars) {
                    candidates.append(.init(.residentId, i..<end, priority: 100))
                    i = end
                    continue
                }
                if chars.count == 18 || chars.count == 15,
                   ResidentIDNumber.hasPlausibleRegionAndBirthDate(chars),
                   cues.nearest(in: text, before: i, window: 10) != nil {
                    candidates.append(.init(.residentId, i..<end, priority: 95))
                    i = end
                    continue
                }
            }
            i = text.digitRunEnd(from: i)
        }
    }

    /// Reads up to 18 digits from `i` (the 18th may be X), in at most 5 groups separated by one kind of
    /// separator (space or '-'), and returns where it ended and the characters without separators —
    /// only when it ends as a whole token with 15 or 18 characters.
    static func readGrouped(_ text: ScanText, from i: Int) -> (Int, [UInt16])? {
        var chars: [UInt16] = []
        var j = i
        var separator: UInt16?
        var groups = 0
        while true {
            while text.isDigit(j), chars.count < 18 {
                chars.append(text[j])
                j += 1
            }
            if chars.count == 17, text.is(j, "X") || text.is(j, "x") {
                chars.append(0x58)
                j += 1
            }
            groups += 1
            guard chars.count < 18, groups < 5 else { break }
            let u = text[j]
            guard u == 0x20 || u == 0x2D, separator == nil || separator == u, text.isDigit(j + 1) else { break }
            separator = u
            j += 1
        }
        guard chars.count == 18 || (chars.count == 15 && !chars.contains(0x58)), text.isTokenEnd(j) else { return nil }
        return (j, chars)
    }
}
