import Foundation
import Testing
@testable import YiweiText

private let rel = #"rel="noopener noreferrer nofollow""#

private func html(_ source: String, _ options: Markdown.Options = .standard) -> String {
    Markdown.html(source, options: options)
}

@Suite("Markdown: block constructs")
struct MarkdownBlockTests {
    @Test("ATX headings, closing hashes, seven hashes and no space are text")
    func atxHeadings() {
        #expect(html("# 一级 #\n###### 六级\n####### 七\n#5") == "<h1>一级</h1>\n<h6>六级</h6>\n<p>####### 七\n#5</p>\n")
        #expect(html("## 标题 ##   ") == "<h2>标题</h2>\n")
        #expect(html("#") == "<h1></h1>\n")
    }

    @Test("setext headings")
    func setextHeadings() {
        #expect(html("标题\n===\n副标题\n---") == "<h1>标题</h1>\n<h2>副标题</h2>\n")
    }

    @Test("heading level offset clamps to 1…6")
    func headingOffset() {
        let options = Markdown.Options(headingLevelOffset: 1)
        #expect(html("# a\n###### b", options) == "<h2>a</h2>\n<h6>b</h6>\n")
    }

    @Test("paragraphs are separated by blank lines; leading spaces are dropped")
    func paragraphs() {
        #expect(html("  a\n  b\n\n\nc") == "<p>a\nb</p>\n<p>c</p>\n")
        #expect(html("") == "")
        #expect(html("\n\n  \n") == "")
    }

    @Test("thematic breaks")
    func thematicBreaks() {
        #expect(html("***\n---\n___\n * * *") == "<hr />\n<hr />\n<hr />\n<hr />\n")
        #expect(html("段落\n\n---\n\n下一段") == "<p>段落</p>\n<hr />\n<p>下一段</p>\n")
    }

    @Test("fenced code: language class, content escaped, tildes, unclosed fence runs to the end")
    func fencedCode() {
        #expect(html("```swift\nlet a = \"<x>\" && b\n```") ==
            "<pre><code class=\"language-swift\">let a = &quot;&lt;x&gt;&quot; &amp;&amp; b\n</code></pre>\n")
        #expect(html("~~~\n```\n~~~") == "<pre><code>```\n</code></pre>\n")
        #expect(html("```\n# 不是标题\n\n*不是强调*") == "<pre><code># 不是标题\n\n*不是强调*\n</code></pre>\n")
        #expect(html("```c++ extra words\nx\n```") == "<pre><code class=\"language-c++\">x\n</code></pre>\n")
        #expect(html("  ```\n  a\n b\n```") == "<pre><code>a\nb\n</code></pre>\n")
    }

    @Test("indented code keeps inner blank lines, drops trailing ones")
    func indentedCode() {
        #expect(html("    indented\n\n    code\n\n\npara") == "<pre><code>indented\n\ncode\n</code></pre>\n<p>para</p>\n")
        #expect(html("paragraph\n    not code") == "<p>paragraph\nnot code</p>\n")
    }

    @Test("block quotes: nested, lazy continuation, ended by a blank line")
    func blockQuotes() {
        #expect(html("> 引用\n> > 嵌套\n懒惰") ==
            "<blockquote>\n<p>引用</p>\n<blockquote>\n<p>嵌套懒惰</p>\n</blockquote>\n</blockquote>\n")
        #expect(html("> a\n\n> b") == "<blockquote>\n<p>a</p>\n</blockquote>\n<blockquote>\n<p>b</p>\n</blockquote>\n")
        #expect(html(">```\n>code\n>```") == "<blockquote>\n<pre><code>code\n</code></pre>\n</blockquote>\n")
        #expect(html("> # 标题\n> - 项") == "<blockquote>\n<h1>标题</h1>\n<ul>\n<li>项</li>\n</ul>\n</blockquote>\n")
    }

    @Test("tight and nested lists; ordered lists keep their start number")
    func tightLists() {
        #expect(html("- a\n- b\n    - c\n\n3. x\n4. y") ==
            "<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n<ol start=\"3\">\n<li>x</li>\n<li>y</li>\n</ol>\n")
        #expect(html("1) 第一步\n2) 第二步") == "<ol>\n<li>第一步</li>\n<li>第二步</li>\n</ol>\n")
        #expect(html("* a\n+ b") == "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>\n")
    }

    @Test("loose lists wrap items in paragraphs")
    func looseLists() {
        #expect(html("- a\n\n- b") == "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n")
        #expect(html("- a\n\n  续\n- b") == "<ul>\n<li>\n<p>a</p>\n<p>续</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n")
    }

    @Test("list items hold code blocks and quotes; a list interrupts a paragraph only from 1")
    func listContent() {
        #expect(html("1. 执行：\n\n   ```bash\n   systemctl restart his\n   ```\n2. 检查") ==
            "<ol>\n<li>\n<p>执行：</p>\n<pre><code class=\"language-bash\">systemctl restart his\n</code></pre>\n</li>\n<li>\n<p>检查</p>\n</li>\n</ol>\n")
        #expect(html("步骤如下：\n1. 打开\n2. 关闭") == "<p>步骤如下：</p>\n<ol>\n<li>打开</li>\n<li>关闭</li>\n</ol>\n")
        #expect(html("共有\n2. 个问题") == "<p>共有\n2. 个问题</p>\n")
        #expect(html("- \n- b") == "<ul>\n<li></li>\n<li>b</li>\n</ul>\n")
    }

    @Test("GFM pipe tables: alignment classes, escaped pipes, short rows padded, long rows cut")
    func tables() {
        let source = """
        | 名称 | 数量 | 说明 |
        | :--- | :---: | ---: |
        | CPU | `a\\|b` | **高** |
        | 内存 |
        | a | b | c | d |
        """
        #expect(html(source) == """
        <table>
        <thead>
        <tr>
        <th class="align-left">名称</th>
        <th class="align-center">数量</th>
        <th class="align-right">说明</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <td class="align-left">CPU</td>
        <td class="align-center"><code>a|b</code></td>
        <td class="align-right"><strong>高</strong></td>
        </tr>
        <tr>
        <td class="align-left">内存</td>
        <td class="align-center"></td>
        <td class="align-right"></td>
        </tr>
        <tr>
        <td class="align-left">a</td>
        <td class="align-center">b</td>
        <td class="align-right">c</td>
        </tr>
        </tbody>
        </table>

        """)
    }

    @Test("a table needs a matching delimiter row, ends at a blank line, may follow a paragraph")
    func tableBoundaries() {
        #expect(html("a | b\n--- | ---") == "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n</table>\n")
        #expect(html("| a | b |\n| --- |") == "<p>| a | b |\n| --- |</p>\n")
        #expect(html("说明\n| a |\n| - |\n| 1 |\n\n后文") ==
            "<p>说明</p>\n<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n<p>后文</p>\n")
    }

    @Test("CR LF and CR line endings; NUL becomes U+FFFD")
    func lineEndings() {
        #expect(html("# a\r\nb\rc") == "<h1>a</h1>\n<p>b\nc</p>\n")
        #expect(html("a\u{0}b") == "<p>a\u{FFFD}b</p>\n")
    }
}

@Suite("Markdown: inline constructs")
struct MarkdownInlineTests {
    @Test("emphasis and strong with * and _")
    func emphasis() {
        #expect(html("*em* _em_ **strong** __strong__ ***both***") ==
            "<p><em>em</em> <em>em</em> <strong>strong</strong> <strong>strong</strong> <em><strong>both</strong></em></p>\n")
        #expect(html("*a **b** c*") == "<p><em>a <strong>b</strong> c</em></p>\n")
        #expect(html("snake_case_name and 2*3*4") == "<p>snake_case_name and 2<em>3</em>4</p>\n")
        #expect(html("* not emphasis *") == "<ul>\n<li>not emphasis *</li>\n</ul>\n")
        #expect(html("a * b * c") == "<p>a * b * c</p>\n")
    }

    @Test("Chinese emphasis works without spaces, including next to full-width punctuation")
    func chineseEmphasis() {
        #expect(html("这是*强调*文字") == "<p>这是<em>强调</em>文字</p>\n")
        #expect(html("这是**“重要”**内容。") == "<p>这是<strong>“重要”</strong>内容。</p>\n")
        #expect(html("请**立即**（在10分钟内）处理") == "<p>请<strong>立即</strong>（在10分钟内）处理</p>\n")
        #expect(html("**注意：**重启前先备份") == "<p><strong>注意：</strong>重启前先备份</p>\n")
        #expect(html("报表_2024_最终.xlsx") == "<p>报表_2024_最终.xlsx</p>\n")
    }

    @Test("strikethrough needs exactly two tildes, so 1~3天 stays text")
    func strikethrough() {
        #expect(html("~~删除~~，耗时1~3天，~~~三个~~~") == "<p><del>删除</del>，耗时1~3天，~~~三个~~~</p>\n")
    }

    @Test("soft breaks: newline between ASCII, joined between CJK, options")
    func softBreaks() {
        #expect(html("a\nb") == "<p>a\nb</p>\n")
        #expect(html("第一行\n第二行") == "<p>第一行第二行</p>\n")
        #expect(html("中文\nEnglish") == "<p>中文\nEnglish</p>\n")
        #expect(html("第一行\n第二行", Markdown.Options(joinCJKLines: false)) == "<p>第一行\n第二行</p>\n")
        #expect(html("a\n第二行", Markdown.Options(hardLineBreaks: true)) == "<p>a<br />\n第二行</p>\n")
    }

    @Test("hard breaks: two trailing spaces or a backslash")
    func hardBreaks() {
        #expect(html("a  \nb\\\nc") == "<p>a<br />\nb<br />\nc</p>\n")
        #expect(html("a  ") == "<p>a</p>\n")
    }

    @Test("code spans: longer fences, one space stripped, HTML escaped")
    func codeSpans() {
        #expect(html("`code` ``a`b`` `<b>&` ` `` `") == "<p><code>code</code> <code>a`b</code> <code>&lt;b&gt;&amp;</code> <code>``</code></p>\n")
        #expect(html("`不闭合 *em*") == "<p>`不闭合 <em>em</em></p>\n")
        #expect(html("`*不是强调*`") == "<p><code>*不是强调*</code></p>\n")
    }

    @Test("links: title, angle destination, balanced parentheses, relative URLs, Chinese path percent-encoded")
    func links() {
        #expect(html(#"[链接](https://his.local/a "标题")"#) ==
            "<p><a href=\"https://his.local/a\" title=\"标题\" \(rel)>链接</a></p>\n")
        #expect(html("[a](<has space.png>) [b](/wiki/A_(b)) [c](#part) [d](../up) [e]()") ==
            "<p><a href=\"has%20space.png\" \(rel)>a</a> <a href=\"/wiki/A_(b)\" \(rel)>b</a> <a href=\"#part\" \(rel)>c</a> <a href=\"../up\" \(rel)>d</a> <a href=\"\" \(rel)>e</a></p>\n")
        #expect(html("[手册](/知识库/手册)") == "<p><a href=\"/%E7%9F%A5%E8%AF%86%E5%BA%93/%E6%89%8B%E5%86%8C\" \(rel)>手册</a></p>\n")
        #expect(html("[**粗**和`码`](/a)") == "<p><a href=\"/a\" \(rel)><strong>粗</strong>和<code>码</code></a></p>\n")
        #expect(html("[a](mailto:ops@his.local)") == "<p><a href=\"mailto:ops@his.local\" \(rel)>a</a></p>\n")
        #expect(html("[不是链接] [x](") == "<p>[不是链接] [x](</p>\n")
    }

    @Test("reference links: full, collapsed, shortcut, case-insensitive, first definition wins")
    func referenceLinks() {
        let source = "[全][Ref] [ref][] [REF] [未定义][nope]\n\n[ref]: /kb/2 \"说明\"\n[ref]: /ignored"
        #expect(html(source) == "<p><a href=\"/kb/2\" title=\"说明\" \(rel)>全</a> <a href=\"/kb/2\" title=\"说明\" \(rel)>ref</a> <a href=\"/kb/2\" title=\"说明\" \(rel)>REF</a> [未定义][nope]</p>\n")
    }

    @Test("images: alt is plain text, title kept")
    func images() {
        #expect(html(#"![图片 *说明*](/att/1.png "截图")"#) == "<p><img src=\"/att/1.png\" alt=\"图片 说明\" title=\"截图\" /></p>\n")
        #expect(html("[![logo](/l.png)](/home)") == "<p><a href=\"/home\" \(rel)><img src=\"/l.png\" alt=\"logo\" /></a></p>\n")
    }

    @Test("autolinks: <URL>, <e-mail>, bare URLs stop at CJK and trailing punctuation")
    func autolinks() {
        #expect(html("<https://x.cn/a?b=1&c=2> <ops@his.local>") ==
            "<p><a href=\"https://x.cn/a?b=1&amp;c=2\" \(rel)>https://x.cn/a?b=1&amp;c=2</a> <a href=\"mailto:ops@his.local\" \(rel)>ops@his.local</a></p>\n")
        #expect(html("见http://10.1.2.3:8080/his页面。") ==
            "<p>见<a href=\"http://10.1.2.3:8080/his\" \(rel)>http://10.1.2.3:8080/his</a>页面。</p>\n")
        #expect(html("(see www.his.cn/a.) end") == "<p>(see <a href=\"http://www.his.cn/a\" \(rel)>www.his.cn/a</a>.) end</p>\n")
        #expect(html("`http://in.code` [x http://in.link](/a)") == "<p><code>http://in.code</code> <a href=\"/a\" \(rel)>x http://in.link</a></p>\n")
        #expect(html("https://his.cn", Markdown.Options(autolinkBareURLs: false)) == "<p>https://his.cn</p>\n")
    }

    @Test("backslash escapes and character references")
    func escapes() {
        #expect(html(##"\*不是强调\* \# \[x\] \a"##) == "<p>*不是强调* # [x] \\a</p>\n")
        #expect(html("&copy; &#x4E2D; &#25991; &unknown; &#0; AT&T") == "<p>© 中 文 &amp;unknown; \u{FFFD} AT&amp;T</p>\n")
        #expect(html("&lt;script&gt;") == "<p>&lt;script&gt;</p>\n")
    }

    @Test("every text character that matters in HTML is escaped, quotes included")
    func textEscaping() {
        #expect(html(#"a < b > c & "d" 'e'"#) == "<p>a &lt; b &gt; c &amp; &quot;d&quot; &#39;e&#39;</p>\n")
        #expect(Markdown.escapeHTML(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }
}

@Suite("Markdown: XSS")
struct MarkdownXSSTests {
    static let payloads: [String] = [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" onerror=\"alert(1)\">",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<body onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<!-- <script>alert(1)</script> -->",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<<script>script>alert(1)<</script>/script>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](java&Tab;script:alert(1))",
        "[x](java&NewLine;script:alert(1))",
        "[x](<javascript :alert(1)>)",
        "[x](< javascript:alert(1)>)",
        "[x](\u{1}javascript:alert(1))",
        "[x](\u{200B}javascript:alert(1))",
        "[x](javascript%3Aalert(1))",
        "[x](%6Aavascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](//javascript:alert(1))",
        "[x](ｊａｖａｓｃｒｉｐｔ:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](VBScript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](file:///etc/passwd)",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml,<svg onload=alert(1)>)",
        "![x](x\" onerror=\"alert(1))",
        "![x](x\"onerror=\"alert(1)\")",
        "![x\" onerror=\"alert(1)](/a.png)",
        "[x](https://a.cn \"t\\\" onmouseover=\\\"alert(1)\")",
        "[x](https://a.cn 'a\" onclick=\"alert(1)')",
        "[x](/a \"><script>alert(1)</script>\")",
        "<javascript:alert(1)>",
        "<JAVASCRIPT:alert(1)>",
        "<vbscript:msgbox(1)>",
        "<data:text/html,<script>alert(1)</script>>",
        "<http://a.cn/\"onmouseover=\"alert(1)>",
        "http://a.cn/\"onmouseover=\"alert(1)",
        "www.a.cn/<script>alert(1)</script>",
        "[x]: javascript:alert(1)\n\n[x]",
        "[x][r]\n\n[r]: <javascript:alert(1)> \"t\"",
        "[[x](javascript:alert(1))](https://a.cn)",
        "[<img src=x onerror=alert(1)>](https://a.cn)",
        "```\"><script>alert(1)</script>\nx\n```",
        "```js\" onclick=\"alert(1)\ncode\n```",
        "| <script>alert(1)</script> | [x](javascript:alert(1)) |\n|---|---|\n| <img onerror=x> | b |",
        "> <script>alert(1)</script>\n- <img src=x onerror=alert(1)>",
        "`<script>alert(1)</script>`",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "\\<script>alert(1)\\</script>",
        "<a href=\"https://a.cn\" onmouseover=\"alert(1)\">正常链接</a>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<x onclick=alert(1)>点我</x>",
        "*<script>*alert(1)*</script>*",
    ]

    @Test("no payload yields a script, an event handler, a script URL or a raw '<'", arguments: payloads)
    func payload(_ source: String) throws {
        let output = html(source)
        let violations = HTMLAudit.violations(in: output)
        #expect(violations.isEmpty, "\(violations) in \(output)")
        #expect(!output.lowercased().contains("<script"))
        // Every '<' of the source reaches the output as "&lt;", except those Markdown syntax consumes:
        // `<scheme:…>` autolinks, `<…>` link destinations, and code fence info strings (reduced to a class name).
        let autolinks = try Regex(#"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*>"#)
        let angleDestinations = try Regex(#"\](\(|:)\s*<"#)
        let fenceInfo = source.split(separator: "\n").filter { $0.hasPrefix("```") }.map { $0.filter { $0 == "<" }.count }
        let syntax = source.matches(of: autolinks).count + source.matches(of: angleDestinations).count + fenceInfo.reduce(0, +)
        let lessThan = source.filter { $0 == "<" }.count
        let escaped = output.components(separatedBy: "&lt;").count - 1
        #expect(escaped >= lessThan - syntax, "\(output)")
    }

    @Test("tags the renderer itself uses are escaped too when typed in the source")
    func allowListedTagsTyped() {
        #expect(html("<em>x</em><p><a href=\"/a\">y</a>") == "<p>&lt;em&gt;x&lt;/em&gt;&lt;p&gt;&lt;a href=&quot;/a&quot;&gt;y&lt;/a&gt;</p>\n")
    }

    @Test("script URLs are dropped, the link text stays")
    func neutralisedLinks() {
        #expect(html("[点这里](javascript:alert(1))") == "<p>点这里</p>\n")
        #expect(html("![截图](javascript:alert(1))") == "<p>截图</p>\n")
        #expect(html("<javascript:alert(1)>") == "<p>javascript:alert(1)</p>\n")
        #expect(html("[x](data:text/html,hi)") == "<p>x</p>\n")
    }

    @Test("raw HTML is shown as text")
    func rawHTMLIsText() {
        #expect(html("<b>粗</b> <img src=x onerror=alert(1)>") == "<p>&lt;b&gt;粗&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;</p>\n")
        #expect(html("<div>\n*md*\n</div>") == "<p>&lt;div&gt;\n<em>md</em>\n&lt;/div&gt;</p>\n")
        #expect(html("<!-- 注释 -->") == "<p>&lt;!-- 注释 --&gt;</p>\n")
    }

    @Test("attribute values cannot break out of their quotes")
    func attributeQuoting() {
        #expect(html(#"[x](/a "t\" onmouseover=\"alert(1)")"#) ==
            "<p><a href=\"/a\" title=\"t&quot; onmouseover=&quot;alert(1)\" \(rel)>x</a></p>\n")
        #expect(html(#"![x](/a.png 'it"s')"#) == "<p><img src=\"/a.png\" alt=\"x\" title=\"it&quot;s\" /></p>\n")
        #expect(html(#"[x](/a'b"c)"#) == "<p><a href=\"/a&#39;b%22c\" \(rel)>x</a></p>\n")
    }

    @Test("URL allow-list", arguments: [
        ("https://his.local/a", true), ("HTTP://x.cn", true), ("mailto:a@b.cn", true), ("/kb/1", true),
        ("./a.png", true), ("../a.png", true), ("#part", true), ("a/b:c.png", true), ("附件/图.png", true), ("", true),
        ("?q=1", true), ("//cdn.his.local/a.png", true),
        ("javascript:alert(1)", false), ("JAVASCRIPT:alert(1)", false), (" javascript:alert(1)", false),
        ("java\tscript:alert(1)", false), ("java\nscript:alert(1)", false), ("\u{0}javascript:alert(1)", false),
        ("javascript%3Aalert(1)", false), ("%6Aavascript:alert(1)", false), ("vbscript:x", false),
        ("data:image/png;base64,AAAA", false), ("file:///etc/passwd", false), ("ftp://x.cn", false),
        ("a:b", false), ("//javascript:alert(1)", false), ("/x?u=javascript:alert(1)", false),
        ("https://x.cn/\u{202E}gnp.exe", false), ("ｊａｖａｓｃｒｉｐｔ:alert(1)", false),
    ])
    func urlAllowList(_ url: String, _ safe: Bool) {
        #expect(Markdown.isSafeURL(url) == safe)
    }
}

@Suite("Markdown: plain text and references")
struct MarkdownTextTests {
    static let article = """
    # 打印机故障处理

    这是*强调*，
    第二行 [操作手册](/kb/12) ![接线图](/att/1.png "图1")

    - 检查 `spooler` 服务
    - <b>不是标签</b>

    | 现象 | 处理 |
    |---|---|
    | 卡纸 | 取出 |

    ```
    net stop spooler
    ```

    > 参考 www.his.cn

    [r]: /att/2.png
    ![再看][r] ![重复](/att/1.png) ![坏的](javascript:alert(1))
    """

    @Test("plain text drops the markup, keeps link and image text, one line per block")
    func plainText() {
        #expect(Markdown.plainText(Self.article) == """
        打印机故障处理
        这是强调，第二行 操作手册 接线图
        检查 spooler 服务
        <b>不是标签</b>
        现象 处理
        卡纸 取出
        net stop spooler
        参考 www.his.cn
        再看 重复 坏的
        """)
        #expect(Markdown.plainText("a\nb  \nc") == "a b\nc")
        #expect(Markdown.plainText("") == "")
    }

    @Test("image URLs: rendered ones only, distinct, in order")
    func imageURLs() {
        #expect(Markdown.imageURLs(in: Self.article) == ["/att/1.png", "/att/2.png"])
    }

    @Test("references list links, images and bare URLs with their safety")
    func references() {
        let references = Markdown.references(in: Self.article)
        #expect(references == [
            Markdown.Reference(kind: .link, url: "/kb/12", isSafe: true),
            Markdown.Reference(kind: .image, url: "/att/1.png", isSafe: true),
            Markdown.Reference(kind: .link, url: "http://www.his.cn", isSafe: true),
            Markdown.Reference(kind: .image, url: "/att/2.png", isSafe: true),
            Markdown.Reference(kind: .image, url: "/att/1.png", isSafe: true),
            Markdown.Reference(kind: .image, url: "javascript:alert(1)", isSafe: false),
        ])
    }

    @Test("a parsed document renders the same as the one-shot functions")
    func document() {
        let document = Markdown.Document(parsing: Self.article)
        #expect(document.html() == Markdown.html(Self.article))
        #expect(document.plainText == Markdown.plainText(Self.article))
        #expect(HTMLAudit.violations(in: document.html()).isEmpty)
    }
}

@Suite("Markdown: performance on large and pathological input")
struct MarkdownPerformanceTests {
    static let n = 10_000

    static let inputs: [(String, String)] = [
        ("[ x n", String(repeating: "[", count: n)),
        ("] x n", String(repeating: "]", count: n)),
        ("* x n", String(repeating: "*", count: n)),
        ("*a x n", String(repeating: "*a", count: n)),
        ("_ x n", String(repeating: "_", count: n)),
        ("` x n", String(repeating: "`", count: n)),
        ("backtick runs", (0..<n).map { String(repeating: "`", count: $0 % 7 + 1) + "a" }.joined()),
        ("nested brackets", String(repeating: "[", count: n) + "a" + String(repeating: "]", count: n)),
        ("unclosed links", String(repeating: "[a](", count: n)),
        ("unclosed link destinations", String(repeating: "[a](b", count: n)),
        ("unclosed titles", String(repeating: "[a](b \"", count: n)),
        ("unclosed angle destinations", String(repeating: "[a](<", count: n)),
        ("image openers", String(repeating: "![", count: n)),
        ("nested emphasis", String(repeating: "*a **a ", count: n / 2) + "b" + String(repeating: " a** a*", count: n / 2)),
        ("mixed openers", String(repeating: "*a_ ", count: n)),
        ("< x n", String(repeating: "<", count: n)),
        ("<a x n", String(repeating: "<a", count: n)),
        ("& x n", String(repeating: "&#", count: n)),
        ("\\ x n", String(repeating: "\\", count: n)),
        ("shortcut references", "[x]: /u\n" + String(repeating: "[a]", count: n)),
        ("long label", "[x]: /u\n[" + String(repeating: "a", count: n) + String(repeating: "]", count: n)),
        ("> x n", String(repeating: ">", count: n) + " a"),
        ("- x n", String(repeating: "- ", count: n) + "a"),
        ("deep list", (0..<300).map { String(repeating: " ", count: 2 * $0) + "- a" }.joined(separator: "\n")),
        ("bare URL with ))", "http://a.cn/" + String(repeating: ")", count: n)),
        ("www x n", String(repeating: "www.", count: n)),
        ("wide table", String(repeating: "|", count: n) + "\n" + String(repeating: "|-", count: n)),
        ("many table rows", "|a|b|\n|-|-|\n" + String(repeating: "|x|y|\n", count: n)),
    ]

    @Test("pathological input finishes fast", arguments: inputs)
    func pathological(_ name: String, _ source: String) {
        let clock = ContinuousClock()
        var output = ""
        let elapsed = clock.measure { output = Markdown.html(source) }
        #expect(elapsed < .seconds(2), "\(name) took \(elapsed)")
        #expect(HTMLAudit.violations(in: output).isEmpty)
    }

    @Test("a 20 KB Chinese article renders quickly")
    func article() {
        let section = """
        ## 第一步：登录 HIS 服务器

        使用**运维账号**登录 `10.1.2.3`，执行以下命令检查服务状态（*务必*先确认[值班表](/duty)）：

        ```bash
        systemctl status his-server
        journalctl -u his-server --since "1 hour ago"
        ```

        | 检查项 | 阈值 | 说明 |
        |:---|---:|---|
        | CPU | 80% | 超过请联系 ops@his.local |
        | 磁盘 | 90% | 清理 `/var/log` 下的旧日志 |

        > 注意：重启前必须通知临床科室，见 https://his.local/notice 。

        1. 备份数据库
        2. 重启服务
           - 观察日志
           - 确认挂号、收费正常

        ![监控截图](/kb/attachments/42/监控.png "监控")


        """
        var source = ""
        while source.utf8.count < 20_000 { source += section }
        let clock = ContinuousClock()
        var output = ""
        let elapsed = clock.measure { output = Markdown.html(source) }
        #expect(elapsed < .milliseconds(300), "took \(elapsed)") // ~3 ms in release builds, ~15 ms in debug
        #expect(output.contains("<h2>第一步：登录 HIS 服务器</h2>"))
        #expect(HTMLAudit.violations(in: output).isEmpty)
    }
}

@Suite("Markdown: random input")
struct MarkdownFuzzTests {
    static let tokens = [
        "*", "**", "_", "__", "~~", "`", "```", "~~~", "[", "]", "(", ")", "![", "<", ">", "\"", "'", "&", "&#", ";", "\\",
        "#", "# ", "-", "- ", "+ ", "1. ", "2) ", "> ", "|", "|-|", ":", " ", "  ", "\t", "\n", "\n\n", "    ",
        "javascript:", "JaVa\tScript:", "data:", "http://", "https://a.cn", "www.", "mailto:", "@", "/", "%3A",
        "a", "中文", "强调", "，", "“", "”", "<script>", "<img src=x onerror=alert(1)>", "onerror=", "=", "\u{0}", "\r",
    ]

    @Test("random token soup never crashes and always yields allow-listed HTML")
    func tokenSoup() {
        var seed: UInt64 = 0xC0FFEE
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<3_000 {
            let source = (0..<next(60)).map { _ in Self.tokens[next(Self.tokens.count)] }.joined()
            let document = Markdown.Document(parsing: source)
            let output = document.html()
            let violations = HTMLAudit.violations(in: output)
            #expect(violations.isEmpty, "\(violations) for \(source.debugDescription) → \(output)")
            #expect(!document.plainText.contains("\u{0}"))
            #expect(document.references.allSatisfy { !$0.isSafe || Markdown.isSafeURL($0.url) })
        }
    }
}

/// Checks rendered HTML against the renderer's allow-list: known tags only, known attributes only,
/// safe URL values, and no '<' outside a tag.
enum HTMLAudit {
    static let tags: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    ]
    static let attributes: Set<String> = ["href", "src", "alt", "title", "rel", "class", "start"]

    static func violations(in html: String) -> [String] {
        var problems: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else {
                problems.append("unterminated tag")
                break
            }
            let tag = rest[rest.index(after: open)..<close]
            problems += check(tag: String(tag))
            rest = rest[rest.index(after: close)...]
        }
        return problems
    }

    static func check(tag: String) -> [String] {
        var body = Substring(tag)
        if body.hasPrefix("/") { body = body.dropFirst() }
        if body.hasSuffix(" /") { body = body.dropLast(2) }
        let name = body.prefix { $0.isLetter || $0.isNumber }
        guard tags.contains(String(name)) else { return ["tag <\(tag)>"] }
        var problems: [String] = []
        var attributesPart = body.dropFirst(name.count)
        while !attributesPart.isEmpty {
            guard attributesPart.hasPrefix(" "), let equals = attributesPart.firstIndex(of: "=") else {
                return problems + ["malformed <\(tag)>"]
            }
            let attribute = String(attributesPart[attributesPart.index(after: attributesPart.startIndex)..<equals])
            let afterEquals = attributesPart[attributesPart.index(after: equals)...]
            guard afterEquals.hasPrefix("\""), let end = afterEquals.dropFirst().firstIndex(of: "\"") else {
                return problems + ["unquoted attribute in <\(tag)>"]
            }
            let value = String(afterEquals[afterEquals.index(after: afterEquals.startIndex)..<end])
            attributesPart = afterEquals[afterEquals.index(after: end)...]
            guard attributes.contains(attribute) else {
                problems.append("attribute \(attribute)")
                continue
            }
            if value.contains("<") || value.contains(">") { problems.append("raw angle bracket in \(attribute)") }
            switch attribute {
            case "href", "src":
                let decoded = value.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
                    .replacingOccurrences(of: "&amp;", with: "&")
                let squeezed = decoded.lowercased().filter { !$0.isWhitespace }
                if squeezed.hasPrefix("javascript:") || squeezed.hasPrefix("vbscript:") || squeezed.hasPrefix("data:")
                    || squeezed.contains("javascript:") || !Markdown.isSafeURL(decoded) {
                    problems.append("unsafe \(attribute)=\(value)")
                }
            case "class":
                let ok = (value.hasPrefix("language-") && value.dropFirst(9).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+#.-".contains($0)) })
                    || ["align-left", "align-center", "align-right"].contains(value)
                if !ok { problems.append("class=\(value)") }
            case "start":
                if value.isEmpty || !value.allSatisfy(\.isASCII) || !value.allSatisfy(\.isNumber) { problems.append("start=\(value)") }
            case "rel":
                if value != "noopener noreferrer nofollow" { problems.append("rel=\(value)") }
            default:
                break
            }
        }
        return problems
    }
}
