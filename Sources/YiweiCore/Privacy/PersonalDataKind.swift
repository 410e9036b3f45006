/// The kinds of patient data that the de-identifier finds in ticket and article text (KB-4, SEC-4).
/// The raw values are stable: they are stored with redactions and sent to the review page.
public enum PersonalDataKind: String, Sendable, CaseIterable, Codable {
    case patientName = "patient_name"
    case residentId = "resident_id"
    case mobile
    case landline
    case medicalRecordNumber = "record_number"
    case bed
    case address

    /// The placeholder that replaces a value of this kind. Record numbers use the label they follow
    /// instead when it is more precise (【住院号】, 【门诊号】, 【就诊卡号】…).
    public var placeholder: String {
        switch self {
        case .patientName: "【患者姓名】"
        case .residentId: "【身份证号】"
        case .mobile: "【手机号】"
        case .landline: "【电话】"
        case .medicalRecordNumber: "【病历号】"
        case .bed: "【床号】"
        case .address: "【地址】"
        }
    }
}
