@testable import FolioChapters
import FolioData
import FolioExperiments
import FolioNN
import XCTest

/// The pixel optimisation of Part 3 on an untrained SimpleCNN and a few images.
final class AdversarialTests: XCTestCase {
    private func model() throws -> Model { try Model(kind: .simpleCNN, seed: 5) }

    private func images(_ n: Int, seed: UInt64, low: Float = 0.2, high: Float = 0.8) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<(n * 784)).map { _ in rng.uniform(low, high) }
    }

    /// dJ/dx of J = z_t − β·MSE(x, prior) against central differences of J.
    func testObjectiveGradientMatchesFiniteDifferences() throws {
        let model = try model()
        let x = images(2, seed: 1), prior = images(2, seed: 2, low: 0, high: 1)
        let objective = Adversarial.Objective(targets: [3, 7], prior: prior, beta: 40)
        let (_, _, gradient) = Adversarial.evaluate(model, x, count: 2, objective)
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<16 {
            let j = rng.below(x.count), image = j / 784
            var plus = x, minus = x
            plus[j] += 1e-2; minus[j] -= 1e-2
            let numeric = Double(Adversarial.evaluate(model, plus, count: 2, objective).values[image]
                - Adversarial.evaluate(model, minus, count: 2, objective).values[image]) / 2e-2
            XCTAssertEqual(Double(gradient[j]), numeric, accuracy: 2e-2 * max(1, abs(numeric)), "pixel \(j)")
        }
        // The distance term alone: at x = prior it is 0 and its gradient vanishes.
        let atPrior = Adversarial.evaluate(model, prior, count: 2, objective)
        let logits = model.outputs(prior, count: 2)
        XCTAssertEqual(atPrior.values[0], logits[3], accuracy: 1e-5)
        XCTAssertEqual(atPrior.values[1], logits[17], accuracy: 1e-5)
    }

    /// PyTorch's first Adam step is lr · g/(|g| + ε): every pixel moves by the
    /// learning rate in the direction that raises the objective, and the logit rises.
    func testFirstAdamStepMovesEveryPixelByTheLearningRateUphill() throws {
        let model = try model()
        let x = images(3, seed: 4)
        let objective = Adversarial.Objective(targets: [0, 4, 9])
        let (_, _, g) = Adversarial.evaluate(model, x, count: 3, objective)
        let trace = Adversarial.adamAscent(model, start: x, count: 3, objective: objective, learningRate: 0.01, steps: 1)
        let moved = trace.final.images
        var checked = 0
        for j in x.indices where abs(g[j]) > 1e-4 {
            XCTAssertEqual(moved[j] - x[j], g[j] > 0 ? 0.01 : -0.01, accuracy: 1e-5)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 1000)
        for i in 0..<3 { XCTAssertGreaterThan(trace.targetLogits[1][i], trace.targetLogits[0][i]) }
        XCTAssertEqual(trace.steps, 1)
        XCTAssertEqual(trace.snapshots.map(\.step), [1])
    }

    /// On the 0–255 scale one step is p + step·(∂z/∂x)/255, clamped to [0, 255].
    func testRawStepFollowsTheChainRuleAndClamps() throws {
        let model = try model()
        let p0 = images(2, seed: 5, low: 100, high: 150)
        let objective = Adversarial.Objective(targets: [2, 6])
        let (_, _, dzdx) = Adversarial.evaluate(model, p0.map { $0 / 255 }, count: 2, objective)
        for step: Float in [0.05, 100_000_000] {
            let trace = Adversarial.rawAscent(model, start: p0, count: 2, objective: objective, stepSize: step, steps: 1)
            for j in p0.indices {
                let expected = min(max(p0[j] + step * dzdx[j] / 255, 0), 255)
                XCTAssertEqual(255 * trace.final.images[j], expected, accuracy: 1e-3 * max(1, abs(expected)))
            }
        }
        // With the huge step many pixels hit the bounds.
        let big = Adversarial.rawAscent(model, start: p0, count: 2, objective: objective, stepSize: 100_000_000, steps: 3)
        XCTAssertTrue(big.final.images.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertTrue(big.final.images.contains(0) && big.final.images.contains(1))
    }

    func testAdamKeepsPixelsInRange() throws {
        let model = try model()
        var rng = SeededGenerator(seed: 6)
        let noise = (0..<(2 * 784)).map { _ in 0.5 + 0.8 * rng.normal() }
        let trace = Adversarial.adamAscent(model, start: noise, count: 2, objective: .init(targets: [1, 8]),
                                           learningRate: 0.3, steps: 4, checkpoints: [0, 2])
        XCTAssertEqual(trace.snapshots.map(\.step), [0, 2, 4])
        for snapshot in trace.snapshots {
            XCTAssertTrue(snapshot.images.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        XCTAssertTrue(trace.final.images.contains(0) && trace.final.images.contains(1))
    }

    /// Images of a batch do not interact: the batch gives each image's own run.
    func testBatchEqualsIndividualRuns() throws {
        let model = try model()
        let x = images(3, seed: 7), prior = images(3, seed: 8, low: 0, high: 1)
        let targets = [5, 0, 5]
        let batch = Adversarial.adamAscent(model, start: x, count: 3,
                                           objective: .init(targets: targets, prior: prior, beta: 30),
                                           learningRate: 0.02, steps: 6)
        for i in 0..<3 {
            let one = Adversarial.adamAscent(model, start: Array(Adversarial.image(x, i, pixels: 784)), count: 1,
                                             objective: .init(targets: [targets[i]], prior: Array(Adversarial.image(prior, i, pixels: 784)), beta: 30),
                                             learningRate: 0.02, steps: 6)
            let a = Adversarial.image(batch.final.images, i, pixels: 784)
            XCTAssertLessThan(zip(a, one.final.images).map { abs($0 - $1) }.max()!, 1e-4)
            for (b, o) in zip(batch.targetLogits, one.targetLogits) { XCTAssertEqual(b[i], o[0], accuracy: 1e-3) }
        }
    }

    /// A run stops at the first checkpoint where the stop condition holds; `hits`
    /// counts the images predicted as their target.
    func testEarlyStopAndHits() throws {
        let model = try model()
        let x = images(4, seed: 9)
        let trace = Adversarial.adamAscent(model, start: x, count: 4, objective: .init(targets: [0, 1, 2, 3]),
                                           learningRate: 0.01, steps: 10, checkpoints: [3, 6]) { _ in true }
        XCTAssertEqual(trace.steps, 3)
        XCTAssertEqual(trace.snapshots.map(\.step), [3])
        XCTAssertEqual(trace.hits.count, 4)
        let predicted = Adversarial.predictions(trace.final.logits, classes: 10).map(\.label)
        XCTAssertEqual(trace.hits[3], zip(predicted, [0, 1, 2, 3]).filter { $0 == $1 }.count)
    }

    func testCorrelationAndPerturbation() {
        let a: [Float] = [0, 1, 2, 3]
        XCTAssertEqual(Adversarial.correlation(a[...], a.map { 2 * $0 + 1 }[...]), 1, accuracy: 1e-12)
        XCTAssertEqual(Adversarial.correlation(a[...], a.map { -$0 }[...]), -1, accuracy: 1e-12)
        XCTAssertEqual(Adversarial.correlation(a[...], [Float](repeating: 5, count: 4)[...]), 0)
        let d = Adversarial.perturbation([0, 0, 0, 0][...], from: [1, 0, -1, 0][...])
        XCTAssertEqual(d.l2, 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(d.lInf, 1)
        XCTAssertEqual(d.mse, 0.5)
    }

    func testPairsAndTrend() {
        let pairs = AdversarialTargetedChapter.pairs(classes: 3)
        XCTAssertEqual(pairs.map { [$0.source, $0.target] }, [[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]])
        XCTAssertEqual(AdversarialTargetedChapter.pairs(classes: 10).count, 90)
        // One image whose target logit goes 0 → 1 → 0.5 → 2: two of three steps rise.
        let images = [Float](repeating: 0.5, count: 784)
        var logits = [Float](repeating: 0, count: 10)
        logits[4] = 2
        let trace = Adversarial.Trace(count: 1, classes: 10, targets: [4], targetLogits: [[0], [1], [0.5], [2]],
                                      hits: [0, 1, 1, 1],
                                      snapshots: [.init(step: 0, logits: [Float](repeating: 0, count: 10), images: images),
                                                  .init(step: 3, logits: logits, images: images)])
        let means = (0..<10).map { k in (0..<784).map { Float(($0 * (k + 1)) % 7) } }
        let summary = NoiseRunSummary(trace, means: means)
        XCTAssertEqual(summary.risingFraction[0], 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(summary.gains[0], 2)
        XCTAssertEqual(summary.at(3).predicted, [4])
        XCTAssertEqual(summary.at(3).hits, 1)
        XCTAssertEqual(summary.maxChange, 0)
    }

    func testNumberFormatting() {
        XCTAssertEqual(Format.number(Double(Float(1e-5))), "1 × 10⁻⁵")
        XCTAssertEqual(Format.number(1e-5 / 65025, significant: 4), "1.538 × 10⁻¹⁰")
        XCTAssertEqual(Format.number(0.001), "0.001")
        XCTAssertEqual(Format.number(Double(Float(0.001 * 65025)), significant: 4), "65.03")
        XCTAssertEqual(Format.number(1000), "1000")
        XCTAssertEqual(Format.scientific(0.05 / 65025).mantissa, "7.69")
        XCTAssertEqual(Format.scientific(0.05 / 65025).exponent, "-7")
        XCTAssertEqual(Format.scientific(Double(Float(1e-5))).mantissa, "1.00")
    }
}
