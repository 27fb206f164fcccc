import CCairo
import CPango

// Boxes: the typesetter's output. A box has a width, a height above its baseline
// (ascent) and a depth below it (descent), and a list of drawing items positioned
// relative to its left end of the baseline, with y pointing UP as in TeX.

/// A shaped run of text in one font, measured once and drawn as often as needed.
final class MathGlyphRun {
    let layout: OpaquePointer  // PangoLayout *
    let width: Double
    /// Ink extents above and below the baseline (never negative).
    let ascent: Double
    let descent: Double
    /// Distance from the layout's top to its baseline, to position it when drawing.
    let layoutBaseline: Double
    let italic: Bool

    init(layout: OpaquePointer, italic: Bool) {
        self.layout = layout
        self.italic = italic
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        let scale = Double(folio_pango_scale())
        let baseline = Double(pango_layout_get_baseline(layout)) / scale
        layoutBaseline = baseline
        width = Double(logical.width) / scale
        if ink.width == 0 || ink.height == 0 {
            ascent = 0; descent = 0
        } else {
            ascent = max(0, baseline - Double(ink.y) / scale)
            descent = max(0, Double(ink.y + ink.height) / scale - baseline)
        }
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}

enum MathPathElement {
    case move(Double, Double)
    case line(Double, Double)
    case curve(Double, Double, Double, Double, Double, Double)
}

enum MathItem {
    case glyphs(MathGlyphRun, x: Double, y: Double)
    /// A filled rectangle whose bottom-left corner is at (x, y).
    case rule(x: Double, y: Double, width: Double, height: Double)
    case stroke([MathPathElement], lineWidth: Double)
    /// A closed, filled outline (drawn delimiters).
    case fill([MathPathElement])

    func shifted(dx: Double, dy: Double) -> MathItem {
        switch self {
        case .glyphs(let run, let x, let y): return .glyphs(run, x: x + dx, y: y + dy)
        case .rule(let x, let y, let w, let h): return .rule(x: x + dx, y: y + dy, width: w, height: h)
        case .stroke(let elements, let lw):
            return .stroke(elements.map {
                switch $0 {
                case .move(let x, let y): return .move(x + dx, y + dy)
                case .line(let x, let y): return .line(x + dx, y + dy)
                case .curve(let a, let b, let c, let d, let e, let f):
                    return .curve(a + dx, b + dy, c + dx, d + dy, e + dx, f + dy)
                }
            }, lineWidth: lw)
        case .fill(let elements):
            guard case .stroke(let moved, _) = MathItem.stroke(elements, lineWidth: 0).shifted(dx: dx, dy: dy) else { return self }
            return .fill(moved)
        }
    }
}

/// Typeset math: its metrics in points, ready to be drawn by `MathTypesetter.draw`.
public struct MathBox {
    public internal(set) var width: Double
    /// Height above the baseline.
    public internal(set) var ascent: Double
    /// Depth below the baseline.
    public internal(set) var descent: Double
    var items: [MathItem]
    /// Whether the box ends in an italic letter (a superscript then needs a small kern).
    var italicEnd = false
    /// A single glyph: scripts then use fixed shifts (TeX's rule for character nuclei)
    /// instead of shifts measured from the box's height and depth.
    var isCharacter = false

    init(width: Double = 0, ascent: Double = 0, descent: Double = 0, items: [MathItem] = []) {
        self.width = width; self.ascent = ascent; self.descent = descent; self.items = items
    }

    static func run(_ run: MathGlyphRun) -> MathBox {
        var box = MathBox(width: run.width, ascent: run.ascent, descent: run.descent,
                          items: [.glyphs(run, x: 0, y: 0)])
        box.italicEnd = run.italic
        box.isCharacter = true
        return box
    }

    /// Adds `other` with its baseline origin at (x, y) in this box's coordinates,
    /// growing the ascent and descent to cover it (the width is left to the caller).
    mutating func place(_ other: MathBox, x: Double, y: Double) {
        items += other.items.map { $0.shifted(dx: x, dy: y) }
        ascent = max(ascent, y + other.ascent)
        descent = max(descent, other.descent - y)
    }

    /// Draws at (x, baseline) in cairo's coordinates (y down). The caller sets the colour.
    package func draw(into cr: OpaquePointer, x: Double, baseline: Double) {
        for item in items {
            switch item {
            case .glyphs(let run, let gx, let gy):
                cairo_move_to(cr, x + gx, baseline - gy - run.layoutBaseline)
                pango_cairo_show_layout(cr, run.layout)
            case .rule(let rx, let ry, let w, let h):
                cairo_rectangle(cr, x + rx, baseline - ry - h, w, h)
                cairo_fill(cr)
            case .fill(let elements):
                trace(elements, cr, x: x, baseline: baseline)
                cairo_close_path(cr)
                cairo_fill(cr)
            case .stroke(let elements, let lineWidth):
                trace(elements, cr, x: x, baseline: baseline)
                cairo_set_line_width(cr, lineWidth)
                cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
                cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
                cairo_stroke(cr)
            }
        }
    }

    private func trace(_ elements: [MathPathElement], _ cr: OpaquePointer, x: Double, baseline: Double) {
        cairo_new_path(cr)
        for e in elements {
            switch e {
            case .move(let px, let py): cairo_move_to(cr, x + px, baseline - py)
            case .line(let px, let py): cairo_line_to(cr, x + px, baseline - py)
            case .curve(let a, let b, let c, let d, let e, let f):
                cairo_curve_to(cr, x + a, baseline - b, x + c, baseline - d, x + e, baseline - f)
            }
        }
    }
}
