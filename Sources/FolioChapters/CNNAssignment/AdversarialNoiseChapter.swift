import FolioCharts
import FolioData
import FolioDocument
import FolioNN

/// 3.1: for every class, an image grown from noise by gradient ascent on that
/// class's logit, under two protocols: plain steps on the 0–255 scale, and Adam on
/// pixels in [0, 1].
struct AdversarialNoiseChapter: Chapter {
    static let name = "adversarial-noise"

    /// Both protocols' settings, and with the model's key the cache key.
    struct Config: Codable, Hashable {
        var model: AttackedModel.Key
        var seed: UInt64
        var classes: Int
        // (a) raw scale: noise N(128, 1) on 0–255, p ← clamp(p + 0.05·∂logit/∂p).
        var rawMean: Float = 128, rawStd: Float = 1, rawStep: Float = 0.05, rawIterations = 100
        // (b) noise N(0.5, 0.25²) clamped to [0, 1], Adam on the pixels.
        var adamMean: Float = 0.5, adamStd: Float = 0.25, learningRate: Float = 0.01
        var adamSteps = 500, adamCheckpoint = 100
        var version = 1
    }

    struct Result: Codable {
        var raw: Adversarial.Trace
        var adam: Adversarial.Trace
    }

    /// One noise image per class (same noise scale for all), mean + std·N(0, 1).
    static func noise(count: Int, pixels: Int, mean: Float, std: Float, seed: UInt64, stream: String) -> [Float] {
        var rng = SeededGenerator(seed: seed, stream: stream)
        return (0..<(count * pixels)).map { _ in mean + std * rng.normal() }
    }

    /// Both protocols, all classes as one batch each.
    static func compute(_ model: Model, _ config: Config) -> Result {
        let n = config.classes, pixels = model.inputSize
        let objective = Adversarial.Objective(targets: Array(0..<n))
        let rawStart = noise(count: n, pixels: pixels, mean: config.rawMean, std: config.rawStd,
                             seed: config.seed, stream: "adversarial.noise.raw")
        let raw = Adversarial.rawAscent(model, start: rawStart, count: n, objective: objective,
                                        stepSize: config.rawStep, steps: config.rawIterations, checkpoints: [0])
        let adamStart = noise(count: n, pixels: pixels, mean: config.adamMean, std: config.adamStd,
                              seed: config.seed, stream: "adversarial.noise.adam")
        let adam = Adversarial.adamAscent(model, start: adamStart, count: n, objective: objective,
                                          learningRate: config.learningRate, steps: config.adamSteps,
                                          checkpoints: [0, config.adamCheckpoint])
        return Result(raw: raw, adam: adam)
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let attacked = try AttackedModel.best(c)
        let names = c.classNames
        var config = Config(model: attacked.key, seed: c.seed, classes: names.count)
        // The quick profile stops Adam at 200 steps to stay within a few seconds.
        if c.profile == .quick { config.adamSteps = 200 }
        let result = try c.cache.value("3.1 images grown from noise", kind: "adversarial-noise", config: config) {
            Self.compute(attacked.model, config)
        }
        let means = AttackedModel.classMeans(c)
        let raw = NoiseRunSummary(result.raw, means: means)
        let adam = NoiseRunSummary(result.adam, means: means)
        let early = adam.at(config.adamCheckpoint)
        let bar = 0.99

        var values: [String: TemplateValue] = [
            "optimiser": .string(attacked.optimizer.displayName), "epochs": .count(attacked.key.epoch),
            "classes": .count(names.count),
            "raw_mean": .string(Format.decimal(Double(config.rawMean), digits: 0)),
            "raw_std": .string(Format.decimal(Double(config.rawStd), digits: 0)),
            "raw_step": .string(Format.decimal(Double(config.rawStep), digits: 2)),
            "raw_step_unit": .string(Format.scientific(Double(config.rawStep) / (255 * 255)).mantissa),
            "raw_step_unit_exponent": .string(Format.scientific(Double(config.rawStep) / (255 * 255)).exponent),
            "raw_iterations": .count(config.rawIterations),
            "adam_mean": .string(Format.decimal(Double(config.adamMean), digits: 1)),
            "adam_std": .string(Format.decimal(Double(config.adamStd), digits: 2)),
            "learning_rate": .string(Format.decimal(Double(config.learningRate), digits: 2)),
            "adam_steps": .count(config.adamSteps), "adam_checkpoint": .count(config.adamCheckpoint),
            "bar": .decimal(bar, digits: 2),
        ]
        let rawEnd = raw.at(result.raw.steps)
        values["raw_hits"] = .count(rawEnd.hits)
        values["raw_all_hit"] = .bool(rawEnd.hits == names.count)
        values["raw_conf_min"] = .decimal(rawEnd.targetProbability.min()!)
        values["raw_conf_max"] = .decimal(rawEnd.targetProbability.max()!)
        values["raw_max_change"] = .decimal(255 * raw.maxChange, digits: 4)
        values["adam_max_change"] = .decimal(adam.maxChange, digits: 2)
        values["early_hits"] = .count(early.hits)
        values["early_conf_min"] = .decimal(early.targetProbability.min()!)
        values["early_conf_max"] = .decimal(early.targetProbability.max()!)
        let adamEnd = adam.at(result.adam.steps)
        values["adam_hits"] = .count(adamEnd.hits)
        values["adam_conf_min"] = .decimal(adamEnd.targetProbability.min()!)
        values["adam_conf_max"] = .decimal(adamEnd.targetProbability.max()!)
        values["meets_bar"] = .bool(adamEnd.targetProbability.allSatisfy { $0 >= bar })
        values["below_bar"] = .count(adamEnd.targetProbability.filter { $0 < bar }.count)
        for (key, run) in [("raw", raw), ("adam", adam)] {
            values["\(key)_rising"] = .count(run.gains.filter { $0 > 0 }.count)
            values["\(key)_all_rising"] = .bool(run.gains.allSatisfy { $0 > 0 })
            values["\(key)_gain_min"] = .decimal(run.gains.min()!, digits: key == "raw" ? 5 : 2)
            values["\(key)_gain_max"] = .decimal(run.gains.max()!, digits: key == "raw" ? 5 : 2)
            values["\(key)_rising_steps"] = .percent(run.risingFraction.reduce(0, +) / Double(names.count), digits: 1)
            values["\(key)_own_best"] = .count(run.ownMeanIsClosest)
        }
        values["raw_negligible"] = .bool(255 * raw.maxChange < 1)
        // How the logit climbs under Adam: share of the total gain reached after the
        // first fifth of the steps, and the gain over the last tenth.
        let curve = result.adam.targetLogits, steps = result.adam.steps
        let fifth = steps / 5, lastTenth = steps - steps / 10
        let earlyShare = names.indices.map { i in
            Double(curve[fifth][i] - curve[0][i]) / max(Double(curve[steps][i] - curve[0][i]), 1e-12)
        }
        values["adam_fifth_steps"] = .count(fifth)
        values["adam_early_share"] = .percent(earlyShare.reduce(0, +) / Double(names.count), digits: 0)
        values["adam_fast_start"] = .bool(earlyShare.allSatisfy { $0 > 0.5 })
        let lateGain = names.indices.map { Double(curve[steps][$0] - curve[lastTenth][$0]) }
        values["adam_late_steps"] = .count(steps - lastTenth)
        values["adam_late_gain"] = .decimal(lateGain.reduce(0, +) / Double(names.count), digits: 3)
        values["adam_still_rising"] = .bool(lateGain.allSatisfy { $0 > 0 })
        // Real test images as the yardstick for "looks like its class".
        let reference = Self.realImageResemblance(c.testSet, means: means)
        values["real_own_corr"] = .decimal(reference.ownCorrelation, digits: 3)
        values["real_own_closest"] = .percent(reference.ownClosest, digits: 1)
        values["adam_own_closest"] = .percent(Double(adam.ownMeanIsClosest) / Double(names.count), digits: 0)
        values["weaker_than_real"] = .bool(adam.ownCorrelation.reduce(0, +) / Double(names.count) < reference.ownCorrelation)
        values["test_images"] = .count(c.testSet.count)
        values["adam_own_corr"] = .decimal(adam.ownCorrelation.reduce(0, +) / Double(names.count), digits: 3)
        values["adam_best_corr"] = .decimal(adam.bestCorrelation.reduce(0, +) / Double(names.count), digits: 3)
        values["raw_own_corr"] = .decimal(raw.ownCorrelation.reduce(0, +) / Double(names.count), digits: 3)
        values["resembles_most"] = .bool(2 * adam.ownMeanIsClosest > names.count)
        values["resembles_none"] = .bool(adam.ownMeanIsClosest == 0)

        let figures: [String: FigureContent] = [
            "adversarial-raw": FigureContent("", NoiseFigures.raw(result.raw, raw, names: names)),
            "adversarial-adam": FigureContent("", NoiseFigures.adam(result.adam, early: config.adamCheckpoint,
                                                                    means: means, names: names)),
            "adversarial-logits": FigureContent("", NoiseFigures.logits(raw: result.raw, adam: result.adam, names: names)),
            "adversarial-resemblance": FigureContent("", NoiseFigures.resemblance(adam.correlations, names: names)),
        ]
        func cell(_ at: NoiseRunSummary.AtStep, _ k: Int) -> String {
            "\(names[at.predicted[k]]) · \(Format.decimal(at.targetProbability[k]))"
        }
        let confidence = TableContent(
            caption: "Predicted class · probability of the target class, for each target: protocol (a) after "
                + "\(config.rawIterations) iterations, protocol (b) after \(config.adamCheckpoint) and \(config.adamSteps) Adam steps.",
            header: ["target", "(a) \(config.rawIterations) iterations", "(b) \(config.adamCheckpoint) steps",
                     "(b) \(config.adamSteps) steps"],
            rows: names.indices.map { k in [names[k], cell(rawEnd, k), cell(early, k), cell(adamEnd, k)] },
            alignments: [.left, .right, .right, .right])
        let cost = TableContent(
            caption: "The target logit: its value at the start, its gain by the end, and the share of steps that raised "
                + "it (\"up\"), for protocol (a) and protocol (b).",
            header: ["target", "(a) start", "(a) gain", "(a) up", "(b) start", "(b) end", "(b) up"],
            rows: names.indices.map { k in
                [names[k], Format.decimal(raw.startLogits[k], digits: 3), Format.decimal(raw.gains[k], digits: 5),
                 Format.percent(raw.risingFraction[k], digits: 0),
                 Format.decimal(adam.startLogits[k], digits: 2), Format.decimal(adam.endLogits[k], digits: 2),
                 Format.percent(adam.risingFraction[k], digits: 0)]
            },
            alignments: [.left, .right, .right, .right, .right, .right, .right])
        return SectionContent(values: values, figures: figures,
                              tables: ["adversarial-confidence": confidence, "adversarial-cost": cost])
    }
}

extension AdversarialNoiseChapter {
    /// For real images: the mean correlation with their own class's mean image, and
    /// how often that mean is the closest of all.
    static func realImageResemblance(_ set: ImageSet, means: [[Float]]) -> (ownCorrelation: Double, ownClosest: Double) {
        var own = 0.0, closest = 0
        for i in 0..<set.count {
            let image = AttackedModel.unitPixels(set, i)[...]
            let r = means.map { Adversarial.correlation(image, $0[...]) }
            let label = Int(set.labels[i])
            own += r[label]
            if r.indices.max(by: { r[$0] < r[$1] }) == label { closest += 1 }
        }
        return (own / Double(max(set.count, 1)), Double(closest) / Double(max(set.count, 1)))
    }
}

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

    init(_ trace: Adversarial.Trace, means: [[Float]]) {
        self.trace = trace
        let logits = trace.targetLogits
        let n = trace.count
        startLogits = logits[0].map(Double.init)
        endLogits = logits[trace.steps].map(Double.init)
        risingFraction = (0..<n).map { i in
            let up = (1..<logits.count).filter { logits[$0][i] > logits[$0 - 1][i] }.count
            return Double(up) / Double(max(logits.count - 1, 1))
        }
        let pixels = trace.final.images.count / n
        correlations = (0..<n).map { i in
            means.map { Adversarial.correlation(Adversarial.image(trace.final.images, i, pixels: pixels), $0[...]) }
        }
        let start = trace.snapshot(atStep: 0)!.images
        maxChange = zip(trace.final.images, start).map { Double(abs($0 - $1)) }.max() ?? 0
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
}
