// A chart's theme colours as CSS variables. Cairo writes every colour into the SVG as
// a fixed `rgb(…%)`, so a chart would stay a white card on a dark page; here the
// colours of the chart kit's theme (canvas, text, axes, grid, frames) become
// `var(--chart-…, #original)`, which the stylesheet sets per colour scheme. Data keeps
// its colours: series, bars, and everything drawn as an image (digits, heatmaps,
// colour bars), and text written on an image (a confusion matrix's counts), whose
// dark or light ink was chosen for the cell beneath it.

import FolioDocument

enum ChartRole: String, CaseIterable {
    case background = "bg", text, axis, grid, frame, legend

    /// The CSS custom property the stylesheet defines for each scheme.
    var variable: String { "--chart-\(rawValue)" }

    func colour(in colours: ChartColours) -> RGB {
        switch self {
        case .background: return colours.background
        case .text: return colours.text
        case .axis: return colours.axis
        case .grid: return colours.grid
        case .frame: return colours.frame
        case .legend: return colours.legendRule
        }
    }

    /// What an element painted `colour` for `property` ("fill" or "stroke") stands for.
    /// White fills are the canvas or a legend's box; white glyphs are labels on a dark
    /// bar or cell, so they stay white. The chart kit draws text only as glyphs.
    static func of(_ colour: RGB, property: String, glyphs: Bool) -> ChartRole? {
        let theme = ChartColours.light
        switch (property, colour) {
        case ("fill", theme.background): return glyphs ? nil : .background
        case ("fill", theme.text): return .text
        case ("stroke", theme.axis): return .axis
        case ("stroke", theme.grid): return .grid
        case ("stroke", theme.frame): return .frame
        case ("stroke", theme.legendRule): return .legend
        default: return nil
        }
    }
}

/// A rectangle in the figure's points.
struct ChartBox: Equatable {
    var x: Double, y: Double, width: Double, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ px: Double, _ py: Double) -> Bool { px >= x && px <= maxX && py >= y && py <= maxY }

    func union(_ other: ChartBox) -> ChartBox {
        let left = min(x, other.x), top = min(y, other.y)
        return ChartBox(x: left, y: top, width: max(maxX, other.maxX) - left, height: max(maxY, other.maxY) - top)
    }
}

enum ChartTheme {
    /// The SVG with its theme colours as variables. `images` are the areas drawn as
    /// images, where text keeps its colour.
    static func themed(_ svg: String, images: [ChartBox]) -> String {
        var out = ""
        out.reserveCapacity(svg.utf8.count + svg.utf8.count / 8)
        var rest = svg[...]
        // Cairo writes one element per line, a glyph run as `<g style="fill:…">`, its
        // `<use x= y=>` glyphs on the following lines and `</g>`.
        while let tagStart = rest.firstIndex(of: "<") {
            out += rest[..<tagStart]
            guard let tagEnd = rest[tagStart...].firstIndex(of: ">") else { break }
            let tag = rest[tagStart...tagEnd]
            rest = rest[rest.index(after: tagEnd)...]
            guard tag.contains("style=\"") else { out += tag; continue }
            let glyphs = tag.hasPrefix("<g ")
            if glyphs, let close = rest.range(of: "</g>"),
               onImage(origins(in: rest[..<close.lowerBound]), images) {
                out += tag
                continue
            }
            out += recoloured(tag, glyphs: glyphs)
        }
        return out + rest
    }

    /// Whether every glyph of a run sits on an image: a cell's count, not a label.
    private static func onImage(_ origins: [(Double, Double)], _ images: [ChartBox]) -> Bool {
        !origins.isEmpty && origins.allSatisfy { o in images.contains { $0.contains(o.0, o.1) } }
    }

    /// The `x`, `y` of each `<use>` in a glyph run.
    private static func origins(in run: Substring) -> [(Double, Double)] {
        run.components(separatedBy: "<use").dropFirst().compactMap { use in
            guard let x = attribute("x", in: use[...]).flatMap(Double.init),
                  let y = attribute("y", in: use[...]).flatMap(Double.init) else { return nil }
            return (x, y)
        }
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        let value = tag[start.upperBound...]
        return value.firstIndex(of: "\"").map { String(value[..<$0]) }
    }

    /// `fill:rgb(…)` and `stroke:rgb(…)` of a theme colour as the role's variable,
    /// the drawn colour as its fallback.
    private static func recoloured(_ tag: Substring, glyphs: Bool) -> String {
        var out = ""
        var rest = tag
        while let range = rest.range(of: ":rgb(") {
            let property = rest[..<range.lowerBound].reversed().prefix { $0.isLetter || $0 == "-" }
            guard let close = rest[range.upperBound...].firstIndex(of: ")") else { break }
            let original = rest[range.lowerBound...close]
            out += rest[..<range.lowerBound]
            rest = rest[rest.index(after: close)...]
            if let colour = cairoColour(original.dropFirst(5).dropLast()),
               let role = ChartRole.of(colour, property: String(property.reversed()), glyphs: glyphs) {
                out += ":var(\(role.variable), \(colour.css))"
            } else {
                out += original
            }
        }
        return out + rest
    }

    /// Cairo's `rgb(13.333333%,13.333333%,13.333333%)` body as a colour, to the byte.
    private static func cairoColour(_ body: Substring) -> RGB? {
        let parts = body.split(separator: ",").map { $0.hasSuffix("%") ? Double($0.dropLast()) : nil }
        guard parts.count == 3, let r = parts[0], let g = parts[1], let b = parts[2] else { return nil }
        func byte(_ percent: Double) -> UInt32 { UInt32(min(max(percent * 2.55, 0), 255).rounded()) }
        return RGB(byte(r) << 16 | byte(g) << 8 | byte(b))
    }

    /// The areas painted with an image: Cairo writes each as a path filled with a
    /// pattern, its rectangle in the path data.
    static func imageBoxes(in svg: String) -> [ChartBox] {
        svg.components(separatedBy: "\n").compactMap { line -> ChartBox? in
            guard line.hasPrefix("<path"), line.contains("fill:url(#"),
                  let d = attribute("d", in: line[...]) else { return nil }
            let numbers = d.split(separator: " ").compactMap { Double($0) }
            guard numbers.count >= 4 else { return nil }
            let xs = stride(from: 0, to: numbers.count - 1, by: 2).map { numbers[$0] }
            let ys = stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] }
            let left = xs.min()!, top = ys.min()!
            return ChartBox(x: left, y: top, width: xs.max()! - left, height: ys.max()! - top)
        }
    }
}
