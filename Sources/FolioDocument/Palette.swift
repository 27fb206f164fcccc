// The report's one colour scheme. The HTML stylesheet writes it as CSS custom
// properties and the PDF writer paints with it, so the two reports are the same warm
// typeset page: near-black ink, a brick-red accent for numbers and rules, the
// handout's wording on a parchment tint. The charts keep their data colours
// (FolioCharts); their theme colours (canvas, text, axes, grid) are `ChartColours`,
// which the HTML substitutes so a dark page recolours them.

/// An sRGB colour, written as 0xRRGGBB.
public struct RGB: Sendable, Equatable {
    public var r: Double, g: Double, b: Double

    public init(_ hex: UInt32) {
        r = Double((hex >> 16) & 0xFF) / 255
        g = Double((hex >> 8) & 0xFF) / 255
        b = Double(hex & 0xFF) / 255
    }

    public init(r: Double, g: Double, b: Double) { self.r = r; self.g = g; self.b = b }

    /// "#rrggbb", as the stylesheet writes it.
    public var css: String {
        func byte(_ v: Double) -> String {
            let hex = String(Int((v * 255).rounded()), radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }
        return "#" + byte(r) + byte(g) + byte(b)
    }

    /// This colour at `opacity` over `background`: what CSS's `color-mix(in srgb, c p%,
    /// transparent)` shows on that background, for a medium without transparency.
    public func over(_ background: RGB, opacity: Double) -> RGB {
        RGB(r: r * opacity + background.r * (1 - opacity), g: g * opacity + background.g * (1 - opacity),
            b: b * opacity + background.b * (1 - opacity))
    }
}

public struct Palette: Sendable {
    /// Body text, headings, the heavy rules of tables.
    public var text: RGB
    /// Captions, the running header and footer, quotations, the title block's small print.
    public var muted: RGB
    /// Least important marks (the contents' review links).
    public var faint: RGB
    /// The page.
    public var paper: RGB
    /// Hairlines: separators, the rule beside a quotation, light table rules.
    public var rule: RGB
    /// Question numbers, the course line, the rules under titles.
    public var accent: RGB
    public var link: RGB
    /// The tint behind a question's wording and the rule at its left.
    public var promptBackground: RGB
    public var promptRule: RGB
    /// The tint behind code and listings.
    public var codeBackground: RGB
    /// A chart's theme colours. `light` holds the ones Cairo writes (FolioCharts' theme);
    /// `dark` replaces them in the HTML's dark mode.
    public var chart: ChartColours
    /// Source code's token classes (plain code takes `text`).
    public var syntax: [CodeStyle: RGB]

    /// The colour of a token class.
    public func colour(of style: CodeStyle) -> RGB { syntax[style] ?? text }

    /// The printed page and the HTML in light mode; the PDF uses only this.
    public static let light = Palette(
        text: RGB(0x1F1F1D), muted: RGB(0x62605A), faint: RGB(0x8A877F), paper: RGB(0xFDFCF8),
        rule: RGB(0xD8D3C7), accent: RGB(0x8C2F1B), link: RGB(0x1D4F91),
        promptBackground: RGB(0xF4F0E6), promptRule: RGB(0xB9A67A), codeBackground: RGB(0xF3F1EB),
        chart: .light,
        syntax: [.keyword: RGB(0x8C2F1B), .type: RGB(0x1D5E6B), .string: RGB(0x3E6B1F), .number: RGB(0x6B3FA0),
                 .comment: RGB(0x7A766C), .attribute: RGB(0x9A5B00)])

    /// The HTML when the reader's system asks for dark mode.
    public static let dark = Palette(
        text: RGB(0xE7E3DA), muted: RGB(0xB1AB9E), faint: RGB(0x8A857A), paper: RGB(0x1C1C1A),
        rule: RGB(0x45433D), accent: RGB(0xE39A7F), link: RGB(0x9CC2F0),
        promptBackground: RGB(0x272622), promptRule: RGB(0x857552), codeBackground: RGB(0x262521),
        chart: ChartColours(background: RGB(0x252420), text: RGB(0xE7E3DA), axis: RGB(0xB1AB9E),
                            grid: RGB(0x3D3B35), frame: RGB(0x77726A), legendRule: RGB(0x5A574F)),
        syntax: [.keyword: RGB(0xE39A7F), .type: RGB(0x7FC4D0), .string: RGB(0xA8CF86), .number: RGB(0xC3A6E8),
                 .comment: RGB(0x9A958A), .attribute: RGB(0xE0B46A)])
}

/// The colours a chart is drawn with apart from its data: what the HTML may recolour.
/// Heatmaps, images and series keep theirs, since their colours carry meaning.
public struct ChartColours: Sendable, Equatable {
    /// The canvas, and the translucent box behind a legend.
    public var background: RGB
    /// Titles, labels, tick labels, legend entries.
    public var text: RGB
    /// Plot frames, tick marks, colour-bar outlines.
    public var axis: RGB
    public var grid: RGB
    /// The hairline around each image of an image grid.
    public var frame: RGB
    /// The outline of a legend box.
    public var legendRule: RGB

    public init(background: RGB, text: RGB, axis: RGB, grid: RGB, frame: RGB, legendRule: RGB) {
        self.background = background; self.text = text; self.axis = axis
        self.grid = grid; self.frame = frame; self.legendRule = legendRule
    }

    /// Exactly FolioCharts' theme (`Theme` in Style.swift, and the frame and legend
    /// greys of ImageGridView and LineChartView): the HTML finds these in Cairo's SVG,
    /// so they must match it; a FolioHTML test renders every chart kind to check.
    public static let light = ChartColours(background: RGB(0xFFFFFF), text: RGB(0x222222), axis: RGB(0x444444),
                                           grid: RGB(0xDDDDDD), frame: RGB(0x999999), legendRule: RGB(0xCCCCCC))
}
