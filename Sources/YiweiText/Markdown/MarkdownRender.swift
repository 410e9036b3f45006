import Foundation

// Renderers over the parsed tree: HTML (allow-listed tags and attributes only), plain text, references.
// Recursion depth is bounded by the parser's nesting caps.

extension Markdown {
    static let linkRel = "noopener noreferrer nofollow"

    struct HTMLWriter {
        let options: Options
        var out: [UInt8] = []

        init(options: Options) {
            self.options = options
        }

        var result: String { String(decoding: out, as: UTF8.self) }

        mutating func raw(_ text: String) {
            out.append(contentsOf: text.utf8)
        }

        mutating func escaped(_ text: String) {
            Markdown.appendEscaped(text, to: &out)
        }

        /// Starts a new line unless the output already is at the start of one.
        mutating func newline() {
            if let last = out.last, last != Byte.lf { out.append(Byte.lf) }
        }

        mutating func blocks(_ blocks: [Block], tight: Bool) {
            for block in blocks { self.block(block, tight: tight) }
        }

        mutating func block(_ block: Block, tight: Bool) {
            switch block {
            case .paragraph(let inlines):
                if tight {
                    self.inlines(inlines)
                } else {
                    newline()
                    raw("<p>")
                    self.inlines(inlines)
                    raw("</p>\n")
                }
            case .heading(let level, let inlines):
                let shown = min(6, max(1, level + options.headingLevelOffset))
                newline()
                raw("<h\(shown)>")
                self.inlines(inlines)
                raw("</h\(shown)>\n")
            case .thematicBreak:
                newline()
                raw("<hr />\n")
            case .code(let language, let text):
                newline()
                raw("<pre><code")
                if let language {
                    raw(" class=\"language-")
                    escaped(language)
                    raw("\"")
                }
                raw(">")
                escaped(text)
                raw("</code></pre>\n")
            case .quote(let children):
                newline()
                raw("<blockquote>\n")
                blocks(children, tight: false)
                newline()
                raw("</blockquote>\n")
            case .list(let ordered, let start, let tight, let items):
                newline()
                if ordered {
                    raw(start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n")
                } else {
                    raw("<ul>\n")
                }
                for item in items {
                    newline()
                    raw("<li>")
                    blocks(item, tight: tight)
                    raw("</li>\n")
                }
                raw(ordered ? "</ol>\n" : "</ul>\n")
            case .table(let alignments, let header, let rows):
                newline()
                raw("<table>\n<thead>\n")
                row(header, alignments: alignments, cell: "th")
                raw("</thead>\n")
                if !rows.isEmpty {
                    raw("<tbody>\n")
                    for cells in rows { row(cells, alignments: alignments, cell: "td") }
                    raw("</tbody>\n")
                }
                raw("</table>\n")
            }
        }

        mutating func row(_ cells: [[Inline]], alignments: [Alignment], cell: String) {
            raw("<tr>\n")
            for (index, content) in cells.enumerated() {
                switch index < alignments.count ? alignments[index] : .none {
                case .none: raw("<\(cell)>")
                case .left: raw("<\(cell) class=\"align-left\">")
                case .center: raw("<\(cell) class=\"align-center\">")
                case .right: raw("<\(cell) class=\"align-right\">")
                }
                inlines(content)
                raw("</\(cell)>\n")
            }
            raw("</tr>\n")
        }

        mutating func inlines(_ inlines: [Inline]) {
            for index in inlines.indices {
                let inline = inlines[index]
                switch inline {
                case .text(let text):
                    escaped(text)
                case .code(let code):
                    raw("<code>")
                    escaped(code)
                    raw("</code>")
                case .softBreak(let betweenCJK):
                    if options.hardLineBreaks {
                        raw("<br />\n")
                    } else if !(betweenCJK && options.joinCJKLines) {
                        raw("\n")
                    }
                case .hardBreak:
                    raw("<br />\n")
                case .emphasis(let children):
                    raw("<em>")
                    self.inlines(children)
                    raw("</em>")
                case .strong(let children):
                    raw("<strong>")
                    self.inlines(children)
                    raw("</strong>")
                case .strikethrough(let children):
                    raw("<del>")
                    self.inlines(children)
                    raw("</del>")
                case .link(let destination, let title, let children):
                    guard Markdown.isSafeURL(destination) else {
                        self.inlines(children)
                        break
                    }
                    raw("<a href=\"")
                    Markdown.appendEncodedURL(destination, to: &out)
                    raw("\"")
                    if let title {
                        raw(" title=\"")
                        escaped(title)
                        raw("\"")
                    }
                    raw(" rel=\"\(Markdown.linkRel)\">")
                    self.inlines(children)
                    raw("</a>")
                case .image(let destination, let title, let alt):
                    var altText = PlainTextWriter()
                    altText.inlines(alt)
                    guard Markdown.isSafeURL(destination) else {
                        escaped(altText.result)
                        break
                    }
                    raw("<img src=\"")
                    Markdown.appendEncodedURL(destination, to: &out)
                    raw("\" alt=\"")
                    escaped(altText.result)
                    raw("\"")
                    if let title {
                        raw(" title=\"")
                        escaped(title)
                        raw("\"")
                    }
                    raw(" />")
                case .autolink(let text, let destination, let bare):
                    guard !bare || options.autolinkBareURLs, Markdown.isSafeURL(destination) else {
                        escaped(text)
                        break
                    }
                    raw("<a href=\"")
                    Markdown.appendEncodedURL(destination, to: &out)
                    raw("\" rel=\"\(Markdown.linkRel)\">")
                    escaped(text)
                    raw("</a>")
                }
            }
        }
    }

    struct PlainTextWriter {
        var out: [UInt8] = []

        var result: String {
            var end = out.count
            while end > 0, out[end - 1] == Byte.lf || out[end - 1] == Byte.space { end -= 1 }
            return String(decoding: out[..<end], as: UTF8.self)
        }

        mutating func endLine() {
            if let last = out.last, last != Byte.lf { out.append(Byte.lf) }
        }

        mutating func blocks(_ blocks: [Block]) {
            for block in blocks {
                switch block {
                case .paragraph(let inlines), .heading(_, let inlines):
                    self.inlines(inlines)
                    endLine()
                case .thematicBreak:
                    break
                case .code(_, let text):
                    out.append(contentsOf: text.utf8)
                    endLine()
                case .quote(let children):
                    self.blocks(children)
                case .list(_, _, _, let items):
                    for item in items { self.blocks(item) }
                case .table(_, let header, let rows):
                    for cells in [header] + rows {
                        for (index, cell) in cells.enumerated() {
                            if index > 0 { out.append(Byte.space) }
                            inlines(cell)
                        }
                        endLine()
                    }
                }
            }
        }

        mutating func inlines(_ inlines: [Inline]) {
            for inline in inlines {
                switch inline {
                case .text(let text), .code(let text):
                    out.append(contentsOf: text.utf8)
                case .softBreak(let betweenCJK):
                    if !betweenCJK { out.append(Byte.space) }
                case .hardBreak:
                    out.append(Byte.lf)
                case .emphasis(let children), .strong(let children), .strikethrough(let children),
                     .link(_, _, let children), .image(_, _, let children):
                    self.inlines(children)
                case .autolink(let text, _, _):
                    out.append(contentsOf: text.utf8)
                }
            }
        }
    }

    struct ReferenceCollector {
        var found: [Reference] = []

        mutating func blocks(_ blocks: [Block]) {
            for block in blocks {
                switch block {
                case .paragraph(let inlines), .heading(_, let inlines):
                    self.inlines(inlines)
                case .thematicBreak, .code:
                    break
                case .quote(let children):
                    self.blocks(children)
                case .list(_, _, _, let items):
                    for item in items { self.blocks(item) }
                case .table(_, let header, let rows):
                    for cells in [header] + rows {
                        for cell in cells { inlines(cell) }
                    }
                }
            }
        }

        mutating func inlines(_ inlines: [Inline]) {
            for inline in inlines {
                switch inline {
                case .text, .code, .softBreak, .hardBreak:
                    break
                case .emphasis(let children), .strong(let children), .strikethrough(let children):
                    self.inlines(children)
                case .link(let destination, _, let children):
                    found.append(Reference(kind: .link, url: destination, isSafe: Markdown.isSafeURL(destination)))
                    self.inlines(children)
                case .image(let destination, _, let alt):
                    found.append(Reference(kind: .image, url: destination, isSafe: Markdown.isSafeURL(destination)))
                    self.inlines(alt)
                case .autolink(_, let destination, _):
                    found.append(Reference(kind: .link, url: destination, isSafe: Markdown.isSafeURL(destination)))
                }
            }
        }
    }
}
