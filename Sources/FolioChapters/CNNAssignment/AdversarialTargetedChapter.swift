import FolioCharts
import FolioData
import FolioDocument
import FolioNN

/// 3.2: for every source class a and target b ≠ a, an image that stays close to a
/// real image of a but is classified as b, by maximising
/// logit_b(X) − β·MSE(X, image_a) with Adam on pixels in [0, 1]; once starting from
/// the real image, once from noise with the image only in the distance term.
struct AdversarialTargetedChapter: Chapter {
    static let name = "adversarial-targeted"
    static let declaration = ContentDeclaration(
        values: """
            a_norm beta_closer? beta_costs_success? beta_tradeoff? beta_values budget classes
            image_all_succeed? image_beta image_beta255 image_checkpoints image_corr image_cross_step
            image_crosses? image_failures image_first_checkpoint image_hits image_hits_notebook image_l2
            image_linf image_linf_notebook image_linf_range image_max_steps image_meets_bar? image_mse
            image_ran_longer? image_reach image_rel_l2 image_rel_l2_notebook image_small? image_steps
            image_stopped_early? image_success image_within_budget learning_rate noise_all_succeed?
            noise_beta noise_beta255 noise_closer? noise_corr noise_cross_step noise_crosses? noise_failures
            noise_first_checkpoint noise_hits noise_l2 noise_linf noise_linf_range noise_max_steps
            noise_mean noise_meets_bar? noise_mse noise_rel_l2 noise_std noise_steps noise_stopped_early?
            noise_success noise_within_budget notebook_steps pairs protocol_epochs protocol_model
            protocol_validation success_target
            """,
        figures: ["targeted-image-grid", "targeted-noise-grid", "targeted-success"],
        tables: ["targeted-beta", "targeted-summary"])

    /// The two starting points.
    enum Start: String, Codable, CaseIterable {
        case image, noise
        var label: String { self == .image ? "from the real image" : "from noise" }
        var shortLabel: String { self == .image ? "real image" : "noise" }
    }

    /// One case's settings. β is on the [0, 1] pixel scale: MSE on the 0–255 scale is
    /// 255² times the MSE on [0, 1], so β₀₋₂₅₅ = β / 255².
    struct CaseConfig: Codable, Hashable {
        var start: Start
        var beta: Float
        /// The run stops at the first checkpoint where `successTarget` of the pairs
        /// succeed, and at the last checkpoint otherwise.
        var checkpoints: [Int]
        /// Other β values run for as many steps as the main run took.
        var sweep: [Float]
    }

    struct Config: Codable, Hashable {
        var model: AttackedModel.Key
        var seed: UInt64
        /// The test image used for each source class.
        var sources: [Int]
        var learningRate: Float = 0.01
        /// Noise on the 0–255 scale, N(128, 1), divided by 255.
        var noiseMean255: Float = 128, noiseStd255: Float = 1
        var successTarget = 0.9
        var cases: [CaseConfig]
        /// Bump when the computation changes.
        static let version = 1
    }

    /// A β of the sweep: its success and mean distances to the source images.
    struct SweepRun: Codable {
        var beta: Float
        var steps: Int
        var hits: Int
        var meanL2: Double, meanLInf: Double, meanMSE: Double
    }

    struct CaseResult: Codable {
        var trace: Adversarial.Trace
        var sweep: [SweepRun]
    }

    /// Every ordered pair (a, b ≠ a), source-major.
    static func pairs(classes k: Int) -> [(source: Int, target: Int)] {
        (0..<k).flatMap { a in (0..<k).filter { $0 != a }.map { (a, $0) } }
    }

    static func compute(_ model: Model, _ config: Config, set: ImageSet) -> [CaseResult] {
        let k = config.sources.count, pixels = model.inputSize
        let pairs = pairs(classes: k)
        let sourceImages = config.sources.map { AttackedModel.unitPixels(set, $0) }
        let prior = pairs.flatMap { sourceImages[$0.source] }
        let targets = pairs.map(\.target)
        var rng = SeededGenerator(seed: config.seed, stream: "adversarial.targeted.noise")
        let noise = (0..<(pairs.count * pixels)).map { _ in (config.noiseMean255 + config.noiseStd255 * rng.normal()) / 255 }
        let enough = Int((config.successTarget * Double(pairs.count)).rounded(.up))
        return config.cases.map { c in
            let start = c.start == .image ? prior : noise
            func run(_ beta: Float, steps: Int, checkpoints: [Int], stop: ((Int) -> Bool)?) -> Adversarial.Trace {
                Adversarial.adamAscent(model, start: start, count: pairs.count,
                                       objective: .init(targets: targets, prior: prior, beta: beta),
                                       learningRate: config.learningRate, steps: steps, checkpoints: checkpoints,
                                       stop: stop)
            }
            let trace = run(c.beta, steps: c.checkpoints.max()!, checkpoints: c.checkpoints) { $0 >= enough }
            let sweep = c.sweep.map { beta in
                let t = run(beta, steps: trace.steps, checkpoints: [], stop: nil)
                let s = TargetedSummary(t.final, pairs: pairs, sources: sourceImages, classes: model.classes)
                return SweepRun(beta: beta, steps: t.steps, hits: s.hits,
                                meanL2: s.mean(\.l2), meanLInf: s.mean(\.lInf), meanMSE: s.mean(\.mse))
            }
            return CaseResult(trace: trace, sweep: sweep)
        }
    }

    /// Profile-dependent budgets: the full profile may take more steps and runs
    /// more values of β; the quick one keeps to 25 steps and one more β.
    static func cases(_ c: ChapterContext) -> [CaseConfig] {
        let full = c.profile == .full
        return [
            CaseConfig(start: .image, beta: 1e-5, checkpoints: full ? [25, 50, 100] : [25], sweep: full ? [100, 1_000] : []),
            CaseConfig(start: .noise, beta: 0.001 * 255 * 255, checkpoints: full ? [50, 100, 200, 400] : [25],
                       sweep: full ? [0.0001 * 255 * 255, 0.01 * 255 * 255] : [0.01 * 255 * 255]),
        ]
    }

    /// One correctly classified test image per class, chosen at random (seeded).
    static func sources(_ c: ChapterContext, _ attacked: AttackedModel) throws -> [Int] {
        let evaluation = try attacked.run.testEvaluation(atEpoch: attacked.key.epoch)
        var rng = SeededGenerator(seed: c.seed, stream: "adversarial.targeted.sources")
        return try c.classNames.indices.map { a in
            let candidates = evaluation.labels.indices.filter { evaluation.labels[$0] == a && evaluation.predictions[$0] == a }
            guard !candidates.isEmpty else { throw ModelError("no correctly classified test image of class \(a) to attack") }
            return candidates[rng.below(candidates.count)]
        }
    }

    /// Steps the notebook ran from the real image.
    static let notebookSteps = 25
    /// The L∞ budget (pixels in [0, 1]) under which robustness on MNIST is usually
    /// tested (Madry et al., 2018): the yardstick for calling a change small.
    static let budget = 0.3

    func content(_ c: ChapterContext) throws -> SectionContent {
        let attacked = try AttackedModel.best(c)
        let names = c.classNames
        let config = Config(model: attacked.key, seed: c.seed, sources: try Self.sources(c, attacked), cases: Self.cases(c))
        let set = c.testSet
        let results = try c.cache.value("3.2 targeted adversarial images", kind: "adversarial-targeted", version: Config.version, config: config) {
            Self.compute(attacked.model, config, set: set)
        }
        let sources = config.sources.map { AttackedModel.unitPixels(set, $0) }
        let pairs = Self.pairs(classes: names.count)
        let summaries = results.map { TargetedSummary($0.trace.final, pairs: pairs, sources: sources, classes: names.count) }

        var values: [String: TemplateValue] = [
            "pairs": .count(pairs.count), "budget": .decimal(Self.budget, digits: 1),
            "notebook_steps": .count(Self.notebookSteps),
            "classes": .count(names.count), "learning_rate": .decimal(config.learningRate, digits: 2),
            "success_target": .percent(config.successTarget, digits: 0),
            "noise_mean": .decimal(config.noiseMean255, digits: 0),
            "noise_std": .decimal(config.noiseStd255, digits: 0),
        ]
        var figures: [String: FigureContent] = [:]
        for (k, caseConfig) in config.cases.enumerated() {
            let key = caseConfig.start.rawValue, trace = results[k].trace, s = summaries[k]
            values["\(key)_beta"] = .string(TargetedTables.beta(caseConfig.beta).unit)
            values["\(key)_beta255"] = .string(TargetedTables.beta(caseConfig.beta).scale255)
            values["\(key)_steps"] = .count(trace.steps)
            values["\(key)_max_steps"] = .count(caseConfig.checkpoints.max()!)
            values["\(key)_first_checkpoint"] = .count(caseConfig.checkpoints.min()!)
            values["\(key)_stopped_early"] = .bool(trace.steps < caseConfig.checkpoints.max()!)
            values["\(key)_hits"] = .count(s.hits)
            values["\(key)_success"] = .percent(s.successRate, digits: 1, of: pairs.count)
            values["\(key)_meets_bar"] = .bool(s.successRate >= config.successTarget)
            values["\(key)_l2"] = .decimal(s.mean(\.l2), digits: 2)
            values["\(key)_linf"] = .decimal(s.mean(\.lInf), digits: 3)
            values["\(key)_mse"] = .decimal(s.mean(\.mse), digits: 4)
            values["\(key)_corr"] = .decimal(s.mean(\.correlation), digits: 3)
            values["\(key)_failures"] = .count(s.failures.count)
            // The first step at which the success curve reaches the target share.
            let enough = Int((config.successTarget * Double(pairs.count)).rounded(.up))
            let cross = trace.hits.firstIndex { $0 >= enough }
            values["\(key)_crosses"] = .bool(cross != nil)
            values["\(key)_cross_step"] = .string(cross.map(String.init) ?? "")
            values["\(key)_rel_l2"] = .percent(s.mean(\.relativeL2), digits: 0)
            values["\(key)_linf_range"] = .percent(s.mean(\.lInf), digits: 0)
            values["\(key)_within_budget"] = .count(s.succeeded(within: Self.budget))
            if caseConfig.start == .image {
                // Both starts share the source images, so their norm is stated once.
                values["a_norm"] = .decimal(s.mean(\.sourceNorm), digits: 2)
                values["image_small"] = .bool(s.mean(\.lInf) <= Self.budget)
                values["image_reach"] = .decimal(Double(config.learningRate) * Double(trace.steps), digits: 2)
            }
            values["\(key)_all_succeed"] = .bool(s.failures.isEmpty)
            let start = caseConfig.start == .image ? "starting from the real image" : "starting from noise"
            figures["targeted-\(key)-grid"] = FigureContent("", TargetedFigures.grid(
                trace.final, pairs: pairs, sources: sources, names: names,
                title: "\(start.prefix(1).uppercased() + start.dropFirst()), \(trace.steps) steps"))
        }
        // The notebook's 25 steps from the real image, read off the same run.
        let imageTrace = results[0].trace
        let notebookSnapshot = imageTrace.snapshot(atStep: Self.notebookSteps)
        values["image_ran_longer"] = .bool(imageTrace.steps > Self.notebookSteps && notebookSnapshot != nil)
        let atNotebook = notebookSnapshot.map { TargetedSummary($0, pairs: pairs, sources: sources, classes: names.count) }
        values["image_hits_notebook"] = .count(atNotebook?.hits ?? 0)
        values["image_linf_notebook"] = .decimal(atNotebook?.mean(\.lInf) ?? .nan, digits: 3)
        values["image_rel_l2_notebook"] = .percent(atNotebook?.mean(\.relativeL2) ?? .nan, digits: 0)
        let checkpoints = config.cases[0].checkpoints.map(String.init)
        values["image_checkpoints"] = .string(checkpoints.count < 2 ? checkpoints.joined()
            : checkpoints.dropLast().joined(separator: ", ") + " and " + checkpoints.last!)
        values.merge(AnalysedModelNote.values(c, kind: attacked.optimizer, run: attacked.run)) { $1 }
        values["noise_closer"] = .bool(summaries[1].mean(\.mse) < summaries[0].mean(\.mse))
        // The β sweep: per case, runs ordered by β.
        let sweeps = config.cases.indices.map { k in
            ([(beta: config.cases[k].beta, hits: summaries[k].hits, l2: summaries[k].mean(\.l2))]
                + results[k].sweep.map { (beta: $0.beta, hits: $0.hits, l2: $0.meanL2) }).sorted { $0.beta < $1.beta }
        }
        let closer = sweeps.allSatisfy { runs in zip(runs, runs.dropFirst()).allSatisfy { $1.l2 <= $0.l2 } }
        let costs = sweeps.allSatisfy { $0.last!.hits <= $0.first!.hits } && sweeps.contains { $0.last!.hits < $0.first!.hits }
        values["beta_closer"] = .bool(closer)
        values["beta_costs_success"] = .bool(costs)
        values["beta_tradeoff"] = .bool(closer && costs)
        values["beta_values"] = .count(sweeps.map(\.count).reduce(0, +))
        figures["targeted-success"] = FigureContent("", TargetedFigures.successCurves(
            results.map(\.trace), labels: config.cases.map(\.start.label)))
        return SectionContent(values: values, figures: figures, tables: [
            "targeted-summary": TargetedTables.summary(config, results, summaries),
            "targeted-beta": TargetedTables.beta(config, results, summaries),
        ])
    }
}

/// What 3.2 reads off a batch of 90 attacked images.
struct TargetedSummary {
    struct Pair {
        var source: Int, target: Int, predicted: Int
        var l2: Double, lInf: Double, mse: Double, correlation: Double
        /// ‖A‖₂ of the source image, the reference for the size of X − A.
        var sourceNorm: Double
        var relativeL2: Double { sourceNorm > 0 ? l2 / sourceNorm : .nan }
    }

    let pairs: [Pair]

    init(_ snapshot: Adversarial.Snapshot, pairs: [(source: Int, target: Int)], sources: [[Float]], classes: Int) {
        let predicted = Adversarial.predictions(snapshot.logits, classes: classes).map(\.label)
        let pixels = sources[0].count
        self.pairs = pairs.enumerated().map { i, pair in
            let x = Adversarial.image(snapshot.images, i, pixels: pixels), a = sources[pair.source][...]
            let d = Adversarial.perturbation(x, from: a)
            return Pair(source: pair.source, target: pair.target, predicted: predicted[i],
                        l2: d.l2, lInf: d.lInf, mse: d.mse, correlation: Adversarial.correlation(x, a),
                        sourceNorm: a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
        }
    }

    var hits: Int { pairs.filter { $0.predicted == $0.target }.count }
    var successRate: Double { Double(hits) / Double(max(pairs.count, 1)) }
    var failures: [Pair] { pairs.filter { $0.predicted != $0.target } }
    /// Successful pairs whose largest pixel change stays within `budget`.
    func succeeded(within budget: Double) -> Int {
        pairs.filter { $0.predicted == $0.target && $0.lInf <= budget }.count
    }
    func mean(_ value: KeyPath<Pair, Double>) -> Double {
        pairs.reduce(0) { $0 + $1[keyPath: value] } / Double(max(pairs.count, 1))
    }
}

/// The tables of 3.2.
enum TargetedTables {
    /// β on the [0, 1] scale and the same weight on the 0–255 scale (β / 255²).
    static func beta(_ beta: Float) -> (unit: String, scale255: String) {
        (Format.number(Double(beta), significant: 4), Format.number(Double(beta) / (255 * 255), significant: 4))
    }

    /// Both cases side by side: settings, success, distance to the source image.
    static func summary(_ config: AdversarialTargetedChapter.Config, _ results: [AdversarialTargetedChapter.CaseResult],
                        _ summaries: [TargetedSummary]) -> TableContent {
        let columns = config.cases.indices
        func row(_ name: String, _ cell: (Int) -> String) -> [String] { [name] + columns.map(cell) }
        return TableContent(
            caption: "Targeted attacks on all \(summaries[0].pairs.count) pairs: settings, success and distance of the result X "
                + "to the source image A (pixels in [0, 1]; L2 and L∞ of X − A, MSE, Pearson correlation).",
            header: ["quantity"] + config.cases.map { $0.start.label },
            rows: [
                row("β (pixels in [0, 1])") { beta(config.cases[$0].beta).unit },
                row("β (0–255 scale)") { beta(config.cases[$0].beta).scale255 },
                row("Adam steps") { String(results[$0].trace.steps) },
                row("pairs classified as the target") { "\(summaries[$0].hits) of \(summaries[$0].pairs.count)" },
                row("success rate") { Format.percent(summaries[$0].successRate, digits: 1) },
                row("mean L2 of X − A") { Format.decimal(summaries[$0].mean(\.l2), digits: 2) },
                row("mean L∞ of X − A") { Format.decimal(summaries[$0].mean(\.lInf), digits: 3) },
                row("mean MSE(X, A)") { Format.decimal(summaries[$0].mean(\.mse), digits: 4) },
                row("mean correlation with A") { Format.decimal(summaries[$0].mean(\.correlation), digits: 3) },
            ],
            alignments: [.left] + columns.map { _ in .right })
    }

    /// The main β of each case and the others of its sweep, for the same number of steps.
    static func beta(_ config: AdversarialTargetedChapter.Config, _ results: [AdversarialTargetedChapter.CaseResult],
                     _ summaries: [TargetedSummary]) -> TableContent {
        var rows: [(start: String, beta: Float, steps: Int, hits: Int, l2: Double, mse: Double)] = []
        for (k, c) in config.cases.enumerated() {
            let s = summaries[k]
            var runs = [(c.start.shortLabel, c.beta, results[k].trace.steps, s.hits, s.mean(\.l2), s.mean(\.mse))]
            runs += results[k].sweep.map { (c.start.shortLabel, $0.beta, $0.steps, $0.hits, $0.meanL2, $0.meanMSE) }
            rows += runs.sorted { $0.1 < $1.1 }
        }
        let n = summaries[0].pairs.count
        return TableContent(
            caption: "The weight β of the distance term (on pixels in [0, 1], and the same weight on the 0–255 scale): "
                + "success rate and mean distance to the source image; each start runs for the same number of steps at every β.",
            header: ["start", "β", "β on 0–255", "steps", "success", "mean L2", "mean MSE"],
            rows: rows.map { r in
                [r.start, beta(r.beta).unit, beta(r.beta).scale255, String(r.steps),
                 Format.percent(Double(r.hits) / Double(n), digits: 1), Format.decimal(r.l2, digits: 2), Format.decimal(r.mse, digits: 4)]
            },
            alignments: [.left, .right, .right, .right, .right, .right, .right])
    }
}
