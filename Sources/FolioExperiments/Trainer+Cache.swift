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

    public init(data: Dataset, cache: ResultCache, threads: Int) {
        self.data = data; self.cache = cache; self.threads = threads
    }

    public var log: BuildLog { cache.log }

    /// The run of `config` with at least `epochs` epochs, training only what is missing.
    public func train(_ config: TrainingConfig, epochs: Int) throws -> TrainingRun {
        precondition(config.dataset == data.kind, "configuration is for \(config.dataset), data is \(data.kind)")
        let entry = try cache.entry(kind: "train", config: config)
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
        let normalization = self.normalization(config, split)
        if !damaged.isEmpty {
            try rewriteSnapshots(config, split: split, normalization: normalization, epochs: damaged,
                                 held: records.count, entry: entry)
        }
        let what = "\(config.label), \(epochs) epoch\(epochs == 1 ? "" : "s")"
        if records.count >= epochs {
            cache.log.reused(what, key: folder.lastPathComponent + (records.count > epochs ? ", served from a \(records.count)-epoch run" : ""))
            return TrainingRun(config: config, folder: folder, records: records, split: split,
                               normalization: normalization, data: data, cache: cache)
        }
        var trainer = try makeTrainer(config, normalization)
        if !records.isEmpty {
            let epoch = records.count
            let restored = entry.load(Self.stateName, consequence: "training from the start") { _ in
                try trainer.restore(from: entry.url(Self.stateName), epoch: epoch)
            } != nil
            if restored {
                cache.log.running(what, reason: "resuming after epoch \(epoch): the cache holds \(epoch) of \(epochs)")
            } else {
                // A failed restore may have loaded part of the state: start afresh.
                trainer = try makeTrainer(config, normalization)
                cache.log.running(what, reason: "no usable saved state after epoch \(epoch); training from the start")
                records = []
            }
        } else {
            cache.log.running(what, reason: cache.force ? "--force given" : "no cached run of this configuration (\(folder.lastPathComponent))")
        }
        let test = config.testCount >= data.test.count ? data.test : data.test.prefix(config.testCount)
        let start = Date()
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
        cache.log.finished(what, seconds: Date().timeIntervalSince(start))
        return TrainingRun(config: config, folder: folder, records: records, split: split,
                           normalization: normalization, data: data, cache: cache)
    }

    static let stateName = "state.safetensors"

    func normalization(_ config: TrainingConfig, _ split: Split) -> Normalization {
        switch config.scaling {
        case .unit: return .unit
        case .half: return .half
        case .standardised: return .standardising(data.train.subset(split.train))
        }
    }

    func makeTrainer(_ config: TrainingConfig, _ normalization: Normalization) throws -> Trainer {
        try Trainer(network: config.model.network, optimizer: config.optimizer, lr: config.learningRate,
                    weightDecay: config.weightDecay, batchSize: config.batchSize, seed: config.seed,
                    normalization: normalization, threads: threads)
    }

    /// Writes the weight snapshots after `epochs` again, for a run holding `held`
    /// epochs whose snapshots were missing or damaged. Training is deterministic for a
    /// configuration and thread count, so they are the ones the run wrote: the last
    /// epoch's is taken from the saved state when that is usable, others by training
    /// from the start again (the optimiser's state after earlier epochs is not kept).
    func rewriteSnapshots(_ config: TrainingConfig, split: Split, normalization: Normalization,
                          epochs: [Int], held: Int, entry: CacheEntry) throws {
        guard let last = epochs.max() else { return }
        let what = "\(config.label), weights after epoch\(epochs.count == 1 ? "" : "s") \(epochs.map(String.init).joined(separator: ", "))"
        var trainer = try makeTrainer(config, normalization)
        let fromState = epochs == [held] && entry.load(Self.stateName, consequence: "training again instead") { _ in
            try trainer.restore(from: entry.url(Self.stateName), epoch: held)
        } != nil
        let start = Date()
        if fromState {
            cache.log.running(what, reason: "rewriting the snapshot from the saved state")
        } else {
            // A failed restore may have loaded part of the state: start afresh.
            trainer = try makeTrainer(config, normalization)
            cache.log.running(what, reason: "training epochs 1 to \(last) again to rewrite the snapshot\(epochs.count == 1 ? "" : "s")")
        }
        for epoch in (fromState ? held : 1)...last {
            if !fromState {
                _ = try trainer.trainEpoch(set: data.train, indices: split.train, epoch: epoch,
                                           logEvery: config.logEvery > 0 ? config.logEvery : nil) { _, _, _ in }
            }
            guard epochs.contains(epoch) else { continue }
            try trainer.model.saveCheckpoint(to: TrainingRun.weightsFile(entry.folder, epoch), metadata: ["epoch": "\(epoch)"])
            try entry.recordWritten(TrainingRun.weightsName(epoch))
        }
        cache.log.finished(what, seconds: Date().timeIntervalSince(start))
    }
}
