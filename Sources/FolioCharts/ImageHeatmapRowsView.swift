import CCairo

// Rows of an image followed by heatmaps computed from it (the occlusion figure). The
// heatmaps either share one colour scale, with one bar right of the rows, or each has
// its own range and bar.

final class ImageHeatmapRowsView: PanelView {
    private let chart: ImageHeatmapRows
    private var title: TextBlock?
    private var ranges: [[(lo: Double, hi: Double)]] = []
    /// One bar per heatmap, when the maps do not share a scale.
    private var colorBars: [[ColorBar]] = []
    private var sharedBar: ColorBar?
    private var heatmapTitles: [[TextBlock?]] = []
    private var imageTitles: [TextBlock?] = []

    init(_ chart: ImageHeatmapRows) { self.chart = chart }

    private var heatmapColumns: Int { chart.rows.map(\.heatmaps.count).max() ?? 0 }

    func prepare(_ canvas: Canvas, cell: Rect) -> Insets {
        title = chart.title.map { canvas.text($0, .title, wrapping: cell.width) }
        let rows = max(chart.rows.count, 1)
        let estimate = max(min(cell.width / (Double(heatmapColumns) * 1.6 + 1),
                               cell.height / Double(rows) - 30), 10)
        if let shared = chart.sharedRange {
            let bar = ColorBar(canvas, map: chart.heatmapColorMap, lo: shared.lowerBound, hi: shared.upperBound,
                               label: chart.colorBarLabel, length: max(cell.height - 20, 30))
            sharedBar = bar
            ranges = chart.rows.map { row in row.heatmaps.map { _ in (bar.lo, bar.hi) } }
        } else {
            ranges = chart.rows.map { row in
                row.heatmaps.map { colorRange(chart.heatmapColorMap,
                                              data: $0.values.isWellFormed ? $0.values.finiteRange : nil,
                                              explicit: $0.range) }
            }
            colorBars = ranges.map { row in
                row.map { ColorBar(canvas, map: chart.heatmapColorMap, lo: $0.lo, hi: $0.hi,
                                   label: chart.colorBarLabel, length: estimate) }
            }
            // Colour by the bars' ranges, which may have been widened to be labelled.
            ranges = colorBars.map { $0.map { ($0.lo, $0.hi) } }
        }
        var insets = Insets()
        insets.top = title.map { $0.height + 2 * Theme.pad } ?? 2
        insets.left = 2; insets.right = 2
        let bars = colorBars.flatMap { $0 } + (sharedBar.map { [$0] } ?? [])
        insets.bottom = (bars.map(\.axis.maxHeight).max() ?? 0) / 2 + 2
        insets.top = max(insets.top, (sharedBar?.axis.maxHeight ?? 0) / 2 + 2)
        return insets
    }

    func draw(_ canvas: Canvas, plot: Rect) {
        let columns = heatmapColumns
        let rows = chart.rows.count
        guard rows > 0 else { return }
        // Each heatmap column is as wide as its widest colour bar needs; a shared bar
        // stands once at the right.
        let barWidths = (0..<columns).map { c in
            colorBars.compactMap { c < $0.count ? $0[c].width : nil }.max() ?? 0
        }
        let sharedWidth = sharedBar?.width ?? 0
        let gapX = 10.0, gapY = 6.0
        let titleEstimate = Theme.cellTitleSize * 1.3
        func side(_ titleHeights: [Double]) -> Double {
            max(0, min((plot.width - barWidths.reduce(0, +) - sharedWidth - gapX * Double(columns)) / Double(columns + 1),
                       (plot.height - titleHeights.reduce(0) { $0 + $1 + 2 } - gapY * Double(rows - 1))
                           / Double(rows)))
        }
        var s = side(Array(repeating: titleEstimate, count: rows))
        let style = TextStyle(size: Theme.cellTitleSize)
        imageTitles = chart.rows.map { row in row.imageTitle.map { canvas.text($0, style, fitting: s + gapX) } }
        heatmapTitles = chart.rows.map { row in
            row.heatmaps.enumerated().map { c, heatmap in
                var text = heatmap.title
                if heatmap.showsRangeInTitle {
                    text = [heatmap.title, rangeLine(heatmap.values)].compactMap { $0 }.joined(separator: "\n")
                }
                return text.map { canvas.text($0, style, fitting: s + max(barWidths[c] * 0.8, gapX * 0.9)) }
            }
        }
        let titleHeights = (0..<rows).map { r in
            ([imageTitles[r]] + heatmapTitles[r]).compactMap { $0?.height }.max() ?? 0
        }
        s = side(titleHeights)
        let totalWidth = Double(columns + 1) * s + barWidths.reduce(0, +) + gapX * Double(columns) + sharedWidth
        let totalHeight = Double(rows) * s + titleHeights.reduce(0) { $0 + $1 + 2 } + gapY * Double(rows - 1)
        let left = plot.x + (plot.width - totalWidth) / 2
        var top = plot.y + (plot.height - totalHeight) / 2
        if let title { canvas.draw(title, at: left + totalWidth / 2, top - Theme.pad, anchor: .bottom) }
        let firstImageTop = top + titleHeights[0] + 2
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
                if sharedBar == nil { colorBars[r][c].draw(canvas, x: map.maxX, top: map.y, height: s) }
                if let t = heatmapTitles[r][c] { canvas.draw(t, at: map.midX, map.y - 2, anchor: .bottom) }
                x += s + barWidths[c] + gapX
            }
            top = imageTop + s + gapY
        }
        sharedBar?.draw(canvas, x: left + Double(columns + 1) * s + gapX * Double(columns) + barWidths.reduce(0, +),
                        top: firstImageTop, height: max(top - gapY - firstImageTop, 1))
    }
}
