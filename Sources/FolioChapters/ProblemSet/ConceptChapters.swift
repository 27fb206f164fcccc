import FolioSupport
import Foundation
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// 1.1: how much accuracy each network keeps on shifted and rotated test digits.
struct InvarianceChapter: Chapter {
    static let name = "concept-invariance"
    static let shift = 2
    static let rotation = 20.0

    struct Result: Codable { var mlp: [Double]; var cnn: [Double] }  // clean, shifted, rotated

    struct Key: Codable { var mlp: String; var cnn: String; var epochs: Int; var shift: Int; var rotation: Double }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let mlp = try ProblemSetRuns.mlp(c), cnn = try ProblemSetRuns.smallCNN(c)
        let epochs = ProblemSetRuns.epochs(c)
        let key = Key(mlp: mlp.folder.lastPathComponent, cnn: cnn.folder.lastPathComponent, epochs: epochs,
                      shift: Self.shift, rotation: Self.rotation)
        let r = try c.cache.value("invariance: accuracy on shifted and rotated test digits", kind: "invariance", config: key) {
            let test = c.testSet
            let variants = [test, Images.shifted(test, dx: Self.shift, dy: 0), Images.rotated(test, degrees: Self.rotation)]
            return Result(mlp: try variants.map { try mlp.accuracy(on: $0, epoch: epochs) },
                          cnn: try variants.map { try cnn.accuracy(on: $0, epoch: epochs) })
        }
        let mlpShiftDrop = r.mlp[0] - r.mlp[1], cnnShiftDrop = r.cnn[0] - r.cnn[1]
        let table = TableContent(
            caption: "Test accuracy of the two networks on transformed copies of the test images.",
            header: ["test images", "MLP", "small CNN"],
            rows: [["unchanged", Format.percent(r.mlp[0]), Format.percent(r.cnn[0])],
                   ["shifted \(Self.shift) px right", Format.percent(r.mlp[1]), Format.percent(r.cnn[1])],
                   ["rotated \(Int(Self.rotation))°", Format.percent(r.mlp[2]), Format.percent(r.cnn[2])]],
            alignments: [.left, .right, .right])
        return SectionContent(values: [
            "shift_pixels": .count(Self.shift),
            "rotation_degrees": .count(Int(Self.rotation)),
            "mlp_accuracy": .percent(r.mlp[0]), "mlp_shifted": .percent(r.mlp[1]),
            "cnn_accuracy": .percent(r.cnn[0]), "cnn_shifted": .percent(r.cnn[1]),
            "mlp_shift_drop": .string(Format.points(mlpShiftDrop)), "cnn_shift_drop": .string(Format.points(cnnShiftDrop)),
            "cnn_more_shift_robust": .bool(cnnShiftDrop < mlpShiftDrop),
            "mlp_rotation_drop": .string(Format.points(r.mlp[0] - r.mlp[2])),
            "cnn_rotation_drop": .string(Format.points(r.cnn[0] - r.cnn[2])),
        ], tables: ["invariance": table])
    }
}

/// 1.2: one epoch of plain SGD on a subset, SimpleCNN without and with batch norm.
struct BatchNormConceptChapter: Chapter {
    static let name = "concept-batch-norm"

    func content(_ c: ChapterContext) throws -> SectionContent {
        let images = c.profile == .full ? 10_000 : 1_000
        func run(_ model: ModelKind) throws -> EpochRecord {
            let config = TrainingConfig(model: model, optimizer: .sgd, learningRate: 0.001, seed: c.seed,
                                        dataset: c.data.kind, trainCount: images,
                                        validationCount: c.profile.validationCount, testCount: 0)
            return try c.runner.train(config, epochs: 1).records[0]
        }
        let plain = try run(.simpleCNN), bn = try run(.simpleCNNBatchNorm)
        return SectionContent(values: [
            "learning_rate": "0.001",
            "images": .count(images),
            "plain_loss": .decimal(plain.trainLoss), "plain_accuracy": .percent(plain.validationAccuracy ?? .nan),
            "bn_loss": .decimal(bn.trainLoss), "bn_accuracy": .percent(bn.validationAccuracy ?? .nan),
            "bn_helped": .bool((bn.validationAccuracy ?? 0) > (plain.validationAccuracy ?? 0) + 0.01 && bn.trainLoss < plain.trainLoss),
        ])
    }
}

/// 1.3: the standardised MLP on washed-out test digits, before and after
/// re-estimating the standardisation on them.
struct CovariateShiftChapter: Chapter {
    static let name = "concept-shift"
    static let offset = 0.3, scale = 0.4

    struct Result: Codable { var clean: Double; var shifted: Double; var restandardised: Double; var cleanMean: Double; var shiftedMean: Double }
    struct Key: Codable { var mlp: String; var epochs: Int; var offset: Double; var scale: Double; var testCount: Int }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let mlp = try ProblemSetRuns.mlp(c)
        let epochs = ProblemSetRuns.epochs(c)
        let key = Key(mlp: mlp.folder.lastPathComponent, epochs: epochs, offset: Self.offset, scale: Self.scale,
                      testCount: c.profile.testCount)
        let r = try c.cache.value("covariate shift: MLP on washed-out test digits", kind: "shift", config: key) {
            let test = c.testSet
            let shifted = Images.intensityMapped(test, offset: Self.offset, scale: Self.scale)
            return Result(clean: try mlp.accuracy(on: test, epoch: epochs),
                          shifted: try mlp.accuracy(on: shifted, epoch: epochs),
                          restandardised: try mlp.accuracy(on: shifted, epoch: epochs, normalization: .standardising(shifted)),
                          cleanMean: test.pixelStatistics().mean, shiftedMean: shifted.pixelStatistics().mean)
        }
        let drop = r.clean - r.shifted
        return SectionContent(values: [
            "clean_accuracy": .percent(r.clean), "shifted_accuracy": .percent(r.shifted),
            "restandardised_accuracy": .percent(r.restandardised),
            "offset": .string(String(Self.offset)), "scale": .string(String(Self.scale)),
            "clean_mean": .decimal(r.cleanMean, digits: 3), "shifted_mean": .decimal(r.shiftedMean, digits: 3),
            "shift_hurts": .bool(drop > 0.05), "shift_drop": .string(Format.points(drop)),
            "restandardising_recovers": .bool(r.restandardised >= r.clean - 0.01 && drop > 0.01),
        ])
    }
}

/// 1.4: how sparse the trained MLP's hidden layer is, and how many units are dead.
struct ReLUChapter: Chapter {
    static let name = "concept-relu"

    struct Result: Codable { var images: Int; var activeFraction: Double; var deadUnits: Int; var units: Int }
    struct Key: Codable { var mlp: String; var epochs: Int; var testCount: Int }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let mlp = try ProblemSetRuns.mlp(c)
        let epochs = ProblemSetRuns.epochs(c)
        let key = Key(mlp: mlp.folder.lastPathComponent, epochs: epochs, testCount: c.profile.testCount)
        let r = try c.cache.value("ReLU: hidden-unit activity of the MLP", kind: "relu", config: key) {
            try HiddenActivity.measure(model: try mlp.model(atEpoch: epochs), set: c.testSet, normalization: mlp.normalization)
        }
        return SectionContent(values: [
            "images": .count(r.images),
            "active_fraction": .percent(r.activeFraction, digits: 1),
            "dead_units": .count(r.deadUnits),
            "has_dead": .bool(r.deadUnits > 0),
            "dead_fraction": .percent(Double(r.deadUnits) / Double(r.units), digits: 1),
        ])
    }
}

/// The hidden layer of the MLP, recomputed from its weights: h = ReLU(W₁x + b₁).
enum HiddenActivity {
    static func measure(model: Model, set: ImageSet, normalization: FolioData.Normalization) throws -> ReLUChapter.Result {
        let tensors = Dictionary(uniqueKeysWithValues: model.namedTensors().map { ($0.name, $0) })
        guard let w = tensors["fc1.weight"], let b = tensors["fc1.bias"], w.shape.count == 2 else {
            throw ExperimentError("model \(model.kind.rawValue) has no fc1 layer to inspect")
        }
        let units = w.shape[0], inputs = w.shape[1]
        let table = normalization.table
        var activeCount = [Int](repeating: 0, count: units)
        var activeTotal = 0
        var x = [Float](repeating: 0, count: inputs)
        for n in 0..<set.count {
            let image = set.image(n)
            for (j, p) in image.enumerated() { x[j] = table[Int(p)] }
            for u in 0..<units {
                var z = b.values[u]
                let row = u * inputs
                for j in 0..<inputs { z += w.values[row + j] * x[j] }
                if z > 0 { activeCount[u] += 1; activeTotal += 1 }
            }
        }
        return ReLUChapter.Result(images: set.count,
                                  activeFraction: Double(activeTotal) / Double(max(1, set.count * units)),
                                  deadUnits: activeCount.filter { $0 == 0 }.count, units: units)
    }
}

/// 2.1 and 2.2 are derivations: their templates need no computed values.
struct MLPPredictionChapter: Chapter {
    static let name = "mlp-prediction"
    func content(_ c: ChapterContext) throws -> SectionContent { SectionContent() }
}

struct MLPLossChapter: Chapter {
    static let name = "mlp-loss"
    func content(_ c: ChapterContext) throws -> SectionContent { SectionContent() }
}

/// 3.1: the essay's one computed fact, the small CNN's size.
struct CNNDesignChapter: Chapter {
    static let name = "cnn-design"
    func content(_ c: ChapterContext) throws -> SectionContent {
        SectionContent(values: ["small_cnn_parameters": .count(try Model(kind: .smallCNN, seed: c.seed).parameterCount)])
    }
}
