import CCairo
import Foundation

public enum OutputFormat: String, Sendable, CaseIterable {
    case pdf, svg, png

    public var fileExtension: String { rawValue }
}

public enum ChartError: Error, CustomStringConvertible {
    case invalidSize(width: Double, height: Double)
    case invalidScale(Double)
    case cairo(String)

    public var description: String {
        switch self {
        case .invalidSize(let w, let h):
            return "figure size \(w) × \(h) pt is not drawable: both sides must be finite and between 1 and 14400 pt"
        case .invalidScale(let s):
            return "PNG scale \(s) is not usable: it must be finite, positive and give at most 20,000 pixels a side"
        case .cairo(let message): return "cairo failed while rendering a figure: \(message)"
        }
    }
}

/// Draws `figure` with its top-left corner at the current origin of `cairo` (a `cairo_t *`),
/// in points. The context's state is restored afterwards. Used by the PDF report to embed
/// figures as vectors.
public func draw(_ figure: Figure, into cairo: OpaquePointer) {
    let canvas = Canvas(cr: cairo)
    FigurePainter(figure).paint(canvas)
}

/// Renders a figure to PDF, SVG or PNG bytes. `scale` multiplies the pixel size of a PNG
/// (2 for sharp screens); vector formats are always in points. The bytes are the same
/// for the same figure (the PDF creation date is fixed).
public func render(_ figure: Figure, to format: OutputFormat, scale: Double = 1) throws -> [UInt8] {
    try validate(figure)
    let bytes = try renderWithTexts(figure, to: format, scale: scale).bytes
    return format == .svg ? Array(prefixingIDs(String(decoding: bytes, as: UTF8.self), with: "").utf8) : bytes
}

/// A standalone `<svg>` element (no XML declaration) whose every id, and every reference
/// to one, starts with `idPrefix`, so many figures can be inlined in one HTML page. It
/// carries a `<title>` and a `<desc>` listing every text drawn: cairo turns text into glyph
/// outlines, and this keeps the labels readable by search, screen readers and tests.
public func svgString(_ figure: Figure, idPrefix: String) throws -> String {
    try validate(figure)
    let (bytes, texts) = try renderWithTexts(figure, to: .svg, scale: 1)
    var svg = prefixingIDs(String(decoding: bytes, as: UTF8.self), with: idPrefix)
    if let declarationEnd = svg.range(of: "?>"), svg.hasPrefix("<?xml") {
        svg.removeSubrange(svg.startIndex..<declarationEnd.upperBound)
        svg = String(svg.drop { $0.isWhitespace })
    }
    guard let rootStart = svg.range(of: "<svg"),
          let rootEnd = svg.range(of: ">", range: rootStart.upperBound..<svg.endIndex) else {
        throw ChartError.cairo("the SVG surface produced no <svg> element")
    }
    let name = figure.title ?? figure.panels.compactMap(\.title).first ?? "Figure"
    let accessible = "\n<title>\(escapeXML(name))</title>\n<desc>\(escapeXML(texts.joined(separator: "\n")))</desc>"
    svg.insert(contentsOf: accessible, at: rootEnd.upperBound)
    // Small images must stay blocky when the browser scales them up.
    svg.insert(contentsOf: " role=\"img\" style=\"image-rendering:pixelated\"", at: rootStart.upperBound)
    return svg
}

private func validate(_ figure: Figure) throws {
    let ok = { (v: Double) in v.isFinite && v >= 1 && v <= 14_400 }
    guard ok(figure.widthPoints), ok(figure.heightPoints) else {
        throw ChartError.invalidSize(width: figure.widthPoints, height: figure.heightPoints)
    }
}

/// Collects what cairo writes to a stream surface.
private final class ByteSink {
    var bytes: [UInt8] = []
}

private func renderWithTexts(_ figure: Figure, to format: OutputFormat,
                             scale: Double) throws -> (bytes: [UInt8], texts: [String]) {
    let sink = ByteSink()
    let closure = Unmanaged.passUnretained(sink).toOpaque()
    let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }
    let w = figure.widthPoints, h = figure.heightPoints
    let surface: OpaquePointer?
    var pixelScale = 1.0
    switch format {
    case .pdf:
        surface = cairo_pdf_surface_create_for_stream(write, closure, w, h)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Folio")
        if let title = figure.title {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        }
    case .svg:
        surface = cairo_svg_surface_create_for_stream(write, closure, w, h)
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT)
    case .png:
        guard scale.isFinite, scale > 0, w * scale <= 20_000, h * scale <= 20_000 else {
            throw ChartError.invalidScale(scale)
        }
        pixelScale = scale
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32((w * scale).rounded(.up)),
                                             Int32((h * scale).rounded(.up)))
    }
    guard let surface else { throw ChartError.cairo("no surface") }
    defer { cairo_surface_destroy(surface) }
    let cr = cairo_create(surface)!
    cairo_scale(cr, pixelScale, pixelScale)
    let canvas = Canvas(cr: cr)
    FigurePainter(figure).paint(canvas)
    let texts = canvas.drawnTexts
    let drawStatus = cairo_status(cr)
    cairo_destroy(cr)
    guard drawStatus == CAIRO_STATUS_SUCCESS else {
        throw ChartError.cairo(String(cString: cairo_status_to_string(drawStatus)))
    }
    if format == .png {
        cairo_surface_flush(surface)
        let status = cairo_surface_write_to_png_stream(surface, write, closure)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ChartError.cairo(String(cString: cairo_status_to_string(status)))
        }
    } else {
        cairo_surface_finish(surface)
    }
    let status = cairo_surface_status(surface)
    guard status == CAIRO_STATUS_SUCCESS else {
        throw ChartError.cairo(String(cString: cairo_status_to_string(status)))
    }
    return (sink.bytes, texts)
}

/// Renames every id cairo wrote, and every reference to one, to `prefix` + its kind +
/// a number counted per document. Cairo numbers images, patterns and clips from
/// process-wide counters, so without this the same figure would not give the same SVG
/// twice, and two figures on one page could clash.
func prefixingIDs(_ svg: String, with prefix: String) -> String {
    let source = Array(svg.utf8)
    let definition = Array(" id=\"".utf8), link = Array("href=\"#".utf8), url = Array("url(#".utf8)
    let quote = UInt8(ascii: "\""), paren = UInt8(ascii: ")")

    func matches(_ marker: [UInt8], at i: Int) -> Bool {
        i + marker.count <= source.count && source[i..<(i + marker.count)].elementsEqual(marker)
    }
    func value(from start: Int, until end: UInt8) -> Int {
        var k = start
        while k < source.count && source[k] != end { k += 1 }
        return k
    }

    // Pass 1: new names for the ids in order of definition.
    var names: [ArraySlice<UInt8>: [UInt8]] = [:]
    var counts: [ArraySlice<UInt8>: Int] = [:]
    let escapedPrefix = Array(escapeXML(prefix).utf8)
    var i = 0
    while i < source.count {
        if source[i] == definition[0], matches(definition, at: i) {
            let start = i + definition.count, end = value(from: start, until: quote)
            let id = source[start..<end]
            if names[id] == nil {
                let kind = id.prefix { !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                let n = counts[kind, default: 0]
                counts[kind] = n + 1
                names[id] = escapedPrefix + Array(kind) + Array(String(n).utf8)
            }
            i = end
        } else {
            i += 1
        }
    }
    // Pass 2: rewrite definitions and references.
    var out: [UInt8] = []
    out.reserveCapacity(source.count + source.count / 20)
    i = 0
    while i < source.count {
        let c = source[i]
        var marker: [UInt8]? = nil
        if c == definition[0], matches(definition, at: i) { marker = definition }
        else if c == link[0], matches(link, at: i) { marker = link }
        else if c == url[0], matches(url, at: i) { marker = url }
        guard let marker else { out.append(c); i += 1; continue }
        let start = i + marker.count
        let end = value(from: start, until: marker == url ? paren : quote)
        out.append(contentsOf: marker)
        out.append(contentsOf: names[source[start..<end]] ?? escapedPrefix + Array(source[start..<end]))
        i = end
    }
    return String(decoding: out, as: UTF8.self)
}

func escapeXML(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(ch)
        }
    }
    return out
}

extension Chart {
    var title: String? {
        switch self {
        case .line(let c): return c.title
        case .bar(let c): return c.title
        case .heatmap(let c): return c.title
        case .imageGrid(let c): return c.title
        case .imageHeatmapRows(let c): return c.title
        }
    }

    func makeView() -> PanelView {
        switch self {
        case .line(let c): return LineChartView(c)
        case .bar(let c): return BarChartView(c)
        case .heatmap(let c): return HeatmapView(c)
        case .imageGrid(let c): return ImageGridView(c)
        case .imageHeatmapRows(let c): return ImageHeatmapRowsView(c)
        }
    }
}

/// Places the figure title and the panel grid. Panels measure their text first; insets
/// are then aligned per grid column and row so neighbouring axes line up.
struct FigurePainter {
    let figure: Figure
    init(_ figure: Figure) { self.figure = figure }

    func paint(_ canvas: Canvas) {
        let cr = canvas.cr
        let w = figure.widthPoints.isFinite ? max(figure.widthPoints, 1) : 1
        let h = figure.heightPoints.isFinite ? max(figure.heightPoints, 1) : 1
        cairo_save(cr)
        canvas.fill(Rect(x: 0, y: 0, width: w, height: h), .white)
        var area = Rect(x: Theme.figureMargin, y: Theme.figureMargin,
                        width: max(w - 2 * Theme.figureMargin, 1), height: max(h - 2 * Theme.figureMargin, 1))
        if let text = figure.title {
            let title = canvas.text(text, .figureTitle, wrapping: area.width)
            canvas.draw(title, at: area.midX, area.y, anchor: .top)
            let used = title.height + 2 * Theme.pad
            area.y += used
            area.height = max(area.height - used, 1)
        }
        if !figure.key.isEmpty {
            let key = Legend(entries: figure.key.enumerated().filter { !$0.element.name.isEmpty }.map {
                Legend.Entry(label: canvas.text($0.element.name, .legend), color: $0.element.color ?? Theme.cycleColor($0.offset),
                             style: $0.element.style, marker: $0.element.marker, dashed: $0.element.dashed)
            })
            let lines = key.lines(fitting: area.width)
            let used = Double(lines.count) * (key.rowHeight + Legend.rowGap) + Theme.pad
            area.height = max(area.height - used, 1)
            var midY = area.maxY + Theme.pad + key.rowHeight / 2
            for line in lines {
                line.drawRow(canvas, centeredAt: area.midX, midY: midY)
                midY += key.rowHeight + Legend.rowGap
            }
        }
        let n = figure.panels.count
        guard n > 0 else { cairo_restore(cr); return }
        let columns = max(1, min(figure.columns, n))
        let rows = (n + columns - 1) / columns
        let gapX = 10.0, gapY = 8.0
        let cellW = max((area.width - gapX * Double(columns - 1)) / Double(columns), 1)
        let cellH = max((area.height - gapY * Double(rows - 1)) / Double(rows), 1)
        let views = figure.panels.map { $0.makeView() }
        var insets: [Insets] = []
        for (i, view) in views.enumerated() {
            let cell = Rect(x: area.x + Double(i % columns) * (cellW + gapX),
                            y: area.y + Double(i / columns) * (cellH + gapY), width: cellW, height: cellH)
            insets.append(view.prepare(canvas, cell: cell))
        }
        for (i, view) in views.enumerated() {
            let r = i / columns, c = i % columns
            let sameColumn = insets.indices.filter { $0 % columns == c }.map { insets[$0] }
            let sameRow = insets.indices.filter { $0 / columns == r }.map { insets[$0] }
            let left = sameColumn.map(\.left).max() ?? 0, right = sameColumn.map(\.right).max() ?? 0
            let top = sameRow.map(\.top).max() ?? 0, bottom = sameRow.map(\.bottom).max() ?? 0
            let x = area.x + Double(c) * (cellW + gapX), y = area.y + Double(r) * (cellH + gapY)
            let plot = Rect(x: x + left, y: y + top, width: max(cellW - left - right, 1),
                            height: max(cellH - top - bottom, 1))
            cairo_save(cr)
            view.draw(canvas, plot: plot)
            cairo_restore(cr)
        }
        cairo_restore(cr)
    }
}

/// The pixels of a PNG as `0xAARRGGBB` values, row by row (for comparing renders with
/// reference images); nil when the bytes are not a PNG cairo can read.
func decodePNG(_ bytes: [UInt8]) -> (width: Int, height: Int, pixels: [UInt32])? {
    final class Source { var bytes: [UInt8]; var offset = 0; init(_ b: [UInt8]) { bytes = b } }
    let source = Source(bytes)
    let read: cairo_read_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
        let source = Unmanaged<Source>.fromOpaque(closure).takeUnretainedValue()
        let n = Int(length)
        guard source.offset + n <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
        source.bytes.withUnsafeBufferPointer {
            data.update(from: $0.baseAddress! + source.offset, count: n)
        }
        source.offset += n
        return CAIRO_STATUS_SUCCESS
    }
    let surface = withExtendedLifetime(source) {
        cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(source).toOpaque())
    }
    guard let surface else { return nil }
    defer { cairo_surface_destroy(surface) }
    guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS,
          let data = cairo_image_surface_get_data(surface) else { return nil }
    let width = Int(cairo_image_surface_get_width(surface))
    let height = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    var pixels = [UInt32](repeating: 0, count: width * height)
    data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * height) { row in
        for y in 0..<height { for x in 0..<width { pixels[y * width + x] = row[y * stride / 4 + x] } }
    }
    return (width, height, pixels)
}
