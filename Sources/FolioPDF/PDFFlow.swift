import CCairo
import FolioDocument

// Pagination. Blocks are first broken into fragments — a line of a paragraph, a row
// of a table, a whole figure — each with a height and a way to draw itself. The
// paginator then fills pages top to bottom: a fragment that does not fit goes to the
// next page, a chain of fragments marked keep-with-next (a heading and the first two
// lines after it) moves as one, and a table row that starts a page brings a copy of
// its table's header. Only after every page is known are fragments drawn, so the
// contents page can print page numbers (the two passes).

/// A shaded or ruled box behind a run of fragments: a question prompt, a listing, a quote.
struct PDFBand {
    var x: Double
    var width: Double
    var fill: RGB?
    /// A vertical rule at the band's left edge.
    var rule: RGB?
    var ruleWidth = 2.5
}

struct PDFBandMark {
    var band: PDFBand
    var first: Bool
    var last: Bool
}

struct PDFOutlineEntry {
    var title: String
    /// 1 for parts, 2 for questions.
    var level: Int
    var anchor: String
}

final class PDFFragment {
    var height: Double
    var spaceBefore: Double
    var keepWithNext = false
    var pageBreakBefore = false
    /// Named destinations at this fragment's top.
    var anchors: [String] = []
    var outline: [PDFOutlineEntry] = []
    var bands: [PDFBandMark] = []
    /// Drawn first when this fragment starts a page (a table's header row).
    var repeatHeader: PDFFragment?
    /// Offset of the first baseline from the top, for list markers.
    var firstBaseline: Double?
    /// Draws with the fragment's top at y.
    var draw: (OpaquePointer, Double) -> Void

    init(height: Double, spaceBefore: Double = 0, firstBaseline: Double? = nil,
         draw: @escaping (OpaquePointer, Double) -> Void) {
        self.height = height; self.spaceBefore = spaceBefore; self.firstBaseline = firstBaseline; self.draw = draw
    }
}

struct PDFPlacement {
    var fragment: PDFFragment
    var y: Double
    /// Whether the fragment is the first on its page (its space before was dropped).
    var atTop: Bool
}

struct PDFPageFrame {
    var top: Double
    var bottom: Double
    var height: Double { bottom - top }
}

struct PDFPaginator {
    let frame: PDFPageFrame
    private(set) var pages: [[PDFPlacement]] = []
    private var y: Double

    init(frame: PDFPageFrame) {
        self.frame = frame
        y = frame.top
    }

    var currentPageIsEmpty: Bool { pages.last?.isEmpty ?? true }

    mutating func newPage() {
        pages.append([])
        y = frame.top
    }

    /// Lays out `fragments`, starting on a fresh page.
    mutating func paginate(_ fragments: [PDFFragment]) {
        newPage()
        for (i, fragment) in fragments.enumerated() {
            if fragment.pageBreakBefore && !currentPageIsEmpty { newPage() }
            var space = currentPageIsEmpty ? 0 : fragment.spaceBefore
            // The fragment plus everything it must stay with.
            var chain = fragment.height
            var j = i
            while fragments[j].keepWithNext, j + 1 < fragments.count, chain < frame.height / 2 {
                j += 1
                chain += fragments[j].spaceBefore + fragments[j].height
            }
            if y + space + chain > frame.bottom + 0.01 && !currentPageIsEmpty {
                newPage()
                space = 0
            }
            if currentPageIsEmpty, let header = fragment.repeatHeader {
                place(header, atTop: true)
            }
            y += space
            place(fragment, atTop: space == 0 && currentPageIsEmpty)
        }
    }

    private mutating func place(_ fragment: PDFFragment, atTop: Bool) {
        pages[pages.count - 1].append(PDFPlacement(fragment: fragment, y: y, atTop: atTop))
        y += fragment.height
    }
}

extension PDFPlacement {
    /// Paints the fragment's bands; a band continues through the space above a fragment
    /// unless the fragment opens the band or starts the page.
    func drawBands(_ cr: OpaquePointer) {
        for mark in fragment.bands {
            let extendUp = mark.first || atTop ? 0 : fragment.spaceBefore
            let top = y - extendUp, height = fragment.height + extendUp
            if let fill = mark.band.fill {
                fill.set(cr)
                cairo_rectangle(cr, mark.band.x, top, mark.band.width, height)
                cairo_fill(cr)
            }
            if let rule = mark.band.rule {
                rule.set(cr)
                cairo_rectangle(cr, mark.band.x, top, mark.band.ruleWidth, height)
                cairo_fill(cr)
            }
        }
    }
}
