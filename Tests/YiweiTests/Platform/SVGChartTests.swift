import Foundation
import Testing
@testable import Yiwei
import YiweiCore
import YiweiText

@Suite("SVG charts: escaping, scales, empty data, zero maximum")
struct SVGChartTests {
    @Test("text and links are escaped everywhere they appear")
    func escaping() {
        #expect(SVGChart.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(SVGChart.escape("控制\u{01}字符") == "控制字符")
        let evil = "<script>alert(1)</script>"
        let svg = SVGChart.bars(categories: [evil], series: [.init(name: evil, values: [3], hrefs: ["/desk?a=1&b=\"2\""])],
                                options: .init(id: "x\"y", title: evil, description: evil))
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(svg.contains("href=\"/desk?a=1&amp;b=&quot;2&quot;\""))
        #expect(svg.contains("id=\"x&quot;y-title\""))
        let h = SVGChart.horizontalBars([.init(label: evil, value: 1, href: "/x?<")], options: .init(id: "h", title: "t"))
        #expect(!h.contains("<script>") && h.contains("href=\"/x?&lt;\""))
        let l = SVGChart.lines(categories: ["a", "b"], series: [.init(name: evil, values: [1, 2]), .init(name: "二", values: [0, 1])],
                               options: .init(id: "l", title: "t"))
        #expect(!l.contains("<script>") && l.contains("&lt;script&gt;"))
    }

    @Test("nice scales: 1, 2 or 5 × 10ⁿ steps; a zero, negative or missing maximum gives 0…1")
    func scales() {
        #expect(SVGChart.niceScale(maximum: 136) == (top: 150, step: 50))   // 136 / 4 = 34 → 50
        #expect(SVGChart.niceScale(maximum: 85) == (top: 100, step: 50))    // 21.25 → 50
        #expect(SVGChart.niceScale(maximum: 40) == (top: 40, step: 10))     // 10 → 10
        #expect(SVGChart.niceScale(maximum: 7) == (top: 8, step: 2))        // 1.75 → 2
        #expect(SVGChart.niceScale(maximum: 3) == (top: 3, step: 1))        // 0.75 → 1 (the least step)
        #expect(SVGChart.niceScale(maximum: 1_000_000) == (top: 1_000_000, step: 500_000))
        #expect(SVGChart.niceScale(maximum: 0) == (top: 1, step: 1))
        #expect(SVGChart.niceScale(maximum: -5) == (top: 1, step: 1))
        #expect(SVGChart.niceScale(maximum: .nan) == (top: 1, step: 1))
        #expect(SVGChart.integer(1234567.4) == "1,234,567")
        #expect(SVGChart.integer(-1234) == "-1,234")
        #expect(SVGChart.num(12.345) == "12.35" && SVGChart.num(40) == "40" && SVGChart.num(0.5) == "0.5")
        #expect(SVGChart.labelIndexes(count: 30, maxLabels: 10) == [2, 5, 8, 11, 14, 17, 20, 23, 26, 29]) // every 3rd, ending today
        #expect(SVGChart.labelIndexes(count: 4, maxLabels: 10) == [0, 1, 2, 3])
        #expect(SVGChart.fit("程临床试验信息化管理系统采购软件", ems: 6) == "程临床试验…")
        #expect(SVGChart.fit("HIS", ems: 6) == "HIS")
    }

    @Test("bars are scaled to the axis: on a 0…150 axis 150 units high, 136 is 136 units tall")
    func barScaling() {
        // Plot area: top = 13 × 1.6 = 20.8, bottom = 190.8 − 26 … chosen so the numbers come out round.
        let o = SVGChart.Options(id: "s", title: "t", width: 400, height: 196.8, showValues: false, fontSize: 13)
        // bottom = 196.8 − 26 = 170.8, top = 20.8: a plot 150 high on a 0…150 axis.
        let svg = SVGChart.bars(categories: ["待受理", "已受理"], series: [.init(name: "未关闭", values: [136, 8])], options: o)
        #expect(svg.contains("y=\"34.8\" width=") && svg.contains("height=\"136\""))   // 170.8 − 136
        #expect(svg.contains("height=\"8\""))
        #expect(svg.contains("<title>待受理：136</title>"))
        #expect(svg.contains("role=\"img\" aria-labelledby=\"s-title s-desc\""))
        #expect(svg.contains("<desc id=\"s-desc\">待受理 136，已受理 8</desc>"))
        for tick in ["0", "50", "100", "150"] { #expect(svg.contains(">\(tick)</text>")) }
        // Stacked: the column is the sum, the scale follows the sums.
        let stacked = SVGChart.bars(categories: ["信息化"], series: [.init(name: "P1", values: [100]), .init(name: "P2", values: [50])],
                                    mode: .stacked, options: o)
        // With a legend the plot starts at 13 × 2.8 = 36.4, so it is 170.8 − 36.4 = 134.4 high: 100 → 89.6, 50 → 44.8.
        #expect(stacked.contains("height=\"89.6\"") && stacked.contains("height=\"44.8\""))
        #expect(stacked.contains("class=\"chart-legend\""))
        // Horizontal bars: the longest fills the space between label and value.
        let h = SVGChart.horizontalBars([.init(label: "HIS", value: 10), .init(label: "LIS", value: 5)],
                                        options: .init(id: "h", title: "t", width: 300, height: 60, fontSize: 10))
        // label width = 3 × 0.6 × 10 + 10 = 28; value width = 2 × 0.62 × 10 + 10 = 22.4; bar space = 300 − 28 − 22.4 = 249.6
        #expect(h.contains("width=\"249.6\"") && h.contains("width=\"124.8\""))
    }

    @Test("empty data draws the empty text; a zero maximum draws flat bars and lines, never NaN")
    func emptyAndZero() {
        let o = SVGChart.Options(id: "e", title: "空", emptyText: "暂无数据")
        for svg in [SVGChart.bars(categories: [], series: [], options: o), SVGChart.lines(categories: ["a"], series: [], options: o),
                    SVGChart.horizontalBars([], options: o)] {
            #expect(svg.contains(">暂无数据</text>") && svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        }
        let zeros = SVGChart.bars(categories: ["a", "b"], series: [.init(name: "n", values: [0, 0])], options: o)
        let flat = SVGChart.lines(categories: ["a", "b", "c"], series: [.init(name: "n", values: [0, 0, .nan])], options: o)
        let none = SVGChart.horizontalBars([.init(label: "a", value: 0)], options: o)
        for svg in [zeros, flat, none] {
            #expect(!svg.contains("NaN") && !svg.lowercased().contains("inf"))
        }
        #expect(zeros.contains("height=\"0\""))
        #expect(none.contains("width=\"0\""))
    }
}

@Suite("The page layer's one escaping rule")
struct PageEscapingTests {
    @Test("the queue page's byte writer and HTML.escape write exactly what SafeHTML does")
    func fastPathsKeepTheRule() {
        let tricky = "<a href=\"x\">'&'</a>\u{0}\u{7}\t\n\r患者 IT-20261118-0001"
        let expected = SafeHTML.text(tricky).markup
        var buffer = HTMLBuffer(capacity: 64)
        buffer.text(tricky)
        #expect(String(buffer: buffer.buffer) == expected)
        #expect(HTML.escape(tricky) == expected)
        #expect(HTML.options([.init(value: "a\"b", label: "<x>", selected: true)]).markup == "<option value=\"a&quot;b\" selected>&lt;x&gt;</option>")
    }
}

/// The charts' tests read the markup as text.
extension SafeHTML {
    func contains(_ text: String) -> Bool { markup.contains(text) }
    func components(separatedBy separator: String) -> [String] { markup.components(separatedBy: separator) }
    func hasPrefix(_ prefix: String) -> Bool { markup.hasPrefix(prefix) }
    func hasSuffix(_ suffix: String) -> Bool { markup.hasSuffix(suffix) }
    func lowercased() -> String { markup.lowercased() }
    func range(of text: String) -> Range<String.Index>? { markup.range(of: text) }
}
