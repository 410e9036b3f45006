import Foundation

/// Line-based diff between two versions of an article (KB-2 versions), with character-level highlights
/// inside changed lines — useful for Chinese text, where one line is often a whole paragraph.
///
/// The algorithm is Myers' O(ND) difference algorithm in its linear-space (middle snake) form, so the
/// result is a minimal edit script. Within every run of changes, deletions are listed before insertions
/// (as `diff -u` and git show them). Lines are split on LF, CR LF or CR; a final line break does not
/// create an extra empty line, and whether the text ends with a line break is not compared.
///
/// The server renders HTML itself from the structured result: ``Comparison/lines`` (every line, for a
/// side-by-side or full view) or ``Comparison/hunks(context:)`` (changes with context, for a unified view).
public enum TextDiff {
    public enum Operation: String, Sendable, Hashable, Codable {
        case equal
        case delete
        case insert
    }

    /// A run of characters of one line, changed or not.
    public struct Segment: Sendable, Hashable, Codable {
        public let text: String
        public let changed: Bool

        public init(text: String, changed: Bool) {
            self.text = text
            self.changed = changed
        }
    }

    public struct Line: Sendable, Hashable, Codable {
        public let operation: Operation
        public let text: String
        /// 1-based line number in the old version (nil for an inserted line).
        public let oldNumber: Int?
        /// 1-based line number in the new version (nil for a deleted line).
        public let newNumber: Int?
        /// The text split into runs: one unchanged run for an equal line, one changed run for a deleted or
        /// inserted line without a similar counterpart, and character-level runs when a deleted line is
        /// paired with the inserted line that replaced it (k-th deletion with k-th insertion of a change
        /// block, when at least 40 % of their characters are shared).
        public let segments: [Segment]

        public init(operation: Operation, text: String, oldNumber: Int?, newNumber: Int?, segments: [Segment]) {
            self.operation = operation
            self.text = text
            self.oldNumber = oldNumber
            self.newNumber = newNumber
            self.segments = segments
        }
    }

    public struct Hunk: Sendable, Hashable, Codable {
        /// As in `diff -u`: the first line number covered, or when the count is 0, the line after which
        /// the change happens (0 at the start).
        public let oldStart: Int
        public let oldCount: Int
        public let newStart: Int
        public let newCount: Int
        public let lines: [Line]

        /// `@@ -oldStart,oldCount +newStart,newCount @@`, with `,1` left out as `diff -u` and git do.
        public var header: String {
            func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }
            return "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@"
        }
    }

    public struct Comparison: Sendable, Hashable, Codable {
        /// Every line of both versions in display order.
        public let lines: [Line]

        public var hasChanges: Bool { lines.contains { $0.operation != .equal } }
        public var insertedLineCount: Int { lines.count { $0.operation == .insert } }
        public var deletedLineCount: Int { lines.count { $0.operation == .delete } }

        /// The changes grouped with `context` unchanged lines around them; hunks closer than
        /// `2 × context` lines merge. Empty when nothing changed.
        public func hunks(context: Int = 3) -> [Hunk] {
            let context = max(0, context)
            let changed = lines.indices.filter { lines[$0].operation != .equal }
            guard let firstChange = changed.first else { return [] }
            var ranges: [ClosedRange<Int>] = []
            var start = firstChange, end = firstChange
            for index in changed.dropFirst() {
                if index - end - 1 > 2 * context {
                    ranges.append(start...end)
                    start = index
                }
                end = index
            }
            ranges.append(start...end)
            return ranges.map { range in
                let lower = max(0, range.lowerBound - context)
                let upper = min(lines.count - 1, range.upperBound + context)
                let slice = Array(lines[lower...upper])
                let oldCount = slice.count { $0.operation != .insert }
                let newCount = slice.count { $0.operation != .delete }
                let oldBefore = lines[..<lower].last { $0.oldNumber != nil }?.oldNumber ?? 0
                let newBefore = lines[..<lower].last { $0.newNumber != nil }?.newNumber ?? 0
                return Hunk(oldStart: oldCount == 0 ? oldBefore : oldBefore + 1, oldCount: oldCount,
                            newStart: newCount == 0 ? newBefore : newBefore + 1, newCount: newCount, lines: slice)
            }
        }

        /// A unified diff (`--- old`, `+++ new`, `@@ … @@`, lines prefixed with ` `, `-` or `+`);
        /// empty when nothing changed.
        public func unified(oldLabel: String = "old", newLabel: String = "new", context: Int = 3) -> String {
            let hunks = hunks(context: context)
            guard !hunks.isEmpty else { return "" }
            var out = "--- \(oldLabel)\n+++ \(newLabel)\n"
            for hunk in hunks {
                out += hunk.header + "\n"
                for line in hunk.lines {
                    switch line.operation {
                    case .equal: out += " "
                    case .delete: out += "-"
                    case .insert: out += "+"
                    }
                    out += line.text + "\n"
                }
            }
            return out
        }
    }

    /// Compares two versions line by line.
    public static func compare(_ old: String, _ new: String, characterHighlights: Bool = true) -> Comparison {
        let oldLines = lines(of: old), newLines = lines(of: new)
        let ops = editScript(oldLines, newLines)
        var result: [Line] = []
        result.reserveCapacity(ops.count)
        var i = 0, j = 0, k = 0
        while k < ops.count {
            if ops[k] == .equal {
                result.append(Line(operation: .equal, text: oldLines[i], oldNumber: i + 1, newNumber: j + 1,
                                   segments: [Segment(text: oldLines[i], changed: false)]))
                i += 1
                j += 1
                k += 1
                continue
            }
            // A change block: count its deletions and insertions, then list deletions first.
            var deletions = 0, insertions = 0
            while k < ops.count, ops[k] != .equal {
                if ops[k] == .delete { deletions += 1 } else { insertions += 1 }
                k += 1
            }
            var oldSegments = (0..<deletions).map { [Segment(text: oldLines[i + $0], changed: true)] }
            var newSegments = (0..<insertions).map { [Segment(text: newLines[j + $0], changed: true)] }
            if characterHighlights {
                for pair in 0..<min(deletions, insertions) {
                    if let (o, n) = characterSegments(oldLines[i + pair], newLines[j + pair]) {
                        oldSegments[pair] = o
                        newSegments[pair] = n
                    }
                }
            }
            for d in 0..<deletions {
                result.append(Line(operation: .delete, text: oldLines[i + d], oldNumber: i + d + 1, newNumber: nil,
                                   segments: oldSegments[d]))
            }
            for n in 0..<insertions {
                result.append(Line(operation: .insert, text: newLines[j + n], oldNumber: nil, newNumber: j + n + 1,
                                   segments: newSegments[n]))
            }
            i += deletions
            j += insertions
        }
        return Comparison(lines: result)
    }

    /// Hunks of `compare(old, new)`.
    public static func hunks(_ old: String, _ new: String, context: Int = 3) -> [Hunk] {
        compare(old, new).hunks(context: context)
    }

    /// A unified diff of two texts; empty when they have the same lines.
    public static func unified(_ old: String, _ new: String, oldLabel: String = "old", newLabel: String = "new",
                               context: Int = 3) -> String {
        compare(old, new, characterHighlights: false).unified(oldLabel: oldLabel, newLabel: newLabel, context: context)
    }

    /// The lines of a text: split on LF, CR LF or CR; a final line break ends the last line.
    public static func lines(of text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var result: [String] = []
        var current: [UInt8] = []
        var previousCR = false
        for b in text.utf8 {
            if b == 0x0A {
                if !previousCR { result.append(String(decoding: current, as: UTF8.self)) }
                current = []
                previousCR = false
            } else if b == 0x0D {
                result.append(String(decoding: current, as: UTF8.self))
                current = []
                previousCR = true
            } else {
                current.append(b)
                previousCR = false
            }
        }
        if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
        return result
    }

    /// Character-level runs for two similar lines, or nil when they share less than 40 % of their
    /// characters (then whole-line highlighting reads better) or are too long to compare cheaply.
    /// Characters are grapheme clusters, so CJK text and emoji are never split.
    public static func characterSegments(_ old: String, _ new: String) -> (old: [Segment], new: [Segment])? {
        let a = Array(old), b = Array(new)
        guard !a.isEmpty, !b.isEmpty, a.count * b.count <= 4_000_000 else { return nil }
        var ops = editScript(a, b)
        let common = ops.count { $0 == .equal }
        guard Double(2 * common) / Double(a.count + b.count) >= 0.4 else { return nil }
        // Single equal characters between changes are noise (a shared 的 or space): fold them into the change.
        var k = 0
        while k < ops.count {
            guard ops[k] == .equal else {
                k += 1
                continue
            }
            var end = k
            while end < ops.count, ops[end] == .equal { end += 1 }
            if end - k == 1, k > 0, end < ops.count {
                ops.replaceSubrange(k..<end, with: [.delete, .insert])
                end += 1
            }
            k = end
        }
        func segments(_ chars: [Character], keep: Operation) -> [Segment] {
            var result: [Segment] = []
            var text = ""
            var changed = false
            var index = 0
            for op in ops where op == .equal || op == keep {
                let isChanged = op != .equal
                if isChanged != changed, !text.isEmpty {
                    result.append(Segment(text: text, changed: changed))
                    text = ""
                }
                changed = isChanged
                text.append(chars[index])
                index += 1
            }
            if !text.isEmpty { result.append(Segment(text: text, changed: changed)) }
            return result
        }
        return (segments(a, keep: .delete), segments(b, keep: .insert))
    }

    /// A minimal edit script turning `a` into `b`: `.equal` consumes one element of each, `.delete` one
    /// of `a`, `.insert` one of `b`.
    public static func editScript<Element: Hashable>(_ a: [Element], _ b: [Element]) -> [Operation] {
        var ids: [Element: Int] = [:]
        let x = a.map { element in
            if let id = ids[element] { return id }
            ids[element] = ids.count
            return ids.count - 1
        }
        let y = b.map { ids[$0] ?? -1 }
        var myers = Myers(a: x, b: y)
        myers.diff(0, x.count, 0, y.count)
        return myers.ops
    }

    /// Myers (1986), section 4b: find the middle snake of an optimal path, recurse on both sides.
    struct Myers {
        let a: [Int]
        let b: [Int]
        var ops: [Operation] = []

        init(a: [Int], b: [Int]) {
            self.a = a
            self.b = b
            ops.reserveCapacity(a.count + b.count)
        }

        mutating func diff(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) {
            var aLow = aLow, aHigh = aHigh, bLow = bLow, bHigh = bHigh
            while aLow < aHigh, bLow < bHigh, a[aLow] == b[bLow] {
                ops.append(.equal)
                aLow += 1
                bLow += 1
            }
            var suffix = 0
            while aLow < aHigh, bLow < bHigh, a[aHigh - 1] == b[bHigh - 1] {
                aHigh -= 1
                bHigh -= 1
                suffix += 1
            }
            if aLow == aHigh {
                ops.append(contentsOf: repeatElement(.insert, count: bHigh - bLow))
            } else if bLow == bHigh {
                ops.append(contentsOf: repeatElement(.delete, count: aHigh - aLow))
            } else if let (x, y, u, v) = middleSnake(aLow, aHigh, bLow, bHigh) {
                diff(aLow, x, bLow, y)
                ops.append(contentsOf: repeatElement(.equal, count: u - x))
                diff(u, aHigh, v, bHigh)
            } else {
                ops.append(contentsOf: repeatElement(.delete, count: aHigh - aLow))
                ops.append(contentsOf: repeatElement(.insert, count: bHigh - bLow))
            }
            ops.append(contentsOf: repeatElement(.equal, count: suffix))
        }

        /// The middle snake from (x, y) to (u, v) of an optimal path through the given box.
        func middleSnake(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) -> (Int, Int, Int, Int)? {
            let n = aHigh - aLow, m = bHigh - bLow
            let delta = n - m
            let odd = delta & 1 != 0
            let maxD = (n + m + 1) / 2
            let offset = maxD + 1
            var forward = [Int](repeating: 0, count: 2 * maxD + 3)
            var backward = [Int](repeating: 0, count: 2 * maxD + 3)
            for d in 0...maxD {
                for k in stride(from: -d, through: d, by: 2) {
                    var x = k == -d || (k != d && forward[offset + k - 1] < forward[offset + k + 1])
                        ? forward[offset + k + 1] : forward[offset + k - 1] + 1
                    var y = x - k
                    let x0 = x, y0 = y
                    while x < n, y < m, a[aLow + x] == b[bLow + y] {
                        x += 1
                        y += 1
                    }
                    forward[offset + k] = x
                    let reverseK = delta - k
                    if odd, reverseK >= -(d - 1), reverseK <= d - 1, x + backward[offset + reverseK] >= n {
                        return (aLow + x0, bLow + y0, aLow + x, bLow + y)
                    }
                }
                for k in stride(from: -d, through: d, by: 2) {
                    var x = k == -d || (k != d && backward[offset + k - 1] < backward[offset + k + 1])
                        ? backward[offset + k + 1] : backward[offset + k - 1] + 1
                    var y = x - k
                    let x0 = x, y0 = y
                    while x < n, y < m, a[aHigh - 1 - x] == b[bHigh - 1 - y] {
                        x += 1
                        y += 1
                    }
                    backward[offset + k] = x
                    let forwardK = delta - k
                    if !odd, forwardK >= -d, forwardK <= d, x + forward[offset + forwardK] >= n {
                        return (aLow + n - x, bLow + m - y, aLow + n - x0, bLow + m - y0)
                    }
                }
            }
            return nil // unreachable: the two searches always meet by d = ⌈(n + m) / 2⌉
        }
    }
}
