@testable import FolioChapters
import FolioData
import XCTest

final class ImageTransformTests: XCTestCase {
    /// A 4×4 image with one lit pixel at (row 1, column 2).
    private func dot() -> ImageSet {
        var pixels = [UInt8](repeating: 0, count: 16)
        pixels[1 * 4 + 2] = 200
        return ImageSet(rows: 4, cols: 4, pixels: pixels, labels: [3])
    }

    func testShiftMovesPixelsAndFillsWithZero() {
        let moved = Images.shifted(dot(), dx: 1, dy: 2)
        XCTAssertEqual(moved.pixels[3 * 4 + 3], 200)
        XCTAssertEqual(moved.pixels.reduce(0) { $0 + Int($1) }, 200)
        XCTAssertEqual(moved.labels, [3])
        // Shifted off the edge: nothing is left.
        XCTAssertEqual(Images.shifted(dot(), dx: 2, dy: 0).pixels.reduce(0) { $0 + Int($1) }, 0)
    }

    func testQuarterTurnMapsRowsToColumns() {
        // 90° counter-clockwise about the centre (1.5, 1.5): (row 1, col 2) → (row 1, col 1).
        let turned = Images.rotated(dot(), degrees: 90)
        XCTAssertEqual(turned.pixels[1 * 4 + 1], 200)
        XCTAssertEqual(turned.pixels.reduce(0) { $0 + Int($1) }, 200)
    }

    func testIntensityMapping() {
        let mapped = Images.intensityMapped(dot(), offset: 0.2, scale: 0.5)
        XCTAssertEqual(mapped.pixels[0], 51)          // 0.2 · 255
        XCTAssertEqual(mapped.pixels[6], 151)         // 51 + 0.5 · 200
    }
}
