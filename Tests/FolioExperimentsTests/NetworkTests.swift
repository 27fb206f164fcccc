import XCTest
import FolioData
import FolioExperiments
@testable import FolioNN

/// The assignments' networks as the specs describe them: counts, PyTorch names, and
/// initial weights bit-identical to those every cached run was trained from.
final class NetworkTests: XCTestCase {
    func testParameterAndNeuronCounts() throws {
        let cnn = try Model(kind: .simpleCNN, seed: 0)
        XCTAssertEqual(cnn.parameterCount, 799_078)
        XCTAssertEqual(cnn.convolutionalParameterCount, 9_568)
        XCTAssertEqual(cnn.fullyConnectedParameterCount, 789_510)
        XCTAssertEqual(cnn.parametersPerLayer.map(\.parameters), [320, 9_248, 784_500, 5_010])
        XCTAssertEqual(cnn.neuronCount, 31_870)
        XCTAssertEqual(cnn.convolutionalNeuronCount, 31_360)
        XCTAssertEqual(cnn.fullyConnectedNeuronCount, 510)
        XCTAssertEqual(cnn.neuronsPerLayer.map(\.neurons), [25_088, 6_272, 500, 10])
        XCTAssertEqual(try Model(kind: .simpleCNNBatchNorm, seed: 0).parameterCount, 800_206)
        XCTAssertEqual(try Model(kind: .mlp, seed: 0).parameterCount, 101_770)
        let small = try Model(kind: .smallCNN, seed: 0)
        XCTAssertEqual(small.parameterCount, 47_658)
        XCTAssertEqual(small.parametersPerLayer.map(\.parameters), [260, 5_020, 41_088, 1_290])
    }

    func testPyTorchNamesAndSummaryRows() throws {
        let bn = try Model(kind: .simpleCNNBatchNorm, seed: 0)
        let names = bn.namedTensors().map(\.name)
        XCTAssertEqual(names.prefix(7), ["conv_block.0.weight", "conv_block.0.bias", "conv_block.1.weight", "conv_block.1.bias",
                                         "conv_block.1.running_mean", "conv_block.1.running_var", "conv_block.1.num_batches_tracked"])
        XCTAssertTrue(names.contains("conv_block.4.weight") && names.contains("conv_block.5.running_var"))
        XCTAssertTrue(names.contains("fc_block.1.running_mean") && names.contains("fc_block.3.bias"))
        XCTAssertEqual(bn.namedTensors().filter(\.isBuffer).count, 9)
        let plain = try Model(kind: .simpleCNN, seed: 0)
        XCTAssertEqual(plain.namedTensors().map(\.name), ["conv_block.0.weight", "conv_block.0.bias", "conv_block.3.weight",
            "conv_block.3.bias", "fc_block.0.weight", "fc_block.0.bias", "fc_block.2.weight", "fc_block.2.bias"])
        XCTAssertEqual(plain.namedTensors()[0].shape, [32, 1, 3, 3])
        let rows = plain.layerRows(inputShape: [1, 28, 28])
        // Every module is a row, Flatten included, in all of Folio's layer tables.
        XCTAssertEqual(rows.map(\.layer), ["Conv2d-1", "ReLU-2", "MaxPool2d-3", "Conv2d-4", "ReLU-5", "MaxPool2d-6",
                                           "Flatten-7", "Linear-8", "ReLU-9", "Linear-10"])
        XCTAssertEqual(rows[0].outputShape, [-1, 32, 28, 28])
        XCTAssertEqual(rows[5].outputShape, [-1, 32, 7, 7])
        XCTAssertEqual(rows.map(\.parameters).reduce(0, +), 799_078)
        let small = try Model(kind: .smallCNN, seed: 0).layerRows(inputShape: [1, 28, 28])
        // The problem set's network has no activation between its two linear layers.
        XCTAssertEqual(small.map(\.layer), ["Conv2d-1", "ReLU-2", "MaxPool2d-3", "Conv2d-4", "ReLU-5", "MaxPool2d-6",
                                            "Flatten-7", "Linear-8", "Linear-9"])
        XCTAssertEqual(small[3].outputShape, [-1, 20, 8, 8])
        XCTAssertEqual(try Model(kind: .deepCNN, seed: 0).layerRows(inputShape: [1, 28, 28]).map(\.layer),
                       ["Conv2d-1", "ReLU-2", "MaxPool2d-3", "Conv2d-4", "ReLU-5", "MaxPool2d-6", "Flatten-7",
                        "Linear-8", "ReLU-9", "Dropout-10", "Linear-11"])
    }


    /// FNV-1a over every tensor's name, shape and float bits, in state_dict order.
    static func fingerprint(_ tensors: [(name: String, shape: [Int], values: [Float], isBuffer: Bool)]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for t in tensors {
            for b in t.name.utf8 { mix(b) }
            for d in t.shape { for k in 0..<8 { mix(UInt8(truncatingIfNeeded: d >> (8 * k))) } }
            for v in t.values { for k in 0..<4 { mix(UInt8(truncatingIfNeeded: v.bitPattern >> (8 * k))) } }
        }
        return String(h, radix: 16)
    }

    func testLegacyComparison() throws {
        for kind in ModelKind.allCases {
            for seed: UInt64 in [0, 1, 3, 42] {
                let new = try Model(kind: kind, seed: seed)
                let old = kind.legacyLayers(seed: seed)
                XCTAssertEqual(new.layers.map(\.name), old.map(\.name), kind.rawValue)
                XCTAssertEqual(new.layers.map(\.typeName), old.map(\.typeName), kind.rawValue)
                let a = new.layers.flatMap(\.parameters), b = old.flatMap(\.parameters)
                XCTAssertEqual(a.map(\.name), b.map(\.name))
                XCTAssertEqual(a.map { $0.torchValues().map(\.bitPattern) }, b.map { $0.torchValues().map(\.bitPattern) }, "\(kind.rawValue) seed \(seed)")
                print("FINGERPRINT \(kind.rawValue) \(seed) \(Self.fingerprint(b.map { ($0.name, $0.shape, $0.torchValues(), $0.isBuffer) })) \(Self.fingerprint(new.namedTensors()))")
            }
        }
    }
}
