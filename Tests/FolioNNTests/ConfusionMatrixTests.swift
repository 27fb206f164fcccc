import XCTest
@testable import FolioNN

final class ConfusionMatrixTests: XCTestCase {
    // Class 2 is never predicted; class 3 never occurs at all.
    let matrix = ConfusionMatrix(predictions: [0, 1, 0, 1, 1, 0, 1, 0, 1, 1],
                                 labels: [0, 0, 0, 1, 1, 2, 2, 2, 2, 1], classCount: 4)

    func testCountsHaveTrueRowsAndPredictedColumns() {
        XCTAssertEqual(matrix.counts, [
            [2, 1, 0, 0],
            [0, 3, 0, 0],
            [2, 2, 0, 0],
            [0, 0, 0, 0],
        ])
        XCTAssertEqual(matrix.total, 10)
        XCTAssertEqual(matrix.correct, 5)
        XCTAssertEqual(matrix.accuracy, 0.5)
        XCTAssertEqual(matrix.supports, [3, 3, 4, 0])
        XCTAssertEqual(matrix.predictedCount(1), 6)
    }

    func testScoresWithZeroDenominatorsAreZero() {
        XCTAssertEqual(matrix.precisions, [0.5, 0.5, 0, 0])
        XCTAssertEqual(matrix.recalls, [2.0 / 3.0, 1, 0, 0])
        XCTAssertEqual(matrix.f1(0), 4.0 / 7.0)
        XCTAssertEqual(matrix.f1(1), 6.0 / 9.0)
        XCTAssertEqual(matrix.f1(2), 0)
        XCTAssertEqual(matrix.f1(3), 0)
    }

    func testMostConfusedSortsByCountThenClassIds() {
        let confused = matrix.mostConfused(top: 10)
        XCTAssertEqual(confused.map { [$0.trueClass, $0.predicted, $0.count] }, [[2, 0, 2], [2, 1, 2], [0, 1, 1]])
        XCTAssertEqual(matrix.mostConfused(top: 1).map { [$0.trueClass, $0.predicted] }, [[2, 0]])
        XCTAssertTrue(matrix.mostConfused(top: 0).isEmpty)
    }

    func testInitFromCounts() {
        XCTAssertEqual(ConfusionMatrix(counts: matrix.counts), matrix)
        XCTAssertEqual(ConfusionMatrix(counts: [[0, 0], [0, 0]]).accuracy, 0)
    }
}
