import Foundation
import FolioCharts
import FolioDocument
import FolioExperiments
import FolioNN

/// The assignment's optimiser comparison: SimpleCNN, lr 0.001, batch 64.
enum OptimiserRuns {
    static let learningRate: Float = 0.001
    static let epochs = 5
    /// Adam also runs longer, and its first five epochs serve the comparison.
    static let longEpochs = 15
    static let optimisers: [OptimizerKind] = [.sgd, .momentum, .rmsprop, .adam]

    static func config(_ c: ChapterContext, _ optimizer: OptimizerKind, model: ModelKind = .simpleCNN) -> TrainingConfig {
        TrainingConfig(model: model, optimizer: optimizer, learningRate: learningRate, seed: c.seed,
                       dataset: c.data.kind, trainCount: c.profile.trainCount,
                       validationCount: c.profile.validationCount, testCount: c.profile.testCount)
    }

    /// Adam trains its long run once; every other optimiser its five epochs.
    static func run(_ c: ChapterContext, _ optimizer: OptimizerKind, model: ModelKind = .simpleCNN) throws -> TrainingRun {
        let epochs = optimizer == .adam ? c.profile.epochs(longEpochs) : c.profile.epochs(Self.epochs)
        return try c.runner.train(config(c, optimizer, model: model), epochs: epochs)
    }
}

/// 1.1: four optimisers trained and compared; the best one kept; Adam's long run.
struct TrainingCurvesChapter: Chapter {
    static let name = "training-curves"

    func content(_ c: ChapterContext) throws -> SectionContent {
        let epochs = c.profile.epochs(OptimiserRuns.epochs)
        let names = c.classNames
        var values: [String: TemplateValue] = [:]
        var figures: [String: FigureContent] = [:]
        var listings: [String: ListingContent] = [:]
        var rows: [[String]] = []
        var results: [(kind: OptimizerKind, run: TrainingRun, test: EvaluationRecord)] = []
        for kind in OptimiserRuns.optimisers {
            let run = try OptimiserRuns.run(c, kind)
            let test = try run.testEvaluation(atEpoch: epochs)
            results.append((kind, run, test))
            let r = run.records(upTo: epochs)
            let key = kind.rawValue
            figures["curves-\(key)"] = FigureContent("", Curves.perEpoch(r))
            let cm = ConfusionMatrix(predictions: test.predictions, labels: test.labels, classCount: names.count)
            figures["confusion-\(key)"] = FigureContent("", Figure(widthPoints: 330, heightPoints: 290,
                .heatmap(.confusionMatrix(cm.counts, classNames: names, title: nil))))
            listings["report-\(key)"] = ListingContent(caption: "Classification report of \(kind.displayName) on the test set.",
                                                       text: classificationReport(cm, classNames: names, digits: 4))
            rows.append([kind.displayName, Format.percent(test.accuracy), Format.decimal(r.first?.trainLoss ?? .nan),
                         Format.decimal(r.last?.trainLoss ?? .nan), Format.decimal(r.last?.validationLoss ?? .nan),
                         Format.percent(r.last?.validationAccuracy ?? .nan), Format.seconds(run.trainingSeconds(upTo: epochs))])
        }
        let table = TableContent(
            caption: "The four optimisers after \(epochs) epochs (learning rate 0.001, batch 64).",
            header: ["optimiser", "test accuracy", "first-epoch loss", "final training loss", "final validation loss", "final validation accuracy", "training time (s)"],
            rows: rows, alignments: [.left, .right, .right, .right, .right, .right, .right])
        figures["comparison"] = FigureContent("", Curves.comparison(results.map { ($0.kind.displayName, $0.run.records(upTo: epochs)) }))

        let ranked = results.sorted { $0.test.accuracy > $1.test.accuracy }
        values["ranking"] = .list(ranked.enumerated().map { k, r in
            .object(["name": .string(r.kind.displayName), "accuracy": .percent(r.test.accuracy),
                     "last": .bool(k == ranked.count - 1)])
        })
        // The explanation of the ranking holds only if both adaptive methods beat both SGD variants.
        let accuracy = Dictionary(uniqueKeysWithValues: results.map { ($0.kind, $0.test.accuracy) })
        values["adaptive_lead"] = .bool(min(accuracy[.rmsprop]!, accuracy[.adam]!) > max(accuracy[.sgd]!, accuracy[.momentum]!))
        let best = ranked[0]
        let worst = ranked[ranked.count - 1]
        values["best_optimiser"] = .string(best.kind.displayName)
        values["best_accuracy"] = .percent(best.test.accuracy)
        values["worst_optimiser"] = .string(worst.kind.displayName)
        values["worst_accuracy"] = .percent(worst.test.accuracy)
        values["spread"] = .string(Format.points(best.test.accuracy - worst.test.accuracy))
        let bestFile = c.outputDirectory.appendingPathComponent("best-model-\(best.kind.rawValue).safetensors")
        try (try best.run.model(atEpoch: epochs)).saveCheckpoint(to: bestFile, metadata: ["epochs": "\(epochs)", "optimizer": best.kind.rawValue])
        values["best_model_file"] = .string(bestFile.lastPathComponent)

        let cm = ConfusionMatrix(predictions: best.test.predictions, labels: best.test.labels, classCount: names.count)
        let errors = best.test.count - cm.correct
        values["best_errors"] = .count(errors)
        values["test_images"] = .count(best.test.count)
        values["confusions"] = .list(cm.mostConfused(top: 3).map {
            .object(["true": .string(names[$0.trueClass]), "predicted": .string(names[$0.predicted]), "count": .count($0.count)])
        })

        // Adam's longer run: test accuracy per epoch, and where validation loss bottoms out.
        let adam = results.first { $0.kind == .adam }!.run
        let long = adam.records(upTo: c.profile.epochs(OptimiserRuns.longEpochs))
        let minIndex = long.indices.min { (long[$0].validationLoss ?? .infinity) < (long[$1].validationLoss ?? .infinity) } ?? 0
        let after = long[(minIndex + 1)...]
        let trainFellAfter = (after.last?.trainLoss ?? .infinity) < long[minIndex].trainLoss
        let overfits = !after.isEmpty && after.allSatisfy { ($0.validationLoss ?? 0) > (long[minIndex].validationLoss ?? 0) } && trainFellAfter
        values["long_epochs"] = .count(long.count)
        values["best_val_epoch"] = .count(long[minIndex].epoch)
        values["best_val_loss"] = .decimal(long[minIndex].validationLoss ?? .nan)
        values["last_val_loss"] = .decimal(long.last?.validationLoss ?? .nan)
        values["first_train_loss"] = .decimal(long.first?.trainLoss ?? .nan)
        values["last_train_loss"] = .decimal(long.last?.trainLoss ?? .nan)
        values["overfits"] = .bool(overfits)
        values["first_test_accuracy"] = .percent(long.first?.testAccuracy ?? .nan)
        values["last_test_accuracy"] = .percent(long.last?.testAccuracy ?? .nan)
        let bestTest = long.max { ($0.testAccuracy ?? 0) < ($1.testAccuracy ?? 0) }
        values["best_test_accuracy"] = .percent(bestTest?.testAccuracy ?? .nan)
        values["best_test_epoch"] = .count(bestTest?.epoch ?? 0)
        let longTable = TableContent(
            caption: "Adam trained for \(long.count) epochs: losses and accuracies after every epoch.",
            header: ["epoch", "training loss", "validation loss", "validation accuracy", "test accuracy"],
            rows: long.map { [String($0.epoch), Format.decimal($0.trainLoss), Format.decimal($0.validationLoss ?? .nan),
                              Format.percent($0.validationAccuracy ?? .nan), Format.percent($0.testAccuracy ?? .nan)] },
            alignments: [.right, .right, .right, .right, .right])
        figures["long-adam"] = FigureContent("", Curves.perEpoch(long))
        values["epochs"] = .count(epochs)
        values["learning_rate"] = "0.001"
        values["batch_size"] = "64"
        values["train_images"] = .count(c.profile.trainCount)
        return SectionContent(values: values, figures: figures, tables: ["optimisers": table, "long-adam": longTable],
                              listings: listings)
    }
}

extension OptimiserRuns {
    /// The optimiser whose 5-epoch model scores best on the test set (1.1's choice,
    /// which Part 2 and Part 3 analyse), with that model.
    static func best(_ c: ChapterContext) throws -> (kind: OptimizerKind, run: TrainingRun, model: Model) {
        let epochs = c.profile.epochs(Self.epochs)
        var best: (kind: OptimizerKind, run: TrainingRun, accuracy: Double)?
        for kind in optimisers {
            let run = try run(c, kind)
            let accuracy = try run.testEvaluation(atEpoch: epochs).accuracy
            if best == nil || accuracy > best!.accuracy { best = (kind, run, accuracy) }
        }
        return (best!.kind, best!.run, try best!.run.model(atEpoch: epochs))
    }
}
