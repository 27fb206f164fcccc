import FolioCharts
import FolioDocument
import FolioExperiments
import FolioNN

/// 3.2: the small CNN, trained like the MLP, and the two compared.
struct SmallCNNChapter: Chapter {
    static let name = "small-cnn"

    func content(_ c: ChapterContext) throws -> SectionContent {
        let epochs = ProblemSetRuns.epochs(c)
        let mlp = try ProblemSetRuns.mlp(c), cnn = try ProblemSetRuns.smallCNN(c)
        let mlpTest = try mlp.testEvaluation(atEpoch: epochs), cnnTest = try cnn.testEvaluation(atEpoch: epochs)
        let model = try cnn.model(atEpoch: epochs)
        let mlpModel = try mlp.model(atEpoch: epochs)
        let mlpErrors = mlpTest.count - Int((mlpTest.accuracy * Double(mlpTest.count)).rounded())
        let cnnErrors = cnnTest.count - Int((cnnTest.accuracy * Double(cnnTest.count)).rounded())
        let mlpSeconds = mlp.trainingSeconds(upTo: epochs), cnnSeconds = cnn.trainingSeconds(upTo: epochs)
        let table = TableContent(
            caption: "The MLP and the small CNN after \(epochs) epochs of identical training.",
            header: ["network", "parameters", "test accuracy", "test errors", "final training loss", "training time (s)"],
            rows: [["MLP", Format.count(mlpModel.parameterCount), Format.percent(mlpTest.accuracy), Format.count(mlpErrors),
                    Format.decimal(mlp.records(upTo: epochs).last?.trainLoss ?? .nan), Format.seconds(mlpSeconds)],
                   ["small CNN", Format.count(model.parameterCount), Format.percent(cnnTest.accuracy), Format.count(cnnErrors),
                    Format.decimal(cnn.records(upTo: epochs).last?.trainLoss ?? .nan), Format.seconds(cnnSeconds)]],
            alignments: [.left, .right, .right, .right, .right, .right])
        let runs = [("MLP", mlp.records(upTo: epochs)), ("small CNN", cnn.records(upTo: epochs))]
        let loss = LineChart(title: "Training loss", xLabel: "Epoch", yLabel: "Loss",
                             series: runs.enumerated().map { k, r in Series(name: r.0, y: r.1.map(\.trainLoss), marker: k == 0 ? .circle : .square) },
                             xAxis: .epochs, logY: true)
        let accuracy = LineChart(title: "Test accuracy", xLabel: "Epoch", yLabel: "Accuracy (%)",
                                 series: runs.enumerated().map { k, r in Series(name: r.0, y: r.1.map { 100 * ($0.testAccuracy ?? .nan) }, marker: k == 0 ? .circle : .square) },
                                 xAxis: .epochs, legend: .none)
        return SectionContent(values: [
            "learning_rate": .string(String(ProblemSetRuns.learningRate)),
            "batch_size": .count(cnn.config.batchSize), "epochs": .count(epochs),
            "cnn_seconds": .seconds(cnnSeconds), "mlp_seconds": .seconds(mlpSeconds),
            "cnn_slower": .bool(cnnSeconds > mlpSeconds),
            "cnn_accuracy": .percent(cnnTest.accuracy), "mlp_accuracy": .percent(mlpTest.accuracy),
            "cnn_better": .bool(cnnErrors < mlpErrors),
            "error_reduction": .count(mlpErrors - cnnErrors),
            "cnn_errors": .count(cnnErrors), "mlp_errors": .count(mlpErrors),
            "test_images": .count(cnnTest.count),
        ], figures: ["curves": FigureContent("", Figure(widthPoints: 460, heightPoints: 200, columns: 2,
                                                         panels: [.line(loss), .line(accuracy)]))],
           tables: ["comparison": table],
           listings: ["cnn-summary": ListingContent(caption: "Summary of the small CNN, computed from the model.", text: model.summary())])
    }
}

/// 3.3: both parameter counts derived layer by layer, and what they buy.
struct ParameterEfficiencyChapter: Chapter {
    static let name = "parameter-efficiency"

    func content(_ c: ChapterContext) throws -> SectionContent {
        let epochs = ProblemSetRuns.epochs(c)
        let mlp = try ProblemSetRuns.mlp(c), cnn = try ProblemSetRuns.smallCNN(c)
        let mlpModel = try mlp.model(atEpoch: epochs), cnnModel = try cnn.model(atEpoch: epochs)
        let mlpTest = try mlp.testEvaluation(atEpoch: epochs), cnnTest = try cnn.testEvaluation(atEpoch: epochs)
        let mlpCount = mlpModel.parameterCount, cnnCount = cnnModel.parameterCount
        let conv = cnnModel.convolutionalParameterCount
        let firstFC = cnnModel.parametersPerLayer.first { $0.type == "Linear" }?.parameters ?? 0
        let mlpErrors = mlpTest.count - Int((mlpTest.accuracy * Double(mlpTest.count)).rounded())
        let cnnErrors = cnnTest.count - Int((cnnTest.accuracy * Double(cnnTest.count)).rounded())
        let difference = cnnTest.accuracy - mlpTest.accuracy
        let ratio = Double(mlpCount) / Double(cnnCount)
        let efficiency = TableContent(
            caption: "What each network's parameters buy on the test set.",
            header: ["network", "parameters", "test accuracy", "errors", "accuracy per 10,000 parameters", "training time (s)"],
            rows: [["MLP", Format.count(mlpCount), Format.percent(mlpTest.accuracy), Format.count(mlpErrors),
                    Format.decimal(100 * mlpTest.accuracy / (Double(mlpCount) / 10_000), digits: 2) + "\u{00A0}%", Format.seconds(mlp.trainingSeconds(upTo: epochs))],
                   ["small CNN", Format.count(cnnCount), Format.percent(cnnTest.accuracy), Format.count(cnnErrors),
                    Format.decimal(100 * cnnTest.accuracy / (Double(cnnCount) / 10_000), digits: 2) + "\u{00A0}%", Format.seconds(cnn.trainingSeconds(upTo: epochs))]],
            alignments: [.left, .right, .right, .right, .right, .right])
        return SectionContent(values: [
            "mlp_parameters": .count(mlpCount), "cnn_parameters": .count(cnnCount),
            "ratio": .string(Format.decimal(ratio, digits: 1)),
            "cnn_fc_share": .percent(Double(firstFC) / Double(cnnCount), digits: 0),
            "cnn_conv_parameters": .count(conv),
            "cnn_more_accurate": .bool(difference > 0),
            "accuracy_difference": .string(Format.points(abs(difference))),
            "cnn_accuracy": .percent(cnnTest.accuracy), "mlp_accuracy": .percent(mlpTest.accuracy),
            "cnn_errors": .count(cnnErrors), "mlp_errors": .count(mlpErrors), "test_images": .count(cnnTest.count),
            "cnn_seconds": .seconds(cnn.trainingSeconds(upTo: epochs)), "mlp_seconds": .seconds(mlp.trainingSeconds(upTo: epochs)),
        ], tables: ["mlp-parameters": ParameterDerivation.table(mlpModel, caption: "Parameters of the MLP, layer by layer."),
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

let problemSetChapters: [any Chapter.Type] = [
    InvarianceChapter.self, BatchNormConceptChapter.self, CovariateShiftChapter.self, ReLUChapter.self,
    MLPPredictionChapter.self, MLPLossChapter.self, MLPTrainingChapter.self,
    CNNDesignChapter.self, SmallCNNChapter.self, ParameterEfficiencyChapter.self,
]
