import FolioSupport
import Synchronization
import Foundation
import FolioData
import FolioNN

/// A training run as the cache holds it: per-epoch metrics and a weight snapshot per
/// epoch, in `output/.cache/train-<key>/`:
///   config.json, metrics.json (the commit point: an epoch counts once it is listed),
///   weights-epoch-<k>.safetensors (PyTorch names), state.safetensors (weights and
///   optimiser state after the last listed epoch, for resuming).
public final class TrainingRun {
    public let config: TrainingConfig
    public let folder: URL
    /// Every epoch the cache holds, which may be more than was asked for.
    public let records: [EpochRecord]
    public let split: Split
    public let normalization: Normalization
    let data: Dataset
    let cache: ResultCache

    init(config: TrainingConfig, folder: URL, records: [EpochRecord], split: Split,
         normalization: Normalization, data: Dataset, cache: ResultCache) {
        self.config = config; self.folder = folder; self.records = records; self.split = split
        self.normalization = normalization; self.data = data; self.cache = cache
    }

    /// The first `epochs` records.
    public func records(upTo epochs: Int) -> [EpochRecord] { Array(records.prefix(epochs)) }

    /// Wall time of the first `epochs` epochs of training.
    public func trainingSeconds(upTo epochs: Int) -> Double { records(upTo: epochs).reduce(0) { $0 + $1.seconds } }

    /// The network with the weights it had after `epoch` epochs.
    /// A missing or damaged snapshot is reported once and written again.
    public func model(atEpoch epoch: Int) throws -> Model {
        let file = Self.weightsFile(folder, epoch)
        guard epoch >= 1, epoch <= records.count else {
            throw ExperimentError("\(file.path): the run holds epochs 1 to \(records.count), not \(epoch)")
        }
        let model = try Model(kind: config.model, seed: config.seed)
        let loaded = entry.load(Self.weightsName(epoch), expected: true, consequence: "writing it again") { _ in
            try model.loadCheckpoint(from: file)
        } != nil
        if loaded { return model }
        try ExperimentRunner(data: data, cache: cache, threads: cache.threads)
            .rewriteSnapshots(config, split: split, normalization: normalization, epochs: [epoch],
                              held: records.count, entry: entry)
        // A fresh model: the failed load may have filled part of the first one.
        let rewritten = try Model(kind: config.model, seed: config.seed)
        try rewritten.loadCheckpoint(from: file)
        return rewritten
    }

    var entry: CacheEntry { CacheEntry(folder: folder, log: cache.log) }

    /// The test images this run is evaluated on (all, or the first `testCount`).
    public var testSet: ImageSet {
        config.testCount >= data.test.count ? data.test : data.test.prefix(config.testCount)
    }

    /// Test-set evaluation after `epoch` epochs, computed once and cached.
    public func testEvaluation(atEpoch epoch: Int) throws -> EvaluationRecord {
        let file = folder.appendingPathComponent("test-evaluation-epoch-\(epoch).json")
        // Several chapters ask for the same evaluations (1.1's best model serves
        // Parts 1 to 3); decoding 100,000 probabilities from JSON each time made a
        // warm rebuild slow, so each file is decoded once per process.
        if let record = Self.memo.withLock({ $0[file.path] }) { return record }
        if let record = entry.load(file.lastPathComponent, consequence: "evaluating again", parse: {
            try JSONDecoder().decode(EvaluationRecord.self, from: $0)
        }) {
            Self.memo.withLock { $0[file.path] = record }
            return record
        }
        let model = try model(atEpoch: epoch)
        let e = model.evaluate(set: testSet, batchSize: 500, normalization: normalization)
        let record = EvaluationRecord(e)
        try entry.write(try JSONEncoder().encode(record), file.lastPathComponent)
        Self.memo.withLock { $0[file.path] = record }
        return record
    }

    private static let memo = Mutex<[String: EvaluationRecord]>([:])

    static func weightsName(_ epoch: Int) -> String { "weights-epoch-\(epoch).safetensors" }

    static func weightsFile(_ folder: URL, _ epoch: Int) -> URL {
        folder.appendingPathComponent(weightsName(epoch))
    }
}

/// An evaluation in a form the cache can store.
public struct EvaluationRecord: Codable, Sendable {
    public var loss: Double
    public var accuracy: Double
    public var labels: [Int]
    public var predictions: [Int]
    /// count × classes, row-major.
    public var probabilities: [Float]
    public var classes: Int

    public init(_ e: Evaluation) {
        loss = e.loss; accuracy = e.accuracy; labels = e.labels; predictions = e.predictions
        probabilities = e.probabilities; classes = e.labels.isEmpty ? 0 : e.probabilities.count / e.labels.count
    }

    public var count: Int { labels.count }
    /// Images classified correctly.
    public var correct: Int { zip(predictions, labels).count { $0 == $1 } }

    public func probability(_ image: Int, _ cls: Int) -> Float { probabilities[image * classes + cls] }
}
