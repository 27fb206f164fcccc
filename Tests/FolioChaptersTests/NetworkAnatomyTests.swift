@testable import FolioChapters
import FolioExperiments
import FolioNN
import XCTest

/// The counts of questions 1.3–1.5, derived from the models' layers, against the
/// numbers PyTorch gives for the same networks.
final class NetworkAnatomyTests: XCTestCase {
    func testLayerNamesAndShapes() throws {
        let steps = NetworkAnatomy.steps(try Model(kind: .simpleCNN, seed: 1))
        XCTAssertEqual(steps.map(\.name), ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "relu3", "fc2"])
        XCTAssertEqual(steps.first?.input, [1, 28, 28])
        XCTAssertEqual(steps.map(\.output), [[32, 28, 28], [32, 28, 28], [32, 14, 14], [32, 14, 14], [32, 14, 14],
                                             [32, 7, 7], [1568], [500], [500], [10]])
        XCTAssertEqual(steps[0].module, "conv_block.0")
        XCTAssertEqual([32, 7, 7].shapeText, "32 × 7 × 7")
    }

    func testOutputSizeFormula() throws {
        XCTAssertEqual(NetworkAnatomy.outputSide(input: 28, kernel: 3, stride: 1, padding: 1), 28)
        XCTAssertEqual(NetworkAnatomy.outputSide(input: 28, kernel: 5, stride: 1, padding: 0), 24)
        XCTAssertEqual(NetworkAnatomy.outputSide(input: 7, kernel: 2, stride: 2, padding: 0), 3)  // floor
        let sizes = NetworkAnatomy.sizeSteps(try Model(kind: .simpleCNN, seed: 1))
        XCTAssertEqual(sizes.map(\.name), ["conv1", "pool1", "conv2", "pool2"])
        XCTAssertEqual(sizes.map(\.input), [28, 28, 14, 14])
        XCTAssertEqual(sizes.map(\.output), [28, 14, 14, 7])
        XCTAssertEqual(sizes.map(\.padding), [1, 0, 1, 0])
        // The formula agrees with the shapes the layers themselves produce.
        let small = NetworkAnatomy.sizeSteps(try Model(kind: .smallCNN, seed: 1))
        XCTAssertEqual(small.map(\.output), [24, 12, 8, 4])
    }

    func testParametersOfTheSimpleCNN() throws {
        let model = try Model(kind: .simpleCNN, seed: 1)
        let steps = NetworkAnatomy.parameterSteps(model)
        XCTAssertEqual(steps.map(\.name), ["conv1", "conv2", "fc1", "fc2"])
        XCTAssertEqual(steps.map(\.total), [320, 9_248, 784_500, 5_010])
        XCTAssertEqual(steps[0].fanIn, [1, 3, 3])
        XCTAssertEqual(steps[0].weights, 288)
        XCTAssertEqual(steps[2].fanIn, [1568])
        let conv = steps.filter { $0.kind == .convolution }.reduce(0) { $0 + $1.total }
        let fc = steps.filter { $0.kind == .fullyConnected }.reduce(0) { $0 + $1.total }
        XCTAssertEqual(conv, 9_568)
        XCTAssertEqual(fc, 789_510)
        XCTAssertEqual(conv + fc, 799_078)
        // Derived from hyperparameters, equal to the values the weight tensors hold.
        XCTAssertEqual(conv + fc, model.parameterCount)
    }

    func testBatchNormVariantParametersAndBuffers() throws {
        let model = try Model(kind: .simpleCNNBatchNorm, seed: 1)
        let steps = NetworkAnatomy.parameterSteps(model)
        let bn = steps.filter { $0.kind == .batchNorm }
        XCTAssertEqual(bn.map(\.name), ["bn1", "bn2", "bn3"])
        XCTAssertEqual(bn.map(\.total), [64, 64, 1_000])
        XCTAssertEqual(steps.reduce(0) { $0 + $1.total }, 800_206)
        XCTAssertEqual(model.parameterCount, 800_206)
        let buffers = NetworkAnatomy.buffers(model)
        XCTAssertEqual(buffers.count, 9)
        XCTAssertEqual(buffers.reduce(0) { $0 + $1.count }, 1_131)
        XCTAssertEqual(buffers.filter { !$0.name.hasSuffix("num_batches_tracked") }.reduce(0) { $0 + $1.count }, 1_128)
    }

    func testNeuronsOnePerOutputUnit() throws {
        let steps = NetworkAnatomy.neuronSteps(try Model(kind: .simpleCNN, seed: 1))
        XCTAssertEqual(steps.map(\.name), ["conv1", "conv2", "fc1", "fc2"])
        XCTAssertEqual(steps.map(\.count), [25_088, 6_272, 500, 10])
        XCTAssertEqual(steps.filter(\.isConvolution).reduce(0) { $0 + $1.count }, 31_360)
        XCTAssertEqual(steps.filter { !$0.isConvolution }.reduce(0) { $0 + $1.count }, 510)
        XCTAssertEqual(steps.reduce(0) { $0 + $1.count }, 31_870)
    }

    func testSummarySizesMatchTorchsummary() throws {
        let model = try Model(kind: .simpleCNN, seed: 1)
        let sizes = SummarySizes(rows: model.layerRows(inputShape: model.inputShape), inputShape: model.inputShape)
        XCTAssertEqual(sizes.inputValues, 784)
        // conv 25,088 + ReLU 25,088 + pool 6,272 + conv, ReLU 6,272 each + pool 1,568 + flatten 1,568
        // + 500 + 500 + 10. torchsummary prints 71,570 values (0.55 and 3.60 MB) for the notebook's model,
        // which flattens with view() and so has no Flatten row; Folio lists Flatten as a module.
        XCTAssertEqual(sizes.outputValues, 73_138)
        XCTAssertEqual(String(format: "%.2f", sizes.forwardBackwardMB), "0.56")
        XCTAssertEqual(String(format: "%.2f", sizes.parametersMB), "3.05")
        XCTAssertEqual(String(format: "%.2f", sizes.totalMB), "3.61")
        XCTAssertTrue(model.summary().contains("Estimated Total Size (MB): 3.61\n"))
    }
}
