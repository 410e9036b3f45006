import Foundation

extension UUID {
    /// A UUID version 7 (RFC 9562): the Unix time in milliseconds in the first 48 bits, then the version, 12 bits
    /// of `a`, the variant and 62 bits of `b`.
    ///
    /// Rows that get such ids as they are written are appended at the end of their primary key's index instead
    /// of landing on a random page of it: with a million tickets a random id touched (and wrote back to the
    /// write-ahead log) a different index page for nearly every new ticket, event and audit row.
    public init(version7Milliseconds ms: UInt64, a: UInt16, b: UInt64) {
        self.init(uuid: (UInt8(truncatingIfNeeded: ms >> 40), UInt8(truncatingIfNeeded: ms >> 32), UInt8(truncatingIfNeeded: ms >> 24),
                         UInt8(truncatingIfNeeded: ms >> 16), UInt8(truncatingIfNeeded: ms >> 8), UInt8(truncatingIfNeeded: ms),
                         0x70 | UInt8(truncatingIfNeeded: a >> 8) & 0x0F, UInt8(truncatingIfNeeded: a),
                         0x80 | UInt8(truncatingIfNeeded: b >> 56) & 0x3F, UInt8(truncatingIfNeeded: b >> 48),
                         UInt8(truncatingIfNeeded: b >> 40), UInt8(truncatingIfNeeded: b >> 32), UInt8(truncatingIfNeeded: b >> 24),
                         UInt8(truncatingIfNeeded: b >> 16), UInt8(truncatingIfNeeded: b >> 8), UInt8(truncatingIfNeeded: b)))
    }

    /// A new time-ordered id for a row written now: the current millisecond and 74 random bits (as unguessable
    /// as a version 4 id within the millisecond, which the ticket's creation time already tells).
    public static func timeOrdered(at now: Date = Date()) -> UUID {
        var random = SystemRandomNumberGenerator()
        return UUID(version7Milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)), a: random.next(), b: random.next())
    }

    /// The millisecond a version 7 id was made in (nil for other versions).
    public var version7Milliseconds: UInt64? {
        let u = uuid
        guard u.6 >> 4 == 7 else { return nil }
        return [u.0, u.1, u.2, u.3, u.4, u.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}

extension UUID {
    /// `E621E1F8-C36C-495A-93FC-0C247A3E6E5F` (either case) read by hand: a queue page reads hundreds of ids stored
    /// as text, and `UUID(uuidString:)` on Linux parses each with `sscanf`. Nil for anything else.
    public static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { utf8 -> UUID? in
            guard utf8.count == 36 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 16)
            var out = 0, index = 0
            while index < 36 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard utf8[index] == UInt8(ascii: "-") else { return nil }
                    index += 1
                    continue
                }
                guard let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1]) else { return nil }
                bytes[out] = high << 4 | low
                out += 1
                index += 2
            }
            return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
