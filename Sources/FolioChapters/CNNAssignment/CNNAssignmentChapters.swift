/// The CNN assignment's chapters, in report order (one per line).
let cnnAssignmentChapters: [any Chapter.Type] = [
    SetupChapter.self,
    TrainingCurvesChapter.self,
    PredictionsChapter.self,
    DimensionsChapter.self,
    ParametersChapter.self,
    NeuronsChapter.self,
    BatchNormChapter.self,
    FirstLayerFiltersChapter.self,
    SecondLayerFiltersChapter.self,
    ActivationsChapter.self,
    OcclusionChapter.self,
    AdversarialNoiseChapter.self,
    AdversarialTargetedChapter.self,
    DeepCNNChapter.self,
]
