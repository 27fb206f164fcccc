import CCairo
import Foundation

/// The value range an image is normalised over, never empty.
func imageRange(_ raster: Raster, _ normalization: Normalization,
                shared: (min: Double, max: Double)?) -> (lo: Double, hi: Double) {
    switch normalization {
    case .perImage: return colorRange(.gray, data: raster.isWellFormed ? raster.finiteRange : nil, explicit: nil)
    case .shared: return colorRange(.gray, data: shared, explicit: nil)
    case .fixed(let range): return colorRange(.gray, data: nil, explicit: range)
    }
}

/// Min and max over the finite values of all rasters.
func sharedRange(_ rasters: [Raster]) -> (min: Double, max: Double)? {
    let ranges = rasters.filter(\.isWellFormed).compactMap(\.finiteRange)
    guard let lo = ranges.map(\.min).min(), let hi = ranges.map(\.max).max() else { return nil }
    return (lo, hi)
}

final class ImageGridView: PanelView {
    private let chart: ImageGrid
    private var title: TextBlock?
    private var colorBar: ColorBar?
    private var shared: (min: Double, max: Double)?
    /// Numbers along the edges (`chart.indices`): labelled positions and their text.
    private var rowNumbers: [(index: Int, label: TextBlock)] = []
    private var columnNumbers: [(index: Int, label: TextBlock)] = []
    private var rowTitle: TextBlock?
    private var columnTitle: TextBlock?
    /// The panel's cell: the title is centred on the grid but kept inside it.
    private var cell = Rect(x: 0, y: 0, width: 0, height: 0)

    init(_ chart: ImageGrid) { self.chart = chart }

    private var gridShape: (rows: Int, columns: Int) {
        let n = chart.cells.count
        let columns = max(1, min(chart.columns, max(n, 1)))
        return (max(1, (n + columns - 1) / columns), columns)
    }

    /// Room the column numbers and their title take above the grid.
    private var indexTopExtent: Double {
        guard let columnTitle else { return 0 }
        return Theme.tickLength + Theme.pad + (columnNumbers.map(\.label.height).max() ?? 0) + Theme.pad + columnTitle.height
    }

    private var rowNumberWidth: Double { rowNumbers.map(\.label.width).max() ?? 0 }

    func prepare(_ canvas: Canvas, cell: Rect) -> Insets {
        self.cell = cell
        title = chart.title.map { canvas.text($0, .title, wrapping: cell.width) }
        if case .perImage = chart.normalization {} else {
            shared = sharedRange(chart.cells.map(\.image))
            if let label = chart.colorBarLabel {
                let (lo, hi) = imageRange(Raster(rows: 0, columns: 0, values: [Double]()), chart.normalization,
                                          shared: shared)
                colorBar = ColorBar(canvas, map: chart.colorMap, lo: lo, hi: hi, label: label,
                                    length: max(cell.height - 40, 30))
            }
        }
        var insets = Insets()
        insets.top = title.map { $0.height + 2 * Theme.pad } ?? 2
        insets.right = (colorBar?.width ?? 0) + 2
        insets.left = 2
        insets.bottom = (colorBar?.axis.maxHeight ?? 0) / 2 + 2
        if let indices = chart.indices {
            let (rows, columns) = gridShape
            let number = { (k: Int) in (index: k, label: canvas.text(String(indices.first + k), .tick)) }
            rowNumbers = (0..<rows).filter(indices.isLabelled).map(number)
            columnNumbers = (0..<columns).filter(indices.isLabelled).map(number)
            rowTitle = canvas.text(indices.rowTitle, .label)
            columnTitle = canvas.text(indices.columnTitle, .label)
            insets.top += indexTopExtent
            insets.left += Theme.tickLength + Theme.pad + rowNumberWidth + Theme.pad + (rowTitle?.height ?? 0)
        }
        return insets
    }

    /// Ticks at every row and column, numbers at the labelled ones, and the two titles.
    private func drawIndices(_ canvas: Canvas, left: Double, gridTop: Double, side s: Double, pitchX: Double,
                             pitchY: Double, gridWidth: Double, gridHeight: Double) {
        guard let rowTitle, let columnTitle, let indices = chart.indices else { return }
        let (rows, columns) = gridShape
        for c in 0..<columns {
            let x = left + Double(c) * pitchX + s / 2
            let length = indices.isLabelled(c) ? Theme.tickLength : Theme.tickLength / 2
            canvas.line(x, gridTop - length, x, gridTop, Theme.axis, width: 0.6)
        }
        for (c, label) in columnNumbers {
            canvas.draw(label, at: left + Double(c) * pitchX + s / 2, gridTop - Theme.tickLength - Theme.pad, anchor: .bottom)
        }
        let numbersTop = gridTop - Theme.tickLength - Theme.pad - (columnNumbers.map(\.label.height).max() ?? 0)
        canvas.draw(columnTitle, at: left + gridWidth / 2, numbersTop - Theme.pad, anchor: .bottom)
        for r in 0..<rows {
            let y = gridTop + Double(r) * pitchY + s / 2
            let length = indices.isLabelled(r) ? Theme.tickLength : Theme.tickLength / 2
            canvas.line(left - length, y, left, y, Theme.axis, width: 0.6)
        }
        let labelRight = left - Theme.tickLength - Theme.pad
        for (r, label) in rowNumbers {
            canvas.draw(label, at: labelRight, gridTop + Double(r) * pitchY + s / 2, anchor: .right)
        }
        canvas.draw(rowTitle, at: labelRight - rowNumberWidth - Theme.pad, gridTop + gridHeight / 2,
                    anchor: .right, rotated: true)
    }

    func draw(_ canvas: Canvas, plot: Rect) {
        let (rows, columns) = gridShape
        let gapX = min(max(plot.width / Double(columns) * 0.08, 1), 8)
        let gapY = gapX
        let hasTitles = chart.cells.contains { $0.title?.isEmpty == false }
        func side(titleHeight: Double) -> Double {
            let perRow = titleHeight > 0 ? titleHeight + 1.5 : 0
            return max(0, min((plot.width - Double(columns - 1) * gapX) / Double(columns),
                              (plot.height - Double(rows) * perRow - Double(rows - 1) * gapY) / Double(rows)))
        }
        var s = side(titleHeight: hasTitles ? Theme.cellTitleSize * 1.25 : 0)
        func cellTitles(within width: Double) -> [TextBlock?] {
            chart.cells.map { cell in
                guard let text = cell.title, !text.isEmpty else { return nil }
                let style = TextStyle(size: Theme.cellTitleSize, bold: cell.isMarked,
                                      color: cell.isMarked ? .alert : Theme.text)
                // Broken into lines rather than shrunk: a cell title is already the smallest text.
                return canvas.text(text, style, wrapping: width)
            }
        }
        // Taller titles leave less height for the images, which narrows the cells the
        // titles must fit: a few rounds settle both.
        var titles: [TextBlock?] = []
        var titleHeight = 0.0
        for _ in 0..<3 {
            // At least 3 pt stay clear between neighbouring titles: bold titles closer
            // than that read as one.
            titles = cellTitles(within: max(s + gapX - 3, 1))
            titleHeight = titles.compactMap { $0?.height }.max() ?? 0
            let next = side(titleHeight: titleHeight)
            if next >= s - 1e-9 { s = next; break }
            s = next
        }
        let rowHeight = s + (titleHeight > 0 ? titleHeight + 1.5 : 0)
        let gridWidth = Double(columns) * s + Double(columns - 1) * gapX
        let gridHeight = Double(rows) * rowHeight + Double(rows - 1) * gapY
        let left = plot.x + (plot.width - gridWidth) / 2
        let top = plot.y + (plot.height - gridHeight) / 2
        for (index, cell) in chart.cells.enumerated() {
            let r = index / columns, c = index % columns
            let cellTop = top + Double(r) * (rowHeight + gapY)
            let image = Rect(x: left + Double(c) * (s + gapX), y: cellTop + rowHeight - s, width: s, height: s)
            let (lo, hi) = colorBar.map { ($0.lo, $0.hi) } ?? imageRange(cell.image, chart.normalization, shared: shared)
            canvas.drawRaster(cell.image, in: image, colorMap: chart.colorMap) { ($0 - lo) / (hi - lo) }
            if cell.isMarked {
                let frame = Rect(x: image.x - 0.75, y: image.y - 0.75, width: s + 1.5, height: s + 1.5)
                canvas.stroke(frame, .alert, width: 1.5)
            } else if chart.framed {
                canvas.stroke(image, ChartColor(hex: 0x999999), width: 0.4)
            }
            if let title = titles[index] {
                canvas.draw(title, at: image.midX, image.y - 1.5, anchor: .bottom)
            }
        }
        if chart.indices != nil {
            drawIndices(canvas, left: left, gridTop: top + rowHeight - s, side: s, pitchX: s + gapX,
                        pitchY: rowHeight + gapY, gridWidth: gridWidth, gridHeight: gridHeight - (rowHeight - s))
        }
        if let title {
            // Centred on the grid, unless that would push it past the cell: a grid beside
            // a neighbour's colour-bar column sits left of the cell's centre.
            let half = title.width / 2
            let x = min(max(left + gridWidth / 2, cell.x + half), max(cell.maxX - half, cell.x + half))
            canvas.draw(title, at: x, top - Theme.pad - indexTopExtent, anchor: .bottom)
        }
        colorBar?.draw(canvas, x: left + gridWidth, top: top + rowHeight - s,
                       height: max(gridHeight - (rowHeight - s), 1))
    }
}
