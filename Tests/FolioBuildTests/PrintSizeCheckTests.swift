@testable import FolioBuild
import FolioChapters
import FolioCharts
import FolioDocument
import XCTest

/// The build's print-size check: a chart the PDF must shrink below 8 pt text is named
/// in a warning, one drawn for the text column is not.
final class PrintSizeCheckTests: XCTestCase {
    private func content(width: Double) -> SectionContent {
        let chart = LineChart(title: "Loss", xLabel: "Epoch", yLabel: "Loss",
                              series: [Series(name: "train", y: [1, 0.5, 0.25])], xAxis: .epochs)
        return SectionContent(values: [:], figures: ["loss": FigureContent(
            caption: "", figure: ChartFigure(Figure(widthPoints: width, heightPoints: 220, columns: 2,
                                                    panels: [.line(chart), .line(chart)])))])
    }

    func testAFigureWiderThanTheColumnIsNamed() {
        let warnings = ReportBuilder.printWarnings(content(width: 700), question: "1.1")
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("figure 1.1-loss prints text at 5."), warnings[0])
        XCTAssertEqual(ReportBuilder.printWarnings(content(width: PrintSize.textWidth), question: "1.1"), [])
    }

    func testTheAuthoringWidthFitsThePDFColumn() {
        XCTAssertLessThanOrEqual(PrintSize.textWidth, ReportBuilder.printRoom.width)
    }
}
