import Foundation
import Vapor

/// The one CSV writer of Yiwei, for every export (reports, downtime). RFC 4180 with what Excel on a Chinese
/// Windows needs:
/// - UTF-8 with a byte order mark (EF BB BF): without it Excel reads the file as GBK and shows mojibake;
/// - CRLF line ends; a field with a comma, a quote, CR or LF is quoted, quotes doubled;
/// - formula injection: a text cell starting with `=`, `+`, `-`, `@`, TAB or CR gets a leading apostrophe, so
///   Excel shows it as text instead of running it (OWASP "CSV injection"). Numbers are written by `number`,
///   which is never guarded, so a negative figure stays a number.
struct CSVWriter {
    private(set) var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    enum Cell {
        case text(String)
        case number(String)
    }

    init(header: [String]) {
        row(header)
    }

    /// A row of text cells.
    mutating func row(_ cells: [String]) {
        cellsRow(cells.map { .text($0) })
    }

    mutating func cellsRow(_ cells: [Cell]) {
        var line = ""
        line.reserveCapacity(cells.count * 16)
        for (index, cell) in cells.enumerated() {
            if index > 0 { line += "," }
            switch cell {
            case .text(let value): line += Self.field(Self.guarded(value))
            case .number(let value): line += Self.field(value)
            }
        }
        line += "\r\n"
        bytes += Array(line.utf8)
    }

    /// A text that a spreadsheet could take for a formula gets a leading apostrophe.
    static func guarded(_ value: String) -> String {
        guard let first = value.unicodeScalars.first else { return value }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first) ? "'" + value : value
    }

    static func field(_ value: String) -> String {
        // Bytes, not characters: a comma, a quote, LF or CR (UTF-8 never uses these bytes inside a multi-byte character).
        let needsQuotes = value.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        return needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// A number with at most `digits` decimals and no grouping ("0.8571", "12", ""), for figures that may be absent.
    static func number(_ value: Double?, digits: Int = 4) -> Cell {
        guard let value, value.isFinite else { return .number("") }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return .number(text == "-0" ? "0" : text)
    }

    static func number(_ value: Int) -> Cell { .number(String(value)) }

    /// The download: `text/csv; charset=utf-8`, an attachment named `fileName` (Chinese is fine: RFC 6266/5987
    /// `filename*`), with `asciiFallback` as the plain `filename` for clients that do not read `filename*`.
    func response(fileName: String, asciiFallback: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: Self.contentDisposition(fileName: fileName, asciiFallback: asciiFallback))
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: Data(bytes)))
    }

    static func contentDisposition(fileName: String, asciiFallback: String) -> String {
        let safeASCII = asciiFallback.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 && $0 != ";" }
        // RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; everything else percent-encoded.
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: allowed) ?? String(String.UnicodeScalarView(safeASCII))
        return "attachment; filename=\"\(String(String.UnicodeScalarView(safeASCII)))\"; filename*=UTF-8''\(encoded)"
    }
}
