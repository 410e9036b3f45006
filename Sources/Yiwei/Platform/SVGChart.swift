import Foundation
import YiweiCore
import YiweiText

/// Server-rendered SVG charts: no JavaScript draws them, they print, and they read in Chinese.
///
/// Every function returns one self-contained `<svg>` element as a string, to be placed in a template with
/// `#unsafeHTML(...)`. All text given (titles, labels, series names, links) is escaped here, so callers pass
/// plain text. Each chart has a `<title>` and `<desc>` for screen readers (`role="img"`), and each bar or
/// point its own `<title>` (the tooltip: 「标签：数值」).
///
/// Colours are presentation attributes (so a chart looks right on its own, e.g. in a printed report) and
/// every element carries a class (`chart-bar`, `chart-s0`…`chart-s5`, `chart-axis`, `chart-grid`,
/// `chart-label`, `chart-value`, `chart-legend`) so a stylesheet can restyle it — the dashboard's dark wall
/// screen does. The drawing scales with its container: width 100 %, the aspect ratio of `width`×`height`.
///
/// ```swift
/// let svg = SVGChart.bars(categories: ["IT", "后勤", "医学装备"],
///                         series: [.init(name: "未关闭", values: [12, 5, 3])],
///                         options: .init(id: "by-domain", title: "未关闭工单（按领域）"))
/// let trend = SVGChart.lines(categories: days, series: [created, resolved], options: .init(id: "trend", title: "近 30 天趋势"))
/// let top = SVGChart.horizontalBars([.init(label: "HIS", value: 42, href: "/desk?businessSystemId=…")],
///                                   options: .init(id: "systems", title: "故障最多的业务系统"))
/// ```
enum SVGChart {
    /// One named row of values, one value per category. `hrefs` (optional, same length) makes each bar a link.
    struct Series: Sendable, Equatable {
        var name: String
        var values: [Double]
        var hrefs: [String?] = []
        /// A palette index (0–5) to override the position-based colour, e.g. to keep "resolved" green.
        var colour: Int?

        init(name: String, values: [Double], hrefs: [String?] = [], colour: Int? = nil) {
            self.name = name; self.values = values; self.hrefs = hrefs; self.colour = colour
        }
    }

    /// One labelled value of a horizontal bar list.
    struct Datum: Sendable, Equatable {
        var label: String
        var value: Double
        var href: String?
        var colour: Int?

        init(label: String, value: Double, href: String? = nil, colour: Int? = nil) {
            self.label = label; self.value = value; self.href = href; self.colour = colour
        }
    }

    /// How several series share a category: side by side, or on top of each other.
    enum BarMode: Sendable { case grouped, stacked }

    struct Options: Sendable {
        /// Unique on the page: it prefixes the ids `<title>` and `<desc>` are referred to by.
        var id: String
        /// The chart's accessible name (not drawn; give the visible heading in the page).
        var title: String
        /// A sentence for screen readers; defaults to a list of the figures.
        var description: String?
        var width: Double = 640
        var height: Double = 280
        /// Shown in the middle when there is nothing to draw (no categories, or every value empty).
        var emptyText = "暂无数据"
        /// How a value is written on bars, ticks and tooltips; defaults to whole numbers with thousands separators.
        var format: @Sendable (Double) -> String = SVGChart.integer
        /// Draw the value above (or beside) each bar.
        var showValues = true
        /// At most this many category labels on the x axis; the others are skipped evenly (a 30-day trend).
        var maxLabels = 12
        /// Font size in the drawing's own units (scaled with the drawing).
        var fontSize: Double = 13

        init(id: String, title: String, description: String? = nil, width: Double = 640, height: Double = 280,
             emptyText: String = "暂无数据", showValues: Bool = true, maxLabels: Int = 12, fontSize: Double = 13,
             format: @escaping @Sendable (Double) -> String = SVGChart.integer) {
            self.id = id; self.title = title; self.description = description; self.width = width; self.height = height
            self.emptyText = emptyText; self.showValues = showValues; self.maxLabels = maxLabels; self.fontSize = fontSize
            self.format = format
        }
    }

    /// The six series colours (blue, green, amber, red, violet, teal): distinguishable for the common
    /// colour-vision deficiencies when paired with the legend's order.
    static let palette = ["#2f7ed8", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0d9488"]
    static let inkColour = "#52606d"
    static let gridColour = "#e4e7eb"

    // MARK: - Text

    /// Escapes text for SVG/HTML content and attribute values.
    static func escape(_ text: String) -> String { HTML.escape(text) }

    /// Whole numbers with thousands separators: 1234.4 → "1,234".
    @Sendable static func integer(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let n = Int(value.rounded())
        let digits = String(abs(n))
        var grouped = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return (n < 0 ? "-" : "") + String(grouped.reversed())
    }

    /// Numbers in drawing coordinates: at most two decimals, no trailing zeros ("12.5", "40").
    static func num(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var s = String(format: "%.2f", rounded)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    // MARK: - Scale

    /// A "nice" axis for values from 0 to `maximum`: the top of the axis and the step between ticks
    /// (1, 2 or 5 × a power of ten, never below `minimumStep`), with about `ticks` steps.
    /// A maximum of zero (or less, or not a number) gives the axis 0…`minimumStep` so nothing divides by zero.
    static func niceScale(maximum: Double, ticks: Int = 4, minimumStep: Double = 1) -> (top: Double, step: Double) {
        guard maximum.isFinite, maximum > 0 else { return (minimumStep, minimumStep) }
        let raw = maximum / Double(max(1, ticks))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let niceFraction: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        let step = max(minimumStep, niceFraction * magnitude)
        let top = (maximum / step).rounded(.up) * step
        return (top, step)
    }

    /// The indexes of the category labels to draw when there are more than `maxLabels`: evenly spaced,
    /// always including the last (today, in a trend).
    static func labelIndexes(count: Int, maxLabels: Int) -> [Int] {
        guard count > 0 else { return [] }
        guard count > maxLabels, maxLabels > 0 else { return Array(0..<count) }
        let every = Int((Double(count) / Double(maxLabels)).rounded(.up))
        return Array(stride(from: (count - 1) % every, to: count, by: every))
    }

    /// The drawn width of text in ems: CJK characters are about one em wide, Latin letters and digits about 0.6.
    static func textWidth(_ text: String) -> Double {
        text.unicodeScalars.reduce(0.0) { $0 + ($1.value >= 0x2E80 ? 1.0 : 0.6) }
    }

    /// `text` shortened with "…" so it is at most `ems` wide (a long business-system name beside its bar).
    static func fit(_ text: String, ems: Double) -> String {
        guard textWidth(text) > ems else { return text }
        var out = ""
        var width = 1.0 // the ellipsis
        for ch in text {
            let w = textWidth(String(ch))
            if width + w > ems { break }
            out.append(ch)
            width += w
        }
        return out + "…"
    }

    // MARK: - Pieces

    private static func open(_ o: Options, kind: String, summary: String) -> String {
        let id = escape(o.id)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-\(kind)" viewBox="0 0 \(num(o.width)) \(num(o.height))" \
            role="img" aria-labelledby="\(id)-title \(id)-desc" font-size="\(num(o.fontSize))" preserveAspectRatio="xMidYMid meet">\
            <title id="\(id)-title">\(escape(o.title))</title><desc id="\(id)-desc">\(escape(o.description ?? summary))</desc>
            """
    }

    private static func empty(_ o: Options, kind: String) -> String {
        open(o, kind: kind, summary: o.emptyText)
            + "<text class=\"chart-empty\" x=\"\(num(o.width / 2))\" y=\"\(num(o.height / 2))\" text-anchor=\"middle\" "
            + "dominant-baseline=\"middle\" fill=\"\(inkColour)\">\(escape(o.emptyText))</text></svg>"
    }

    private static func colour(_ index: Int) -> String { palette[((index % palette.count) + palette.count) % palette.count] }

    private static func link(_ href: String?, _ body: String) -> String {
        guard let href, !href.isEmpty else { return body }
        return "<a href=\"\(escape(href))\">\(body)</a>"
    }

    private static func legend(_ series: [Series], x: Double, y: Double, fontSize: Double) -> String {
        guard series.count > 1 else { return "" }
        var out = "<g class=\"chart-legend\">"
        var cursor = x
        for (i, s) in series.enumerated() {
            let c = s.colour ?? i
            out += "<rect class=\"chart-s\(c)\" x=\"\(num(cursor))\" y=\"\(num(y - fontSize * 0.8))\" width=\"\(num(fontSize))\" "
                + "height=\"\(num(fontSize * 0.8))\" rx=\"2\" fill=\"\(colour(c))\"/>"
            out += "<text class=\"chart-label\" x=\"\(num(cursor + fontSize * 1.4))\" y=\"\(num(y))\" fill=\"\(inkColour)\">\(escape(s.name))</text>"
            let width = textWidth(s.name) * fontSize
            cursor += fontSize * 2.6 + width
        }
        return out + "</g>"
    }

    private static func summary(_ categories: [String], _ series: [Series], format: (Double) -> String) -> String {
        series.map { s in
            (series.count > 1 ? s.name + "：" : "")
                + zip(categories, s.values).map { "\($0.0) \(format($0.1))" }.joined(separator: "，")
        }.joined(separator: "；")
    }

    /// The plot area and y axis shared by bars and lines.
    private struct Frame {
        var left: Double, top: Double, right: Double, bottom: Double
        var scaleTop: Double, step: Double
        var width: Double { right - left }
        var height: Double { bottom - top }
        func y(_ value: Double) -> Double { bottom - max(0, value) / scaleTop * height }
    }

    private static func frame(_ o: Options, maximum: Double, legend: Bool) -> Frame {
        let scale = niceScale(maximum: maximum)
        let tickWidth = Double(o.format(scale.top).count) * o.fontSize * 0.62
        return Frame(left: max(o.fontSize * 2, tickWidth + o.fontSize * 0.8), top: o.fontSize * (legend ? 2.8 : 1.6),
                     right: o.width - o.fontSize * 0.6, bottom: o.height - o.fontSize * 2,
                     scaleTop: scale.top, step: scale.step)
    }

    private static func axes(_ f: Frame, _ o: Options, categories: [String], slot: Double, centres: [Double]) -> String {
        var out = "<g class=\"chart-grid\">"
        var tick = 0.0
        while tick <= f.scaleTop + f.step / 1000 {
            let y = f.y(tick)
            out += "<line x1=\"\(num(f.left))\" x2=\"\(num(f.right))\" y1=\"\(num(y))\" y2=\"\(num(y))\" stroke=\"\(gridColour)\"/>"
            out += "<text class=\"chart-tick\" x=\"\(num(f.left - o.fontSize * 0.4))\" y=\"\(num(y))\" text-anchor=\"end\" "
                + "dominant-baseline=\"middle\" fill=\"\(inkColour)\">\(escape(o.format(tick)))</text>"
            tick += f.step
        }
        out += "</g><line class=\"chart-axis\" x1=\"\(num(f.left))\" x2=\"\(num(f.right))\" y1=\"\(num(f.bottom))\" y2=\"\(num(f.bottom))\" stroke=\"\(inkColour)\"/>"
        out += "<g class=\"chart-labels\">"
        for i in labelIndexes(count: categories.count, maxLabels: o.maxLabels) {
            out += "<text class=\"chart-label\" x=\"\(num(centres[i]))\" y=\"\(num(f.bottom + o.fontSize * 1.4))\" text-anchor=\"middle\" "
                + "fill=\"\(inkColour)\">\(escape(categories[i]))</text>"
        }
        return out + "</g>"
    }

    // MARK: - Charts

    /// Vertical bars: one bar per category for one series; for several, grouped side by side or stacked.
    static func bars(categories: [String], series: [Series], mode: BarMode = .grouped, options o: Options) -> SafeHTML {
        SafeHTML(escaped: barsMarkup(categories: categories, series: series, mode: mode, options: o))
    }

    private static func barsMarkup(categories: [String], series: [Series], mode: BarMode, options o: Options) -> String {
        let values = series.flatMap(\.values).filter(\.isFinite)
        guard !categories.isEmpty, !series.isEmpty, !values.isEmpty else { return empty(o, kind: "bars") }
        func value(_ s: Series, _ i: Int) -> Double { i < s.values.count && s.values[i].isFinite ? max(0, s.values[i]) : 0 }
        let maximum: Double = mode == .stacked
            ? categories.indices.map { i in series.reduce(0) { $0 + value($1, i) } }.max() ?? 0
            : values.max() ?? 0
        let f = frame(o, maximum: maximum, legend: series.count > 1)
        let slot = f.width / Double(categories.count)
        let centres = categories.indices.map { f.left + slot * (Double($0) + 0.5) }
        var out = open(o, kind: "bars", summary: summary(categories, series, format: o.format))
        out += legend(series, x: f.left, y: o.fontSize * 1.2, fontSize: o.fontSize)
        out += axes(f, o, categories: categories, slot: slot, centres: centres)
        let groupWidth = min(slot * 0.7, o.fontSize * 6)
        let barWidth = mode == .stacked ? groupWidth : groupWidth / Double(series.count)
        for i in categories.indices {
            var base = 0.0
            for (k, s) in series.enumerated() {
                let v = value(s, i)
                let x = mode == .stacked ? centres[i] - groupWidth / 2 : centres[i] - groupWidth / 2 + barWidth * Double(k)
                let yTop = f.y(base + v), yBottom = f.y(base)
                let c = s.colour ?? k
                let tip = (series.count > 1 ? s.name + " · " : "") + categories[i] + "：" + o.format(v)
                var bar = "<g class=\"chart-bar\"><title>\(escape(tip))</title>"
                bar += "<rect class=\"chart-s\(c)\" x=\"\(num(x + (mode == .grouped && series.count > 1 ? 1 : 0)))\" y=\"\(num(yTop))\" "
                    + "width=\"\(num(max(1, barWidth - (mode == .grouped && series.count > 1 ? 2 : 0))))\" height=\"\(num(yBottom - yTop))\" "
                    + "rx=\"2\" fill=\"\(colour(c))\"/>"
                if o.showValues && (mode == .grouped || k == series.count - 1) {
                    let shown = mode == .stacked ? series.reduce(0) { $0 + value($1, i) } : v
                    let labelX = mode == .stacked ? centres[i] : x + barWidth / 2
                    bar += "<text class=\"chart-value\" x=\"\(num(labelX))\" y=\"\(num(yTop - o.fontSize * 0.35))\" text-anchor=\"middle\" "
                        + "fill=\"\(inkColour)\">\(escape(o.format(shown)))</text>"
                }
                bar += "</g>"
                out += link(s.hrefs.indices.contains(i) ? s.hrefs[i] : nil, bar)
                base += mode == .stacked ? v : 0
            }
        }
        return out + "</svg>"
    }

    /// A trend: one line per series over the categories (days), optionally with the area below the line filled.
    /// Each point has a tooltip and, when the series has `hrefs`, links to its details. Where lines overlap, the
    /// first series is on top.
    static func lines(categories: [String], series: [Series], area: Bool = true, options o: Options) -> SafeHTML {
        SafeHTML(escaped: linesMarkup(categories: categories, series: series, area: area, options: o))
    }

    private static func linesMarkup(categories: [String], series: [Series], area: Bool, options o: Options) -> String {
        let values = series.flatMap(\.values).filter(\.isFinite)
        guard !categories.isEmpty, !series.isEmpty, !values.isEmpty else { return empty(o, kind: "lines") }
        func value(_ s: Series, _ i: Int) -> Double { i < s.values.count && s.values[i].isFinite ? max(0, s.values[i]) : 0 }
        let f = frame(o, maximum: values.max() ?? 0, legend: series.count > 1)
        let slot = categories.count > 1 ? f.width / Double(categories.count - 1) : f.width
        let centres = categories.indices.map { categories.count > 1 ? f.left + slot * Double($0) : f.left + f.width / 2 }
        var out = open(o, kind: "lines", summary: summary(categories, series, format: o.format))
        out += legend(series, x: f.left, y: o.fontSize * 1.2, fontSize: o.fontSize)
        out += axes(f, o, categories: categories, slot: slot, centres: centres)
        // The first series is drawn last, so it stays visible where lines overlap.
        for (k, s) in series.enumerated().reversed() {
            let c = s.colour ?? k
            let points = categories.indices.map { (centres[$0], f.y(value(s, $0))) }
            let path = points.map { "\(num($0.0)),\(num($0.1))" }.joined(separator: " ")
            if area {
                out += "<polygon class=\"chart-area chart-s\(c)\" points=\"\(num(points.first!.0)),\(num(f.bottom)) \(path) "
                    + "\(num(points.last!.0)),\(num(f.bottom))\" fill=\"\(colour(c))\" fill-opacity=\"0.12\" stroke=\"none\"/>"
            }
            out += "<polyline class=\"chart-line chart-s\(c)\" points=\"\(path)\" fill=\"none\" stroke=\"\(colour(c))\" stroke-width=\"\(num(o.fontSize * 0.2))\" "
                + "stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
            for (i, p) in points.enumerated() {
                let tip = (series.count > 1 ? s.name + " · " : "") + categories[i] + "：" + o.format(value(s, i))
                let dot = "<g class=\"chart-point\"><title>\(escape(tip))</title><circle class=\"chart-s\(c)\" cx=\"\(num(p.0))\" cy=\"\(num(p.1))\" "
                    + "r=\"\(num(o.fontSize * 0.28))\" fill=\"\(colour(c))\"/></g>"
                out += link(s.hrefs.indices.contains(i) ? s.hrefs[i] : nil, dot)
            }
        }
        return out + "</svg>"
    }

    /// A ranked list as horizontal bars: the label on the left, the bar and its value on the right
    /// (top business systems). The data is drawn in the order given.
    static func horizontalBars(_ data: [Datum], options o: Options) -> SafeHTML {
        SafeHTML(escaped: horizontalBarsMarkup(data, options: o))
    }

    private static func horizontalBarsMarkup(_ data: [Datum], options o: Options) -> String {
        guard !data.isEmpty else { return empty(o, kind: "hbars") }
        let maximum = data.map { $0.value.isFinite ? max(0, $0.value) : 0 }.max() ?? 0
        let rowHeight = o.height / Double(data.count)
        let labelWidth = min(o.width * 0.42, (data.map { textWidth($0.label) }.max() ?? 0) * o.fontSize + o.fontSize)
        let labelEms = (labelWidth - o.fontSize) / o.fontSize
        let valueWidth = Double(o.format(maximum).count) * o.fontSize * 0.62 + o.fontSize
        let barSpace = max(1, o.width - labelWidth - valueWidth)
        let scale = maximum > 0 ? maximum : 1
        let barHeight = min(rowHeight * 0.62, o.fontSize * 1.6)
        var out = open(o, kind: "hbars", summary: data.map { "\($0.label) \(o.format($0.value))" }.joined(separator: "，"))
        for (i, d) in data.enumerated() {
            let v = d.value.isFinite ? max(0, d.value) : 0
            let y = rowHeight * (Double(i) + 0.5)
            let width = barSpace * v / scale
            let c = d.colour ?? 0
            var row = "<g class=\"chart-bar\"><title>\(escape(d.label + "：" + o.format(v)))</title>"
            row += "<text class=\"chart-label\" x=\"\(num(labelWidth - o.fontSize * 0.5))\" y=\"\(num(y))\" text-anchor=\"end\" dominant-baseline=\"middle\" "
                + "fill=\"\(inkColour)\">\(escape(fit(d.label, ems: labelEms)))</text>"
            row += "<rect class=\"chart-s\(c)\" x=\"\(num(labelWidth))\" y=\"\(num(y - barHeight / 2))\" width=\"\(num(width))\" height=\"\(num(barHeight))\" "
                + "rx=\"2\" fill=\"\(colour(c))\"/>"
            if o.showValues {
                row += "<text class=\"chart-value\" x=\"\(num(labelWidth + width + o.fontSize * 0.4))\" y=\"\(num(y))\" dominant-baseline=\"middle\" "
                    + "fill=\"\(inkColour)\">\(escape(o.format(v)))</text>"
            }
            out += link(d.href, row + "</g>")
        }
        return out + "</svg>"
    }
}
