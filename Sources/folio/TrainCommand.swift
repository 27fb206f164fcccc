import ArgumentParser
import Foundation
import FolioData
import FolioExperiments
import FolioNN

extension ModelKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}

/// `folio train`: one training run, printed epoch by epoch.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one model and print per-epoch metrics and the final test accuracy."
    )

    @Option(help: "simple-cnn, simple-cnn-bn, small-cnn, mlp or deep-cnn.")
    var model: ModelKind = .simpleCNN

    @Option(help: "sgd, momentum, rmsprop or adam.")
    var optimizer: OptimizerKind = .adam

    @Option(help: "Number of epochs.")
    var epochs = 5

    @Option(help: "Learning rate.")
    var lr: Float = 0.001

    @Option(help: "L2 weight decay added to the gradient.")
    var weightDecay: Float = 0

    @Option(help: "Mini-batch size.")
    var batchSize = 64

    @Option(help: "Training images of the seeded split (the rest of 60,000 up to --validation-count validate).")
    var trainCount = 50_000

    @Option(help: "Validation images of the seeded split.")
    var validationCount = 10_000

    @Flag(help: "Standardise inputs by the training split's pixel mean and std.")
    var normalize = false

    @Option(help: "Write the final weights here (safetensors, PyTorch names).")
    var save: String?

    @Flag(help: "Print JSON lines instead of text.")
    var json = false

    @OptionGroup var source: DatasetOptions
    @OptionGroup var runOptions: RunOptions

    func run() throws {
        guard epochs >= 1, batchSize >= 1, lr > 0 else { throw ValidationError("--epochs, --batch-size and --lr must be positive") }
        let data = try source.load()
        guard trainCount + validationCount <= data.train.count, trainCount > 0 else {
            throw ValidationError("--train-count + --validation-count must be at most \(data.train.count)")
        }
        let split = Split(count: data.train.count, trainCount: trainCount, validationCount: validationCount, seed: runOptions.seed)
        let normalization: Normalization = normalize ? .standardising(data.train.subset(split.train))
            : (model == .deepCNN ? .half : .unit)
        let trainer = try Trainer(network: model.network, optimizer: optimizer, lr: lr, weightDecay: weightDecay, batchSize: batchSize,
                                  seed: runOptions.seed, normalization: normalization, threads: runOptions.threads)
        for epoch in 1...epochs {
            let stats = try trainer.trainEpoch(set: data.train, indices: split.train, epoch: epoch)
            let val = validationCount > 0 ? trainer.evaluate(set: data.train, indices: split.validation) : nil
            if json {
                var line: [String: Any] = ["epoch": epoch, "train_loss": stats.meanLoss, "seconds": stats.seconds,
                                           "images_per_second": Double(stats.images) / stats.seconds]
                if let val { line["val_loss"] = val.loss; line["val_accuracy"] = val.accuracy }
                print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            } else {
                var line = "epoch \(epoch)/\(epochs)  train loss \(String(format: "%.4f", stats.meanLoss))"
                if let val { line += "  val loss \(String(format: "%.4f", val.loss))  val acc \(String(format: "%.2f", 100 * val.accuracy)) %" }
                line += "  \(String(format: "%.1f", stats.seconds)) s (\(Int(Double(stats.images) / stats.seconds)) img/s)"
                print(line)
            }
        }
        let test = trainer.evaluate(set: data.test)
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: ["test_loss": test.loss, "test_accuracy": test.accuracy], options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("test accuracy \(String(format: "%.2f", 100 * test.accuracy)) % (loss \(String(format: "%.4f", test.loss)))")
        }
        if let save { try trainer.model.saveCheckpoint(to: URL(fileURLWithPath: save), metadata: ["epochs": "\(epochs)"]) }
    }
}
