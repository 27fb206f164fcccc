import Foundation

/// The text of scikit-learn's `classification_report(y_true, y_pred, labels=range(k),
/// target_names=classNames, digits=digits)`, character for character: per-class
/// precision, recall, f1-score and support, then the accuracy, macro-average and
/// support-weighted-average rows. Like scikit-learn's string it ends with a newline.
///
/// The averages are summed in NumPy's pairwise order, so that a value lying on a
/// rounding boundary prints with the same last digit as the Python report.
public func classificationReport(_ cm: ConfusionMatrix, classNames: [String], digits: Int = 2) -> String {
    precondition(classNames.count == cm.classCount,
                 "\(classNames.count) class names for \(cm.classCount) classes")
    precondition(digits >= 0, "digits must not be negative")
    let precision = cm.precisions, recall = cm.recalls, f1 = cm.f1Scores, support = cm.supports
    let totalSupport = support.reduce(0, +)
    let width = max(classNames.map(\.unicodeScalars.count).max() ?? 0, "weighted avg".count, digits)

    func score(_ value: Double) -> String { " " + reportPadLeft(String(format: "%.\(digits)f", value), 9) }
    // A scikit-learn quirk, reproduced: when no prediction is right, its true-positive
    // counts start as a float array, so every support prints as a float ("3.0").
    func count(_ s: Int) -> String { " " + reportPadLeft(cm.correct == 0 ? "\(s).0" : String(s), 9) }
    func row(_ name: String, _ p: Double, _ r: Double, _ f: Double, _ s: Int) -> String {
        reportPadLeft(name, width) + " " + score(p) + score(r) + score(f) + count(s) + "\n"
    }

    var report = reportPadLeft("", width) + " "
    for header in ["precision", "recall", "f1-score", "support"] { report += " " + reportPadLeft(header, 9) }
    report += "\n\n"
    for c in 0..<cm.classCount {
        report += row(classNames[c], precision[c], recall[c], f1[c], support[c])
    }
    report += "\n"
    // The accuracy row leaves precision and recall blank; its value is micro-averaged F1.
    report += reportPadLeft("accuracy", width) + " " + String(repeating: " ", count: 20)
        + score(cm.accuracy) + count(totalSupport) + "\n"
    report += row("macro avg", numpyMean(precision), numpyMean(recall), numpyMean(f1), totalSupport)
    let weights = support.map(Double.init)
    report += row("weighted avg", weightedMean(precision, weights), weightedMean(recall, weights),
                  weightedMean(f1, weights), totalSupport)
    return report
}

/// Python's `"{:>{width}}".format(text)`: right-aligned, never truncated, counting
/// code points as Python's `len` does.
private func reportPadLeft(_ text: String, _ width: Int) -> String {
    let missing = width - text.unicodeScalars.count
    return missing > 0 ? String(repeating: " ", count: missing) + text : text
}

/// `numpy.mean`: the pairwise sum divided by the count.
private func numpyMean(_ values: [Double]) -> Double {
    values.isEmpty ? .nan : numpyPairwiseSum(values[...]) / Double(values.count)
}

/// `numpy.average(values, weights=weights)`, falling back to the plain mean when the
/// weights sum to zero, as scikit-learn does.
private func weightedMean(_ values: [Double], _ weights: [Double]) -> Double {
    let scale = numpyPairwiseSum(weights[...])
    if scale == 0 { return numpyMean(values) }
    return numpyPairwiseSum(zip(values, weights).map { $0 * $1 }[...]) / scale
}

/// NumPy's summation order for a contiguous float64 array: fewer than 8 values are
/// added left to right; up to 128 go into 8 interleaved partial sums combined as a
/// tree; longer runs are split in two at a multiple of 8 and summed recursively.
private func numpyPairwiseSum(_ values: ArraySlice<Double>) -> Double {
    let n = values.count
    let start = values.startIndex
    if n < 8 {
        return values.reduce(0.0, +)
    }
    if n <= 128 {
        var partial = Array(values[start..<start + 8])
        var i = 8
        while i < n - n % 8 {
            for j in 0..<8 { partial[j] += values[start + i + j] }
            i += 8
        }
        var sum = ((partial[0] + partial[1]) + (partial[2] + partial[3]))
            + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
        while i < n {
            sum += values[start + i]
            i += 1
        }
        return sum
    }
    var half = n / 2
    half -= half % 8
    return numpyPairwiseSum(values[start..<start + half]) + numpyPairwiseSum(values[(start + half)...])
}
