import XCTest
import FolioData
import FolioExperiments
import FolioNN

/// The MNIST files of this checkout (data/mnist), loaded once for all tests.
enum TestData {
    static let mnist: Dataset = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! Dataset.load(.mnist, from: root.path + "/data/mnist")
    }()
}

/// Throughput of the assignments' networks in release builds:
/// FOLIO_BENCH=1 swift test -c release --filter testBenchmark
final class BenchmarkTests: XCTestCase {
    func testBenchmark() throws {
        guard let value = ProcessInfo.processInfo.environment["FOLIO_BENCH"] else {
            throw XCTSkip("set FOLIO_BENCH=1 (or a comma-separated key list) to measure throughput")
        }
        let keys = value == "1" ? AssignmentBenchmarks.keys : value.split(separator: ",").map(String.init)
        let seconds = Double(ProcessInfo.processInfo.environment["FOLIO_BENCH_SECONDS"] ?? "4") ?? 4
        let threads = Int(ProcessInfo.processInfo.environment["FOLIO_BENCH_THREADS"] ?? "2") ?? 2
        let result = try Benchmark.run(try AssignmentBenchmarks.cases(keys: keys), seconds: seconds, threads: threads,
                                       train: TestData.mnist.train)
        for key in keys { print(String(format: "BENCH %-28@ %10.1f images/s", key, result[key]!)) }
        print(String(format: "BENCH peak RSS %.1f MB", Benchmark.peakResidentMegabytes()))
    }

    func testUnknownKeyIsNamed() {
        XCTAssertThrowsError(try AssignmentBenchmarks.cases(keys: ["simple-cnn.adam.train", "lenet.train"])) {
            XCTAssertTrue("\($0)".contains("lenet.train"))
        }
    }
}

/// The spec's protocol on the full data, for release builds:
/// FOLIO_FULL_EPOCHS=1 swift test -c release --filter testFullProtocol
final class FullRunTests: XCTestCase {
    func testFullProtocol() throws {
        guard let value = ProcessInfo.processInfo.environment["FOLIO_FULL_EPOCHS"], let epochs = Int(value) else {
            throw XCTSkip("set FOLIO_FULL_EPOCHS=N to train SimpleCNN + Adam on the 50,000/10,000 split")
        }
        let kind = ModelKind(rawValue: ProcessInfo.processInfo.environment["FOLIO_FULL_MODEL"] ?? "simple-cnn")!
        let opt = OptimizerKind(rawValue: ProcessInfo.processInfo.environment["FOLIO_FULL_OPTIMIZER"] ?? "adam")!
        let data = TestData.mnist
        let split = Split(count: data.train.count, trainCount: 50_000, validationCount: 10_000, seed: 0)
        let t = try Trainer(network: kind.network, optimizer: opt, lr: 1e-3, batchSize: 64, seed: 0, threads: 2)
        for epoch in 1...epochs {
            let s = try t.trainEpoch(set: data.train, indices: split.train, epoch: epoch)
            let v = t.evaluate(set: data.train, indices: split.validation)
            print(String(format: "FULL epoch %d: train loss %.4f, validation loss %.4f, accuracy %.2f %%, %.1f s (%.0f images/s)",
                         epoch, s.meanLoss, v.loss, v.accuracy * 100, s.seconds, Double(s.images) / s.seconds))
        }
        print(String(format: "FULL test accuracy %.2f %%", t.evaluate(set: data.test).accuracy * 100))
    }
}
