import Foundation
import FolioCharts
import FolioDocument
import FolioExperiments
import FolioNN

/// 1.6: the SimpleCNN with and without batch normalisation, trained with SGD and
/// with Adam; the plain runs are 1.1's, served from the cache.
struct BatchNormChapter: Chapter {
    static let name = "batch-norm"
    static let declaration = ContentDeclaration(
        values: """
            adam_accuracy adam_bn_accuracy adam_bn_better? adam_bn_first_loss adam_bn_model_file adam_bn_model_href
            adam_bn_worse? adam_first_loss
            adam_first_lower_with_bn? adam_loss_ratio_first adam_loss_ratio_last
            adam_test{\(AccuracyComparison.fields)} adam_time{bn_faster? bn_max bn_median bn_min bn_slower?
            bn_spread? epochs p plain_max plain_median plain_min plain_spread? ratio} alpha batch_size
            bn_extra bn_only_for_sgd? bn_parameters bn_reaches_first? bn_selected_accuracy bn_selected_epoch
            chance_loss classes final_long_bn final_long_plain has_long_run? initial_logit_std
            initial_outputs_small? learning_rate long_bn_better? long_bn_worse? long_epochs
            long_test{\(AccuracyComparison.fields)} plain_parameters plain_reaches_first?
            plain_selected_accuracy plain_selected_epoch sgd_accuracy sgd_bn_accuracy sgd_bn_better?
            sgd_bn_first_loss sgd_bn_model_file sgd_bn_model_href sgd_bn_worse? sgd_first_loss sgd_first_lower_with_bn? sgd_loss_ratio_first
            sgd_loss_ratio_last sgd_near_chance? sgd_test{\(AccuracyComparison.fields)} sgd_time{bn_faster?
            bn_max bn_median bn_min bn_slower? bn_spread? epochs p plain_max plain_median plain_min
            plain_spread? ratio} short_epochs test_images threshold threshold_runs[epoch epochs label last?
            lowest reached?] threshold_same?
            """,
        figures: ["bn-curves", "bn-curves-long"],
        tables: ["bn-results"])
    /// The training loss the comparison asks each run to get below.
    static let lossThreshold = 0.05

    /// One trained configuration, cut to the epochs a comparison uses.
    struct Arm {
        let optimiser: OptimizerKind
        let batchNorm: Bool
        let run: TrainingRun
        let records: [EpochRecord]
        var label: String { optimiser.displayName + (batchNorm ? " + BN" : "") }
        var firstLoss: Double { records.first?.trainLoss ?? .nan }
        var lastLoss: Double { records.last?.trainLoss ?? .nan }
        var finalAccuracy: Double { RunComparison.finalTestAccuracy(records) }
        /// The per-epoch test accuracies are measured on the run's test images.
        func accuracy(_ fraction: Double) -> TemplateValue { .percent(fraction, of: run.testSet.count) }
        var seconds: Double { records.reduce(0) { $0 + $1.seconds } }
        var belowThreshold: Int? { RunComparison.firstEpoch(trainLossBelow: BatchNormChapter.lossThreshold, in: records) }
        /// The early-stopping epoch: lowest validation loss.
        var selected: EpochRecord { RunComparison.selectedEpoch(records) ?? records[records.count - 1] }
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let short = c.profile.epochs(OptimiserRuns.epochs), long = c.profile.epochs(OptimiserRuns.longEpochs)
        let plainCount = try Model(kind: .simpleCNN, seed: c.seed).parameterCount
        let bnCount = try Model(kind: .simpleCNNBatchNorm, seed: c.seed).parameterCount
        func arm(_ kind: OptimizerKind, bn: Bool, epochs: Int) throws -> Arm {
            let run = try OptimiserRuns.run(c, kind, model: bn ? .simpleCNNBatchNorm : .simpleCNN)
            return Arm(optimiser: kind, batchNorm: bn, run: run, records: run.records(upTo: epochs))
        }
        let sgd = try arm(.sgd, bn: false, epochs: short), sgdBN = try arm(.sgd, bn: true, epochs: short)
        let adam = try arm(.adam, bn: false, epochs: short), adamBN = try arm(.adam, bn: true, epochs: short)
        let adamLong = try arm(.adam, bn: false, epochs: long), adamLongBN = try arm(.adam, bn: true, epochs: long)
        let hasLongRun = long > short

        var rows: [[String]] = []
        for a in [sgd, sgdBN, adam, adamBN] + (hasLongRun ? [adamLong, adamLongBN] : []) {
            rows.append([a.label, String(a.records.count), Format.decimal(a.firstLoss),
                         Format.percent(a.finalAccuracy), String(a.selected.epoch), Format.percent(a.selected.testAccuracy ?? .nan),
                         Format.seconds(a.seconds)])
        }
        let table = TableContent(
            caption: "The SimpleCNN without and with batch norm (BN): mean training loss of the first epoch, test accuracy after the last epoch, the epoch of lowest validation loss (early stopping) with its test accuracy, and training time.",
            header: ["run", "epochs", "first-epoch loss", "test accuracy, last epoch", "stopping epoch", "test accuracy there", "training time (s)"],
            rows: rows, alignments: [.left, .right, .right, .right, .right, .right, .right])

        // Accuracy comparisons, each by McNemar's test on the same test images.
        let sgdTest = AccuracyComparison(try bn(sgdBN, short), try bn(sgd, short))
        let adamTest = AccuracyComparison(try bn(adamBN, short), try bn(adam, short))
        let longTest = AccuracyComparison(try bn(adamLongBN, adamLongBN.selected.epoch), try bn(adamLong, adamLong.selected.epoch))
        let plainBelow = adamLong.belowThreshold, bnBelow = adamLongBN.belowThreshold

        let thresholdArms = [sgd, sgdBN, adamLong, adamLongBN]
        let chanceLoss = log(Double(c.classNames.count))
        let initialSpread = try Self.initialLogitSpread(c)
        let sgdTime = EpochTimes(plain: sgd.records, bn: sgdBN.records)
        let adamTime = EpochTimes(plain: adamLong.records, bn: adamLongBN.records)
        // Both networks with batch norm, each after its last epoch (the plain ones are 1.1's).
        let sgdSaved = try SavedModel(c, name: "simple-cnn-bn-sgd", run: sgdBN.run, epoch: short)
        let adamSaved = try SavedModel(c, name: "simple-cnn-bn-adam", run: adamLongBN.run, epoch: long)
        var values: [String: TemplateValue] = [
            "short_epochs": .count(short), "long_epochs": .count(long), "has_long_run": .bool(hasLongRun),
            "learning_rate": .number(OptimiserRuns.learningRate),
            "plain_parameters": .count(plainCount), "bn_parameters": .count(bnCount), "bn_extra": .count(bnCount - plainCount),
            "sgd_first_loss": .decimal(sgd.firstLoss), "sgd_bn_first_loss": .decimal(sgdBN.firstLoss),
            "adam_first_loss": .decimal(adam.firstLoss), "adam_bn_first_loss": .decimal(adamBN.firstLoss),
            "chance_loss": .decimal(chanceLoss, digits: 2), "classes": .count(c.classNames.count),
            "sgd_near_chance": .bool(sgd.firstLoss > 0.9 * chanceLoss),
            "initial_logit_std": .decimal(initialSpread, digits: 3),
            "initial_outputs_small": .bool(initialSpread < 0.5),
            "sgd_first_lower_with_bn": .bool(sgdBN.firstLoss < sgd.firstLoss),
            "adam_first_lower_with_bn": .bool(adamBN.firstLoss < adam.firstLoss),
            "sgd_accuracy": sgd.accuracy(sgd.finalAccuracy), "sgd_bn_accuracy": sgdBN.accuracy(sgdBN.finalAccuracy),
            "adam_accuracy": adam.accuracy(adam.finalAccuracy), "adam_bn_accuracy": adamBN.accuracy(adamBN.finalAccuracy),
            "sgd_loss_ratio_first": .decimal(sgd.firstLoss / sgdBN.firstLoss, digits: 2),
            "sgd_loss_ratio_last": .decimal(sgd.lastLoss / sgdBN.lastLoss, digits: 2),
            "adam_loss_ratio_first": .decimal(adam.firstLoss / adamBN.firstLoss, digits: 2),
            "adam_loss_ratio_last": .decimal(adam.lastLoss / adamBN.lastLoss, digits: 2),
            "sgd_test": .object(sgdTest.values), "adam_test": .object(adamTest.values), "long_test": .object(longTest.values),
            "sgd_bn_better": .bool(sgdTest.firstBetter), "sgd_bn_worse": .bool(sgdTest.secondBetter),
            "adam_bn_better": .bool(adamTest.firstBetter), "adam_bn_worse": .bool(adamTest.secondBetter),
            "long_bn_better": .bool(longTest.firstBetter), "long_bn_worse": .bool(longTest.secondBetter),
            "alpha": AccuracyComparison.alphaText,
            // Batch norm matters for SGD but not for Adam: significant with one, not with the other.
            "bn_only_for_sgd": .bool(sgdTest.firstBetter && !adamTest.significant && !longTest.significant),
            "threshold": .number(Self.lossThreshold),
            "threshold_runs": .list(thresholdArms.enumerated().map { k, a in
                .object(["label": .string(a.label), "reached": .bool(a.belowThreshold != nil),
                         "epoch": .count(a.belowThreshold ?? 0), "epochs": .count(a.records.count),
                         "lowest": .decimal(a.records.map(\.trainLoss).min() ?? .nan),
                         "last": .bool(k == thresholdArms.count - 1)])
            }),
            "threshold_same": .bool(plainBelow != nil && plainBelow == bnBelow),
            "bn_reaches_first": .bool(bnBelow != nil && (plainBelow == nil || bnBelow! < plainBelow!)),
            "plain_reaches_first": .bool(plainBelow != nil && (bnBelow == nil || plainBelow! < bnBelow!)),
            "sgd_time": .object(sgdTime.values), "adam_time": .object(adamTime.values),
            "plain_selected_epoch": .count(adamLong.selected.epoch), "bn_selected_epoch": .count(adamLongBN.selected.epoch),
            "plain_selected_accuracy": adamLong.accuracy(adamLong.selected.testAccuracy ?? .nan),
            "bn_selected_accuracy": adamLongBN.accuracy(adamLongBN.selected.testAccuracy ?? .nan),
            "test_images": .count(c.testSet.count),
            "batch_size": .count(OptimiserRuns.config(c, .sgd).batchSize),
            "final_long_plain": adamLong.accuracy(adamLong.finalAccuracy), "final_long_bn": adamLongBN.accuracy(adamLongBN.finalAccuracy),
        ]
        values.merge(sgdSaved.values(prefix: "sgd_bn_")) { a, _ in a }
        values.merge(adamSaved.values(prefix: "adam_bn_")) { a, _ in a }
        return SectionContent(values: values, figures: [
            "bn-curves": FigureContent("", Self.curves([(sgd, sgdBN), (adam, adamBN)])),
            "bn-curves-long": FigureContent("", Self.curves([(adamLong, adamLongBN)], threshold: Self.lossThreshold)),
        ], tables: ["bn-results": table], files: sgdSaved.files.merging(adamSaved.files) { a, _ in a })
    }

    /// An arm's test evaluation after `epoch` epochs.
    private func bn(_ a: Arm, _ epoch: Int) throws -> EvaluationRecord { try a.run.testEvaluation(atEpoch: epoch) }

    /// Per-epoch wall times of two runs: each epoch is one repeated measurement, so
    /// the comparison has a spread. "Slower" means the rank-sum test over the epochs
    /// finds the batch-norm epochs longer at the reports' significance level;
    /// otherwise the difference is within the variation of the measurements.
    struct EpochTimes {
        let plain: [Double], bn: [Double]
        let test: RankSumTest
        init(plain: [EpochRecord], bn: [EpochRecord]) {
            self.plain = plain.map(\.seconds); self.bn = bn.map(\.seconds)
            test = RankSumTest(self.bn, self.plain)
        }

        static func median(_ x: [Double]) -> Double {
            let s = x.sorted(); let n = s.count
            return n == 0 ? .nan : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
        }
        var ratio: Double { Self.median(bn) / Self.median(plain) }
        var bnSlower: Bool { test.isSignificant(at: AccuracyComparison.alpha) && ratio > 1 }
        var bnFaster: Bool { test.isSignificant(at: AccuracyComparison.alpha) && ratio < 1 }

        var values: [String: TemplateValue] {
            ["epochs": .count(plain.count),
             "plain_median": .seconds(Self.median(plain)), "plain_min": .seconds(plain.min() ?? .nan), "plain_max": .seconds(plain.max() ?? .nan),
             "bn_median": .seconds(Self.median(bn)), "bn_min": .seconds(bn.min() ?? .nan), "bn_max": .seconds(bn.max() ?? .nan),
             "ratio": .decimal(ratio, digits: 2), "bn_slower": .bool(bnSlower), "bn_faster": .bool(bnFaster),
             "p": .pValue(test.pValue),
             // Whether the printed range has two ends (otherwise "from 1.44 to 1.44").
             "plain_spread": .bool(Format.seconds(plain.min() ?? .nan) != Format.seconds(plain.max() ?? .nan)),
             "bn_spread": .bool(Format.seconds(bn.min() ?? .nan) != Format.seconds(bn.max() ?? .nan))]
        }
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
        let accuracySeries = series { 100 * ($0.testAccuracy ?? .nan) }
        var key = accuracySeries
        if let threshold, let epochs = pairs.first?.plain.records.count {
            let line = Series(name: "loss \(threshold)", x: [1, Double(max(epochs, 2))], y: [threshold, threshold],
                              style: .line, color: ChartColor(hex: 0x888888), dashed: true)
            trainSeries.append(line)
            key.append(line)
        }
        let train = LineChart(title: "Training loss", xLabel: "Epoch", yLabel: "Loss", series: trainSeries,
                              xAxis: .epochs, logY: true, legend: .none)
        let validation = LineChart(title: "Validation loss", xLabel: "Epoch", yLabel: "Loss",
                                   series: series { $0.validationLoss ?? .nan }, xAxis: .epochs, logY: true, legend: .none)
        let accuracy = LineChart(title: "Test accuracy", xLabel: "Epoch", yLabel: "Accuracy (%)",
                                 series: accuracySeries, xAxis: .epochs, legend: .none)
        // Three panels across the text column; one key under them leaves each its width.
        return Figure(widthPoints: PrintSize.textWidth, heightPoints: 250, columns: 3,
                      panels: [.line(train), .line(validation), .line(accuracy)], key: key)
    }
}
