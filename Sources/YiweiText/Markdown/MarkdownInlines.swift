import Foundation

// Inline parsing: CommonMark's delimiter-stack algorithm for emphasis and its bracket stack for links,
// on an index-linked node list (no quadratic list surgery). Code-span closers are found by binary search
// over precomputed backtick runs; link brackets are deactivated with a single barrier index.

extension Markdown {
    struct InlineContext {
        let definitions: [String: LinkDefinition]

        func convert(_ raw: RawBlock) -> Block {
            switch raw {
            case .paragraph(let text): return .paragraph(inlines(text))
            case .heading(let level, let text): return .heading(level: level, inlines(text))
            case .thematicBreak: return .thematicBreak
            case .code(let language, let text): return .code(language: language, text: String(decoding: text, as: UTF8.self))
            case .quote(let children): return .quote(children.map(convert))
            case .list(let ordered, let start, let tight, let items):
                return .list(ordered: ordered, start: start, tight: tight, items: items.map { $0.map(convert) })
            case .table(let alignments, let header, let rows):
                return .table(alignments: alignments, header: header.map(inlines), rows: rows.map { $0.map(inlines) })
            }
        }

        func inlines(_ text: [UInt8]) -> [Inline] {
            guard !text.isEmpty else { return [] }
            var parser = InlineParser(text, definitions: definitions)
            return parser.parse()
        }
    }

    struct InlineParser {
        static let maxNesting = 32
        static let maxLabelLength = 999

        enum Kind {
            case root, text, code, softBreak(Bool), hardBreak, emphasis, strong, strikethrough
            case link(String, String?), image(String, String?), autolink(String)
        }

        struct Node {
            var kind: Kind
            var text: [UInt8]
            var parent: Int
            var prev = -1
            var next = -1
            var first = -1
            var last = -1
        }

        struct Delimiter {
            let node: Int
            let char: UInt8
            var count: Int
            let originalCount: Int
            let canOpen: Bool
            let canClose: Bool
            var prev: Int
            var next = -1
        }

        struct Bracket {
            let node: Int
            let image: Bool
            let contentStart: Int
            let delimiterBottom: Int
        }

        let s: [UInt8]
        let definitions: [String: LinkDefinition]
        var pos = 0
        var nodes: [Node] = [Node(kind: .root, text: [], parent: -1)]
        var delimiters: [Delimiter] = []
        var top = -1
        var brackets: [Bracket] = []
        /// `[` openers below this index of `brackets` are inactive (a link was formed after them).
        var activeFrom = 0
        /// Backtick runs: length → start positions (ascending), built on the first backtick.
        var backtickRuns: [Int: [Int]]?

        init(_ text: [UInt8], definitions: [String: LinkDefinition]) {
            s = text
            self.definitions = definitions
        }

        mutating func parse() -> [Inline] {
            let n = s.count
            while pos < n {
                let c = s[pos]
                switch c {
                case Byte.lf: lineBreak()
                case Byte.backslash: backslash()
                case Byte.backtick: codeSpan()
                case Byte.star, Byte.underscore, Byte.tilde: delimiterRun(c)
                case Byte.lbracket:
                    let node = append(.text, [Byte.lbracket])
                    brackets.append(Bracket(node: node, image: false, contentStart: pos + 1, delimiterBottom: top))
                    pos += 1
                case Byte.bang:
                    if pos + 1 < n, s[pos + 1] == Byte.lbracket {
                        let node = append(.text, [Byte.bang, Byte.lbracket])
                        brackets.append(Bracket(node: node, image: true, contentStart: pos + 2, delimiterBottom: top))
                        pos += 2
                    } else {
                        append(.text, [c])
                        pos += 1
                    }
                case Byte.rbracket: closeBracket()
                case Byte.lt:
                    if !autolink() {
                        append(.text, [c])
                        pos += 1
                    }
                case Byte.amp:
                    if let (decoded, end) = Markdown.entity(at: pos, in: s) {
                        append(.text, decoded)
                        pos = end
                    } else {
                        append(.text, [c])
                        pos += 1
                    }
                default:
                    var j = pos + 1
                    while j < n, !Self.isSpecial(s[j]) { j += 1 }
                    append(.text, Array(s[pos..<j]))
                    pos = j
                }
            }
            processEmphasis(bottom: -1)
            return convertChildren(of: 0, depth: 0, inLink: false)
        }

        static func isSpecial(_ b: UInt8) -> Bool {
            switch b {
            case Byte.lf, Byte.backslash, Byte.backtick, Byte.star, Byte.underscore, Byte.tilde,
                 Byte.lbracket, Byte.rbracket, Byte.bang, Byte.lt, Byte.amp:
                return true
            default:
                return false
            }
        }

        // MARK: Node list

        @discardableResult
        mutating func append(_ kind: Kind, _ text: [UInt8] = []) -> Int {
            let index = nodes.count
            var node = Node(kind: kind, text: text, parent: 0)
            node.prev = nodes[0].last
            nodes.append(node)
            if nodes[0].last >= 0 { nodes[nodes[0].last].next = index } else { nodes[0].first = index }
            nodes[0].last = index
            return index
        }

        mutating func newNode(_ kind: Kind) -> Int {
            nodes.append(Node(kind: kind, text: [], parent: -1))
            return nodes.count - 1
        }

        mutating func insert(_ node: Int, after anchor: Int) {
            let parent = nodes[anchor].parent
            let next = nodes[anchor].next
            nodes[node].parent = parent
            nodes[node].prev = anchor
            nodes[node].next = next
            nodes[anchor].next = node
            if next >= 0 { nodes[next].prev = node } else { nodes[parent].last = node }
        }

        mutating func unlink(_ node: Int) {
            let parent = nodes[node].parent, prev = nodes[node].prev, next = nodes[node].next
            if prev >= 0 { nodes[prev].next = next } else { nodes[parent].first = next }
            if next >= 0 { nodes[next].prev = prev } else { nodes[parent].last = prev }
            nodes[node].prev = -1
            nodes[node].next = -1
        }

        /// Moves the siblings `first…last` (in order) into the empty container `container`.
        mutating func move(from first: Int, through last: Int, into container: Int) {
            let parent = nodes[first].parent
            let before = nodes[first].prev, after = nodes[last].next
            if before >= 0 { nodes[before].next = after } else { nodes[parent].first = after }
            if after >= 0 { nodes[after].prev = before } else { nodes[parent].last = before }
            nodes[first].prev = -1
            nodes[last].next = -1
            var k = first
            while k >= 0 {
                nodes[k].parent = container
                k = nodes[k].next
            }
            nodes[container].first = first
            nodes[container].last = last
        }

        // MARK: Line breaks and escapes

        mutating func lineBreak() {
            var spaces = 0
            let last = nodes[0].last
            if last >= 0, case .text = nodes[last].kind {
                while let b = nodes[last].text.last, b == Byte.space {
                    nodes[last].text.removeLast()
                    spaces += 1
                }
            }
            var after = pos + 1
            while after < s.count, Byte.isSpaceOrTab(s[after]) { after += 1 }
            if spaces >= 2 {
                append(.hardBreak)
            } else {
                var before = pos
                while before > 0, Byte.isSpaceOrTab(s[before - 1]) { before -= 1 }
                let cjk = Markdown.isCJK(Markdown.scalar(before: before, in: s)) && Markdown.isCJK(Markdown.scalar(at: after, in: s))
                append(.softBreak(cjk))
            }
            pos = after
        }

        mutating func backslash() {
            if pos + 1 < s.count, s[pos + 1] == Byte.lf {
                append(.hardBreak)
                pos += 2
                while pos < s.count, Byte.isSpaceOrTab(s[pos]) { pos += 1 }
            } else if pos + 1 < s.count, Byte.isPunctuation(s[pos + 1]) {
                append(.text, [s[pos + 1]])
                pos += 2
            } else {
                append(.text, [Byte.backslash])
                pos += 1
            }
        }

        // MARK: Code spans

        mutating func codeSpan() {
            let start = pos
            var j = pos
            while j < s.count, s[j] == Byte.backtick { j += 1 }
            let length = j - start
            if backtickRuns == nil {
                var runs: [Int: [Int]] = [:]
                var k = 0
                while k < s.count {
                    if s[k] == Byte.backtick {
                        let runStart = k
                        while k < s.count, s[k] == Byte.backtick { k += 1 }
                        runs[k - runStart, default: []].append(runStart)
                    } else {
                        k += 1
                    }
                }
                backtickRuns = runs
            }
            if let candidates = backtickRuns?[length], let closer = Self.firstElement(in: candidates, greaterThanOrEqualTo: j) {
                var content = Array(s[j..<closer]).map { $0 == Byte.lf ? Byte.space : $0 }
                if content.count >= 2, content.first == Byte.space, content.last == Byte.space,
                   content.contains(where: { $0 != Byte.space }) {
                    content = Array(content.dropFirst().dropLast())
                }
                append(.code, content)
                pos = closer + length
            } else {
                append(.text, Array(s[start..<j]))
                pos = j
            }
        }

        static func firstElement(in sorted: [Int], greaterThanOrEqualTo value: Int) -> Int? {
            var low = 0, high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid] < value { low = mid + 1 } else { high = mid }
            }
            return low < sorted.count ? sorted[low] : nil
        }

        // MARK: Emphasis

        mutating func delimiterRun(_ c: UInt8) {
            var j = pos
            while j < s.count, s[j] == c { j += 1 }
            let count = j - pos
            if c == Byte.tilde && count != 2 { // only `~~` strikes through: `1~3天` stays text
                append(.text, Array(s[pos..<j]))
                pos = j
                return
            }
            let before = Markdown.scalar(before: pos, in: s)
            let after = Markdown.scalar(at: j, in: s)
            let beforeSpace = Markdown.isWhitespace(before), afterSpace = Markdown.isWhitespace(after)
            let beforePunct = Markdown.isPunctuation(before), afterPunct = Markdown.isPunctuation(after)
            // CommonMark flanking, relaxed next to CJK so `是**“引号”**文字` works without spaces.
            let leftFlanking = !afterSpace && (!afterPunct || beforeSpace || beforePunct || Markdown.isCJK(before))
            let rightFlanking = !beforeSpace && (!beforePunct || afterSpace || afterPunct || Markdown.isCJK(after))
            let canOpen: Bool, canClose: Bool
            if c == Byte.underscore {
                canOpen = leftFlanking && (!rightFlanking || beforePunct)
                canClose = rightFlanking && (!leftFlanking || afterPunct)
            } else {
                canOpen = leftFlanking
                canClose = rightFlanking
            }
            let node = append(.text, Array(s[pos..<j]))
            if canOpen || canClose {
                delimiters.append(Delimiter(node: node, char: c, count: count, originalCount: count,
                                            canOpen: canOpen, canClose: canClose, prev: top))
                let index = delimiters.count - 1
                if top >= 0 { delimiters[top].next = index }
                top = index
            }
            pos = j
        }

        mutating func removeDelimiter(_ d: Int) {
            let prev = delimiters[d].prev, next = delimiters[d].next
            if prev >= 0 { delimiters[prev].next = next }
            if next >= 0 { delimiters[next].prev = prev } else { top = prev }
        }

        /// CommonMark's "process emphasis" for the delimiters above `bottom`.
        mutating func processEmphasis(bottom: Int) {
            var openersBottom = Array(repeating: bottom, count: 18)
            var closer: Int
            if bottom >= 0 {
                closer = delimiters[bottom].next
            } else {
                closer = top
                while closer >= 0, delimiters[closer].prev >= 0 { closer = delimiters[closer].prev }
            }
            while closer >= 0 {
                let c = delimiters[closer]
                guard c.canClose else {
                    closer = c.next
                    continue
                }
                let charIndex = c.char == Byte.star ? 0 : c.char == Byte.underscore ? 1 : 2
                let key = charIndex * 6 + (c.originalCount % 3) * 2 + (c.canOpen ? 1 : 0)
                var opener = c.prev
                var found = false
                while opener >= 0, opener != bottom, opener != openersBottom[key] {
                    let o = delimiters[opener]
                    if o.canOpen, o.char == c.char {
                        if c.char == Byte.tilde {
                            found = o.count == c.count
                        } else {
                            let oddMatch = (c.canOpen || o.canClose) && c.originalCount % 3 != 0
                                && (o.originalCount + c.originalCount) % 3 == 0
                            found = !oddMatch
                        }
                        if found { break }
                    }
                    opener = o.prev
                }
                if found {
                    let used = c.char == Byte.tilde ? 2 : (c.count >= 2 && delimiters[opener].count >= 2 ? 2 : 1)
                    delimiters[opener].count -= used
                    delimiters[closer].count -= used
                    let openerNode = delimiters[opener].node, closerNode = c.node
                    nodes[openerNode].text.removeLast(used)
                    nodes[closerNode].text.removeLast(used)
                    let kind: Kind = c.char == Byte.tilde ? .strikethrough : used == 2 ? .strong : .emphasis
                    let wrapper = newNode(kind)
                    insert(wrapper, after: openerNode)
                    let firstInside = nodes[wrapper].next
                    if firstInside != closerNode {
                        move(from: firstInside, through: nodes[closerNode].prev, into: wrapper)
                    }
                    var d = delimiters[opener].next
                    while d >= 0, d != closer {
                        let next = delimiters[d].next
                        removeDelimiter(d)
                        d = next
                    }
                    if delimiters[opener].count == 0 {
                        unlink(openerNode)
                        removeDelimiter(opener)
                    }
                    if delimiters[closer].count == 0 {
                        let next = delimiters[closer].next
                        unlink(closerNode)
                        removeDelimiter(closer)
                        closer = next
                    }
                } else {
                    openersBottom[key] = c.prev
                    let next = c.next
                    if !c.canOpen { removeDelimiter(closer) }
                    closer = next
                }
            }
            while top >= 0, top != bottom { removeDelimiter(top) }
        }

        // MARK: Links and images

        mutating func closeBracket() {
            guard let bracket = brackets.last else {
                append(.text, [Byte.rbracket])
                pos += 1
                return
            }
            if !bracket.image && brackets.count - 1 < activeFrom {
                popBracket()
                append(.text, [Byte.rbracket])
                pos += 1
                return
            }
            let closePosition = pos
            pos += 1
            var target: (String, String?)?
            if pos < s.count, s[pos] == Byte.lparen, let (destination, title, end) = inlineLinkTail(from: pos + 1) {
                target = (destination, title)
                pos = end
            } else if !definitions.isEmpty {
                var label: ArraySlice<UInt8>?
                if pos < s.count, s[pos] == Byte.lbracket, let (full, end) = Self.scanLabel(s, from: pos) {
                    label = full
                    pos = end
                } else {
                    if pos + 1 < s.count, s[pos] == Byte.lbracket, s[pos + 1] == Byte.rbracket { pos += 2 } // collapsed `[]`
                    if closePosition - bracket.contentStart <= Self.maxLabelLength {
                        label = s[bracket.contentStart..<closePosition]
                    }
                }
                if let label, let definition = definitions[Self.normalizedLabel(label)] {
                    target = (definition.destination, definition.title)
                } else {
                    pos = closePosition + 1
                }
            }
            guard let (destination, title) = target else {
                popBracket()
                append(.text, [Byte.rbracket])
                return
            }
            processEmphasis(bottom: bracket.delimiterBottom)
            let link = newNode(bracket.image ? .image(destination, title) : .link(destination, title))
            insert(link, after: bracket.node)
            let firstInside = nodes[link].next
            if firstInside >= 0 { move(from: firstInside, through: nodes[0].last, into: link) }
            unlink(bracket.node)
            popBracket()
            if !bracket.image { activeFrom = brackets.count } // no links inside links
        }

        mutating func popBracket() {
            brackets.removeLast()
            activeFrom = min(activeFrom, brackets.count)
        }

        /// After `](`: optional whitespace, destination, optional title, `)`.
        func inlineLinkTail(from start: Int) -> (String, String?, Int)? {
            var j = BlockParser.skipSpaces(s, from: start, allowingNewline: true)
            if j < s.count, s[j] == Byte.rparen { return ("", nil, j + 1) }
            guard let (destination, afterDestination) = Self.scanDestination(s, from: j) else { return nil }
            j = BlockParser.skipSpaces(s, from: afterDestination, allowingNewline: true)
            var title: String?
            if j > afterDestination, let (t, afterTitle) = Self.scanTitle(s, from: j) {
                title = t
                j = BlockParser.skipSpaces(s, from: afterTitle, allowingNewline: true)
            }
            guard j < s.count, s[j] == Byte.rparen else { return nil }
            return (destination, title, j + 1)
        }

        /// `<…>` or a run without spaces and with balanced parentheses (at most 32 deep).
        static func scanDestination(_ s: [UInt8], from i: Int) -> (String, Int)? {
            guard i < s.count else { return nil }
            if s[i] == Byte.lt {
                var j = i + 1
                while j < s.count {
                    let b = s[j]
                    if b == Byte.lf || b == Byte.lt { return nil }
                    if b == Byte.gt { return (Markdown.unescape(s[(i + 1)..<j]), j + 1) }
                    j += b == Byte.backslash && j + 1 < s.count && Byte.isPunctuation(s[j + 1]) ? 2 : 1
                }
                return nil
            }
            var j = i
            var depth = 0
            while j < s.count {
                let b = s[j]
                if b == Byte.backslash, j + 1 < s.count, Byte.isPunctuation(s[j + 1]) {
                    j += 2
                    continue
                }
                if b == Byte.lparen {
                    depth += 1
                    if depth > 32 { return nil }
                } else if b == Byte.rparen {
                    if depth == 0 { break }
                    depth -= 1
                } else if b <= Byte.space || b == 0x7F {
                    break
                }
                j += 1
            }
            guard j > i, depth == 0 else { return nil }
            return (Markdown.unescape(s[i..<j]), j)
        }

        /// `"…"`, `'…'` or `(…)`, with backslash escapes.
        static func scanTitle(_ s: [UInt8], from i: Int) -> (String, Int)? {
            guard i < s.count else { return nil }
            let open = s[i]
            let close: UInt8
            switch open {
            case Byte.quote, Byte.apostrophe: close = open
            case Byte.lparen: close = Byte.rparen
            default: return nil
            }
            var j = i + 1
            while j < s.count {
                let b = s[j]
                if b == Byte.backslash, j + 1 < s.count, Byte.isPunctuation(s[j + 1]) {
                    j += 2
                    continue
                }
                if b == close { return (Markdown.unescape(s[(i + 1)..<j]), j + 1) }
                if open == Byte.lparen, b == Byte.lparen { return nil }
                j += 1
            }
            return nil
        }

        /// `[label]` starting at `i` (at most 999 characters, no unescaped brackets, not blank).
        static func scanLabel(_ s: [UInt8], from i: Int) -> (ArraySlice<UInt8>, Int)? {
            guard i < s.count, s[i] == Byte.lbracket else { return nil }
            var j = i + 1
            while j < s.count, j - i <= maxLabelLength + 1 {
                let b = s[j]
                if b == Byte.backslash, j + 1 < s.count {
                    j += 2
                    continue
                }
                if b == Byte.lbracket { return nil }
                if b == Byte.rbracket {
                    let label = s[(i + 1)..<j]
                    guard label.contains(where: { !Byte.isSpaceOrTab($0) && $0 != Byte.lf }) else { return nil }
                    return (label, j + 1)
                }
                j += 1
            }
            return nil
        }

        /// Case-folded, whitespace-collapsed label used to match references with definitions.
        static func normalizedLabel(_ label: ArraySlice<UInt8>) -> String {
            String(decoding: label, as: UTF8.self)
                .lowercased().uppercased() // a cheap case fold: ẞ, ß and SS all match
                .split(whereSeparator: { $0.isWhitespace })
                .joined(separator: " ")
        }

        // MARK: Autolinks

        /// `<scheme:…>` or `<local@domain>`.
        mutating func autolink() -> Bool {
            let start = pos + 1
            var j = start
            if j < s.count, Byte.isAlpha(s[j]) {
                while j < s.count, j - start < 32,
                      Byte.isAlnum(s[j]) || s[j] == Byte.plus || s[j] == Byte.dot || s[j] == Byte.dash { j += 1 }
                if j < s.count, s[j] == Byte.colon, j - start >= 2 {
                    var k = j + 1
                    while k < s.count, s[k] > Byte.space, s[k] != Byte.lt, s[k] != Byte.gt, s[k] != 0x7F { k += 1 }
                    if k < s.count, s[k] == Byte.gt {
                        let url = String(decoding: s[start..<k], as: UTF8.self)
                        append(.autolink(url), Array(s[start..<k]))
                        pos = k + 1
                        return true
                    }
                }
            }
            // E-mail address.
            j = start
            while j < s.count, Byte.isAlnum(s[j]) || "._%+-!#$&'*/=?^`{|}~".utf8.contains(s[j]) { j += 1 }
            guard j > start, j < s.count, s[j] == Byte.at else { return false }
            var k = j + 1
            var labelLength = 0
            while k < s.count {
                let b = s[k]
                if Byte.isAlnum(b) {
                    labelLength += 1
                } else if b == Byte.dash, labelLength > 0 {
                    labelLength += 1
                } else if b == Byte.dot, labelLength > 0, s[k - 1] != Byte.dash {
                    labelLength = 0
                } else {
                    break
                }
                guard labelLength <= 63 else { return false }
                k += 1
            }
            guard k < s.count, s[k] == Byte.gt, labelLength > 0, s[k - 1] != Byte.dash else { return false }
            let address = String(decoding: s[start..<k], as: UTF8.self)
            append(.autolink("mailto:" + address), Array(s[start..<k]))
            pos = k + 1
            return true
        }

        // MARK: Conversion to the Inline tree

        func convertChildren(of parent: Int, depth: Int, inLink: Bool) -> [Inline] {
            var out: [Inline] = []
            var text: [UInt8] = []
            func flush() {
                guard !text.isEmpty else { return }
                if inLink {
                    out.append(.text(String(decoding: text, as: UTF8.self)))
                } else {
                    out.append(contentsOf: BareURLs.split(text))
                }
                text = []
            }
            var k = nodes[parent].first
            while k >= 0 {
                let node = nodes[k]
                switch node.kind {
                case .root:
                    break
                case .text:
                    text.append(contentsOf: node.text)
                case .code:
                    flush()
                    out.append(.code(String(decoding: node.text, as: UTF8.self)))
                case .softBreak(let cjk):
                    flush()
                    out.append(.softBreak(betweenCJK: cjk))
                case .hardBreak:
                    flush()
                    out.append(.hardBreak)
                case .autolink(let destination):
                    flush()
                    out.append(.autolink(text: String(decoding: node.text, as: UTF8.self), destination: destination, bare: false))
                case .emphasis, .strong, .strikethrough, .link, .image:
                    if depth >= Self.maxNesting {
                        text.append(contentsOf: flattenedText(of: k))
                        break
                    }
                    flush()
                    let isLink: Bool
                    if case .link = node.kind { isLink = true } else if case .image = node.kind { isLink = true } else { isLink = false }
                    let children = convertChildren(of: k, depth: depth + 1, inLink: inLink || isLink)
                    switch node.kind {
                    case .emphasis: out.append(.emphasis(children))
                    case .strong: out.append(.strong(children))
                    case .strikethrough: out.append(.strikethrough(children))
                    case .link(let destination, let title): out.append(.link(destination: destination, title: title, children: children))
                    case .image(let destination, let title): out.append(.image(destination: destination, title: title, alt: children))
                    default: break
                    }
                }
                k = node.next
            }
            flush()
            return out
        }

        /// The text of a subtree, iteratively (used beyond the nesting cap).
        func flattenedText(of node: Int) -> [UInt8] {
            var out: [UInt8] = []
            var stack = [node]
            while let k = stack.popLast() {
                let current = nodes[k]
                switch current.kind {
                case .text, .code, .autolink: out.append(contentsOf: current.text)
                case .softBreak, .hardBreak: out.append(Byte.space)
                default: break
                }
                var children: [Int] = []
                var c = current.first
                while c >= 0 {
                    children.append(c)
                    c = nodes[c].next
                }
                stack.append(contentsOf: children.reversed())
            }
            return out
        }
    }

    /// Bare `http://`, `https://` and `www.` URLs in text (GitHub's extended autolinks, stopping at the
    /// first non-ASCII character so `见http://his.local/a页面` links only the URL).
    enum BareURLs {
        static func split(_ text: [UInt8]) -> [Inline] {
            var out: [Inline] = []
            var plainStart = 0
            var i = 0
            let n = text.count
            while i < n {
                let b = text[i]
                guard b == UInt8(ascii: "h") || b == UInt8(ascii: "H") || b == UInt8(ascii: "w") || b == UInt8(ascii: "W") else {
                    i += 1
                    continue
                }
                if i > 0 {
                    let p = text[i - 1]
                    let boundary = p >= 0x80 || Byte.isSpaceOrTab(p) || p == Byte.lf || p == Byte.star || p == Byte.underscore
                        || p == Byte.tilde || p == Byte.lparen
                    guard boundary else {
                        i += 1
                        continue
                    }
                }
                guard let (end, destinationPrefix) = match(text, at: i) else {
                    i += 1
                    continue
                }
                if plainStart < i { out.append(.text(String(decoding: text[plainStart..<i], as: UTF8.self))) }
                let url = String(decoding: text[i..<end], as: UTF8.self)
                out.append(.autolink(text: url, destination: destinationPrefix + url, bare: true))
                plainStart = end
                i = end
            }
            if plainStart < n { out.append(.text(String(decoding: text[plainStart..<n], as: UTF8.self))) }
            return out
        }

        static func hasPrefix(_ text: [UInt8], _ prefix: String, at i: Int) -> Bool {
            let p = Array(prefix.utf8)
            guard i + p.count <= text.count else { return false }
            for k in 0..<p.count where text[i + k] | 0x20 != p[k] { return false }
            return true
        }

        /// The end of a URL starting at `i` and the prefix its destination needs (`http://` for `www.`).
        static func match(_ text: [UInt8], at i: Int) -> (Int, String)? {
            var domainStart: Int
            var prefix = ""
            if hasPrefix(text, "https://", at: i) {
                domainStart = i + 8
            } else if hasPrefix(text, "http://", at: i) {
                domainStart = i + 7
            } else if hasPrefix(text, "www.", at: i) {
                domainStart = i + 4
                prefix = "http://"
            } else {
                return nil
            }
            var j = domainStart
            while j < text.count, Byte.isAlnum(text[j]) || text[j] == Byte.dash || text[j] == Byte.underscore || text[j] == Byte.dot {
                j += 1
            }
            guard j > domainStart else { return nil }
            var end = j
            while end < text.count, text[end] > Byte.space, text[end] < 0x80, text[end] != Byte.lt { end += 1 }
            // Trailing punctuation is not part of the URL.
            var unbalanced = text[i..<end].reduce(0) { $0 + ($1 == Byte.rparen ? 1 : $1 == Byte.lparen ? -1 : 0) }
            while end > domainStart {
                let last = text[end - 1]
                if last == Byte.semicolon, let amp = text[domainStart..<(end - 1)].lastIndex(of: Byte.amp),
                   amp < end - 2, text[(amp + 1)..<(end - 1)].allSatisfy(Byte.isAlnum) {
                    end = amp // `&hl;` looks like an entity reference: not part of the URL
                } else if "?!.,:*_~'\";".utf8.contains(last) {
                    end -= 1
                } else if last == Byte.rparen, unbalanced > 0 {
                    unbalanced -= 1
                    end -= 1
                } else {
                    break
                }
            }
            guard end > domainStart else { return nil }
            return (end, prefix)
        }
    }
}
