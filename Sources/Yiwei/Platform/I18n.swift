import Foundation
import LeafKit
import Logging
import NIOConcurrencyHelpers

/// UI strings per locale, loaded once from `Locales/<locale>.json`. English falls back to Chinese for a
/// key it lacks, so a missing translation never shows a raw key to a Chinese user.
public struct I18n: Sendable {
    public static let locales = ["zh-CN", "en"]
    private let tables: [String: [String: String]]
    /// The same tables as template data, made once: every page hands its locale's strings to its template.
    private let leafTables: [String: LeafData]

    public init(directory: String) throws {
        var tables: [String: [String: String]] = [:]
        for locale in Self.locales {
            let url = URL(fileURLWithPath: directory + locale + ".json")
            let data = try Data(contentsOf: url)
            tables[locale] = try JSONDecoder().decode([String: String].self, from: data)
        }
        let chinese = tables["zh-CN"] ?? [:]
        tables["en"] = chinese.merging(tables["en"] ?? [:]) { _, english in english }
        self.tables = tables
        leafTables = tables.mapValues { .dictionary($0.mapValues { .string($0) }) }
    }

    func leafStrings(_ locale: String) -> LeafData {
        leafTables[locale] ?? leafTables["zh-CN"] ?? .dictionary([:])
    }

    public func strings(_ locale: String) -> [String: String] {
        tables[locale] ?? tables["zh-CN"] ?? [:]
    }

    public func text(_ key: String, _ locale: String) -> String {
        strings(locale)[key] ?? key
    }
}

extension Dictionary where Key == String, Value == String {
    /// A UI text of a locale table by key. A key missing from the locale files is logged (once per key) and
    /// shown as the key itself: a forgotten translation shows a wrong word, it never stops the server.
    subscript(text key: String) -> String {
        if let value = self[key] { return value }
        MissingUIText.report(key)
        return key
    }
}

/// Keys asked for but absent from the locale files, each logged once.
enum MissingUIText {
    private static let reported = NIOLockedValueBox(Set<String>())
    private static let logger = Logger(label: "yiwei.i18n")

    static func report(_ key: String) {
        let first = reported.withLockedValue { $0.insert(key).inserted }
        if first { logger.error("UI text missing from the locale files", metadata: ["key": .string(key)]) }
    }

    /// The keys reported so far (tests read it).
    static var keys: Set<String> { reported.withLockedValue { $0 } }
}

extension String {
    /// The text with the first `placeholder` (`{d}`) replaced by `value` — for texts filled once per row of a list,
    /// where Foundation's `replacingOccurrences` (bridged through NSString on Linux) cost more than the row.
    func filling(_ placeholder: String, with value: String) -> String {
        let text = Array(utf8), mark = Array(placeholder.utf8)
        guard !mark.isEmpty, text.count >= mark.count else { return self }
        for start in 0...(text.count - mark.count) where text[start] == mark[0] && text[start..<(start + mark.count)].elementsEqual(mark) {
            return String(decoding: text[..<start] + Array(value.utf8) + text[(start + mark.count)...], as: UTF8.self)
        }
        return self
    }
}
