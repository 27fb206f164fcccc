/// The problem set's chapters, in report order. Questions 2.1 and 2.2 are
/// derivations their templates answer alone, so they have none.
let problemSetChapters: [any Chapter.Type] = [
    InvarianceChapter.self,
    BatchNormConceptChapter.self,
    CovariateShiftChapter.self,
    ReLUChapter.self,
    MLPTrainingChapter.self,
    CNNDesignChapter.self,
    SmallCNNChapter.self,
    ParameterEfficiencyChapter.self,
]
