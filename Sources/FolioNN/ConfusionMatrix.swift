/// Counts of (true class, predicted class) pairs: `counts[t][p]` is the number of
/// examples of class t predicted as p, rows true and columns predicted, as in
/// scikit-learn's `confusion_matrix`.
///
/// The per-class scores follow scikit-learn's `precision_recall_fscore_support` with its
/// default `zero_division`: a score whose denominator is zero (a class never predicted,
/// or never present) is 0.
public struct ConfusionMatrix: Sendable, Equatable {
    public let classCount: Int
    public private(set) var counts: [[Int]]

    /// Tallies predictions against labels; both must be class ids in `0..<classCount`.
    public init(predictions: [Int], labels: [Int], classCount: Int) {
        precondition(classCount > 0, "a confusion matrix needs at least one class")
        precondition(predictions.count == labels.count,
                     "\(predictions.count) predictions for \(labels.count) labels")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (predicted, label) in zip(predictions, labels) {
            precondition((0..<classCount).contains(label), "label \(label) is not a class id below \(classCount)")
            precondition((0..<classCount).contains(predicted), "prediction \(predicted) is not a class id below \(classCount)")
            counts[label][predicted] += 1
        }
        self.classCount = classCount
        self.counts = counts
    }

    /// A matrix from counts already tallied (square, non-negative).
    public init(counts: [[Int]]) {
        precondition(!counts.isEmpty && counts.allSatisfy { $0.count == counts.count },
                     "confusion matrix counts must be square")
        precondition(counts.allSatisfy { $0.allSatisfy { $0 >= 0 } }, "confusion matrix counts must be non-negative")
        self.classCount = counts.count
        self.counts = counts
    }

    /// Number of examples tallied.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Number of examples on the diagonal.
    public var correct: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }

    /// Fraction of examples predicted correctly (0 when there are none).
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Examples whose true class is `c` (the row sum).
    public func support(_ c: Int) -> Int { counts[c].reduce(0, +) }

    /// Examples predicted as `c` (the column sum).
    public func predictedCount(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// Of the examples predicted as `c`, the fraction that are `c`.
    public func precision(_ c: Int) -> Double { ratio(counts[c][c], predictedCount(c)) }

    /// Of the examples of class `c`, the fraction predicted as `c`.
    public func recall(_ c: Int) -> Double { ratio(counts[c][c], support(c)) }

    /// Harmonic mean of precision and recall, computed as scikit-learn does, from the
    /// counts: 2·tp / (support + predicted), which is exact where 2pr/(p+r) rounds twice.
    public func f1(_ c: Int) -> Double { ratio(2 * counts[c][c], support(c) + predictedCount(c)) }

    public var precisions: [Double] { (0..<classCount).map(precision) }
    public var recalls: [Double] { (0..<classCount).map(recall) }
    public var f1Scores: [Double] { (0..<classCount).map(f1) }
    public var supports: [Int] { (0..<classCount).map(support) }

    /// The largest off-diagonal cells (true class predicted as another), most frequent
    /// first, ties broken by true class then predicted class. Empty cells are left out,
    /// so fewer than `top` entries come back when there are fewer mistakes.
    public func mostConfused(top: Int) -> [(trueClass: Int, predicted: Int, count: Int)] {
        var cells: [(trueClass: Int, predicted: Int, count: Int)] = []
        for t in 0..<classCount {
            for p in 0..<classCount where p != t && counts[t][p] > 0 {
                cells.append((t, p, counts[t][p]))
            }
        }
        cells.sort { ($1.count, $0.trueClass, $0.predicted) < ($0.count, $1.trueClass, $1.predicted) }
        return Array(cells.prefix(max(top, 0)))
    }

    private func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }
}
