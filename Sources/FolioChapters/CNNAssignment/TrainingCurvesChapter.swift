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

/// 1.1: four optimisers trained and compared; the model for Parts 2–3 chosen on
/// validation data; Adam's long run with its early-stopping epoch.
struct TrainingCurvesChapter: Chapter {
    static let name = "training-curves"
    /// One curve, confusion matrix and classification report per optimiser, named by
    /// its key, which the template's per-optimiser section spells as `{{key}}`.
    static let declaration = ContentDeclaration(
        values: """
            adaptive_lead? alpha batch_size best_val_epoch best_val_loss
            chosen_is_test_best? chosen_model_file chosen_model_href chosen_optimiser chosen_test chosen_validation
            chosen_vs_test_best[\(AccuracyComparison.fields)] epochs first_test_accuracy first_train_loss
            last_test_accuracy last_train_loss last_val_loss learning_rate long_epochs
            optimisers[errors first_loss first_validation has_confusion? key last_gain last_loss last_validation
                       model_file model_href name rising? rising_threshold test_images top_count top_predicted top_true
                       validation_moved? weakest_class weakest_recall]
            overfits? ranking[accuracy last? name] selected_is_last? selected_test_accuracy
            steps[gap higher lower only_first only_second p significant?]
            stopping[\(AccuracyComparison.fields)] test_best_optimiser test_images train_images validation_images
            """,
        figures: ["comparison", "long-adam"] + OptimiserRuns.optimisers.flatMap { ["curves-\($0.rawValue)", "confusion-\($0.rawValue)"] },
        tables: ["long-adam", "optimiser-tests", "optimisers"],
        listings: OptimiserRuns.optimisers.map { "report-\($0.rawValue)" },
        samples: ["optimisers.key": OptimiserRuns.optimisers.map(\.rawValue)])
    /// A last-epoch change of validation accuracy above this many percentage points
    /// counts as "still rising" (10 of 10,000 validation images).
    static let risingPoints = 0.1

    func content(_ c: ChapterContext) throws -> SectionContent {
        let epochs = c.profile.epochs(OptimiserRuns.epochs)
        let names = c.classNames
        var values: [String: TemplateValue] = [:]
        var figures: [String: FigureContent] = [:]
        var listings: [String: ListingContent] = [:]
        var files: [String: [UInt8]] = [:]
        var rows: [[String]] = []
        var results: [(kind: OptimizerKind, run: TrainingRun, test: EvaluationRecord)] = []
        var sections: [TemplateValue] = []
        // Every optimiser's network after the comparison's epochs, as the table reports it.
        var saved: [OptimizerKind: SavedModel] = [:]
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
            let model = try SavedModel(c, name: "simple-cnn-\(key)", run: run, epoch: epochs)
            saved[kind] = model
            files.merge(model.files) { a, _ in a }
            sections.append(.object(Self.optimiserSection(kind, records: r, matrix: cm, classNames: names,
                                                           validationImages: run.config.validationCount)
                .merging(model.values) { a, _ in a }))
        }
        values["optimisers"] = .list(sections)
        let table = TableContent(
            caption: "The four optimisers after \(epochs) epochs (learning rate \(Format.number(Double(OptimiserRuns.learningRate))), batch \(OptimiserRuns.config(c, .sgd).batchSize)).",
            header: ["optimiser", "test accuracy", "first-epoch loss", "final training loss", "final validation loss", "final validation accuracy", "training time (s)"],
            rows: rows, alignments: [.left, .right, .right, .right, .right, .right, .right])
        figures["comparison"] = FigureContent("", Curves.comparison(results.map { ($0.kind.displayName, $0.run.records(upTo: epochs)) }))

        // Every pair of optimisers by McNemar's test, Holm-adjusted over the six pairs.
        let pairs = results.indices.flatMap { i in results.indices.filter { $0 > i }.map { (i, $0) } }
        let raw = pairs.map { AccuracyComparison(results[$0.0].test, results[$0.1].test).test.pValue }
        let adjusted = holmAdjusted(raw)
        var comparison: [Int: [Int: AccuracyComparison]] = [:]
        for (k, (i, j)) in pairs.enumerated() {
            comparison[i, default: [:]][j] = AccuracyComparison(results[i].test, results[j].test, adjustedP: adjusted[k])
            comparison[j, default: [:]][i] = AccuracyComparison(results[j].test, results[i].test, adjustedP: adjusted[k])
        }
        let testRows = pairs.enumerated().map { k, pair -> [String] in
            let t = comparison[pair.0]![pair.1]!
            return [results[pair.0].kind.displayName + " – " + results[pair.1].kind.displayName,
                    Format.count(t.test.onlyFirstCorrect), Format.count(t.test.onlySecondCorrect),
                    Format.probability(raw[k]), Format.probability(adjusted[k]),
                    t.significant ? (t.difference > 0 ? results[pair.0].kind.displayName : results[pair.1].kind.displayName) + " better"
                                  : "no significant difference"]
        }
        let testTable = TableContent(
            caption: "Each pair of optimisers compared on the test images: images only the first or only the second gets right, McNemar's exact p-value and Holm's adjustment for six comparisons; verdicts at the 0.05 level.",
            header: ["pair", "only first right", "only second right", "p", "p (Holm)", "verdict"],
            rows: testRows, alignments: [.left, .right, .right, .right, .right, .left])

        let order = results.indices.sorted { results[$0].test.accuracy > results[$1].test.accuracy }
        values["ranking"] = .list(order.enumerated().map { k, i in
            .object(["name": .string(results[i].kind.displayName), "accuracy": .accuracy(results[i].test),
                     "last": .bool(k == order.count - 1)])
        })
        // Each optimiser against the next in the ranking: is the step between them real?
        values["steps"] = .list(zip(order, order.dropFirst()).map { i, j in
            var o = comparison[i]![j]!.values
            o["higher"] = .string(results[i].kind.displayName)
            o["lower"] = .string(results[j].kind.displayName)
            return .object(o)
        })
        // The adaptive methods lead only if both are significantly better than both SGD variants.
        let index = Dictionary(uniqueKeysWithValues: results.indices.map { (results[$0].kind, $0) })
        values["adaptive_lead"] = .bool([OptimizerKind.rmsprop, .adam].allSatisfy { a in
            [OptimizerKind.sgd, .momentum].allSatisfy { s in comparison[index[a]!]![index[s]!]!.firstBetter }
        })
        values["alpha"] = AccuracyComparison.alphaText

        // The model kept for Parts 2 and 3: the best validation accuracy after the comparison's epochs.
        let chosen = try OptimiserRuns.best(c)
        let chosenIndex = index[chosen.kind]!
        let testBest = order[0]
        values["chosen_optimiser"] = .string(chosen.kind.displayName)
        values["chosen_validation"] = .percent(results[chosenIndex].run.records(upTo: epochs).last?.validationAccuracy ?? .nan,
                                               of: results[chosenIndex].run.config.validationCount)
        values["chosen_test"] = .accuracy(results[chosenIndex].test)
        values["chosen_is_test_best"] = .bool(chosenIndex == testBest)
        values["test_best_optimiser"] = .string(results[testBest].kind.displayName)
        // A list of none or one: there is a comparison only when the two differ.
        values["chosen_vs_test_best"] = .list(chosenIndex == testBest ? [] : [.object(comparison[chosenIndex]![testBest]!.values)])
        values.merge(saved[chosen.kind]!.values(prefix: "chosen_")) { a, _ in a }

        // Adam's longer run: where validation loss bottoms out, and what stopping there gives on the test set.
        let adam = results[index[.adam]!].run
        let long = adam.records(upTo: c.profile.epochs(OptimiserRuns.longEpochs))
        let selected = RunComparison.selectedEpoch(long) ?? long[long.count - 1]
        let minIndex = long.firstIndex { $0.epoch == selected.epoch }!
        let after = long[(minIndex + 1)...]
        let trainFellAfter = (after.last?.trainLoss ?? .infinity) < selected.trainLoss
        let overfits = !after.isEmpty && after.allSatisfy { ($0.validationLoss ?? 0) > (selected.validationLoss ?? 0) } && trainFellAfter
        values["long_epochs"] = .count(long.count)
        values["best_val_epoch"] = .count(selected.epoch)
        values["best_val_loss"] = .decimal(selected.validationLoss ?? .nan)
        values["last_val_loss"] = .decimal(long.last?.validationLoss ?? .nan)
        values["first_train_loss"] = .decimal(long.first?.trainLoss ?? .nan)
        values["last_train_loss"] = .decimal(long.last?.trainLoss ?? .nan)
        values["overfits"] = .bool(overfits)
        values["first_test_accuracy"] = .percent(long.first?.testAccuracy ?? .nan, of: adam.testSet.count)
        values["last_test_accuracy"] = .percent(long.last?.testAccuracy ?? .nan, of: adam.testSet.count)
        values["selected_test_accuracy"] = .percent(selected.testAccuracy ?? .nan, of: adam.testSet.count)
        values["selected_is_last"] = .bool(selected.epoch == long.count)
        let stopping = AccuracyComparison(try adam.testEvaluation(atEpoch: selected.epoch), try adam.testEvaluation(atEpoch: long.count))
        values["stopping"] = .list(selected.epoch == long.count ? [] : [.object(stopping.values)])
        let longTable = TableContent(
            caption: "Adam trained for \(long.count) epochs: losses and accuracies after every epoch.",
            header: ["epoch", "training loss", "validation loss", "validation accuracy", "test accuracy"],
            rows: long.map { [String($0.epoch), Format.decimal($0.trainLoss), Format.decimal($0.validationLoss ?? .nan),
                              Format.percent($0.validationAccuracy ?? .nan), Format.percent($0.testAccuracy ?? .nan)] },
            alignments: [.right, .right, .right, .right, .right])
        figures["long-adam"] = FigureContent("", Curves.perEpoch(long))
        values["epochs"] = .count(epochs)
        values["learning_rate"] = .number(OptimiserRuns.learningRate)
        values["batch_size"] = .count(OptimiserRuns.config(c, .sgd).batchSize)
        values["train_images"] = .count(c.profile.trainCount)
        values["validation_images"] = .count(c.profile.validationCount)
        values["test_images"] = .count(results[0].test.count)
        return SectionContent(values: values, figures: figures,
                              tables: ["optimisers": table, "optimiser-tests": testTable, "long-adam": longTable],
                              listings: listings, files: files)
    }

    /// What one optimiser's curves and confusion matrix show, for its subsection.
    static func optimiserSection(_ kind: OptimizerKind, records r: [EpochRecord], matrix cm: ConfusionMatrix,
                                 classNames names: [String], validationImages: Int) -> [String: TemplateValue] {
        let accuracies = r.map { $0.validationAccuracy ?? .nan }
        let lastGain = accuracies.count > 1 ? accuracies[accuracies.count - 1] - accuracies[accuracies.count - 2] : .nan
        let top = cm.mostConfused(top: 1).first
        let rows = names.indices.map { cm.counts[$0].reduce(0, +) }
        let recalls = names.indices.map { k -> Double in
            rows[k] > 0 ? Double(cm.counts[k][k]) / Double(rows[k]) : .nan
        }
        let weakest = recalls.indices.min { recalls[$0] < recalls[$1] }!
        return [
            "name": .string(kind.displayName), "key": .string(kind.rawValue),
            "first_loss": .decimal(r.first?.trainLoss ?? .nan), "last_loss": .decimal(r.last?.trainLoss ?? .nan),
            "first_validation": .percent(accuracies.first ?? .nan, of: validationImages),
            "last_validation": .percent(accuracies.last ?? .nan, of: validationImages),
            "validation_moved": .bool(Format.percent(accuracies.first ?? .nan) != Format.percent(accuracies.last ?? .nan)),
            "last_gain": .points(lastGain),
            "rising": .bool(100 * lastGain > risingPoints), "rising_threshold": .number(risingPoints, unit: "points"),
            "errors": .count(cm.total - cm.correct), "test_images": .count(cm.total),
            "top_true": .string(names[top?.trueClass ?? 0]), "top_predicted": .string(names[top?.predicted ?? 0]),
            "top_count": .count(top?.count ?? 0), "has_confusion": .bool(top != nil),
            "weakest_class": .string(names[weakest]), "weakest_recall": .percent(recalls[weakest], of: rows[weakest]),
        ]
    }
}

extension OptimiserRuns {
    /// The optimiser whose model has the best validation accuracy after the
    /// comparison's epochs (1.1's choice, which Part 2 and Part 3 analyse), with that
    /// model. Chosen on validation data: the test set only reports.
    static func best(_ c: ChapterContext) throws -> (kind: OptimizerKind, run: TrainingRun, model: Model) {
        let epochs = c.profile.epochs(Self.epochs)
        var best: (kind: OptimizerKind, run: TrainingRun, accuracy: Double)?
        for kind in optimisers {
            let run = try run(c, kind)
            let accuracy = run.records(upTo: epochs).last?.validationAccuracy ?? -.infinity
            if best == nil || accuracy > best!.accuracy { best = (kind, run, accuracy) }
        }
        return (best!.kind, best!.run, try best!.run.model(atEpoch: epochs))
    }
}
