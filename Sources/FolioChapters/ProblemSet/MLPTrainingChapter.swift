import Foundation
import FolioCharts
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// 2.3: the MLP trained on standardised inputs, inspected, and compared with the
/// same training on unstandardised inputs.
struct MLPTrainingChapter: Chapter {
    static let name = "mlp-training"
    static let declaration = ContentDeclaration(
        values: """
            batch_mean batch_size batch_std batches_per_epoch best_test_epoch confident_errors
            confident_level correct_confidence dataset_name epochs error_confidence error_count
            errors_less_sure? examples_per_pair failure_pairs[class_slant confidence count heavier?
            ink_ratio lighter? more_left? more_right? predicted_name row similar_ink? similar_slant? slant
            slant_difference surest surest_confidence true_name true_probability] first20_correct
            first_logged_batch first_logged_loss first_test_loss gap gap_threshold has_confident_errors?
            images_per_second ink_margin large_gap? last_epoch_loss last_logged_batch last_logged_loss
            last_test_loss learning_rate log_every model_file model_href parameters pixel_mean pixel_std protocol_all?
            protocol_default_train protocol_default_validation protocol_epochs protocol_train_images seed
            slant_margin small_gap? std_first_better? std_only_first std_only_second std_p
            std_second_better? std_tie? test_accuracy test_images test_loss_kept_falling? test_not_below?
            top_pairs top_share train_accuracy train_images train_seconds train_total with_accuracy
            with_first_loss with_loss without_accuracy without_first_loss without_loss
            """,
        figures: ["confusion-examples", "first-errors", "first-predictions", "loss", "standardisation", "training-digits"],
        tables: ["confusions", "standardisation"],
        listings: ["mlp-module", "mlp-summary"])

    func content(_ c: ChapterContext) throws -> SectionContent {
        let run = try ProblemSetRuns.mlp(c)
        let plain = try ProblemSetRuns.mlp(c, standardised: false)
        let epochs = ProblemSetRuns.epochs(c)
        let records = run.records(upTo: epochs)
        let test = try run.testEvaluation(atEpoch: epochs)
        let testSet = run.testSet
        let names = c.classNames
        var values: [String: TemplateValue] = [:]
        var figures: [String: FigureContent] = [:]
        var tables: [String: TableContent] = [:]

        // Data statistics, and one standardised batch.
        let trainSplit = c.data.train.subset(run.split.train)
        let stats = trainSplit.pixelStatistics()
        let batchSize = run.config.batchSize
        let sampler = BatchSampler(set: c.data.train, indices: run.split.train, batchSize: batchSize,
                                   shuffle: true, seed: c.seed, normalization: run.normalization)
        let batch = sampler.batches(epoch: 1)[0]
        var x = [Float](repeating: 0, count: batch.count * c.data.train.pixelsPerImage)
        var labels: [Int32] = []
        x.withUnsafeMutableBufferPointer { sampler.fill(batch, into: $0.baseAddress!, labels: &labels) }
        let batchMean = x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
        let batchStd = (x.reduce(0.0) { $0 + (Double($1) - batchMean) * (Double($1) - batchMean) } / Double(x.count)).squareRoot()
        values["dataset_name"] = .string(c.data.kind.displayName)
        values["train_total"] = .count(c.data.train.count)
        values["test_images"] = .count(testSet.count)
        values["train_images"] = .count(run.split.train.count)
        values["seed"] = .plain(c.seed)
        values.merge(ProblemSetProtocol.values(c, full: true)) { a, _ in a }
        values["pixel_mean"] = .decimal(stats.mean)
        values["pixel_std"] = .decimal(stats.std)
        values["batch_mean"] = .decimal(batchMean, digits: 3)
        values["batch_std"] = .decimal(batchStd, digits: 3)
        values["batch_size"] = .count(batchSize)

        // Two lines of ten digits: the heights of this and the next grids leave no empty band.
        let first20 = Array(run.split.train.prefix(20))
        figures["training-digits"] = FigureContent("", Figure(
            widthPoints: PrintSize.textWidth, heightPoints: 125,
            .imageGrid(Images.grid(c.data.train, indices: first20, titles: first20.map { names[Int(c.data.train.labels[$0])] }, columns: 10))))

        // The network and its training.
        let model = try run.model(atEpoch: epochs)
        let summary = ListingContent(caption: "Summary of the MLP, computed from the model.", text: model.summary())
        let module = ListingContent(caption: "The MLP as PyTorch's print(model) shows it, written from Folio's layer list.",
                                    text: ModelKind.mlp.pytorchDescription)
        let saved = try SavedModel(c, name: "mlp", run: run, epoch: epochs)
        values.merge(saved.values) { a, _ in a }
        values["parameters"] = .count(model.parameterCount)
        values["learning_rate"] = .plain(ProblemSetRuns.learningRate)
        values["epochs"] = .count(epochs)
        values["log_every"] = .count(run.config.logEvery)
        let seconds = run.trainingSeconds(upTo: epochs)
        values["train_seconds"] = .seconds(seconds)
        values["images_per_second"] = .imagesPerSecond(Double(run.split.train.count * epochs) / max(seconds, 1e-9))
        values["test_accuracy"] = .accuracy(test)
        let trainAccuracy = try trainingAccuracy(run, epoch: epochs, c)
        values["train_accuracy"] = .percent(trainAccuracy, of: run.split.train.count)
        // Overfitting is read from the gap between training and test accuracy, with a
        // bar of one point stated in the prose; a test accuracy above the training one
        // gets its own wording rather than a negative gap.
        let gap = trainAccuracy - test.accuracy
        values["gap_threshold"] = "1"
        values["test_not_below"] = .bool(Format.percent(test.accuracy) >= Format.percent(trainAccuracy) && gap <= 0)
        values["small_gap"] = .bool(gap > 0 && gap < 0.01)
        values["large_gap"] = .bool(gap >= 0.01)
        values["gap"] = .points(abs(gap))

        // (1) Loss against examples seen, with per-epoch test loss.
        let logged = records.flatMap(\.logged)
        let seen = logged.map { $0[0] * Double(batchSize) }
        let testLosses = records.map { $0.testLoss ?? .nan }
        let epochEnds = records.map { Double($0.epoch * run.split.train.count) }
        figures["loss"] = FigureContent("", Figure(widthPoints: PrintSize.textWidth, heightPoints: 230, .line(LineChart(
            xLabel: "Training examples seen", yLabel: "Loss (negative log-likelihood)",
            series: [Series(name: "training loss (every \(run.config.logEvery) batches)", x: seen, y: logged.map { $0[1] }, style: .line),
                     Series(name: "test loss (after each epoch)", x: epochEnds, y: testLosses, style: .markers, marker: .circle)],
            xAxis: .examplesSeen))))
        // A record is the loss of one batch of 64 images (the batch logged every
        // `logEvery`), not an average, so it is named with its batch number and set
        // beside the mean over all batches of the last epoch, the steadier figure.
        values["first_logged_loss"] = .decimal(logged.first?[1] ?? .nan)
        values["first_logged_batch"] = .plain(Int(logged.first?[0] ?? 0))
        values["last_logged_loss"] = .decimal(logged.last?[1] ?? .nan)
        values["last_logged_batch"] = .plain(Int(logged.last?[0] ?? 0))
        values["last_epoch_loss"] = .decimal(records.last?.trainLoss ?? .nan)
        values["batches_per_epoch"] = .count((run.split.train.count + batchSize - 1) / batchSize)
        values["first_test_loss"] = .decimal(testLosses.first ?? .nan)
        values["last_test_loss"] = .decimal(testLosses.last ?? .nan)
        let falling = zip(testLosses, testLosses.dropFirst()).allSatisfy { $1 < $0 }
        values["test_loss_kept_falling"] = .bool(falling)
        values["best_test_epoch"] = .count((testLosses.indices.min { testLosses[$0] < testLosses[$1] } ?? 0) + 1)

        // (2) The first twenty test images.
        let twenty = Array(0..<min(20, testSet.count))
        values["first20_correct"] = .count(twenty.filter { test.predictions[$0] == test.labels[$0] }.count)
        figures["first-predictions"] = FigureContent("", Figure(widthPoints: PrintSize.textWidth, heightPoints: 140, .imageGrid(
            Images.grid(testSet, indices: twenty, titles: twenty.map { predictionTitle(test, $0, names) },
                        marked: twenty.map { test.predictions[$0] != test.labels[$0] }, columns: 10))))

        // (3) Errors: the first twenty, the most frequent confusions and examples of each.
        let wrong = test.labels.indices.filter { test.predictions[$0] != test.labels[$0] }
        values["error_count"] = .count(wrong.count)
        let firstWrong = Array(wrong.prefix(20))
        figures["first-errors"] = FigureContent("", Figure(widthPoints: PrintSize.textWidth, heightPoints: 130, .imageGrid(
            Images.grid(testSet, indices: firstWrong, titles: firstWrong.map { "\(names[test.labels[$0]]) → \(names[test.predictions[$0]])" },
                        marked: firstWrong.map { _ in true }, columns: 10))))
        let confusion = ConfusionMatrix(predictions: test.predictions, labels: test.labels, classCount: names.count)
        let top = confusion.mostConfused(top: FailureModes.pairsShown)
        let topTotal = top.reduce(0) { $0 + $1.count }
        let modes = FailureModes(test: test, set: testSet, top: top.map { ($0.trueClass, $0.predicted, $0.count) })
        tables["confusions"] = TableContent(
            caption: "The most frequent confusions of the MLP on the test set, with the network's mean confidence on them and their ink and slant measured from the pixels (ink relative to the correctly read images of the true class; slant in degrees, positive leaning right).",
            header: ["true class", "predicted", "images", "share of errors", "mean confidence", "ink", "slant", "slant of class"],
            rows: modes.tableRows(names: names),
            alignments: [.left, .left, .right, .right, .right, .right, .right, .right])
        values["failure_pairs"] = .list(modes.values(names: names))
        values["top_pairs"] = .count(top.count)
        values["top_share"] = .percent(Double(topTotal) / Double(max(1, wrong.count)), digits: 1, of: wrong.count)
        values["error_confidence"] = .decimal(modes.errorConfidence, digits: 2)
        values["correct_confidence"] = .decimal(modes.correctConfidence, digits: 2)
        values["confident_errors"] = .count(modes.confidentErrors)
        values["confident_level"] = .number(FailureModes.confidentLevel)
        values["errors_less_sure"] = .bool(modes.errorConfidence < modes.correctConfidence)
        values["has_confident_errors"] = .bool(modes.confidentErrors > 0)
        values["ink_margin"] = .percent(FailureModes.inkMargin, digits: 0)
        values["slant_margin"] = .degrees(FailureModes.slantMargin)
        values["examples_per_pair"] = .count(FailureModes.examplesPerPair)
        figures["confusion-examples"] = modes.examplesFigure(set: testSet, test: test, names: names)

        // (4) Without standardisation: the same initialisation and batches, compared on
        // the same test images by McNemar's exact test; the losses are epoch means.
        let plainRecords = plain.records(upTo: epochs)
        let plainTest = try plain.testEvaluation(atEpoch: epochs)
        let withLoss = records.last?.trainLoss ?? .nan, withoutLoss = plainRecords.last?.trainLoss ?? .nan
        values["with_accuracy"] = .accuracy(test)
        values["without_accuracy"] = .accuracy(plainTest)
        values["with_loss"] = .decimal(withLoss)
        values["without_loss"] = .decimal(withoutLoss)
        values["with_first_loss"] = .decimal(records.first?.trainLoss ?? .nan)
        values["without_first_loss"] = .decimal(plainRecords.first?.trainLoss ?? .nan)
        values.merge(PairedComparison(test, plainTest).values(prefix: "std_", unused: ["gap", "discordant"])) { a, _ in a }
        tables["standardisation"] = TableContent(
            caption: "The MLP trained with and without standardised inputs (same initialisation and batches); losses are means over all batches of an epoch; each time is one measurement.",
            header: ["inputs", "test accuracy", "training loss, epoch 1", "training loss, epoch \(epochs)", "training time (s)"],
            rows: [["standardised", Format.percent(test.accuracy), Format.decimal(records.first?.trainLoss ?? .nan),
                    Format.decimal(withLoss), Format.seconds(run.trainingSeconds(upTo: epochs))],
                   ["scaled to [0, 1] only", Format.percent(plainTest.accuracy), Format.decimal(plainRecords.first?.trainLoss ?? .nan),
                    Format.decimal(withoutLoss), Format.seconds(plain.trainingSeconds(upTo: epochs))]],
            alignments: [.left, .right, .right, .right, .right])
        func curve(_ r: [EpochRecord], _ name: String, _ marker: Marker) -> Series {
            let l = r.flatMap(\.logged)
            return Series(name: name, x: l.map { $0[0] * Double(batchSize) }, y: l.map { $0[1] }, style: .line, marker: marker)
        }
        figures["standardisation"] = FigureContent("", Figure(widthPoints: PrintSize.textWidth, heightPoints: 220, .line(LineChart(
            xLabel: "Training examples seen", yLabel: "Training loss",
            series: [curve(records, "standardised", .circle), curve(plainRecords, "scaled to [0, 1] only", .square)],
            xAxis: .examplesSeen, logY: true))))

        return SectionContent(values: values, figures: figures, tables: tables,
                              listings: ["mlp-module": module, "mlp-summary": summary], files: saved.files)
    }

    /// Accuracy on the training split (the notebook reports it beside the test accuracy).
    private func trainingAccuracy(_ run: TrainingRun, epoch: Int, _ c: ChapterContext) throws -> Double {
        struct Key: Codable {
            /// Bump when the computation changes.
            static let version = 1
            var run: String; var epoch: Int
        }
        return try c.cache.value("training-set accuracy of \(run.config.label)", kind: "train-accuracy", version: Key.version,
                                 config: Key(run: run.folder.lastPathComponent, epoch: epoch)) {
            try run.accuracy(on: c.data.train.subset(run.split.train), epoch: epoch)
        }
    }
}

/// "7" when right, "pred 2 · true 7" when wrong.
func predictionTitle(_ e: EvaluationRecord, _ i: Int, _ names: [String]) -> String {
    // A no-break space keeps "(true 5)" whole when a narrow cell breaks the title in two.
    e.predictions[i] == e.labels[i] ? names[e.predictions[i]] : "\(names[e.predictions[i]]) (true\u{00A0}\(names[e.labels[i]]))"
}
