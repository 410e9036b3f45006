/// Finds the values of patient record labels — 病历号, 病案号, 住院号, 门诊号, 急诊号, 就诊卡号, ID号,
/// 登记号, 医保卡号, 检查号, 卡号, and ID after a patient — and redacts the value, keeping the label:
/// 住院号：【住院号】.
/// A value is a code of letters and digits (2026012345, M00123, ZY-2026-0012) with at least 3 digits,
/// after at most four filler characters (space, colon, comma, 是, 为, 码, 分别); a list after one label
/// (住院号 2026012345、2026012346) is redacted whole. Without a label a bare number is not a record number:
/// it could be anything, and the labels are how tickets actually write them.
enum RecordNumberFinder {
    /// Label → placeholder. The placeholder names the label so the reviewer still reads which number it was.
    static let labels: [(String, String)] = [
        ("病历号", "【病历号】"), ("病案号", "【病案号】"), ("住院号", "【住院号】"), ("门诊号", "【门诊号】"),
        ("急诊号", "【门诊号】"), ("就诊号", "【就诊号】"), ("就诊卡号", "【就诊卡号】"), ("诊疗卡号", "【就诊卡号】"),
        ("就诊卡", "【就诊卡号】"), ("诊疗卡", "【就诊卡号】"), ("医保卡号", "【医保卡号】"), ("社保卡号", "【医保卡号】"),
        ("医保号", "【医保卡号】"), ("ID号", "【病历号】"), ("患者ID", "【病历号】"), ("病人ID", "【病历号】"),
        ("患者编号", "【病历号】"), ("病人编号", "【病历号】"), ("登记号", "【登记号】"), ("检查号", "【检查号】"),
        ("影像号", "【检查号】"), ("病历号码", "【病历号】"), ("住院号码", "【住院号】"), ("门诊号码", "【门诊号】"),
        ("病案号码", "【病案号】"), ("就诊卡号码", "【就诊卡号】"), ("住院ID", "【住院号】"), ("门诊ID", "【门诊号】"),
        ("医保卡", "【医保卡号】"), ("社保卡", "【医保卡号】"), ("卡号", "【卡号】"), ("ID", "【病历号】"),
    ]
    /// Labels that mean a patient's number only in a patient's context: "ID" within a few characters
    /// after 患者/病人 (患者苏沐阳（ID：…）), 卡号 unless it is a network, door or SIM card's.
    static let contextual: Set<[UInt16]> = [Array("id".utf16), Array("卡号".utf16)]
    static let patientCues = WordList(["患者", "病人", "患儿", "病患", "就诊人"])
    static let labelList = WordList(labels.map(\.0))
    /// Owners that make "ID号" or "卡号" something other than a patient's number.
    static let notPatientOwners = WordList([
        "设备", "终端", "资产", "用户", "工单", "进程", "会话", "主机", "网卡", "订单", "交易", "账号", "系统", "消息", "任务",
        "线程", "请求", "批次", "门禁", "工", "饭", "网", "银行", "SIM", "物联网",
    ])
    /// Between a label and its value: 住院号：…, 住院号为…, 住院号码是…, 住院号分别是…, 患者ID，…
    static let recordFillers = UnitSet(" :#=(\t,是为码号分别")
    static let placeholders: [[UInt16]: String] = Dictionary(
        uniqueKeysWithValues: labels.map { (Array($0.0.lowercased().utf16), $0.1) }
    )

    static func find(in text: ScanText, into candidates: inout [RedactionCandidate]) {
        var i = 0
        while i < text.count {
            guard let length = labelList.match(in: text, at: i) else { i += 1; continue }
            let label = text.units[i..<(i + length)].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
            guard isPatientLabel(text, label, at: i) else {
                i += length
                continue
            }
            let placeholder = placeholders[label] ?? PersonalDataKind.medicalRecordNumber.placeholder
            var j = i + length
            while j - i - length < 4, recordFillers.contains(text[j]) { j += 1 }
            while let end = value(text, at: j) {
                candidates.append(.init(.medicalRecordNumber, j..<end, priority: 80, replacement: placeholder))
                j = end
                // A list: 、 , / 和 及 与, then the next value.
                guard text.is(j, "、") || text.is(j, ",") || text.is(j, "/") || text.is(j, "和") || text.is(j, "及")
                    || text.is(j, "与")
                else { break }
                j = text.skippingFiller(from: j + 1, limit: 1)
            }
            i = max(j, i + length)
        }
    }

    /// Whether the label at `i` labels a patient's number: not part of a longer word (HISID号, IDs), not
    /// owned by a device or an order (设备ID号, 网卡号), and "ID" alone only shortly after a patient cue.
    static func isPatientLabel(_ text: ScanText, _ label: [UInt16], at i: Int) -> Bool {
        let end = i + label.count
        if text.isLetter(i), text.isLetter(i - 1) { return false }
        if text.isLetter(end - 1), text.isLetter(end) { return false }
        if text.isLetter(i) || contextual.contains(label), notPatientOwners.match(in: text, endingAt: i) != nil { return false }
        if label == idLabel { return patientCues.nearest(in: text, before: i, window: 12) != nil }
        return true
    }

    static let idLabel = Array("id".utf16)

    /// A code of ASCII letters and digits with at least 3 digits, '-' allowed between them, 3–24 long.
    static func value(_ text: ScanText, at i: Int) -> Int? {
        guard text.isAlphanumeric(i), text.isTokenStart(i) else { return nil }
        var j = i
        var digits = 0
        while text.isAlphanumeric(j) || (text.is(j, "-") && text.isAlphanumeric(j + 1) && text.isAlphanumeric(j - 1)) {
            if text.isDigit(j) { digits += 1 }
            j += 1
        }
        guard digits >= 3, (3...24).contains(j - i), text.isTokenEnd(j) else { return nil }
        return j
    }
}
