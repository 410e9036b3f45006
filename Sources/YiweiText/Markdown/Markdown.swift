import Foundation

/// Safe Markdown for knowledge-base articles (REQUIREMENTS KB-2).
///
/// A CommonMark subset plus the GitHub extensions ops articles use (pipe tables, `~~strike~~`, bare
/// URL autolinks), rendered to HTML that can be inserted into a page as is:
///
/// - raw HTML in the source is never passed through: every `<` of the source reaches the output as `&lt;`;
/// - every text and attribute value is escaped (`& < > " '`);
/// - link and image URLs must be `http:`, `https:`, `mailto:` or relative (see ``isSafeURL(_:)``);
///   an unsafe link renders as its text only, an unsafe image as its alt text;
/// - the only tags emitted are `p h1…h6 br hr em strong del code pre blockquote ul ol li a img table
///   thead tbody tr th td`, and the only attributes `href src alt title rel` plus three fixed forms:
///   `class="language-…"` on fenced code (letters, digits, `_ + # . -` only), `class="align-left|center|right"`
///   on table cells and `start="N"` (digits only) on ordered lists that do not start at 1;
/// - links carry `rel="noopener noreferrer nofollow"`.
///
/// Emphasis follows CommonMark's delimiter rules with a CJK-friendly adjustment, so `这是**“重要”**内容` and
/// `*强调*` work without spaces; a soft line break between two CJK characters is dropped (no stray space).
/// Parsing is linear in practice: nesting is capped and the pathological inputs of the CommonMark test
/// suite (thousands of `[`, `*`, `` ` ``, `>` …) render in milliseconds.
public enum Markdown {
    /// Rendering options. Parsing does not depend on them, so one ``Document`` can be rendered several ways.
    public struct Options: Sendable, Hashable {
        /// Render every line break inside a paragraph as `<br />` (chat/GitHub-comment style).
        /// Default `false`: CommonMark soft breaks.
        public var hardLineBreaks: Bool
        /// Turn bare `http://…`, `https://…` and `www.…` in text into links (GitHub's autolink extension).
        public var autolinkBareURLs: Bool
        /// Added to every heading level, clamped to 1…6: `1` turns `#` into `<h2>` when the page title is the `<h1>`.
        public var headingLevelOffset: Int
        /// Drop a soft line break between two CJK characters instead of emitting a newline, which
        /// browsers show as a stray space inside Chinese text.
        public var joinCJKLines: Bool

        public init(hardLineBreaks: Bool = false, autolinkBareURLs: Bool = true,
                    headingLevelOffset: Int = 0, joinCJKLines: Bool = true) {
            self.hardLineBreaks = hardLineBreaks
            self.autolinkBareURLs = autolinkBareURLs
            self.headingLevelOffset = headingLevelOffset
            self.joinCJKLines = joinCJKLines
        }

        public static let standard = Options()
    }

    /// A URL referenced by the document, in document order.
    public struct Reference: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            case image
            case link
        }

        public let kind: Kind
        /// The destination as the author wrote it, with backslash escapes and character references decoded
        /// (not percent-encoded). `mailto:` is prefixed for e-mail autolinks, `http://` for bare `www.` links.
        public let url: String
        /// Whether the URL passes ``Markdown/isSafeURL(_:)``; unsafe references are not rendered as links or images.
        public let isSafe: Bool

        public init(kind: Kind, url: String, isSafe: Bool) {
            self.kind = kind
            self.url = url
            self.isSafe = isSafe
        }
    }

    /// A parsed article: parse once, then render HTML, extract plain text and list references.
    public struct Document: Sendable {
        let blocks: [Block]

        public init(parsing source: String) {
            blocks = BlockParser.parseDocument(source)
        }

        /// Safe HTML (see ``Markdown``).
        public func html(options: Options = .standard) -> String {
            var writer = HTMLWriter(options: options)
            writer.blocks(blocks, tight: false)
            return writer.result
        }

        /// The text without any markup, for search indexing and snippets: one line per paragraph, heading,
        /// list item, table row and code line; link text without the URL; image alt text.
        /// Not HTML-escaped (a `<` in the source is a `<` here): escape it where it is displayed.
        public var plainText: String {
            var writer = PlainTextWriter()
            writer.blocks(blocks)
            return writer.result
        }

        /// Every link and image destination in document order (duplicates kept), bare URLs included.
        public var references: [Reference] {
            var collector = ReferenceCollector()
            collector.blocks(blocks)
            return collector.found
        }

        /// The distinct destinations of the images that are rendered (safe ones), in document order:
        /// the attachment bookkeeping list.
        public var imageURLs: [String] {
            var seen = Set<String>()
            return references.compactMap { ref in
                guard ref.kind == .image, ref.isSafe, seen.insert(ref.url).inserted else { return nil }
                return ref.url
            }
        }
    }

    /// Renders `source` as safe HTML.
    public static func html(_ source: String, options: Options = .standard) -> String {
        Document(parsing: source).html(options: options)
    }

    /// The text of `source` without markup (see ``Document/plainText``).
    public static func plainText(_ source: String) -> String {
        Document(parsing: source).plainText
    }

    /// The distinct image URLs that `source` renders, in order (see ``Document/imageURLs``).
    public static func imageURLs(in source: String) -> [String] {
        Document(parsing: source).imageURLs
    }

    /// All link and image references of `source` (see ``Document/references``).
    public static func references(in source: String) -> [Reference] {
        Document(parsing: source).references
    }

    /// Escapes `& < > " '` for HTML text and attribute values.
    public static func escapeHTML(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        appendEscaped(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a (decoded) link or image destination may be emitted as `href`/`src`.
    ///
    /// Allowed: `http:`, `https:`, `mailto:` (any letter case) and relative references, that is URLs
    /// with no `:` before the first `/`, `?` or `#` (`/kb/1`, `./a.png`, `../x`, `#part`, `a/b.png`).
    /// Rejected: every other scheme (`javascript:`, `vbscript:`, `data:`, `file:` …), a scheme with any
    /// odd character in it (`java\tscript:`, `&#106;avascript:` after decoding, ` javascript:`,
    /// full-width letters), any control or invisible formatting character anywhere, and URLs that become
    /// unsafe after percent-decoding (`javascript%3Aalert(1)`) or mention `javascript:`/`vbscript:` anywhere.
    public static func isSafeURL(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        guard URLCheck.isSafe(bytes) else { return false }
        if bytes.contains(UInt8(ascii: "%")) {
            return URLCheck.isSafe(URLCheck.percentDecoded(bytes))
        }
        return true
    }
}
