import XCTest
import FolioData
@testable import FolioNN

/// The MNIST files of this checkout (data/mnist), loaded once for all tests.
enum TestData {
    static let mnist: Dataset = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! Dataset.load(.mnist, from: root.path + "/data/mnist")
    }()
}

final class TrainingTests: XCTestCase {
    private func weights(_ t: Trainer) -> [[Float]] { t.model.namedTensors().map(\.values) }

    func testSameSeedSameThreadsGivesIdenticalWeights() throws {
        let set = TestData.mnist.train
        let indices = Array(0..<640)
        var runs: [[[Float]]] = []
        for _ in 0..<2 {
            let t = try Trainer(network: TestNetworks.convolutional(batchNorm: true), optimizer: .adam, lr: 1e-3, batchSize: 64, seed: 42, threads: 2)
            _ = try t.trainEpoch(set: set, indices: indices, epoch: 1)
            runs.append(weights(t))
        }
        XCTAssertEqual(runs[0], runs[1])
        let other = try Trainer(network: TestNetworks.convolutional(batchNorm: true), optimizer: .adam, lr: 1e-3, batchSize: 64, seed: 43, threads: 2)
        _ = try other.trainEpoch(set: set, indices: indices, epoch: 1)
        XCTAssertNotEqual(weights(other), runs[0])
    }

    /// Stopping after epoch 1 and resuming from its weights and optimiser state
    /// reproduces the uninterrupted run bit for bit (dropout included).
    func testResumeReproducesUninterruptedRun() throws {
        let set = TestData.mnist.train
        let indices = Array(0..<300)
        func make() throws -> Trainer {
            try Trainer(network: TestNetworks.withDropout, optimizer: .adam, lr: 1e-3, batchSize: 50, seed: 7, normalization: .half, threads: 1)
        }
        let straight = try make()
        _ = try straight.trainEpoch(set: set, indices: indices, epoch: 1)
        let state = straight.model.namedTensors() + straight.optimizer.namedState()
        _ = try straight.trainEpoch(set: set, indices: indices, epoch: 2)

        let resumed = try make()
        let named = Dictionary(uniqueKeysWithValues: state.map { ($0.name, (shape: $0.shape, values: $0.values)) })
        try resumed.model.load(named: named.filter { !$0.key.hasPrefix("opt.") })
        try resumed.optimizer.loadState(named: named.filter { $0.key.hasPrefix("opt.") })
        _ = try resumed.trainEpoch(set: set, indices: indices, epoch: 2)
        XCTAssertEqual(weights(resumed), weights(straight))
    }

    func testSmallRunLearns() throws {
        let data = TestData.mnist
        let t = try Trainer(network: TestNetworks.convolutional(), optimizer: .adam, lr: 1e-3, batchSize: 64, seed: 1, threads: 2)
        var progressCalls = 0
        let stats = try t.trainEpoch(set: data.train, indices: Array(0..<2000), epoch: 1, logEvery: 10) { batch, count, rate in
            progressCalls += 1
            XCTAssertEqual(count, 32)
            XCTAssertLessThanOrEqual(batch, count)
            XCTAssertGreaterThan(rate, 0)
        }
        XCTAssertEqual(stats.batches, 32)
        XCTAssertEqual(stats.images, 2000)
        XCTAssertEqual(progressCalls, 32)
        XCTAssertEqual(stats.loggedLosses.map(\.batch), [10, 20, 30])
        XCTAssertLessThan(stats.meanLoss, 1.5)
        let second = try t.trainEpoch(set: data.train, indices: Array(0..<2000), epoch: 2)
        XCTAssertLessThan(second.meanLoss, stats.meanLoss)
        let eval = t.evaluate(set: data.test, indices: Array(0..<1000))
        print("small run: epoch losses \(stats.meanLoss), \(second.meanLoss); test accuracy \(eval.accuracy)")
        XCTAssertGreaterThan(eval.accuracy, 0.8, "SimpleCNN + Adam, 2 epochs of 2,000 images, should beat chance by far")
        XCTAssertEqual(eval.count, 1000)
        XCTAssertEqual(eval.probabilities.count, 10_000)
        XCTAssertEqual(eval.confusion.flatMap { $0 }.reduce(0, +), 1000)
        XCTAssertEqual(eval.confusion.indices.map { eval.confusion[$0][$0] }.reduce(0, +),
                       zip(eval.labels, eval.predictions).filter { $0 == $1 }.count)
        XCTAssertEqual(Double(eval.probabilities[0..<10].reduce(0, +)), 1, accuracy: 1e-5)
        XCTAssertLessThan(eval.loss, 1)
    }

    func testNLLModelsLearnWithSGD() throws {
        let data = TestData.mnist
        let t = try Trainer(network: TestNetworks.mlp, optimizer: .sgd, lr: 0.05, batchSize: 32, seed: 1,
                            normalization: Normalization(mean: 0.1307, std: 0.3081), threads: 1)
        _ = try t.trainEpoch(set: data.train, indices: Array(0..<2000), epoch: 1)
        let accuracy = t.evaluate(set: data.test, indices: Array(0..<1000)).accuracy
        print("mlp small run: test accuracy \(accuracy)")
        XCTAssertGreaterThan(accuracy, 0.65)
    }

    func testDivergenceNamesModelEpochAndBatch() throws {
        let t = try Trainer(network: TestNetworks.mlp, optimizer: .sgd, lr: 1e30, batchSize: 16, seed: 1, threads: 1)
        XCTAssertThrowsError(try t.trainEpoch(set: TestData.mnist.train, indices: Array(0..<320), epoch: 3)) { error in
            let e = error as? NonFiniteLossError
            XCTAssertEqual(e?.model, "mlp")
            XCTAssertEqual(e?.epoch, 3)
            XCTAssertTrue("\(error)".contains("epoch 3, batch"))
        }
    }
}
