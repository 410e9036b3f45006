import Testing
@testable import YiweiText

/// One escaping rule for every page, SVG and Markdown output (docs/architecture.md 「页面层」).
@Suite("HTML escaping and SafeHTML")
struct SafeHTMLTests {
    static let tricky = "<a href=\"x\">'&'</a>\u{0}\u{7}\u{1B}\t\n\r患者"
    static let escaped = "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\t\n患者"

    @Test("the five characters become entities, control characters but tab and LF are dropped, the rest is kept byte for byte")
    func rule() {
        #expect(HTMLEscaping.escape(Self.tricky) == Self.escaped)
        #expect(HTMLEscaping.escape("打印机 HIS-3.2 OK") == "打印机 HIS-3.2 OK")
        #expect(HTMLEscaping.escape("") == "")
    }

    @Test("Markdown, the QR encoder and SafeHTML escape by the same rule")
    func oneRule() throws {
        #expect(Markdown.escapeHTML(Self.tricky) == Self.escaped)
        #expect(SafeHTML.text(Self.tricky).markup == Self.escaped)
        // Markdown text and code keep the rule too.
        #expect(Markdown.html("a <b> & 'c'") == "<p>a &lt;b&gt; &amp; &#39;c&#39;</p>\n")
        let svg = try QRCode(text: "IT-1", correction: .medium).svg(dark: "\"'&<>")
        #expect(svg.contains("fill=\"&quot;&#39;&amp;&lt;&gt;\""))
    }

    @Test("in SafeHTML literals are markup, interpolated strings are escaped, interpolated SafeHTML and numbers go in as they are")
    func interpolation() {
        let title = "<script>alert('x')</script>"
        let cell: SafeHTML = "<td class=\"t\">\(title)</td>"
        #expect(cell.markup == "<td class=\"t\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>")
        let row: SafeHTML = "<tr>\(cell)<td>\(42)</td></tr>"
        #expect(row.markup == "<tr><td class=\"t\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td><td>42</td></tr>")
        var list = SafeHTML()
        list.append(text: "a&b")
        list += "<br>"
        #expect(list.markup == "a&amp;b<br>")
        #expect(([cell, "<hr>"] as [SafeHTML]).joined(separator: "\n").markup == cell.markup + "\n<hr>")
        #expect((SafeHTML.text("x") + "<i>y</i>").markup == "x<i>y</i>")
    }
}
