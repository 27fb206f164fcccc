@testable import FolioChapters
import FolioCharts
import XCTest

/// What the chapters decide about their charts: 2.4's shared drop scale, 3.1's flat
/// panel redrawn as a gain, 2.2's numbered kernel grid, and every figure at most as
/// wide as the PDF's text column.
final class ChartChoiceTests: XCTestCase {
    private func map(patch: Int, _ probability: [Float]) -> OcclusionMap {
        OcclusionMap(patch: patch, stride: 1, fill: 0.5, targetClass: 0, rows: 1, columns: probability.count,
                     probability: probability, predicted: probability.map { $0 < 0.5 ? 1 : 0 })
    }

    func testOcclusionDropsShareOneScaleRoundedUpToATenth() {
        let study = [
            OccludedImage(index: 3, label: 0, baseline: 0.99, basePrediction: 0,
                          maps: [map(patch: 1, [0.99, 0.9899999]), map(patch: 14, [0.5, 0.99])]),
            OccludedImage(index: 8, label: 0, baseline: 0.9, basePrediction: 0,
                          maps: [map(patch: 1, [0.902, 0.9]), map(patch: 14, [0.27, 0.9])]),
        ]
        let effects = OcclusionFigures.effects(study, patches: [1, 14])
        XCTAssertEqual(effects.map(\.patch), [1, 14])
        XCTAssertEqual(effects[1].largestDrop, 0.63, accuracy: 1e-6)
        XCTAssertEqual(effects[1].meanDrop, (0.49 + 0 + 0.63 + 0) / 4, accuracy: 1e-6)
        XCTAssertEqual(effects[0].largestRise, 0.002, accuracy: 1e-6)
        XCTAssertEqual(OcclusionFigures.scaleTop(effects), 0.7, accuracy: 1e-12)
        // The drawn raster is the drop, not the probability.
        XCTAssertEqual(OcclusionFigures.drop(study[1].maps[1], baseline: 0.9).values[0], 0.63, accuracy: 1e-6)
    }

    private func trace(_ logits: [[Float]]) -> Adversarial.Trace {
        Adversarial.Trace(count: logits[0].count, classes: 10, targets: Array(0..<logits[0].count),
                          targetLogits: logits, hits: logits.map { _ in 0 }, snapshots: [])
    }

    func testAPanelWhoseLinesBarelyMoveIsDrawnAsTheirGain() throws {
        let names = (0..<10).map(String.init)
        // Lines 3 apart that move by 0.002: flat on their own scale.
        let flat = trace([[-3, 0, 1], [-2.999, 0.001, 1.002]])
        let moving = trace([[0, 1, 2], [30, 40, 50]])
        let (figure, panels) = NoiseFigures.logits([("(a)", "(a) flat", flat, "Iteration"),
                                                    ("(b)", "(b) moving", moving, "Step")], names: names)
        XCTAssertEqual(panels.map(\.label), ["(a)"])
        XCTAssertEqual(try XCTUnwrap(panels.first).largest, 0.002, accuracy: 1e-6)
        guard case .line(let a) = figure.panels[0], case .line(let b) = figure.panels[1] else { return XCTFail("line panels") }
        XCTAssertEqual(a.series[0].y, [0, Double(Float(-2.999)) - Double(Float(-3))])
        XCTAssertEqual(b.series[2].y, [2, 50])
        XCTAssertLessThanOrEqual(figure.widthPoints, PrintSize.textWidth)
    }

    func testTheKernelGridNumbersItsRowsAndColumns() {
        let kernels = (0..<64).map { _ in [Float](repeating: 0.1, count: 9) }
        let figure = KernelFigures.grid(kernels, side: 3, columns: 8, title: "t", numbered: false, colorMap: .diverging,
                                        limit: 0.2, width: PrintSize.textWidth, height: 430,
                                        indices: GridIndices(rowTitle: "output channel o", columnTitle: "input channel i",
                                                             step: SecondLayerFiltersChapter.indexStep))
        guard case .imageGrid(let grid) = figure.panels[0] else { return XCTFail("an image grid") }
        XCTAssertEqual(grid.indices?.step, 4)
        XCTAssertEqual(grid.indices?.rowTitle, "output channel o")
    }
}
