// The code the CNN report shows under each answer, besides the chapter's own
// `content(_:)`: the protocol each answer runs, by declaration name. The build reads
// each from Sources/ when it builds the report, and fails before training when a
// name no longer matches a declaration. Listed apart from the chapters so the
// protocol each answer rests on can be read here in one place.

extension TrainingCurvesChapter {
    static let code = ["OptimiserRuns.config", "OptimiserRuns.run", "ExperimentRunner.train", "Trainer.trainEpoch",
                       "OptimiserRuns.best", "RunComparison.selectedEpoch", "AccuracyComparison", "McNemarTest"]
}

extension PredictionsChapter {
    static let code = ["OptimiserRuns.best", "Predictions"]
}

extension BatchNormChapter {
    static let code = ["OptimiserRuns.config", "RunComparison.selectedEpoch", "AccuracyComparison"]
}

extension FirstLayerFiltersChapter {
    static let code = ["ConvolutionWeights", "KernelStatistics"]
}

extension SecondLayerFiltersChapter {
    static let code = ["ConvolutionWeights", "KernelStatistics"]
}

extension ActivationsChapter {
    static let code = ["ActivationStatistics.describe", "ActivationStatistics.receptiveFields"]
}

extension OcclusionChapter {
    static let code = ["Occlusion.map", "OcclusionStudy.run", "InkContrast"]
}

extension AdversarialNoiseChapter {
    static let code = ["Adversarial.evaluate", "Adversarial.rawAscent", "Adversarial.adamAscent"]
}

extension AdversarialTargetedChapter {
    static let code = ["AttackedModel.best", "Adversarial.adamAscent"]
}

extension DeepCNNChapter {
    static let code = ["DeepCNNRuns.config", "DeepCNNRuns.run", "AccuracyComparison", "ProportionInterval"]
}
