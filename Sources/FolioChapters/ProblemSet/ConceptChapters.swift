import FolioSupport
import Foundation
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// 1.1: how much accuracy each network keeps on shifted and rotated test digits.
struct InvarianceChapter: Chapter {
    static let name = "concept-invariance"
    static let declaration = ContentDeclaration(
        values: """
            both_rotation_losses? cnn_loses_less? cnn_loses_more? cnn_lost_more cnn_rotation_change
            cnn_rotation_p cnn_shift_change cnn_shift_drop cnn_shift_p loss_p loss_tie? mlp_lost_more
            mlp_rotation_change mlp_rotation_p mlp_shift_change mlp_shift_drop mlp_shift_p protocol_all?
            protocol_epochs protocol_train_images rotation_degrees shift_pixels
            """,
        tables: ["invariance"])
    static let shift = 2
    static let rotation = 20.0

    /// Predicted classes on the clean, shifted and rotated test images, so every
    /// change of accuracy can be tested image by image.
    struct Result: Codable { var labels: [Int]; var mlp: [[Int]]; var cnn: [[Int]] }

    struct Key: Codable {
        /// Bump when the computation changes (2: predictions instead of accuracies).
        static let version = 2
        var mlp: String; var cnn: String; var epochs: Int; var shift: Int; var rotation: Double
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let mlp = try ProblemSetRuns.mlp(c), cnn = try ProblemSetRuns.smallCNN(c)
        let epochs = ProblemSetRuns.epochs(c)
        let key = Key(mlp: mlp.folder.lastPathComponent, cnn: cnn.folder.lastPathComponent, epochs: epochs,
                      shift: Self.shift, rotation: Self.rotation)
        let r = try c.cache.value("invariance: predictions on shifted and rotated test digits", kind: "invariance", version: Key.version, config: key) {
            let test = c.testSet
            let variants = [test, Images.shifted(test, dx: Self.shift, dy: 0), Images.rotated(test, degrees: Self.rotation)]
            return Result(labels: test.labels.map(Int.init),
                          mlp: try variants.map { try mlp.predictions(on: $0, epoch: epochs) },
                          cnn: try variants.map { try cnn.predictions(on: $0, epoch: epochs) })
        }
        func accuracy(_ p: [Int]) -> Double { Double(zip(p, r.labels).count { $0 == $1 }) / Double(max(1, r.labels.count)) }
        let mlpAcc = r.mlp.map(accuracy), cnnAcc = r.cnn.map(accuracy)
        // Each network against itself on the unchanged images: McNemar on the same images.
        func test(_ p: [[Int]], _ k: Int) -> McNemarTest { McNemarTest(firstPredictions: p[0], secondPredictions: p[k], labels: r.labels) }
        let mlpShift = test(r.mlp, 1), cnnShift = test(r.cnn, 1), mlpRot = test(r.mlp, 2), cnnRot = test(r.cnn, 2)
        // Which network loses more from the shift: a sign test on the per-image loss
        // (1 when the image was right before and wrong after, −1 for the reverse), the
        // binomial test McNemar's is built on, applied to the images where the losses differ.
        var mlpLostMore = 0, cnnLostMore = 0
        for i in r.labels.indices {
            func loss(_ p: [[Int]]) -> Int { (p[0][i] == r.labels[i] ? 1 : 0) - (p[1][i] == r.labels[i] ? 1 : 0) }
            let d = loss(r.mlp) - loss(r.cnn)
            if d > 0 { mlpLostMore += 1 } else if d < 0 { cnnLostMore += 1 }
        }
        let lossTest = McNemarTest(onlyFirstCorrect: mlpLostMore, onlySecondCorrect: cnnLostMore)
        let mlpShiftDrop = mlpAcc[0] - mlpAcc[1], cnnShiftDrop = cnnAcc[0] - cnnAcc[1]
        let dash = "–"
        let table = TableContent(
            caption: "Test accuracy of the two networks on transformed copies of the test images; p from McNemar's exact test against the unchanged images.",
            header: ["test images", "MLP", "p (MLP)", "small CNN", "p (CNN)"],
            rows: [["unchanged", Format.percent(mlpAcc[0]), dash, Format.percent(cnnAcc[0]), dash],
                   ["shifted \(Self.shift) px right", Format.percent(mlpAcc[1]), Format.probability(mlpShift.pValue),
                    Format.percent(cnnAcc[1]), Format.probability(cnnShift.pValue)],
                   ["rotated \(Int(Self.rotation))°", Format.percent(mlpAcc[2]), Format.probability(mlpRot.pValue),
                    Format.percent(cnnAcc[2]), Format.probability(cnnRot.pValue)]],
            alignments: [.left, .right, .right, .right, .right])
        let significantLoss = lossTest.isSignificant(at: AccuracyComparison.alpha)
        var values: [String: TemplateValue] = [
            "shift_pixels": .count(Self.shift),
            "rotation_degrees": .count(Int(Self.rotation)),
            "mlp_shift_change": .string(ProblemSetWording.change(from: mlpAcc[0], to: mlpAcc[1])),
            "cnn_shift_change": .string(ProblemSetWording.change(from: cnnAcc[0], to: cnnAcc[1])),
            "mlp_rotation_change": .string(ProblemSetWording.change(from: mlpAcc[0], to: mlpAcc[2])),
            "cnn_rotation_change": .string(ProblemSetWording.change(from: cnnAcc[0], to: cnnAcc[2])),
            "mlp_shift_p": .pValue(mlpShift.pValue), "cnn_shift_p": .pValue(cnnShift.pValue),
            "mlp_rotation_p": .pValue(mlpRot.pValue), "cnn_rotation_p": .pValue(cnnRot.pValue),
            "mlp_shift_drop": .points(mlpShiftDrop, of: r.labels.count), "cnn_shift_drop": .points(cnnShiftDrop, of: r.labels.count),
            "mlp_lost_more": .count(mlpLostMore), "cnn_lost_more": .count(cnnLostMore),
            "loss_p": .pValue(lossTest.pValue),
            "cnn_loses_less": .bool(significantLoss && mlpLostMore > cnnLostMore),
            "cnn_loses_more": .bool(significantLoss && cnnLostMore > mlpLostMore),
            "loss_tie": .bool(!significantLoss),
            "both_rotation_losses": .bool([mlpRot, cnnRot].allSatisfy { $0.isSignificant(at: AccuracyComparison.alpha) }
                                          && mlpAcc[2] < mlpAcc[0] && cnnAcc[2] < cnnAcc[0]),
        ]
        values.merge(ProblemSetProtocol.values(c)) { a, _ in a }
        return SectionContent(values: values, tables: ["invariance": table])
    }
}

/// 1.2: one epoch of plain SGD on a subset, SimpleCNN without and with batch norm,
/// compared on the same validation images.
struct BatchNormConceptChapter: Chapter {
    static let name = "concept-batch-norm"
    static let declaration = ContentDeclaration(
        values: """
            bn_accuracy bn_discordant bn_first_better? bn_gap bn_loss bn_only_first bn_only_second bn_p
            bn_second_better? bn_tie? images learning_rate plain_accuracy plain_loss validation_images
            """)

    /// One epoch of plain SGD at this rate, with and without batch norm.
    static let learningRate: Float = 0.001

    struct Key: Codable {
        /// Bump when the computation changes.
        static let version = 1
        var run: String
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let images = c.profile == .full ? 10_000 : 1_000
        func run(_ model: ModelKind) throws -> (record: EpochRecord, validation: EvaluationRecord) {
            let config = TrainingConfig(model: model, optimizer: .sgd, learningRate: Self.learningRate, seed: c.seed,
                                        dataset: c.data.kind, trainCount: images,
                                        validationCount: c.profile.validationCount, testCount: 0)
            let run = try c.runner.train(config, epochs: 1)
            // The per-image predictions on the validation split, for the paired test.
            let validation = try c.cache.value("validation predictions of \(config.label), epoch 1", kind: "validation-evaluation", version: Key.version,
                                               config: Key(run: run.folder.lastPathComponent)) {
                EvaluationRecord(try run.model(atEpoch: 1).evaluate(set: c.data.train, indices: run.split.validation,
                                                                    batchSize: 500, normalization: run.normalization))
            }
            return (run.records[0], validation)
        }
        let plain = try run(.simpleCNN), bn = try run(.simpleCNNBatchNorm)
        let comparison = PairedComparison(bn.validation, plain.validation)
        var values: [String: TemplateValue] = [
            "learning_rate": .plain(Self.learningRate),
            "images": .count(images),
            "validation_images": .count(bn.validation.count),
            "plain_loss": .decimal(plain.record.trainLoss), "plain_accuracy": .accuracy(plain.validation),
            "bn_loss": .decimal(bn.record.trainLoss), "bn_accuracy": .accuracy(bn.validation),
        ]
        values.merge(comparison.values(prefix: "bn_")) { a, _ in a }
        return SectionContent(values: values)
    }
}

/// 1.3: the standardised MLP on washed-out test digits, before and after
/// re-estimating the standardisation on them.
struct CovariateShiftChapter: Chapter {
    static let name = "concept-shift"
    static let declaration = ContentDeclaration(
        values: """
            background background_byte background_effect black_share clean_accuracy clean_mean
            exact_background exact_background_byte exact_mean offset protocol_all? protocol_epochs
            protocol_train_images restandardised_accuracy restd_first_better? restd_gap restd_only_first
            restd_only_second restd_p restd_second_better? restd_tie? rounding_effect scale
            shift_first_better? shift_gap shift_only_first shift_only_second shift_p shift_second_better?
            shift_tie? shifted_accuracy shifted_mean test_images
            """)
    static let offset = 0.3, scale = 0.4

    struct Result: Codable {
        var labels: [Int]
        var clean: [Int]; var shifted: [Int]; var restandardised: [Int]
        var cleanMean: Double; var shiftedMean: Double
        /// The byte every black pixel becomes: 255 · offset, rounded by the requantisation.
        var backgroundByte: Int
        /// Share of the clean test pixels that are 0, i.e. background.
        var blackFraction: Double
    }
    struct Key: Codable {
        /// Bump when the computation changes (3: predictions, background byte and share).
        static let version = 3
        var mlp: String; var epochs: Int; var offset: Double; var scale: Double; var testCount: Int
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let mlp = try ProblemSetRuns.mlp(c)
        let epochs = ProblemSetRuns.epochs(c)
        let key = Key(mlp: mlp.folder.lastPathComponent, epochs: epochs, offset: Self.offset, scale: Self.scale,
                      testCount: c.profile.testCount)
        let r = try c.cache.value("covariate shift: MLP on washed-out test digits", kind: "shift", version: Key.version, config: key) {
            let test = c.testSet
            // The shifted images are stored as bytes again (Images.intensityMapped rounds
            // 255 · (offset + scale · x) to the nearest integer), as a scanner would write them.
            let shifted = Images.intensityMapped(test, offset: Self.offset, scale: Self.scale)
            return Result(labels: test.labels.map(Int.init),
                          clean: try mlp.predictions(on: test, epoch: epochs),
                          shifted: try mlp.predictions(on: shifted, epoch: epochs),
                          restandardised: try mlp.predictions(on: shifted, epoch: epochs, normalization: .standardising(shifted)),
                          cleanMean: test.pixelStatistics().mean, shiftedMean: shifted.pixelStatistics().mean,
                          backgroundByte: Int(shifted.pixels.min() ?? 0),
                          blackFraction: Double(test.pixels.count { $0 == 0 }) / Double(max(1, test.pixels.count)))
        }
        func accuracy(_ p: [Int]) -> Double { Double(zip(p, r.labels).count { $0 == $1 }) / Double(max(1, r.labels.count)) }
        let clean = accuracy(r.clean), shifted = accuracy(r.shifted), restandardised = accuracy(r.restandardised)
        let exactMean = Self.offset + Self.scale * r.cleanMean
        let shift = PairedComparison(first: r.clean, second: r.shifted, labels: r.labels)
        let restd = PairedComparison(first: r.clean, second: r.restandardised, labels: r.labels)
        var values: [String: TemplateValue] = [
            "clean_accuracy": .percent(clean, of: r.labels.count), "shifted_accuracy": .percent(shifted, of: r.labels.count),
            "restandardised_accuracy": .percent(restandardised, of: r.labels.count),
            "offset": .plain(Self.offset), "scale": .plain(Self.scale),
            "clean_mean": .decimal(r.cleanMean, digits: 3), "shifted_mean": .decimal(r.shiftedMean, digits: 3),
            "exact_mean": .decimal(exactMean, digits: 3),
            "rounding_effect": .decimal(r.shiftedMean - exactMean, digits: 4),
            // What the background's rounding alone adds to the mean: its share of the
            // pixels times its rounding error.
            "background_effect": .decimal(r.blackFraction * (Double(r.backgroundByte) - 255 * Self.offset) / 255, digits: 4),
            "black_share": .percent(r.blackFraction, digits: 1),
            "exact_background_byte": .number(255 * Self.offset, significant: 4),
            "background_byte": .plain(r.backgroundByte),
            "background": .decimal(Double(r.backgroundByte) / 255, digits: 3),
            "exact_background": .decimal(Self.offset, digits: 3),
            "test_images": .count(r.labels.count),
        ]
        values.merge(shift.values(prefix: "shift_", unused: ["discordant"])) { a, _ in a }
        values.merge(restd.values(prefix: "restd_", unused: ["discordant"])) { a, _ in a }
        values.merge(ProblemSetProtocol.values(c)) { a, _ in a }
        return SectionContent(values: values)
    }
}

/// 1.4: how many of the trained MLP's hidden outputs are zero, and how many units are dead.
struct ReLUChapter: Chapter {
    static let name = "concept-relu"
    static let declaration = ContentDeclaration(
        values: """
            active_fraction dead_fraction dead_units fewest_active has_dead? images is_sparse?
            least_used_unit mean_active_units most_active protocol_all? protocol_epochs
            protocol_train_images sparse_threshold units zero_fraction
            """)
    /// The share of zero outputs from which the prose calls the hidden layer sparse:
    /// four in five, a bar a 61 % active layer clearly does not reach.
    static let sparseThreshold = 0.8

    struct Result: Codable {
        var images: Int; var activeFraction: Double; var deadUnits: Int; var units: Int
        /// Fewest and most units active on one image, and the fewest images any unit is active on.
        var fewestActive: Int; var mostActive: Int; var leastUsedUnit: Int
    }
    struct Key: Codable {
        /// Bump when the computation changes (2: per-image and per-unit extremes).
        static let version = 2
        var mlp: String; var epochs: Int; var testCount: Int
    }

    func content(_ c: ChapterContext) throws -> SectionContent {
        let mlp = try ProblemSetRuns.mlp(c)
        let epochs = ProblemSetRuns.epochs(c)
        let key = Key(mlp: mlp.folder.lastPathComponent, epochs: epochs, testCount: c.profile.testCount)
        let r = try c.cache.value("ReLU: hidden-unit activity of the MLP", kind: "relu", version: Key.version, config: key) {
            try HiddenActivity.measure(model: try mlp.model(atEpoch: epochs), set: c.testSet, normalization: mlp.normalization)
        }
        let zeros = 1 - r.activeFraction
        var values: [String: TemplateValue] = [
            "images": .count(r.images), "units": .count(r.units),
            "active_fraction": .percent(r.activeFraction, digits: 1),
            "zero_fraction": .percent(zeros, digits: 1),
            "sparse_threshold": .percent(Self.sparseThreshold, digits: 0),
            "is_sparse": .bool(zeros >= Self.sparseThreshold),
            "mean_active_units": .decimal(r.activeFraction * Double(r.units), digits: 1),
            "fewest_active": .count(r.fewestActive), "most_active": .count(r.mostActive),
            "least_used_unit": .count(r.leastUsedUnit),
            "dead_units": .count(r.deadUnits),
            "has_dead": .bool(r.deadUnits > 0),
            "dead_fraction": .percent(Double(r.deadUnits) / Double(r.units), digits: 1),
        ]
        values.merge(ProblemSetProtocol.values(c)) { a, _ in a }
        return SectionContent(values: values)
    }
}

/// The hidden layer of the MLP, recomputed from its weights: h = ReLU(W₁x + b₁).
enum HiddenActivity {
    static func measure(model: Model, set: ImageSet, normalization: FolioData.Normalization) throws -> ReLUChapter.Result {
        let tensors = Dictionary(uniqueKeysWithValues: model.namedTensors().map { ($0.name, $0) })
        guard let w = tensors["fc1.weight"], let b = tensors["fc1.bias"], w.shape.count == 2 else {
            throw ExperimentError("model \(model.name) has no fc1 layer to inspect")
        }
        let units = w.shape[0], inputs = w.shape[1]
        let table = normalization.table
        var activeCount = [Int](repeating: 0, count: units)
        var activeTotal = 0, fewest = Int.max, most = 0
        var x = [Float](repeating: 0, count: inputs)
        for n in 0..<set.count {
            let image = set.image(n)
            for (j, p) in image.enumerated() { x[j] = table[Int(p)] }
            var active = 0
            for u in 0..<units {
                var z = b.values[u]
                let row = u * inputs
                for j in 0..<inputs { z += w.values[row + j] * x[j] }
                if z > 0 { activeCount[u] += 1; active += 1 }
            }
            activeTotal += active; fewest = min(fewest, active); most = max(most, active)
        }
        return ReLUChapter.Result(images: set.count,
                                  activeFraction: Double(activeTotal) / Double(max(1, set.count * units)),
                                  deadUnits: activeCount.filter { $0 == 0 }.count, units: units,
                                  fewestActive: set.count == 0 ? 0 : fewest, mostActive: most,
                                  leastUsedUnit: activeCount.min() ?? 0)
    }
}

/// 3.1: the essay's computed facts: the small CNN's size, and the parameters of its
/// two linear layers against the single layer they collapse into (checked in 3.2).
struct CNNDesignChapter: Chapter {
    static let name = "cnn-design"
    static let declaration = ContentDeclaration(
        values: """
            collapsed_parameters fc1_parameters fc2_parameters fc_hidden fc_inputs fc_outputs
            small_cnn_parameters
            """)
    func content(_ c: ChapterContext) throws -> SectionContent {
        let model = try Model(kind: .smallCNN, seed: c.seed)
        let shapes = Dictionary(uniqueKeysWithValues: model.namedTensors().map { ($0.name, $0.shape) })
        guard let w1 = shapes["fc1.weight"], let w2 = shapes["fc2.weight"], w1.count == 2, w2.count == 2 else {
            throw ExperimentError("the small CNN has no fc1 and fc2 layers")
        }
        let (hidden, inputs, outputs) = (w1[0], w1[1], w2[0])
        return SectionContent(values: [
            "small_cnn_parameters": .count(model.parameterCount),
            "fc_inputs": .count(inputs), "fc_hidden": .count(hidden), "fc_outputs": .count(outputs),
            "fc1_parameters": .count(inputs * hidden + hidden), "fc2_parameters": .count(hidden * outputs + outputs),
            "collapsed_parameters": .count(inputs * outputs + outputs),
        ])
    }
}
