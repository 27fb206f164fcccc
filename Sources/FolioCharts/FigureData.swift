// The numbers behind a figure as CSV, written next to its SVG, PNG and PDF so a
// reader can re-plot or check them. One long table for every kind of chart:
//
//   panel, panel title, series, x, y, value
//
//   line chart     series = the line's name, x = its x, value = its y (y empty)
//   bar chart      series = the group, x = the category, value = the bar's height
//   heatmap        x, y = column and row (their tick labels when the chart has them)
//   image grid     series = the image's title (or "image k"), x, y = pixel column, row
//   occlusion rows series = "row r: <title>" for the image and each heatmap
//
// Panels are numbered from 1 in reading order; values are printed with Swift's
// shortest round-tripping form, so reading them back gives the plotted doubles.

extension Figure {
    public var csv: String {
        var table = CSVTable(header: ["panel", "panel title", "series", "x", "y", "value"])
        for (index, chart) in panels.enumerated() {
            let panel = String(index + 1)
            switch chart {
            case .line(let c):
                for s in c.series {
                    for (x, y) in zip(s.x, s.y) { table.add([panel, c.title ?? "", s.name, number(x), "", number(y)]) }
                }
            case .bar(let c):
                for g in c.groups {
                    for (category, value) in zip(c.categories, g.values) { table.add([panel, c.title ?? "", g.name, category, "", number(value)]) }
                }
            case .heatmap(let c):
                table.addRaster(c.values, panel: panel, title: c.title, series: "",
                                columnLabels: c.xTickLabels, rowLabels: c.yTickLabels)
            case .imageGrid(let c):
                for (k, cell) in c.cells.enumerated() {
                    table.addRaster(cell.image, panel: panel, title: c.title, series: cell.title ?? "image \(k + 1)")
                }
            case .imageHeatmapRows(let c):
                for (r, row) in c.rows.enumerated() {
                    table.addRaster(row.image, panel: panel, title: c.title, series: "row \(r + 1): \(row.imageTitle ?? "image")")
                    for (h, map) in row.heatmaps.enumerated() {
                        table.addRaster(map.values, panel: panel, title: c.title, series: "row \(r + 1): \(map.title ?? "heatmap \(h + 1)")")
                    }
                }
            }
        }
        return table.text
    }
}

private func number(_ v: Double) -> String { v.isNaN ? "" : "\(v)" }

private struct CSVTable {
    var lines: [String]

    init(header: [String]) { lines = [header.map(Self.field).joined(separator: ",")] }

    mutating func add(_ fields: [String]) { lines.append(fields.map(Self.field).joined(separator: ",")) }

    mutating func addRaster(_ raster: Raster, panel: String, title: String?, series: String,
                            columnLabels: [String]? = nil, rowLabels: [String]? = nil) {
        for row in 0..<raster.rows {
            for column in 0..<raster.columns {
                let x = columnLabels.flatMap { column < $0.count ? $0[column] : nil } ?? String(column)
                let y = rowLabels.flatMap { row < $0.count ? $0[row] : nil } ?? String(row)
                add([panel, title ?? "", series, x, y, number(raster.values[row * raster.columns + column])])
            }
        }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// Quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
