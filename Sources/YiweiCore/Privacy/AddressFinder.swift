/// Finds home addresses down to the door: a road with a number (文三路123号, 长乐路100弄5号) or a
/// residential estate with a building, unit or room (阳光小区5栋2单元301室, 幸福村3组12号, 桂花苑一区
/// 3幢), together with the divisions written before it (浙江省杭州市西湖区…, …五常街道…). A city or
/// district alone (杭州市西湖区) is not redacted: it identifies nobody and tickets need it. Hospital
/// buildings (门诊楼3楼, 住院部7号楼, 行政楼302室) have no road or estate and are not addresses.
/// A hospital's own street address is redacted like any other: the finder cannot tell whose it is.
enum AddressFinder {
    static let roads = WordList(["大道", "大街", "胡同", "路", "街", "巷", "弄"])
    static let estates = WordList(["小区", "花园", "家园", "公寓", "新村", "庄园", "苑", "村"])
    static let admin = WordList(["特别行政区", "自治区", "自治州", "自治县", "新区", "街道", "省", "市", "区", "县", "镇", "乡", "旗"])
    /// Words ending in a road character that are not roads (网络线路3号 is a circuit, not a street).
    static let notRoads = WordList([
        "线路", "链路", "回路", "电路", "网路", "通路", "支路", "光路", "水路", "气路", "管路", "油路", "思路", "出路",
        "一路", "两路", "二路", "多路", "进路", "来路", "走路", "道路", "环路", "旁路", "短路", "断路", "上路", "全路",
    ])
    /// Staff housing is not a patient's home.
    static let notEstates = WordList(["职工公寓", "员工公寓", "人才公寓", "教工公寓", "专家公寓", "职工宿舍", "农村", "乡村"])
    static let units = WordList(["号楼", "号院", "号", "弄", "栋", "幢", "座", "单元", "室", "楼", "层", "户", "组", "期", "排", "区"])
    static let firstRoadUnits: Set<String> = ["号", "弄", "号院", "号楼", "栋", "幢", "座"]
    static let firstEstateUnits: Set<String> = ["栋", "幢", "座", "号楼", "单元", "号", "组", "期", "室", "排", "区"]
    static let roomAfter: Set<String> = ["单元", "栋", "幢", "座", "号楼", "楼"]
    /// Characters that end a name walking left: verbs and particles that introduce an address.
    static let stops = UnitSet("住在是为到至往于的了从址说称送寄去回要请我他她您你将把被给由者属居地位处号与及或")
    static let numerals = UnitSet("一二三四五六七八九十")
    static let introducers = UnitSet("住在至到址:")

    static func find(in text: ScanText, into candidates: inout [RedactionCandidate]) {
        for i in 0..<text.count {
            let isRoad: Bool
            let length: Int
            if let n = roads.match(in: text, at: i) {
                guard notRoads.match(in: text, endingAt: i + n) == nil else { continue }
                isRoad = true
                length = n
            } else if let n = estates.match(in: text, at: i) {
                guard notEstates.match(in: text, endingAt: i + n) == nil else { continue }
                isRoad = false
                length = n
            } else {
                continue
            }
            // Two characters of name at least (中山路, 阳光小区); one after a word that introduces an
            // address (家住翠苑3幢), where the boundary is clear.
            let nameStart = nameStart(text, end: i, limit: 6)
            guard i - nameStart >= 2 || (i - nameStart == 1 && introducers.contains(text[nameStart - 1])) else { continue }
            guard var end = doorParts(text, from: i + length, afterEstate: !isRoad) else { continue }
            end = estateContinuation(text, from: end)
            candidates.append(.init(.address, chainStart(text, from: nameStart)..<end, priority: 50))
        }
    }

    static func isNameChar(_ text: ScanText, _ i: Int) -> Bool { text.isCJK(i) && !stops.contains(text[i]) }

    /// The length of an administrative suffix ending at `k` whose name (two characters at least) precedes it.
    static func adminEnd(_ text: ScanText, _ k: Int) -> Int? {
        guard let n = admin.match(in: text, endingAt: k), isNameChar(text, k - n - 1), isNameChar(text, k - n - 2) else { return nil }
        return n
    }

    /// The length of a road word ending at `k`, when it is a road.
    static func roadEnd(_ text: ScanText, _ k: Int) -> Int? {
        guard let n = roads.match(in: text, endingAt: k), notRoads.match(in: text, endingAt: k) == nil,
              isNameChar(text, k - n - 1), isNameChar(text, k - n - 2)
        else { return nil }
        return n
    }

    /// Walks left from `end` over name characters, at most `limit`, stopping after a division or road.
    static func nameStart(_ text: ScanText, end: Int, limit: Int) -> Int {
        var k = end
        // A division right before the end does not stop the walk: its character starts this name (市南区).
        while end - k < limit, isNameChar(text, k - 1), k == end || (adminEnd(text, k) == nil && roadEnd(text, k) == nil) {
            k -= 1
        }
        return k
    }

    /// Extends an address left over the divisions and roads written before it (…省…市…区…街道…路).
    static func chainStart(_ text: ScanText, from start: Int) -> Int {
        let limit = start - 40  // no real chain of divisions is longer; keeps pathological text linear
        var start = start
        while start > limit {
            if let n = adminEnd(text, start) {
                let s = nameStart(text, end: start - n, limit: 7)
                if start - n - s >= 1 { start = s; continue }
            }
            if let n = roadEnd(text, start) {
                let s = nameStart(text, end: start - n, limit: 6)
                if start - n - s >= 2 { start = s; continue }
            }
            return start
        }
        return start
    }

    /// Door-level parts after a road or estate: 123号, 100弄5号, 5栋2单元301室, 3组12号, 5-2-301. The
    /// first unit must suit a road or an estate. Returns the end, or nil when there is none.
    static func doorParts(_ text: ScanText, from start: Int, afterEstate: Bool) -> Int? {
        let firstUnits = afterEstate ? firstEstateUnits : firstRoadUnits
        var j = start
        if text.is(j, " ") { j += 1 }
        var count = 0
        var lastUnit = ""
        var separated = false
        while true {
            let valueEnd = value(text, at: j)
            guard valueEnd > j else { break }
            if let n = units.match(in: text, at: valueEnd) {
                let unit = String(decoding: text.units[valueEnd..<(valueEnd + n)], as: UTF16.self)
                if count == 0, !firstUnits.contains(unit) { return nil }
                j = valueEnd + n
                count += 1
                lastUnit = unit
                separated = (text.is(j, " ") || text.is(j, "-")) && text.isAlphanumeric(j + 1)
                if separated { j += 1 }
                continue
            }
            // A bare room number right after a building or unit (5栋2单元301), or a dashed
            // building-unit-room after an estate (阳光小区5-2-301), ends the address.
            let digits = text.units[j..<valueEnd]
            let isRoom = count > 0 && !separated && roomAfter.contains(lastUnit) && (3...4).contains(digits.count)
            let isDashed = count == 0 && afterEstate && digits.contains(0x2D)
            if isRoom || isDashed, text.isDigit(j), text.isTokenEnd(valueEnd) {
                j = valueEnd
                count += 1
                separated = false
            }
            break
        }
        if separated { j -= 1 }
        if count == 0 { return nil }
        return j
    }

    /// A door value: digits with optional -digits (123-5, 5-2-301), a letter with optional digits (A3,
    /// B), or a Chinese numeral (二). Returns `i` when there is none.
    static func value(_ text: ScanText, at i: Int) -> Int {
        var j = i
        if text.isDigit(j) {
            j = text.digitRunEnd(from: j)
            while text.is(j, "-"), text.isDigit(j + 1) { j = text.digitRunEnd(from: j + 1) }
        } else if text.isLetter(j), !text.isLetter(j + 1) {
            j = text.digitRunEnd(from: j + 1)
        } else {
            while numerals.contains(text[j]), j - i < 3 { j += 1 }
        }
        return j
    }

    /// After a door (…123号), an estate that follows it (…阳光小区5栋301室) belongs to the same address.
    static func estateContinuation(_ text: ScanText, from end: Int) -> Int {
        var k = end
        while k - end <= 8, isNameChar(text, k) {
            if k > end, let n = estates.match(in: text, at: k), let doorEnd = doorParts(text, from: k + n, afterEstate: true) {
                return doorEnd
            }
            k += 1
        }
        return end
    }
}
