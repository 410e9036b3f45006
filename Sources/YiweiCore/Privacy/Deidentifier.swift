/// Replaces patient data in free text (ticket descriptions, solutions, knowledge articles) with
/// readable placeholders — 【患者姓名】, 【身份证号】, 【手机号】, 【电话】, 【住院号】, 【床号】, 【地址】 —
/// before a person reviews the text (KB-4) or it leaves the system in an export or report (SEC-4).
///
/// It leans towards redacting: ID and phone numbers are found by their shape and checksum wherever
/// they stand; names, record numbers and beds by the words around them. docs/deidentification.md
/// gives the rules per kind, what is deliberately left alone, and the measured precision and recall.
/// Full-width digits, letters and punctuation (１３８，：) count as their ASCII forms; redactions keep
/// the original characters and report UTF-16 offsets in both texts (`Redaction`).
public struct Deidentifier: Sendable {
    /// The kinds of data to find; the others are left in the text.
    public let kinds: Set<PersonalDataKind>

    public init(kinds: Set<PersonalDataKind> = Set(PersonalDataKind.allCases)) {
        self.kinds = kinds
    }

    public func deidentify(_ text: String) -> DeidentifiedText {
        let scan = ScanText(text)
        guard scan.count > 0 else { return DeidentifiedText(text: text, redactions: []) }
        var candidates: [RedactionCandidate] = []
        if kinds.contains(.residentId) { ResidentIDFinder.find(in: scan, into: &candidates) }
        if kinds.contains(.mobile) || kinds.contains(.landline) { PhoneNumberFinder.find(in: scan, into: &candidates) }
        if kinds.contains(.medicalRecordNumber) { RecordNumberFinder.find(in: scan, into: &candidates) }
        if kinds.contains(.medicalRecordNumber) || kinds.contains(.patientName) {
            HL7PatientSegmentFinder.find(in: scan, into: &candidates)
        }
        if kinds.contains(.bed) { BedNumberFinder.find(in: scan, into: &candidates) }
        if kinds.contains(.address) { AddressFinder.find(in: scan, into: &candidates) }
        if kinds.contains(.patientName) { PatientNameFinder.find(in: scan, into: &candidates) }
        candidates.removeAll { !kinds.contains($0.kind) }
        guard !candidates.isEmpty else { return DeidentifiedText(text: text, redactions: []) }
        return apply(Self.resolveOverlaps(candidates), to: scan.original)
    }

    /// Keeps the strongest of overlapping candidates: higher priority, then longer, then earlier.
    /// Returns them in text order.
    static func resolveOverlaps(_ candidates: [RedactionCandidate]) -> [RedactionCandidate] {
        let ranked = candidates.sorted {
            ($0.priority, $0.range.count, -$0.range.lowerBound) > ($1.priority, $1.range.count, -$1.range.lowerBound)
        }
        var kept: [RedactionCandidate] = []  // in text order, never overlapping
        for candidate in ranked {
            // The first kept range that ends after this one starts is the only one that can overlap it
            // from the left; the same one, or none, from the right.
            var low = 0, high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if kept[middle].range.upperBound <= candidate.range.lowerBound { low = middle + 1 } else { high = middle }
            }
            if low < kept.count, kept[low].range.overlaps(candidate.range) { continue }
            kept.insert(candidate, at: low)
        }
        return kept
    }

    private func apply(_ chosen: [RedactionCandidate], to original: [UInt16]) -> DeidentifiedText {
        var output: [UInt16] = []
        output.reserveCapacity(original.count + chosen.count * 8)
        var redactions: [Redaction] = []
        var position = 0
        for candidate in chosen {
            output.append(contentsOf: original[position..<candidate.range.lowerBound])
            let replacement = Array(candidate.replacement.utf16)
            let start = output.count
            output.append(contentsOf: replacement)
            redactions.append(
                Redaction(
                    kind: candidate.kind,
                    range: candidate.range,
                    original: String(decoding: original[candidate.range], as: UTF16.self),
                    replacement: candidate.replacement,
                    replacementRange: start..<output.count
                )
            )
            position = candidate.range.upperBound
        }
        output.append(contentsOf: original[position...])
        return DeidentifiedText(text: String(decoding: output, as: UTF16.self), redactions: redactions)
    }
}
