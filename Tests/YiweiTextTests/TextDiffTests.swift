import Foundation
import Testing
@testable import YiweiText

private typealias L = TextDiff.Line
private typealias S = TextDiff.Segment

private func equal(_ text: String, _ old: Int, _ new: Int) -> L {
    L(operation: .equal, text: text, oldNumber: old, newNumber: new, segments: [S(text: text, changed: false)])
}

private func delete(_ text: String, _ old: Int, _ segments: [S]? = nil) -> L {
    L(operation: .delete, text: text, oldNumber: old, newNumber: nil, segments: segments ?? [S(text: text, changed: true)])
}

private func insert(_ text: String, _ new: Int, _ segments: [S]? = nil) -> L {
    L(operation: .insert, text: text, oldNumber: nil, newNumber: new, segments: segments ?? [S(text: text, changed: true)])
}

@Suite("Text diff: lines and hunks")
struct TextDiffLineTests {
    @Test("identical texts have no changes, no hunks and an empty unified diff")
    func identical() {
        let comparison = TextDiff.compare("第一行\n第二行\n", "第一行\n第二行\n")
        #expect(comparison.lines == [equal("第一行", 1, 1), equal("第二行", 2, 2)])
        #expect(!comparison.hasChanges)
        #expect(comparison.hunks().isEmpty)
        #expect(comparison.unified() == "")
        #expect(TextDiff.compare("", "").lines.isEmpty)
    }

    @Test("line endings and a final line break are not changes")
    func lineEndings() {
        #expect(!TextDiff.compare("a\r\nb\r\n", "a\nb").hasChanges)
        #expect(!TextDiff.compare("a\rb", "a\nb\n").hasChanges)
        #expect(TextDiff.lines(of: "a\n\nb\n") == ["a", "", "b"])
        #expect(TextDiff.lines(of: "\n") == [""])
        #expect(TextDiff.lines(of: "") == [])
        #expect(TextDiff.lines(of: "a\r\n\r\nb") == ["a", "", "b"])
    }

    @Test("insert at the start")
    func insertAtStart() {
        let comparison = TextDiff.compare("b\nc\n", "a\nb\nc\n")
        #expect(comparison.lines == [insert("a", 1), equal("b", 1, 2), equal("c", 2, 3)])
        let hunks = comparison.hunks()
        #expect(hunks.count == 1)
        #expect(hunks.first?.header == "@@ -1,2 +1,3 @@")
        #expect(comparison.unified() == "--- old\n+++ new\n@@ -1,2 +1,3 @@\n+a\n b\n c\n")
        #expect(comparison.hunks(context: 0).map(\.header) == ["@@ -0,0 +1 @@"])
    }

    @Test("insert at the end")
    func insertAtEnd() {
        let comparison = TextDiff.compare("a\nb", "a\nb\nc")
        #expect(comparison.lines == [equal("a", 1, 1), equal("b", 2, 2), insert("c", 3)])
        #expect(comparison.hunks().map(\.header) == ["@@ -1,2 +1,3 @@"])
        let tight = comparison.hunks(context: 0)
        #expect(tight.map(\.header) == ["@@ -2,0 +3 @@"])
        #expect(tight.first?.lines == [insert("c", 3)])
        #expect(comparison.insertedLineCount == 1)
        #expect(comparison.deletedLineCount == 0)
    }

    @Test("delete everything, insert everything")
    func wholeText() {
        let deleted = TextDiff.compare("a\nb\n", "")
        #expect(deleted.lines == [delete("a", 1), delete("b", 2)])
        #expect(deleted.unified() == "--- old\n+++ new\n@@ -1,2 +0,0 @@\n-a\n-b\n")
        let inserted = TextDiff.compare("", "甲\n乙")
        #expect(inserted.lines == [insert("甲", 1), insert("乙", 2)])
        #expect(inserted.hunks().map(\.header) == ["@@ -0,0 +1,2 @@"])
    }

    @Test("a changed Chinese line: deletion then insertion, with character highlights")
    func chineseLine() {
        let comparison = TextDiff.compare("第一行\n第二行\n第三行", "第一行\n第二行修改\n第三行")
        #expect(comparison.lines == [
            equal("第一行", 1, 1),
            delete("第二行", 2, [S(text: "第二行", changed: false)]),
            insert("第二行修改", 2, [S(text: "第二行", changed: false), S(text: "修改", changed: true)]),
            equal("第三行", 3, 3),
        ])
        #expect(comparison.unified(oldLabel: "v1", newLabel: "v2") ==
            "--- v1\n+++ v2\n@@ -1,3 +1,3 @@\n 第一行\n-第二行\n+第二行修改\n 第三行\n")
    }

    @Test("a replaced block lists its deletions first; dissimilar pairs are highlighted whole")
    func replacedBlock() {
        let comparison = TextDiff.compare("a\nx\ny\nb", "a\np\nq\nb")
        #expect(comparison.lines == [
            equal("a", 1, 1), delete("x", 2), delete("y", 3), insert("p", 2), insert("q", 3), equal("b", 4, 4),
        ])
        #expect(comparison.hunks().map(\.header) == ["@@ -1,4 +1,4 @@"])
    }

    @Test("distant changes make separate hunks; enough context merges them")
    func hunkSplitting() {
        let old = (1...10).map(String.init).joined(separator: "\n")
        let new = old.replacingOccurrences(of: "2\n", with: "two\n").replacingOccurrences(of: "9\n", with: "nine\n")
        let comparison = TextDiff.compare(old, new)
        let narrow = comparison.hunks(context: 1)
        #expect(narrow.map(\.header) == ["@@ -1,3 +1,3 @@", "@@ -8,3 +8,3 @@"])
        #expect(narrow.last?.lines == [equal("8", 8, 8), delete("9", 9), insert("nine", 9), equal("10", 10, 10)])
        #expect(comparison.hunks(context: 3).map(\.header) == ["@@ -1,10 +1,10 @@"])
        #expect(TextDiff.unified(old, new, context: 1) == """
        --- old
        +++ new
        @@ -1,3 +1,3 @@
         1
        -2
        +two
         3
        @@ -8,3 +8,3 @@
         8
        -9
        +nine
         10

        """)
    }

    @Test("numbers stay right around several insertions and deletions")
    func numbering() {
        let comparison = TextDiff.compare("a\nb\nc\nd\ne", "a\nc\nX\nd\ne\nf")
        #expect(comparison.lines == [
            equal("a", 1, 1), delete("b", 2), equal("c", 3, 2), insert("X", 3), equal("d", 4, 4), equal("e", 5, 5), insert("f", 6),
        ])
        #expect(comparison.hunks(context: 0).map(\.header) == ["@@ -2 +1,0 @@", "@@ -3,0 +3 @@", "@@ -5,0 +6 @@"])
    }
}

@Suite("Text diff: character highlights and the edit script")
struct TextDiffCharacterTests {
    @Test("character segments around a changed character")
    func singleCharacter() throws {
        let (old, new) = try #require(TextDiff.characterSegments("重启HIS服务", "重启LIS服务"))
        #expect(old == [S(text: "重启", changed: false), S(text: "H", changed: true), S(text: "IS服务", changed: false)])
        #expect(new == [S(text: "重启", changed: false), S(text: "L", changed: true), S(text: "IS服务", changed: false)])
    }

    @Test("a lone shared character between changes is folded into the change")
    func noiseFolding() throws {
        let (old, new) = try #require(TextDiff.characterSegments("检查磁盘空间和日志", "检查磁盘使用率和系统日志"))
        #expect(old == [S(text: "检查磁盘", changed: false), S(text: "空间和", changed: true), S(text: "日志", changed: false)])
        #expect(new == [S(text: "检查磁盘", changed: false), S(text: "使用率和系统", changed: true), S(text: "日志", changed: false)])
    }

    @Test("dissimilar or empty lines get no character segments")
    func dissimilar() {
        #expect(TextDiff.characterSegments("完全不同的内容", "another line") == nil)
        #expect(TextDiff.characterSegments("", "a") == nil)
    }

    @Test("grapheme clusters are not split")
    func graphemes() throws {
        let (old, new) = try #require(TextDiff.characterSegments("状态👍🏽正常", "状态👎🏽正常"))
        #expect(old == [S(text: "状态", changed: false), S(text: "👍🏽", changed: true), S(text: "正常", changed: false)])
        #expect(new == [S(text: "状态", changed: false), S(text: "👎🏽", changed: true), S(text: "正常", changed: false)])
    }

    @Test("highlights can be switched off")
    func noHighlights() {
        let comparison = TextDiff.compare("重启HIS服务", "重启LIS服务", characterHighlights: false)
        #expect(comparison.lines == [delete("重启HIS服务", 1), insert("重启LIS服务", 1)])
    }

    @Test("the edit script is valid and minimal (checked against an LCS table on random input)")
    func minimality() {
        var seed: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<500 {
            let a = (0..<next(14)).map { _ in next(4) }
            let b = (0..<next(14)).map { _ in next(4) }
            let script = TextDiff.editScript(a, b)
            var i = 0, j = 0
            var valid = true
            for op in script {
                switch op {
                case .equal:
                    valid = valid && i < a.count && j < b.count && a[i] == b[j]
                    i += 1
                    j += 1
                case .delete: i += 1
                case .insert: j += 1
                }
            }
            #expect(valid && i == a.count && j == b.count, "\(a) → \(b): \(script)")
            var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
            for x in stride(from: a.count - 1, through: 0, by: -1) {
                for y in stride(from: b.count - 1, through: 0, by: -1) {
                    table[x][y] = a[x] == b[y] ? table[x + 1][y + 1] + 1 : max(table[x + 1][y], table[x][y + 1])
                }
            }
            let edits = script.count { $0 != .equal }
            #expect(edits == a.count + b.count - 2 * table[0][0], "\(a) → \(b): \(script)")
        }
    }

    @Test("two 5,000-line versions with scattered edits compare quickly")
    func performance() {
        let old = (0..<5_000).map { "第\($0)行：检查服务器 \($0 % 17) 的磁盘与日志" }
        var new = old
        for k in stride(from: 7, to: 5_000, by: 50) { new[k] += "（已修改）" }
        new.insert("新增一行", at: 100)
        new.removeSubrange(4_000..<4_010)
        let clock = ContinuousClock()
        var comparison: TextDiff.Comparison?
        let elapsed = clock.measure {
            comparison = TextDiff.compare(old.joined(separator: "\n"), new.joined(separator: "\n"))
        }
        #expect(elapsed < .seconds(2), "took \(elapsed)")
        // 100 edited lines (one of them, old line 4007, is also in the removed range), 1 added, 10 removed.
        #expect(comparison?.insertedLineCount == 100)
        #expect(comparison?.deletedLineCount == 109)
    }
}
