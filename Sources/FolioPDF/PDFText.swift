import CCairo
import CPango
import FolioDocument
import FolioMath
import Foundation

// Running text: inline content becomes a Pango layout built from plain text plus an
// attribute list. Nothing is parsed as Pango markup, so values from templates never
// need escaping and can never break the layout. Inline math is a shape attribute on
// an object-replacement character, reserving the typeset box's size in the line; the
// box itself is drawn by the shape renderer below when Pango reaches it.

/// The report's one palette, in its light scheme: a PDF is a printed page.
let palette = Palette.light

extension RGB {
    func set(_ cr: OpaquePointer) { cairo_set_source_rgb(cr, r, g, b) }
    var pango: (UInt16, UInt16, UInt16) { (UInt16(r * 65535), UInt16(g * 65535), UInt16(b * 65535)) }
}

struct TextStyle {
    var family: PDFFontFamily = .serif
    var size: Double = 10.5
    var italic = false
    var bold = false
    var color = palette.text
    var alignment: PangoAlignment = PANGO_ALIGN_LEFT
    var justify = false
    /// Baseline-to-baseline distance as a multiple of the font's line height.
    var lineSpacing = 1.0
    /// End an over-long single line with an ellipsis instead of wrapping (running header).
    var ellipsize = false
}

/// Where a link in running text goes.
enum LinkTarget {
    case destination(String)
    case uri(String)

    /// The attribute string for `cairo_tag_begin`, with quotes and backslashes escaped.
    func attributes(rect: (Double, Double, Double, Double)) -> String {
        let quoted = cairoQuoted
        let r = String(format: "rect=[%.2f %.2f %.2f %.2f]", rect.0, rect.1, rect.2, rect.3)
        switch self {
        case .destination(let name): return "dest=\(quoted(name)) \(r)"
        case .uri(let uri): return "uri=\(quoted(uri)) \(r)"
        }
    }
}

/// A string value for cairo tag attributes: single-quoted, with quotes and backslashes escaped.
func cairoQuoted(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}

/// Math boxes referred to by shape attributes, looked up by the shape renderer.
final class MathShapeRegistry {
    var boxes: [MathBox] = []
    func add(_ box: MathBox) -> Int { boxes.append(box); return boxes.count }
}

/// The Pango shape renderer: draws the math box whose number is the attribute's data,
/// with the current point at the left end of the box's baseline.
private let drawMathShape: PangoCairoShapeRendererFunc = { cr, attr, doPath, data in
    guard let cr, let attr, let data, doPath == 0 else { return }
    let registry = Unmanaged<MathShapeRegistry>.fromOpaque(data).takeUnretainedValue()
    let index = Int(bitPattern: attr.pointee.data) - 1
    guard registry.boxes.indices.contains(index) else { return }
    var x = 0.0, y = 0.0
    cairo_get_current_point(cr, &x, &y)
    registry.boxes[index].draw(into: cr, x: x, baseline: y)
}

extension PangoTextContext {
    func installMathRenderer(_ registry: MathShapeRegistry) {
        pango_cairo_context_set_shape_renderer(context, drawMathShape,
                                               Unmanaged.passUnretained(registry).toOpaque(), nil)
    }
}

/// Builds UTF-8 text and its attributes from inline content.
struct RichTextBuilder {
    var text = ""
    var byteCount: Int32 = 0
    var attributes: [UnsafeMutablePointer<PangoAttribute>] = []
    var links: [(start: Int32, end: Int32, target: LinkTarget)] = []
    let typesetter: MathTypesetter
    let registry: MathShapeRegistry
    let knownAnchors: Set<String>
    let mathSize: Double
    /// Inline math wider than this (the line width) is set smaller so it cannot overflow.
    var maxMathWidth = Double.infinity
    let linkColor: RGB

    mutating func append(_ s: String) {
        // U+FFFC marks math boxes and control characters would confuse the layout.
        let clean = String(String.UnicodeScalarView(s.unicodeScalars.compactMap { c -> Unicode.Scalar? in
            if c == "\u{FFFC}" { return nil }
            if c == "\n" || c == "\t" || c == "\r" { return " " }
            return c.properties.generalCategory == .control ? nil : c
        }))
        text += clean
        byteCount += Int32(clean.utf8.count)
    }

    mutating func add(_ attribute: UnsafeMutablePointer<PangoAttribute>, from start: Int32) {
        attribute.pointee.start_index = UInt32(start)
        attribute.pointee.end_index = UInt32(byteCount)
        attributes.append(attribute)
    }

    mutating func append(_ inlines: [Inline]) throws {
        for inline in inlines {
            let start = byteCount
            switch inline {
            case .text(let s): append(s)
            case .emphasis(let children):
                try append(children)
                add(pango_attr_style_new(PANGO_STYLE_ITALIC), from: start)
            case .strong(let children):
                try append(children)
                add(pango_attr_weight_new(PANGO_WEIGHT_BOLD), from: start)
            case .code(let s):
                append(s)
                add(pango_attr_family_new(PDFFontFamily.mono.rawValue), from: start)
                add(pango_attr_scale_new(0.88), from: start)
                let (r, g, b) = palette.codeBackground.pango
                add(pango_attr_background_new(r, g, b), from: start)
            case .math(let source):
                let nodes = try MathParser.parse(source)
                var box = typesetter.typeset(nodes, display: false, fontSize: mathSize)
                if box.width > maxMathWidth {
                    box = typesetter.typeset(nodes, display: false, fontSize: mathSize * maxMathWidth / box.width * 0.98)
                }
                let index = registry.add(box)
                text += "\u{FFFC}"
                byteCount += 3
                let scale = Double(folio_pango_scale())
                var rect = PangoRectangle(x: 0, y: Int32(-box.ascent * scale),
                                          width: Int32(box.width * scale),
                                          height: Int32((box.ascent + box.descent) * scale))
                let attr = pango_attr_shape_new_with_data(&rect, &rect, UnsafeMutableRawPointer(bitPattern: index), nil, nil)!
                add(attr, from: start)
            case .link(let children, let url):
                try append(children)
                colourLink(from: start)
                links.append((start, byteCount, .uri(url)))
            case .reference(let label, let target):
                append(label)
                if knownAnchors.contains(target) {
                    colourLink(from: start)
                    links.append((start, byteCount, .destination(target)))
                }
            case .lineBreak:
                text += "\u{2028}"
                byteCount += 3
            }
        }
    }

    mutating func colourLink(from start: Int32) {
        let (r, g, b) = linkColor.pango
        add(pango_attr_foreground_new(r, g, b), from: start)
    }
}

/// A laid-out piece of running text with the lines' vertical positions, so it can be
/// split across pages line by line.
final class PDFTextBlock {
    let layout: OpaquePointer
    let links: [(start: Int32, end: Int32, target: LinkTarget)]
    /// Where links go in a tagged PDF: beside the text's element, not inside it.
    var structure: PDFStructureWriter?
    let color: RGB
    /// Per line: top, height (both including half the line spacing) and baseline, from the layout's top.
    private(set) var lines: [(top: Double, height: Double, baseline: Double)] = []
    let width: Double
    /// Width of the widest line's ink, for shrink-wrapping (tables, contents).
    private(set) var naturalWidth = 0.0

    init(layout: OpaquePointer, links: [(start: Int32, end: Int32, target: LinkTarget)], color: RGB, width: Double) {
        self.layout = layout; self.links = links; self.color = color; self.width = width
        let scale = Double(folio_pango_scale())
        let iter = pango_layout_get_iter(layout)!
        repeat {
            var y0: Int32 = 0, y1: Int32 = 0
            pango_layout_iter_get_line_yrange(iter, &y0, &y1)
            let baseline = Double(pango_layout_iter_get_baseline(iter)) / scale
            lines.append((Double(y0) / scale, Double(y1 - y0) / scale, baseline))
        } while pango_layout_iter_next_line(iter) != 0
        pango_layout_iter_free(iter)
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        naturalWidth = Double(logical.width) / scale
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }

    var height: Double { lines.last.map { $0.top + $0.height } ?? 0 }
    var firstBaseline: Double { lines.first?.baseline ?? 0 }

    /// Draws lines `range` with the first of them starting at `top`.
    func draw(_ cr: OpaquePointer, x: Double, top: Double, lines range: Range<Int>) {
        guard !range.isEmpty else { return }
        let origin = top - lines[range.lowerBound].top
        color.set(cr)
        let scale = Double(folio_pango_scale())
        for i in range {
            guard let line = pango_layout_get_line_readonly(layout, Int32(i)) else { continue }
            var ink = PangoRectangle(), logical = PangoRectangle()
            pango_layout_line_get_extents(line, &ink, &logical)
            let lineX = lineOffset(line, logicalWidth: Double(logical.width) / scale)
            cairo_move_to(cr, x + lineX, origin + lines[i].baseline)
            pango_cairo_show_layout_line(cr, line)
            drawLinks(cr, line: line, x: x, top: origin + lines[i].top, height: lines[i].height)
        }
    }

    func draw(_ cr: OpaquePointer, x: Double, top: Double) { draw(cr, x: x, top: top, lines: 0..<lines.count) }

    private func lineOffset(_ line: UnsafeMutablePointer<PangoLayoutLine>, logicalWidth: Double) -> Double {
        switch pango_layout_get_alignment(layout) {
        case PANGO_ALIGN_CENTER: return (width - logicalWidth) / 2
        case PANGO_ALIGN_RIGHT: return width - logicalWidth
        default: return 0
        }
    }

    private func drawLinks(_ cr: OpaquePointer, line: UnsafeMutablePointer<PangoLayoutLine>, x: Double, top: Double, height: Double) {
        let scale = Double(folio_pango_scale())
        let lineStart = line.pointee.start_index, lineEnd = line.pointee.start_index + line.pointee.length
        for link in links where link.start < lineEnd && link.end > lineStart {
            var ranges: UnsafeMutablePointer<Int32>?
            var count: Int32 = 0
            pango_layout_line_get_x_ranges(line, max(link.start, lineStart), min(link.end, lineEnd), &ranges, &count)
            guard let ranges else { continue }
            for k in 0..<Int(count) {
                let x0 = Double(ranges[2 * k]) / scale, x1 = Double(ranges[2 * k + 1]) / scale
                guard x1 > x0 else { continue }
                let attributes = link.target.attributes(rect: (x + x0, top, x1 - x0, height))
                if let structure { structure.link(attributes, cr: cr) } else {
                    cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes)
                    cairo_tag_end(cr, CAIRO_TAG_LINK)
                }
            }
            g_free(ranges)
        }
    }
}

extension PangoTextContext {
    /// Lays out plain text (no inline structure) at `width`; `nil` width means no wrapping.
    func plainBlock(_ text: String, style: TextStyle, width: Double?) -> PDFTextBlock {
        let layout = makeLayout(family: style.family, size: style.size, italic: style.italic, bold: style.bold)
        pango_layout_set_text(layout, text, -1)
        return finish(layout, links: [], style: style, width: width)
    }

    func textBlock(_ builder: RichTextBuilder, style: TextStyle, width: Double?) -> PDFTextBlock {
        let layout = makeLayout(family: style.family, size: style.size, italic: style.italic, bold: style.bold)
        pango_layout_set_text(layout, builder.text, -1)
        let list = pango_attr_list_new()!
        for attribute in builder.attributes { pango_attr_list_insert(list, attribute) }
        pango_layout_set_attributes(layout, list)
        pango_attr_list_unref(list)
        return finish(layout, links: builder.links, style: style, width: width)
    }

    private func finish(_ layout: OpaquePointer, links: [(start: Int32, end: Int32, target: LinkTarget)],
                        style: TextStyle, width: Double?) -> PDFTextBlock {
        if let width {
            pango_layout_set_width(layout, Int32(width * Double(folio_pango_scale())))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        if style.ellipsize { pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END) }
        pango_layout_set_alignment(layout, style.alignment)
        pango_layout_set_justify(layout, style.justify ? 1 : 0)
        if style.lineSpacing != 1 { pango_layout_set_line_spacing(layout, Float(style.lineSpacing)) }
        return PDFTextBlock(layout: layout, links: links, color: style.color, width: width ?? 0)
    }
}
