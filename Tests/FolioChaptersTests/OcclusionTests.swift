@testable import FolioChapters
import FolioData
import FolioExperiments
import FolioNN
import XCTest

final class OcclusionTests: XCTestCase {
    /// An MLP whose class-0 logit is the sum S of its 784 inputs (plus `bias`, after
    /// ReLU) and whose other logits are 0, so P(class 0) = e^S / (e^S + 9) by hand.
    private func summingModel(bias: Float = 0) throws -> Model {
        let model = try Model(kind: .mlp, seed: 1)
        var fc1 = [Float](repeating: 0, count: 128 * 784)
        for i in 0..<784 { fc1[i] = 1 }            // hidden unit 0 adds up every pixel
        var b1 = [Float](repeating: 0, count: 128)
        b1[0] = bias
        var fc2 = [Float](repeating: 0, count: 10 * 128)
        fc2[0] = 1                                  // logit 0 = hidden unit 0
        try model.load(named: ["fc1.weight": ([128, 784], fc1), "fc1.bias": ([128], b1),
                               "fc2.weight": ([10, 128], fc2), "fc2.bias": ([10], [Float](repeating: 0, count: 10))])
        return model
    }

    private func p0(_ s: Double) -> Double { exp(s) / (exp(s) + 9) }

    /// A black image with pixel (0, 0) = 1 and pixel (27, 27) = 0.5.
    private func twoDots() -> [Float] {
        var image = [Float](repeating: 0, count: 784)
        image[0] = 1
        image[27 * 28 + 27] = 0.5
        return image
    }

    func testPatchPositionsStayInsideTheImage() {
        XCTAssertEqual(Occlusion.positions(length: 28, patch: 1, stride: 1), 28)
        XCTAssertEqual(Occlusion.positions(length: 28, patch: 8, stride: 1), 21)
        XCTAssertEqual(Occlusion.positions(length: 28, patch: 14, stride: 2), 8)
        XCTAssertEqual(Occlusion.positions(length: 28, patch: 29, stride: 1), 0)
    }

    func testLargePatchMapByHand() throws {
        // A 27 × 27 patch of zeros has 2 × 2 positions; each hides a different subset of
        // the two lit pixels: (0,0) hides the 1, (1,1) hides the 0.5, the others neither.
        let map = Occlusion.map(model: try summingModel(), image: twoDots(), rows: 28, cols: 28,
                                targetClass: 0, patch: 27, fill: 0)
        XCTAssertEqual(map.rows, 2); XCTAssertEqual(map.columns, 2)
        let expected = [0.5, 1.5, 1.5, 1.0].map(p0)
        for k in 0..<4 { XCTAssertEqual(Double(map.probability[k]), expected[k], accuracy: 1e-5) }
        XCTAssertEqual(map.predicted, [0, 0, 0, 0])
        XCTAssertEqual(map.corner(3).row, 1); XCTAssertEqual(map.corner(3).column, 1)
    }

    func testFillValueAndBatchingDoNotChangeTheMap() throws {
        let model = try summingModel()
        // A 1-pixel patch of 1: over the dark background it adds 1 to S = 1.5.
        let small = Occlusion.map(model: model, image: twoDots(), rows: 28, cols: 28, targetClass: 0,
                                  patch: 1, fill: 1, batchSize: 7)
        XCTAssertEqual(small.rows, 28)
        XCTAssertEqual(Double(small[5, 5]), p0(2.5), accuracy: 1e-5)
        XCTAssertEqual(Double(small[0, 0]), p0(1.5), accuracy: 1e-5)     // replaces the 1 by 1
        XCTAssertEqual(Double(small[27, 27]), p0(2.0), accuracy: 1e-5)   // replaces 0.5 by 1
        let large = Occlusion.map(model: model, image: twoDots(), rows: 28, cols: 28, targetClass: 0,
                                  patch: 1, fill: 1, batchSize: 500)
        XCTAssertEqual(small, large)
    }

    func testFillIsNormalisedLikeTheImage() throws {
        // With inputs mapped to 2x − 1, a bias of 784 makes the logit 2 · Σx again.
        let model = try summingModel(bias: 784)
        let map = Occlusion.map(model: model, image: twoDots(), rows: 28, cols: 28, targetClass: 0,
                                patch: 27, fill: 0, normalization: .half)
        XCTAssertEqual(Double(map.probability[0]), p0(1.0), accuracy: 1e-4)
        XCTAssertEqual(Double(map.probability[1]), p0(3.0), accuracy: 1e-4)
    }

    func testCoverageOfAnInkMask() {
        var mask = [Float](repeating: 0, count: 16)
        mask[5] = 1                                   // row 1, column 1 of a 4 × 4 image
        let map = OcclusionMap(patch: 2, stride: 1, fill: 0, targetClass: 0, rows: 3, columns: 3,
                               probability: Array(repeating: 0, count: 9), predicted: Array(repeating: 0, count: 9))
        XCTAssertEqual(Occlusion.coverage(of: mask, cols: 4, map: map), [0.25, 0.25, 0, 0.25, 0.25, 0, 0, 0, 0])
    }

    func testSmallestFlippingPatch() {
        func map(_ patch: Int, _ predicted: [Int]) -> OcclusionMap {
            OcclusionMap(patch: patch, stride: 1, fill: 0.5, targetClass: 3, rows: 1, columns: predicted.count,
                         probability: predicted.map { _ in 0.5 }, predicted: predicted)
        }
        let image = OccludedImage(index: 0, label: 3, baseline: 0.9, basePrediction: 3,
                                  maps: [map(7, [3, 5]), map(3, [3, 3]), map(5, [8, 3])])
        XCTAssertEqual(image.smallestFlippingPatch, 5)
        XCTAssertNil(OccludedImage(index: 0, label: 3, baseline: 0.9, basePrediction: 3, maps: [map(3, [3])])
            .smallestFlippingPatch)
    }

    func testFiguresSplitTheImagesEvenly() {
        XCTAssertEqual(OcclusionFigures.chunks(10, into: 3), [0..<4, 4..<7, 7..<10])
        XCTAssertEqual(OcclusionFigures.chunks(3, into: 3), [0..<1, 1..<2, 2..<3])
    }

    func testCorrelations() {
        XCTAssertEqual(SampleCorrelation.pearson([1, 2, 3, 4], [2, 4, 6, 8])!, 1, accuracy: 1e-12)
        XCTAssertEqual(SampleCorrelation.pearson([1, 2, 3], [3, 2, 1])!, -1, accuracy: 1e-12)
        XCTAssertNil(SampleCorrelation.pearson([1, 1, 1], [1, 2, 3]))
        XCTAssertEqual(SampleCorrelation.ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1])
        // Monotonic but not linear: Spearman sees a perfect rank agreement.
        XCTAssertEqual(SampleCorrelation.spearman([1, 2, 3, 4], [1, 8, 27, 64])!, 1, accuracy: 1e-12)
        XCTAssertLessThan(SampleCorrelation.pearson([1, 2, 3, 4], [1, 8, 27, 64])!, 1)
    }
}
