import FolioCharts
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN
import FolioSupport

/// The fifth notebook's deeper CNN: 5 × 5 convolutions with 32 and 64 filters, a
/// 500-unit layer with dropout 0.4, inputs scaled to [−1, 1], Adam lr 1e-4, batch
/// 100, 50 epochs on all 60,000 training images, tested after every epoch.
enum DeepCNNRuns {
    static let learningRate: Float = 1e-4
    static let batchSize = 100
    static let fullEpochs = 50

    static func config(_ c: ChapterContext) -> TrainingConfig {
        TrainingConfig(model: .deepCNN, optimizer: .adam, learningRate: learningRate, batchSize: batchSize,
                       seed: c.seed, dataset: c.data.kind, scaling: .half,
                       trainCount: c.profile == .full ? c.data.train.count : c.profile.trainCount,
                       validationCount: 0, testCount: c.profile.testCount)
    }

    static func run(_ c: ChapterContext) throws -> TrainingRun {
        try c.runner.train(config(c), epochs: c.profile.epochs(fullEpochs))
    }
}

/// Appendix: the deeper CNN's training curves, accuracy and intermediate outputs.
struct DeepCNNChapter: Chapter {
    static let name = "deep-cnn"
    static let declaration = ContentDeclaration(
        values: """
            accuracy_at_lowest alpha batch_size deeper_better? deeper_worse? epochs final_accuracy
            final_interval_high final_interval_low first_accuracy image_confidence image_index image_label
            image_predicted images_per_second last_over_lowest last_test_loss last_train_loss
            layers[channels layer shown size zero_share] learning_rate lowest_is_last? lowest_test_epoch
            lowest_test_loss lowest_versus_last[\(AccuracyComparison.fields)] model_file model_href overfits? parameters
            plateau_epoch plateau_percent reaches_99? simple_accuracy simple_epochs simple_optimiser
            simple_parameters test_images train_at_lowest train_fall train_fall_factor train_images
            train_time versus_simple{\(AccuracyComparison.fields)} weight_layers
            """,
        figures: ["deep-conv1", "deep-conv2", "deep-curves", "deep-input", "deep-pool1", "deep-pool2"],
        tables: ["deep-network"],
        listings: ["deep-module"])
    /// Channels shown per layer, as the notebook did.
    static let shownChannels = 20

    func content(_ c: ChapterContext) throws -> SectionContent {
        let run = try DeepCNNRuns.run(c)
        let epochs = c.profile.epochs(DeepCNNRuns.fullEpochs)
        let records = run.records(upTo: epochs)
        let model = try run.model(atEpoch: epochs)
        let last = records[records.count - 1]
        let simple = try OptimiserRuns.best(c)
        let simpleTest = try simple.run.testEvaluation(atEpoch: c.profile.epochs(OptimiserRuns.epochs))
        let deepTest = try run.testEvaluation(atEpoch: epochs)
        let versusSimple = AccuracyComparison(deepTest, simpleTest)
        let fit = LossTrend(records)

        var values: [String: TemplateValue] = [
            "epochs": .count(epochs), "batch_size": .count(DeepCNNRuns.batchSize), "learning_rate": .plain(DeepCNNRuns.learningRate),
            "train_images": .count(run.config.trainCount), "test_images": .count(run.testSet.count),
            "parameters": .count(model.parameterCount),
            "final_accuracy": .percent(last.testAccuracy ?? .nan, of: run.testSet.count),
            "final_interval_low": .percent(ProportionInterval(successes: deepTest.correct, total: deepTest.count).lower, of: deepTest.count),
            "final_interval_high": .percent(ProportionInterval(successes: deepTest.correct, total: deepTest.count).upper, of: deepTest.count),
            "reaches_99": .bool((last.testAccuracy ?? 0) >= 0.99),
            "first_accuracy": .percent(records[0].testAccuracy ?? .nan, of: run.testSet.count),
            "train_time": Self.duration(run.trainingSeconds(upTo: epochs)),
            "images_per_second": .imagesPerSecond(records.map(\.imagesPerSecond).reduce(0, +) / Double(records.count)),
            "simple_optimiser": .string(simple.kind.displayName), "simple_accuracy": .accuracy(simpleTest),
            "versus_simple": .object(versusSimple.values),
            "deeper_better": .bool(versusSimple.firstBetter), "deeper_worse": .bool(versusSimple.secondBetter),
            "alpha": AccuracyComparison.alphaText,
            "simple_epochs": .count(c.profile.epochs(OptimiserRuns.epochs)),
            "simple_parameters": .count(simple.model.parameterCount),
        ]

        // One seeded test image through the network; its four readouts.
        var rng = SeededGenerator(seed: c.seed, stream: "deep-cnn.activation-image")
        let index = rng.below(run.testSet.count)
        let lookup = run.normalization.table
        let input = run.testSet.image(index).map { lookup[Int($0)] }
        let probabilities = model.probabilities(input, count: 1)
        let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        values.merge(try fit.values(run: run, lastEpoch: epochs)) { a, _ in a }
        values["image_index"] = .plain(index)
        values["image_label"] = .string(c.classNames[Int(run.testSet.labels[index])])
        values["image_predicted"] = .string(c.classNames[predicted])
        values["image_confidence"] = .percent(Double(probabilities[predicted]))

        var figures: [String: FigureContent] = ["deep-curves": FigureContent("", curves(records))]
        var layers: [TemplateValue] = []
        for name in ["conv1", "pool1", "conv2", "pool2"] {
            guard let readout = model.activation(name) else { throw ExperimentError("the deeper CNN has no readout \(name)") }
            let (channels, h, w) = (readout.shape[1], readout.shape[2], readout.shape[3])
            let zeros = Double(readout.values.filter { $0 == 0 }.count) / Double(readout.values.count)
            let shown = min(Self.shownChannels, channels)
            let cells = (0..<shown).map { k in
                ImageCell(image: Raster(rows: h, columns: w, values: readout.values[(k * h * w)..<((k + 1) * h * w)].map(Double.init)),
                          title: "\(k)")
            }
            figures["deep-\(name)"] = FigureContent("", Figure(
                widthPoints: 440, heightPoints: 118,
                .imageGrid(ImageGrid(columns: 10, cells: cells, colorMap: .viridis, normalization: .perImage))))
            layers.append(.object(["layer": .string(name), "channels": .count(channels), "shown": .plain(shown - 1),
                                   "size": .string("\(h) × \(w)"),
                                   "zero_share": .percent(zeros, digits: 1)]))
        }
        values["layers"] = .list(layers)

        let table = TableContent.layers(of: model, caption: "The deeper CNN, layer by layer (computed from the model).")
        let module = ListingContent(caption: "The deeper CNN as PyTorch's print(model) shows it, written from Folio's layer list.",
                                    text: ModelKind.deepCNN.pytorchDescription)
        let saved = try SavedModel(c, name: "deep-cnn", run: run, epoch: epochs)
        values.merge(saved.values) { a, _ in a }
        values["weight_layers"] = .count(model.parametersPerLayer.count)
        figures["deep-input"] = FigureContent("", Figure(widthPoints: 90, heightPoints: 100, .imageGrid(
            Images.grid(run.testSet, indices: [index], titles: ["test #\(index)"], columns: 1))))
        return SectionContent(values: values, figures: figures, tables: ["deep-network": table],
                              listings: ["deep-module": module], files: saved.files)
    }

    /// Training against test loss over the epochs: where the test loss stops
    /// improving while the training loss keeps falling. The test loss is only watched
    /// here, never used to pick an epoch: the run has no validation set, so its
    /// length is fixed in advance (the notebook's 50 epochs).
    struct LossTrend {
        /// The test loss counts as levelled off once within this factor of its minimum.
        static let plateauFactor = 1.05
        /// Overfitting: after the test minimum the training loss falls by at least
        /// this factor more, while the test loss ends above its minimum.
        static let trainFallFactor = 2.0

        let records: [EpochRecord]
        let lowest: EpochRecord
        let plateau: EpochRecord

        init(_ records: [EpochRecord]) {
            self.records = records
            lowest = records.min { ($0.testLoss ?? .infinity) < ($1.testLoss ?? .infinity) }!
            let floor = (lowest.testLoss ?? .nan) * Self.plateauFactor
            plateau = records.first { ($0.testLoss ?? .infinity) <= floor } ?? lowest
        }

        var last: EpochRecord { records[records.count - 1] }
        var trainFall: Double { lowest.trainLoss / last.trainLoss }
        var lastOverLowest: Double { (last.testLoss ?? .nan) / (lowest.testLoss ?? .nan) }
        var overfits: Bool { lowest.epoch < last.epoch && trainFall >= Self.trainFallFactor && lastOverLowest > 1 }

        func values(run: TrainingRun, lastEpoch: Int) throws -> [String: TemplateValue] {
            let atLowest = try run.testEvaluation(atEpoch: lowest.epoch), atLast = try run.testEvaluation(atEpoch: lastEpoch)
            return [
                "lowest_test_epoch": .count(lowest.epoch), "lowest_test_loss": .decimal(lowest.testLoss ?? .nan),
                "plateau_epoch": .count(plateau.epoch), "plateau_percent": .number(100 * (Self.plateauFactor - 1)),
                "last_test_loss": .decimal(last.testLoss ?? .nan), "last_over_lowest": .decimal(lastOverLowest, digits: 2),
                "train_at_lowest": .decimal(lowest.trainLoss), "last_train_loss": .decimal(last.trainLoss),
                "train_fall": .decimal(trainFall, digits: 1), "train_fall_factor": .number(Self.trainFallFactor),
                "overfits": .bool(overfits), "lowest_is_last": .bool(lowest.epoch == last.epoch),
                "accuracy_at_lowest": .accuracy(atLowest),
                "lowest_versus_last": .list(lowest.epoch == last.epoch ? [] : [.object(AccuracyComparison(atLast, atLowest).values)]),
            ]
        }
    }

    /// "41.2 minutes", or seconds for a run shorter than a minute (the quick profile's).
    /// The value is in the unit the text names ("s" or "min").
    static func duration(_ seconds: Double) -> TemplateValue {
        seconds < 60 ? .number(Measure(text: Format.seconds(seconds) + " seconds", value: seconds, unit: "s"))
            : .number(Measure(text: Format.decimal(seconds / 60, digits: 1) + " minutes", value: seconds / 60, unit: "min"))
    }

    /// Training and test loss, and test accuracy, per epoch.
    private func curves(_ records: [EpochRecord]) -> Figure {
        let loss = LineChart(
            title: "Loss", xLabel: "Epoch", yLabel: "Cross-entropy",
            series: [Series(name: "training", y: records.map(\.trainLoss)),
                     Series(name: "test", y: records.map { $0.testLoss ?? .nan }, marker: .square)],
            xAxis: .epochs, logY: true)
        let accuracy = LineChart(
            title: "Test accuracy", xLabel: "Epoch", yLabel: "Accuracy (%)",
            series: [Series(name: "test", y: records.map { 100 * ($0.testAccuracy ?? .nan) }, color: .cycle(1))],
            xAxis: .epochs, legend: .none)
        return Figure(widthPoints: PrintSize.textWidth, heightPoints: 200, columns: 2, panels: [.line(loss), .line(accuracy)])
    }
}
