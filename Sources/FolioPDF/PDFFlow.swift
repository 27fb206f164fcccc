import CCairo
import FolioDocument

// Pagination. Blocks are first broken into fragments — a line of a paragraph, a row
// of a long table, a whole figure — each with a height and a way to draw itself. The
// paginator then fills pages top to bottom: a fragment that does not fit goes to the
// next page, a chain of fragments marked keep-with-next (a heading, its question box
// and the first two lines after it) moves as one, and a table row that starts a page
// brings a copy of its table's header. Figures and numbered tables float: one that
// does not fit where it is referenced waits for the top of the next page while the
// text after it flows up, so a large figure never leaves most of a page blank. Only
// after every page is known are fragments drawn, so the contents page can print page
// numbers (the two passes).

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
    /// May wait for the top of the next page while later text fills this one (figures,
    /// numbered tables). Only outside a band: a float cannot leave its box behind.
    var isFloat = false
    /// Named destinations at this fragment's top.
    var anchors: [String] = []
    var outline: [PDFOutlineEntry] = []
    var bands: [PDFBandMark] = []
    /// Drawn first when this fragment starts a page (a table's header row).
    var repeatHeader: PDFFragment?
    /// The structure elements the fragment's content belongs to, outermost first.
    var structure: [PDFStructureNode] = []
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
    /// A table's header drawn again at the top of a page: not content a second time.
    var isRepeat = false
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
        pageHasFlow = false
    }

    /// Whether the current page holds anything but floats: a table row placed first
    /// among the text, even below floats, brings its header.
    private var pageHasFlow = false

    /// Floats wait for the next page; inside a band (a question box) nothing floats, as
    /// the band cannot be left behind.
    private func floats(_ f: PDFFragment) -> Bool { f.isFloat && f.bands.isEmpty }

    /// Lays out `fragments`, starting on a fresh page.
    mutating func paginate(_ fragments: [PDFFragment]) {
        newPage()
        // Floats waiting, in order, for the top of the next page.
        var waiting: [PDFFragment] = []
        for (i, fragment) in fragments.enumerated() {
            if fragment.pageBreakBefore {
                // A float never drifts into the next part: the waiting ones close this one.
                flush(&waiting)
                if !currentPageIsEmpty { newPage() }
            }
            if floats(fragment) {
                // Floats keep their order: one queued behind another waits too. A float
                // waits one page at most: when it could not share the next page with
                // those already waiting, this page ends here (if it is at least half full)
                // and the waiting floats open the next one.
                // (Not right after a heading or another fragment that keeps with what follows.)
                let keeps = pages.last?.last.map { $0.fragment.keepWithNext && !$0.isRepeat } ?? false
                if !waiting.isEmpty && !fitTogether(waiting + [fragment]) && filled >= 0.5 && !keeps {
                    startPage(placing: &waiting)
                }
                if waiting.isEmpty && fits(fragment) { placeHere(fragment) } else { waiting.append(fragment) }
                continue
            }
            // The fragment plus everything it must stay with; floats in the chain float
            // away, and the chain goes on past them.
            var chain = fragment.height
            var keep = fragment.keepWithNext
            var j = i
            while keep, j + 1 < fragments.count, chain < frame.height / 2 {
                j += 1
                if floats(fragments[j]) { continue }
                chain += fragments[j].spaceBefore + fragments[j].height
                keep = fragments[j].keepWithNext
            }
            // The floats that open a page may leave too little room for the chain; then
            // the next page takes the floats still waiting, or the chain on its own.
            func header() -> Double { pageHasFlow ? 0 : fragment.repeatHeader?.height ?? 0 }
            while !fits(fragment, height: chain + header()) { startPage(placing: &waiting) }
            placeHere(fragment)
        }
        flush(&waiting)
    }

    /// The share of the current page's frame already used.
    private var filled: Double { (y - frame.top) / frame.height }

    /// Whether `floats` fit on one page together.
    private func fitTogether(_ floats: [PDFFragment]) -> Bool {
        floats.dropFirst().reduce(floats[0].height) { $0 + $1.spaceBefore + $1.height } <= frame.height + 0.01
    }

    /// Whether `height` (the fragment's own by default) fits below what the page holds.
    private func fits(_ fragment: PDFFragment, height: Double? = nil) -> Bool {
        let space = currentPageIsEmpty ? 0 : fragment.spaceBefore
        return currentPageIsEmpty || y + space + (height ?? fragment.height) <= frame.bottom + 0.01
    }

    /// A new page that first takes the waiting floats that fit on it, in order; the rest
    /// keep waiting while text fills the page (at least one float goes on each page).
    private mutating func startPage(placing waiting: inout [PDFFragment]) {
        if !currentPageIsEmpty { newPage() }
        while let float = waiting.first, fits(float) {
            placeHere(float)
            waiting.removeFirst()
        }
    }

    /// Places every waiting float, on as many pages as they need (before a part ends).
    private mutating func flush(_ waiting: inout [PDFFragment]) {
        while !waiting.isEmpty { startPage(placing: &waiting) }
    }

    /// Places `fragment` at the current position: its space before is dropped at the top
    /// of a page, and a table row starting a page is preceded by its header.
    private mutating func placeHere(_ fragment: PDFFragment) {
        if !floats(fragment) && !pageHasFlow, let header = fragment.repeatHeader {
            if !currentPageIsEmpty { y += fragment.spaceBefore }
            place(header, atTop: currentPageIsEmpty, isRepeat: true)
        }
        let space = currentPageIsEmpty ? 0 : fragment.spaceBefore
        y += space
        place(fragment, atTop: space == 0 && currentPageIsEmpty)
        if !floats(fragment) { pageHasFlow = true }
    }

    private mutating func place(_ fragment: PDFFragment, atTop: Bool, isRepeat: Bool = false) {
        pages[pages.count - 1].append(PDFPlacement(fragment: fragment, y: y, atTop: atTop, isRepeat: isRepeat))
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
