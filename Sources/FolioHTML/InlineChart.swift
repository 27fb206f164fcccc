// A figure as the HTML page shows it: cropped to what is drawn, its theme colours as
// CSS variables (ChartTheme), and sized so chart text reads beside the body text.
// The chart kit lays some figures out on a canvas taller or wider than their content
// (a grid of square images in a fixed box leaves bands above and below); the PDF and
// the standalone files keep the canvas, the page shows only the drawing.

import CCairo
import FolioDocument
import Foundation

struct InlineChart {
    /// The `<svg>` element, its viewBox the drawn area.
    var svg: String
    /// The drawn area, in the figure's points.
    var box: ChartBox

    /// Points a chart drawn for the full text width spans: the charts are laid out 450 pt
    /// wide for the PDF's 455-pt A4 column. The page gives that width the whole column
    /// (46em: 1.64 px a point, so 8.5-pt tick labels show at 14 px beside 16-px body
    /// text), and a narrower chart the same share of the column as on paper.
    static let columnPoints = 450.0
    /// Below this many CSS pixels a point, on a phone, a chart scrolls sideways in its
    /// card instead of shrinking: 8.5-pt tick labels stay at least 9 px.
    static let minimumPixelsPerPoint = 1.1
    /// Kept around the drawing: strokes' antialiasing and a little air.
    static let margin = 3.0

    /// Charts already prepared, by their SVG: finding the drawn area rasterises the
    /// figure, and the report page, its section page and each preview render show it.
    nonisolated(unsafe) private static var prepared: [String: InlineChart] = [:]
    private static let preparedLock = NSLock()

    static func make(_ figure: DocumentFigure, idPrefix: String) throws -> InlineChart {
        let svg = try figure.svg(idPrefix: idPrefix)
        if let chart = preparedLock.withLock({ prepared[svg] }) { return chart }
        let chart = try InlineChart(figure, svg: svg)
        preparedLock.withLock {
            if prepared.count > 400 { prepared.removeAll() }
            prepared[svg] = chart
        }
        return chart
    }

    init(_ figure: DocumentFigure, svg source: String) throws {
        let canvas = ChartBox(x: 0, y: 0, width: figure.widthPoints, height: figure.heightPoints)
        var svg = Self.withoutProlog(source)
        let images = ChartTheme.imageBoxes(in: svg)
        // Images count whole even where their pixels are white (a digit on paper).
        let drawn = images.reduce(Self.inkBounds(of: figure)) { drawn, image -> ChartBox? in drawn?.union(image) ?? image }
        box = drawn.map { Self.clamped($0, margin: Self.margin, to: canvas) } ?? canvas
        svg = ChartTheme.themed(svg, images: images)
        self.svg = Self.viewing(svg, box)
    }

    /// The share of the text column the figure takes, in percent.
    var columnShare: Double { min(100, 100 * box.width / Self.columnPoints) }
    /// The width in CSS pixels below which the chart scrolls instead of shrinking.
    var minimumWidth: Double { (box.width * Self.minimumPixelsPerPoint).rounded() }

    /// An SVG document as an element inside HTML: an XML declaration or doctype
    /// before `<svg` (as Cairo writes) means nothing there, so it is dropped.
    static func withoutProlog(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return svg }
        return String(svg[start.lowerBound...])
    }

    private static func clamped(_ box: ChartBox, margin: Double, to canvas: ChartBox) -> ChartBox {
        let left = max(canvas.x, box.x - margin), top = max(canvas.y, box.y - margin)
        return ChartBox(x: left, y: top, width: min(canvas.maxX, box.maxX + margin) - left,
                        height: min(canvas.maxY, box.maxY + margin) - top)
    }

    /// The root element shows `box`: its viewBox, and a natural size in points to match.
    private static func viewing(_ svg: String, _ box: ChartBox) -> String {
        guard let start = svg.range(of: "<svg"), let end = svg[start.upperBound...].firstIndex(of: ">") else { return svg }
        var root = String(svg[start.lowerBound..<end])
        let number = { (v: Double) in String(format: "%g", (v * 1000).rounded() / 1000) }
        let values = ["viewBox": "\(number(box.x)) \(number(box.y)) \(number(box.width)) \(number(box.height))",
                      "width": "\(number(box.width))pt", "height": "\(number(box.height))pt"]
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            if let old = ChartTheme.attribute(name, in: root[...]) {
                root = root.replacingOccurrences(of: " \(name)=\"\(old)\"", with: " \(name)=\"\(value)\"")
            } else {
                root += " \(name)=\"\(value)\""
            }
        }
        return String(svg[..<start.lowerBound]) + root + String(svg[end...])
    }

    /// The smallest box holding every pixel the figure paints other than white, found by
    /// drawing it at twice its size; nil when it paints nothing. Drawing beats reading the
    /// SVG's geometry: glyph outlines, stroke widths and clips are all accounted for.
    static func inkBounds(of figure: DocumentFigure, scale: Double = 2) -> ChartBox? {
        let width = Int((figure.widthPoints * scale).rounded(.up)), height = Int((figure.heightPoints * scale).rounded(.up))
        // A poster-sized canvas (the chart kit allows 200 inches) is shown whole rather
        // than rasterised into a quarter of a gigabyte.
        guard width > 0, height > 0, width * height <= 64_000_000,
              let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else { return nil }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { return nil }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        figure.draw(into: cr)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return nil }
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        var minX = width, minY = height, maxX = -1, maxY = -1
        data.withMemoryRebound(to: UInt32.self, capacity: stride * height) { pixels in
            for y in 0..<height {
                let row = pixels + y * stride
                // RGB24 leaves the top byte undefined.
                guard let first = (0..<width).first(where: { row[$0] & 0xFFFFFF != 0xFFFFFF }) else { continue }
                let last = (first..<width).last { row[$0] & 0xFFFFFF != 0xFFFFFF }!
                minX = min(minX, first); maxX = max(maxX, last)
                minY = min(minY, y); maxY = y
            }
        }
        guard maxX >= 0 else { return nil }
        return ChartBox(x: Double(minX) / scale, y: Double(minY) / scale,
                        width: Double(maxX + 1 - minX) / scale, height: Double(maxY + 1 - minY) / scale)
    }
}
