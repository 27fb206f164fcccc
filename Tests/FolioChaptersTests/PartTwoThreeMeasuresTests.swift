@testable import FolioChapters
import FolioData
import FolioExperiments
import FolioNN
import XCTest

/// The measures behind the claims of Parts 2 and 3: filter templates, the ink test of
/// the occlusion study, the notebooks' raw-input ascent, the targeted attacks' sizes,
/// and the wording helpers that keep equal values from reading "from 3 to 3".
final class PartTwoThreeMeasuresTests: XCTestCase {
    // MARK: 2.1 filter templates

    func testEdgeDirectionsFollowTheWeights() {
        // Weights growing to the right (row-major, row 0 on top): brighter to the right, 0°.
        let right = FilterPattern([-1, 0, 1, -1, 0, 1, -1, 0, 1])
        XCTAssertEqual(right.kind, .edge)
        XCTAssertEqual(right.fit, 1, accuracy: 1e-9)
        XCTAssertEqual(right.angle, 0, accuracy: 1e-9)
        XCTAssertEqual(right.group, "edge, brighter towards the right")
        XCTAssertEqual(right.symbol, "→")
        // Growing towards the top row: 90°, and a constant offset changes nothing.
        let up = FilterPattern([6, 6, 6, 5, 5, 5, 4, 4, 4])
        XCTAssertEqual(up.kind, .edge)
        XCTAssertEqual(up.angle, 90, accuracy: 1e-9)
        XCTAssertEqual(up.direction, 2)
        // Towards the lower left: 225°.
        let lowerLeft = FilterPattern([0, -1, -2, 1, 0, -1, 2, 1, 0])
        XCTAssertEqual(lowerLeft.angle, 225, accuracy: 1e-9)
        XCTAssertEqual(FilterPattern.directions[lowerLeft.direction], "lower left")
    }

    func testLinesDotsAndMixedFilters() {
        let bright = FilterPattern([-1, -1, -1, 2, 2, 2, -1, -1, -1])
        XCTAssertEqual(bright.kind, .line)
        XCTAssertEqual(bright.angle, 0)
        XCTAssertTrue(bright.positive)
        XCTAssertEqual(bright.group, "bright horizontal line")
        let darkVertical = FilterPattern([1, -2, 1, 1, -2, 1, 1, -2, 1])
        XCTAssertEqual(darkVertical.group, "dark vertical line")
        let offCentre = FilterPattern([1, 1, 1, 1, -8, 1, 1, 1, 1])
        XCTAssertEqual(offCentre.kind, .centreSurround)
        XCTAssertFalse(offCentre.positive)
        XCTAssertEqual(offCentre.fit, 1, accuracy: 1e-9)
        // Two opposite corners are a diagonal ramp; two neighbours of opposite sign match
        // no family well enough (best R² 0.25).
        XCTAssertEqual(FilterPattern([1, 0, 0, 0, 0, 0, 0, 0, -1]).kind, .edge)
        let mixed = FilterPattern([1, -1, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(mixed.kind, .mixed)
        XCTAssertEqual(mixed.fit, 0.25, accuracy: 1e-9)
        XCTAssertEqual(mixed.symbol, "")
        // The groups of a layer, in table order.
        let groups = FilterGroups([[-1, 0, 1, -1, 0, 1, -1, 0, 1], [1, 1, 1, 1, -8, 1, 1, 1, 1],
                                   [-1, 0, 1, -1, 0, 1, -1, 0, 1]])
        XCTAssertEqual(groups.groups.map(\.name), ["edge, brighter towards the right", "dark dot (off-centre)"])
        XCTAssertEqual(groups.groups[0].filters, [0, 2])
        XCTAssertEqual(groups.count(.edge), 2)
    }

    // MARK: wording

    func testWordingOnEqualAndUnequalValues() {
        XCTAssertEqual(KernelFigures.movement(28, from: 28), "stayed at 28")
        XCTAssertEqual(KernelFigures.movement(3, from: 1), "rose from 1 to 3")
        XCTAssertEqual(KernelFigures.movement(22, from: 26), "fell from 26 to 22")
        XCTAssertEqual(Wording.range("1.0000", "1.0000"), "1.0000 for all of them")
        XCTAssertEqual(Wording.range("0.84", "0.97"), "from 0.84 to 0.97")
        XCTAssertEqual(Wording.movement("0.999", "0.605", up: "rises", down: "falls", same: "stays at", rising: false),
                       "falls from 0.999 to 0.605")
        XCTAssertEqual(Wording.strength(-0.06), "negligible")
        XCTAssertEqual(Wording.strength(0.19), "weak")
        XCTAssertEqual(Wording.strength(-0.41), "moderate")
        XCTAssertEqual(Wording.strength(0.5), "strong")
        XCTAssertEqual(KernelFigures.filterList([]), "no filter")
        XCTAssertEqual(KernelFigures.filterList([5]), "filter 5")
        XCTAssertEqual(KernelFigures.filterList([3, 7, 12], noun: "map"), "maps 3, 7 and 12")
        XCTAssertEqual(ActivationsChapter.silentPhrase([]), "no map is zero everywhere")
        XCTAssertEqual(ActivationsChapter.silentPhrase([4]), "map 4 is zero everywhere")
        XCTAssertEqual(ActivationsChapter.silentPhrase([1, 2]), "maps 1 and 2 are zero everywhere")
    }

    // MARK: 2.4 ink against background

    /// Two positions per image: the first covers ink, the second only background.
    private func image(_ label: Int, baseline: Float, onInk: Float, offInk: Float) -> OccludedImage {
        let map = OcclusionMap(patch: 27, stride: 1, fill: 0.5, targetClass: label, rows: 1, columns: 2,
                               probability: [onInk, offInk], predicted: [label, label])
        return OccludedImage(index: label, label: label, baseline: baseline, basePrediction: label, maps: [map])
    }

    func testInkContrastIsASignTestOverImages() throws {
        // Ink at pixel (0, 0) only: the 27-pixel patch at column 0 covers it, at column 1 not.
        var ink = [Float](repeating: 0, count: 784)
        ink[0] = 1
        let study = (0..<6).map { image($0, baseline: 1, onInk: 0.7, offInk: 0.95) }
        let contrast = try XCTUnwrap(InkContrast(patch: 27, study: study, ink: Array(repeating: ink, count: 6), cols: 28))
        XCTAssertEqual(contrast.meanInkDrop, 0.3, accuracy: 1e-6)
        XCTAssertEqual(contrast.meanBackgroundDrop, 0.05, accuracy: 1e-6)
        XCTAssertEqual(contrast.inkLarger, 6)
        XCTAssertEqual(contrast.pValue, 2.0 / 64, accuracy: 1e-12)     // 2 · (1/2)⁶
        XCTAssertEqual(contrast.verdict, .inkMatters)
        // Five images cannot reach p < 0.05 (2 · (1/2)⁵ = 0.0625), however large the effect.
        let five = try XCTUnwrap(InkContrast(patch: 27, study: Array(study.prefix(5)),
                                             ink: Array(repeating: ink, count: 5), cols: 28))
        XCTAssertEqual(five.verdict, .noClearDifference)
        // A difference below the margin is no difference, even when every image agrees.
        let tiny = (0..<8).map { image($0, baseline: 1, onInk: 0.995, offInk: 0.999) }
        let small = try XCTUnwrap(InkContrast(patch: 27, study: tiny, ink: Array(repeating: ink, count: 8), cols: 28))
        XCTAssertLessThan(small.pValue, 0.05)
        XCTAssertEqual(small.verdict, .noClearDifference)
        // Without any background position there is nothing to compare.
        XCTAssertNil(InkContrast(patch: 27, study: study, ink: Array(repeating: [Float](repeating: 1, count: 784), count: 6),
                                 cols: 28))
    }

    // MARK: 3.1 the notebooks' raw input

    /// With x = p the step is p + step·∂z/∂x (no 1/255 anywhere) and the trace holds p.
    func testRawAscentWithRawInputs() throws {
        let model = try Model(kind: .simpleCNN, seed: 5)
        var rng = SeededGenerator(seed: 7)
        let p0 = (0..<(2 * 784)).map { _ in rng.uniform(100, 150) }
        let objective = Adversarial.Objective(targets: [1, 3])
        let (_, _, dzdx) = Adversarial.evaluate(model, p0, count: 2, objective)
        let trace = Adversarial.rawAscent(model, start: p0, count: 2, objective: objective, stepSize: 0.05, steps: 1,
                                          inputScale: 1, checkpoints: [0])
        XCTAssertEqual(trace.snapshot(atStep: 0)!.images, p0)
        for j in p0.indices {
            XCTAssertEqual(trace.final.images[j], min(max(p0[j] + 0.05 * dzdx[j], 0), 255), accuracy: 1e-3)
        }
        // The default is still the assignment's x = p/255.
        let spec = Adversarial.rawAscent(model, start: p0, count: 2, objective: objective, stepSize: 0.05, steps: 1,
                                         checkpoints: [0])
        XCTAssertEqual(spec.snapshot(atStep: 0)!.images, p0.map { $0 / 255 })
    }

    func testLooksLikeTargetNeedsTheClosestMeanAndTheThreshold() {
        // Two classes; class means are two opposite ramps.
        let ramp = (0..<784).map { Float($0 % 28) }
        let means = [ramp, ramp.map { 27 - $0 }]
        // Image 0 (target 0) is the ramp itself; image 1 (target 1) is also the ramp.
        let images = ramp + ramp
        let trace = Adversarial.Trace(count: 2, classes: 2, targets: [0, 1], targetLogits: [[0, 0], [1, 1]], hits: [0, 1],
                                      snapshots: [.init(step: 0, logits: [0, 0, 0, 0], images: images),
                                                  .init(step: 1, logits: [1, 0, 0, 1], images: images)])
        let summary = NoiseRunSummary(trace, means: means, toUnit: 1 / 27)
        XCTAssertEqual(summary.ownMeanIsClosest, 1)
        XCTAssertEqual(summary.looksLikeTarget(threshold: 0.9), 1)
        XCTAssertEqual(summary.looksLikeTarget(threshold: 1.1), 0)
        // On [0, 1] the ramp's pixels above 0.5 are columns 14 to 27: half the image.
        XCTAssertEqual(summary.inkShare[0], 0.5, accuracy: 1e-12)
    }

    // MARK: 3.2 sizes against a reference

    func testTargetedSizesAgainstTheSourceNorm() {
        let source: [Float] = [Float](repeating: 0, count: 780) + [1, 1, 1, 1]   // ‖A‖ = 2
        var moved = source
        moved[0] = 0.5                                                           // ‖X − A‖ = 0.5
        var logits = [Float](repeating: 0, count: 10)
        logits[1] = 5
        let summary = TargetedSummary(.init(step: 1, logits: logits, images: moved), pairs: [(source: 0, target: 1)],
                                      sources: [source], classes: 10)
        XCTAssertEqual(summary.pairs[0].sourceNorm, 2, accuracy: 1e-12)
        XCTAssertEqual(summary.pairs[0].relativeL2, 0.25, accuracy: 1e-12)
        XCTAssertEqual(summary.succeeded(within: 0.5), 1)
        XCTAssertEqual(summary.succeeded(within: 0.3), 0)
    }
}
