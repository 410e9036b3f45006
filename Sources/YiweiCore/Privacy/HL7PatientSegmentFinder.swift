/// Finds the patient in HL7 v2 PID segments pasted into interface tickets
/// (PID|1||P2187218^^^HIS||李杰^^||19800101|M): the first component of PID-2, PID-3 and PID-4 (patient
/// identifiers) as record numbers and PID-5 (patient name) as a name. Phone numbers and ID numbers in
/// other fields are found by their own finders. The segment ends at a line end, a comma or a 。.
enum HL7PatientSegmentFinder {
    static let segment = Array("PID|".utf16)

    static func find(in text: ScanText, into candidates: inout [RedactionCandidate]) {
        var i = 0
        while i + segment.count <= text.count {
            guard text[i] == segment[0], text[i + 1] == segment[1], text[i + 2] == segment[2], text[i + 3] == segment[3],
                  !text.isLetter(i - 1)
            else {
                i += 1
                continue
            }
            var field = 1
            var j = i + segment.count
            while field <= 5 {
                let start = j
                while j < text.count, !isSegmentEnd(text[j]), !text.is(j, "|") { j += 1 }
                if field >= 2 && field <= 4 {
                    var end = start
                    while end < j, !text.is(end, "^") { end += 1 }
                    if (start..<end).contains(where: { text.isDigit($0) }) {
                        candidates.append(.init(.medicalRecordNumber, start..<end, priority: 80))
                    }
                } else if field == 5 {
                    var end = j
                    while end > start, text.is(end - 1, "^") { end -= 1 }
                    if end > start { candidates.append(.init(.patientName, start..<end, priority: 30)) }
                }
                guard text.is(j, "|") else { break }
                j += 1
                field += 1
            }
            i = j
        }
    }

    static func isSegmentEnd(_ u: UInt16) -> Bool { u == 0x0A || u == 0x0D || u == 0x2C || u == 0x3002 }
}
