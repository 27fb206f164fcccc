import XCTest
@testable import FolioCharts

/// Colour-bar scales: few ticks, short labels, true minus signs, and ranges too narrow
/// to label widened rather than stretched.
final class ColorBarTests: XCTestCase {
    /// Significant digits a label shows: no sign, no leading zeros; trailing zeros of a
    /// whole number ("1000") are not counted, those after a point ("1.000") are.
    static func significantDigits(_ label: String) -> Int {
        var digits = label.filter { $0.isNumber }.drop { $0 == "0" }
        if !label.contains(".") { while digits.last == "0" { digits.removeLast() } }
        return digits.count
    }

    static let ranges: [(Double, Double)] = [
        (0.9999995, 0.9999999), (0, 980), (-0.3127, 0.3127), (0, 1), (-1, 1), (2.5e-7, 9.1e-7),
        (12_345, 12_346), (0.0001239, 0.9998983), (-4.2, 17.9), (0.5, 0.5), (-0.00031, 0.00002),
    ]

    func testAtMostFiveTicksOfAtMostFourSignificantDigits() {
        for (lo, hi) in Self.ranges {
            for maxTicks in 3...5 {
                let scale = AxisScale.colorBar(lo, hi, maxTicks: maxTicks)
                XCTAssertGreaterThanOrEqual(scale.ticks.count, 2, "\(lo)...\(hi): \(scale.labels)")
                XCTAssertLessThanOrEqual(scale.ticks.count, maxTicks, "\(lo)...\(hi): \(scale.labels)")
                for label in scale.labels {
                    XCTAssertLessThanOrEqual(Self.significantDigits(label), 4, "\(lo)...\(hi): \(label)")
                }
                XCTAssertEqual(Set(scale.labels).count, scale.labels.count, "\(lo)...\(hi): labels repeat \(scale.labels)")
                // The colour range still covers the data and every tick lies on it.
                XCTAssertLessThanOrEqual(scale.lower, lo)
                XCTAssertGreaterThanOrEqual(scale.upper, hi)
                for t in scale.ticks { XCTAssertTrue(t >= scale.lower - 1e-12 && t <= scale.upper + 1e-12) }
            }
        }
    }

    func testARippleOfTenToTheMinusSevenIsNotStretchedOverTheBar() {
        // Before, such a map got ticks like 0.9999996 and its ripple the full colour range.
        let scale = AxisScale.colorBar(0.9999995, 0.9999999)
        XCTAssertLessThanOrEqual(scale.lower, 0.999 + 1e-12)
        XCTAssertGreaterThanOrEqual(scale.upper, 1 - 1e-12)
        XCTAssertEqual(scale.labels.first, "0.999")
        // A range wide enough to label is left as it is.
        let counts = AxisScale.colorBar(0, 980)
        XCTAssertEqual(counts.lower, 0); XCTAssertEqual(counts.upper, 980)
        XCTAssertEqual(counts.labels, ["0", "200", "400", "600", "800"])
    }

    func testNegativeLabelsUseTheMinusSign() {
        let scale = AxisScale.colorBar(-0.3127, 0.3127)
        XCTAssertTrue(scale.labels.contains("−0.2"), "\(scale.labels)")
        XCTAssertFalse(scale.labels.joined().contains("-"))
        XCTAssertEqual(withMinusSigns("-3"), "−3")
        XCTAssertEqual(withMinusSigns("(-0.5, -.25]"), "(−0.5, −.25]")
        XCTAssertEqual(withMinusSigns("conv2-grid"), "conv2-grid")
        XCTAssertEqual(withMinusSigns("x-1"), "x-1")
        XCTAssertEqual(withMinusSigns("Δ = -2"), "Δ = −2")
    }

    func testHeatmapTickNamesGetTheMinusSign() throws {
        let figure = Figure(widthPoints: 240, heightPoints: 200, .heatmap(Heatmap(
            values: Raster([[-2, 0], [1, 3]]), colorMap: .diverging, xTickLabels: ["-1", "1"], yTickLabels: ["-2", "2"],
            colorBarLabel: "value")))
        let texts = figure.drawnTexts().texts
        XCTAssertTrue(texts.contains("−1") && texts.contains("−2"), "\(texts)")
        XCTAssertFalse(texts.contains { $0.contains("-") && $0.contains { $0.isNumber } }, "\(texts)")
    }

    func testSharedOcclusionScaleDrawsOneColourBar() {
        let map = Raster(rows: 3, columns: 3, values: (0..<9).map { Double($0) / 10 })
        let image = Raster(rows: 4, columns: 4, values: [Double](repeating: 0.5, count: 16))
        let rows = [ImageHeatmapRow(image: image, heatmaps: [TitledHeatmap(values: map), TitledHeatmap(values: map)]),
                    ImageHeatmapRow(image: image, heatmaps: [TitledHeatmap(values: map)])]
        func bars(_ shared: ClosedRange<Double>?) -> Int {
            let figure = Figure(widthPoints: 400, heightPoints: 300, .imageHeatmapRows(ImageHeatmapRows(
                rows: rows, colorBarLabel: "drop", sharedRange: shared)))
            return figure.drawnTexts().texts.filter { $0 == "drop" }.count
        }
        XCTAssertEqual(bars(nil), 3)
        XCTAssertEqual(bars(0...1), 1)
    }
}
