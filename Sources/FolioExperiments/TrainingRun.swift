import FolioSupport
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
        try TrainingComputation(config, epochs: records.count, runner: runner)
            .rewriteSnapshots(split: split, normalization: normalization, epochs: [epoch],
                              held: records.count, entry: entry, cache: cache)
        // A fresh model: the failed load may have filled part of the first one.
        let rewritten = try Model(kind: config.model, seed: config.seed)
        try rewritten.loadCheckpoint(from: file)
        return rewritten
    }

    var entry: CacheEntry { CacheEntry(folder: folder, log: cache.log, readOnly: cache.dryRun) }
    var runner: ExperimentRunner { ExperimentRunner(data: data, cache: cache, threads: cache.threads) }

    /// The test images this run is evaluated on (all, or the first `testCount`).
    public var testSet: ImageSet {
        config.testCount >= data.test.count ? data.test : data.test.prefix(config.testCount)
    }

    /// Test-set evaluation after `epoch` epochs, computed once and cached. Several
    /// chapters ask for the same evaluations (1.1's best model serves Parts 1 to 3):
    /// the cache's memory layer decodes each file once per build.
    public func testEvaluation(atEpoch epoch: Int) throws -> EvaluationRecord {
        try cache.value(TestEvaluation(run: self, epoch: epoch))
    }

    static func weightsName(_ epoch: Int) -> String { "weights-epoch-\(epoch).safetensors" }

    static func weightsFile(_ folder: URL, _ epoch: Int) -> URL {
        folder.appendingPathComponent(weightsName(epoch))
    }
}

/// A run's test-set evaluation after one epoch, kept in the run's own entry (same
/// configuration, so the same key) as `test-evaluation-epoch-<k>.json`.
struct TestEvaluation: CachedComputation {
    let run: TrainingRun
    let epoch: Int

    var kind: String { TrainingComputation.kindName }
    /// Evaluation is the engine's forward pass: its version is the run's.
    var version: Int { run.config.engineVersion }
    var configuration: TrainingConfig { run.config }
    var label: String { "test evaluation of \(run.config.label) after epoch \(epoch)" }
    var summary: String { "evaluate \(run.config.label) after epoch \(epoch) on \(TrainingComputation.grouped(run.testSet.count)) test images" }
    var memoName: String { "test-evaluation-epoch-\(epoch).json" }

    func result(from entry: CacheEntry, in cache: ResultCache) throws -> EvaluationRecord {
        if !cache.force, let record = entry.load(memoName, consequence: "evaluating again", parse: {
            try JSONDecoder().decode(EvaluationRecord.self, from: $0)
        }) {
            cache.log.remembered(label)
            return record
        }
        let start = try cache.beginComputing(self, in: entry, reason: "not evaluated yet", estimate: estimate(cache))
        let model = try run.model(atEpoch: epoch)
        let record = EvaluationRecord(model.evaluate(set: run.testSet, batchSize: 500, normalization: run.normalization))
        try entry.write(try JSONEncoder().encode(record), memoName)
        cache.finishedComputing(self, since: start)
        return record
    }

    /// Inference runs at about three times the training speed of the same model.
    func estimate(_ cache: ResultCache) -> ResultCache.Estimate? {
        guard let (rate, basis) = TrainingComputation(run.config, epochs: 1, runner: run.runner).speed(cache) else { return nil }
        return .init(seconds: Double(run.testSet.count) / (3 * rate), basis: basis)
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
