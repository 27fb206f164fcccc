import CCairo
import Foundation

/// The colour range actually used: an explicit range when valid, else the data's; a
/// diverging map is made symmetric around 0 so white means zero.
func colorRange(_ map: ColorMap, data: (min: Double, max: Double)?,
                explicit: ClosedRange<Double>?) -> (lo: Double, hi: Double) {
    var lo: Double, hi: Double
    if let explicit, explicit.lowerBound.isFinite, explicit.upperBound.isFinite,
       explicit.lowerBound < explicit.upperBound {
        (lo, hi) = (explicit.lowerBound, explicit.upperBound)
    } else {
        (lo, hi) = data ?? (0, 1)
        if map.isDiverging {
            let m = max(abs(lo), abs(hi))
            (lo, hi) = (-m, m)
        }
        (lo, hi) = AxisScale.widened(lo, hi)
    }
    return (lo, hi)
}

/// A labelled colour bar to the right of a heatmap.
struct ColorBar {
    let map: ColorMap
    let lo: Double
    let hi: Double
    let axis: MeasuredAxis
    let label: TextBlock?
    static let gap = 6.0
    static let barWidth = 9.0

    /// `lo` and `hi` may come back widened (`AxisScale.colorBar`): colour by the bar's
    /// own `lo` and `hi`, so colours and labels agree.
    init(_ canvas: Canvas, map: ColorMap, lo: Double, hi: Double, label: String?, length: Double) {
        self.map = map
        let scale = AxisScale.colorBar(lo, hi, maxTicks: max(3, min(5, Int(length / 28))))
        self.lo = scale.lower; self.hi = scale.upper
        axis = MeasuredAxis(scale, canvas)
        self.label = label.map { canvas.text(withMinusSigns($0), .tick) }
    }

    var width: Double {
        ColorBar.gap + ColorBar.barWidth + Theme.tickLength + 2 + axis.maxWidth
            + (label.map { $0.height + 2 * Theme.pad } ?? 0)
    }

    /// Draws the bar beside a heatmap whose right edge is `x`, spanning `top...top+height`.
    func draw(_ canvas: Canvas, x: Double, top: Double, height: Double) {
        let bar = Rect(x: x + ColorBar.gap, y: top, width: ColorBar.barWidth, height: height)
        let steps = 256
        let ramp = Raster(rows: steps, columns: 1,
                          values: (0..<steps).map { 1 - Double($0) / Double(steps - 1) })
        canvas.drawRaster(ramp, in: bar, colorMap: map) { $0 }
        canvas.stroke(bar, Theme.axis, width: 0.5)
        for (tick, text) in zip(axis.scale.ticks, axis.labels) {
            guard let f = axis.scale.fraction(tick), f >= -1e-9, f <= 1 + 1e-9 else { continue }
            let y = bar.maxY - f * bar.height
            canvas.line(bar.maxX, y, bar.maxX + Theme.tickLength, y, Theme.axis, width: 0.6)
            canvas.draw(text, at: bar.maxX + Theme.tickLength + 2, y, anchor: .left)
        }
        if let label {
            canvas.draw(label, at: bar.maxX + Theme.tickLength + 2 + axis.maxWidth + Theme.pad,
                        bar.midY, anchor: .left, rotated: true)
        }
    }
}

/// "min 0.123 · max 0.987", the line some titles carry under them.
func rangeLine(_ raster: Raster) -> String {
    guard let (lo, hi) = raster.finiteRange else { return "no finite values" }
    let step = max(abs(hi - lo), abs(hi), 1e-12) / 100
    return "min \(format(lo, step: step)) · max \(format(hi, step: step))"
}

final class HeatmapView: PanelView {
    private let chart: Heatmap
    private var title: TextBlock?
    private var xLabel: TextBlock?
    private var yLabel: TextBlock?
    private var xTicks: [TextBlock] = []
    private var yTicks: [TextBlock] = []
    private var xTicksRotated = false
    private var colorBar: ColorBar?
    private var range: (lo: Double, hi: Double) = (0, 1)

    init(_ chart: Heatmap) { self.chart = chart }

    private var rows: Int { chart.values.isWellFormed ? chart.values.rows : 0 }
    private var columns: Int { chart.values.isWellFormed ? chart.values.columns : 0 }

    func prepare(_ canvas: Canvas, cell: Rect) -> Insets {
        let values = chart.values
        range = colorRange(chart.colorMap, data: values.isWellFormed ? values.finiteRange : nil,
                           explicit: chart.range)
        var titleText = chart.title
        if chart.showsRangeInTitle {
            titleText = [chart.title, rangeLine(values)].compactMap { $0 }.joined(separator: "\n")
        }
        title = titleText.map { canvas.text($0, .title, wrapping: cell.width) }
        xLabel = chart.xLabel.map { canvas.text($0, .label) }
        yLabel = chart.yLabel.map { canvas.text($0, .label) }
        xTicks = (chart.xTickLabels ?? []).prefix(columns).map { canvas.text(withMinusSigns($0), .tick) }
        yTicks = (chart.yTickLabels ?? []).prefix(rows).map { canvas.text(withMinusSigns($0), .tick) }
        let pitch = max(cell.width - 90, 20) / Double(max(columns, 1))
        xTicksRotated = (xTicks.map(\.width).max() ?? 0) > pitch * 0.9
        if chart.showColorBar {
            let bar = ColorBar(canvas, map: chart.colorMap, lo: range.lo, hi: range.hi,
                               label: chart.colorBarLabel, length: max(cell.height - 50, 30))
            colorBar = bar
            range = (bar.lo, bar.hi)
        }
        let xTickExtent = xTicksRotated ? (xTicks.map(\.width).max() ?? 0) : (xTicks.map(\.height).max() ?? 0)
        var insets = Insets()
        insets.top = title.map { $0.height + 2 * Theme.pad } ?? 4
        insets.left = (yTicks.isEmpty ? 2 : Theme.tickLength + Theme.pad + (yTicks.map(\.width).max() ?? 0))
            + (yLabel.map { $0.height + 2 * Theme.pad } ?? 0)
        insets.bottom = (xTicks.isEmpty ? 2 : Theme.tickLength + Theme.pad + xTickExtent)
            + (xLabel.map { $0.height + Theme.pad } ?? 0)
        insets.right = (colorBar?.width ?? 0) + 4
        // Colour-bar end labels are centred on the bar's ends and stick out by half a line.
        let half = (colorBar?.axis.maxHeight ?? 0) / 2
        insets.top = max(insets.top, half + 1)
        insets.bottom = max(insets.bottom, half + 1)
        return insets
    }

    func draw(_ canvas: Canvas, plot: Rect) {
        let side = max(min(plot.width / Double(max(columns, 1)), plot.height / Double(max(rows, 1))), 0)
        let w = side * Double(max(columns, 1)), h = side * Double(max(rows, 1))
        // Centre the square-celled map (and its colour bar) in the space it was given.
        let spare = plot.width - w
        let map = Rect(x: plot.x + spare / 2 * (colorBar == nil ? 1 : 0.5),
                       y: plot.y + (plot.height - h) / 2, width: w, height: h)
        let span = range.hi - range.lo
        canvas.drawRaster(chart.values, in: map, colorMap: chart.colorMap) { ($0 - range.lo) / span }
        if case .decimals(let decimals) = chart.annotation, rows > 0, columns > 0 {
            annotate(canvas, map: map, side: side, decimals: decimals)
        }
        canvas.stroke(map, Theme.axis, width: Theme.axisWidth)
        let labelTop = map.maxY + Theme.tickLength + Theme.pad
        for (c, label) in xTicks.enumerated() {
            let x = map.x + side * (Double(c) + 0.5)
            canvas.line(x, map.maxY, x, map.maxY + Theme.tickLength, Theme.axis, width: Theme.axisWidth)
            if xTicksRotated {
                canvas.draw(label, at: x, labelTop, anchor: .top, rotated: true)
            } else {
                canvas.draw(label, at: x, labelTop, anchor: .top)
            }
        }
        let labelRight = map.x - Theme.tickLength - Theme.pad
        for (r, label) in yTicks.enumerated() {
            let y = map.y + side * (Double(r) + 0.5)
            canvas.line(map.x - Theme.tickLength, y, map.x, y, Theme.axis, width: Theme.axisWidth)
            canvas.draw(label, at: labelRight, y, anchor: .right)
        }
        let xTickExtent = xTicksRotated ? (xTicks.map(\.width).max() ?? 0) : (xTicks.map(\.height).max() ?? 0)
        if let xLabel {
            let top = xTicks.isEmpty ? map.maxY + 2 : labelTop + xTickExtent + Theme.pad
            canvas.draw(xLabel, at: map.midX, top, anchor: .top)
        }
        if let yLabel {
            let right = yTicks.isEmpty ? map.x - 2 : labelRight - (yTicks.map(\.width).max() ?? 0) - Theme.pad
            canvas.draw(yLabel, at: right, map.midY, anchor: .right, rotated: true)
        }
        if let title { canvas.draw(title, at: map.midX, map.y - Theme.pad, anchor: .bottom) }
        colorBar?.draw(canvas, x: map.maxX, top: map.y, height: map.height)
    }

    /// Cell values printed in the cells, black on light colours and white on dark ones.
    private func annotate(_ canvas: Canvas, map: Rect, side: Double, decimals: Int) {
        let values = chart.values
        let texts = values.values.map { $0.isFinite ? formatDecimal($0, decimals: decimals) : "" }
        guard let widest = texts.max(by: { $0.count < $1.count }) else { return }
        var style = TextStyle(size: min(Theme.annotationSize, side * 0.45))
        let probe = canvas.text(widest, style, fitting: side * 0.9, minimumSize: 3)
        style.size = min(style.size, style.size * side * 0.9 / max(probe.width, 1e-9))
        let span = range.hi - range.lo
        for r in 0..<rows {
            for c in 0..<columns where !texts[r * columns + c].isEmpty {
                let t = (values[r, c] - range.lo) / span
                var cellStyle = style
                cellStyle.color = chart.colorMap.color(at: t).luminance < 0.5 ? .white : Theme.text
                let block = canvas.text(texts[r * columns + c], cellStyle)
                canvas.draw(block, at: map.x + side * (Double(c) + 0.5), map.y + side * (Double(r) + 0.5),
                            anchor: .center)
            }
        }
    }
}
