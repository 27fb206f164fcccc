import Dispatch
import FolioData

/// What one training epoch did.
public struct EpochStats: Sendable {
    public let epoch: Int
    /// Mean of the epoch's batch losses.
    public let meanLoss: Double
    /// (batch number from 1, loss) every `logEvery` batches.
    public let loggedLosses: [(batch: Int, loss: Float)]
    public let batches: Int
    public let images: Int
    public let seconds: Double
}

/// The result of running a model over a set of images in evaluation mode.
public struct Evaluation: Sendable {
    /// Mean of the per-batch mean losses (how the notebooks report validation loss).
    public let loss: Double
    /// Fraction of images classified correctly, in [0, 1].
    public let accuracy: Double
    public let labels: [Int]
    public let predictions: [Int]
    /// count × classes, row-major.
    public let probabilities: [Float]
    /// confusion[true][predicted].
    public let confusion: [[Int]]
    public var count: Int { labels.count }
}

/// A loss that is not a finite number, naming where it happened.
public struct NonFiniteLossError: Error, CustomStringConvertible, Sendable {
    public let model: String
    public let epoch: Int
    public let batch: Int
    public let loss: Float
    public var description: String {
        "training \(model) diverged: loss is \(loss) at epoch \(epoch), batch \(batch)"
    }
}

/// Trains one model with one optimiser, an epoch at a time. The caller owns the
/// epoch loop, validation and checkpoints: resuming at epoch k (weights and
/// optimiser state restored) reproduces the uninterrupted run exactly, because
/// shuffling and dropout are drawn from streams that depend only on (seed, epoch).
public final class Trainer {
    public let model: Model
    public let optimizer: Optimizer
    public let batchSize: Int
    public let seed: UInt64
    public let normalization: Normalization
    public let threads: Int

    private let inputs = FloatStorage(count: 1)
    private let outputGrad = FloatStorage(count: 1)
    private var labels: [Int32] = []

    public init(network: NetworkSpec, optimizer: OptimizerKind, lr: Float, weightDecay: Float = 0, batchSize: Int = 64,
                seed: UInt64, normalization: Normalization = .unit, threads: Int = 2) throws {
        precondition(batchSize > 0)
        Model.setThreads(threads)
        model = try Model(network: network, seed: seed)
        self.optimizer = Optimizer(kind: optimizer, parameters: model.parameters, learningRate: lr, weightDecay: weightDecay)
        self.batchSize = batchSize
        self.seed = seed
        self.normalization = normalization
        self.threads = threads
        model.prepare(maxBatch: batchSize)
        inputs.reserve(batchSize * model.inputSize)
        outputGrad.reserve(batchSize * model.classes)
        labels.reserveCapacity(batchSize)
    }

    /// One pass over `indices` of `set` in a shuffled order drawn from (seed, epoch).
    /// `progress` is called after each batch with (batch, batchCount, images per second so far).
    public func trainEpoch(set: ImageSet, indices: [Int], epoch: Int, logEvery: Int? = nil,
                           progress: ((Int, Int, Double) -> Void)? = nil) throws -> EpochStats {
        Model.setThreads(threads)
        let sampler = BatchSampler(set: set, indices: indices, batchSize: batchSize, shuffle: true,
                                   seed: seed, normalization: normalization)
        for layer in model.layers {
            if let d = layer as? Dropout {
                d.generator = SeededGenerator(seed: seed, stream: "dropout.\(d.name).epoch.\(epoch)")
            }
        }
        let batches = sampler.batches(epoch: epoch)
        let start = DispatchTime.now().uptimeNanoseconds
        var total = 0.0, images = 0
        var logged: [(batch: Int, loss: Float)] = []
        for (b, batch) in batches.enumerated() {
            let loss = try step(sampler: sampler, batch: batch, epoch: epoch, batchNumber: b + 1)
            total += Double(loss)
            images += batch.count
            if let every = logEvery, every > 0, (b + 1) % every == 0 { logged.append((b + 1, loss)) }
            if let progress {
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                progress(b + 1, batches.count, Double(images) / max(elapsed, 1e-9))
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return EpochStats(epoch: epoch, meanLoss: total / Double(max(batches.count, 1)), loggedLosses: logged,
                          batches: batches.count, images: images, seconds: seconds)
    }

    private func step(sampler: BatchSampler, batch: ArraySlice<Int>, epoch: Int, batchNumber: Int) throws -> Float {
        let n = batch.count
        sampler.fill(batch, into: inputs.pointer, labels: &labels)
        let out = model.forward(inputs.pointer, n: n, training: true)
        let loss = labels.withUnsafeBufferPointer {
            model.loss.loss(out, labels: $0.baseAddress!, rows: n, classes: model.classes, grad: outputGrad.pointer)
        }
        guard loss.isFinite else {
            throw NonFiniteLossError(model: model.name, epoch: epoch, batch: batchNumber, loss: loss)
        }
        model.backward(outputGrad.pointer, n: n, needInputGradient: false)
        optimizer.update()
        return loss
    }

    /// Evaluation-mode pass over `indices` of `set` (all of it when nil).
    public func evaluate(set: ImageSet, indices: [Int]? = nil) -> Evaluation {
        Model.setThreads(threads)
        return model.evaluate(set: set, indices: indices, batchSize: batchSize, normalization: normalization)
    }
}

extension Model {
    /// Runs the images through the network in evaluation mode, in order, in batches
    /// of `batchSize` (the loss is the mean of the batch losses).
    public func evaluate(set: ImageSet, indices: [Int]? = nil, batchSize: Int = 64,
                         normalization: Normalization = .unit) -> Evaluation {
        let sampler = BatchSampler(set: set, indices: indices, batchSize: batchSize, shuffle: false,
                                   seed: 0, normalization: normalization)
        prepare(maxBatch: batchSize)
        let x = FloatStorage(count: batchSize * inputSize)
        let k = classes
        var labels: [Int32] = []
        var allLabels: [Int] = [], predictions: [Int] = [], probabilities: [Float] = []
        var confusion = Array(repeating: Array(repeating: 0, count: k), count: k)
        var lossSum = 0.0, batches = 0
        var probs = [Float](repeating: 0, count: batchSize * k)
        for batch in sampler.batches(epoch: 0) {
            let n = batch.count
            sampler.fill(batch, into: x.pointer, labels: &labels)
            let out = forward(x.pointer, n: n, training: false, inferenceOnly: true, keepingReadouts: false)
            lossSum += Double(labels.withUnsafeBufferPointer {
                loss.loss(out, labels: $0.baseAddress!, rows: n, classes: k, grad: nil)
            })
            batches += 1
            probs.withUnsafeMutableBufferPointer { Softmax.softmax(out, into: $0.baseAddress!, rows: n, classes: k) }
            for r in 0..<n {
                var best = 0
                for j in 1..<k where out[r * k + j] > out[r * k + best] { best = j }
                let truth = Int(labels[r])
                predictions.append(best); allLabels.append(truth)
                confusion[truth][best] += 1
            }
            probabilities += probs[0..<(n * k)]
        }
        let correct = zip(predictions, allLabels).filter { $0 == $1 }.count
        return Evaluation(loss: lossSum / Double(max(batches, 1)),
                          accuracy: allLabels.isEmpty ? 0 : Double(correct) / Double(allLabels.count),
                          labels: allLabels, predictions: predictions, probabilities: probabilities, confusion: confusion)
    }
}
