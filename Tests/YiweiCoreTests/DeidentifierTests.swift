// The patient-data de-identifier (KB-4, SEC-4; rules in docs/deidentification.md): hand-checked cases,
// then precision and recall per kind over the annotated corpus in Resources/deid-corpus.jsonl.

import Foundation
import Testing
@testable import YiweiCore

@Suite("De-identifier")
struct DeidentifierTests {
    let deidentifier = Deidentifier()

    /// The (kind, original) pairs found in `text`, in text order.
    func found(_ text: String) -> [(PersonalDataKind, String)] {
        deidentifier.deidentify(text).redactions.map { ($0.kind, $0.original) }
    }

    func kinds(_ text: String) -> [PersonalDataKind] { found(text).map(\.0) }

    // MARK: resident ID numbers

    @Test("check character computed by hand")
    func checkCharacterByHand() {
        // 11010519491231002X, the example of GB 11643-1999:
        //   digits   1  1  0  1  0  5  1  9  4  9  1  2  3  1  0  0  2
        //   weights  7  9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
        //   products 7  9  0  5  0 20  2  9 24 27  7 18 30  5  0  0  4  → sum 167
        //   167 mod 11 = 2, and position 2 of "10X98765432" is X.
        #expect(ResidentIDNumber.checkCharacter(first17: [1, 1, 0, 1, 0, 5, 1, 9, 4, 9, 1, 2, 3, 1, 0, 0, 2]) == "X")
        #expect(ResidentIDNumber.isValid("11010519491231002X"))
        #expect(ResidentIDNumber.isValid("11010519491231002x"))
        // 330106 19900307 123: products 21 27 0 5 0 24 2 9 54 0 0 27 0 35 8 8 6 → sum 226;
        //   226 mod 11 = 6, and position 6 of "10X98765432" is 6.
        #expect(ResidentIDNumber.checkCharacter(first17: [3, 3, 0, 1, 0, 6, 1, 9, 9, 0, 0, 3, 0, 7, 1, 2, 3]) == "6")
        #expect(ResidentIDNumber.isValid("330106199003071236"))
        #expect(!ResidentIDNumber.isValid("330106199003071231"))  // wrong check character
        #expect(!ResidentIDNumber.isValid("330106199002301236"))  // 30 February
        #expect(!ResidentIDNumber.isValid("990106199003071230"))  // no province 99
    }

    @Test("an 18-digit number with a failed checksum is not an ID unless an ID cue precedes it")
    func failedChecksum() {
        #expect(found("订单号330106199003071231已退款").isEmpty)
        #expect(kinds("患者身份证号330106199003071231录入有误") == [.residentId])  // a typo is still an ID
        #expect(kinds("交易号330106199003071236") == [.residentId])  // valid: redacted wherever it stands
        #expect(found("流水号202611180931520001").isEmpty)  // no province 20
        #expect(kinds("旧身份证号330106900307123") == [.residentId])  // 15 digits, only after a cue
        #expect(found("批次号330106900307123").isEmpty)
    }

    @Test("ID formats: X and x, spaces, full width, inside Chinese text")
    func idFormats() {
        #expect(found("证件11010519491231002x无效").map(\.1) == ["11010519491231002x"])
        #expect(found("身份证 110105 19491231 002X 校验失败").map(\.1) == ["110105 19491231 002X"])
        #expect(found("证件：３３０１０６１９９００３０７１２３６").map(\.1) == ["３３０１０６１９９００３０７１２３６"])
        #expect(found("3301061990030712301").isEmpty)  // 19 digits: part of something longer
    }

    // MARK: phones

    @Test("mobile numbers in their usual forms")
    func mobiles() {
        for number in ["13812345678", "138-1234-5678", "138 1234 5678", "+8613812345678", "+86 138 1234 5678",
                       "+86-13812345678", "(+86)13812345678", "0086 13812345678", "19912345678", "１３８１２３４５６７８"] {
            #expect(kinds("电话\(number)。") == [.mobile], "\(number)")
            #expect(found("电话\(number)。").map(\.1) == [number])
        }
        #expect(found("订单12345678901").isEmpty)  // 12… is not a mobile prefix
        #expect(found("条码1381234567").isEmpty)  // 10 digits
        #expect(found("编号138123456789").isEmpty)  // 12 digits
        #expect(found("IT-13812345678").isEmpty)  // inside a code
    }

    @Test("landlines with area code anywhere, local numbers only after a phone cue, extensions never")
    func landlines() {
        #expect(found("回电0571-88776655").map(\.1) == ["0571-88776655"])
        #expect(found("座机(021)62345678").map(\.1) == ["(021)62345678"])
        #expect(found("座机（０２１）６２３４５６７８").map(\.1) == ["（０２１）６２３４５６７８"])
        #expect(found("号码 021 6234 5678").map(\.1) == ["021 6234 5678"])
        #expect(found("电话0571-88776655-8023找王工").map(\.1) == ["0571-88776655-8023"])
        #expect(found("+86 21 62345678").map(\.1) == ["+86 21 62345678"])
        #expect(found("宅电88776655").map(\.1) == ["88776655"])
        #expect(found("家里电话 8877 6655").map(\.1) == ["8877 6655"])
        #expect(found("编号88776655").isEmpty)  // no cue: any 8-digit number
        #expect(found("分机8023").isEmpty)
        #expect(found("电话分机8023").isEmpty)
        #expect(found("分机号 66881234").isEmpty)  // nearest cue says extension
        #expect(found("内线6688").isEmpty)
        #expect(found("厂商热线400-820-8820").isEmpty)
        #expect(found("急救电话120").isEmpty)
        #expect(kinds("联系电话：05718877665，家属手机13912345678") == [.landline, .mobile])
    }

    // MARK: record numbers, beds, addresses, names

    @Test("record numbers: the value after the label, with the label's placeholder")
    func recordNumbers() {
        let result = deidentifier.deidentify("住院号：2026012345，门诊号 M00123、M00124，ID号P0012345，就诊卡号为 JZ12345678")
        #expect(result.text == "住院号：【住院号】，门诊号 【门诊号】、【门诊号】，ID号【病历号】，就诊卡号为 【就诊卡号】")
        #expect(found("门诊号源不足").isEmpty)
        #expect(found("设备ID号EQ-2023-0012").isEmpty)
    }

    @Test("beds: number and 床, the value after 床号, not counts")
    func beds() {
        #expect(found("内科二病区15床输液泵报警").map(\.1) == ["15床"])
        #expect(found("12号床、加3床和+2床").map(\.1) == ["12号床", "加3床", "+2床"])
        #expect(found("床号：5，").map(\.1) == ["5"])
        #expect(found("病区共40床").isEmpty)
        #expect(found("新增床位6张").isEmpty)
        #expect(found("病床3张，床旁监护仪").isEmpty)
    }

    @Test("addresses down to the door, with the divisions before them")
    func addresses() {
        #expect(found("家住浙江省杭州市西湖区文三路123号，").map(\.1) == ["浙江省杭州市西湖区文三路123号"])
        #expect(found("地址：上海市浦东新区张江路88弄5号").map(\.1) == ["上海市浦东新区张江路88弄5号"])
        #expect(found("送到阳光小区5栋2单元301室").map(\.1) == ["阳光小区5栋2单元301室"])
        #expect(found("住在余杭区良渚街道新丰村3组12号").map(\.1) == ["余杭区良渚街道新丰村3组12号"])
        #expect(found("杭州市西湖区").isEmpty)  // a district identifies nobody
        #expect(found("住院部7号楼12楼、门诊楼3楼302室").isEmpty)  // hospital buildings
        #expect(found("主干链路2号中断").isEmpty)
        #expect(found("职工公寓3栋断网").isEmpty)
    }

    @Test("patient names after cues and with forms of address; staff names stay")
    func names() {
        #expect(found("患者张三挂号失败").map(\.1) == ["张三"])
        #expect(found("患者王小明的报告").map(\.1) == ["王小明"])
        #expect(found("病人：欧阳娜娜").map(\.1) == ["欧阳娜娜"])
        #expect(found("患者张三、李四的检查合并了").map(\.1) == ["张三", "李四"])
        #expect(found("急诊王小明患者").map(\.1) == ["王小明"])
        #expect(found("家属王女士反映").map(\.1) == ["王女士"])
        #expect(found("12床刘洋的医嘱").map(\.1) == ["12床", "刘洋"])
        #expect(found("梁红（女，45岁，59床）输液泵报警").map(\.1) == ["梁红", "59床"])
        #expect(found("患者张某某、李某和王**投诉").isEmpty)  // already masked
        #expect(found("工程师张伟已到场，护士长李红反映，请王工和张老师协助").isEmpty)
        #expect(found("高血压患者、白内障患者，患者高血压，病人余额不足，保洁阿姨，这位先生").isEmpty)
    }

    @Test("HL7 PID segments: patient identifiers and name")
    func hl7() {
        #expect(found("PID|1||P2187218^^^HIS||李杰^^||19800101|M").map(\.1) == ["P2187218", "李杰"])
    }

    // MARK: the result

    @Test("text without personal data comes back unchanged")
    func unchanged() {
        let text = "工单IT-20261118-0001：HIS服务器10.2.3.4于2026-11-18 14:30宕机，版本V5.2.13，金额¥13,800.00，资产ZC-2023-001234。"
        let result = deidentifier.deidentify(text)
        #expect(result.text == text)
        #expect(result.redactions.isEmpty)
    }

    @Test("empty text")
    func empty() {
        #expect(deidentifier.deidentify("") == DeidentifiedText(text: "", redactions: []))
    }

    @Test("the same number twice is replaced twice, and offsets point into both texts")
    func sameNumberTwice() {
        let text = "手机13812345678，再确认一次13812345678"
        let result = deidentifier.deidentify(text)
        #expect(result.text == "手机【手机号】，再确认一次【手机号】")
        // 手机 is 0..<2, the number 2..<13, "，再确认一次" 13..<19; in the result 【手机号】 is five units.
        #expect(result.redactions.map(\.range) == [2..<13, 19..<30])
        #expect(result.redactions.map(\.replacementRange) == [2..<7, 13..<18])
        for redaction in result.redactions {
            #expect(String(text[redaction.originalIndices(in: text)]) == "13812345678")
            #expect(String(result.text[redaction.replacementIndices(in: result.text)]) == "【手机号】")
        }
    }

    @Test("offsets are UTF-16 units: emoji, full-width digits and full-width colons")
    func utf16Offsets() {
        let text = "😀患者张三😀住院号：ＺＹ２０２６００１，电话１３８－１２３４－５６７８"
        let result = deidentifier.deidentify(text)
        #expect(result.text == "😀患者【患者姓名】😀住院号：【住院号】，电话【手机号】")
        #expect(result.redactions.map(\.original) == ["张三", "ＺＹ２０２６００１", "１３８－１２３４－５６７８"])
        #expect(result.redactions[0].range == 4..<6)  // 😀 is two UTF-16 units
        let utf16 = Array(text.utf16)
        for redaction in result.redactions {
            #expect(String(decoding: utf16[redaction.range], as: UTF16.self) == redaction.original)
            let out = Array(result.text.utf16)
            #expect(String(decoding: out[redaction.replacementRange], as: UTF16.self) == redaction.replacement)
        }
        #expect(found("1️⃣3️⃣8️⃣").isEmpty)  // keycap emoji are not digits
    }

    @Test("overlaps: the stronger evidence wins, and nothing is replaced twice")
    func overlaps() {
        // A valid ID after an ID-number label: the checksum outranks the label.
        #expect(kinds("ID号：11010519491231002X") == [.residentId])
        // A mobile-shaped value after 住院号: the label outranks the shape.
        #expect(kinds("住院号13812345678") == [.medicalRecordNumber])
        let candidates = [
            RedactionCandidate(.mobile, 0..<11, priority: 70),
            RedactionCandidate(.bed, 5..<8, priority: 40),
            RedactionCandidate(.patientName, 10..<13, priority: 30),
            RedactionCandidate(.patientName, 20..<22, priority: 30),
            RedactionCandidate(.patientName, 20..<23, priority: 30),
        ]
        #expect(Deidentifier.resolveOverlaps(candidates).map(\.range) == [0..<11, 20..<23])
    }

    @Test("any text: redactions are in order, do not overlap, and rebuild the result from the original")
    func invariantsOnArbitraryText() {
        // A fixed-seed generator over the characters the finders care about, emoji and full-width forms.
        let alphabet = Array("0123456789０１２３４５６７８９Xx-_. :：（）()+、，。|^号床路街小区栋单元室市省区患者病人张王李先生女士电话身份证住院门诊ID😀👨‍👩‍👧\n")
        var state: UInt64 = 0x2026_1118
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for _ in 0..<2_000 {
            let text = String((0..<(next() % 60)).map { _ in alphabet[next() % alphabet.count] })
            let result = deidentifier.deidentify(text)
            let input = Array(text.utf16)
            var rebuilt: [UInt16] = []
            var position = 0
            for redaction in result.redactions {
                #expect(redaction.range.lowerBound >= position, "\(text)")
                guard redaction.range.lowerBound >= position else { break }
                rebuilt += input[position..<redaction.range.lowerBound]
                #expect(redaction.replacementRange.lowerBound == rebuilt.count)
                rebuilt += Array(redaction.replacement.utf16)
                #expect(String(decoding: input[redaction.range], as: UTF16.self) == redaction.original)
                position = redaction.range.upperBound
            }
            rebuilt += input[position...]
            #expect(String(decoding: rebuilt, as: UTF16.self) == result.text, "\(text)")
        }
    }

    @Test("only the chosen kinds are redacted")
    func chosenKinds() {
        let result = Deidentifier(kinds: [.mobile]).deidentify("患者张三，身份证11010519491231002X，手机13812345678")
        #expect(result.text == "患者张三，身份证11010519491231002X，手机【手机号】")
    }

    @Test("redactions survive a JSON round trip")
    func codable() throws {
        let result = deidentifier.deidentify("患者张三，手机13812345678")
        let decoded = try JSONDecoder().decode(DeidentifiedText.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
    }
}

// MARK: - corpus

@Suite("De-identifier corpus")
struct DeidentifierCorpusTests {
    /// One annotated sentence of Resources/deid-corpus.jsonl.
    struct Sentence: Decodable, Sendable {
        struct Entity: Decodable, Hashable, Sendable {
            let kind: String
            let text: String
        }

        let id: Int
        let set: String
        let text: String
        let entities: [Entity]

        /// Read from the source tree (no bundle needed, so the file compiles with or without a resources
        /// declaration in Package.swift).
        static func load() throws -> [Sentence] {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Resources/deid-corpus.jsonl")
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            return try lines.map { try JSONDecoder().decode(Sentence.self, from: Data($0.utf8)) }
        }
    }

    /// True positives, false positives and false negatives of one kind.
    struct Score {
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        var precision: Double { Double(truePositives) / Double(max(1, truePositives + falsePositives)) }
        var recall: Double { Double(truePositives) / Double(max(1, truePositives + falseNegatives)) }
        var support: Int { truePositives + falseNegatives }
    }

    /// Scores per kind and for "phone" (mobile and landline as one kind). A match is the same kind and
    /// exactly the same substring; a value found twice in a sentence must be annotated twice.
    static func score(_ corpus: [Sentence], misses: inout [String]) -> [String: Score] {
        let deidentifier = Deidentifier()
        var scores: [String: Score] = [:]
        for sentence in corpus {
            let found = deidentifier.deidentify(sentence.text).redactions.map {
                Sentence.Entity(kind: $0.kind.rawValue, text: $0.original)
            }
            for merge in [false, true] {
                func key(_ e: Sentence.Entity) -> Sentence.Entity? {
                    guard merge else { return e }
                    return e.kind == "mobile" || e.kind == "landline" ? .init(kind: "phone", text: e.text) : nil
                }
                var expected = sentence.entities.compactMap(key)
                for entity in found.compactMap(key) {
                    if let index = expected.firstIndex(of: entity) {
                        expected.remove(at: index)
                        scores[entity.kind, default: Score()].truePositives += 1
                    } else {
                        scores[entity.kind, default: Score()].falsePositives += 1
                        if !merge { misses.append("#\(sentence.id) FP \(entity.kind) «\(entity.text)» in \(sentence.text)") }
                    }
                }
                for entity in expected {
                    scores[entity.kind, default: Score()].falseNegatives += 1
                    if !merge { misses.append("#\(sentence.id) FN \(entity.kind) «\(entity.text)» in \(sentence.text)") }
                }
            }
        }
        return scores
    }

    static let rows = PersonalDataKind.allCases.map(\.rawValue) + ["phone"]

    static func table(_ scores: [String: Score]) -> String {
        var lines = ["| kind | annotated | found right | false alarms | missed | precision | recall |",
                     "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for kind in rows {
            let s = scores[kind] ?? Score()
            let precision = s.truePositives + s.falsePositives == 0 ? "–" : String(format: "%.3f", s.precision)
            let recall = s.support == 0 ? "–" : String(format: "%.3f", s.recall)
            lines.append(
                "| \(kind) | \(s.support) | \(s.truePositives) | \(s.falsePositives) | \(s.falseNegatives) | \(precision) | \(recall) |")
        }
        return lines.joined(separator: "\n")
    }

    @Test("the corpus is well formed: every annotation occurs in its sentence")
    func corpusWellFormed() throws {
        let corpus = try Sentence.load()
        #expect(corpus.count >= 300)
        #expect(corpus.filter { !$0.entities.isEmpty }.count * 3 >= corpus.count)
        for sentence in corpus {
            for entity in sentence.entities {
                #expect(sentence.text.contains(entity.text), "#\(sentence.id): \(entity.text)")
                #expect(PersonalDataKind(rawValue: entity.kind) != nil, "#\(sentence.id): \(entity.kind)")
            }
            for entity in sentence.entities where entity.kind == PersonalDataKind.residentId.rawValue {
                #expect([15, 18, 20].contains(entity.text.count) || entity.text.contains(" "), "#\(sentence.id)")
            }
        }
    }

    @Test("precision and recall per kind meet the documented floors")
    func precisionAndRecall() throws {
        let corpus = try Sentence.load()
        var misses: [String] = []
        let all = Self.score(corpus, misses: &misses)
        var ignored: [String] = []
        for set in ["dev", "holdout", "holdout2", "formats"] {
            let part = corpus.filter { $0.set == set }
            print("De-identifier corpus, \(set) (\(part.count) sentences):\n" + Self.table(Self.score(part, misses: &ignored)))
        }
        print("De-identifier corpus, all \(corpus.count) sentences:\n" + Self.table(all))
        if ProcessInfo.processInfo.environment["DEID_CORPUS_VERBOSE"] != nil { print(misses.joined(separator: "\n")) }

        // Floors: IDs and phones as required (recall ≥ 0.99); the others as measured, a little below.
        let floors: [String: (precision: Double, recall: Double)] = [
            "resident_id": (0.99, 0.99), "phone": (0.97, 0.99), "mobile": (0.97, 0.99), "landline": (0.90, 0.99),
            "record_number": (0.95, 0.95), "bed": (0.95, 0.95), "address": (0.90, 0.95), "patient_name": (0.95, 0.95),
        ]
        for (kind, floor) in floors {
            let s = all[kind] ?? Score()
            #expect(s.support > 0, "\(kind) has no annotations")
            #expect(s.precision >= floor.precision, "\(kind) precision \(s.precision)")
            #expect(s.recall >= floor.recall, "\(kind) recall \(s.recall)")
        }
    }

    @Test("every redaction's offsets point at its text in the original and in the result")
    func offsetsOverTheCorpus() throws {
        let deidentifier = Deidentifier()
        for sentence in try Sentence.load() {
            let result = deidentifier.deidentify(sentence.text)
            let input = Array(sentence.text.utf16), output = Array(result.text.utf16)
            for r in result.redactions {
                #expect(String(decoding: input[r.range], as: UTF16.self) == r.original)
                #expect(String(decoding: output[r.replacementRange], as: UTF16.self) == r.replacement)
            }
        }
    }
}
