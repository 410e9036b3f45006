// SVG rendering for Yiwei's own QR encoder (ISO/IEC 18004:2015; see QRCode.swift).

extension QRCode {
    /// A standalone SVG document, usable inline in HTML or served as `image/svg+xml`.
    ///
    /// The path is drawn in module units and scaled by `viewBox`, so coordinates stay short integers;
    /// each horizontal run of dark modules is one rectangle. `crispEdges` stops renderers from
    /// anti-aliasing the seams between runs into grey lines that confuse scanners. The standard asks
    /// for a quiet zone of at least 4 modules; smaller values are allowed for layouts that supply
    /// their own white margin. `dark` and `light` are CSS colours and are escaped for the attribute.
    public func svg(moduleSize: Int = 8, quietZone: Int = 4, dark: String = "#000", light: String = "#fff") -> String {
        let moduleSize = max(1, moduleSize)
        let quietZone = max(0, quietZone)
        let extent = size + 2 * quietZone
        let pixels = extent * moduleSize
        // Built as bytes: interpolating a String per run took about three times as long.
        var path: [UInt8] = []
        path.reserveCapacity(size * size)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size && isDark(x: x, y: y) { x += 1 }
                path.append(UInt8(ascii: "M"))
                Self.appendDecimal(start + quietZone, to: &path)
                path.append(UInt8(ascii: " "))
                Self.appendDecimal(y + quietZone, to: &path)
                path.append(UInt8(ascii: "h"))
                Self.appendDecimal(x - start, to: &path)
                path.append(contentsOf: "v1h-".utf8)
                Self.appendDecimal(x - start, to: &path)
                path.append(UInt8(ascii: "z"))
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\" "
            + "viewBox=\"0 0 \(extent) \(extent)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(extent)\" height=\"\(extent)\" fill=\"\(Self.escapeAttribute(light))\"/>"
            + "<path fill=\"\(Self.escapeAttribute(dark))\" d=\"\(String(decoding: path, as: UTF8.self))\"/></svg>"
    }

    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    private static func escapeAttribute(_ value: String) -> String { HTMLEscaping.escape(value) }
}
