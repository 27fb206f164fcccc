import Foundation
import FolioData
import FolioNN

/// How a training experiment's inputs are normalised.
public enum InputScaling: String, Codable, Hashable, Sendable {
    /// x / 255 only (the assignments' default).
    case unit
    /// Standardised by the training split's own pixel mean and std.
    case standardised
    /// (x / 255 − 0.5) / 0.5, the deeper CNN's constants.
    case half
}

/// Everything that determines a training run's results except its length: a run of
/// N epochs serves every request for M ≤ N epochs of the same configuration.
public struct TrainingConfig: Codable, Hashable, Sendable {
    public var model: ModelKind
    public var optimizer: OptimizerKind
    public var learningRate: Float
    public var weightDecay: Float = 0
    public var batchSize: Int = 64
    public var seed: UInt64
    public var dataset: DatasetKind
    public var scaling: InputScaling = .unit
    /// Images of the seeded split used for training and validation.
    public var trainCount: Int
    public var validationCount: Int
    /// Test images evaluated after every epoch (the first `testCount`; 0 for none).
    public var testCount: Int
    /// Record the training loss every this many batches (0: never).
    public var logEvery: Int = 0
    /// The engine's numerics version (`Engine.numericsVersion`), so runs of older
    /// numerics are not reused.
    public var engineVersion: Int = Engine.numericsVersion

    public init(model: ModelKind, optimizer: OptimizerKind, learningRate: Float, weightDecay: Float = 0,
                batchSize: Int = 64, seed: UInt64, dataset: DatasetKind, scaling: InputScaling = .unit,
                trainCount: Int, validationCount: Int, testCount: Int, logEvery: Int = 0) {
        self.model = model; self.optimizer = optimizer; self.learningRate = learningRate
        self.weightDecay = weightDecay; self.batchSize = batchSize; self.seed = seed; self.dataset = dataset
        self.scaling = scaling; self.trainCount = trainCount; self.validationCount = validationCount
        self.testCount = testCount; self.logEvery = logEvery
    }

    /// A short human name for logs: "simple-cnn + Adam (lr 0.001)".
    public var label: String { "\(model.rawValue) + \(optimizer.displayName) (lr \(learningRate))" }
}

/// A configuration records its version (the engine's) and its dataset, so training
/// keys are what they were before keys held versions (see SelfDescribingConfiguration).
extension TrainingConfig: SelfDescribingConfiguration {
    public var recordedVersion: Int { engineVersion }
}

/// One finished epoch, as stored in the cache.
public struct EpochRecord: Codable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    /// nil when the run keeps no validation set (the problem set trains on all images).
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var testLoss: Double?
    public var testAccuracy: Double?
    public var seconds: Double
    /// (batches seen since the start of training, loss) every `logEvery` batches.
    public var logged: [[Double]]
    public var imagesPerSecond: Double
}
