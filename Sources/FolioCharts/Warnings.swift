// What the figure cannot show faithfully, found from the data alone so callers can log it
// (or fail a report) without rendering.

extension Figure {
    /// One message per panel part with skipped or missing data, e.g.
    /// `panel 1 "Loss", series "train": skipped 3 non-finite values`. Empty when all is drawable.
    public var warnings: [String] {
        var out: [String] = []
        for (index, panel) in panels.enumerated() {
            let name = "panel \(index + 1)" + (panel.title.map { " \"\($0)\"" } ?? "")
            for message in panel.dataWarnings { out.append("\(name), \(message)") }
        }
        return out
    }

    /// Total number of values skipped because they were NaN, infinite, or ≤ 0 on a log axis.
    public var skippedValueCount: Int { panels.reduce(0) { $0 + $1.skippedValues } }
}

extension Chart {
    fileprivate var skippedValues: Int {
        switch self {
        case .line(let chart):
            return chart.series.reduce(0) { total, s in
                total + zip(s.x, s.y).filter { !($0.isFinite && $1.isFinite && (!chart.logY || $1 > 0)) }.count
            }
        case .bar(let chart):
            return chart.groups.reduce(0) { $0 + $1.values.prefix(chart.categories.count).filter { !$0.isFinite }.count }
        case .heatmap(let chart): return chart.values.nonFiniteCount
        case .imageGrid(let chart): return chart.cells.reduce(0) { $0 + $1.image.nonFiniteCount }
        case .imageHeatmapRows(let chart):
            return chart.rows.reduce(0) { total, row in
                total + row.image.nonFiniteCount + row.heatmaps.reduce(0) { $0 + $1.values.nonFiniteCount }
            }
        }
    }

    fileprivate var dataWarnings: [String] {
        var out: [String] = []
        func raster(_ r: Raster, _ what: String) {
            if !r.isWellFormed {
                out.append("\(what): \(r.values.count) values for \(r.rows) × \(r.columns); drawn as missing")
            } else if r.nonFiniteCount > 0 {
                out.append("\(what): \(r.nonFiniteCount) non-finite values drawn as missing")
            }
        }
        switch self {
        case .line(let chart):
            for s in chart.series {
                let skipped = zip(s.x, s.y).filter { !($0.isFinite && $1.isFinite && (!chart.logY || $1 > 0)) }.count
                if skipped > 0 {
                    let reason = chart.logY ? "non-finite or non-positive (log axis)" : "non-finite"
                    out.append("series \"\(s.name)\": skipped \(skipped) \(reason) values")
                }
                if s.x.count != s.y.count {
                    out.append("series \"\(s.name)\": \(s.x.count) x values but \(s.y.count) y values; extra ignored")
                }
            }
        case .bar(let chart):
            for g in chart.groups {
                let skipped = g.values.prefix(chart.categories.count).filter { !$0.isFinite }.count
                if skipped > 0 { out.append("bars \"\(g.name)\": skipped \(skipped) non-finite values") }
                if g.values.count != chart.categories.count {
                    out.append("bars \"\(g.name)\": \(g.values.count) values for \(chart.categories.count) categories")
                }
            }
        case .heatmap(let chart): raster(chart.values, "heatmap")
        case .imageGrid(let chart):
            for (i, cell) in chart.cells.enumerated() { raster(cell.image, "image \(i + 1)") }
        case .imageHeatmapRows(let chart):
            for (r, row) in chart.rows.enumerated() {
                raster(row.image, "row \(r + 1) image")
                for (c, map) in row.heatmaps.enumerated() { raster(map.values, "row \(r + 1) heatmap \(c + 1)") }
            }
        }
        return out
    }
}
