import FolioData
import FolioExperiments
import FolioNN

/// What an occlusion study depends on: the cache key of its results.
struct OcclusionConfig: Codable {
    var training: TrainingConfig
    var epoch: Int
    /// Test-set indices of the images occluded.
    var images: [Int]
    var patches: [Int]
    var fill: Float
    var stride: Int
    /// Bump when the computation changes.
    static let version = 1
}

/// One test image under every patch size of a study.
struct OccludedImage: Codable {
    var index: Int
    var label: Int
    /// P(true class) and the prediction without occlusion.
    var baseline: Float
    var basePrediction: Int
    var maps: [OcclusionMap]

    func map(patch: Int) -> OcclusionMap? { maps.first { $0.patch == patch } }

    /// The smallest patch size (of those computed) at which some position changes
    /// the prediction away from the true class; nil when none does.
    var smallestFlippingPatch: Int? {
        maps.sorted { $0.patch < $1.patch }.first { $0.predicted.contains { $0 != label } }?.patch
    }
}

/// Occlusion maps of several test images, computed once per configuration and cached.
enum OcclusionStudy {
    static func run(_ c: ChapterContext, run: TrainingRun, model: Model, images: [Int], patches: [Int],
                    fill: Float, stride: Int = 1) throws -> [OccludedImage] {
        let test = c.testSet
        let config = OcclusionConfig(training: run.config, epoch: c.profile.epochs(OptimiserRuns.epochs),
                                     images: images, patches: patches, fill: fill, stride: stride)
        let what = "occlusion of \(images.count) test image\(images.count == 1 ? "" : "s"), patches \(patches.map(String.init).joined(separator: ","))"
        return try c.cache.value(what, kind: "occlusion", version: OcclusionConfig.version, config: config) {
            let table = run.normalization.table
            let inputs = images.flatMap { test.image($0).map { table[Int($0)] } }
            let p = model.probabilities(inputs, count: images.count)
            let classes = p.count / images.count
            return images.enumerated().map { k, index in
                let label = Int(test.labels[index])
                let row = Array(p[(k * classes)..<((k + 1) * classes)])
                let pixels = test.image(index).map { Float($0) / 255 }
                let maps = patches.map {
                    Occlusion.map(model: model, image: pixels, rows: test.rows, cols: test.cols, targetClass: label,
                                  patch: $0, fill: fill, stride: stride, normalization: run.normalization)
                }
                return OccludedImage(index: index, label: label, baseline: row[label],
                                     basePrediction: row.indices.max { row[$0] < row[$1] }!, maps: maps)
            }
        }
    }

    /// One test image of each class, drawn at random (seeded) from the test set, in
    /// class order; the first `count` classes only.
    static func imagesPerClass(_ c: ChapterContext, count: Int) -> [Int] {
        let test = c.testSet
        var rng = SeededGenerator(seed: c.seed, stream: "occlusion.images")
        return (0..<min(count, c.classNames.count)).compactMap { k in
            let members = (0..<test.count).filter { Int(test.labels[$0]) == k }
            return members.isEmpty ? nil : members[rng.below(members.count)]
        }
    }
}

/// Summary of one patch size over all images of a study.
struct PatchSummary {
    var patch: Int
    var positions: Int
    var meanProbability: Double
    /// Mean over images of each image's lowest P(true class).
    var meanMinimum: Double
    var minimum: Double
    /// The image (index into the study) holding `minimum`.
    var weakestImage: Int
    /// Share of positions, over all images, where the prediction is not the true class.
    var misclassified: Double
    /// Pearson r between the drop in P(true class) and the ink share under the patch.
    var inkCorrelation: Double?
    /// Mean P(true class) where the patch covers no ink pixel and where it covers some.
    var backgroundMean: Double?
    var inkMean: Double?

    init?(patch: Int, study: [OccludedImage], ink: [[Float]], cols: Int) {
        var all: [Double] = [], drops: [Double] = [], cover: [Double] = [], minima: [Double] = []
        var background: [Double] = [], onInk: [Double] = []
        var wrong = 0, weakest = 0, lowest = Double.infinity, positions = 0
        for (k, image) in study.enumerated() {
            guard let map = image.map(patch: patch) else { return nil }
            positions = map.probability.count
            let share = Occlusion.coverage(of: ink[k], cols: cols, map: map)
            for (i, p) in map.probability.enumerated() {
                let v = Double(p)
                all.append(v); drops.append(Double(image.baseline) - v); cover.append(share[i])
                if share[i] > 0 { onInk.append(v) } else { background.append(v) }
                if map.predicted[i] != image.label { wrong += 1 }
            }
            let m = Double(map.probability.min() ?? .nan)
            minima.append(m)
            if m < lowest { lowest = m; weakest = k }
        }
        guard !all.isEmpty else { return nil }
        func mean(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.reduce(0, +) / Double(v.count) }
        self.patch = patch; self.positions = positions
        meanProbability = mean(all)!; meanMinimum = mean(minima)!; minimum = lowest; weakestImage = weakest
        misclassified = Double(wrong) / Double(all.count)
        inkCorrelation = SampleCorrelation.pearson(drops, cover)
        backgroundMean = mean(background); inkMean = mean(onInk)
    }
}

/// Does hiding ink cost more than hiding background? Within each image, the mean drop
/// of P(true class) over the positions whose patch covers at least one ink pixel is
/// compared with the mean drop over the positions covering none. Neighbouring
/// positions share most of their pixels, so positions are not independent samples;
/// the images are, and the test is a sign test over images (exact, two-sided) on the
/// per-image difference, with the size of the effect judged against `margin`.
struct InkContrast: Equatable {
    /// Per image (those with both kinds of position): mean drop on ink and on background.
    var inkDrops: [Double]
    var backgroundDrops: [Double]
    /// Images whose ink drop exceeds their background drop, and those where it is lower
    /// (ties, which a sign test drops, are in neither).
    var inkLarger: Int
    var backgroundLarger: Int

    /// A difference of mean drops below this (in probability) is too small to matter.
    static let margin = 0.01
    static let alpha = 0.05

    init?(patch: Int, study: [OccludedImage], ink: [[Float]], cols: Int) {
        var inkDrops: [Double] = [], backgroundDrops: [Double] = []
        for (k, image) in study.enumerated() {
            guard let map = image.map(patch: patch) else { return nil }
            let share = Occlusion.coverage(of: ink[k], cols: cols, map: map)
            var onInk: [Double] = [], off: [Double] = []
            for (i, p) in map.probability.enumerated() {
                let drop = Double(image.baseline) - Double(p)
                if share[i] > 0 { onInk.append(drop) } else { off.append(drop) }
            }
            guard !onInk.isEmpty, !off.isEmpty else { continue }
            inkDrops.append(onInk.reduce(0, +) / Double(onInk.count))
            backgroundDrops.append(off.reduce(0, +) / Double(off.count))
        }
        guard !inkDrops.isEmpty else { return nil }
        self.inkDrops = inkDrops; self.backgroundDrops = backgroundDrops
        inkLarger = zip(inkDrops, backgroundDrops).filter { $0 > $1 }.count
        backgroundLarger = zip(inkDrops, backgroundDrops).filter { $0 < $1 }.count
    }

    var images: Int { inkDrops.count }
    var meanInkDrop: Double { inkDrops.reduce(0, +) / Double(images) }
    var meanBackgroundDrop: Double { backgroundDrops.reduce(0, +) / Double(images) }
    /// Mean over images of (ink drop − background drop).
    var difference: Double { meanInkDrop - meanBackgroundDrop }
    /// Two-sided exact sign test: p = min(1, 2·P(X ≤ min(n₊, n₋))), X ~ Binomial(n₊ + n₋, ½).
    var pValue: Double {
        McNemarTest(onlyFirstCorrect: inkLarger, onlySecondCorrect: backgroundLarger).pValue
    }

    enum Verdict { case inkMatters, backgroundMatters, noClearDifference }
    /// Ink (or background) "matters more" only when the difference reaches the margin
    /// and the sign test rejects equality at `alpha`.
    var verdict: Verdict {
        guard pValue < Self.alpha, abs(difference) >= Self.margin else { return .noClearDifference }
        return difference > 0 ? .inkMatters : .backgroundMatters
    }
}
