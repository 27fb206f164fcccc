import Foundation
@testable import FolioCharts

/// Small figures of every chart kind, built from deterministic data; shared by the
/// reference-image, SVG and PDF tests.
enum Fixtures {
    static func all() -> [(name: String, figure: Figure)] {
        var data = SyntheticData(seed: 11)
        let loss = Series(name: "train", y: data.lossCurve(points: 6, start: 2.2, floor: 0.05, rate: 0.9, noise: 0.02))
        let validation = Series(name: "validation", y: data.lossCurve(points: 6, start: 1.0, floor: 0.08,
                                                                      rate: 0.7, noise: 0.02), marker: .square,
                                dashed: true)
        let seen = (1...40).map { Double($0 * 6400) }
        let line = Figure(widthPoints: 320, heightPoints: 220, .line(LineChart(
            title: "Loss", xLabel: "Epoch", yLabel: "Loss", series: [loss, validation], xAxis: .epochs, logY: true)))
        let overlay = Figure(widthPoints: 320, heightPoints: 220, .line(LineChart(
            title: "MLP loss", xLabel: "Training examples seen", yLabel: "NLL", series: [
                Series(name: "train", x: seen, y: seen.map { 0.2 + 2 * exp(-$0 / 30_000) }),
                Series(name: "test", x: [64_000, 128_000, 192_000, 256_000], y: [0.45, 0.3, 0.24, 0.22],
                       style: .markers, color: .alert),
            ], xAxis: .examplesSeen)))
        let bars = Figure(widthPoints: 320, heightPoints: 220, .bar(BarChart(
            title: "Test accuracy", yLabel: "%", categories: ["SGD", "Momentum", "RMSprop", "Adam"],
            groups: [BarGroup(name: "plain", values: [81.1, 96.5, 98.9, 99.0]),
                     BarGroup(name: "BN", values: [96.8, 98.7, 99.0, 98.9])], valueDecimals: 1)))
        let counts = (0..<5).map { t in (0..<5).map { p in t == p ? 180 + 7 * t : (t + 2 * p) % 4 } }
        let confusion = Figure(widthPoints: 300, heightPoints: 260,
                               .heatmap(.confusionMatrix(counts, classNames: ["0", "1", "2", "3", "4"])))
        let signedValues: [Double] = (0..<64).map { (i: Int) -> Double in sin(Double(i) / 5) * Double(i % 8 - 3) }
        let signed = Raster(rows: 8, columns: 8, values: signedValues)
        let diverging = Figure(widthPoints: 260, heightPoints: 220, .heatmap(Heatmap(
            title: "Weights", values: signed, colorMap: .diverging, colorBarLabel: "Weight", showsRangeInTitle: true)))
        let digits = (0..<6).map { data.digit($0) }
        let grid = Figure(widthPoints: 320, heightPoints: 160, title: "Predictions", .imageGrid(ImageGrid(
            columns: 3, cells: digits.enumerated().map {
                ImageCell(image: $0.element, title: "true \($0.offset) · pred \($0.offset == 2 ? 7 : $0.offset)",
                          isMarked: $0.offset == 2)
            }, normalization: .fixed(0...1))))
        let occlusion = Figure(widthPoints: 340, heightPoints: 120, .imageHeatmapRows(ImageHeatmapRows(
            title: "Occlusion", rows: [ImageHeatmapRow(image: digits[3], imageTitle: "digit", heatmaps: [
                TitledHeatmap(values: data.occlusion(of: digits[3], patch: 3), title: "patch 3"),
                TitledHeatmap(values: data.occlusion(of: digits[3], patch: 7), title: "patch 7"),
            ])], colorBarLabel: "P(true)")))
        return [("line", line), ("overlay", overlay), ("bars", bars), ("confusion", confusion),
                ("diverging", diverging), ("image-grid", grid), ("occlusion", occlusion)]
    }
}
