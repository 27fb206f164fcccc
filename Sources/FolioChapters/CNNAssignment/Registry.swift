/// The CNN assignment's chapters, in report order (one per line).
let cnnAssignmentChapters: [any Chapter.Type] = [
    SetupChapter.self,
    TrainingCurvesChapter.self,
    FirstLayerFiltersChapter.self,
    SecondLayerFiltersChapter.self,
    ActivationsChapter.self,
    OcclusionChapter.self,
    AdversarialNoiseChapter.self,
    AdversarialTargetedChapter.self,
    DeepCNNChapter.self,
]
