/// One value replaced by the de-identifier.
///
/// Offsets are UTF-16 code units, because the review page highlights with JavaScript, whose string
/// indices are UTF-16 code units (`text.slice(range.lowerBound, range.upperBound)`). Swift callers
/// convert with `String.Index(utf16Offset:in:)` or the helpers below.
public struct Redaction: Sendable, Equatable, Codable {
    public let kind: PersonalDataKind
    /// Where `original` is in the input text (UTF-16 code units).
    public let range: Range<Int>
    /// The text that was removed, exactly as it appeared (full-width digits stay full-width).
    public let original: String
    /// The placeholder put in its place, e.g. 【手机号】.
    public let replacement: String
    /// Where `replacement` is in `DeidentifiedText.text` (UTF-16 code units).
    public let replacementRange: Range<Int>

    public init(
        kind: PersonalDataKind, range: Range<Int>, original: String, replacement: String, replacementRange: Range<Int>
    ) {
        self.kind = kind
        self.range = range
        self.original = original
        self.replacement = replacement
        self.replacementRange = replacementRange
    }

    /// `range` as indices of the original text.
    public func originalIndices(in original: String) -> Range<String.Index> {
        String.Index(utf16Offset: range.lowerBound, in: original)..<String.Index(utf16Offset: range.upperBound, in: original)
    }

    /// `replacementRange` as indices of the de-identified text.
    public func replacementIndices(in result: String) -> Range<String.Index> {
        String.Index(utf16Offset: replacementRange.lowerBound, in: result)
            ..< String.Index(utf16Offset: replacementRange.upperBound, in: result)
    }
}

/// The de-identified text and every replacement made in it, in text order.
public struct DeidentifiedText: Sendable, Equatable, Codable {
    public let text: String
    public let redactions: [Redaction]

    public init(text: String, redactions: [Redaction]) {
        self.text = text
        self.redactions = redactions
    }
}
