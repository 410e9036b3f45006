// QR Code Model 2 encoder following ISO/IEC 18004:2015 (byte mode, versions 1–40, levels L/M/Q/H).
//
// This is Yiwei's own implementation, not a third-party package: hospital intranets we deploy into are
// usually offline, and the "扫码报修" labels for devices and rooms are rendered on the server.
// Tables live in QRTables.swift, the error-correction arithmetic in ReedSolomon.swift, SVG output in
// QRCode+SVG.swift. QRCodeTests compares the output module by module with python-qrcode.

public struct QRCode: Sendable, Equatable {
    /// Error-correction level; higher levels survive more damage (L ≈ 7 %, M ≈ 15 %, Q ≈ 25 %,
    /// H ≈ 30 % of codewords) at the cost of a larger symbol.
    public enum Correction: Sendable, CaseIterable, Hashable, CustomStringConvertible {
        case low, medium, quartile, high

        /// Row in the capacity tables, which the standard orders L, M, Q, H.
        var tableIndex: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .quartile: 2
            case .high: 3
            }
        }

        /// The two bits in the format information; deliberately not in L, M, Q, H order (Table 12).
        var formatBits: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }

        public var description: String {
            switch self {
            case .low: "L"
            case .medium: "M"
            case .quartile: "Q"
            case .high: "H"
            }
        }
    }

    /// Thrown when the data needs more room than the largest allowed symbol has.
    public struct DataTooLongError: Error, Sendable, Equatable, CustomStringConvertible {
        public let byteCount: Int
        /// The most bytes that fit at this correction level (in a version 40 symbol, unless a
        /// smaller version was forced).
        public let capacity: Int
        public let correction: Correction

        public var description: String {
            "QR code data too long: \(byteCount) bytes, at most \(capacity) bytes fit at error-correction level \(correction)"
        }
    }

    public static let versions = 1...40

    /// 1…40; the symbol is 17 + 4·version modules wide.
    public let version: Int
    public let size: Int
    /// The data mask pattern 0…7 that was applied.
    public let mask: Int
    public let correction: Correction
    /// Row-major, `true` = dark.
    private let modules: [Bool]

    /// Encodes the UTF-8 bytes of `text` in byte mode in the smallest symbol that holds them.
    /// Scanners on current phones read UTF-8 in byte mode without an ECI header, so none is added.
    public init(text: String, correction: Correction = .medium) throws {
        try self.init(bytes: Array(text.utf8), correction: correction, version: nil, mask: nil)
    }

    public init(bytes: [UInt8], correction: Correction = .medium) throws {
        try self.init(bytes: bytes, correction: correction, version: nil, mask: nil)
    }

    /// Forcing a version or mask exists for tests that compare against a reference encoder with the
    /// same choices; production code lets the encoder pick.
    init(bytes: [UInt8], correction: Correction, version forcedVersion: Int?, mask forcedMask: Int?) throws {
        precondition(forcedMask.map { (0..<8).contains($0) } ?? true, "mask must be 0…7")
        let candidates = forcedVersion.map { $0...$0 } ?? Self.versions
        guard let version = candidates.first(where: { bytes.count <= Self.byteCapacity(version: $0, correction: correction) }) else {
            throw DataTooLongError(byteCount: bytes.count,
                                   capacity: Self.byteCapacity(version: candidates.upperBound, correction: correction),
                                   correction: correction)
        }
        let codewords = Self.interleavedCodewords(
            data: Self.dataCodewords(bytes: bytes, version: version, correction: correction),
            version: version, correction: correction)

        var symbol = Symbol(version: version)
        symbol.place(codewords)
        let mask = forcedMask ?? symbol.lowestPenaltyMask()
        symbol.apply(mask: mask)
        symbol.drawFormatAndVersion(correction: correction, mask: mask)

        self.version = version
        self.size = symbol.size
        self.mask = mask
        self.correction = correction
        self.modules = symbol.modules
    }

    /// `true` for a dark module. Coordinates outside the symbol are light, as the quiet zone is.
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// How many bytes byte mode can hold in one symbol of this version and level.
    public static func byteCapacity(version: Int, correction: Correction) -> Int {
        precondition(versions.contains(version), "QR versions run from 1 to 40")
        let bits = QRTables.dataCodewords(version: version, correction: correction) * 8
            - 4 - QRTables.characterCountBits(version: version)
        return bits / 8
    }

    // MARK: - Codewords

    /// Mode indicator, count, data, terminator and the alternating pad bytes 0xEC 0x11 (§7.4).
    static func dataCodewords(bytes: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let capacity = QRTables.dataCodewords(version: version, correction: correction)
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: QRTables.characterCountBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacity * 8 - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var result = bits.bytes
        var pad: UInt8 = 0xEC
        while result.count < capacity {
            result.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return result
    }

    /// Splits data into blocks, appends each block's Reed–Solomon codewords, and interleaves them
    /// (§7.6) so that a local smudge spreads across blocks instead of wiping out one of them.
    static func interleavedCodewords(data: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let blockCount = QRTables.errorCorrectionBlocks[correction.tableIndex][version]
        let eccLength = QRTables.eccCodewordsPerBlock[correction.tableIndex][version]
        let total = QRTables.totalCodewords(version: version)
        // When the codewords do not divide evenly, the later blocks carry one extra data codeword.
        let shortBlocks = blockCount - total % blockCount
        let shortDataLength = total / blockCount - eccLength
        let generator = ReedSolomon.generator(degree: eccLength)

        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<blockCount {
            let length = shortDataLength + (index < shortBlocks ? 0 : 1)
            let block = data[start..<start + length]
            start += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(of: block, generator: generator))
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for i in 0...shortDataLength {
            for block in dataBlocks where i < block.count {
                result.append(block[block.startIndex + i])
            }
        }
        for i in 0..<eccLength {
            for block in eccBlocks { result.append(block[i]) }
        }
        return result
    }
}

/// Appends big-endian bit fields and packs them into bytes.
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count bitCount: Int) {
        for shift in stride(from: bitCount - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}
