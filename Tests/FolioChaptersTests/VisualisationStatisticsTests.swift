@testable import FolioChapters
import FolioExperiments
import FolioNN
import XCTest

final class VisualisationStatisticsTests: XCTestCase {
    // MARK: Filters

    func testBalanceAndPlaneFit() {
        let ramp: [Float] = [-1, 0, 1, -1, 0, 1, -1, 0, 1]           // left dark, right bright
        let blob: [Float] = [1, 1, 1, 1, 1, 1, 1, 1, 1]
        let dot: [Float] = [0, 0, 0, 0, 1, 0, 0, 0, 0]
        XCTAssertEqual(KernelStatistics.balance(ramp), 0)
        XCTAssertEqual(KernelStatistics.balance(blob), 1)
        XCTAssertEqual(KernelStatistics.planeFit(ramp), 1, accuracy: 1e-12)
        XCTAssertEqual(KernelStatistics.planeFit(dot), 0, accuracy: 1e-12)
        // A diagonal ramp plus an offset is still a plane.
        let diagonal: [Float] = (0..<9).map { Float($0 % 3 + $0 / 3) + 5 }
        XCTAssertEqual(KernelStatistics.planeFit(diagonal), 1, accuracy: 1e-6)

        let s = KernelStatistics([ramp, blob, dot])
        XCTAssertEqual(s.count, 3)
        XCTAssertEqual(s.mixedSign, 1)
        XCTAssertEqual(s.balanced, 1)
        XCTAssertEqual(s.oriented, 1)
        XCTAssertEqual(s.minimum, -1); XCTAssertEqual(s.maximum, 1)
        XCTAssertEqual(s.meanAbsolute, 16.0 / 27, accuracy: 1e-12)
    }

    func testRelativeChange() {
        XCTAssertEqual(KernelStatistics.relativeChange([3, 4], from: [3, 4]), 0)
        XCTAssertEqual(KernelStatistics.relativeChange([6, 8], from: [3, 4]), 1, accuracy: 1e-12)
    }

    func testConvolutionWeightsOfTheSimpleCNN() throws {
        let model = try Model(kind: .simpleCNN, seed: 3)
        let convs = ConvolutionWeights.all(of: model)
        XCTAssertEqual(convs.count, 2)
        XCTAssertEqual(convs[0].kernels.count, 32)
        XCTAssertEqual(convs[1].kernels.count, 1024)
        XCTAssertEqual(convs[1].inputChannelNorms.count, 32)
        // PyTorch layout [out, in, 3, 3]: kernel (o, i) starts at (o · 32 + i) · 9.
        let torch = model.namedTensors().first { $0.shape == [32, 32, 3, 3] }!.values
        XCTAssertEqual(convs[1].kernel(output: 2, input: 5), Array(torch[((2 * 32 + 5) * 9)..<((2 * 32 + 5) * 9 + 9)]))
        // PyTorch's default initialisation bounds every weight by 1/sqrt(fan_in).
        XCTAssertLessThanOrEqual(KernelStatistics(convs[0].kernels).maximum, 1.0 / 3 + 1e-6)
    }

    // MARK: Activations

    func testInkMaskDownsamplingKeepsAnyInk() {
        var mask = [Bool](repeating: false, count: 16)
        mask[1 * 4 + 1] = true                        // one ink pixel in the top-left 2 × 2 block
        XCTAssertEqual(ActivationStatistics.downsample(mask, side: 4, factor: 2), [true, false, false, false])
        XCTAssertEqual(ActivationStatistics.downsample(mask, side: 4, factor: 4), [true])
        XCTAssertEqual(ActivationStatistics.averaged([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], side: 4, factor: 2),
                       [0.25, 0, 0, 0.25])
    }

    func testLayerActivityByHand() {
        // A 4 × 4 image with ink in its top-left 2 × 2 block; two 2 × 2 maps.
        var image = [Float](repeating: 0, count: 16)
        image[0] = 1; image[1] = 0.9; image[4] = 0.8; image[5] = 0.2   // three pixels above 0.5
        let maps: [Float] = [3, 0, 0, 1,     // channel 0: 3 on the ink cell, 1 elsewhere
                             0, 0, 0, 0]     // channel 1: silent
        let a = ActivationStatistics.describe("x", maps: maps, channels: 2, side: 2, image: image, imageSide: 4)
        XCTAssertEqual(a.zeroFraction, 6.0 / 8)
        XCTAssertEqual(a.silentChannels, 1)
        XCTAssertEqual(a.inkArea, 0.25)
        XCTAssertEqual(a.inkMass, 0.75)
        XCTAssertEqual(a.inkEnrichment, 3)
        XCTAssertEqual(ActivationStatistics.meanMap(maps, channels: 2, side: 2), [1.5, 0, 0, 0.5])
    }

    func testReceptiveFieldsOfTheSimpleCNN() throws {
        // 3×3 conv → 3; 2×2 pool → 4 (jump 2); 3×3 conv → 8; 2×2 pool → 10 (jump 4).
        let fields = ActivationStatistics.receptiveFields(try Model(kind: .simpleCNN, seed: 0).layers)
        XCTAssertEqual(fields, ["conv1": 3, "pool1": 4, "conv2": 8, "pool2": 10])
    }

    func testActivationsAfterAForwardPassHaveTheDocumentedShapes() throws {
        let model = try Model(kind: .simpleCNN, seed: 5)
        _ = model.probabilities([Float](repeating: 0.5, count: 784), count: 1)
        for (name, side) in [("conv1", 28), ("pool1", 14), ("conv2", 14), ("pool2", 7)] {
            let a = try XCTUnwrap(model.activation(name))
            XCTAssertEqual(a.shape, [1, 32, side, side], name)
            XCTAssertFalse(a.values.contains { $0 < 0 }, "\(name) comes after ReLU")
        }
    }
}
