import FolioCharts
import FolioDocument
import FolioNN

/// 1.2: random test images with their true and predicted labels, from 1.1's best model.
struct PredictionsChapter: Chapter {
    static let name = "predictions"
    static let declaration = ContentDeclaration(
        values: """
            all_correct? confident confident_at correct epochs expected_errors has_correct? least_class
            least_confidence least_position model model_accuracy one_wrong? seed shown tail_probability
            test_images wrong[confidence index last? position predicted true] wrong_count
            """,
        figures: ["predictions-grid"])
    static let shown = 12
    /// Predictions at least this probable count as confident in the prose.
    static let confidentAt = 0.99

    func content(_ c: ChapterContext) throws -> SectionContent {
        let best = try OptimiserRuns.best(c)
        let epochs = c.profile.epochs(OptimiserRuns.epochs)
        let test = c.testSet
        let evaluation = try best.run.testEvaluation(atEpoch: epochs)
        let accuracy = evaluation.accuracy
        let indices = Predictions.sample(count: Self.shown, from: test.count, seed: c.seed)
        let p = Predictions(model: best.model, set: test, indices: indices, normalization: best.run.normalization)
        let names = c.classNames

        let titles = indices.indices.map { "true \(names[p.labels[$0]]) · pred \(names[p.predicted[$0]])" }
        // Long class names (Fashion-MNIST) need wider cells to stay legible.
        let columns = (titles.map(\.count).max() ?? 0) > 18 ? 4 : 6
        let rows = (indices.count + columns - 1) / columns
        let grid = Images.grid(test, indices: indices, titles: titles, marked: p.isCorrect.map { !$0 }, columns: columns)
        let figure = Figure(widthPoints: PrintSize.textWidth, heightPoints: 12 + Double(rows) * (columns == 6 ? 84 : 118), .imageGrid(grid))

        let wrong = indices.indices.filter { !p.isCorrect[$0] }
        let correct = indices.indices.filter { p.isCorrect[$0] }
        let leastSure = correct.min { p.confidence[$0] < p.confidence[$1] }
        let confident = correct.filter { p.confidence[$0] >= Self.confidentAt }.count
        return SectionContent(values: [
            "shown": .count(indices.count), "test_images": .count(test.count), "seed": .plain(c.seed),
            "model": .string(best.kind.displayName), "epochs": .count(epochs),
            "model_accuracy": .accuracy(evaluation),
            "expected_errors": .decimal(Double(indices.count) * (1 - accuracy), digits: 2),
            "correct": .count(p.correctCount), "wrong_count": .count(wrong.count),
            "all_correct": .bool(wrong.isEmpty), "one_wrong": .bool(wrong.count == 1),
            "tail_probability": .percent(Predictions.chanceOfAtLeast(wrong.count, errorsIn: indices.count, errorRate: 1 - accuracy), digits: 1),
            "wrong": .list(wrong.enumerated().map { k, i in
                .object(["position": .count(i + 1), "index": .count(indices[i]),
                         "true": .string(names[p.labels[i]]), "predicted": .string(names[p.predicted[i]]),
                         "confidence": .percent(p.confidence[i], digits: 1), "last": .bool(k == wrong.count - 1)])
            }),
            "least_position": .count((leastSure ?? 0) + 1),
            "least_class": .string(leastSure.map { names[p.labels[$0]] } ?? "–"),
            "least_confidence": .percent(leastSure.map { p.confidence[$0] } ?? .nan, digits: 1),
            "has_correct": .bool(leastSure != nil),
            "confident": .count(confident), "confident_at": .percent(Self.confidentAt, digits: 0),
        ], figures: ["predictions-grid": FigureContent("", figure)])
    }
}
