import FolioCharts
import FolioData
import FolioDocument
import FolioNN

/// 3.1: for every class, an image grown from noise by gradient ascent on that
/// class's logit, under three protocols: plain steps on the 0–255 scale as the
/// assignment specifies (the network sees p/255), the same steps with p fed to the
/// network unchanged (what the original notebooks ran), and Adam on pixels in [0, 1].
struct AdversarialNoiseChapter: Chapter {
    static let name = "adversarial-noise"
    static let declaration = ContentDeclaration(
        values: """
            adam_best_corr adam_checkpoint adam_conf adam_early_share adam_fast_start? adam_fifth_steps
            adam_gain adam_hits adam_ink adam_late_gain adam_late_steps adam_looks adam_mean adam_own_best
            adam_own_corr adam_rising adam_rising_steps adam_std adam_steps adam_still_rising? bar below_bar
            classes early_conf early_hits learning_rate meets_bar? notebook_all_hit? notebook_conf
            notebook_end_class notebook_end_class_count notebook_gain notebook_hits notebook_ink
            notebook_looks notebook_max_change notebook_own_best notebook_own_corr notebook_rising
            logits_flat? logits_flat_largest logits_flat_limit logits_flat_panels logits_flat_share
            notebook_rising_steps notebook_saturated? notebook_start_class notebook_start_classes
            notebook_start_conf notebook_start_logit notebook_start_one_class? protocol_epochs
            protocol_model protocol_validation raw_all_rising? raw_conf raw_end_class raw_end_classes
            raw_end_one_class? raw_gain raw_hits raw_ink raw_iterations raw_looks raw_max_change raw_mean
            raw_negligible? raw_own_corr raw_rising raw_rising_steps raw_start_class raw_start_logit
            raw_start_one_class? raw_std raw_step raw_step_unit raw_step_unit_exponent raw_top_conf real_ink
            real_low_corr real_own_corr real_passing step_ratio test_images
            """,
        figures: ["adversarial-adam", "adversarial-logits", "adversarial-raw", "adversarial-resemblance"],
        tables: ["adversarial-confidence", "adversarial-cost", "adversarial-protocols"])

    /// Both protocols' settings, and with the model's key the cache key.
    struct Config: Codable, Hashable {
        var model: AttackedModel.Key
        var seed: UInt64
        var classes: Int
        // (a) raw scale: noise N(128, 1) on 0–255, p ← clamp(p + 0.05·∂logit/∂p).
        var rawMean: Float = 128, rawStd: Float = 1, rawStep: Float = 0.05, rawIterations = 100
        // (a′) the notebooks' setting: the same noise and steps, x = p (scale 1).
        var notebookScale: Float = 1
        // (b) noise N(0.5, 0.25²) clamped to [0, 1], Adam on the pixels.
        var adamMean: Float = 0.5, adamStd: Float = 0.25, learningRate: Float = 0.01
        var adamSteps = 500, adamCheckpoint = 100
        /// Bump when the computation changes (2: the notebooks' variant (a′) added).
        static let version = 2
    }

    struct Result: Codable {
        var raw: Adversarial.Trace
        var notebook: Adversarial.Trace
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
        // Same starting noise as (a), so the two differ only in what the network sees.
        let notebook = Adversarial.rawAscent(model, start: rawStart, count: n, objective: objective,
                                             stepSize: config.rawStep, steps: config.rawIterations,
                                             inputScale: config.notebookScale, checkpoints: [0])
        let adamStart = noise(count: n, pixels: pixels, mean: config.adamMean, std: config.adamStd,
                              seed: config.seed, stream: "adversarial.noise.adam")
        let adam = Adversarial.adamAscent(model, start: adamStart, count: n, objective: objective,
                                          learningRate: config.learningRate, steps: config.adamSteps,
                                          checkpoints: [0, config.adamCheckpoint])
        return Result(raw: raw, notebook: notebook, adam: adam)
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let attacked = try AttackedModel.best(c)
        let names = c.classNames, k = names.count
        var config = Config(model: attacked.key, seed: c.seed, classes: k)
        // The quick profile stops Adam at 200 steps to stay within a few seconds.
        if c.profile == .quick { config.adamSteps = 200 }
        let result = try c.cache.value("3.1 images grown from noise", kind: "adversarial-noise", version: Config.version, config: config) {
            Self.compute(attacked.model, config)
        }
        let means = AttackedModel.classMeans(c)
        let raw = NoiseRunSummary(result.raw, means: means)
        let notebook = NoiseRunSummary(result.notebook, means: means, toUnit: 1 / 255)
        let adam = NoiseRunSummary(result.adam, means: means)
        let early = adam.at(config.adamCheckpoint)
        let real = RealImageResemblance(c.testSet, means: means)
        let bar = 0.99

        var values: [String: TemplateValue] = [
            "classes": .count(k),
            "raw_mean": .decimal(config.rawMean, digits: 0),
            "raw_std": .decimal(config.rawStd, digits: 0),
            "raw_step": .decimal(config.rawStep, digits: 2),
            "raw_step_unit": .string(Format.scientific(Double(config.rawStep) / (255 * 255)).mantissa),
            "raw_step_unit_exponent": .string(Format.scientific(Double(config.rawStep) / (255 * 255)).exponent),
            "raw_iterations": .count(config.rawIterations),
            "adam_mean": .decimal(config.adamMean, digits: 1),
            "adam_std": .decimal(config.adamStd, digits: 2),
            "learning_rate": .decimal(config.learningRate, digits: 2),
            "adam_steps": .count(config.adamSteps), "adam_checkpoint": .count(config.adamCheckpoint),
            "bar": .decimal(bar, digits: 2),
            "step_ratio": .count(255 * 255),
        ]
        values.merge(AnalysedModelNote.values(c, kind: attacked.optimizer, run: attacked.run)) { $1 }
        let ends = [("raw", raw, raw.at(result.raw.steps)), ("notebook", notebook, notebook.at(result.notebook.steps)),
                    ("adam", adam, adam.at(result.adam.steps))]
        for (key, run, end) in ends {
            values["\(key)_hits"] = .count(end.hits)
            values["\(key)_conf"] = .string(Wording.range(Format.decimal(end.targetProbability.min()!),
                                                           Format.decimal(end.targetProbability.max()!)))
            values["\(key)_rising"] = .count(run.gains.filter { $0 > 0 }.count)
            if key == "raw" { values["raw_all_rising"] = .bool(run.gains.allSatisfy { $0 > 0 }) }
            let digits = key == "raw" ? 5 : 2
            values["\(key)_gain"] = .string(Wording.range(Format.decimal(run.gains.min()!, digits: digits),
                                                           Format.decimal(run.gains.max()!, digits: digits)))
            values["\(key)_rising_steps"] = .percent(NoiseRunSummary.mean(run.risingFraction), digits: 1)
            if key != "raw" { values["\(key)_own_best"] = .count(run.ownMeanIsClosest) }
            values["\(key)_own_corr"] = .decimal(NoiseRunSummary.mean(run.ownCorrelation), digits: 3)
            values["\(key)_ink"] = .percent(NoiseRunSummary.mean(run.inkShare), digits: 1)
            values["\(key)_looks"] = .count(run.looksLikeTarget(threshold: real.lowCorrelation))
            if key != "adam" { values["\(key)_max_change"] = .decimal(255 * run.maxChange, digits: key == "raw" ? 4 : 1) }
        }
        values["raw_negligible"] = .bool(255 * raw.maxChange < 1)
        // What the network makes of the notebooks' input before any step: logits far
        // beyond those of (a), and one class for every image.
        let startRaw = Adversarial.predictions(result.raw.snapshot(atStep: 0)!.logits, classes: k)
        let startNotebook = Adversarial.predictions(result.notebook.snapshot(atStep: 0)!.logits, classes: k)
        func largestLogit(_ t: Adversarial.Trace) -> Double {
            let l = t.snapshot(atStep: 0)!.logits
            return NoiseRunSummary.mean((0..<t.count).map { i in Double(l[(i * k)..<((i + 1) * k)].max()!) })
        }
        values["raw_start_logit"] = .decimal(largestLogit(result.raw), digits: 2)
        values["notebook_start_logit"] = .decimal(largestLogit(result.notebook), digits: 0)
        let rawStartClasses = Set(startRaw.map(\.label)), notebookStartClasses = Set(startNotebook.map(\.label))
        values["raw_start_one_class"] = .bool(rawStartClasses.count == 1)
        values["raw_start_class"] = .string(names[startRaw[0].label])
        values["notebook_start_one_class"] = .bool(notebookStartClasses.count == 1)
        values["notebook_start_class"] = .string(names[startNotebook[0].label])
        values["notebook_start_classes"] = .count(notebookStartClasses.count)
        values["notebook_start_conf"] = .decimal(startNotebook.map(\.confidence).min()!)
        // The notebooks reported a confidence of 1.0000 for every class: does the
        // predicted class of (a′), and of (a), print as 1.0000 for every image?
        let notebookEnd = ends[1].2
        let notebookTop = Adversarial.predictions(result.notebook.final.logits, classes: k)
        let rawTop = Adversarial.predictions(result.raw.final.logits, classes: k)
        values["notebook_saturated"] = .bool(notebookTop.allSatisfy { Format.decimal($0.confidence) == Format.decimal(1) })
        values["notebook_all_hit"] = .bool(notebookEnd.hits == k)
        let counts = Dictionary(notebookEnd.predicted.map { ($0, 1) }, uniquingKeysWith: +)
        let common = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
        values["notebook_end_class"] = .string(names[common.key])
        values["notebook_end_class_count"] = .count(common.value)
        values["raw_top_conf"] = .decimal(rawTop.map(\.confidence).max()!)
        let rawEnd = ends[0].2
        values["raw_end_classes"] = .count(Set(rawEnd.predicted).count)
        values["raw_end_one_class"] = .bool(Set(rawEnd.predicted).count == 1)
        values["raw_end_class"] = .string(names[rawEnd.predicted[0]])

        values["early_hits"] = .count(early.hits)
        values["early_conf"] = .string(Wording.range(Format.decimal(early.targetProbability.min()!),
                                                     Format.decimal(early.targetProbability.max()!)))
        let adamEnd = ends[2].2
        values["meets_bar"] = .bool(adamEnd.targetProbability.allSatisfy { $0 >= bar })
        values["below_bar"] = .count(adamEnd.targetProbability.filter { $0 < bar }.count)
        // How the logit climbs under Adam: share of the total gain reached after the
        // first fifth of the steps, and the gain over the last tenth.
        let curve = result.adam.targetLogits, steps = result.adam.steps
        let fifth = steps / 5, lastTenth = steps - steps / 10
        let earlyShare = names.indices.map { i in
            Double(curve[fifth][i] - curve[0][i]) / max(Double(curve[steps][i] - curve[0][i]), 1e-12)
        }
        values["adam_fifth_steps"] = .count(fifth)
        values["adam_early_share"] = .percent(NoiseRunSummary.mean(earlyShare), digits: 0)
        values["adam_fast_start"] = .bool(earlyShare.allSatisfy { $0 > 0.5 })
        let lateGain = names.indices.map { Double(curve[steps][$0] - curve[lastTenth][$0]) }
        values["adam_late_steps"] = .count(steps - lastTenth)
        values["adam_late_gain"] = .decimal(NoiseRunSummary.mean(lateGain), digits: 3)
        values["adam_still_rising"] = .bool(lateGain.allSatisfy { $0 > 0 })
        // Real test images as the yardstick for "looks like its class".
        values["real_own_corr"] = .decimal(real.ownCorrelation, digits: 3)
        values["adam_best_corr"] = .decimal(NoiseRunSummary.mean(adam.bestCorrelation), digits: 3)
        values["real_low_corr"] = .decimal(real.lowCorrelation, digits: 3)
        values["real_passing"] = .percent(real.passing, digits: 1, of: c.testSet.count)
        values["real_ink"] = .percent(real.inkShare, digits: 1)
        values["test_images"] = .count(c.testSet.count)

        let logits = NoiseFigures.logits([("(a)", "(a) x = p/255", result.raw, "Iteration"),
                                          ("(a′)", "(a′) x = p", result.notebook, "Iteration"),
                                          ("(b)", "(b) Adam on [0, 1]", result.adam, "Step")], names: names)
        values["logits_flat"] = .bool(!logits.flat.isEmpty)
        values["logits_flat_panels"] = .string(Wording.list(logits.flat.map(\.label)))
        values["logits_flat_largest"] = .decimal(logits.flat.map(\.largest).max() ?? .nan, digits: 5)
        values["logits_flat_share"] = .percent(logits.flat.map(\.share).max() ?? .nan, digits: 2)
        values["logits_flat_limit"] = .percent(NoiseFigures.flatShare, digits: 0)
        let figures: [String: FigureContent] = [
            "adversarial-raw": FigureContent("", NoiseFigures.raw([("(a) as specified, x = p/255", result.raw, 255),
                                                                   ("(a′) as the notebooks ran it, x = p", result.notebook, 1)],
                                                                  names: names)),
            "adversarial-adam": FigureContent("", NoiseFigures.adam(result.adam, early: config.adamCheckpoint,
                                                                    means: means, names: names)),
            "adversarial-logits": FigureContent("", logits.figure),
            "adversarial-resemblance": FigureContent("", NoiseFigures.resemblance(adam.correlations, names: names)),
        ]
        return SectionContent(values: values, figures: figures, tables: NoiseTables.make(
            config: config, runs: [raw, notebook, adam], early: early, real: real, names: names))
    }
}

