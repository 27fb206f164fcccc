import XCTest
import FolioData
@testable import FolioNN

/// Building a model from a network described as data.
final class NetworkSpecTests: XCTestCase {
    func testLayersFollowTheSpecInOrderUnderTheirNames() throws {
        let spec = NetworkSpec(name: "tiny", inputShape: [1, 8, 8], layers:
            NetworkSpec.sequential("features", [.conv2d(inChannels: 1, outChannels: 4, kernel: 3, padding: 1),
                                                .batchNorm2d(channels: 4), .relu, .maxPool2d(kernel: 2)])
            + [LayerSpec.flatten.named("flatten"), LayerSpec.dropout(p: 0.25).named("drop"),
               LayerSpec.linear(inFeatures: 64, outFeatures: 3).named("out"), LayerSpec.logSoftmax.named("log_softmax")])
        let model = try Model(network: spec, seed: 1)
        XCTAssertEqual(model.layers.map(\.name), ["features.0", "features.1", "features.2", "features.3",
                                                  "flatten", "drop", "out", "log_softmax"])
        XCTAssertEqual(model.layers.map(\.typeName), ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d",
                                                      "Flatten", "Dropout", "Linear", "LogSoftmax"])
        XCTAssertEqual(model.shapes.last, [3])
        XCTAssertEqual(model.classes, 3)
        XCTAssertEqual(model.inputShape, [1, 8, 8])
        XCTAssertEqual(model.loss, .nll)
        XCTAssertEqual(model.name, "tiny")
        XCTAssertEqual(model.namedTensors().first?.name, "features.0.weight")
    }

    func testLossFollowsTheLastLayer() {
        let logits = NetworkSpec(name: "a", layers: [LayerSpec.flatten.named("f"), LayerSpec.linear(inFeatures: 784, outFeatures: 10).named("fc")])
        XCTAssertEqual(logits.loss, .crossEntropy)
        var logProbabilities = logits
        logProbabilities.layers.append(LayerSpec.logSoftmax.named("log_softmax"))
        XCTAssertEqual(logProbabilities.loss, .nll)
    }

    /// The name seeds the initial weights: the same name and seed give the same
    /// weights, another name other weights.
    func testNameAndSeedDetermineTheInitialWeights() throws {
        let layers = [LayerSpec.flatten.named("f"), LayerSpec.linear(inFeatures: 784, outFeatures: 10).named("fc")]
        let a = try Model(network: NetworkSpec(name: "a", layers: layers), seed: 2)
        let again = try Model(network: NetworkSpec(name: "a", layers: layers), seed: 2)
        let renamed = try Model(network: NetworkSpec(name: "b", layers: layers), seed: 2)
        XCTAssertEqual(a.namedTensors().map(\.values), again.namedTensors().map(\.values))
        XCTAssertNotEqual(a.namedTensors()[0].values, renamed.namedTensors()[0].values)
    }

    func testLayerThatDoesNotFitItsInputIsAnError() {
        let spec = NetworkSpec(name: "bad", layers: [LayerSpec.flatten.named("flatten"),
                                                     LayerSpec.linear(inFeatures: 100, outFeatures: 10).named("fc1")])
        XCTAssertThrowsError(try Model(network: spec, seed: 0)) { XCTAssertTrue("\($0)".contains("fc1"), "\($0)") }
        let notAVector = NetworkSpec(name: "image-out", layers: [LayerSpec.relu.named("relu")])
        XCTAssertThrowsError(try Model(network: notAVector, seed: 0)) { XCTAssertTrue("\($0)".contains("image-out"), "\($0)") }
    }
}
