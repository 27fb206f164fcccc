import FolioData
import FolioExperiments
import FolioNN

/// The training runs the problem set shares: its MLP (with and without
/// standardisation) and its small CNN, all with SGD lr 0.01, batch 64, 10 epochs.
/// Unlike the CNN assignment, the problem set trains on every training image and
/// keeps no validation set, as its notebook did (checked against PyTorch: on a
/// 50,000 split the MLP ends clearly below what it reaches on all 60,000).
enum ProblemSetRuns {
    static let learningRate: Float = 0.01
    static let fullEpochs = 10

    static func epochs(_ c: ChapterContext) -> Int { c.profile.epochs(fullEpochs) }

    /// The loss is recorded every 100 batches (every 10 on the quick profile's
    /// small subset, which has fewer than 100 batches an epoch).
    static func logEvery(_ c: ChapterContext) -> Int { c.profile == .full ? 100 : 10 }

    /// All training images on the full profile; the quick profile's subset otherwise.
    static func trainCount(_ c: ChapterContext) -> Int {
        c.profile == .full ? c.data.train.count : c.profile.trainCount
    }

    static func config(_ c: ChapterContext, model: ModelKind, scaling: InputScaling) -> TrainingConfig {
        TrainingConfig(model: model, optimizer: .sgd, learningRate: learningRate, seed: c.seed,
                       dataset: c.data.kind, scaling: scaling, trainCount: trainCount(c), validationCount: 0, testCount: c.profile.testCount,
                       logEvery: logEvery(c))
    }

    static func mlp(_ c: ChapterContext, standardised: Bool = true) throws -> TrainingRun {
        try c.runner.train(config(c, model: .mlp, scaling: standardised ? .standardised : .unit), epochs: epochs(c))
    }

    static func smallCNN(_ c: ChapterContext) throws -> TrainingRun {
        try c.runner.train(config(c, model: .smallCNN, scaling: .standardised), epochs: epochs(c))
    }
}

/// Accuracy of a trained run's final model on a transformed copy of the test set.
struct TransformedAccuracy: Codable {
    var accuracy: Double
    var meanPixel: Double
}

extension TrainingRun {
    /// Final-epoch accuracy on `set`, normalised as in training unless `normalization` is given.
    func accuracy(on set: ImageSet, epoch: Int, normalization: FolioData.Normalization? = nil) throws -> Double {
        let model = try model(atEpoch: epoch)
        return model.evaluate(set: set, batchSize: 500, normalization: normalization ?? self.normalization).accuracy
    }

    /// Predicted class of every image of `set` after `epoch` epochs, for paired tests.
    func predictions(on set: ImageSet, epoch: Int, normalization: FolioData.Normalization? = nil) throws -> [Int] {
        let model = try model(atEpoch: epoch)
        return model.evaluate(set: set, batchSize: 500, normalization: normalization ?? self.normalization).predictions
    }
}
