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
        let folder = try cache.folder(kind: "train", config: config)
        let metricsFile = folder.appendingPathComponent("metrics.json")
        let stateFile = folder.appendingPathComponent("state.safetensors")
        var records: [EpochRecord] = []
        if !cache.force, let bytes = FileManager.default.contents(atPath: metricsFile.path) {
            records = (try? JSONDecoder().decode([EpochRecord].self, from: bytes)) ?? []
        }
        let split = Split(count: data.train.count, trainCount: config.trainCount,
                          validationCount: config.validationCount, seed: config.seed)
        let normalization: Normalization
        switch config.scaling {
        case .unit: normalization = .unit
        case .half: normalization = .half
        case .standardised: normalization = .standardising(data.train.subset(split.train))
        }
        let what = "\(config.label), \(epochs) epoch\(epochs == 1 ? "" : "s")"
        if records.count >= epochs {
            cache.log.reused(what, key: folder.lastPathComponent + (records.count > epochs ? ", served from a \(records.count)-epoch run" : ""))
            return TrainingRun(config: config, folder: folder, records: records, split: split,
                               normalization: normalization, data: data, cache: cache)
        }
        let trainer = try Trainer(kind: config.model, optimizer: config.optimizer, lr: config.learningRate,
                                  weightDecay: config.weightDecay, batchSize: config.batchSize, seed: config.seed,
                                  normalization: normalization, threads: threads)
        if !records.isEmpty {
            do {
                try trainer.restore(from: stateFile, epoch: records.count)
                cache.log.running(what, reason: "resuming after epoch \(records.count): the cache holds \(records.count) of \(epochs)")
            } catch {
                cache.log.running(what, reason: "cached state unusable (\(error)); training from the start")
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
            try trainer.saveState(to: stateFile, epoch: epoch)
            records.append(record)
            try AtomicFile.write(try JSONEncoder().encode(records), to: metricsFile)
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
}
