// The tests behind the reports' comparisons. Two classifiers scored on the same test
// images are not independent samples: the images both get right or both get wrong
// say nothing about which is better, so accuracies are compared by McNemar's exact
// test on the images where exactly one of them is right.

import Foundation

/// McNemar's exact test of two classifiers on the same images.
///
/// With b images only the first gets right and c only the second, the null hypothesis
/// "both are equally accurate" makes b ~ Binomial(b + c, 1/2); the two-sided p-value
/// is the probability of a split at least as uneven as the one seen:
///     p = min(1, 2 · P(X ≤ min(b, c))),  X ~ Binomial(b + c, 1/2).
public struct McNemarTest: Equatable, Sendable {
    /// Images the first classifier gets right and the second wrong.
    public let onlyFirstCorrect: Int
    /// Images the second classifier gets right and the first wrong.
    public let onlySecondCorrect: Int
    /// Two-sided exact p-value; 1 when the two never disagree.
    public let pValue: Double

    public init(onlyFirstCorrect b: Int, onlySecondCorrect c: Int) {
        precondition(b >= 0 && c >= 0, "counts of discordant images cannot be negative")
        onlyFirstCorrect = b
        onlySecondCorrect = c
        pValue = min(1, 2 * BinomialDistribution(trials: b + c, probability: 0.5).cumulative(atMost: min(b, c)))
    }

    /// From each classifier's per-image correctness, in the same image order.
    public init(firstCorrect: [Bool], secondCorrect: [Bool]) {
        precondition(firstCorrect.count == secondCorrect.count, "both classifiers must be scored on the same images")
        var b = 0, c = 0
        for (x, y) in zip(firstCorrect, secondCorrect) where x != y {
            if x { b += 1 } else { c += 1 }
        }
        self.init(onlyFirstCorrect: b, onlySecondCorrect: c)
    }

    /// From both classifiers' predicted classes and the true labels.
    public init(firstPredictions: [Int], secondPredictions: [Int], labels: [Int]) {
        precondition(firstPredictions.count == labels.count && secondPredictions.count == labels.count,
                     "predictions and labels must cover the same images")
        self.init(firstCorrect: zip(firstPredictions, labels).map { $0 == $1 },
                  secondCorrect: zip(secondPredictions, labels).map { $0 == $1 })
    }

    /// Images on which the two classifiers disagree about correctness.
    public var discordant: Int { onlyFirstCorrect + onlySecondCorrect }

    /// Whether the difference is significant at level `alpha` (two-sided).
    public func isSignificant(at alpha: Double = 0.05) -> Bool { pValue < alpha }
}

/// Binomial(n, p), with the cumulative distribution summed in log space so that
/// n in the tens of thousands neither overflows nor underflows term by term.
public struct BinomialDistribution: Sendable {
    public let trials: Int
    public let probability: Double

    public init(trials: Int, probability: Double) {
        precondition(trials >= 0 && (0...1).contains(probability))
        self.trials = trials; self.probability = probability
    }

    /// log P(X = k) = log C(n, k) + k log p + (n − k) log(1 − p).
    public func logProbability(_ k: Int) -> Double {
        guard (0...trials).contains(k) else { return -.infinity }
        let n = Double(trials), x = Double(k)
        let logChoose = lgamma(n + 1) - lgamma(x + 1) - lgamma(n - x + 1)
        func term(_ count: Double, _ q: Double) -> Double { count == 0 ? 0 : count * log(q) }
        return logChoose + term(x, probability) + term(n - x, 1 - probability)
    }

    /// P(X ≤ k), summed from the largest term down (log-sum-exp) for accuracy.
    public func cumulative(atMost k: Int) -> Double {
        if k < 0 { return 0 }
        if k >= trials { return 1 }
        let logs = (0...k).map(logProbability)
        let top = logs.max()!
        if top == -.infinity { return 0 }
        return min(1, exp(top) * logs.reduce(0) { $0 + exp($1 - top) })
    }
}

/// Wilson's score interval for a proportion (an accuracy measured on n images):
/// the p with |p̂ − p| ≤ z·sqrt(p(1 − p)/n), which stays inside [0, 1] and behaves
/// near 0 and 1, where accuracies of 99 % live, unlike p̂ ± z·sqrt(p̂(1 − p̂)/n).
public struct ProportionInterval: Equatable, Sendable {
    public let successes: Int
    public let total: Int
    public let lower: Double
    public let upper: Double

    /// `z` = 1.959964 gives the 95 % interval.
    public init(successes: Int, total: Int, z: Double = 1.959964) {
        precondition(total > 0 && (0...total).contains(successes))
        self.successes = successes; self.total = total
        let n = Double(total), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }

    public var estimate: Double { Double(successes) / Double(total) }
}

/// Holm's step-down correction for testing several hypotheses at once: sort the m
/// p-values, multiply the k-th smallest by (m − k + 1), keep the sequence from
/// decreasing and cap it at 1. Rejecting where the adjusted value is below α keeps
/// the chance of any false "significant" at most α, without Bonferroni's loss of power.
public func holmAdjusted(_ pValues: [Double]) -> [Double] {
    let m = pValues.count
    let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
    var adjusted = [Double](repeating: 1, count: m)
    var running = 0.0
    for (rank, index) in order.enumerated() {
        running = max(running, min(1, Double(m - rank) * pValues[index]))
        adjusted[index] = running
    }
    return adjusted
}
