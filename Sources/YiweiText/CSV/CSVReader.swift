import Foundation

/// Reads CSV (RFC 4180) as spreadsheets write it: comma-separated, fields optionally in double quotes
/// with `""` for a quote, line breaks inside quoted fields, CRLF or LF line ends, and a UTF-8 byte-order mark.
/// Files saved by Excel on a Chinese Windows are GB 18030 (GBK), not UTF-8: `decode` reads both.
public enum CSVReader {
    public enum Problem: Error, Equatable, Sendable {
        /// The bytes are neither UTF-8 nor GB 18030.
        case unknownEncoding
        /// A quoted field is not closed before the end of the file (the line where it started).
        case unclosedQuote(line: Int)
    }

    /// The text of a CSV file: UTF-8 (with or without a BOM), else GB 18030.
    public static func decode(_ bytes: [UInt8]) throws -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return text }
        // kCFStringEncodingGB_18030_2000 as an NSStringEncoding.
        if let text = String(bytes: body, encoding: String.Encoding(rawValue: 0x8000_0632)) { return text }
        throw Problem.unknownEncoding
    }

    /// The records of the text, each a list of fields. Empty lines are skipped.
    public static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var line = 1, quoteLine = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            record.append(field)
            if !(record.count == 1 && record[0].isEmpty && !wasQuoted) { records.append(record) }
            record = []; field = ""; wasQuoted = false
        }
        while let c = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = scalars.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true; wasQuoted = true; quoteLine = line
            case ",":
                record.append(field); field = ""; wasQuoted = false
            case "\r":
                let next = scalars.next()
                if next != "\n" { pending = next }
                endRecord(); line += 1
            case "\n":
                endRecord(); line += 1
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw Problem.unclosedQuote(line: quoteLine) }
        if !field.isEmpty || !record.isEmpty || wasQuoted { endRecord() }
        return records
    }
}
