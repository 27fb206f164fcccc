import XCTest
@testable import FolioPDF

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
}
