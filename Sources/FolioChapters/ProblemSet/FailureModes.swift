import Foundation
import FolioCharts
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// 2.3 (3): the MLP's most frequent confusions, each described by what was measured
/// on its images: how sure the network was, and how much ink and slant the digits have
/// compared with the correctly read images of the same true class.
struct FailureModes {
    /// An ink ratio outside 1 ± this reads as lighter or heavier than the class.
    static let inkMargin = 0.15
    /// A slant difference of at least this many degrees reads as leaning further.
    static let slantMargin = 5.0
    /// An error made with at least this top probability counts as a confident error.
    static let confidentLevel = 0.9
    /// Confusions described, and example images shown for each.
    static let pairsShown = 5, examplesPerPair = 5

    struct Pair {
        var trueClass: Int, predicted: Int, count: Int
        var images: [Int]
        /// Mean top probability on these errors, and mean probability of the true class.
        var confidence: Double, trueProbability: Double
        /// Mean ink of these images over the mean ink of correctly read images of the true class.
        var inkRatio: Double
        /// Mean slant of these images and of the correctly read images of the true class (degrees).
        var slant: Double, classSlant: Double
        /// The error of this pair the network was surest of (test-set index, 0-based) and that certainty.
        var surest: Int, surestConfidence: Double
    }

    let pairs: [Pair]
    let errors: Int
    /// Mean top probability on the errors and on the correctly classified images.
    let errorConfidence: Double, correctConfidence: Double
    let confidentErrors: Int

    init(test: EvaluationRecord, set: ImageSet, top: [(trueClass: Int, predicted: Int, count: Int)]) {
        let n = test.count
        func topProbability(_ i: Int) -> Double { Double((0..<test.classes).map { test.probability(i, $0) }.max() ?? 0) }
        let wrong = (0..<n).filter { test.predictions[$0] != test.labels[$0] }
        let right = (0..<n).filter { test.predictions[$0] == test.labels[$0] }
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
        errors = wrong.count
        errorConfidence = mean(wrong.map(topProbability))
        correctConfidence = mean(right.map(topProbability))
        confidentErrors = wrong.filter { topProbability($0) >= Self.confidentLevel }.count
        let ink = (0..<n).map { DigitShape.ink(set.image($0)) }
        let slant = (0..<n).map { DigitShape.slant(set.image($0), columns: set.cols) }
        pairs = top.prefix(Self.pairsShown).map { p in
            let images = wrong.filter { test.labels[$0] == p.trueClass && test.predictions[$0] == p.predicted }
            let reference = right.filter { test.labels[$0] == p.trueClass }
            return Pair(trueClass: p.trueClass, predicted: p.predicted, count: images.count, images: images,
                        confidence: mean(images.map(topProbability)),
                        trueProbability: mean(images.map { Double(test.probability($0, p.trueClass)) }),
                        inkRatio: mean(images.map { ink[$0] }) / mean(reference.map { ink[$0] }),
                        slant: mean(images.map { slant[$0] }), classSlant: mean(reference.map { slant[$0] }),
                        surest: images.max { topProbability($0) < topProbability($1) } ?? -1,
                        surestConfidence: images.map(topProbability).max() ?? .nan)
        }
    }

    /// One object per confusion for the template's list, with exclusive flags for the
    /// ink and slant wording.
    func values(names: [String]) -> [TemplateValue] {
        pairs.enumerated().map { row, p in
            let slantDifference = p.slant - p.classSlant
            return .object([
                "row": .plain(row + 1),
                "true_name": .string(names[p.trueClass]), "predicted_name": .string(names[p.predicted]),
                "count": .count(p.count),
                "surest": .plain(p.surest), "surest_confidence": .decimal(p.surestConfidence, digits: 2),
                "confidence": .decimal(p.confidence, digits: 2),
                "true_probability": .decimal(p.trueProbability, digits: 2),
                "ink_ratio": .percent(p.inkRatio, digits: 0),
                "lighter": .bool(p.inkRatio < 1 - Self.inkMargin),
                "heavier": .bool(p.inkRatio > 1 + Self.inkMargin),
                "similar_ink": .bool(abs(p.inkRatio - 1) <= Self.inkMargin),
                "slant": .degrees(p.slant, digits: 1),
                "class_slant": .degrees(p.classSlant, digits: 1),
                "slant_difference": .degrees(abs(slantDifference), digits: 1),
                "more_right": .bool(slantDifference >= Self.slantMargin),
                "more_left": .bool(slantDifference <= -Self.slantMargin),
                "similar_slant": .bool(abs(slantDifference) < Self.slantMargin),
            ])
        }
    }

    /// Rows of the confusion table: the pair, its count and share, and its measures.
    func tableRows(names: [String]) -> [[String]] {
        pairs.map { p in
            [names[p.trueClass], names[p.predicted], Format.count(p.count),
             Format.percent(Double(p.count) / Double(max(1, errors)), digits: 1),
             Format.decimal(p.confidence, digits: 2), Format.percent(p.inkRatio, digits: 0),
             Format.decimal(p.slant, digits: 1) + "°", Format.decimal(p.classSlant, digits: 1) + "°"]
        }
    }

    /// The first examples of each confusion, in test-set order (not picked), one row
    /// per confusion, titled with the test image's index and the network's confidence.
    func examplesFigure(set: ImageSet, test: EvaluationRecord, names: [String]) -> FigureContent {
        var indices: [Int] = [], titles: [String] = []
        for p in pairs {
            for i in p.images.prefix(Self.examplesPerPair) {
                let confidence = (0..<test.classes).map { test.probability(i, $0) }.max() ?? 0
                indices.append(i)
                titles.append("\(i): \(names[p.trueClass])→\(names[p.predicted]) \(Format.decimal(Double(confidence), digits: 2))")
            }
        }
        let rows = (indices.count + Self.examplesPerPair - 1) / Self.examplesPerPair
        return FigureContent("", Figure(widthPoints: PrintSize.textWidth, heightPoints: 40 + 90 * Double(max(rows, 1)), .imageGrid(
            Images.grid(set, indices: indices, titles: titles, marked: indices.map { _ in true }, columns: Self.examplesPerPair))))
    }
}
