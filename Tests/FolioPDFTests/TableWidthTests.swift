@testable import FolioPDF
import XCTest

/// How table columns share the width: no word or number is broken while the words fit.
final class TableWidthTests: XCTestCase {
    func testNaturalWidthsWhenTheyFit() {
        XCTAssertEqual(TableWidths.fit(natural: [50, 80], headerWrapped: [40, 80], wordFloor: [30, 40], width: 200), [50, 80])
    }

    func testHeaderWrapsFirstAndBodyCellsKeepTheirLines() {
        let widths = TableWidths.fit(natural: [120, 100], headerWrapped: [60, 100], wordFloor: [40, 50], width: 190)
        XCTAssertEqual(widths.reduce(0, +), 190, accuracy: 1e-9)
        XCTAssertEqual(widths[1], 100, accuracy: 1e-9, "the column whose header does not wrap keeps its width")
        XCTAssertGreaterThanOrEqual(widths[0], 60)
    }

    func testBodyCellsWrapBetweenWordsBeforeAnyWordBreaks() {
        // The landmark table's shape: long text columns and short number columns.
        let natural = [70.0, 60, 200, 180, 60], header = [70.0, 60, 200, 180, 60], floor = [60.0, 40, 70, 65, 50]
        let widths = TableWidths.fit(natural: natural, headerWrapped: header, wordFloor: floor, width: 425)
        XCTAssertEqual(widths.reduce(0, +), 425, accuracy: 1e-9)
        for c in widths.indices { XCTAssertGreaterThanOrEqual(widths[c], floor[c] - 1e-9, "column \(c) narrower than its longest word") }
    }

    func testOnlyWhenWordsCannotFitDoesEveryColumnShrink() {
        let widths = TableWidths.fit(natural: [300, 300], headerWrapped: [300, 300], wordFloor: [200, 100], width: 150)
        XCTAssertEqual(widths, [100, 50])
    }
}
