import CCairo
import Foundation

/// How a chart kind takes part in the figure layout: first it measures its text for the
/// cell it was given and says how much room it needs around its plot area; the figure
/// aligns those insets across rows and columns; then it draws into the final plot area.
protocol PanelView: AnyObject {
    func prepare(_ canvas: Canvas, cell: Rect) -> Insets
    func draw(_ canvas: Canvas, plot: Rect)
}

/// Tick labels measured once, shared by layout and drawing.
struct MeasuredAxis {
    var scale: AxisScale
    var labels: [TextBlock]
    var maxWidth: Double { labels.map(\.width).max() ?? 0 }
    var maxHeight: Double { labels.map(\.height).max() ?? 0 }

    init(_ scale: AxisScale, _ canvas: Canvas) {
        self.scale = scale
        labels = scale.labels.map { canvas.text($0, .tick) }
    }
}

final class LineChartView: PanelView {
    private let chart: LineChart
    /// Finite points per series, split where a skipped value breaks the line.
    private var runs: [[[(x: Double, y: Double)]]] = []
    private var colors: [ChartColor] = []
    private var xAxis: MeasuredAxis!
    private var yAxis: MeasuredAxis!
    private var title: TextBlock?
    private var xLabel: TextBlock?
    private var yLabel: TextBlock?
    private var legend: Legend?
    private var legendOutside = false

    init(_ chart: LineChart) { self.chart = chart }

    func prepare(_ canvas: Canvas, cell: Rect) -> Insets {
        var xs: [Double] = [], ys: [Double] = []
        for (index, series) in chart.series.enumerated() {
            colors.append(series.color ?? Theme.cycleColor(index))
            var seriesRuns: [[(x: Double, y: Double)]] = [[]]
            for (x, y) in zip(series.x, series.y) {
                if x.isFinite && y.isFinite && (!chart.logY || y > 0) {
                    seriesRuns[seriesRuns.count - 1].append((x, y))
                    xs.append(x); ys.append(y)
                } else if !seriesRuns[seriesRuns.count - 1].isEmpty {
                    seriesRuns.append([])
                }
            }
            runs.append(seriesRuns.filter { !$0.isEmpty })
        }
        let estimatedWidth = max(cell.width - 70, 40)
        let estimatedHeight = max(cell.height - 50, 30)
        let xTarget = max(2, Int(estimatedWidth / 75))
        let yTarget = max(2, Int(estimatedHeight / 38))
        xAxis = MeasuredAxis(.linear(xs.min() ?? 0, xs.max() ?? 1, target: xTarget, padding: 0.04,
                                     kind: chart.xAxis), canvas)
        if let range = chart.yRange, range.lowerBound.isFinite, range.upperBound.isFinite {
            yAxis = MeasuredAxis(chart.logY
                ? .logarithmic(range.lowerBound, range.upperBound, padding: 0)
                : .fixed(range.lowerBound, range.upperBound, target: yTarget), canvas)
        } else if chart.logY {
            yAxis = MeasuredAxis(.logarithmic(ys.min() ?? 0.1, ys.max() ?? 1, padding: 0.04), canvas)
        } else {
            yAxis = MeasuredAxis(.linear(ys.min() ?? 0, ys.max() ?? 1, target: yTarget,
                                         padding: 0.05), canvas)
        }
        title = chart.title.map { canvas.text($0, .title, wrapping: cell.width) }
        xLabel = chart.xLabel.map { canvas.text($0, .label) }
        yLabel = chart.yLabel.map { canvas.text($0, .label) }
        if chart.legend != .none {
            let entries = chart.series.enumerated().filter { !$0.element.name.isEmpty }.map {
                Legend.Entry(label: canvas.text($0.element.name, .legend), color: colors[$0.offset],
                             style: $0.element.style, marker: $0.element.marker,
                             dashed: $0.element.dashed)
            }
            legend = entries.isEmpty ? nil : Legend(entries: entries)
        }

        var insets = Insets()
        insets.top = title.map { $0.height + 2 * Theme.pad } ?? yAxis.maxHeight / 2 + 2
        insets.left = Theme.tickLength + Theme.pad + yAxis.maxWidth
            + (yLabel.map { $0.height + 2 * Theme.pad } ?? 0)
        insets.left = max(insets.left, (xAxis.labels.first?.width ?? 0) / 2 + 2)
        insets.bottom = Theme.tickLength + Theme.pad + xAxis.maxHeight
            + (xLabel.map { $0.height + Theme.pad } ?? 0)
        insets.right = max((xAxis.labels.last?.width ?? 0) / 2 + 2, 6)
        if let legend, chart.legend == .best {
            // Where the figure would put the plot without an outside legend: if no corner
            // inside it is free of data, the legend goes outside instead of hiding a line.
            let plot = Rect(x: cell.x + insets.left, y: cell.y + insets.top,
                            width: max(cell.width - insets.left - insets.right, 1),
                            height: max(cell.height - insets.top - insets.bottom, 1))
            let points = runs.flatMap { $0.map { sampled($0.compactMap { point($0, in: plot) }) } }.flatMap { $0 }
            legendOutside = legend.bestCorner(in: plot, avoiding: points).collisions > 0
        }
        if let legend, chart.legend == .outsideRight || legendOutside {
            legendOutside = true
            insets.right = max(insets.right, legend.size.width + 3 * Theme.pad)
        }
        return insets
    }

    private func point(_ p: (x: Double, y: Double), in plot: Rect) -> (Double, Double)? {
        guard let fx = xAxis.scale.fraction(p.x), let fy = yAxis.scale.fraction(p.y) else { return nil }
        return (plot.x + fx * plot.width, plot.maxY - fy * plot.height)
    }

    func draw(_ canvas: Canvas, plot: Rect) {
        let cr = canvas.cr
        if chart.grid {
            for tick in xAxis.scale.ticks {
                guard let f = xAxis.scale.fraction(tick) else { continue }
                let x = plot.x + f * plot.width
                canvas.line(x, plot.y, x, plot.maxY, Theme.grid, width: Theme.gridWidth)
            }
            for tick in yAxis.scale.ticks {
                guard let f = yAxis.scale.fraction(tick) else { continue }
                let y = plot.maxY - f * plot.height
                canvas.line(plot.x, y, plot.maxX, y, Theme.grid, width: Theme.gridWidth)
            }
        }
        var screenPoints: [(Double, Double)] = []
        canvas.withClip(plot) {
            for (index, series) in chart.series.enumerated() {
                let color = colors[index]
                let points = runs[index].map { $0.compactMap { point($0, in: plot) } }
                let single = points.count == 1 && points[0].count == 1
                if series.style != .markers {
                    canvas.setColor(color)
                    cairo_set_line_width(cr, Theme.lineWidth)
                    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
                    if series.dashed { cairo_set_dash(cr, [5, 2.5], 2, 0) }
                    for run in points where run.count > 1 {
                        cairo_move_to(cr, run[0].0, run[0].1)
                        for p in run.dropFirst() { cairo_line_to(cr, p.0, p.1) }
                    }
                    cairo_stroke(cr)
                    cairo_set_dash(cr, nil, 0, 0)
                }
                if series.style != .line || single {
                    canvas.setColor(color)
                    for run in points { for p in run { addMarker(cr, series.marker, p.0, p.1) } }
                    cairo_fill(cr)
                }
                for run in points { screenPoints.append(contentsOf: sampled(run)) }
            }
        }
        canvas.stroke(plot, Theme.axis, width: Theme.axisWidth)
        drawTicks(canvas, plot: plot)
        if let title { canvas.draw(title, at: plot.midX, plot.y - Theme.pad, anchor: .bottom) }
        if let legend {
            legend.draw(canvas, in: plot, avoiding: screenPoints,
                        outside: legendOutside)
        }
    }

    private func drawTicks(_ canvas: Canvas, plot: Rect) {
        let labelTop = plot.maxY + Theme.tickLength + Theme.pad
        for (tick, label) in zip(xAxis.scale.ticks, xAxis.labels) {
            guard let f = xAxis.scale.fraction(tick) else { continue }
            let x = plot.x + f * plot.width
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
        if let xLabel {
            canvas.draw(xLabel, at: plot.midX, labelTop + xAxis.maxHeight + Theme.pad, anchor: .top)
        }
        if let yLabel {
            canvas.draw(yLabel, at: labelRight - yAxis.maxWidth - Theme.pad, plot.midY,
                        anchor: .right, rotated: true)
        }
    }

    /// Points along a polyline, about every 6 pt, so the legend can avoid lines too.
    private func sampled(_ run: [(Double, Double)]) -> [(Double, Double)] {
        guard run.count > 1 else { return run }
        var out: [(Double, Double)] = [run[0]]
        for (a, b) in zip(run, run.dropFirst()) {
            let length = hypot(b.0 - a.0, b.1 - a.1)
            let steps = min(Int(length / 6), 40)
            if steps > 1 {
                for k in 1..<steps {
                    let t = Double(k) / Double(steps)
                    out.append((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
                }
            }
            out.append(b)
            if out.count > 6000 { break }
        }
        return out
    }
}

func addMarker(_ cr: OpaquePointer, _ marker: Marker, _ x: Double, _ y: Double,
               size: Double = Theme.markerSize) {
    let r = size / 2
    cairo_new_sub_path(cr)
    switch marker {
    case .circle:
        cairo_arc(cr, x, y, r, 0, 2 * Double.pi)
    case .square:
        cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r)
    case .triangle:
        cairo_move_to(cr, x, y - r * 1.15)
        cairo_line_to(cr, x + r * 1.1, y + r * 0.8)
        cairo_line_to(cr, x - r * 1.1, y + r * 0.8)
        cairo_close_path(cr)
    case .diamond:
        cairo_move_to(cr, x, y - r * 1.25)
        cairo_line_to(cr, x + r, y)
        cairo_line_to(cr, x, y + r * 1.25)
        cairo_line_to(cr, x - r, y)
        cairo_close_path(cr)
    }
}

/// The key of a line chart (or grouped bar chart).
struct Legend {
    struct Entry {
        var label: TextBlock
        var color: ChartColor
        var style: SeriesStyle
        var marker: Marker
        var dashed: Bool
        /// Bars show a filled square instead of a line sample.
        var isBar = false
    }
    var entries: [Entry]
    static let sampleWidth = 18.0
    static let padding = 4.0
    static let rowGap = 2.0

    var rowHeight: Double { entries.map(\.label.height).max() ?? 0 }
    var size: (width: Double, height: Double) {
        let textWidth = entries.map(\.label.width).max() ?? 0
        return (2 * Legend.padding + Legend.sampleWidth + Theme.pad + textWidth,
                2 * Legend.padding + Double(entries.count) * rowHeight
                    + Double(max(entries.count - 1, 0)) * Legend.rowGap)
    }

    /// The candidate place inside `plot` covering the fewest `points`, and how many it covers.
    func bestCorner(in plot: Rect, avoiding points: [(Double, Double)]) -> (box: Rect, collisions: Int) {
        let (w, h) = size
        let inset = 5.0
        let candidates = [
            Rect(x: plot.maxX - inset - w, y: plot.y + inset, width: w, height: h),
            Rect(x: plot.x + inset, y: plot.y + inset, width: w, height: h),
            Rect(x: plot.maxX - inset - w, y: plot.maxY - inset - h, width: w, height: h),
            Rect(x: plot.x + inset, y: plot.maxY - inset - h, width: w, height: h),
            Rect(x: plot.maxX - inset - w, y: plot.midY - h / 2, width: w, height: h),
            Rect(x: plot.midX - w / 2, y: plot.y + inset, width: w, height: h),
            Rect(x: plot.midX - w / 2, y: plot.maxY - inset - h, width: w, height: h),
        ]
        // A margin around the box so lines passing just outside do not touch it.
        let scores = candidates.map { c in
            let grown = Rect(x: c.x - 2, y: c.y - 2, width: c.width + 4, height: c.height + 4)
            return points.reduce(0) { $0 + (grown.contains($1.0, $1.1) ? 1 : 0) }
        }
        let best = scores.indices.min { scores[$0] < scores[$1] } ?? 0
        return (candidates[best], scores[best])
    }

    /// Inside the plot in the corner covering the fewest `points`, or right of the plot.
    func draw(_ canvas: Canvas, in plot: Rect, avoiding points: [(Double, Double)], outside: Bool) {
        let box: Rect
        if outside {
            let (w, h) = size
            box = Rect(x: plot.maxX + 2 * Theme.pad, y: plot.y, width: w, height: h)
        } else {
            box = bestCorner(in: plot, avoiding: points).box
        }
        let cr = canvas.cr
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9)
        cairo_rectangle(cr, box.x, box.y, box.width, box.height)
        cairo_fill(cr)
        canvas.stroke(box, ChartColor(hex: 0xCCCCCC), width: 0.6)
        var y = box.y + Legend.padding
        for entry in entries {
            drawEntry(canvas, entry, x: box.x + Legend.padding, midY: y + rowHeight / 2)
            y += rowHeight + Legend.rowGap
        }
    }

    /// Entries side by side on one line, without a box (above a bar chart).
    static let columnGap = 12.0
    var rowWidth: Double {
        entries.reduce(0) { $0 + Legend.sampleWidth + Theme.pad + $1.label.width }
            + Double(max(entries.count - 1, 0)) * Legend.columnGap
    }

    /// The entries split into rows of at most `width`, in order (one row holds at least
    /// one entry, however long).
    func lines(fitting width: Double) -> [Legend] {
        var lines: [[Entry]] = []
        for entry in entries {
            if let last = lines.last, Legend(entries: last + [entry]).rowWidth <= width {
                lines[lines.count - 1].append(entry)
            } else {
                lines.append([entry])
            }
        }
        return lines.map { Legend(entries: $0) }
    }

    func drawRow(_ canvas: Canvas, centeredAt x: Double, midY: Double) {
        var left = x - rowWidth / 2
        for entry in entries {
            drawEntry(canvas, entry, x: left, midY: midY)
            left += Legend.sampleWidth + Theme.pad + entry.label.width + Legend.columnGap
        }
    }

    private func drawEntry(_ canvas: Canvas, _ entry: Entry, x x0: Double, midY: Double) {
        let cr = canvas.cr
        canvas.setColor(entry.color)
        if entry.isBar {
            cairo_rectangle(cr, x0 + 4, midY - 4, 10, 8)
            cairo_fill(cr)
        } else {
            if entry.style != .markers {
                cairo_set_line_width(cr, Theme.lineWidth)
                if entry.dashed { cairo_set_dash(cr, [5, 2.5], 2, 0) }
                cairo_move_to(cr, x0, midY)
                cairo_line_to(cr, x0 + Legend.sampleWidth, midY)
                cairo_stroke(cr)
                cairo_set_dash(cr, nil, 0, 0)
            }
            if entry.style != .line {
                addMarker(cr, entry.marker, x0 + Legend.sampleWidth / 2, midY)
                cairo_fill(cr)
            }
        }
        canvas.draw(entry.label, at: x0 + Legend.sampleWidth + Theme.pad, midY, anchor: .left)
    }
}
