// Capacity tables and symbol geometry for QR Code Model 2, ISO/IEC 18004:2015.
// Part of Yiwei's own QR encoder (see QRCode.swift).

enum QRTables {
    // ISO/IEC 18004:2015 Table 9, transcribed per level as [L, M, Q, H]; index 0 is unused so that a
    // version number indexes directly. QRCodeTests checks every version/level against python-qrcode.
    static let eccCodewordsPerBlock: [[Int]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    static let errorCorrectionBlocks: [[Int]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    static func size(version: Int) -> Int { 17 + 4 * version }

    /// Modules left for codewords once every function pattern, format and version area is taken.
    /// Derived from the geometry rather than tabulated, so it cannot drift from the layout code;
    /// the remainder bits (0, 3, 4 or 7) are what is left after dividing by 8.
    static func rawDataModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func totalCodewords(version: Int) -> Int { rawDataModules(version: version) / 8 }

    static func dataCodewords(version: Int, correction: QRCode.Correction) -> Int {
        let level = correction.tableIndex
        return totalCodewords(version: version)
            - eccCodewordsPerBlock[level][version] * errorCorrectionBlocks[level][version]
    }

    /// Byte mode's character-count field grows from 8 to 16 bits at version 10.
    static func characterCountBits(version: Int) -> Int { version < 10 ? 8 : 16 }

    /// Centre coordinates of alignment patterns along one axis (ISO/IEC 18004:2015 Annex E).
    /// The standard's table follows this rule: evenly spaced even steps from the far edge, with
    /// whatever is left over absorbed by the first gap next to the timing pattern at 6.
    static func alignmentCenters(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var centers = [6]
        var position = size(version: version) - 7
        while centers.count < count {
            centers.insert(position, at: 1)
            position -= step
        }
        return centers
    }
}
