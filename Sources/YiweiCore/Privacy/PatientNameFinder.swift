/// Finds patient names. Only names that the text marks as a patient's (or a patient's family's) are
/// redacted; a colleague's name (工程师张伟, 护士长李红, 报修人王丽) is left alone, because tickets
/// need to say who did what and staff names are not patient data. A name is a common Chinese surname
/// (`ChineseSurnames`) and one or two given-name characters, found:
/// - after a cue — 患者, 病人, 病患, 患儿, 家属, 姓名, 名叫, 名字叫/是, 叫做, 患者信息, 紧急联系人, 收件人,
///   收货人, 体检者, 体检客户, 就诊人, 参保人, 回访对象, 孕妇, 产妇, 母亲, 父亲, or a bed number (12床张伟)
///   — and up to three filler characters (患者：张三, 病人叫王小明, 姓名=张三, 38床（王秀英）); a list
///   after one cue (患者张三、李四) is redacted whole;
/// - before 患者/病人/患儿/病患 (急诊王小明患者), or before sex and age (梁红（女，45岁）);
/// - with a form of address used for patients and relatives: 王先生, 李女士, 张阿姨, 刘大爷, 陈奶奶 …
///   (redacted with the form of address); 张老师, 王工, 李医生 are staff and are left alone.
/// Names already masked (张某, 张某某, 张*, 张XX) stay. The given name stops before characters that
/// start the words that usually follow a name in a ticket (的, 在, 挂号, 反映, 电话 …), so 患者张三挂号
/// yields 张三; a given name whose second character is one of those loses it.
enum PatientNameFinder {
    static let cues = WordList([
        "患者", "病人", "病患", "患儿", "家属", "姓名", "名叫", "名字叫", "名字是", "名字:", "叫做", "患者信息", "病人信息",
        "患者资料", "紧急联系人", "收件人", "收货人", "体检者", "体检客户", "就诊人", "就诊者", "参保人", "回访对象", "孕妇",
        "产妇", "母亲", "父亲",
    ])
    /// Demographics right after a name mark it as a patient's: 梁红（女，45岁）, 张三，男，67岁.
    static let demographics = WordList(["(男", "(女", ",男,", ",女,", ",男性", ",女性", " 男 ", " 女 "])
    static let cuesAfterName = WordList(["患者", "病人", "患儿", "病患"])
    static let formsOfAddress = WordList([
        "先生", "女士", "小姐", "阿姨", "大爷", "大妈", "大娘", "大叔", "大姐", "大哥", "奶奶", "爷爷", "叔叔", "婆婆",
        "老先生", "老太太", "老太", "老伯",
    ])
    static let masks = UnitSet("某*xX×○〇")
    static let listJoiners = UnitSet("、和与及")
    /// Characters that are not part of a given name: particles, and the first characters of the words
    /// that follow a patient's name in tickets (挂号, 缴费, 反映, 身份证, 电话, 住院, 报告 …).
    static let notGivenName = UnitSet(
        "的了在是和与及等说称也都就已于今昨无未不没被把对向到从给让要想能会可需因所这那个们者属还又再曾仍现此其之该每各"
            + "很太最更比并但而或却则如若即且着过吗呢吧啊挂缴交取办做查打看拿预去走出入住转用使扫刷签登排检化拍报反投诉留"
            + "结片影处药费姓年性数记账余医胸两退补申咨询表情致联候身手电门自病床号卡单码院科端列档腕主次名岁男女先阿核急诊"
    )
    /// Words that follow a name and start with a character that given names also use (王刚 vs 刚才,
    /// 李信 vs 信息): the second given-name character is not taken when one of these starts there.
    static let followers = WordList([
        "信息", "发票", "发送", "发现", "发生", "发热", "正在", "正常", "刚才", "刚刚", "家属", "家住", "家人", "家里", "家中",
        "家长", "家庭", "多次", "重复", "重新", "复诊", "复查", "初诊", "首诊", "少了", "多了",
    ])
    /// Place words: 导诊单上患者 is not a name 单上.
    static let placeWords = UnitSet("上下里中内外前后旁边")
    static let fillers = UnitSet(" :=(是为叫\u{201C}\u{2018}\"'「『")
    /// Characters that may stand before a name that precedes 患者 (门诊张三患者, 给王芳患者).
    static let beforeName = UnitSet("的是为给帮替有位名对和与及床科区室号诊院等让叫请将把被由者人属儿系找联通知电话打说问跟同向")

    static func find(in text: ScanText, into candidates: inout [RedactionCandidate]) {
        for i in 0..<text.count {
            if let n = cues.match(in: text, at: i) { namesAfterCue(text, from: i + n, into: &candidates) }
            // 12床张伟: a name right after a bed number is that bed's patient.
            if text.is(i, "床"), text.isDigit(i - 1) || (text.is(i - 1, "号") && text.isDigit(i - 2)) {
                namesAfterCue(text, from: i + 1, into: &candidates)
            }
            if cuesAfterName.match(in: text, at: i) != nil, let start = nameBefore(text, cueStart: i) {
                candidates.append(.init(.patientName, start..<i, priority: 30))
            }
            if let n = formsOfAddress.match(in: text, at: i), let start = nameBefore(text, formOfAddressAt: i) {
                candidates.append(.init(.patientName, start..<(i + n), priority: 31))
            }
            if !text.isCJK(i - 1) || beforeName.contains(text[i - 1]), let end = name(text, at: i),
               demographics.match(in: text, at: end) != nil {
                candidates.append(.init(.patientName, i..<end, priority: 30))
            }
        }
    }

    static func namesAfterCue(_ text: ScanText, from cueEnd: Int, into candidates: inout [RedactionCandidate]) {
        var j = cueEnd
        while j - cueEnd < 3, fillers.contains(text[j]) { j += 1 }
        while let end = name(text, at: j) {
            candidates.append(.init(.patientName, j..<end, priority: 30))
            guard listJoiners.contains(text[end]) else { return }
            j = end + 1
        }
    }

    /// A surname and one or two given-name characters at `i`.
    static func name(_ text: ScanText, at i: Int) -> Int? {
        guard let surname = surnameLength(text, at: i, includingAmbiguous: false) else { return nil }
        var j = i + surname
        guard isGivenName(text, j) else { return nil }
        // 王女士, 李阿姨: the form of address finds it, with the title.
        if formsOfAddress.match(in: text, at: j) != nil { return nil }
        guard ChineseSurnames.notNames.match(in: text, at: i) == nil else { return nil }
        j += 1
        if isGivenName(text, j), formsOfAddress.match(in: text, at: j) == nil, followers.match(in: text, at: j) == nil,
           cues.match(in: text, at: j) == nil {
            j += 1
        }
        return j
    }

    static func isGivenName(_ text: ScanText, _ i: Int) -> Bool {
        text.isCJK(i) && !notGivenName.contains(text[i]) && !masks.contains(text[i])
    }

    static func surnameLength(_ text: ScanText, at i: Int, includingAmbiguous: Bool) -> Int? {
        if ChineseSurnames.compound.match(in: text, at: i) != nil { return 2 }
        let u = text[i]
        if ChineseSurnames.common.contains(u) || (includingAmbiguous && ChineseSurnames.ambiguous.contains(u)) { return 1 }
        return nil
    }

    /// A name of two or three characters that ends at `cueStart` (…张三患者), after a boundary.
    static func nameBefore(_ text: ScanText, cueStart c: Int) -> Int? {
        for length in [3, 2] {
            let s = c - length
            guard s >= 0, let surname = surnameLength(text, at: s, includingAmbiguous: false), surname < length,
                  (s + surname..<c).allSatisfy({ isGivenName(text, $0) }), !placeWords.contains(text[c - 1]),
                  !text.isCJK(s - 1) || beforeName.contains(text[s - 1]),
                  ChineseSurnames.notNames.match(in: text, at: s) == nil
            else { continue }
            return s
        }
        return nil
    }

    /// The name before a form of address: a surname alone (王先生) or a full name (张三先生, 王小明先生).
    static func nameBefore(_ text: ScanText, formOfAddressAt h: Int) -> Int? {
        if surnameLength(text, at: h - 1, includingAmbiguous: true) != nil,
           surnameLength(text, at: h - 2, includingAmbiguous: false) == nil || !text.isCJK(h - 3) {
            return ChineseSurnames.notNames.match(in: text, at: h - 1) == nil ? h - 1 : nil
        }
        for length in [2, 3] {
            let s = h - length
            guard s >= 0, let surname = surnameLength(text, at: s, includingAmbiguous: false), surname < length,
                  (s + surname..<h).allSatisfy({ isGivenName(text, $0) }),
                  !text.isCJK(s - 1) || beforeName.contains(text[s - 1]) || cues.match(in: text, endingAt: s) != nil,
                  ChineseSurnames.notNames.match(in: text, at: s) == nil
            else { continue }
            return s
        }
        return nil
    }
}
