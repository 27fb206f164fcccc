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

    /// Fingerprints of the initial weights as FolioNN built the networks before they
    /// were described as data (checked then against the old code, tensor by tensor,
    /// bit for bit): every cached run was trained from these weights.
    func testInitialWeightsAreThoseOfEveryEarlierRun() throws {
        let expected: [ModelKind: [UInt64: String]] = [
            .simpleCNN: [0: "4c237c1863d47568", 1: "7c432eba03d7086b", 3: "6e88bfd47790b6af", 42: "198df7f78a8a7148"],
            .simpleCNNBatchNorm: [0: "e64161f60da4a8c5", 1: "e29b11a7c14d5319", 3: "667ab94754360a68", 42: "dfdfb502a4e11314"],
            .smallCNN: [0: "fd3677630bea324e", 1: "ef315834507692b6", 3: "7d219f0b3d5fc977", 42: "3464e55b91ac31"],
            .mlp: [0: "360e232293942ddb", 1: "97164c129bdc2c3", 3: "a701f04396eeec00", 42: "8d57641909100b5b"],
            .deepCNN: [0: "84b55b07b09b7e8f", 1: "4ef067f227d664d", 3: "9d5584b9c835fed8", 42: "82cea29810a81802"],
        ]
        for kind in ModelKind.allCases {
            for (seed, fingerprint) in expected[kind]! {
                XCTAssertEqual(Self.fingerprint(try Model(kind: kind, seed: seed).namedTensors()), fingerprint,
                               "\(kind.rawValue), seed \(seed)")
            }
        }
    }

    /// The identifiers are part of every training run's cache key (and of file
    /// names and the command line): they must not change.
    func testIdentifiersInCacheKeysAreUnchanged() throws {
        XCTAssertEqual(ModelKind.allCases.map(\.rawValue), ["simple-cnn", "simple-cnn-bn", "small-cnn", "mlp", "deep-cnn"])
        for kind in ModelKind.allCases { XCTAssertEqual(kind.network.name, kind.rawValue) }
        let config = TrainingConfig(model: .simpleCNNBatchNorm, optimizer: .adam, learningRate: 1e-3, seed: 1,
                                    dataset: .mnist, trainCount: 100, validationCount: 0, testCount: 0)
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        XCTAssertTrue(json.contains("\"model\":\"simple-cnn-bn\""), json)
        XCTAssertTrue(json.contains("\"engineVersion\":\(Engine.numericsVersion)"), json)
    }

    func testLossFollowsEachNetworksOutput() {
        XCTAssertEqual(ModelKind.allCases.filter { $0.loss == .nll }, [.smallCNN, .mlp])
    }
}
