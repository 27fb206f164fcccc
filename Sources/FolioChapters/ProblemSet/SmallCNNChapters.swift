import FolioCharts
import FolioDocument
import FolioExperiments
import FolioNN

/// 3.2: the small CNN, trained like the MLP, the two compared on the same test
/// images, and its two linear layers shown to be one linear map.
struct SmallCNNChapter: Chapter {
    static let name = "small-cnn"
    static let declaration = ContentDeclaration(
        values: """
            batch_size cnn_accuracy cnn_ahead_epochs cnn_errors cnn_loss cnn_lower_loss_epochs cnn_seconds
            cnn_slower? collapse_all_same? collapse_bar collapse_difference collapse_images
            collapse_rounding? collapse_same collapsed_parameters epochs error_difference fc1_parameters
            fc2_parameters fc_parameters learning_rate mlp_accuracy mlp_errors mlp_loss mlp_seconds model_file model_href
            protocol_all? protocol_epochs protocol_train_images test_images vs_first_better? vs_only_first
            vs_only_second vs_p vs_second_better? vs_tie?
            """,
        figures: ["curves"],
        tables: ["comparison"],
        listings: ["cnn-module", "cnn-summary"])

    struct CollapseKey: Codable {
        /// Bump when the computation changes.
        static let version = 1
        var run: String; var epoch: Int; var testCount: Int
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let epochs = ProblemSetRuns.epochs(c)
        let mlp = try ProblemSetRuns.mlp(c), cnn = try ProblemSetRuns.smallCNN(c)
        let mlpTest = try mlp.testEvaluation(atEpoch: epochs), cnnTest = try cnn.testEvaluation(atEpoch: epochs)
        let model = try cnn.model(atEpoch: epochs)
        let mlpModel = try mlp.model(atEpoch: epochs)
        let mlpErrors = mlpTest.count - mlpTest.correct, cnnErrors = cnnTest.count - cnnTest.correct
        let mlpSeconds = mlp.trainingSeconds(upTo: epochs), cnnSeconds = cnn.trainingSeconds(upTo: epochs)
        let mlpLoss = mlp.records(upTo: epochs).last?.trainLoss ?? .nan, cnnLoss = cnn.records(upTo: epochs).last?.trainLoss ?? .nan
        let table = TableContent(
            caption: "The MLP and the small CNN after \(epochs) epochs of identical training; the training loss is the mean over the last epoch, the time one measurement.",
            header: ["network", "parameters", "test accuracy", "test errors", "training loss, epoch \(epochs)", "training time (s)"],
            rows: [["MLP", Format.count(mlpModel.parameterCount), Format.percent(mlpTest.accuracy), Format.count(mlpErrors),
                    Format.decimal(mlpLoss), Format.seconds(mlpSeconds)],
                   ["small CNN", Format.count(model.parameterCount), Format.percent(cnnTest.accuracy), Format.count(cnnErrors),
                    Format.decimal(cnnLoss), Format.seconds(cnnSeconds)]],
            alignments: [.left, .right, .right, .right, .right, .right])
        let runs = [("MLP", mlp.records(upTo: epochs)), ("small CNN", cnn.records(upTo: epochs))]
        let loss = LineChart(title: "Training loss", xLabel: "Epoch", yLabel: "Loss",
                             series: runs.enumerated().map { k, r in Series(name: r.0, y: r.1.map(\.trainLoss), marker: k == 0 ? .circle : .square) },
                             xAxis: .epochs, logY: true)
        let accuracy = LineChart(title: "Test accuracy", xLabel: "Epoch", yLabel: "Accuracy (%)",
                                 series: runs.enumerated().map { k, r in Series(name: r.0, y: r.1.map { 100 * ($0.testAccuracy ?? .nan) }, marker: k == 0 ? .circle : .square) },
                                 xAxis: .epochs, legend: .none)
        let collapse = try c.cache.value("small CNN: fc2 · fc1 collapsed into one linear map", kind: "linear-collapse", version: CollapseKey.version,
                                         config: CollapseKey(run: cnn.folder.lastPathComponent, epoch: epochs, testCount: c.profile.testCount)) {
            try LinearCollapse.check(model: model, set: cnn.testSet, normalization: cnn.normalization)
        }
        let mlpRecords = mlp.records(upTo: epochs), cnnRecords = cnn.records(upTo: epochs)
        let ahead = zip(cnnRecords, mlpRecords).count { ($0.testAccuracy ?? 0) > ($1.testAccuracy ?? 0) }
        let lowerLoss = zip(cnnRecords, mlpRecords).count { $0.trainLoss < $1.trainLoss }
        var values: [String: TemplateValue] = [
            "cnn_ahead_epochs": .string(ProblemSetWording.epochs(ahead, of: epochs)),
            "cnn_lower_loss_epochs": .string(ProblemSetWording.epochs(lowerLoss, of: epochs)),
            "learning_rate": .plain(ProblemSetRuns.learningRate),
            "batch_size": .count(cnn.config.batchSize), "epochs": .count(epochs),
            "cnn_seconds": .seconds(cnnSeconds), "mlp_seconds": .seconds(mlpSeconds),
            "cnn_slower": .bool(cnnSeconds > mlpSeconds),
            "cnn_accuracy": .accuracy(cnnTest), "mlp_accuracy": .accuracy(mlpTest),
            "cnn_errors": .count(cnnErrors), "mlp_errors": .count(mlpErrors),
            "error_difference": .count(abs(mlpErrors - cnnErrors)),
            "test_images": .count(cnnTest.count),
            "cnn_loss": .decimal(cnnLoss), "mlp_loss": .decimal(mlpLoss),
            // The collapse check (LinearCollapse): the product's size and how closely it
            // reproduces the network on every test image.
            "collapse_images": .count(collapse.images),
            "collapse_difference": .number(collapse.maxDifference, significant: 2),
            "collapse_same": .count(collapse.samePrediction),
            "collapse_all_same": .bool(collapse.samePrediction == collapse.images),
            // Float32 sums of a few hundred terms of size ~10 drift by ~10⁻⁵; 10⁻⁴ is the bar.
            "collapse_rounding": .bool(collapse.maxDifference < 1e-4),
            "collapse_bar": .number(1e-4),
            "collapsed_parameters": .count(collapse.collapsedParameters),
            "fc1_parameters": .count(collapse.firstLayerParameters), "fc2_parameters": .count(collapse.secondLayerParameters),
            "fc_parameters": .count(collapse.firstLayerParameters + collapse.secondLayerParameters),
        ]
        values.merge(PairedComparison(cnnTest, mlpTest).values(prefix: "vs_", unused: ["gap", "discordant"])) { a, _ in a }
        values.merge(ProblemSetProtocol.values(c)) { a, _ in a }
        let saved = try SavedModel(c, name: "small-cnn", run: cnn, epoch: epochs)
        values.merge(saved.values) { a, _ in a }
        return SectionContent(values: values,
           figures: ["curves": FigureContent("", Figure(widthPoints: PrintSize.textWidth, heightPoints: 200, columns: 2,
                                                         panels: [.line(loss), .line(accuracy)]))],
           tables: ["comparison": table],
           listings: ["cnn-summary": ListingContent(caption: "Summary of the small CNN, computed from the model.", text: model.summary()),
                      "cnn-module": ListingContent(caption: "The small CNN as PyTorch's print(model) shows it, written from Folio's layer list.",
                                                   text: ModelKind.smallCNN.pytorchDescription)],
           files: saved.files)
    }
}

/// 3.3: both parameter counts derived layer by layer, and what they buy, with the
/// accuracy difference tested (McNemar) rather than divided by a parameter count.
struct ParameterEfficiencyChapter: Chapter {
    static let name = "parameter-efficiency"
    static let declaration = ContentDeclaration(
        values: """
            cnn_accuracy cnn_conv_parameters cnn_errors cnn_fc_parameters cnn_fc_share cnn_interval
            cnn_parameters cnn_seconds cnn_slower? mlp_accuracy mlp_errors mlp_interval mlp_parameters
            mlp_seconds protocol_all? protocol_epochs protocol_train_images ratio test_images
            vs_first_better? vs_gap vs_only_first vs_only_second vs_p vs_second_better? vs_tie?
            """,
        tables: ["cnn-parameters", "efficiency", "mlp-parameters"])

    func content(_ c: ChapterContext) throws -> SectionContent {
        let epochs = ProblemSetRuns.epochs(c)
        let mlp = try ProblemSetRuns.mlp(c), cnn = try ProblemSetRuns.smallCNN(c)
        let mlpModel = try mlp.model(atEpoch: epochs), cnnModel = try cnn.model(atEpoch: epochs)
        let mlpTest = try mlp.testEvaluation(atEpoch: epochs), cnnTest = try cnn.testEvaluation(atEpoch: epochs)
        let mlpCount = mlpModel.parameterCount, cnnCount = cnnModel.parameterCount
        let conv = cnnModel.convolutionalParameterCount
        let firstFC = cnnModel.parametersPerLayer.first { $0.type == "Linear" }?.parameters ?? 0
        let mlpErrors = mlpTest.count - mlpTest.correct, cnnErrors = cnnTest.count - cnnTest.correct
        let ratio = Double(mlpCount) / Double(cnnCount)
        func interval(_ e: EvaluationRecord) -> String {
            let i = ProportionInterval(successes: e.correct, total: e.count)
            return Format.fixed(100 * i.lower, 2) + "–" + Format.percent(i.upper)
        }
        let efficiency = TableContent(
            caption: "Parameters against test accuracy, with its 95 % Wilson interval; times are one measurement each.",
            header: ["network", "parameters", "test accuracy", "95 % interval", "errors", "training time (s)"],
            rows: [["MLP", Format.count(mlpCount), Format.percent(mlpTest.accuracy), interval(mlpTest), Format.count(mlpErrors),
                    Format.seconds(mlp.trainingSeconds(upTo: epochs))],
                   ["small CNN", Format.count(cnnCount), Format.percent(cnnTest.accuracy), interval(cnnTest), Format.count(cnnErrors),
                    Format.seconds(cnn.trainingSeconds(upTo: epochs))]],
            alignments: [.left, .right, .right, .right, .right, .right])
        var values: [String: TemplateValue] = [
            "mlp_parameters": .count(mlpCount), "cnn_parameters": .count(cnnCount),
            "ratio": .decimal(ratio, digits: 1),
            "cnn_fc_share": .percent(Double(firstFC) / Double(cnnCount), digits: 0),
            "cnn_fc_parameters": .count(firstFC),
            "cnn_conv_parameters": .count(conv),
            "cnn_accuracy": .accuracy(cnnTest), "mlp_accuracy": .accuracy(mlpTest),
            "cnn_interval": .string(interval(cnnTest)), "mlp_interval": .string(interval(mlpTest)),
            "cnn_errors": .count(cnnErrors), "mlp_errors": .count(mlpErrors), "test_images": .count(cnnTest.count),
            "cnn_seconds": .seconds(cnn.trainingSeconds(upTo: epochs)), "mlp_seconds": .seconds(mlp.trainingSeconds(upTo: epochs)),
            "cnn_slower": .bool(cnn.trainingSeconds(upTo: epochs) > mlp.trainingSeconds(upTo: epochs)),
        ]
        values.merge(PairedComparison(cnnTest, mlpTest).values(prefix: "vs_", unused: ["discordant"])) { a, _ in a }
        values.merge(ProblemSetProtocol.values(c)) { a, _ in a }
        return SectionContent(values: values,
            tables: ["mlp-parameters": ParameterDerivation.table(mlpModel, caption: "Parameters of the MLP, layer by layer."),
                     "cnn-parameters": ParameterDerivation.table(cnnModel, caption: "Parameters of the small CNN, layer by layer."),
                     "efficiency": efficiency])
    }
}

/// A layer-by-layer parameter table whose formulas are filled from the model's tensors.
enum ParameterDerivation {
    static func table(_ model: Model, caption: String) -> TableContent {
        let tensors = model.namedTensors().filter { !$0.isBuffer }
        var rows: [[String]] = []
        var total = 0
        for layer in model.parametersPerLayer {
            let weight = tensors.first { $0.name == layer.layer + ".weight" }
            let bias = tensors.first { $0.name == layer.layer + ".bias" }
            let w = weight?.shape ?? [], b = bias?.shape.first ?? 0
            let formula: String
            if layer.type == "Conv2d", w.count == 4 {
                formula = "\(w[0]) × \(w[1]) × \(w[2]) × \(w[3]) + \(b)"
            } else if w.count == 2 {
                formula = "\(w[1]) × \(w[0]) + \(b)"
            } else {
                formula = w.map(String.init).joined(separator: " × ") + (b > 0 ? " + \(b)" : "")
            }
            total += layer.parameters
            rows.append([layer.layer, layer.type, formula, Format.count(layer.parameters)])
        }
        rows.append(["total", "", "", Format.count(total)])
        return TableContent(caption: caption, header: ["layer", "type", "weights + biases", "parameters"],
                            rows: rows, alignments: [.left, .left, .left, .right])
    }
}
