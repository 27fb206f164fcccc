@testable import FolioCharts
import XCTest

final class FigureDataTests: XCTestCase {
    func testLineBarAndRasterPanelsBecomeOneLongTable() {
        let line = LineChart(title: "Loss, per epoch", series: [Series(name: "Adam", x: [1, 2], y: [0.5, 0.25])])
        let bar = BarChart(title: "Accuracy", categories: ["SGD", "Adam"], groups: [BarGroup(name: "test", values: [81.7, 98.9])])
        let map = Heatmap(values: Raster(rows: 1, columns: 2, values: [0.1, 0.2] as [Double]), xTickLabels: ["a", "b"], yTickLabels: ["r"])
        let figure = Figure(widthPoints: 300, heightPoints: 200, columns: 3, panels: [.line(line), .bar(bar), .heatmap(map)])
        XCTAssertEqual(figure.csv, """
        panel,panel title,series,x,y,value
        1,"Loss, per epoch",Adam,1.0,,0.5
        1,"Loss, per epoch",Adam,2.0,,0.25
        2,Accuracy,test,SGD,,81.7
        2,Accuracy,test,Adam,,98.9
        3,,,a,r,0.1
        3,,,b,r,0.2

        """)
    }

    func testImageCellsAreNamedAndEveryPixelListed() {
        let grid = ImageGrid(columns: 2, cells: [ImageCell(image: Raster(rows: 2, columns: 2, values: [0, 1, 2, 3] as [Double]), title: "7 → 1"),
                                                 ImageCell(image: Raster(rows: 1, columns: 1, values: [5] as [Double]))])
        let rows = Figure(widthPoints: 100, heightPoints: 100, .imageGrid(grid)).csv.split(separator: "\n")
        XCTAssertEqual(rows.count, 1 + 4 + 1)
        XCTAssertEqual(rows[4], "1,,7 → 1,1,1,3.0")
        XCTAssertEqual(rows[5], "1,,image 2,0,0,5.0")
    }
}
