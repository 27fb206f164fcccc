// The figure model: plain values describing what to draw. Drawing lives elsewhere.

/// A figure: a size in points, a grid of panels filled row by row, an optional title.
public struct Figure: Sendable {
    public var widthPoints: Double
    public var heightPoints: Double
    public var title: String?
    /// Number of panel columns; rows follow from the panel count.
    public var columns: Int
    public var panels: [Chart]
    /// Series named once under all panels, in as many lines as the width needs: the key
    /// of panels that plot the same series, which would each lose width to a legend of
    /// their own. Colours follow the panels' rule: a series' own colour, else the cycle
    /// by its position in this list.
    public var key: [Series]

    public init(widthPoints: Double, heightPoints: Double, title: String? = nil,
                columns: Int = 1, panels: [Chart], key: [Series] = []) {
        self.widthPoints = widthPoints
        self.heightPoints = heightPoints
        self.title = title
        self.columns = columns
        self.panels = panels
        self.key = key
    }

    /// A figure holding a single chart.
    public init(widthPoints: Double, heightPoints: Double, title: String? = nil, _ chart: Chart) {
        self.init(widthPoints: widthPoints, heightPoints: heightPoints, title: title,
                  columns: 1, panels: [chart])
    }
}

/// One panel of a figure.
public enum Chart: Sendable {
    case line(LineChart)
    case bar(BarChart)
    case heatmap(Heatmap)
    case imageGrid(ImageGrid)
    case imageHeatmapRows(ImageHeatmapRows)
}

/// A rectangular array of values, row-major, row 0 at the top: an image or a heatmap.
public struct Raster: Sendable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]

    /// `values.count` must equal `rows * columns`; a mismatch is reported as a warning and
    /// the raster drawn as missing data rather than crashing mid-report.
    public init(rows: Int, columns: Int, values: [Double]) {
        self.rows = max(rows, 0); self.columns = max(columns, 0); self.values = values
    }

    public init(rows: Int, columns: Int, values: [Float]) {
        self.init(rows: rows, columns: columns, values: values.map(Double.init))
    }

    /// From nested rows (e.g. a confusion matrix); ragged input keeps the shortest row length.
    public init(_ nested: [[Double]]) {
        let width = nested.map(\.count).min() ?? 0
        self.init(rows: nested.count, columns: width,
                  values: nested.flatMap { $0.prefix(width) })
    }

    var isWellFormed: Bool { values.count == rows * columns }

    subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

    /// Min and max of the finite values, nil when there are none.
    var finiteRange: (min: Double, max: Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        return lo <= hi ? (lo, hi) : nil
    }

    var nonFiniteCount: Int { values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) } }
}

// MARK: Line chart

public struct LineChart: Sendable {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var series: [Series]
    public var xAxis: XAxis
    /// Logarithmic y axis; values ≤ 0 are skipped and reported.
    public var logY: Bool
    /// Fixed y range (e.g. 0...1 for accuracy); nil fits the data.
    public var yRange: ClosedRange<Double>?
    public var legend: LegendPlacement
    public var grid: Bool

    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                series: [Series], xAxis: XAxis = .plain, logY: Bool = false,
                yRange: ClosedRange<Double>? = nil, legend: LegendPlacement = .best,
                grid: Bool = true) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
        self.xAxis = xAxis; self.logY = logY; self.yRange = yRange; self.legend = legend
        self.grid = grid
    }
}

/// What the x values count, which decides the ticks and their labels.
public enum XAxis: Sendable {
    /// Any number.
    case plain
    /// Whole epochs: integer ticks only.
    case epochs
    /// Training examples seen: large counts, labelled 100k, 1.5M.
    case examplesSeen
}

public enum LegendPlacement: Sendable {
    /// Inside the plot, in the corner that hides the fewest data.
    case best
    /// To the right of the plot, outside it.
    case outsideRight
    case none
}

public struct Series: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var style: SeriesStyle
    public var marker: Marker
    /// nil takes the next colour of the cycle.
    public var color: ChartColor?
    public var dashed: Bool

    public init(name: String, x: [Double], y: [Double], style: SeriesStyle = .line,
                marker: Marker = .circle, color: ChartColor? = nil, dashed: Bool = false) {
        self.name = name; self.x = x; self.y = y; self.style = style; self.marker = marker
        self.color = color; self.dashed = dashed
    }

    /// y against 1, 2, 3, … (per-epoch curves).
    public init(name: String, y: [Double], style: SeriesStyle = .lineWithMarkers,
                marker: Marker = .circle, color: ChartColor? = nil, dashed: Bool = false) {
        self.init(name: name, x: y.indices.map { Double($0 + 1) }, y: y, style: style,
                  marker: marker, color: color, dashed: dashed)
    }
}

public enum SeriesStyle: Sendable {
    case line
    case lineWithMarkers
    /// Dots only: the scatter of an overlay (per-epoch test loss over a training-loss line).
    case markers
}

public enum Marker: Sendable, CaseIterable {
    case circle, square, triangle, diamond
}

// MARK: Bar chart

public struct BarChart: Sendable {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var categories: [String]
    /// One or more groups of bars; with several, bars sit side by side and a legend names them.
    public var groups: [BarGroup]
    public var yRange: ClosedRange<Double>?
    /// Digits after the decimal point in the value printed on each bar.
    public var valueDecimals: Int
    /// Appended to each printed value, e.g. " %" or " s".
    public var valueSuffix: String

    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                categories: [String], groups: [BarGroup], yRange: ClosedRange<Double>? = nil,
                valueDecimals: Int = 2, valueSuffix: String = "") {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.categories = categories; self.groups = groups; self.yRange = yRange
        self.valueDecimals = valueDecimals; self.valueSuffix = valueSuffix
    }

    /// A single group of bars.
    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                categories: [String], values: [Double], yRange: ClosedRange<Double>? = nil,
                valueDecimals: Int = 2, valueSuffix: String = "") {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, categories: categories,
                  groups: [BarGroup(name: "", values: values)], yRange: yRange,
                  valueDecimals: valueDecimals, valueSuffix: valueSuffix)
    }
}

public struct BarGroup: Sendable {
    public var name: String
    public var values: [Double]
    public var color: ChartColor?
    public init(name: String, values: [Double], color: ChartColor? = nil) {
        self.name = name; self.values = values; self.color = color
    }
}

// MARK: Heatmap

public struct Heatmap: Sendable {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var values: Raster
    public var colorMap: ColorMap
    /// nil fits the finite data (symmetric around 0 for a diverging map).
    public var range: ClosedRange<Double>?
    public var xTickLabels: [String]?
    public var yTickLabels: [String]?
    public var annotation: CellAnnotation
    public var colorBarLabel: String?
    public var showColorBar: Bool
    /// Adds "min … · max …" of the data under the title.
    public var showsRangeInTitle: Bool

    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                values: Raster, colorMap: ColorMap = .viridis, range: ClosedRange<Double>? = nil,
                xTickLabels: [String]? = nil, yTickLabels: [String]? = nil,
                annotation: CellAnnotation = .none, colorBarLabel: String? = nil,
                showColorBar: Bool = true, showsRangeInTitle: Bool = false) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.values = values
        self.colorMap = colorMap; self.range = range; self.xTickLabels = xTickLabels
        self.yTickLabels = yTickLabels; self.annotation = annotation
        self.colorBarLabel = colorBarLabel; self.showColorBar = showColorBar
        self.showsRangeInTitle = showsRangeInTitle
    }

    /// A confusion matrix: rows are true classes, columns predicted ones, counts in the cells.
    public static func confusionMatrix(_ counts: [[Int]], classNames: [String],
                                       title: String? = "Confusion matrix") -> Heatmap {
        Heatmap(title: title, xLabel: "Predicted label", yLabel: "True label",
                values: Raster(counts.map { $0.map(Double.init) }), colorMap: .blues,
                xTickLabels: classNames, yTickLabels: classNames, annotation: .decimals(0),
                colorBarLabel: "Count")
    }
}

public enum CellAnnotation: Sendable {
    case none
    /// The cell value with this many decimals.
    case decimals(Int)
}

// MARK: Image grid

public struct ImageGrid: Sendable {
    public var title: String?
    public var columns: Int
    public var cells: [ImageCell]
    public var colorMap: ColorMap
    public var normalization: Normalization
    /// A thin frame around every image (useful when images have a white background).
    public var framed: Bool
    /// A colour bar for the shared scale; ignored with per-image normalisation.
    public var colorBarLabel: String?
    /// Row and column numbers along the left and top edges, for grids read as a matrix.
    public var indices: GridIndices?

    public init(title: String? = nil, columns: Int, cells: [ImageCell],
                colorMap: ColorMap = .gray, normalization: Normalization = .perImage,
                framed: Bool = false, colorBarLabel: String? = nil, indices: GridIndices? = nil) {
        self.title = title; self.columns = columns; self.cells = cells
        self.colorMap = colorMap; self.normalization = normalization; self.framed = framed
        self.colorBarLabel = colorBarLabel; self.indices = indices
    }
}

/// Numbers of an image grid's rows (left edge) and columns (top edge), counted from
/// `first`: a tick at every row and column, a number at every `step`-th, so any cell can
/// be found by counting at most `step / 2` from a number.
public struct GridIndices: Sendable {
    public var rowTitle: String
    public var columnTitle: String
    public var step: Int
    public var first: Int

    public init(rowTitle: String, columnTitle: String, step: Int, first: Int = 0) {
        self.rowTitle = rowTitle; self.columnTitle = columnTitle; self.step = max(step, 1); self.first = first
    }

    /// Whether index `k` (0-based position) carries a number.
    func isLabelled(_ k: Int) -> Bool { k % step == 0 }
}

public struct ImageCell: Sendable {
    public var image: Raster
    public var title: String?
    /// Drawn with a red title and frame: a wrong prediction, a failed attack.
    public var isMarked: Bool
    public init(image: Raster, title: String? = nil, isMarked: Bool = false) {
        self.image = image; self.title = title; self.isMarked = isMarked
    }
}

/// How raw values become colours.
public enum Normalization: Sendable {
    /// Each image stretched over its own min...max (filters, feature maps).
    case perImage
    /// One min...max over all images, so they can be compared.
    case shared
    /// A fixed range, e.g. 0...1 for pixels.
    case fixed(ClosedRange<Double>)
}

// MARK: Image + heatmap rows (occlusion)

/// Rows of an image followed by heatmaps computed from it: the occlusion figure (digit,
/// then the effect of a patch per patch size).
public struct ImageHeatmapRows: Sendable {
    public var title: String?
    public var rows: [ImageHeatmapRow]
    public var imageColorMap: ColorMap
    public var heatmapColorMap: ColorMap
    public var colorBarLabel: String?
    /// One colour scale for every heatmap, with a single colour bar right of the rows,
    /// so maps can be compared with each other (and a figure continued over several
    /// with the same range, with the next). nil gives each heatmap its own range and bar.
    public var sharedRange: ClosedRange<Double>?

    public init(title: String? = nil, rows: [ImageHeatmapRow], imageColorMap: ColorMap = .gray,
                heatmapColorMap: ColorMap = .viridis, colorBarLabel: String? = nil,
                sharedRange: ClosedRange<Double>? = nil) {
        self.title = title; self.rows = rows; self.imageColorMap = imageColorMap
        self.heatmapColorMap = heatmapColorMap; self.colorBarLabel = colorBarLabel
        self.sharedRange = sharedRange
    }
}

public struct ImageHeatmapRow: Sendable {
    public var image: Raster
    public var imageTitle: String?
    public var heatmaps: [TitledHeatmap]
    public init(image: Raster, imageTitle: String? = nil, heatmaps: [TitledHeatmap]) {
        self.image = image; self.imageTitle = imageTitle; self.heatmaps = heatmaps
    }
}

public struct TitledHeatmap: Sendable {
    public var values: Raster
    public var title: String?
    /// nil fits the data.
    public var range: ClosedRange<Double>?
    public var showsRangeInTitle: Bool
    public init(values: Raster, title: String? = nil, range: ClosedRange<Double>? = nil,
                showsRangeInTitle: Bool = false) {
        self.values = values; self.title = title; self.range = range
        self.showsRangeInTitle = showsRangeInTitle
    }
}
