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

/// The Mann–Whitney rank-sum test of two independent samples, such as the per-epoch
/// times of two training runs: each epoch is one measurement, so whether one run's
/// epochs are slower is asked of their ranks, not of their extremes (two samples of
/// fifteen whose ranges overlap by one value can still differ beyond doubt).
///
/// U counts the pairs (x from the first sample, y from the second) with x > y, a tie
/// as one half. Under the null hypothesis "neither sample tends to be larger" every
/// order of the pooled values is equally likely; the two-sided exact p-value is
///     p = min(1, 2 · P(U ≤ min(U, n₁n₂ − U))),
/// with U's distribution counted over those orders as if there were no ties, and a
/// half-integer U (from ties) rounded away from the tail, as SciPy's
/// `method="exact"` does: the p-value errs on the side of "no difference".
public struct RankSumTest: Equatable, Sendable {
    public let u: Double
    public let pValue: Double

    public init(_ first: [Double], _ second: [Double]) {
        precondition(!first.isEmpty && !second.isEmpty, "a rank-sum test needs two non-empty samples")
        var u = 0.0
        for x in first { for y in second { u += x > y ? 1 : x == y ? 0.5 : 0 } }
        self.u = u
        let lower = min(u, Double(first.count * second.count) - u)
        pValue = min(1, 2 * Self.cumulative(atMost: Int(lower.rounded(.up)), first.count, second.count))
    }

    /// P(U ≤ k) for samples of n₁ and n₂ distinct values under the null hypothesis.
    /// With f(i, j)[u] the orders of i first-sample and j second-sample values in
    /// which u pairs have the first larger, the largest value is either from the first
    /// sample (above all j others: f(i − 1, j)[u − j]) or from the second (f(i, j − 1)[u]).
    static func cumulative(atMost k: Int, _ n1: Int, _ n2: Int) -> Double {
        guard k >= 0 else { return 0 }
        // counts[j] is f(i, j) for the current i, starting from i = 0 (one order each).
        var counts = (0...n2).map { _ in [1.0] }
        for i in 1...n1 {
            var next: [[Double]] = [[1.0]]  // f(i, 0): one order, u = 0
            for j in 1...n2 {
                var f = [Double](repeating: 0, count: i * j + 1)
                for (u, c) in counts[j].enumerated() { f[u + j] += c }       // largest from the first sample
                for (u, c) in next[j - 1].enumerated() { f[u] += c }         // largest from the second
                next.append(f)
            }
            counts = next
        }
        let f = counts[n2], total = f.reduce(0, +)
        return f.prefix(k + 1).reduce(0, +) / total
    }

    public func isSignificant(at alpha: Double = 0.05) -> Bool { pValue < alpha }
}
