import Foundation
import XCTest
@testable import FolioCharts

/// Data the charts will meet when a run goes wrong: nothing may crash, and no coordinate
/// in the output may be NaN or infinite.
final class DegenerateDataTests: XCTestCase {
    private func assertDrawable(_ figure: Figure, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let svg = try svgString(figure, idPrefix: "d-")
        // Embedded PNG data is base64 and may spell "nan" by chance: leave it out.
        var geometry = svg
        while let start = geometry.range(of: "data:image/png;base64,"),
              let end = geometry.range(of: "\"", range: start.upperBound..<geometry.endIndex) {
            geometry.removeSubrange(start.lowerBound..<end.lowerBound)
        }
        let numbers = geometry.lowercased()
        for bad in ["nan", "inf"] {
            XCTAssertFalse(numbers.range(of: "[ \",(:-]\(bad)", options: .regularExpression) != nil,
                           "\(name): \(bad) coordinate in SVG", file: file, line: line)
        }
        XCTAssertFalse(try render(figure, to: .pdf).isEmpty, file: file, line: line)
        XCTAssertNotNil(decodePNG(try render(figure, to: .png)), file: file, line: line)
    }

    private func lineFigure(_ series: [Series], logY: Bool = false) -> Figure {
        Figure(widthPoints: 240, heightPoints: 160, .line(LineChart(title: "t", xLabel: "x", yLabel: "y",
                                                                    series: series, logY: logY)))
    }

    func testEmptySeriesAndEmptyChartsDraw() throws {
        try assertDrawable(lineFigure([]), "no series")
        try assertDrawable(lineFigure([Series(name: "empty", x: [], y: [])]), "empty series")
        try assertDrawable(Figure(widthPoints: 200, heightPoints: 100, title: "Nothing", panels: []), "no panels")
        try assertDrawable(Figure(widthPoints: 200, heightPoints: 150, .bar(BarChart(categories: [], values: []))), "no bars")
        try assertDrawable(Figure(widthPoints: 200, heightPoints: 150, .imageGrid(ImageGrid(columns: 4, cells: []))), "no images")
        try assertDrawable(Figure(widthPoints: 200, heightPoints: 150, .imageHeatmapRows(ImageHeatmapRows(rows: []))), "no rows")
        try assertDrawable(Figure(widthPoints: 200, heightPoints: 150, .heatmap(Heatmap(
            values: Raster(rows: 0, columns: 0, values: [Double]())))), "0×0 heatmap")
    }

    func testSinglePointAndAllEqualValues() throws {
        try assertDrawable(lineFigure([Series(name: "one", x: [3], y: [0.5])]), "single point")
        try assertDrawable(lineFigure([Series(name: "flat", y: [2, 2, 2, 2])]), "all equal")
        try assertDrawable(lineFigure([Series(name: "zeros", y: [0, 0, 0])]), "all zero")
        try assertDrawable(lineFigure([Series(name: "flat", y: [0.1, 0.1])], logY: true), "all equal, log")
        try assertDrawable(Figure(widthPoints: 200, heightPoints: 150, .bar(BarChart(categories: ["a", "b"],
                                                                                     values: [0, 0]))), "zero bars")
        let constant = Raster(rows: 4, columns: 4, values: [Double](repeating: 7, count: 16))
        try assertDrawable(Figure(widthPoints: 200, heightPoints: 150, .heatmap(Heatmap(
            values: constant, colorMap: .diverging, annotation: .decimals(1)))), "constant heatmap")
        try assertDrawable(Figure(widthPoints: 200, heightPoints: 150, .imageGrid(ImageGrid(
            columns: 2, cells: [ImageCell(image: constant, title: "flat")]))), "constant image")
    }

    func testNonFiniteValuesAreSkippedAndReported() throws {
        let series = Series(name: "loss", y: [1, .nan, 0.5, .infinity, 0.25, -.infinity])
        let figure = lineFigure([series])
        try assertDrawable(figure, "nan line")
        XCTAssertEqual(figure.skippedValueCount, 3)
        XCTAssertEqual(figure.warnings, ["panel 1 \"t\", series \"loss\": skipped 3 non-finite values"])

        let logFigure = lineFigure([Series(name: "loss", y: [1, 0, -2, 0.1])], logY: true)
        try assertDrawable(logFigure, "non-positive on log axis")
        XCTAssertEqual(logFigure.skippedValueCount, 2)

        let allBad = lineFigure([Series(name: "bad", y: [.nan, .nan])])
        try assertDrawable(allBad, "only NaN")
        XCTAssertEqual(allBad.skippedValueCount, 2)

        let heatmap = Figure(widthPoints: 200, heightPoints: 150, .heatmap(Heatmap(
            values: Raster(rows: 2, columns: 2, values: [1, Double.nan, Double.infinity, 0]), annotation: .decimals(0))))
        try assertDrawable(heatmap, "nan heatmap")
        XCTAssertEqual(heatmap.skippedValueCount, 2)
        XCTAssertEqual(heatmap.warnings.count, 1)

        let bars = Figure(widthPoints: 200, heightPoints: 150, .bar(BarChart(categories: ["a", "b"], values: [.nan, 3])))
        try assertDrawable(bars, "nan bar")
        XCTAssertEqual(bars.skippedValueCount, 1)

        let ragged = Figure(widthPoints: 200, heightPoints: 150, .imageGrid(ImageGrid(
            columns: 1, cells: [ImageCell(image: Raster(rows: 3, columns: 3, values: [1.0, 2]))])))
        try assertDrawable(ragged, "wrong value count")
        XCTAssertEqual(ragged.warnings, ["panel 1, image 1: 2 values for 3 × 3; drawn as missing"])
    }

    func testOneByOneGridsAndTinyFigures() throws {
        let one = Raster(rows: 1, columns: 1, values: [0.3])
        try assertDrawable(Figure(widthPoints: 120, heightPoints: 120, .heatmap(Heatmap(
            values: one, xTickLabels: ["a"], yTickLabels: ["b"], annotation: .decimals(2)))), "1×1 heatmap")
        try assertDrawable(Figure(widthPoints: 120, heightPoints: 120, .imageGrid(ImageGrid(
            columns: 1, cells: [ImageCell(image: one, title: "only")]))), "1×1 grid")
        try assertDrawable(Figure(widthPoints: 120, heightPoints: 120, .imageHeatmapRows(ImageHeatmapRows(
            rows: [ImageHeatmapRow(image: one, heatmaps: [TitledHeatmap(values: one)])]))), "1×1 occlusion")
        // Far too small for its labels: squeezed, but still drawn.
        try assertDrawable(Figure(widthPoints: 20, heightPoints: 15, title: "A long title that cannot fit",
                                  .line(LineChart(title: "t", xLabel: "x", yLabel: "y",
                                                  series: [Series(name: "s", y: [1, 2])]))), "tiny")
    }

    func testTenThousandPointsDrawQuickly() throws {
        let x = (0..<10_000).map(Double.init)
        let y = x.map { 1 / (1 + $0 / 100) + 0.01 * sin($0) }
        let figure = lineFigure([Series(name: "dense", x: x, y: y),
                                 Series(name: "dots", x: x, y: y.map { $0 * 1.1 }, style: .markers)], logY: true)
        let start = Date()
        try assertDrawable(figure, "10,000 points")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "10,000 points should not take seconds")
    }
}
