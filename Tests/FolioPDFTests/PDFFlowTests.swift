import CCairo
import FolioDocument
import FolioMath
@testable import FolioPDF
import XCTest

final class PDFFlowTests: XCTestCase {
    let frame = PDFPageFrame(top: 0, bottom: 700)

    func block(_ height: Double, keep: Bool = false) -> PDFFragment {
        let f = PDFFragment(height: height, spaceBefore: 10) { _, _ in }
        f.keepWithNext = keep
        return f
    }

    func testHeadingIsNeverLeftAtTheBottomOfAPage() {
        let filler = (0..<6).map { _ in block(100) }
        let heading = block(20, keep: true)
        let paragraph = block(100)
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate(filler + [heading, paragraph])
        XCTAssertEqual(paginator.pages.count, 2)
        XCTAssertTrue(paginator.pages[1].first?.fragment === heading)
        XCTAssertEqual(paginator.pages[1].first?.y, 0, "space before is dropped at the top of a page")
    }

    func testFragmentThatDoesNotFitMovesWhole() {
        var paginator = PDFPaginator(frame: frame)
        let figure = block(300)
        paginator.paginate([block(500), figure])
        XCTAssertEqual(paginator.pages.count, 2)
        XCTAssertTrue(paginator.pages[1][0].fragment === figure)
    }

    func testRowStartingAPageBringsTheTableHeader() {
        let header = block(20, keep: true)
        let rows = (0..<40).map { _ -> PDFFragment in
            let row = PDFFragment(height: 30) { _, _ in }
            row.repeatHeader = header
            return row
        }
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([header] + rows)
        XCTAssertGreaterThan(paginator.pages.count, 1)
        for page in paginator.pages {
            XCTAssertTrue(page.first?.fragment === header, "every page of the table starts with its header")
            XCTAssertLessThanOrEqual(page.last.map { $0.y + $0.fragment.height } ?? 0, frame.bottom + 0.01)
        }
    }

    func testPageBreakBeforeStartsANewPage() {
        let part = block(20)
        part.pageBreakBefore = true
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([part, block(50), part, block(50)])
        XCTAssertEqual(paginator.pages.count, 2)
    }

    func float(_ height: Double) -> PDFFragment {
        let f = block(height)
        f.isFloat = true
        return f
    }

    func testFloatThatDoesNotFitWaitsWhileTheTextAfterItFillsThePage() {
        let figure = float(300)
        let text = (0..<4).map { _ in block(40) }
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([block(500), figure] + text)
        XCTAssertEqual(paginator.pages.count, 2)
        XCTAssertEqual(paginator.pages[0].count, 5, "the four lines after the figure move up under the first block")
        XCTAssertTrue(paginator.pages[1].first?.fragment === figure)
        XCTAssertEqual(paginator.pages[1].first?.y, 0)
    }

    func testFloatsKeepTheirOrder() {
        let big = float(300), small = float(50)
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([block(500), big, small, block(40)])
        let order = paginator.pages.flatMap { $0 }.map(\.fragment)
        XCTAssertLessThan(order.firstIndex { $0 === big }!, order.firstIndex { $0 === small }!,
                          "the small float fits on page one but may not overtake the one waiting before it")
    }

    func testWaitingFloatsArePlacedBeforeTheNextPart() {
        let figure = float(300)
        let part = block(20)
        part.pageBreakBefore = true
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([block(500), figure, part, block(40)])
        XCTAssertEqual(paginator.pages.count, 3)
        XCTAssertTrue(paginator.pages[1].first?.fragment === figure)
        XCTAssertTrue(paginator.pages[2].first?.fragment === part)
    }

    func testOnlyOneWaitingFloatIsForcedOntoEachPage() {
        // Two tall floats waiting: the second does not fit beside the first, so text
        // fills the first's page rather than leaving it half empty.
        let a = float(450), b = float(450)
        let text = (0..<12).map { _ in block(40) }
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([block(500), a, b] + text)
        XCTAssertTrue(paginator.pages[1].first?.fragment === a)
        XCTAssertGreaterThan(paginator.pages[1].count, 1, "text follows the first float on its page")
        XCTAssertTrue(paginator.pages[2].first?.fragment === b)
    }

    func testAFloatWaitsOnePageAtMost() {
        // Two floats that cannot share a page arrive while the page is more than half
        // full: the page ends at the second, so the first opens the next page and the
        // second is on that page or the one after, not two pages past its text.
        let a = float(450), b = float(450)
        let text = (0..<30).map { _ in block(40) }
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([block(400), a] + text[0..<2] + [b] + text[2...])
        func page(_ f: PDFFragment) -> Int { paginator.pages.firstIndex { $0.contains { $0.fragment === f } }! }
        XCTAssertEqual(page(a), 1)
        XCTAssertEqual(page(b), 2)
        XCTAssertEqual(page(text[2]), 1, "the text after the second float starts under the first")
    }

    func testAHeadingStaysWithTheTextAfterAFloatThatFollowsIt() {
        // Heading, then a figure too tall for what is left, then the paragraph: the
        // figure waits, and the heading must not end the page alone.
        let heading = block(20, keep: true)
        let figure = float(400)
        let paragraph = block(60)
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([block(640), heading, figure, paragraph])
        func page(_ f: PDFFragment) -> Int { paginator.pages.firstIndex { $0.contains { $0.fragment === f } }! }
        XCTAssertEqual(page(heading), page(paragraph), "the heading went to page \(page(heading) + 1), its text to \(page(paragraph) + 1)")
    }

    func testATableRowBelowFloatsStillBringsItsHeader() {
        let header = block(20, keep: true)
        let rows = (0..<40).map { _ -> PDFFragment in
            let row = PDFFragment(height: 30) { _, _ in }
            row.repeatHeader = header
            return row
        }
        var paginator = PDFPaginator(frame: frame)
        // A float waiting when the table breaks opens the next page above the rows.
        paginator.paginate([block(100), header] + rows[0..<15] + [float(300)] + rows[15...])
        for (i, page) in paginator.pages.enumerated() where i > 0 && page.contains(where: { $0.fragment.repeatHeader != nil }) {
            let firstRow = page.firstIndex { $0.fragment.repeatHeader != nil }!
            XCTAssertTrue(page[..<firstRow].contains { $0.fragment === header }, "page \(i + 1): rows without their header")
        }
    }

    func testAFloatInsideABoxStaysInPlace() {
        let figure = float(300)
        figure.bands = [PDFBandMark(band: PDFBand(x: 0, width: 10, fill: nil), first: true, last: true)]
        var paginator = PDFPaginator(frame: frame)
        paginator.paginate([block(500), figure, block(40)])
        XCTAssertTrue(paginator.pages[1].first?.fragment === figure)
        XCTAssertTrue(paginator.pages[1].last?.fragment !== figure, "the text after a banded figure stays after it")
    }

    // MARK: Tables

    /// Lays out `table` with a real text context, as the PDF writer does.
    func fragments(of table: Table, frame: PDFPageFrame) throws -> [PDFFragment] {
        let surface = cairo_pdf_surface_create("/dev/null", PDFPage.width, PDFPage.height)!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        let context = PDFLayoutContext(text: PangoTextContext(cairo: cr), anchors: [], frame: frame)
        return try context.table(table, x: 0, width: PDFPage.textWidth)
    }

    func numbered(rows: Int) -> Table {
        Table(number: 4, caption: [.text("Rows.")], header: [[.text("epoch")], [.text("loss")]],
              rows: (0..<rows).map { [[.text("\($0)")], [.text("0.1")]] }, alignments: [.right, .right])
    }

    func testATableThatFitsIsOneFragmentAndFloats() throws {
        let fragments = try fragments(of: numbered(rows: 12), frame: PDFPageFrame(top: 0, bottom: 700))
        XCTAssertEqual(fragments.count, 1)
        XCTAssertTrue(fragments[0].isFloat)
    }

    func testASplitTableKeepsThreeRowsOnEachSideAndRepeatsItsHeader() throws {
        // 30 rows of about 16 pt on a 300 pt frame: the table must break.
        let small = PDFPageFrame(top: 0, bottom: 300)
        let fragments = try fragments(of: numbered(rows: 30), frame: small)
        XCTAssertGreaterThan(fragments.count, 30)
        for filler in stride(from: 0.0, through: 280, by: 7) {
            var paginator = PDFPaginator(frame: small)
            paginator.paginate([block(filler)] + fragments)
            let rows = paginator.pages.map { page in page.filter { $0.fragment.repeatHeader != nil }.count }
            for (i, count) in rows.enumerated() where count > 0 {
                XCTAssertGreaterThanOrEqual(count, 3, "filler \(filler): page \(i + 1) holds \(count) rows of the table")
            }
            let repeated = try XCTUnwrap(fragments.last?.repeatHeader)
            let firstTablePage = try XCTUnwrap(paginator.pages.firstIndex { $0.contains { $0.fragment.repeatHeader != nil } })
            for (i, page) in paginator.pages.enumerated() where i > firstTablePage && page.contains(where: { $0.fragment.repeatHeader != nil }) {
                XCTAssertTrue(page.first?.fragment === repeated, "filler \(filler): page \(i + 1) does not start with the header")
            }
        }
    }
}
