import CCairo

// How large a figure's text comes out on paper. The PDF shrinks a figure wider than
// the text column to fit it, and every label shrinks with it; these checks let a
// chapter (or the build) see that before anyone prints the report.

public enum PrintSize {
    /// The width figures are authored at: the A4 text column of the PDF (455.28 pt)
    /// rounded down, so a figure of this width is printed at its own size.
    public static let textWidth = 455.0
    /// The smallest text a reader should meet on paper: the size of a footnote.
    public static let minimumText = 8.0
}

extension Figure {
    /// The font size of the smallest text drawn, in the figure's own points; nil when it
    /// draws no text. Lays the figure out on a recording surface: nothing is rasterised.
    public var smallestTextSize: Double? { drawnTexts().sizes.min() }

    /// Every text the figure draws, in order, with its font size.
    func drawnTexts() -> (texts: [String], sizes: [Double]) {
        guard let surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, nil) else { return ([], []) }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { return ([], []) }
        defer { cairo_destroy(cr) }
        let canvas = Canvas(cr: cr)
        FigurePainter(self).paint(canvas)
        return (canvas.drawnTexts, canvas.drawnSizes)
    }

    /// The factor a page scales the figure by to fit `width` × `height` (never enlarging).
    public func printScale(width: Double, height: Double = .infinity) -> Double {
        min(1, width / max(widthPoints, 1), height / max(heightPoints, 1))
    }

    /// The smallest text as printed at that scale; nil when the figure draws no text.
    public func smallestPrintedTextSize(width: Double, height: Double = .infinity) -> Double? {
        smallestTextSize.map { $0 * printScale(width: width, height: height) }
    }
}
