import Foundation
import FolioSupport
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// The "Protocol." note of every question that uses the problem set's networks: they
/// train on every training image with no validation split (as the notebook did), while
/// the CNN assignment holds images out; with nothing to choose an epoch on, the final
/// epoch is reported, fixed before training.
enum ProblemSetProtocol {
    /// `full` for the note under 2.3, which states the departure; the other questions'
    /// notes name only the training images and the epoch, and point there.
    static func values(_ c: ChapterContext, full: Bool = false) -> [String: TemplateValue] {
        var v: [String: TemplateValue] = [
            "protocol_train_images": .count(ProblemSetRuns.trainCount(c)),
            // "all 60,000" on the full profile; the quick profile's subset is not "all".
            "protocol_all": .bool(ProblemSetRuns.trainCount(c) == c.data.train.count),
            "protocol_epochs": .plain(ProblemSetRuns.epochs(c)),
        ]
        if full {
            v["protocol_default_train"] = .count(c.profile.trainCount)
            v["protocol_default_validation"] = .count(c.profile.validationCount)
        }
        return v
    }
}

/// Two accuracies on the same images, compared by McNemar's exact test at the
/// reports' level (`AccuracyComparison.alpha`), with three exclusive verdicts (first
/// significantly better, second significantly better, no significant difference) so
/// that every template sentence has a branch that is right for the run.
struct PairedComparison {
    let test: McNemarTest
    let firstAccuracy: Double
    let secondAccuracy: Double
    /// The images both accuracies were measured on.
    let images: Int

    init(first: [Int], second: [Int], labels: [Int]) {
        test = McNemarTest(firstPredictions: first, secondPredictions: second, labels: labels)
        images = labels.count
        let n = Double(max(1, labels.count))
        firstAccuracy = Double(zip(first, labels).count { $0 == $1 }) / n
        secondAccuracy = Double(zip(second, labels).count { $0 == $1 }) / n
    }

    init(_ first: EvaluationRecord, _ second: EvaluationRecord) {
        self.init(first: first.predictions, second: second.predictions, labels: first.labels)
    }

    var significant: Bool { test.isSignificant(at: AccuracyComparison.alpha) }
    var firstBetter: Bool { significant && test.onlyFirstCorrect > test.onlySecondCorrect }
    var secondBetter: Bool { significant && test.onlySecondCorrect > test.onlyFirstCorrect }

    /// `<prefix>p`, `first_better`, `second_better`, `tie`, `only_first`, `only_second`,
    /// `discordant` and `gap` (percentage points, unsigned), less the `unused` ones (the
    /// document builder refuses a value no placeholder uses).
    func values(prefix: String, unused: Set<String> = []) -> [String: TemplateValue] {
        let all: [String: TemplateValue] = [prefix + "p": .pValue(test.pValue),
         prefix + "first_better": .bool(firstBetter), prefix + "second_better": .bool(secondBetter),
         prefix + "tie": .bool(!significant),
         prefix + "only_first": .count(test.onlyFirstCorrect), prefix + "only_second": .count(test.onlySecondCorrect),
         prefix + "discordant": .count(test.discordant),
         prefix + "gap": .points(abs(firstAccuracy - secondAccuracy), of: images)]
        return all.filter { !unused.contains(String($0.key.dropFirst(prefix.count))) }
    }
}

/// Phrases that stay right whatever the run's numbers, including equal ones.
enum ProblemSetWording {
    /// "12.50 points less accurate, at 70.00 %", "0.20 points more accurate, at …",
    /// or "exactly as accurate, at 87.50 %" when the printed accuracies are equal.
    static func change(from a: Double, to b: Double) -> String {
        let before = Format.percent(a), after = Format.percent(b)
        if before == after { return "exactly as accurate, at \(after)" }
        return "\(Format.points(abs(a - b))) points \(b < a ? "less" : "more") accurate, at \(after)"
    }

    /// "after every one of the 10 epochs", "after none of the 10 epochs", "after 7 of the 10 epochs".
    static func epochs(_ n: Int, of total: Int) -> String {
        n == total ? "after every one of the \(total) epochs" : n == 0 ? "after none of the \(total) epochs"
            : "after \(n) of the \(total) epochs"
    }
}

/// Pixel measures of one digit, for describing failure cases by what the images
/// contain rather than by generic words.
enum DigitShape {
    /// Ink: the sum of the pixel values scaled to [0, 1], so a fully white pixel
    /// counts 1 and the measure reads as "pixels' worth of ink".
    static func ink(_ pixels: ArraySlice<UInt8>) -> Double {
        pixels.reduce(0.0) { $0 + Double($1) } / 255
    }

    /// Slant in degrees, positive when the top of the digit leans right. From the
    /// intensity-weighted second moments: the shear s = −cov(x, y) / var(y) with y
    /// pointing down (a right-leaning stroke has x falling as y grows), as atan(s).
    static func slant(_ pixels: ArraySlice<UInt8>, columns: Int) -> Double {
        var w = 0.0, sx = 0.0, sy = 0.0
        for (k, p) in pixels.enumerated() where p > 0 {
            let v = Double(p), x = Double(k % columns), y = Double(k / columns)
            w += v; sx += v * x; sy += v * y
        }
        guard w > 0 else { return 0 }
        let mx = sx / w, my = sy / w
        var cxy = 0.0, cyy = 0.0
        for (k, p) in pixels.enumerated() where p > 0 {
            let v = Double(p), dx = Double(k % columns) - mx, dy = Double(k / columns) - my
            cxy += v * dx * dy; cyy += v * dy * dy
        }
        guard cyy > 0 else { return 0 }
        return atan(-cxy / cyy) * 180 / .pi
    }
}

/// Two linear layers with nothing between them are one affine map:
/// W₂(W₁f + b₁) + b₂ = (W₂W₁)f + (W₂b₁ + b₂). The small CNN of 3.2 has no activation
/// between fc1 and fc2, so its classifier can be replaced by this product; the check
/// runs the trained network and the collapsed map on the same images.
struct LinearCollapse {
    /// out × in, row-major, and out biases.
    let weight: [Double]
    let bias: [Double]
    let outputs: Int
    let inputs: Int

    /// From PyTorch-layout weights: first [hidden, inputs], second [outputs, hidden].
    init(w1: [Float], b1: [Float], w2: [Float], b2: [Float], inputs: Int, hidden: Int, outputs: Int) {
        precondition(w1.count == hidden * inputs && b1.count == hidden && w2.count == outputs * hidden && b2.count == outputs)
        var w = [Double](repeating: 0, count: outputs * inputs)
        var b = b2.map(Double.init)
        for o in 0..<outputs {
            for h in 0..<hidden {
                let a = Double(w2[o * hidden + h])
                b[o] += a * Double(b1[h])
                for i in 0..<inputs { w[o * inputs + i] += a * Double(w1[h * inputs + i]) }
            }
        }
        weight = w; bias = b; self.outputs = outputs; self.inputs = inputs
    }

    var parameterCount: Int { outputs * inputs + outputs }

    func logits(_ f: ArraySlice<Float>) -> [Double] {
        precondition(f.count == inputs)
        let base = f.startIndex
        return (0..<outputs).map { o in
            var z = bias[o]
            for i in 0..<inputs { z += weight[o * inputs + i] * Double(f[base + i]) }
            return z
        }
    }

    static func logSoftmax(_ z: [Double]) -> [Double] {
        let m = z.max() ?? 0
        let s = log(z.reduce(0) { $0 + exp($1 - m) }) + m
        return z.map { $0 - s }
    }

    struct Check: Codable {
        var images: Int
        /// Largest |network log-probability − collapsed map's log-probability|.
        var maxDifference: Double
        /// Images whose predicted class is the same under both.
        var samePrediction: Int
        var collapsedParameters: Int
        var firstLayerParameters: Int
        var secondLayerParameters: Int
    }

    /// Runs the small CNN on `set` and compares its outputs (log-probabilities) with
    /// the collapsed map applied to the features entering fc1 (pool2, flattened).
    static func check(model: Model, set: ImageSet, normalization: Normalization) throws -> Check {
        let tensors = Dictionary(uniqueKeysWithValues: model.namedTensors().map { ($0.name, $0) })
        guard let w1 = tensors["fc1.weight"], let b1 = tensors["fc1.bias"],
              let w2 = tensors["fc2.weight"], let b2 = tensors["fc2.bias"], w1.shape.count == 2, w2.shape.count == 2 else {
            throw ExperimentError("model \(model.name) has no fc1 and fc2 layers to collapse")
        }
        let hidden = w1.shape[0], inputs = w1.shape[1], outputs = w2.shape[0]
        let collapse = LinearCollapse(w1: w1.values, b1: b1.values, w2: w2.values, b2: b2.values,
                                      inputs: inputs, hidden: hidden, outputs: outputs)
        let batchSize = 500
        let sampler = BatchSampler(set: set, batchSize: batchSize, shuffle: false, seed: 0, normalization: normalization)
        model.prepare(maxBatch: batchSize)
        var x = [Float](repeating: 0, count: batchSize * model.inputSize)
        var labels: [Int32] = []
        var worst = 0.0, same = 0, images = 0
        for batch in sampler.batches(epoch: 0) {
            let n = batch.count
            let out = x.withUnsafeMutableBufferPointer { buffer -> [Float] in
                sampler.fill(batch, into: buffer.baseAddress!, labels: &labels)
                let y = model.forward(buffer.baseAddress!, n: n, training: false, inferenceOnly: true)
                return Array(UnsafeBufferPointer(start: y, count: n * outputs))
            }
            guard let features = model.activation("pool2"), features.values.count == n * inputs else {
                throw ExperimentError("the features entering fc1 of \(model.name) are not \(inputs) per image")
            }
            for r in 0..<n {
                let mine = logSoftmax(collapse.logits(features.values[(r * inputs)..<((r + 1) * inputs)]))
                let theirs = out[(r * outputs)..<((r + 1) * outputs)].map(Double.init)
                for k in 0..<outputs { worst = max(worst, abs(mine[k] - theirs[k])) }
                let a = mine.indices.max { mine[$0] < mine[$1] }!, b = theirs.indices.max { theirs[$0] < theirs[$1] }!
                if a == b { same += 1 }
            }
            images += n
        }
        return Check(images: images, maxDifference: worst, samePrediction: same,
                     collapsedParameters: collapse.parameterCount,
                     firstLayerParameters: hidden * inputs + hidden, secondLayerParameters: outputs * hidden + outputs)
    }
}
