import FolioSupport
import Foundation
import FolioData
import FolioNN

/// Runs training experiments through the cache: reuses what is there, resumes an
/// interrupted or shorter run from its last finished epoch, trains the rest.
public struct ExperimentRunner: Sendable {
    public let data: Dataset
    public let cache: ResultCache
    public let threads: Int
    /// Every run handed out, so the build can show each answer's training logs.
    public let ledger = RunLedger()

    public init(data: Dataset, cache: ResultCache, threads: Int) {
        self.data = data; self.cache = cache; self.threads = threads
    }

    public var log: BuildLog { cache.log }

    /// The run of `config` with at least `epochs` epochs, training only what is missing.
    public func train(_ config: TrainingConfig, epochs: Int) throws -> TrainingRun {
        precondition(config.dataset == data.kind, "configuration is for \(config.dataset), data is \(data.kind)")
        let run = try cache.value(TrainingComputation(config, epochs: epochs, runner: self))
        ledger.record(run, epochs: epochs)
        return run
    }
}

/// The training runs handed out, in order, with the epochs each caller asked for.
public final class RunLedger: @unchecked Sendable {
    public struct Entry {
        public let run: TrainingRun
        public let epochs: Int
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    func record(_ run: TrainingRun, epochs: Int) { lock.withLock { entries.append(Entry(run: run, epochs: epochs)) } }

    /// How many runs have been handed out so far: a mark to read from later.
    public var count: Int { lock.withLock { entries.count } }

    /// The runs handed out since `mark`, one per configuration, with the most epochs
    /// any caller asked of it, in the order first asked.
    public func runs(since mark: Int) -> [Entry] {
        let recent = lock.withLock { Array(entries.dropFirst(mark)) }
        var order: [String] = []
        var chosen: [String: Entry] = [:]
        for entry in recent {
            let key = entry.run.folder.path
            if let seen = chosen[key] {
                if entry.epochs > seen.epochs { chosen[key] = entry }
            } else {
                order.append(key); chosen[key] = entry
            }
        }
        return order.map { chosen[$0]! }
    }
}

/// A training run as a cached computation. Its entry holds a weight snapshot per
/// epoch and the metrics list, so a run of N epochs serves every request for M ≤ N,
/// and a request for more resumes from the saved optimiser state.
public struct TrainingComputation: CachedComputation {
    public static let kindName = "train"
    public let configuration: TrainingConfig
    public let epochs: Int
    let runner: ExperimentRunner

    public init(_ configuration: TrainingConfig, epochs: Int, runner: ExperimentRunner) {
        self.configuration = configuration; self.epochs = epochs; self.runner = runner
    }

    public var kind: String { Self.kindName }
    /// A run's numbers are the engine's (the trainer and its optimisers are FolioNN's),
    /// so its version is the engine's numerics version, which the configuration records.
    public var version: Int { configuration.engineVersion }
    public var label: String { "\(configuration.label), \(epochs) epoch\(epochs == 1 ? "" : "s")" }
    public var summary: String { summary(from: 0) }
    public var memoName: String { "run-\(epochs)" }

    var config: TrainingConfig { configuration }
    var data: Dataset { runner.data }

    /// "train simple-cnn + Adam (lr 0.001) for 5 epochs on 50,000 images", or "epochs 3 to 5".
    func summary(from held: Int) -> String {
        let span = held == 0 ? "for \(epochs) epoch\(epochs == 1 ? "" : "s")" : "epochs \(held + 1) to \(epochs)"
        return "train \(config.label) \(span) on \(Self.grouped(config.trainCount)) images"
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        return digits.enumerated().map { k, d in (k > 0 && (digits.count - k) % 3 == 0 ? "," : "") + String(d) }.joined()
    }

    /// This model's training speed on this machine: the images per second of every
    /// epoch the cache holds for it, the same thread count preferred.
    func speed(_ cache: ResultCache) -> (imagesPerSecond: Double, basis: String)? {
        let speeds = cache.trainingSpeeds().filter { $0.model == config.model.rawValue }
        let sameThreads = speeds.filter { $0.threads == cache.threads }
        let used = sameThreads.isEmpty ? speeds : sameThreads
        let images = used.reduce(0) { $0 + $1.images }, seconds = used.reduce(0) { $0 + $1.seconds }
        guard images > 0, seconds > 0 else { return nil }
        let rate = images / seconds
        return (rate, "\(used.count) cached epoch\(used.count == 1 ? "" : "s") of \(config.model.rawValue) at \(Int(rate)) images/s")
    }

    /// The time of the epochs after `held`, evaluation (validation and test images)
    /// counted at three times the training speed, as a forward pass alone runs.
    func estimate(from held: Int, _ cache: ResultCache) -> ResultCache.Estimate? {
        guard let (rate, basis) = speed(cache) else { return nil }
        let perEpoch = Double(config.trainCount) / rate + Double(config.validationCount + config.testCount) / (3 * rate)
        return .init(seconds: Double(epochs - held) * perEpoch, basis: basis)
    }

    public func result(from entry: CacheEntry, in cache: ResultCache) throws -> TrainingRun {
        let folder = entry.folder
        var records: [EpochRecord] = []
        var damaged: [Int] = []
        if !cache.force {
            records = entry.load("metrics.json", consequence: "training the run again from the start") {
                try JSONDecoder().decode([EpochRecord].self, from: $0)
            } ?? []
            // The files this build may not read are checked by size now, so that the
            // build which meets a truncated or deleted one says so and repairs it.
            if !records.isEmpty {
                _ = entry.checkSize(Self.stateName, consequence: "a longer run of this configuration will train from the start")
                for name in entry.recorded(prefix: "test-evaluation-") {
                    _ = entry.checkSize(name, consequence: "evaluating again when it is needed")
                }
                damaged = (1...records.count).filter {
                    !entry.checkSize(TrainingRun.weightsName($0), expected: true, consequence: "writing it again")
                }
            }
        }
        let split = Split(count: data.train.count, trainCount: config.trainCount,
                          validationCount: config.validationCount, seed: config.seed)
        let normalization = self.normalization(split)
        if !damaged.isEmpty {
            try rewriteSnapshots(split: split, normalization: normalization, epochs: damaged,
                                 held: records.count, entry: entry, cache: cache)
        }
        if records.count >= epochs {
            cache.log.reused(label, key: folder.lastPathComponent + (records.count > epochs ? ", served from a \(records.count)-epoch run" : ""))
            return TrainingRun(config: config, folder: folder, records: records, split: split,
                               normalization: normalization, data: data, cache: cache)
        }
        // A dry run stops at beginComputing, before any saved state is read.
        var restored: Trainer? = nil
        var reason = cache.force ? "--force given" : "no cached run of this configuration (\(folder.lastPathComponent))"
        if !records.isEmpty {
            let epoch = records.count
            reason = "resuming after epoch \(epoch): the cache holds \(epoch) of \(epochs)"
            if !cache.dryRun {
                let trainer = try makeTrainer(normalization)
                if entry.load(Self.stateName, consequence: "training from the start", parse: { _ in
                    try trainer.restore(from: entry.url(Self.stateName), epoch: epoch)
                }) != nil {
                    restored = trainer
                } else {
                    // A failed restore may have loaded part of the state: start afresh.
                    reason = "no usable saved state after epoch \(epoch); training from the start"
                    records = []
                }
            }
        }
        let start = try cache.beginComputing(self, in: entry, reason: reason, summary: summary(from: records.count),
                                             estimate: estimate(from: records.count, cache))
        let trainer = try restored ?? makeTrainer(normalization)
        let test = config.testCount >= data.test.count ? data.test : data.test.prefix(config.testCount)
        for epoch in (records.count + 1)...epochs {
            let batchesBefore = records.count * ((config.trainCount + config.batchSize - 1) / config.batchSize)
            var lastReport = Date.distantPast
            let stats = try trainer.trainEpoch(set: data.train, indices: split.train, epoch: epoch,
                                               logEvery: config.logEvery > 0 ? config.logEvery : nil) { batch, count, rate in
                let now = Date()
                guard now.timeIntervalSince(lastReport) > 0.2 || batch == count else { return }
                lastReport = now
                let left = Double(count - batch) * Double(config.batchSize) / max(rate, 1)
                    + Double(epochs - epoch) * Double(config.trainCount) / max(rate, 1)
                cache.log.progress(config.label, epoch: epoch, epochs: epochs, batch: batch, batches: count,
                                   imagesPerSecond: rate, secondsLeft: left)
            }
            let validation = config.validationCount > 0 ? trainer.evaluate(set: data.train, indices: split.validation) : nil
            let testEval = config.testCount > 0 ? trainer.evaluate(set: test) : nil
            let record = EpochRecord(
                epoch: epoch, trainLoss: stats.meanLoss, validationLoss: validation?.loss,
                validationAccuracy: validation?.accuracy, testLoss: testEval?.loss, testAccuracy: testEval?.accuracy,
                seconds: stats.seconds,
                logged: stats.loggedLosses.map { [Double(batchesBefore + $0.batch), Double($0.loss)] },
                imagesPerSecond: Double(stats.images) / max(stats.seconds, 1e-9))
            // Weights and state first, the metrics list last: an epoch exists once listed.
            try trainer.model.saveCheckpoint(to: TrainingRun.weightsFile(folder, epoch), metadata: ["epoch": "\(epoch)"])
            try entry.recordWritten(TrainingRun.weightsName(epoch))
            try trainer.saveState(to: entry.url(Self.stateName), epoch: epoch)
            try entry.recordWritten(Self.stateName)
            records.append(record)
            try entry.write(try JSONEncoder().encode(records), "metrics.json")
            var line = "epoch \(epoch)/\(epochs): train loss \(String(format: "%.4f", record.trainLoss))"
            if let v = validation { line += ", validation loss \(String(format: "%.4f", v.loss)), accuracy \(String(format: "%.2f", 100 * v.accuracy)) %" }
            if let t = record.testAccuracy { line += ", test \(String(format: "%.2f", 100 * t)) %" }
            line += ", \(String(format: "%.1f", record.seconds)) s (\(Int(record.imagesPerSecond)) img/s)"
            cache.log.epoch(config.label, line)
        }
        cache.finishedComputing(self, since: start)
        return TrainingRun(config: config, folder: folder, records: records, split: split,
                           normalization: normalization, data: data, cache: cache)
    }

    static let stateName = "state.safetensors"

    func normalization(_ split: Split) -> Normalization {
        switch config.scaling {
        case .unit: return .unit
        case .half: return .half
        case .standardised: return .standardising(data.train.subset(split.train))
        }
    }

    func makeTrainer(_ normalization: Normalization) throws -> Trainer {
        try Trainer(network: config.model.network, optimizer: config.optimizer, lr: config.learningRate,
                    weightDecay: config.weightDecay, batchSize: config.batchSize, seed: config.seed,
                    normalization: normalization, threads: runner.threads)
    }

    /// Writes the weight snapshots after `epochs` again, for a run holding `held`
    /// epochs whose snapshots were missing or damaged. Training is deterministic for a
    /// configuration and thread count, so they are the ones the run wrote: the last
    /// epoch's is taken from the saved state when that is usable, others by training
    /// from the start again (the optimiser's state after earlier epochs is not kept).
    func rewriteSnapshots(split: Split, normalization: Normalization,
                          epochs: [Int], held: Int, entry: CacheEntry, cache: ResultCache) throws {
        guard let last = epochs.max() else { return }
        let which = "the snapshot\(epochs.count == 1 ? "" : "s") after epoch\(epochs.count == 1 ? "" : "s") \(epochs.map(String.init).joined(separator: ", "))"
        var trainer = try makeTrainer(normalization)
        let usable = !cache.dryRun && epochs == [held]
        let fromState = usable && entry.load(Self.stateName, consequence: "training again instead") { _ in
            try trainer.restore(from: entry.url(Self.stateName), epoch: held)
        } != nil
        let reason: String
        if fromState {
            reason = "rewriting \(which) from the saved state"
        } else {
            // A failed restore may have loaded part of the state: start afresh.
            trainer = try makeTrainer(normalization)
            reason = "training epochs 1 to \(last) again to rewrite \(which)"
        }
        let start = try cache.beginComputing(self, in: entry, reason: reason,
                                             summary: "train \(config.label) again to rewrite \(which)",
                                             estimate: fromState ? nil : TrainingComputation(config, epochs: last, runner: runner).estimate(from: 0, cache))
        for epoch in (fromState ? held : 1)...last {
            if !fromState {
                _ = try trainer.trainEpoch(set: data.train, indices: split.train, epoch: epoch,
                                           logEvery: config.logEvery > 0 ? config.logEvery : nil) { _, _, _ in }
            }
            guard epochs.contains(epoch) else { continue }
            try trainer.model.saveCheckpoint(to: TrainingRun.weightsFile(entry.folder, epoch), metadata: ["epoch": "\(epoch)"])
            try entry.recordWritten(TrainingRun.weightsName(epoch))
        }
        cache.finishedComputing(self, since: start)
    }
}
