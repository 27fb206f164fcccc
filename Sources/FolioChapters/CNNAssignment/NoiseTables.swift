import FolioDocument

/// The tables of 3.1: predictions per target, the logit per target, and the three
/// protocols side by side against real test images.
enum NoiseTables {
    /// `runs` are (a), (a′) and (b), in that order.
    static func make(config: AdversarialNoiseChapter.Config, runs: [NoiseRunSummary],
                     early: NoiseRunSummary.AtStep, real: RealImageResemblance, names: [String]) -> [String: TableContent] {
        let (raw, notebook, adam) = (runs[0], runs[1], runs[2])
        let ends = runs.map { $0.at($0.trace.steps) }
        func cell(_ at: NoiseRunSummary.AtStep, _ k: Int) -> String {
            "\(names[at.predicted[k]]) · \(Format.decimal(at.targetProbability[k]))"
        }
        let it = config.rawIterations
        let confidence = TableContent(
            caption: "Predicted class · probability of the target class, for each target: (a) and (a′) after \(it) "
                + "iterations, (b) after \(config.adamCheckpoint) and \(config.adamSteps) Adam steps.",
            header: ["target", "(a) x = p/255", "(a′) x = p", "(b) \(config.adamCheckpoint) steps", "(b) \(config.adamSteps) steps"],
            rows: names.indices.map { k in [names[k], cell(ends[0], k), cell(ends[1], k), cell(early, k), cell(ends[2], k)] },
            alignments: [.left, .right, .right, .right, .right])
        let cost = TableContent(
            caption: "The target logit at the start and at the end of each protocol ((a): its gain, too small to show as two values).",
            header: ["target", "(a) start", "(a) gain", "(a′) start", "(a′) end", "(b) start", "(b) end"],
            rows: names.indices.map { k in
                [names[k], Format.decimal(raw.startLogits[k], digits: 3), Format.decimal(raw.gains[k], digits: 5),
                 Format.decimal(notebook.startLogits[k], digits: 0), Format.decimal(notebook.endLogits[k], digits: 0),
                 Format.decimal(adam.startLogits[k], digits: 2), Format.decimal(adam.endLogits[k], digits: 2)]
            },
            alignments: [.left, .right, .right, .right, .right, .right, .right])

        let n = names.count
        func row(_ name: String, _ run: NoiseRunSummary, _ end: NoiseRunSummary.AtStep) -> [String] {
            [name, "\(end.hits) of \(n)",
             "\(run.ownMeanIsClosest) of \(n)", Format.decimal(NoiseRunSummary.mean(run.ownCorrelation), digits: 3),
             "\(run.looksLikeTarget(threshold: real.lowCorrelation)) of \(n)",
             Format.percent(NoiseRunSummary.mean(run.inkShare), digits: 1),
             "\(run.gains.filter { $0 > 0 }.count) of \(n)", Format.percent(NoiseRunSummary.mean(run.risingFraction), digits: 0)]
        }
        let protocols = TableContent(
            caption: "The three protocols side by side, with real test images as the yardstick. Classified: images the network "
                + "assigns to their target. Own mean closest: the target's mean training image correlates best of the ten. "
                + "r: mean correlation with the target's mean. Looks like target: own mean closest and r at least "
                + "\(Format.decimal(real.lowCorrelation, digits: 3)), the 5th percentile of real images. Ink: share of pixels "
                + "above \(ActivationStatistics.inkThreshold) on [0, 1]. Logit rose: over the whole run; steps up: share of steps "
                + "that raised it.",
            header: ["images", "classified", "own mean closest", "r", "looks like target", "ink", "logit rose", "steps up"],
            rows: [row("(a) x = p/255", raw, ends[0]), row("(a′) x = p", notebook, ends[1]),
                   row("(b) Adam, \(config.adamSteps) steps", adam, ends[2]),
                   ["real test images", "—", Format.percent(real.ownClosest, digits: 1),
                    Format.decimal(real.ownCorrelation, digits: 3), Format.percent(real.passing, digits: 1),
                    Format.percent(real.inkShare, digits: 1), "—", "—"]],
            alignments: [.left, .right, .right, .right, .right, .right, .right, .right])
        return ["adversarial-confidence": confidence, "adversarial-cost": cost, "adversarial-protocols": protocols]
    }
}
