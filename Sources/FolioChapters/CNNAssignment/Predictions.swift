import Foundation
import FolioData
import FolioNN

/// A model's predictions for a few chosen images.
struct Predictions {
    /// Indices into the image set, in the order shown.
    let indices: [Int]
    let labels: [Int]
    let predicted: [Int]
    /// The probability the model gives its predicted class.
    let confidence: [Double]

    var isCorrect: [Bool] { indices.indices.map { labels[$0] == predicted[$0] } }
    var correctCount: Int { isCorrect.filter { $0 }.count }

    /// `count` distinct images drawn at random from `set`, reproducibly for a seed.
    static func sample(count: Int, from setCount: Int, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed, stream: "predictions.samples")
        return Array(rng.permutation(setCount).prefix(count))
    }

    /// The probability that `n` independent images with error rate `q` hold at least `k`
    /// errors (a binomial tail): how unusual a sample's mistakes are for the model.
    static func chanceOfAtLeast(_ k: Int, errorsIn n: Int, errorRate q: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        var total = 0.0
        var choose = 1.0  // C(n, j), built up from C(n, 0)
        for j in 0...n {
            if j > 0 { choose = choose * Double(n - j + 1) / Double(j) }
            if j >= k { total += choose * pow(q, Double(j)) * pow(1 - q, Double(n - j)) }
        }
        return min(total, 1)
    }

    /// Runs the images through `model` as one batch, scaled as its training run scaled them.
    init(model: Model, set: ImageSet, indices: [Int], normalization: Normalization) {
        let table = normalization.table
        let x = indices.flatMap { set.image($0).map { table[Int($0)] } }
        let probabilities = model.probabilities(x, count: indices.count)
        let k = model.classes
        self.indices = indices
        labels = indices.map { Int(set.labels[$0]) }
        var predicted: [Int] = [], confidence: [Double] = []
        for n in indices.indices {
            let row = probabilities[(n * k)..<((n + 1) * k)]
            let best = row.indices.max { row[$0] < row[$1] }!
            predicted.append(best - n * k)
            confidence.append(Double(row[best]))
        }
        self.predicted = predicted
        self.confidence = confidence
    }
}
