import CCairo
import CPango

// One Pango context per cairo context, at 72 dpi so one Pango point is one PDF point
// (Pango assumes 96 dpi otherwise and text comes out a third too big). It lives with
// the math because the typesetter shapes its glyphs through it; the PDF writer sets
// its text through the same context, so math and prose share fonts and metrics.

package enum PDFFontFamily: String {
    case serif = "DejaVu Serif"
    case sans = "DejaVu Sans"
    case mono = "DejaVu Sans Mono"
}

package final class PangoTextContext {
    /// PangoContext *
    package let context: OpaquePointer

    package init(cairo cr: OpaquePointer) {
        context = pango_cairo_create_context(cr)
        pango_cairo_context_set_resolution(context, 72)
        // Keep metrics independent of hinting so layout is the same on every surface.
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(context)) }

    /// A new layout (the caller owns it) with the given font.
    package func makeLayout(family: PDFFontFamily, size: Double, italic: Bool = false, bold: Bool = false) -> OpaquePointer {
        let layout = pango_layout_new(context)!
        let font = PangoTextContext.font(family: family, size: size, italic: italic, bold: bold)
        pango_layout_set_font_description(layout, font)
        pango_font_description_free(font)
        return layout
    }

    package static func font(family: PDFFontFamily, size: Double, italic: Bool = false, bold: Bool = false) -> OpaquePointer {
        let font = pango_font_description_new()!
        pango_font_description_set_family(font, family.rawValue)
        pango_font_description_set_absolute_size(font, size * Double(folio_pango_scale()))
        if italic { pango_font_description_set_style(font, PANGO_STYLE_ITALIC) }
        if bold { pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD) }
        return font
    }
}
