@testable import FolioChapters
import FolioData
import FolioExperiments
import FolioNN
import XCTest

/// The measures behind the problem set's claims: the collapse of two linear layers into
/// one, the digit measures of the failure analysis, the paired comparisons' verdicts and
/// the wording that must stay right on equal values.
final class ProblemSetTests: XCTestCase {
    // MARK: 3.1 and 3.2: two linear layers are one linear map

    func testCollapsedMapEqualsTheTwoLayers() {
        // 3 inputs → 2 hidden → 2 outputs, by hand: W2·W1 and W2·b1 + b2.
        let w1: [Float] = [1, 2, 3,
                           -1, 0, 1]
        let b1: [Float] = [0.5, -0.5]
        let w2: [Float] = [2, 1,
                           0, -3]
        let b2: [Float] = [1, 0]
        let m = LinearCollapse(w1: w1, b1: b1, w2: w2, b2: b2, inputs: 3, hidden: 2, outputs: 2)
        XCTAssertEqual(m.weight, [1, 4, 7, 3, 0, -3])
        XCTAssertEqual(m.bias, [1.5, 1.5])
        XCTAssertEqual(m.parameterCount, 8)
        // Against the two layers applied in turn.
        let f: [Float] = [0.3, -1.2, 2]
        let h = (0..<2).map { j in (0..<3).reduce(Double(b1[j])) { $0 + Double(w1[j * 3 + $1] * f[$1]) } }
        let z = (0..<2).map { o in (0..<2).reduce(Double(b2[o])) { $0 + Double(w2[o * 2 + $1]) * h[$1] } }
        for (a, b) in zip(m.logits(f[...]), z) { XCTAssertEqual(a, b, accuracy: 1e-9) }
    }

    func testLogSoftmaxIsNormalisedAndShiftInvariant() {
        let l = LinearCollapse.logSoftmax([1, 2, 3])
        XCTAssertEqual(l.map(exp).reduce(0, +), 1, accuracy: 1e-12)
        let shifted = LinearCollapse.logSoftmax([101, 102, 103])
        for (a, b) in zip(l, shifted) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }

    /// The small CNN's own classifier, untrained: the collapsed map reproduces its
    /// outputs, and the parameter counts are those the problem set states.
    func testCollapseCheckOnTheSmallCNN() throws {
        let model = try Model(kind: .smallCNN, seed: 3)
        var pixels = [UInt8](repeating: 0, count: 4 * 784)
        var rng = SeededGenerator(seed: 5, stream: "test")
        for i in pixels.indices { pixels[i] = UInt8(rng.next() % 256) }
        let set = ImageSet(rows: 28, cols: 28, pixels: pixels, labels: [0, 1, 2, 3])
        let check = try LinearCollapse.check(model: model, set: set, normalization: .unit)
        XCTAssertEqual(check.images, 4)
        XCTAssertEqual(check.samePrediction, 4)
        XCTAssertLessThan(check.maxDifference, 1e-4)
        XCTAssertEqual(check.collapsedParameters, 3_210)
        XCTAssertEqual(check.firstLayerParameters, 41_088)
        XCTAssertEqual(check.secondLayerParameters, 1_290)
    }

    // MARK: 2.3 (3): ink and slant

    func testInkCountsWhitePixels() {
        var image = [UInt8](repeating: 0, count: 9)
        image[0] = 255; image[4] = 255; image[8] = 51
        XCTAssertEqual(DigitShape.ink(image[...]), 2.2, accuracy: 1e-12)
    }

    func testSlantSign() {
        // A vertical bar has no slant; "/" (top to the right) leans right, "\" left.
        func image(_ on: [(Int, Int)]) -> ArraySlice<UInt8> {
            var p = [UInt8](repeating: 0, count: 25)
            for (y, x) in on { p[y * 5 + x] = 255 }
            return p[...]
        }
        XCTAssertEqual(DigitShape.slant(image((0..<5).map { ($0, 2) }), columns: 5), 0, accuracy: 1e-9)
        XCTAssertEqual(DigitShape.slant(image((0..<5).map { ($0, 4 - $0) }), columns: 5), 45, accuracy: 1e-9)
        XCTAssertEqual(DigitShape.slant(image((0..<5).map { ($0, $0) }), columns: 5), -45, accuracy: 1e-9)
        XCTAssertEqual(DigitShape.slant(image([]), columns: 5), 0)
    }

    // MARK: paired comparisons and wording

    func testPairedComparisonVerdictsAreExclusive() {
        let labels = Array(repeating: 0, count: 40)
        // First right on 20 more images than the second: significant.
        let first = labels, second = (0..<40).map { $0 < 20 ? 1 : 0 }
        let better = PairedComparison(first: first, second: second, labels: labels)
        XCTAssertTrue(better.firstBetter); XCTAssertFalse(better.secondBetter)
        XCTAssertEqual(better.test.onlyFirstCorrect, 20)
        let values = better.values(prefix: "x_", unused: ["gap"])
        XCTAssertEqual(values["x_first_better"], .bool(true))
        XCTAssertEqual(values["x_tie"], .bool(false))
        XCTAssertNil(values["x_gap"])
        // One image apart: no significant difference.
        let close = PairedComparison(first: labels, second: (0..<40).map { $0 == 0 ? 1 : 0 }, labels: labels)
        XCTAssertFalse(close.firstBetter || close.secondBetter)
        XCTAssertEqual(close.values(prefix: "")["tie"], .bool(true))
    }

    func testChangeWordingOnEqualValues() {
        XCTAssertEqual(ProblemSetWording.change(from: 0.9625, to: 0.7316), "23.09 points less accurate, at 73.16\u{00A0}%")
        XCTAssertEqual(ProblemSetWording.change(from: 0.5, to: 0.52), "2.00 points more accurate, at 52.00\u{00A0}%")
        XCTAssertEqual(ProblemSetWording.change(from: 0.96251, to: 0.96249), "exactly as accurate, at 96.25\u{00A0}%")
    }
}
