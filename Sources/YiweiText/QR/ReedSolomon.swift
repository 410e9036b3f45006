// Reed–Solomon error correction over GF(2^8) as ISO/IEC 18004:2015 §7.5.2 prescribes for QR Code:
// field polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), generator roots α^0 … α^(n−1).
// Part of Yiwei's own QR encoder (see QRCode.swift).

enum ReedSolomon {
    private static let field: (exp: [UInt8], log: [UInt8]) = {
        // exp is doubled so that a product's log sum (at most 508) needs no modulo.
        var exp = [UInt8](repeating: 0, count: 512)
        var log = [UInt8](repeating: 0, count: 256)
        var x = 1
        for i in 0..<255 {
            exp[i] = UInt8(x)
            log[x] = UInt8(i)
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
        }
        for i in 255..<512 { exp[i] = exp[i - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        let field = Self.field
        return field.exp[Int(field.log[Int(a)]) + Int(field.log[Int(b)])]
    }

    /// Coefficients of ∏(x − α^i) for i in 0..<degree, highest power first, without the leading 1.
    static func generator(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 2)
        }
        return result
    }

    /// The error-correction codewords: data·x^n mod generator, by polynomial long division.
    static func remainder(of data: ArraySlice<UInt8>, generator: [UInt8]) -> [UInt8] {
        let field = Self.field
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            guard factor != 0 else { continue }
            let logFactor = Int(field.log[Int(factor)])
            for i in result.indices where generator[i] != 0 {
                result[i] ^= field.exp[Int(field.log[Int(generator[i])]) + logFactor]
            }
        }
        return result
    }
}
