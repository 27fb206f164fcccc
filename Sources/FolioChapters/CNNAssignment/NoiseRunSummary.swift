import FolioData
import FolioNN

/// What 3.1 reads off one run: predictions at a step, the logit's course, and how
/// much each final image resembles each class's mean training image.
struct NoiseRunSummary {
    struct AtStep {
        var predicted: [Int]
        var targetProbability: [Double]
        var hits: Int
    }

    let trace: Adversarial.Trace
    let startLogits: [Double], endLogits: [Double]
    var gains: [Double] { zip(endLogits, startLogits).map { $0 - $1 } }
    /// Per image: the share of steps after which its target logit was higher than before.
    let risingFraction: [Double]
    /// correlations[c][k]: final image for class c against the mean image of class k.
    let correlations: [[Double]]
    /// Largest change of any pixel between the start and the end, on the [0, 1] scale.
    let maxChange: Double
    /// Per final image: share of pixels brighter than the ink threshold on [0, 1].
    let inkShare: [Double]

    /// `toUnit` turns the trace's images (what the network saw) into pixels in [0, 1]:
    /// 1 for the runs on x = p/255, 1/255 for the run that fed p unchanged.
    init(_ trace: Adversarial.Trace, means: [[Float]], toUnit: Float = 1) {
        self.trace = trace
        let logits = trace.targetLogits
        let n = trace.count
        startLogits = logits[0].map(Double.init)
        endLogits = logits[trace.steps].map(Double.init)
        risingFraction = (0..<n).map { i in
            let up = (1..<logits.count).filter { logits[$0][i] > logits[$0 - 1][i] }.count
            return Double(up) / Double(max(logits.count - 1, 1))
        }
        let final = trace.final.images.map { $0 * toUnit }
        let pixels = final.count / n
        correlations = (0..<n).map { i in
            means.map { Adversarial.correlation(Adversarial.image(final, i, pixels: pixels), $0[...]) }
        }
        let start = trace.snapshot(atStep: 0)!.images
        maxChange = zip(trace.final.images, start).map { Double(abs($0 - $1) * toUnit) }.max() ?? 0
        inkShare = (0..<n).map { i in
            let image = Adversarial.image(final, i, pixels: pixels)
            return Double(image.filter { $0 > ActivationStatistics.inkThreshold }.count) / Double(pixels)
        }
    }

    func at(_ step: Int) -> AtStep {
        let s = trace.snapshot(atStep: step)!
        let p = Adversarial.predictions(s.logits, classes: trace.classes)
        let target = Adversarial.targetProbabilities(s.logits, classes: trace.classes, targets: trace.targets)
        let predicted = p.map(\.label)
        return AtStep(predicted: predicted, targetProbability: target,
                      hits: zip(predicted, trace.targets).filter { $0 == $1 }.count)
    }

    var closestMean: [Int] { correlations.map { row in row.indices.max { row[$0] < row[$1] }! } }
    var ownMeanIsClosest: Int { zip(closestMean, trace.targets).filter { $0 == $1 }.count }
    var ownCorrelation: [Double] { trace.targets.enumerated().map { correlations[$0.offset][$0.element] } }
    var bestCorrelation: [Double] { correlations.map { $0.max()! } }

    /// Images that "look like" their target by the rule 3.1 states: the target's mean
    /// training image is the closest of all class means, and the correlation with it
    /// is at least `threshold` (the 5th percentile of real test images' correlation
    /// with their own class mean, so 95 % of real digits pass).
    func looksLikeTarget(threshold: Double) -> Int {
        trace.targets.indices.filter { closestMean[$0] == trace.targets[$0] && ownCorrelation[$0] >= threshold }.count
    }

    static func mean(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
}

/// Real test images as the yardstick for "looks like its class".
struct RealImageResemblance {
    /// Mean correlation of a test image with its own class's mean training image.
    var ownCorrelation: Double
    /// Share of test images whose own class mean is the closest of all.
    var ownClosest: Double
    /// 5th percentile of the correlation with the own class mean.
    var lowCorrelation: Double
    /// Share of test images passing the "looks like its class" rule at `lowCorrelation`.
    var passing: Double
    /// Mean share of pixels above the ink threshold.
    var inkShare: Double

    init(_ set: ImageSet, means: [[Float]]) {
        var own: [Double] = [], closest: [Bool] = [], ink: [Double] = []
        for i in 0..<set.count {
            let image = AttackedModel.unitPixels(set, i)
            let r = means.map { Adversarial.correlation(image[...], $0[...]) }
            let label = Int(set.labels[i])
            own.append(r[label])
            closest.append(r.indices.max { r[$0] < r[$1] } == label)
            ink.append(Double(image.filter { $0 > ActivationStatistics.inkThreshold }.count) / Double(image.count))
        }
        let n = Double(max(set.count, 1))
        ownCorrelation = NoiseRunSummary.mean(own)
        ownClosest = Double(closest.filter { $0 }.count) / n
        let sorted = own.sorted()
        lowCorrelation = sorted.isEmpty ? .nan : sorted[Int((0.05 * Double(sorted.count - 1)).rounded())]
        let threshold = lowCorrelation
        passing = Double(zip(own, closest).filter { $0.1 && $0.0 >= threshold }.count) / n
        inkShare = NoiseRunSummary.mean(ink)
    }
}
