/// The CNN assignment's chapters, in report order (one per line).
let cnnAssignmentChapters: [any Chapter.Type] = [
    SetupChapter.self,
    TrainingCurvesChapter.self,
    AdversarialNoiseChapter.self,
    AdversarialTargetedChapter.self,
]
