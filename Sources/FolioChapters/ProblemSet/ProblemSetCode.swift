// The code the problem set shows under each answer, besides the chapter's own
// `content(_:)` (see CNNAssignmentCode.swift for why it is listed here).

extension BatchNormConceptChapter {
    static let code = ["PairedComparison"]
}

extension ReLUChapter {
    static let code = ["HiddenActivity"]
}

extension MLPTrainingChapter {
    static let code = ["ProblemSetRuns.config", "ProblemSetRuns.mlp", "ExperimentRunner.train", "FailureModes"]
}

extension SmallCNNChapter {
    static let code = ["ProblemSetRuns.smallCNN", "LinearCollapse.check", "AccuracyComparison"]
}

extension ParameterEfficiencyChapter {
    static let code = ["ParameterDerivation.table"]
}
