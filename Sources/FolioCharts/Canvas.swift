import CCairo
import CPango

/// A rectangle in points, y down.
struct Rect {
    var x, y, width, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
    func contains(_ px: Double, _ py: Double) -> Bool {
        px >= x && px <= maxX && py >= y && py <= maxY
    }
}

/// Space a chart needs around its plot area for titles, ticks and labels.
struct Insets {
    var top = 0.0, left = 0.0, bottom = 0.0, right = 0.0
}

struct TextStyle: Hashable {
    var size: Double
    var bold = false
    var color = Theme.text

    static let figureTitle = TextStyle(size: Theme.figureTitleSize, bold: true)
    static let title = TextStyle(size: Theme.titleSize, bold: true)
    static let label = TextStyle(size: Theme.labelSize)
    static let tick = TextStyle(size: Theme.tickSize)
    static let legend = TextStyle(size: Theme.legendSize)
}

/// A laid-out piece of text: measured once, then drawn where the layout decided.
final class TextBlock {
    fileprivate let layout: OpaquePointer
    let text: String
    let width: Double
    let height: Double
    let color: ChartColor
    let fontSize: Double

    fileprivate init(layout: OpaquePointer, text: String, color: ChartColor, fontSize: Double) {
        self.layout = layout
        self.text = text
        self.color = color
        self.fontSize = fontSize
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        let scale = Double(folio_pango_scale())
        width = Double(logical.width) / scale
        height = Double(logical.height) / scale
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}

/// A cairo context plus one Pango context configured so text measures the same on every
/// surface: 72 dpi (1 Pango point = 1 user unit, also on PDF) and no hinting of metrics,
/// so the PDF, SVG and PNG of a figure have identical layouts.
final class Canvas {
    let cr: OpaquePointer
    private let pango: OpaquePointer
    private var fonts: [TextStyle: OpaquePointer] = [:]
    /// Every string drawn, in order; the SVG writer lists them so the text stays searchable.
    private(set) var drawnTexts: [String] = []
    /// The font size of each of them, in figure points: what a print-size check reads.
    private(set) var drawnSizes: [Double] = []

    init(cr: OpaquePointer) {
        self.cr = cr
        pango = pango_cairo_create_context(cr)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        pango_cairo_context_set_font_options(pango, options)
        cairo_font_options_destroy(options)
        pango_cairo_context_set_resolution(pango, 72)
    }

    deinit {
        for font in fonts.values { pango_font_description_free(font) }
        g_object_unref(UnsafeMutableRawPointer(pango))
    }

    private func font(_ style: TextStyle) -> OpaquePointer {
        var key = style
        key.color = .black
        if let font = fonts[key] { return font }
        let description = "\(Theme.fontFamily)\(style.bold ? " Bold" : "") \(style.size)"
        let font = pango_font_description_from_string(description)!
        fonts[key] = font
        return font
    }

    /// Lays out `text` (may contain newlines; lines are centred on each other).
    func text(_ text: String, _ style: TextStyle) -> TextBlock {
        let layout = pango_layout_new(pango)!
        pango_layout_set_font_description(layout, font(style))
        pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        pango_layout_set_text(layout, text, -1)
        return TextBlock(layout: layout, text: text, color: style.color, fontSize: style.size)
    }

    /// Lays out `text`, shrinking the font (down to `minimumSize`) until it fits `maxWidth`.
    func text(_ text: String, _ style: TextStyle, fitting maxWidth: Double,
              minimumSize: Double = 5) -> TextBlock {
        var block = self.text(text, style)
        var style = style
        while block.width > maxWidth && style.size > minimumSize {
            style.size = max(minimumSize, style.size * max(0.5, min(0.95, maxWidth / block.width)))
            block = self.text(text, style)
        }
        return block
    }

    /// Lays out `text` at its full size, broken between words into lines of at most
    /// `maxWidth` (a title), shrinking only when a single word is wider: shrinking a whole
    /// title to fit one line would print it smaller than any label of the chart.
    func text(_ text: String, _ style: TextStyle, wrapping maxWidth: Double) -> TextBlock {
        let whole = self.text(text, style)
        guard whole.width > maxWidth else { return whole }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if line.isEmpty || self.text(candidate, style).width <= maxWidth {
                    line = candidate
                } else {
                    lines.append(line)
                    line = String(word)
                }
            }
            lines.append(line)
        }
        return self.text(lines.joined(separator: "\n"), style, fitting: maxWidth)
    }

    /// Lays out sibling labels (ticks, values on bars) at one common size: the largest at
    /// which every one of them fits `maxWidth`, so shrinking one does not make it odd.
    func texts(_ strings: [String], _ style: TextStyle, fitting maxWidth: Double,
               minimumSize: Double = 5) -> [TextBlock] {
        let size = strings.map { text($0, style, fitting: maxWidth, minimumSize: minimumSize).fontSize }.min()
        var common = style
        common.size = size ?? style.size
        return strings.map { text($0, common) }
    }

    enum Anchor { case topLeft, top, topRight, left, center, right, bottomLeft, bottom, bottomRight }

    /// Draws `block` with its `anchor` point at (x, y); `rotated` turns it 90° counter-clockwise
    /// (a y-axis label), with the anchor referring to the rotated box.
    func draw(_ block: TextBlock, at x: Double, _ y: Double, anchor: Anchor, rotated: Bool = false) {
        let w = rotated ? block.height : block.width
        let h = rotated ? block.width : block.height
        var left = x, top = y
        switch anchor {
        case .topLeft, .left, .bottomLeft: break
        case .top, .center, .bottom: left -= w / 2
        case .topRight, .right, .bottomRight: left -= w
        }
        switch anchor {
        case .topLeft, .top, .topRight: break
        case .left, .center, .right: top -= h / 2
        case .bottomLeft, .bottom, .bottomRight: top -= h
        }
        drawnTexts.append(block.text)
        drawnSizes.append(block.fontSize)
        setColor(block.color)
        cairo_save(cr)
        if rotated {
            cairo_translate(cr, left, top + h)
            cairo_rotate(cr, -Double.pi / 2)
            cairo_move_to(cr, 0, 0)
        } else {
            cairo_move_to(cr, left, top)
        }
        pango_cairo_show_layout(cr, block.layout)
        cairo_restore(cr)
    }

    // MARK: Graphics

    func setColor(_ c: ChartColor) { cairo_set_source_rgb(cr, c.red, c.green, c.blue) }

    func fill(_ r: Rect, _ c: ChartColor) {
        setColor(c)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_fill(cr)
    }

    func stroke(_ r: Rect, _ c: ChartColor, width: Double) {
        setColor(c)
        cairo_set_line_width(cr, width)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_stroke(cr)
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: ChartColor, width: Double) {
        setColor(c)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }

    func withClip(_ r: Rect, _ body: () -> Void) {
        cairo_save(cr)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
        body()
        cairo_restore(cr)
    }

    /// Draws `raster` as ONE image object scaled into `rect` with nearest-neighbour
    /// filtering: pixels stay crisp and a 28×28 image stays one object in PDF and SVG.
    /// `normalize` maps a finite value to 0...1; non-finite values show as `Theme.missing`.
    func drawRaster(_ raster: Raster, in rect: Rect, colorMap: ColorMap,
                    normalize: (Double) -> Double) {
        guard raster.isWellFormed, raster.rows > 0, raster.columns > 0,
              rect.width > 0, rect.height > 0 else {
            fill(rect, Theme.missing)
            return
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(raster.columns),
                                                       Int32(raster.rows)) else { return }
        defer { cairo_surface_destroy(surface) }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let table = colorMap.lookupTable
        let missing = Theme.missing.pixel
        if let data = cairo_image_surface_get_data(surface) {
            data.withMemoryRebound(to: UInt32.self, capacity: stride * raster.rows) { pixels in
                raster.values.withUnsafeBufferPointer { values in
                    for row in 0..<raster.rows {
                        for column in 0..<raster.columns {
                            let v = values[row * raster.columns + column]
                            let pixel: UInt32
                            if v.isFinite {
                                let t = normalize(v)
                                pixel = table[Int((t.isFinite ? min(max(t, 0), 1) : 0) * 255 + 0.5)]
                            } else {
                                pixel = missing
                            }
                            pixels[row * stride + column] = pixel
                        }
                    }
                }
            }
        }
        cairo_surface_mark_dirty(surface)
        cairo_save(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(raster.columns), rect.height / Double(raster.rows))
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD)
        cairo_rectangle(cr, 0, 0, Double(raster.columns), Double(raster.rows))
        cairo_fill(cr)
        cairo_restore(cr)
    }
}
