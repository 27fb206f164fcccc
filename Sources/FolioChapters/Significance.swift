import FolioDocument
import FolioExperiments
import FolioNN

/// Two classifiers' accuracies on the same test images, compared as the reports state
/// comparisons: McNemar's exact test on the images where exactly one of them is right,
/// significant below `alpha`. A difference that is not significant is written as a tie.
struct AccuracyComparison {
    /// The level every report uses; stated in the prose wherever a verdict is given.
    static let alpha = 0.05

    let first: EvaluationRecord
    let second: EvaluationRecord
    let test: McNemarTest
    /// The p-value the verdict uses: McNemar's, or Holm's adjustment of it when the
    /// comparison is one of a family tested together.
    let pValue: Double

    init(_ first: EvaluationRecord, _ second: EvaluationRecord, adjustedP: Double? = nil) {
        self.first = first; self.second = second
        test = McNemarTest(firstPredictions: first.predictions, secondPredictions: second.predictions, labels: first.labels)
        pValue = adjustedP ?? test.pValue
    }

    var significant: Bool { pValue < Self.alpha }
    /// Accuracy of the first minus that of the second.
    var difference: Double { first.accuracy - second.accuracy }
    var firstBetter: Bool { significant && difference > 0 }
    var secondBetter: Bool { significant && difference < 0 }

    /// The values a template needs to state the comparison: the p-value, the verdict,
    /// the gap in percentage points and the discordant images behind it (the template
    /// must use all five; the first classifier is the one named first in the sentence).
    /// The names of `values`, in a chapter's content declaration.
    static let fields = "gap only_first only_second p significant?"

    var values: [String: TemplateValue] {
        ["p": .pValue(pValue), "significant": .bool(significant),
         "only_first": .count(test.onlyFirstCorrect), "only_second": .count(test.onlySecondCorrect),
         "gap": .points(abs(difference), of: first.count)]
    }

    static var alphaText: TemplateValue { .number(alpha) }
}

extension RunComparison {
    /// The epoch early stopping keeps: the lowest validation loss (the first of equal
    /// ones). Nil for a run without a validation set, which must fix its epoch in advance.
    static func selectedEpoch(_ records: [EpochRecord]) -> EpochRecord? {
        records.filter { $0.validationLoss != nil }.min { $0.validationLoss! < $1.validationLoss! }
    }
}
