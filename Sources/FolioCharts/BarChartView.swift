import CCairo
import Foundation

final class BarChartView: PanelView {
    private let chart: BarChart
    private var yAxis: MeasuredAxis!
    private var categoryLabels: [TextBlock] = []
    private var title: TextBlock?
    private var xLabel: TextBlock?
    private var yLabel: TextBlock?
    private var legend: Legend?
    private var legendAbove = false

    init(_ chart: BarChart) { self.chart = chart }

    private var groupColors: [ChartColor] {
        chart.groups.enumerated().map { $0.element.color ?? Theme.cycleColor($0.offset) }
    }

    func prepare(_ canvas: Canvas, cell: Rect) -> Insets {
        let values = chart.groups.flatMap { $0.values.prefix(chart.categories.count) }.filter(\.isFinite)
        let estimatedHeight = max(cell.height - 50, 30)
        let target = max(2, Int(estimatedHeight / 38))
        if let range = chart.yRange, range.lowerBound.isFinite, range.upperBound.isFinite {
            yAxis = MeasuredAxis(.fixed(range.lowerBound, range.upperBound, target: target), canvas)
        } else {
            // Bars start at zero; leave headroom above (or below) for the printed values.
            let lo = min(0, values.min() ?? 0), hi = max(0, values.max() ?? 1)
            let span = hi - lo > 0 ? hi - lo : 1
            let scale = AxisScale.fixed(lo < 0 ? lo - span * 0.12 : lo,
                                        hi > 0 || lo == 0 ? hi + span * 0.12 : hi, target: target)
            yAxis = MeasuredAxis(scale, canvas)
        }
        title = chart.title.map { canvas.text($0, .title, wrapping: cell.width) }
        xLabel = chart.xLabel.map { canvas.text($0, .label) }
        yLabel = chart.yLabel.map { canvas.text($0, .label) }
        if chart.groups.count > 1 {
            legend = Legend(entries: chart.groups.enumerated().map {
                Legend.Entry(label: canvas.text($0.element.name, .legend), color: groupColors[$0.offset],
                             style: .line, marker: .square, dashed: false, isBar: true)
            })
        }
        var plotWidth = cell.width - Theme.tickLength - Theme.pad - yAxis.maxWidth
            - (yLabel.map { $0.height + 2 * Theme.pad } ?? 0) - 6
        // The key of grouped bars goes on one line above the plot when it fits there
        // (the bars fill the plot's corners), else to the right of the plot.
        if let legend {
            legendAbove = legend.rowWidth <= plotWidth
            if !legendAbove { plotWidth -= legend.size.width + 3 * Theme.pad - 6 }
        }
        let slot = max(plotWidth, 20) / Double(max(chart.categories.count, 1))
        categoryLabels = canvas.texts(chart.categories.map(withMinusSigns), .tick, fitting: slot * 0.92, minimumSize: 6)
        var insets = Insets()
        insets.top = title.map { $0.height + 2 * Theme.pad } ?? yAxis.maxHeight / 2 + 2
        insets.left = Theme.tickLength + Theme.pad + yAxis.maxWidth
            + (yLabel.map { $0.height + 2 * Theme.pad } ?? 0)
        insets.bottom = Theme.tickLength + Theme.pad + (categoryLabels.map(\.height).max() ?? 0)
            + (xLabel.map { $0.height + Theme.pad } ?? 0)
        insets.right = 6
        if let legend {
            if legendAbove {
                insets.top = (title.map { $0.height + 2 * Theme.pad } ?? Theme.pad) + legend.rowHeight + Theme.pad
            } else {
                insets.right = legend.size.width + 3 * Theme.pad
            }
        }
        return insets
    }

    func draw(_ canvas: Canvas, plot: Rect) {
        for tick in yAxis.scale.ticks {
            guard let f = yAxis.scale.fraction(tick) else { continue }
            let y = plot.maxY - f * plot.height
            canvas.line(plot.x, y, plot.maxX, y, Theme.grid, width: Theme.gridWidth)
        }
        let n = chart.categories.count
        let slot = plot.width / Double(max(n, 1))
        let groupCount = max(chart.groups.count, 1)
        let groupWidth = groupCount > 1 ? 0.8 : 0.7
        let barWidth = slot * groupWidth / Double(groupCount)
        let zeroFraction = min(max(yAxis.scale.fraction(0) ?? 0, 0), 1)
        let zeroY = plot.maxY - zeroFraction * plot.height
        let decimals = max(0, chart.valueDecimals)
        var occupied: [(Double, Double)] = []
        // Every printed value at one size, the largest that fits the narrowest room.
        let valueTexts = chart.groups.map { group in
            group.values.prefix(n).map { formatDecimal($0, decimals: decimals) + chart.valueSuffix }
        }
        let commonSize = canvas.texts(valueTexts.flatMap { $0 }, .tick,
                                      fitting: groupCount > 1 ? barWidth - 2 : slot * 0.95).first?.fontSize
            ?? Theme.tickSize
        var valueLabels: [(TextBlock, Double, Double, Bool, ChartColor)] = []
        canvas.withClip(plot) {
            for (g, group) in chart.groups.enumerated() {
                for (c, value) in group.values.prefix(n).enumerated() where value.isFinite {
                    guard let f = yAxis.scale.fraction(value) else { continue }
                    let top = plot.maxY - min(max(f, -0.01), 1.01) * plot.height
                    let x = plot.x + slot * Double(c) + slot * (1 - groupWidth) / 2 + barWidth * Double(g)
                    canvas.fill(Rect(x: x, y: min(top, zeroY), width: barWidth,
                                     height: abs(zeroY - top)), groupColors[g])
                    let label = canvas.text(valueTexts[g][c], TextStyle(size: commonSize))
                    valueLabels.append((label, x + barWidth / 2, top, value >= 0, groupColors[g]))
                    for k in 0...4 {
                        let yy = min(top, zeroY) + abs(zeroY - top) * Double(k) / 4
                        occupied.append((x + barWidth / 2, yy))
                    }
                    for dy in stride(from: 2.0, through: 2 + label.height, by: 3) {
                        for dx in [-label.width / 2, 0, label.width / 2] { occupied.append((x + barWidth / 2 + dx, top - dy)) }
                    }
                }
            }
        }
        for (label, x, top, up, color) in valueLabels {
            // Printed just outside the bar end; moved inside (in a contrasting colour) when
            // it would leave the plot.
            let inside = up ? top - 2 - label.height < plot.y + 2 : top + 2 + label.height > plot.maxY - 2
            let block = inside && color.luminance < 0.6
                ? canvas.text(label.text, TextStyle(size: label.fontSize, color: .white)) : label
            if up {
                canvas.draw(block, at: x, inside ? top + 2 : top - 2, anchor: inside ? .top : .bottom)
            } else {
                canvas.draw(block, at: x, inside ? top - 2 : top + 2, anchor: inside ? .bottom : .top)
            }
        }
        canvas.line(plot.x, zeroY, plot.maxX, zeroY, Theme.axis, width: Theme.axisWidth)
        canvas.stroke(plot, Theme.axis, width: Theme.axisWidth)
        let labelTop = plot.maxY + Theme.tickLength + Theme.pad
        for (c, label) in categoryLabels.enumerated() {
            let x = plot.x + slot * (Double(c) + 0.5)
            canvas.line(x, plot.maxY, x, plot.maxY + Theme.tickLength, Theme.axis, width: Theme.axisWidth)
            canvas.draw(label, at: x, labelTop, anchor: .top)
        }
        let labelRight = plot.x - Theme.tickLength - Theme.pad
        for (tick, label) in zip(yAxis.scale.ticks, yAxis.labels) {
            guard let f = yAxis.scale.fraction(tick) else { continue }
            let y = plot.maxY - f * plot.height
            canvas.line(plot.x - Theme.tickLength, y, plot.x, y, Theme.axis, width: Theme.axisWidth)
            canvas.draw(label, at: labelRight, y, anchor: .right)
        }
        let categoryHeight = categoryLabels.map(\.height).max() ?? 0
        if let xLabel { canvas.draw(xLabel, at: plot.midX, labelTop + categoryHeight + Theme.pad, anchor: .top) }
        if let yLabel {
            canvas.draw(yLabel, at: labelRight - yAxis.maxWidth - Theme.pad, plot.midY,
                        anchor: .right, rotated: true)
        }
        var titleBottom = plot.y - Theme.pad
        if let legend {
            if legendAbove {
                legend.drawRow(canvas, centeredAt: plot.midX, midY: plot.y - Theme.pad - legend.rowHeight / 2)
                titleBottom -= legend.rowHeight + Theme.pad
            } else {
                legend.draw(canvas, in: plot, avoiding: occupied, outside: true)
            }
        }
        if let title { canvas.draw(title, at: plot.midX, titleBottom, anchor: .bottom) }
    }
}
