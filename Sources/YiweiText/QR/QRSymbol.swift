// Module layout, data masking and mask evaluation for QR Code Model 2, ISO/IEC 18004:2015 §6.3, §7.7–7.10.
// Part of Yiwei's own QR encoder (see QRCode.swift).

/// The matrix under construction. Coordinates are x = column, y = row, origin top left.
struct Symbol {
    let version: Int
    let size: Int
    private(set) var modules: [Bool]
    /// Modules that are not data: finder, separator, timing, alignment, format and version areas.
    /// Masks and codeword placement must skip these.
    private var isFunction: [Bool]

    init(version: Int) {
        self.version = version
        size = QRTables.size(version: version)
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        // Finder patterns including their one-module light separators (the ring at distance 4).
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx, y = cy + dy
                    guard x >= 0, x < size, y >= 0, y < size else { continue }
                    let ring = max(abs(dx), abs(dy))
                    set(x, y, ring != 2 && ring != 4)
                }
            }
        }
        // Alignment patterns everywhere on the grid except where a finder pattern already sits.
        let centers = QRTables.alignmentCenters(version: version)
        let last = centers.count - 1
        for (i, cx) in centers.enumerated() {
            for (j, cy) in centers.enumerated() {
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
        // Reserve format and version areas, and the fixed dark module, as light. They stay light while
        // masks are evaluated, following the standard's order of steps (masking §7.8 comes before
        // format and version information §7.9–7.10); python-qrcode evaluates exactly this way.
        drawFormatBits(0, darkModule: false)
        if version >= 7 { drawVersionBits(0) }
    }

    /// Writes 15 format bits twice: around the top-left finder, and split between the other two.
    private mutating func drawFormatBits(_ bits: Int, darkModule: Bool) {
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        // The single dark module beside the bottom-left format copy (§7.9.1).
        set(8, size - 8, darkModule)
    }

    /// Writes the 18 version bits into the 6×3 blocks beside the top-right and bottom-left finders.
    private mutating func drawVersionBits(_ bits: Int) {
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            set(a, b, dark)
            set(b, a, dark)
        }
    }

    mutating func drawFormatAndVersion(correction: QRCode.Correction, mask: Int) {
        let data = correction.formatBits << 3 | mask
        // BCH(15,5) with generator 0x537, then XOR 0x5412 so that no valid format word is all light.
        drawFormatBits((data << 10 | Self.bchRemainder(data << 10, generator: 0x537)) ^ 0x5412, darkModule: true)
        if version >= 7 {
            drawVersionBits(version << 12 | Self.bchRemainder(version << 12, generator: 0x1F25))
        }
    }

    private static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = generator.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = value
        while remainder.bitWidth - remainder.leadingZeroBitCount - 1 >= degree {
            remainder ^= generator << (remainder.bitWidth - remainder.leadingZeroBitCount - 1 - degree)
        }
        return remainder
    }

    /// Places codewords most significant bit first in two-module-wide columns, zig-zagging up and
    /// down from the bottom right and stepping over the vertical timing pattern (§7.7.3). Modules
    /// left over (the remainder bits) stay light.
    mutating func place(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in stride(from: right, through: right - 1, by: -1) where !isFunction[y * size + x] && index < bitCount {
                    modules[y * size + x] = (codewords[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    /// XORs the mask onto the data modules; applying it twice restores them.
    mutating func apply(mask: Int) {
        invert(maskPattern(mask))
    }

    private mutating func invert(_ pattern: [Bool]) {
        for i in modules.indices { modules[i] = modules[i] != pattern[i] }
    }

    /// The modules a mask inverts: data modules where Table 10's condition holds. Each condition has
    /// its own loop so that the choice of mask is not re-dispatched for every module.
    private func maskPattern(_ mask: Int) -> [Bool] {
        let size = self.size
        var pattern = [Bool](repeating: false, count: size * size)
        // Table 10 writes the conditions with i = row, j = column.
        func fill(_ condition: (_ i: Int, _ j: Int) -> Bool) {
            for i in 0..<size {
                for j in 0..<size {
                    pattern[i * size + j] = condition(i, j) && !isFunction[i * size + j]
                }
            }
        }
        switch mask {
        case 0: fill { i, j in (i + j) % 2 == 0 }
        case 1: fill { i, _ in i % 2 == 0 }
        case 2: fill { _, j in j % 3 == 0 }
        case 3: fill { i, j in (i + j) % 3 == 0 }
        case 4: fill { i, j in (i / 2 + j / 3) % 2 == 0 }
        case 5: fill { i, j in (i * j) % 2 + (i * j) % 3 == 0 }
        case 6: fill { i, j in ((i * j) % 2 + (i * j) % 3) % 2 == 0 }
        default: fill { i, j in ((i + j) % 2 + (i * j) % 3) % 2 == 0 }
        }
        return pattern
    }

    /// Tries all eight masks and keeps the one with the lowest penalty; ties go to the lower number.
    mutating func lowestPenaltyMask() -> Int {
        var best = 0
        var bestScore = Int.max
        for mask in 0..<8 {
            let pattern = maskPattern(mask)
            invert(pattern)
            let score = penalty()
            invert(pattern)
            if score < bestScore {
                best = mask
                bestScore = score
            }
        }
        return best
    }

    /// The four penalty rules of §7.8.3.1 (Table 11): N1 = 3, N2 = 3, N3 = 40, N4 = 10.
    ///
    /// Rule 3 is ambiguous about the quiet zone. We read it as python-qrcode does: a 1:1:3:1:1 pattern
    /// scores 40 for each side that has four light modules inside the symbol, so the quiet zone is
    /// not counted as light. Encoders that count it (ZXing, segno) may pick a different mask for the
    /// same data; every mask yields a valid symbol, the choice only affects how easily it scans.
    func penalty() -> Int {
        modules.withUnsafeBufferPointer { Self.penalty($0, size: size) }
    }

    private static func penalty(_ modules: UnsafeBufferPointer<Bool>, size: Int) -> Int {
        var score = 0
        for a in 0..<size {
            score += linePenalty(modules, size: size, start: a * size, stride: 1)
            score += linePenalty(modules, size: size, start: a, stride: size)
        }
        // Rule 2: every 2×2 block of one colour, overlapping blocks counted separately; this equals
        // N2·(m−1)·(n−1) summed over maximal m×n blocks. Counting instead of comparing avoids branches.
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let i = y * size + x
                let darkCount = (modules[i] ? 1 : 0) + (modules[i + 1] ? 1 : 0)
                    + (modules[i + size] ? 1 : 0) + (modules[i + size + 1] ? 1 : 0)
                score += darkCount & 3 == 0 ? 3 : 0
            }
        }
        // Rule 4: 10 points for each full 5 % step away from half dark; integer arithmetic keeps the
        // step boundaries exact.
        var dark = 0
        // Summing the bytes (a Bool is stored as 0 or 1) rather than testing each one keeps this loop
        // free of branches.
        for byte in UnsafeRawBufferPointer(modules) { dark &+= Int(byte) }
        let total = size * size
        score += 10 * (abs(dark * 20 - total * 10) / total)
        return score
    }

    /// Rules 1 and 3 along one row or column.
    private static func linePenalty(_ modules: UnsafeBufferPointer<Bool>, size: Int, start: Int, stride: Int) -> Int {
        var score = 0
        var runDark = modules[start]
        var runLength = 0
        var window = 0 // the last 11 modules, oldest in the highest bit
        for k in 0..<size {
            let dark = modules[start + k * stride]
            // Arithmetic instead of branches on the module colour: data modules are close to random,
            // so branches would mispredict about half the time and dominate the encoder's run time.
            let continues = dark == runDark ? 1 : 0
            let scored = runLength >= 5 ? 1 : 0
            score &+= (1 &- continues) &* scored &* (runLength &- 2)
            runLength = continues &* runLength &+ 1
            runDark = dark
            window = (window << 1 | (dark ? 1 : 0)) & 0x7FF
            // dark:light:dark:light:dark = 1:1:3:1:1 followed or preceded by four light modules.
            if k >= 10 && (window == 0b101_1101_0000 || window == 0b000_0101_1101) { score += 40 }
        }
        if runLength >= 5 { score += runLength - 2 }
        return score
    }
}
