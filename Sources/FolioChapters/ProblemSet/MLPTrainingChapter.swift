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
        values["seed"] = .string(String(c.seed))
        values["pixel_mean"] = .decimal(stats.mean)
        values["pixel_std"] = .decimal(stats.std)
        values["batch_mean"] = .decimal(batchMean, digits: 3)
        values["batch_std"] = .decimal(batchStd, digits: 3)
        values["batch_size"] = .count(batchSize)

        let first20 = Array(run.split.train.prefix(20))
        figures["training-digits"] = FigureContent("", Figure(
            widthPoints: 430, heightPoints: 200,
            .imageGrid(Images.grid(c.data.train, indices: first20, titles: first20.map { names[Int(c.data.train.labels[$0])] }, columns: 10))))

        // The network and its training.
        let model = try run.model(atEpoch: epochs)
        let summary = ListingContent(caption: "Summary of the MLP, computed from the model.", text: model.summary())
        values["parameters"] = .count(model.parameterCount)
        values["learning_rate"] = .string(String(ProblemSetRuns.learningRate))
        values["epochs"] = .count(epochs)
        values["log_every"] = .count(run.config.logEvery)
        let seconds = run.trainingSeconds(upTo: epochs)
        values["train_seconds"] = .seconds(seconds)
        values["images_per_second"] = .count(Int(Double(run.split.train.count * epochs) / max(seconds, 1e-9)))
        values["test_accuracy"] = .percent(test.accuracy)
        let trainAccuracy = try trainingAccuracy(run, epoch: epochs, c)
        values["train_accuracy"] = .percent(trainAccuracy)
        let gap = trainAccuracy - test.accuracy
        values["small_gap"] = .bool(gap < 0.01)
        values["gap"] = .string(Format.points(gap))

        // (1) Loss against examples seen, with per-epoch test loss.
        let logged = records.flatMap(\.logged)
        let seen = logged.map { $0[0] * Double(batchSize) }
        let testLosses = records.map { $0.testLoss ?? .nan }
        let epochEnds = records.map { Double($0.epoch * run.split.train.count) }
        figures["loss"] = FigureContent("", Figure(widthPoints: 460, heightPoints: 230, .line(LineChart(
            xLabel: "Training examples seen", yLabel: "Loss (negative log-likelihood)",
            series: [Series(name: "training loss (every \(run.config.logEvery) batches)", x: seen, y: logged.map { $0[1] }, style: .line),
                     Series(name: "test loss (after each epoch)", x: epochEnds, y: testLosses, style: .markers, marker: .circle)],
            xAxis: .examplesSeen))))
        values["first_logged_loss"] = .decimal(logged.first?[1] ?? .nan)
        values["last_logged_loss"] = .decimal(logged.last?[1] ?? .nan)
        values["first_test_loss"] = .decimal(testLosses.first ?? .nan)
        values["last_test_loss"] = .decimal(testLosses.last ?? .nan)
        let falling = zip(testLosses, testLosses.dropFirst()).allSatisfy { $1 < $0 }
        values["test_loss_kept_falling"] = .bool(falling)
        values["best_test_epoch"] = .count((testLosses.indices.min { testLosses[$0] < testLosses[$1] } ?? 0) + 1)

        // (2) The first twenty test images.
        let twenty = Array(0..<min(20, testSet.count))
        values["first20_correct"] = .count(twenty.filter { test.predictions[$0] == test.labels[$0] }.count)
        figures["first-predictions"] = FigureContent("", Figure(widthPoints: 460, heightPoints: 215, .imageGrid(
            Images.grid(testSet, indices: twenty, titles: twenty.map { predictionTitle(test, $0, names) },
                        marked: twenty.map { test.predictions[$0] != test.labels[$0] }, columns: 10))))

        // (3) Errors: the first twenty, the most frequent confusions and examples of each.
        let wrong = test.labels.indices.filter { test.predictions[$0] != test.labels[$0] }
        values["error_count"] = .count(wrong.count)
        let firstWrong = Array(wrong.prefix(20))
        figures["first-errors"] = FigureContent("", Figure(widthPoints: 460, heightPoints: 215, .imageGrid(
            Images.grid(testSet, indices: firstWrong, titles: firstWrong.map { "\(names[test.labels[$0]]) → \(names[test.predictions[$0]])" },
                        marked: firstWrong.map { _ in true }, columns: 10))))
        let confusion = ConfusionMatrix(predictions: test.predictions, labels: test.labels, classCount: names.count)
        let top = confusion.mostConfused(top: 5)
        let topTotal = top.reduce(0) { $0 + $1.count }
        tables["confusions"] = TableContent(
            caption: "The most frequent confusions of the MLP on the test set.",
            header: ["true class", "predicted", "images", "share of all errors"],
            rows: top.map { [names[$0.trueClass], names[$0.predicted], Format.count($0.count),
                             Format.percent(Double($0.count) / Double(max(1, wrong.count)), digits: 1)] },
            alignments: [.left, .left, .right, .right])
        if let first = top.first {
            values["top_true"] = .string(names[first.trueClass])
            values["top_predicted"] = .string(names[first.predicted])
            values["top_count"] = .count(first.count)
        } else {
            values["top_true"] = "–"; values["top_predicted"] = "–"; values["top_count"] = "0"
        }
        values["top_pairs"] = .count(top.count)
        values["top_share"] = .percent(Double(topTotal) / Double(max(1, wrong.count)), digits: 1)
        var exampleIndices: [Int] = [], exampleTitles: [String] = []
        for pair in top.prefix(4) {
            let examples = wrong.filter { test.labels[$0] == pair.trueClass && test.predictions[$0] == pair.predicted }.prefix(5)
            for i in examples { exampleIndices.append(i); exampleTitles.append("\(names[pair.trueClass]) → \(names[pair.predicted])") }
        }
        figures["confusion-examples"] = FigureContent("", Figure(
            widthPoints: 300, heightPoints: 60 + 60 * Double((exampleIndices.count + 4) / 5), .imageGrid(
            Images.grid(testSet, indices: exampleIndices, titles: exampleTitles,
                        marked: exampleIndices.map { _ in true }, columns: 5))))

        // (4) Without standardisation.
        let plainRecords = plain.records(upTo: epochs)
        let plainTest = try plain.testEvaluation(atEpoch: epochs)
        let withLoss = records.last?.trainLoss ?? .nan, withoutLoss = plainRecords.last?.trainLoss ?? .nan
        values["with_accuracy"] = .percent(test.accuracy)
        values["without_accuracy"] = .percent(plainTest.accuracy)
        values["with_loss"] = .decimal(withLoss)
        values["without_loss"] = .decimal(withoutLoss)
        values["standardisation_helped"] = .bool(test.accuracy > plainTest.accuracy)
        tables["standardisation"] = TableContent(
            caption: "The MLP trained with and without standardised inputs (same initialisation and batches).",
            header: ["inputs", "test accuracy", "final training loss", "first-epoch training loss", "training time (s)"],
            rows: [["standardised", Format.percent(test.accuracy), Format.decimal(withLoss),
                    Format.decimal(records.first?.trainLoss ?? .nan), Format.seconds(run.trainingSeconds(upTo: epochs))],
                   ["scaled to [0, 1] only", Format.percent(plainTest.accuracy), Format.decimal(withoutLoss),
                    Format.decimal(plainRecords.first?.trainLoss ?? .nan), Format.seconds(plain.trainingSeconds(upTo: epochs))]],
            alignments: [.left, .right, .right, .right, .right])
        func curve(_ r: [EpochRecord], _ name: String, _ marker: Marker) -> Series {
            let l = r.flatMap(\.logged)
            return Series(name: name, x: l.map { $0[0] * Double(batchSize) }, y: l.map { $0[1] }, style: .line, marker: marker)
        }
        figures["standardisation"] = FigureContent("", Figure(widthPoints: 460, heightPoints: 220, .line(LineChart(
            xLabel: "Training examples seen", yLabel: "Training loss",
            series: [curve(records, "standardised", .circle), curve(plainRecords, "scaled to [0, 1] only", .square)],
            xAxis: .examplesSeen, logY: true))))

        return SectionContent(values: values, figures: figures, tables: tables, listings: ["mlp-summary": summary])
    }

    /// Accuracy on the training split (the notebook reports it beside the test accuracy).
    private func trainingAccuracy(_ run: TrainingRun, epoch: Int, _ c: ChapterContext) throws -> Double {
        struct Key: Codable { var run: String; var epoch: Int }
        return try c.cache.value("training-set accuracy of \(run.config.label)", kind: "train-accuracy",
                                 config: Key(run: run.folder.lastPathComponent, epoch: epoch)) {
            try run.accuracy(on: c.data.train.subset(run.split.train), epoch: epoch)
        }
    }
}

/// "7" when right, "pred 2 · true 7" when wrong.
func predictionTitle(_ e: EvaluationRecord, _ i: Int, _ names: [String]) -> String {
    e.predictions[i] == e.labels[i] ? names[e.predictions[i]] : "\(names[e.predictions[i]]) (true \(names[e.labels[i]]))"
}
