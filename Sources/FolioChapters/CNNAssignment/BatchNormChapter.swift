import Foundation
import FolioCharts
import FolioDocument
import FolioExperiments
import FolioNN

/// 1.6: the SimpleCNN with and without batch normalisation, trained with SGD and
/// with Adam; the plain runs are 1.1's, served from the cache.
struct BatchNormChapter: Chapter {
    static let name = "batch-norm"
    /// The training loss the comparison asks each run to get below.
    static let lossThreshold = 0.05

    /// One trained configuration, cut to the epochs a comparison uses.
    struct Arm {
        let optimiser: OptimizerKind
        let batchNorm: Bool
        let records: [EpochRecord]
        let parameters: Int
        var label: String { optimiser.displayName + (batchNorm ? " + BN" : "") }
        var firstLoss: Double { records.first?.trainLoss ?? .nan }
        var finalAccuracy: Double { RunComparison.finalTestAccuracy(records) }
        var seconds: Double { records.reduce(0) { $0 + $1.seconds } }
        var belowThreshold: Int? { RunComparison.firstEpoch(trainLossBelow: BatchNormChapter.lossThreshold, in: records) }
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let short = c.profile.epochs(OptimiserRuns.epochs), long = c.profile.epochs(OptimiserRuns.longEpochs)
        let plainCount = try Model(kind: .simpleCNN, seed: c.seed).parameterCount
        let bnCount = try Model(kind: .simpleCNNBatchNorm, seed: c.seed).parameterCount
        func arm(_ kind: OptimizerKind, bn: Bool, epochs: Int) throws -> Arm {
            let run = try OptimiserRuns.run(c, kind, model: bn ? .simpleCNNBatchNorm : .simpleCNN)
            return Arm(optimiser: kind, batchNorm: bn, records: run.records(upTo: epochs), parameters: bn ? bnCount : plainCount)
        }
        let sgd = try arm(.sgd, bn: false, epochs: short), sgdBN = try arm(.sgd, bn: true, epochs: short)
        let adam = try arm(.adam, bn: false, epochs: short), adamBN = try arm(.adam, bn: true, epochs: short)
        let adamLong = try arm(.adam, bn: false, epochs: long), adamLongBN = try arm(.adam, bn: true, epochs: long)
        let hasLongRun = long > short

        var rows: [[String]] = []
        for a in [sgd, sgdBN, adam, adamBN] + (hasLongRun ? [adamLong, adamLongBN] : []) {
            let best = RunComparison.bestTestAccuracy(a.records)
            rows.append([a.label, String(a.records.count), Format.count(a.parameters), Format.decimal(a.firstLoss),
                         Format.percent(a.finalAccuracy), best.map { Format.percent($0.accuracy) } ?? "–",
                         best.map { String($0.epoch) } ?? "–", Format.seconds(a.seconds)])
        }
        let table = TableContent(
            caption: "The SimpleCNN without and with batch norm (BN): trainable parameters, mean training loss of the first epoch, test accuracy after the last epoch and at its best (measured after every epoch), and training time.",
            header: ["run", "epochs", "parameters", "first-epoch loss", "test accuracy", "best test accuracy", "best at epoch", "training time (s)"],
            rows: rows, alignments: [.left, .right, .right, .right, .right, .right, .right, .right])

        let sgdGain = sgdBN.finalAccuracy - sgd.finalAccuracy, adamGain = adamBN.finalAccuracy - adam.finalAccuracy
        let bestPlain = RunComparison.bestTestAccuracy(adamLong.records), bestBN = RunComparison.bestTestAccuracy(adamLongBN.records)
        let bestGap = (bestBN?.accuracy ?? .nan) - (bestPlain?.accuracy ?? .nan)
        let sgdRatio = sgdBN.seconds / sgd.seconds, adamRatio = adamLongBN.seconds / adamLong.seconds
        let plainBelow = adamLong.belowThreshold, bnBelow = adamLongBN.belowThreshold

        let thresholdArms = [sgd, sgdBN, adamLong, adamLongBN]
        let chanceLoss = log(Double(c.classNames.count))
        let initialSpread = try Self.initialLogitSpread(c)
        return SectionContent(values: [
            "short_epochs": .count(short), "long_epochs": .count(long), "has_long_run": .bool(hasLongRun),
            "learning_rate": .string(String(OptimiserRuns.learningRate)),
            "plain_parameters": .count(plainCount), "bn_parameters": .count(bnCount), "bn_extra": .count(bnCount - plainCount),
            "sgd_first_loss": .decimal(sgd.firstLoss), "sgd_bn_first_loss": .decimal(sgdBN.firstLoss),
            "adam_first_loss": .decimal(adam.firstLoss), "adam_bn_first_loss": .decimal(adamBN.firstLoss),
            "chance_loss": .decimal(chanceLoss, digits: 2), "classes": .count(c.classNames.count),
            "sgd_near_chance": .bool(sgd.firstLoss > 0.9 * chanceLoss),
            "initial_logit_std": .decimal(initialSpread, digits: 3),
            "initial_outputs_small": .bool(initialSpread < 0.5),
            "sgd_first_lower_with_bn": .bool(sgdBN.firstLoss < sgd.firstLoss),
            "adam_first_lower_with_bn": .bool(adamBN.firstLoss < adam.firstLoss),
            "sgd_accuracy": .percent(sgd.finalAccuracy), "sgd_bn_accuracy": .percent(sgdBN.finalAccuracy),
            "adam_accuracy": .percent(adam.finalAccuracy), "adam_bn_accuracy": .percent(adamBN.finalAccuracy),
            "bn_helps_sgd": .bool(sgdGain > 0), "sgd_gain": .string(Format.points(abs(sgdGain))),
            "bn_helps_adam": .bool(adamGain > 0), "adam_gain": .string(Format.points(abs(adamGain))),
            "sgd_gain_larger": .bool(sgdGain > adamGain),
            "threshold": .string(String(Self.lossThreshold)),
            "threshold_runs": .list(thresholdArms.enumerated().map { k, a in
                .object(["label": .string(a.label), "reached": .bool(a.belowThreshold != nil),
                         "epoch": .count(a.belowThreshold ?? 0), "epochs": .count(a.records.count),
                         "lowest": .decimal(a.records.map(\.trainLoss).min() ?? .nan),
                         "last": .bool(k == thresholdArms.count - 1)])
            }),
            "threshold_same": .bool(plainBelow != nil && plainBelow == bnBelow),
            "bn_reaches_first": .bool(bnBelow != nil && (plainBelow == nil || bnBelow! < plainBelow!)),
            "plain_reaches_first": .bool(plainBelow != nil && (bnBelow == nil || plainBelow! < bnBelow!)),
            "sgd_seconds": .seconds(sgd.seconds), "sgd_bn_seconds": .seconds(sgdBN.seconds),
            "adam_long_seconds": .seconds(adamLong.seconds), "adam_long_bn_seconds": .seconds(adamLongBN.seconds),
            "sgd_time_ratio": .decimal(sgdRatio, digits: 2), "adam_time_ratio": .decimal(adamRatio, digits: 2),
            "bn_slower": .bool(sgdRatio > 1 && adamRatio > 1), "bn_faster": .bool(sgdRatio < 1 && adamRatio < 1),
            "best_plain": .percent(bestPlain?.accuracy ?? .nan), "best_plain_epoch": .count(bestPlain?.epoch ?? 0),
            "best_bn": .percent(bestBN?.accuracy ?? .nan), "best_bn_epoch": .count(bestBN?.epoch ?? 0),
            "bn_best_higher": .bool(bestGap > 0), "bn_best_equal": .bool(bestGap == 0),
            "best_gap": .string(Format.points(abs(bestGap))),
            "best_gap_images": .count(Int((abs(bestGap) * Double(c.testSet.count)).rounded())),
            "test_images": .count(c.testSet.count),
            "batch_size": .count(OptimiserRuns.config(c, .sgd).batchSize),
            // Batch norm mattered mostly for SGD: its SGD gain exceeds what it changes for Adam.
            "bn_mainly_for_sgd": .bool(sgdGain > 0 && abs(adamGain) < sgdGain && abs(bestGap) < sgdGain),
            "final_long_plain": .percent(adamLong.finalAccuracy), "final_long_bn": .percent(adamLongBN.finalAccuracy),
        ], figures: [
            "bn-curves": FigureContent("", Self.curves([(sgd, sgdBN), (adam, adamBN)])),
            "bn-curves-long": FigureContent("", Self.curves([(adamLong, adamLongBN)], threshold: Self.lossThreshold)),
        ], tables: ["bn-results": table])
    }

    /// Standard deviation of the untrained SimpleCNN's outputs over (up to) 500 test
    /// images: how far from a uniform guess its first predictions are.
    static func initialLogitSpread(_ c: ChapterContext) throws -> Double {
        let model = try Model(kind: .simpleCNN, seed: c.seed)
        let test = c.testSet
        let n = min(500, test.count)
        let x = (0..<n).flatMap { test.image($0).map { Float($0) / 255 } }
        let logits = model.outputs(x, count: n).map(Double.init)
        let mean = logits.reduce(0, +) / Double(logits.count)
        return (logits.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logits.count)).squareRoot()
    }

    /// Training loss, validation loss and test accuracy per epoch, side by side; each
    /// optimiser keeps one colour, dashed without batch norm and solid with it.
    static func curves(_ pairs: [(plain: Arm, bn: Arm)], threshold: Double? = nil) -> Figure {
        func series(_ value: (EpochRecord) -> Double) -> [Series] {
            pairs.enumerated().flatMap { k, pair in
                [pair.plain, pair.bn].map { a in
                    Series(name: a.label, y: a.records.map(value), marker: a.batchNorm ? .square : .circle,
                           color: .cycle(k), dashed: !a.batchNorm)
                }
            }
        }
        var trainSeries = series(\.trainLoss)
        if let threshold, let epochs = pairs.first?.plain.records.count {
            trainSeries.append(Series(name: "loss \(threshold)", x: [1, Double(max(epochs, 2))], y: [threshold, threshold],
                                      style: .line, color: ChartColor(hex: 0x888888), dashed: true))
        }
        let train = LineChart(title: "Training loss", xLabel: "Epoch", yLabel: "Loss", series: trainSeries,
                              xAxis: .epochs, logY: true, legend: .none)
        let validation = LineChart(title: "Validation loss", xLabel: "Epoch", yLabel: "Loss",
                                   series: series { $0.validationLoss ?? .nan }, xAxis: .epochs, logY: true, legend: .none)
        let accuracy = LineChart(title: "Test accuracy", xLabel: "Epoch", yLabel: "Accuracy (%)",
                                 series: series { 100 * ($0.testAccuracy ?? .nan) }, xAxis: .epochs, legend: .outsideRight)
        return Figure(widthPoints: 700, heightPoints: 210, columns: 3, panels: [.line(train), .line(validation), .line(accuracy)])
    }
}
