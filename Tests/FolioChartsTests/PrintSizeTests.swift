import XCTest
@testable import FolioCharts

/// Text as printed: a figure scaled into the PDF's text column keeps 8 pt text only if
/// it was drawn no wider than the column; titles break into lines instead of shrinking;
/// kernel grids carry their row and column numbers; a shared key names the series.
final class PrintSizeTests: XCTestCase {
    static let curve = LineChart(title: "Loss", xLabel: "Epoch", yLabel: "Loss",
                                 series: [Series(name: "train", y: [1, 0.5, 0.3]), Series(name: "validation", y: [1.1, 0.7, 0.6])],
                                 xAxis: .epochs)

    func testAFigureWiderThanTheColumnPrintsItsTicksTooSmall() throws {
        let wide = Figure(widthPoints: 700, heightPoints: 210, columns: 3, panels: [.line(Self.curve), .line(Self.curve), .line(Self.curve)])
        let fitting = Figure(widthPoints: PrintSize.textWidth, heightPoints: 240, columns: 3,
                             panels: [.line(Self.curve), .line(Self.curve), .line(Self.curve)])
        let wideSize = try XCTUnwrap(wide.smallestPrintedTextSize(width: PrintSize.textWidth))
        let fittingSize = try XCTUnwrap(fitting.smallestPrintedTextSize(width: PrintSize.textWidth))
        XCTAssertLessThan(wideSize, PrintSize.minimumText)
        XCTAssertGreaterThanOrEqual(fittingSize, PrintSize.minimumText)
        XCTAssertEqual(wide.printScale(width: PrintSize.textWidth), PrintSize.textWidth / 700, accuracy: 1e-12)
        // A figure too tall for the page shrinks too.
        XCTAssertLessThan(try XCTUnwrap(fitting.smallestPrintedTextSize(width: PrintSize.textWidth, height: 120)),
                          PrintSize.minimumText)
    }

    func testLongTitlesBreakIntoLinesAtFullSize() {
        let title = "Starting from the real image, 50 steps: row = source class, column = target class"
        let grid = ImageGrid(title: title, columns: 2, cells: [ImageCell(image: Raster([[0, 1], [1, 0]]))])
        let drawn = Figure(widthPoints: 200, heightPoints: 200, .imageGrid(grid)).drawnTexts()
        let index = try! XCTUnwrap(drawn.texts.firstIndex { $0.contains("Starting") })
        XCTAssertEqual(drawn.sizes[index], Theme.titleSize)
        XCTAssertGreaterThan(drawn.texts[index].split(separator: "\n").count, 1)
    }

    func testKernelGridCarriesRowAndColumnNumbers() {
        let cells = (0..<64).map { k in ImageCell(image: Raster(rows: 3, columns: 3, values: [Double](repeating: Double(k), count: 9))) }
        func texts(_ indices: GridIndices?) -> [String] {
            Figure(widthPoints: PrintSize.textWidth, heightPoints: 430, .imageGrid(ImageGrid(
                columns: 8, cells: cells, colorMap: .diverging, normalization: .fixed(-64...64),
                colorBarLabel: "Weight", indices: indices))).drawnTexts().texts
        }
        let numbered = texts(GridIndices(rowTitle: "output channel o", columnTitle: "input channel i", step: 4))
        XCTAssertTrue(numbered.contains("output channel o") && numbered.contains("input channel i"))
        // 0 and 4 along each edge, no other index.
        XCTAssertEqual(numbered.filter { $0 == "4" }.count, 2, "\(numbered)")
        XCTAssertFalse(numbered.contains("5"))
        XCTAssertFalse(texts(nil).contains("input channel i"))
    }

    func testAFigureKeyNamesEverySeriesOnce() {
        let figure = Figure(widthPoints: PrintSize.textWidth, heightPoints: 240, columns: 2,
                            panels: [.line(LineChart(series: Self.curve.series, legend: .none)),
                                     .line(LineChart(series: Self.curve.series, legend: .none))],
                            key: Self.curve.series)
        let texts = figure.drawnTexts().texts
        XCTAssertEqual(texts.filter { $0 == "validation" }.count, 1)
    }
}
