import Foundation

// Block structure: a line-based recursive parser. Containers (block quotes, list items) collect their
// lines, strip their markers and parse the result again; nesting deeper than `maxDepth` is kept as text.

extension Markdown {
    enum Alignment: Sendable, Hashable {
        case none, left, center, right
    }

    enum Block: Sendable, Hashable {
        case paragraph([Inline])
        case heading(level: Int, [Inline])
        case thematicBreak
        case code(language: String?, text: String)
        case quote([Block])
        case list(ordered: Bool, start: Int, tight: Bool, items: [[Block]])
        case table(alignments: [Alignment], header: [[Inline]], rows: [[[Inline]]])
    }

    enum Inline: Sendable, Hashable {
        case text(String)
        case code(String)
        case softBreak(betweenCJK: Bool)
        case hardBreak
        case emphasis([Inline])
        case strong([Inline])
        case strikethrough([Inline])
        case link(destination: String, title: String?, children: [Inline])
        case image(destination: String, title: String?, alt: [Inline])
        /// `<https://…>`, `<a@b.cn>` (`bare == false`) or a bare URL found in text (`bare == true`).
        case autolink(text: String, destination: String, bare: Bool)
    }

    struct LinkDefinition: Sendable {
        let destination: String
        let title: String?
    }

    /// Blocks before inline parsing (which needs every link reference definition of the document).
    indirect enum RawBlock {
        case paragraph([UInt8])
        case heading(Int, [UInt8])
        case thematicBreak
        case code(String?, [UInt8])
        case quote([RawBlock])
        case list(ordered: Bool, start: Int, tight: Bool, items: [[RawBlock]])
        case table([Alignment], [[UInt8]], [[[UInt8]]])
    }

    typealias Line = [UInt8]

    struct BlockParser {
        static let maxDepth = 16
        static let maxTableColumns = 128
        var definitions: [String: LinkDefinition] = [:]

        static func parseDocument(_ source: String) -> [Block] {
            var parser = BlockParser()
            let (raw, _) = parser.parse(lines: splitLines(source), depth: 0)
            let inlines = InlineContext(definitions: parser.definitions)
            return raw.map { inlines.convert($0) }
        }

        /// Splits on LF, CR LF and CR; replaces NUL with U+FFFD.
        static func splitLines(_ source: String) -> [Line] {
            var lines: [Line] = []
            var current: Line = []
            var previousCR = false
            for b in source.utf8 {
                if b == Byte.lf {
                    if !previousCR { lines.append(current) }
                    current = []
                    previousCR = false
                } else if b == Byte.cr {
                    lines.append(current)
                    current = []
                    previousCR = true
                } else {
                    previousCR = false
                    if b == 0 { current.append(contentsOf: [0xEF, 0xBF, 0xBD]) } else { current.append(b) }
                }
            }
            if !current.isEmpty { lines.append(current) }
            return lines
        }

        // MARK: The block loop

        /// Parses `lines` into blocks; the flag says whether a blank line separates two of them
        /// (which makes the enclosing list loose).
        mutating func parse(lines: [Line], depth: Int) -> ([RawBlock], Bool) {
            var blocks: [RawBlock] = []
            var i = 0
            var pendingBlank = false
            var blankBetween = false
            let containersAllowed = depth < Self.maxDepth
            while i < lines.count {
                let line = lines[i]
                if Self.isBlank(line) {
                    pendingBlank = true
                    i += 1
                    continue
                }
                if pendingBlank && !blocks.isEmpty { blankBetween = true }
                pendingBlank = false

                if Self.indentation(line).columns >= 4 {
                    var body: [Line] = []
                    var j = i
                    var end = i
                    while j < lines.count {
                        if Self.isBlank(lines[j]) {
                            body.append(Self.stripColumns(lines[j], 4))
                        } else if Self.indentation(lines[j]).columns >= 4 {
                            body.append(Self.stripColumns(lines[j], 4))
                            end = j + 1
                        } else {
                            break
                        }
                        j += 1
                    }
                    body.removeLast(j - end)
                    blocks.append(.code(nil, Self.joined(body)))
                    i = end
                    continue
                }
                if let (level, content) = Self.atxHeading(line) {
                    blocks.append(.heading(level, content))
                    i += 1
                    continue
                }
                if let fence = Self.fenceOpening(line) {
                    var body: [Line] = []
                    var j = i + 1
                    while j < lines.count {
                        if Self.isFenceClosing(lines[j], fence) {
                            j += 1
                            break
                        }
                        body.append(Self.stripColumns(lines[j], fence.indent))
                        j += 1
                    }
                    blocks.append(.code(Self.language(fence.info), Self.joined(body)))
                    i = j
                    continue
                }
                if Self.isThematicBreak(line) {
                    blocks.append(.thematicBreak)
                    i += 1
                    continue
                }
                if containersAllowed, Self.quoteContent(line) != nil {
                    let (block, next) = parseQuote(lines, from: i, depth: depth)
                    blocks.append(block)
                    i = next
                    continue
                }
                if containersAllowed, let marker = Self.listMarker(line) {
                    let (block, next) = parseList(lines, from: i, first: marker, depth: depth)
                    blocks.append(block)
                    i = next
                    continue
                }
                if let alignments = Self.tableStart(lines, at: i) {
                    let (block, next) = parseTable(lines, from: i, alignments: alignments)
                    blocks.append(block)
                    i = next
                    continue
                }
                // Paragraph, possibly a setext heading.
                var paragraph: [Line] = [line]
                var j = i + 1
                var setext: Int?
                while j < lines.count {
                    let next = lines[j]
                    if Self.isBlank(next) { break }
                    if let level = Self.setextLevel(next) {
                        setext = level
                        j += 1
                        break
                    }
                    if Self.interruptsParagraph(next) || Self.tableStart(lines, at: j) != nil { break }
                    paragraph.append(next)
                    j += 1
                }
                let text = extractDefinitions(Self.paragraphText(paragraph))
                if let level = setext {
                    if text.isEmpty {
                        j -= 1 // only definitions: the underline is ordinary content
                    } else {
                        blocks.append(.heading(level, text))
                        i = j
                        continue
                    }
                }
                if !text.isEmpty { blocks.append(.paragraph(text)) }
                i = j
            }
            return (blocks, blankBetween)
        }

        mutating func parseQuote(_ lines: [Line], from start: Int, depth: Int) -> (RawBlock, Int) {
            var inner: [Line] = []
            var tracker = LazyTracker()
            var j = start
            while j < lines.count {
                let line = lines[j]
                if let content = Self.quoteContent(line) {
                    inner.append(content)
                    tracker.feed(content)
                } else if tracker.paragraphOpen, !Self.isBlank(line), !Self.interruptsParagraph(line) {
                    inner.append(Self.lazy(line)) // lazy continuation of a paragraph
                } else {
                    break
                }
                j += 1
            }
            let (blocks, _) = parse(lines: inner, depth: depth + 1)
            return (.quote(blocks), j)
        }

        mutating func parseList(_ lines: [Line], from start: Int, first: ListMarker, depth: Int) -> (RawBlock, Int) {
            var items: [[RawBlock]] = []
            var loose = false
            var j = start
            var resume = start
            while j < lines.count {
                guard let marker = Self.listMarker(lines[j]), marker.ordered == first.ordered, marker.delimiter == first.delimiter,
                      j == start || !Self.isThematicBreak(lines[j]) else { break }
                var itemLines: [Line] = [marker.firstLine]
                var tracker = LazyTracker()
                tracker.feed(marker.firstLine)
                var hasContent = !marker.blankFirstLine
                var trailingBlanks = 0
                j += 1
                while j < lines.count {
                    let line = lines[j]
                    if Self.isBlank(line) {
                        if !hasContent { break } // an item can begin with at most one blank line
                        itemLines.append([])
                        tracker.feed([])
                        trailingBlanks += 1
                    } else if Self.indentation(line).columns >= marker.contentOffset {
                        let content = Self.stripColumns(line, marker.contentOffset)
                        itemLines.append(content)
                        tracker.feed(content)
                        hasContent = true
                        trailingBlanks = 0
                    } else if trailingBlanks == 0, tracker.paragraphOpen, !Self.interruptsParagraph(line),
                              Self.listMarker(line) == nil {
                        itemLines.append(Self.lazy(line)) // lazy continuation
                    } else {
                        break
                    }
                    j += 1
                }
                itemLines.removeLast(trailingBlanks)
                let (blocks, blankBetween) = parse(lines: itemLines, depth: depth + 1)
                if blankBetween { loose = true }
                items.append(blocks)
                resume = j - trailingBlanks
                var k = j
                while k < lines.count, Self.isBlank(lines[k]) { k += 1 }
                if k < lines.count, let next = Self.listMarker(lines[k]), next.ordered == first.ordered,
                   next.delimiter == first.delimiter, !Self.isThematicBreak(lines[k]) {
                    if trailingBlanks > 0 || k > j { loose = true }
                    j = k
                    continue
                }
                break
            }
            return (.list(ordered: first.ordered, start: first.start, tight: !loose, items: items), resume)
        }

        func parseTable(_ lines: [Line], from start: Int, alignments: [Alignment]) -> (RawBlock, Int) {
            let columns = alignments.count
            func normalised(_ cells: [[UInt8]]) -> [[UInt8]] {
                if cells.count >= columns { return Array(cells.prefix(columns)) }
                return cells + Array(repeating: [], count: columns - cells.count)
            }
            let header = normalised(Self.splitRow(lines[start]))
            var rows: [[[UInt8]]] = []
            var j = start + 2
            while j < lines.count, !Self.isBlank(lines[j]), !Self.interruptsParagraph(lines[j]) {
                rows.append(normalised(Self.splitRow(lines[j])))
                j += 1
            }
            return (.table(alignments, header, rows), j)
        }

        // MARK: Link reference definitions

        /// Removes the `[label]: destination "title"` lines at the start of a paragraph, recording them.
        mutating func extractDefinitions(_ text: [UInt8]) -> [UInt8] {
            var pos = 0
            while pos < text.count, text[pos] == Byte.lbracket {
                guard let (label, afterLabel) = InlineParser.scanLabel(text, from: pos),
                      afterLabel < text.count, text[afterLabel] == Byte.colon else { break }
                var j = Self.skipSpaces(text, from: afterLabel + 1, allowingNewline: true)
                guard let (destination, afterDestination) = InlineParser.scanDestination(text, from: j),
                      afterDestination > j else { break }
                j = afterDestination
                var title: String?
                var end: Int
                let titleStart = Self.skipSpaces(text, from: j, allowingNewline: true)
                if titleStart > j, let (t, afterTitle) = InlineParser.scanTitle(text, from: titleStart),
                   let lineEnd = Self.endOfBlankRest(text, from: afterTitle) {
                    title = t
                    end = lineEnd
                } else if let lineEnd = Self.endOfBlankRest(text, from: j) {
                    end = lineEnd
                } else {
                    break
                }
                let key = InlineParser.normalizedLabel(label)
                if !key.isEmpty, definitions[key] == nil {
                    definitions[key] = LinkDefinition(destination: destination, title: title)
                }
                pos = end
            }
            return pos == 0 ? text : Array(text[pos...])
        }

        /// A lazy continuation line is paragraph text: keep a `===` line from becoming a setext underline
        /// inside the container (`\=` renders as `=`).
        static func lazy(_ line: Line) -> Line {
            guard setextLevel(line) == 1 else { return line }
            let start = indentation(line).index
            return Array(line[..<start]) + [Byte.backslash] + line[start...]
        }

        static func skipSpaces(_ s: [UInt8], from i: Int, allowingNewline: Bool) -> Int {
            var j = i
            var sawNewline = false
            while j < s.count {
                if Byte.isSpaceOrTab(s[j]) {
                    j += 1
                } else if s[j] == Byte.lf, allowingNewline, !sawNewline {
                    sawNewline = true
                    j += 1
                } else {
                    break
                }
            }
            return j
        }

        /// If only spaces follow `i` up to the end of the line, the index after that line.
        static func endOfBlankRest(_ s: [UInt8], from i: Int) -> Int? {
            var j = i
            while j < s.count, Byte.isSpaceOrTab(s[j]) { j += 1 }
            if j == s.count { return j }
            return s[j] == Byte.lf ? j + 1 : nil
        }

        // MARK: Line classification

        static func isBlank(_ line: Line) -> Bool {
            line.allSatisfy { Byte.isSpaceOrTab($0) }
        }

        /// Leading whitespace in columns (tab stops every 4) and the index of the first other byte.
        static func indentation(_ line: Line) -> (columns: Int, index: Int) {
            var columns = 0
            var i = 0
            while i < line.count {
                if line[i] == Byte.space { columns += 1 } else if line[i] == Byte.tab { columns += 4 - columns % 4 } else { break }
                i += 1
            }
            return (columns, i)
        }

        /// Removes up to `n` columns of leading whitespace, splitting a tab if needed. When `n` is not a
        /// multiple of 4, the remaining leading tabs become spaces so their width survives the shift.
        static func stripColumns(_ line: Line, _ n: Int) -> Line {
            var columns = 0
            var i = 0
            while i < line.count, columns < n {
                if line[i] == Byte.space {
                    columns += 1
                } else if line[i] == Byte.tab {
                    let width = 4 - columns % 4
                    if columns + width > n { break }
                    columns += width
                } else {
                    break
                }
                i += 1
            }
            guard i < line.count, columns % 4 != 0 || columns < n, line[i] == Byte.tab || line[i] == Byte.space else {
                return i == 0 ? line : Array(line[i...])
            }
            // Expand the rest of the leading whitespace at its true columns, then drop what is still owed.
            var out: Line = []
            var column = columns
            var k = i
            while k < line.count, Byte.isSpaceOrTab(line[k]) {
                let width = line[k] == Byte.tab ? 4 - column % 4 : 1
                for _ in 0..<width {
                    if column >= n { out.append(Byte.space) }
                    column += 1
                }
                k += 1
            }
            out.append(contentsOf: line[k...])
            return out
        }

        static func trimmed<C: BidirectionalCollection>(_ s: C) -> [UInt8] where C.Element == UInt8 {
            guard let first = s.firstIndex(where: { !Byte.isSpaceOrTab($0) }),
                  let last = s.lastIndex(where: { !Byte.isSpaceOrTab($0) }) else { return [] }
            return Array(s[first...last])
        }

        static func joined(_ lines: [Line]) -> [UInt8] {
            var out: [UInt8] = []
            for line in lines {
                out.append(contentsOf: line)
                out.append(Byte.lf)
            }
            return out
        }

        /// Paragraph lines without their leading whitespace, joined, without trailing whitespace.
        static func paragraphText(_ lines: [Line]) -> [UInt8] {
            var out: [UInt8] = []
            for (k, line) in lines.enumerated() {
                if k > 0 { out.append(Byte.lf) }
                let start = line.firstIndex { !Byte.isSpaceOrTab($0) } ?? line.count
                out.append(contentsOf: line[start...])
            }
            while let last = out.last, Byte.isSpaceOrTab(last) { out.removeLast() }
            return out
        }

        static func atxHeading(_ line: Line) -> (Int, [UInt8])? {
            let (columns, start) = indentation(line)
            guard columns < 4 else { return nil }
            var i = start
            while i < line.count, line[i] == Byte.hash { i += 1 }
            let level = i - start
            guard (1...6).contains(level), i == line.count || Byte.isSpaceOrTab(line[i]) else { return nil }
            var content = trimmed(line[i...])
            var end = content.count
            while end > 0, content[end - 1] == Byte.hash { end -= 1 }
            if end < content.count {
                if end == 0 {
                    content = []
                } else if Byte.isSpaceOrTab(content[end - 1]) {
                    content = trimmed(content[..<end])
                }
            }
            return (level, content)
        }

        static func isThematicBreak(_ line: Line) -> Bool {
            let (columns, start) = indentation(line)
            guard columns < 4, start < line.count else { return false }
            let c = line[start]
            guard c == Byte.star || c == Byte.dash || c == Byte.underscore else { return false }
            var count = 0
            for b in line[start...] {
                if b == c { count += 1 } else if !Byte.isSpaceOrTab(b) { return false }
            }
            return count >= 3
        }

        static func setextLevel(_ line: Line) -> Int? {
            let (columns, start) = indentation(line)
            guard columns < 4, start < line.count else { return nil }
            let c = line[start]
            guard c == Byte.equals || c == Byte.dash else { return nil }
            var i = start
            while i < line.count, line[i] == c { i += 1 }
            while i < line.count, Byte.isSpaceOrTab(line[i]) { i += 1 }
            guard i == line.count else { return nil }
            return c == Byte.equals ? 1 : 2
        }

        struct Fence {
            let char: UInt8
            let length: Int
            let indent: Int
            let info: [UInt8]
        }

        static func fenceOpening(_ line: Line) -> Fence? {
            let (columns, start) = indentation(line)
            guard columns < 4, start < line.count else { return nil }
            let c = line[start]
            guard c == Byte.backtick || c == Byte.tilde else { return nil }
            var i = start
            while i < line.count, line[i] == c { i += 1 }
            guard i - start >= 3 else { return nil }
            let info = trimmed(line[i...])
            if c == Byte.backtick, info.contains(Byte.backtick) { return nil }
            return Fence(char: c, length: i - start, indent: columns, info: info)
        }

        static func isFenceClosing(_ line: Line, _ fence: Fence) -> Bool {
            let (columns, start) = indentation(line)
            guard columns < 4 else { return false }
            var i = start
            while i < line.count, line[i] == fence.char { i += 1 }
            guard i - start >= fence.length else { return false }
            while i < line.count, Byte.isSpaceOrTab(line[i]) { i += 1 }
            return i == line.count
        }

        /// The first word of a fence's info string, reduced to `[A-Za-z0-9_+#.-]` (it becomes a class name).
        static func language(_ info: [UInt8]) -> String? {
            let word = info.prefix { !Byte.isSpaceOrTab($0) }
            let decoded = Markdown.unescape(word[...])
            let safe = decoded.unicodeScalars.filter { scalar in
                scalar.isASCII && (Byte.isAlnum(UInt8(scalar.value)) || "_+#.-".unicodeScalars.contains(scalar))
            }
            guard !safe.isEmpty else { return nil }
            return String(String.UnicodeScalarView(safe.prefix(64)))
        }

        /// The line inside a block quote marker (`>` and one optional space), or nil.
        static func quoteContent(_ line: Line) -> Line? {
            let (columns, start) = indentation(line)
            guard columns < 4, start < line.count, line[start] == Byte.gt else { return nil }
            let rest = line[(start + 1)...]
            let shifted = Array(repeating: Byte.space, count: columns + 1) + rest
            let strip = columns + 1 + ((rest.first.map(Byte.isSpaceOrTab) ?? false) ? 1 : 0)
            return stripColumns(shifted, strip)
        }

        struct ListMarker {
            let ordered: Bool
            /// The bullet (`-`, `+`, `*`) or the ordered delimiter (`.`, `)`).
            let delimiter: UInt8
            let start: Int
            let contentOffset: Int
            let blankFirstLine: Bool
            let firstLine: Line
        }

        static func listMarker(_ line: Line) -> ListMarker? {
            let (columns, start) = indentation(line)
            guard columns < 4, start < line.count else { return nil }
            var i = start
            var ordered = false
            var number = 1
            let delimiter: UInt8
            let c = line[start]
            if c == Byte.dash || c == Byte.plus || c == Byte.star {
                delimiter = c
                i += 1
            } else if Byte.isDigit(c) {
                number = 0
                while i < line.count, Byte.isDigit(line[i]), i - start < 10 {
                    number = number * 10 + Int(line[i] - Byte.zero)
                    i += 1
                }
                guard i - start <= 9, i < line.count, line[i] == Byte.dot || line[i] == Byte.rparen else { return nil }
                delimiter = line[i]
                ordered = true
                i += 1
            } else {
                return nil
            }
            guard i == line.count || Byte.isSpaceOrTab(line[i]) else { return nil }
            let markerEnd = columns + (i - start)
            let shifted = Array(repeating: Byte.space, count: markerEnd) + line[i...]
            let (contentColumn, contentIndex) = indentation(shifted)
            let blank = contentIndex == shifted.count
            let offset = blank || contentColumn - markerEnd > 4 ? markerEnd + 1 : contentColumn
            return ListMarker(ordered: ordered, delimiter: delimiter, start: number, contentOffset: offset,
                              blankFirstLine: blank, firstLine: blank ? [] : stripColumns(shifted, offset))
        }

        /// Whether `line` starts a block that may interrupt a paragraph.
        static func interruptsParagraph(_ line: Line) -> Bool {
            let (columns, start) = indentation(line)
            guard columns < 4, start < line.count else { return false }
            switch line[start] {
            case Byte.hash: return atxHeading(line) != nil
            case Byte.backtick, Byte.tilde: return fenceOpening(line) != nil
            case Byte.gt: return true
            case Byte.underscore: return isThematicBreak(line)
            case Byte.star, Byte.dash, Byte.plus:
                if isThematicBreak(line) { return true }
                if let marker = listMarker(line) { return !marker.blankFirstLine }
                return false
            case Byte.zero...Byte.nine:
                if let marker = listMarker(line) { return !marker.blankFirstLine && marker.start == 1 }
                return false
            default: return false
            }
        }

        // MARK: Tables

        /// A table starts at `i` when that line has a pipe and the next is a delimiter row with as many cells.
        static func tableStart(_ lines: [Line], at i: Int) -> [Alignment]? {
            guard i + 1 < lines.count, indentation(lines[i]).columns < 4, hasUnescapedPipe(lines[i]),
                  let alignments = delimiterRow(lines[i + 1]),
                  splitRow(lines[i]).count == alignments.count else { return nil }
            return alignments
        }

        static func hasUnescapedPipe(_ line: Line) -> Bool {
            var i = 0
            while i < line.count {
                if line[i] == Byte.backslash { i += 2; continue }
                if line[i] == Byte.pipe { return true }
                i += 1
            }
            return false
        }

        static func delimiterRow(_ line: Line) -> [Alignment]? {
            guard indentation(line).columns < 4, line.contains(Byte.pipe) else { return nil }
            for b in line where !(b == Byte.pipe || b == Byte.dash || b == Byte.colon || Byte.isSpaceOrTab(b)) { return nil }
            let cells = splitRow(line)
            guard !cells.isEmpty, cells.count <= maxTableColumns else { return nil }
            var alignments: [Alignment] = []
            for cell in cells {
                guard cell.contains(Byte.dash) else { return nil }
                let left = cell.first == Byte.colon
                let right = cell.last == Byte.colon
                let dashes = cell.dropFirst(left ? 1 : 0).dropLast(right ? 1 : 0)
                guard !dashes.isEmpty, dashes.allSatisfy({ $0 == Byte.dash }) else { return nil }
                alignments.append(left && right ? .center : left ? .left : right ? .right : .none)
            }
            return alignments
        }

        /// Cells of a table row; `\|` is an escaped pipe (also inside code spans, as in GFM).
        static func splitRow(_ line: Line) -> [[UInt8]] {
            let t = trimmed(line)
            var cells: [[UInt8]] = []
            var current: [UInt8] = []
            var i = t.first == Byte.pipe ? 1 : 0
            var endedWithPipe = false
            while i < t.count {
                let b = t[i]
                endedWithPipe = false
                if b == Byte.backslash, i + 1 < t.count {
                    if t[i + 1] != Byte.pipe { current.append(b) }
                    current.append(t[i + 1])
                    i += 2
                    continue
                }
                if b == Byte.pipe {
                    cells.append(trimmed(current))
                    current = []
                    endedWithPipe = true
                } else {
                    current.append(b)
                }
                i += 1
            }
            if !endedWithPipe { cells.append(trimmed(current)) }
            return cells
        }
    }

    /// Tracks whether the last line fed into a container leaves a paragraph open, which is when a
    /// following unmarked line continues it lazily.
    struct LazyTracker {
        var fence: BlockParser.Fence?
        var paragraphOpen = false

        mutating func feed(_ line: Line) {
            if let open = fence {
                if BlockParser.isFenceClosing(line, open) { fence = nil }
                paragraphOpen = false
                return
            }
            if BlockParser.isBlank(line) {
                paragraphOpen = false
                return
            }
            if let opening = BlockParser.fenceOpening(line) {
                fence = opening
                paragraphOpen = false
                return
            }
            if BlockParser.indentation(line).columns >= 4 {
                return // indented code, or a continuation of the open paragraph
            }
            // Look through nested container markers to the content.
            var content = line
            var steps = 0
            while steps < BlockParser.maxDepth {
                if let inner = BlockParser.quoteContent(content) {
                    content = inner
                } else if let marker = BlockParser.listMarker(content) {
                    content = marker.firstLine
                } else {
                    break
                }
                steps += 1
            }
            paragraphOpen = !(BlockParser.isBlank(content) || BlockParser.atxHeading(content) != nil
                || BlockParser.isThematicBreak(content) || BlockParser.fenceOpening(content) != nil)
        }
    }
}
