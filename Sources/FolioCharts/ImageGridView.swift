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

    init(_ chart: ImageGrid) { self.chart = chart }

    func prepare(_ canvas: Canvas, cell: Rect) -> Insets {
        title = chart.title.map { canvas.text($0, .title, fitting: cell.width) }
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
        return insets
    }

    func draw(_ canvas: Canvas, plot: Rect) {
        let n = chart.cells.count
        let columns = max(1, min(chart.columns, max(n, 1)))
        let rows = max(1, (n + columns - 1) / columns)
        let gapX = min(max(plot.width / Double(columns) * 0.08, 1), 8)
        let gapY = gapX
        let hasTitles = chart.cells.contains { $0.title?.isEmpty == false }
        func side(titleHeight: Double) -> Double {
            let perRow = titleHeight > 0 ? titleHeight + 1.5 : 0
            return max(0, min((plot.width - Double(columns - 1) * gapX) / Double(columns),
                              (plot.height - Double(rows) * perRow - Double(rows - 1) * gapY) / Double(rows)))
        }
        var s = side(titleHeight: hasTitles ? Theme.cellTitleSize * 1.25 : 0)
        let titles: [TextBlock?] = chart.cells.map { cell in
            guard let text = cell.title, !text.isEmpty else { return nil }
            let style = TextStyle(size: Theme.cellTitleSize, bold: cell.isMarked,
                                  color: cell.isMarked ? .alert : Theme.text)
            return canvas.text(text, style, fitting: s + gapX * 0.9, minimumSize: 4)
        }
        let titleHeight = titles.compactMap { $0?.height }.max() ?? 0
        s = side(titleHeight: titleHeight)
        let rowHeight = s + (titleHeight > 0 ? titleHeight + 1.5 : 0)
        let gridWidth = Double(columns) * s + Double(columns - 1) * gapX
        let gridHeight = Double(rows) * rowHeight + Double(rows - 1) * gapY
        let left = plot.x + (plot.width - gridWidth) / 2
        let top = plot.y + (plot.height - gridHeight) / 2
        for (index, cell) in chart.cells.enumerated() {
            let r = index / columns, c = index % columns
            let cellTop = top + Double(r) * (rowHeight + gapY)
            let image = Rect(x: left + Double(c) * (s + gapX), y: cellTop + rowHeight - s, width: s, height: s)
            let (lo, hi) = imageRange(cell.image, chart.normalization, shared: shared)
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
        if let title { canvas.draw(title, at: left + gridWidth / 2, top - Theme.pad, anchor: .bottom) }
        colorBar?.draw(canvas, x: left + gridWidth, top: top + rowHeight - s,
                       height: max(gridHeight - (rowHeight - s), 1))
    }
}

final class ImageHeatmapRowsView: PanelView {
    private let chart: ImageHeatmapRows
    private var title: TextBlock?
    private var ranges: [[(lo: Double, hi: Double)]] = []
    private var colorBars: [[ColorBar]] = []
    private var heatmapTitles: [[TextBlock?]] = []
    private var imageTitles: [TextBlock?] = []

    init(_ chart: ImageHeatmapRows) { self.chart = chart }

    private var heatmapColumns: Int { chart.rows.map(\.heatmaps.count).max() ?? 0 }

    func prepare(_ canvas: Canvas, cell: Rect) -> Insets {
        title = chart.title.map { canvas.text($0, .title, fitting: cell.width) }
        let rows = max(chart.rows.count, 1)
        let estimate = max(min(cell.width / (Double(heatmapColumns) * 1.6 + 1),
                               cell.height / Double(rows) - 30), 10)
        ranges = chart.rows.map { row in
            row.heatmaps.map { colorRange(chart.heatmapColorMap,
                                          data: $0.values.isWellFormed ? $0.values.finiteRange : nil,
                                          explicit: $0.range) }
        }
        colorBars = chart.rows.indices.map { r in
            ranges[r].map { ColorBar(canvas, map: chart.heatmapColorMap, lo: $0.lo, hi: $0.hi,
                                     label: chart.colorBarLabel, length: estimate) }
        }
        var insets = Insets()
        insets.top = title.map { $0.height + 2 * Theme.pad } ?? 2
        insets.left = 2; insets.right = 2
        insets.bottom = (colorBars.flatMap { $0 }.map(\.axis.maxHeight).max() ?? 0) / 2 + 2
        return insets
    }

    func draw(_ canvas: Canvas, plot: Rect) {
        let columns = heatmapColumns
        let rows = chart.rows.count
        guard rows > 0 else { return }
        // Each heatmap column is as wide as its widest colour bar needs.
        let barWidths = (0..<columns).map { c in
            colorBars.compactMap { c < $0.count ? $0[c].width : nil }.max() ?? 0
        }
        let gapX = 10.0, gapY = 6.0
        let titleEstimate = Theme.cellTitleSize * 1.3
        func side(_ titleHeights: [Double]) -> Double {
            max(0, min((plot.width - barWidths.reduce(0, +) - gapX * Double(columns)) / Double(columns + 1),
                       (plot.height - titleHeights.reduce(0) { $0 + $1 + 2 } - gapY * Double(rows - 1))
                           / Double(rows)))
        }
        var s = side(Array(repeating: titleEstimate, count: rows))
        let style = TextStyle(size: Theme.cellTitleSize)
        imageTitles = chart.rows.map { row in row.imageTitle.map { canvas.text($0, style, fitting: s + gapX) } }
        heatmapTitles = chart.rows.enumerated().map { r, row in
            row.heatmaps.enumerated().map { c, heatmap in
                var text = heatmap.title
                if heatmap.showsRangeInTitle {
                    text = [heatmap.title, rangeLine(heatmap.values)].compactMap { $0 }.joined(separator: "\n")
                }
                return text.map { canvas.text($0, style, fitting: s + barWidths[c] * 0.8) }
            }
        }
        let titleHeights = (0..<rows).map { r in
            ([imageTitles[r]] + heatmapTitles[r]).compactMap { $0?.height }.max() ?? 0
        }
        s = side(titleHeights)
        let totalWidth = Double(columns + 1) * s + barWidths.reduce(0, +) + gapX * Double(columns)
        let totalHeight = Double(rows) * s + titleHeights.reduce(0) { $0 + $1 + 2 } + gapY * Double(rows - 1)
        let left = plot.x + (plot.width - totalWidth) / 2
        var top = plot.y + (plot.height - totalHeight) / 2
        if let title { canvas.draw(title, at: left + totalWidth / 2, top - Theme.pad, anchor: .bottom) }
        for (r, row) in chart.rows.enumerated() {
            let imageTop = top + titleHeights[r] + 2
            let image = Rect(x: left, y: imageTop, width: s, height: s)
            let (lo, hi) = imageRange(row.image, .perImage, shared: nil)
            canvas.drawRaster(row.image, in: image, colorMap: chart.imageColorMap) { ($0 - lo) / (hi - lo) }
            canvas.stroke(image, ChartColor(hex: 0x999999), width: 0.4)
            if let t = imageTitles[r] { canvas.draw(t, at: image.midX, image.y - 2, anchor: .bottom) }
            var x = left + s + gapX
            for (c, heatmap) in row.heatmaps.enumerated() {
                let map = Rect(x: x, y: imageTop, width: s, height: s)
                let range = ranges[r][c]
                canvas.drawRaster(heatmap.values, in: map, colorMap: chart.heatmapColorMap) {
                    ($0 - range.lo) / (range.hi - range.lo)
                }
                canvas.stroke(map, Theme.axis, width: 0.5)
                colorBars[r][c].draw(canvas, x: map.maxX, top: map.y, height: s)
                if let t = heatmapTitles[r][c] { canvas.draw(t, at: map.midX, map.y - 2, anchor: .bottom) }
                x += s + barWidths[c] + gapX
            }
            top = imageTop + s + gapY
        }
    }
}
