import Foundation
import Testing
@testable import Yiwei
import YiweiCore

/// Every UI text the code asks for exists in both locale files, and a key that is missing anyway shows
/// as the key instead of stopping the server.
@Suite("UI texts: every key in both locales, a missing one never crashes")
struct LocaleKeysTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func table(_ locale: String) throws -> [String: String] {
        let url = root.appendingPathComponent("Sources/Yiwei/Resources/Locales/\(locale).json")
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }

    static func files(under folder: String, ending suffix: String) throws -> [String] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return try walker.compactMap { $0 as? String }.filter { $0.hasSuffix(suffix) }
            .map { try String(contentsOf: base.appendingPathComponent($0), encoding: .utf8) }
    }

    static func matches(_ pattern: String, in texts: [String]) throws -> Set<String> {
        let regex = try NSRegularExpression(pattern: pattern)
        var found = Set<String>()
        for text in texts {
            let range = NSRange(text.startIndex..., in: text)
            for m in regex.matches(in: text, range: range) {
                if let r = Range(m.range(at: 1), in: text) { found.insert(String(text[r])) }
            }
        }
        return found
    }

    /// Keys written out in the Swift code (`t[text: "…"]`, `t["…"]`, `strings["…"]`, `text("…", …)`) and in
    /// the templates (`t.key`), plus the families the code builds from an enum's cases.
    static func keysTheCodeUses() throws -> Set<String> {
        let swift = try files(under: "Sources/Yiwei", ending: ".swift")
        let leaf = try files(under: "Sources/Yiwei/Resources/Views", ending: ".leaf")
        var keys = try matches(#"\bt\[(?:text: )?"([a-z][a-z0-9_]*)"\]"#, in: swift)
        keys.formUnion(try matches(#"\bstrings\["([a-z][a-z0-9_]*)"\]"#, in: swift))
        keys.formUnion(try matches(#"\.t\.([a-z][a-z0-9_]*)"#, in: leaf))
        keys.formUnion(Role.allCases.map { "role_" + $0.rawValue })
        keys.formUnion(ServiceDomainNames.all.map { "domain_" + $0 })
        keys.formUnion(Criticality.allCases.map { "criticality_" + $0.rawValue })
        keys.formUnion(InterruptionKind.allCases.map { "outage_kind_" + $0.rawValue })
        keys.formUnion(KBVisibility.allCases.map { "kb_visibility_" + $0.rawValue })
        keys.formUnion(KBRevisionStatus.allCases.map { "kb_revision_status_" + $0.rawValue })
        keys.formUnion(TicketLinkType.allCases.map { "link_type_" + $0.rawValue })
        keys.formUnion(EscalationRecipient.allCases.map { "esc_to_" + $0.rawValue })
        keys.formUnion(AttendanceStatus.allCases.map { "ev_att_" + $0.rawValue })
        keys.formUnion(DeliverableType.allCases.map { "ev_type_" + $0.rawValue })
        keys.formUnion(DeliverableStatus.allCases.map { "ev_deliverable_status_" + $0.rawValue })
        keys.formUnion(Weekday.allCases.flatMap { ["weekday_" + $0.rawValue, "weekday_short_" + $0.rawValue] })
        keys.formUnion(SubscriptionService.deliveries.map { "delivery_" + $0 })
        keys.formUnion((1...5).map { "rating_\($0)" })
        keys.formUnion(SystemHealth.pageKeys.flatMap { [$0, $0 + "_detail"] })
        return keys
    }

    @Test("every key the code and the templates use is in zh-CN.json and in en.json")
    func everyKeyInBothLocales() throws {
        let zh = try Self.table("zh-CN"), en = try Self.table("en")
        let used = try Self.keysTheCodeUses()
        #expect(used.count > 800, "the scan found the keys (\(used.count))")
        #expect(used.subtracting(zh.keys).sorted() == [])
        #expect(used.subtracting(en.keys).sorted() == [])
        #expect(Set(zh.keys).symmetricDifference(en.keys).sorted() == [], "the two files have the same keys")
        #expect(zh.filter { $0.value.isEmpty }.keys.sorted() == [], "no empty Chinese text")
    }

    @Test("a key missing from the locale files shows as the key and is reported, not a crash")
    func missingKeyShowsTheKey() throws {
        let strings = try Self.table("zh-CN")
        #expect(strings[text: "nav_desk"] == strings["nav_desk"])
        #expect(strings[text: "no_such_key_in_any_locale"] == "no_such_key_in_any_locale")
        #expect(MissingUIText.keys.contains("no_such_key_in_any_locale"))
    }
}
