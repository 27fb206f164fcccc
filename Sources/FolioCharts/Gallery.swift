import Foundation

/// One realistic example of every chart kind, for `folio gallery` and for looking at.
public enum Gallery {
    /// The gallery's figures by file name, in the order the index shows them.
    public static func figures() -> [(name: String, figure: Figure)] {
        var data = SyntheticData(seed: 2024)
        let optimisers = ["SGD", "Momentum", "RMSprop", "Adam"]

        // Per-epoch curves of the four optimisers.
        let starts = [2.28, 0.62, 0.19, 0.17], floors = [0.9, 0.08, 0.02, 0.018]
        let trainLoss = optimisers.indices.map {
            Series(name: optimisers[$0], y: data.lossCurve(points: 5, start: starts[$0], floor: floors[$0],
                                                           rate: 0.8, noise: 0.03),
                   marker: Marker.allCases[$0])
        }
        let accuracy = optimisers.indices.map { i -> Series in
            let end = [81.1, 96.5, 98.9, 99.0][i]
            let values = (0..<5).map { e in end - (end - [40, 88, 97.2, 97.8][i]) * exp(-0.9 * Double(e)) }
            return Series(name: optimisers[i], y: values, marker: Marker.allCases[i])
        }
        let curves = Figure(widthPoints: 560, heightPoints: 230, title: "Training with four optimisers",
                            columns: 2, panels: [
            .line(LineChart(title: "Training loss", xLabel: "Epoch", yLabel: "Cross-entropy loss",
                            series: trainLoss, xAxis: .epochs, logY: true)),
            .line(LineChart(title: "Validation accuracy", xLabel: "Epoch", yLabel: "Accuracy (%)",
                            series: accuracy, xAxis: .epochs)),
        ])

        // Training loss every 100 batches with per-epoch test loss dots.
        let batchesPerEpoch = 782, epochs = 10
        let seen = stride(from: 100, through: batchesPerEpoch * epochs, by: 100).map { Double($0 * 64) }
        let trainLine = seen.map { x in 0.16 + 2.0 * exp(-x / 18_000) + 0.05 * abs(data.normal()) }
        let epochEnds = (1...epochs).map { Double($0 * 50_000) }
        let testDots = epochEnds.map { x in 0.13 + 0.25 * exp(-x / 120_000) + 0.004 * data.normal() }
        let overlay = Figure(widthPoints: 420, heightPoints: 260, .line(LineChart(
            title: "MLP loss during training", xLabel: "Training examples seen",
            yLabel: "Negative log-likelihood", series: [
                Series(name: "Training loss (every 100 batches)", x: seen, y: trainLine, style: .line),
                Series(name: "Test loss (per epoch)", x: epochEnds, y: testDots, style: .markers,
                       marker: .circle, color: Theme.cycleColor(3)),
            ], xAxis: .examplesSeen)))

        // Synthetic values, like everything in the gallery: a spread of accuracies
        // and times that exercises value labels inside and above the bars.
        let accuracies = [75.0, 94.0, 98.0, 98.5].map { (($0 + 1.5 * data.uniform()) * 100).rounded() / 100 }
        let plainTimes = (0..<4).map { _ in ((38 + 8 * data.uniform()) * 10).rounded() / 10 }
        let normTimes = plainTimes.map { (($0 * (1.1 + 0.1 * data.uniform())) * 10).rounded() / 10 }
        let bars = Figure(widthPoints: 560, heightPoints: 230, columns: 2, panels: [
            .bar(BarChart(title: "Test accuracy", yLabel: "Accuracy (%)", categories: optimisers,
                          values: accuracies, yRange: 0...105, valueSuffix: " %")),
            .bar(BarChart(title: "Training time, 5 epochs", yLabel: "Seconds", categories: optimisers,
                          groups: [BarGroup(name: "plain", values: plainTimes),
                                   BarGroup(name: "batch norm", values: normTimes)],
                          valueDecimals: 1)),
        ])

        let confusion = Figure(widthPoints: 400, heightPoints: 340,
                               .heatmap(.confusionMatrix(confusionCounts(&data),
                                                         classNames: (0...9).map(String.init),
                                                         title: "Adam, test set (10,000 images)")))

        // Each drawn digit keeps its label, so the prediction grid's "true" is what it shows.
        let labels = (0..<12).map { _ in Int(data.next() % 10) }
        let digits = labels.map { data.digit($0) }
        let seven = data.digit(7)
        var weights = [Double](repeating: 0, count: 28 * 28)
        for i in weights.indices {
            let r = Double(i / 28) - 13.5, c = Double(i % 28) - 13.5
            weights[i] = 0.08 * sin(r / 4) * cos(c / 5) * exp(-(r * r + c * c) / 250) + 0.01 * data.normal()
        }
        let activation = data.featureMap(of: seven, size: 14)
        let maps = Figure(widthPoints: 520, heightPoints: 420, title: "Colour maps", columns: 2, panels: [
            .heatmap(Heatmap(title: "Feature map (viridis)", values: activation, colorMap: .viridis,
                             colorBarLabel: "Activation")),
            .heatmap(Heatmap(title: "Occlusion (hot)", values: data.occlusion(of: seven, patch: 5),
                             colorMap: .hot, colorBarLabel: "P(true class)", showsRangeInTitle: true)),
            .heatmap(Heatmap(title: "Input digit (gray)", values: seven, colorMap: .gray, range: 0...1,
                             colorBarLabel: "Pixel value")),
            .heatmap(Heatmap(title: "Hidden unit weights (diverging)", values: Raster(rows: 28, columns: 28,
                             values: weights), colorMap: .diverging, colorBarLabel: "Weight")),
        ])

        let predictions = Figure(widthPoints: 480, heightPoints: 220, .imageGrid(ImageGrid(
            title: "Test images: true and predicted labels", columns: 6,
            cells: digits.enumerated().map { i, image in
                let truth = labels[i], predicted = i == 4 || i == 9 ? (truth + 3) % 10 : truth
                return ImageCell(image: image, title: "true \(truth) · pred \(predicted)",
                                 isMarked: predicted != truth)
            }, colorMap: .gray, normalization: .fixed(0...1))))

        let filters = Figure(widthPoints: 420, heightPoints: 240, .imageGrid(ImageGrid(
            title: "First-layer filters (32 × 3 × 3)", columns: 8,
            cells: (0..<32).map { ImageCell(image: data.kernel(), title: "\($0 + 1)") },
            colorMap: .diverging, normalization: .shared, framed: true, colorBarLabel: "Weight")))

        let features = Figure(widthPoints: 480, heightPoints: 300, .imageGrid(ImageGrid(
            title: "Feature maps after conv 1 (14 × 14 shown)", columns: 8,
            cells: (0..<32).map { ImageCell(image: data.featureMap(of: seven, size: 14), title: "\($0 + 1)") },
            colorMap: .viridis, normalization: .perImage)))

        return [
            ("training-curves", curves), ("loss-overlay", overlay), ("optimiser-bars", bars),
            ("confusion-matrix", confusion), ("colour-maps", maps), ("predictions", predictions),
            ("filters", filters), ("kernel-grid", kernelGrid(&data)), ("feature-maps", features),
            ("occlusion", occlusionFigure(&data, digits: [digits[0], digits[3]])),
        ]
    }

    /// The 1,024 3×3 kernels of the second convolution as a 32×32 grid.
    static func kernelGrid(_ data: inout SyntheticData) -> Figure {
        Figure(widthPoints: 460, heightPoints: 480, .imageGrid(ImageGrid(
            title: "Second-layer kernels (32 outputs × 32 inputs × 3 × 3)", columns: 32,
            cells: (0..<1024).map { _ in ImageCell(image: data.kernel()) },
            colorMap: .diverging, normalization: .shared, colorBarLabel: "Weight")))
    }

    /// Digits followed by their occlusion maps for patch sizes 1, 3, 5, 7 and 14.
    static func occlusionFigure(_ data: inout SyntheticData, digits: [Raster]) -> Figure {
        let rows = digits.enumerated().map { i, image in
            ImageHeatmapRow(image: image, imageTitle: "test image \(i + 1)", heatmaps: [1, 3, 5, 7, 14].map {
                TitledHeatmap(values: data.occlusion(of: image, patch: $0), title: "patch \($0)×\($0)")
            })
        }
        return Figure(widthPoints: 640, heightPoints: 34 + 80 * Double(digits.count),
                      .imageHeatmapRows(ImageHeatmapRows(
                          title: "Occlusion: probability of the true class", rows: rows,
                          heatmapColorMap: .viridis, colorBarLabel: "P(true)")))
    }

    static func confusionCounts(_ data: inout SyntheticData) -> [[Int]] {
        let support = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
        let confusable: [Int: [Int]] = [2: [7, 3], 3: [5, 8], 4: [9], 5: [3, 6], 7: [2, 9], 8: [3, 5], 9: [4, 7]]
        return (0..<10).map { t in
            var row = [Int](repeating: 0, count: 10)
            var errors = Int(Double(support[t]) * (0.004 + 0.012 * data.uniform()))
            for p in confusable[t] ?? [] {
                let n = errors / 2 + Int(data.next() % 3)
                row[p] += n; errors -= min(n, errors)
            }
            while errors > 0 { row[Int(data.next() % 10)] += 1; errors -= 1 }
            row[t] = 0
            row[t] = support[t] - row.reduce(0, +)
            return row
        }
    }

    /// Writes every gallery figure as PDF, SVG and PNG (2×) plus an index.html showing
    /// them all; returns the files written. Each file is written to a temporary name and
    /// renamed into place.
    public static func write(to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        var sections: [String] = []
        for (name, figure) in figures() {
            for format in OutputFormat.allCases {
                let url = directory.appendingPathComponent("\(name).\(format.fileExtension)")
                try writeAtomically(try render(figure, to: format, scale: 2), to: url)
                written.append(url)
            }
            let warnings = figure.warnings.map { "<p class=\"warn\">\(escapeXML($0))</p>" }.joined()
            sections.append("""
            <section id="\(name)">
              <h2>\(escapeXML(name))</h2>
              <img src="\(name).png" width="\(Int(figure.widthPoints * 4 / 3))" alt="\(escapeXML(figure.title ?? name))">
              <p><a href="\(name).pdf">PDF</a> · <a href="\(name).svg">SVG</a> · <a href="\(name).png">PNG</a></p>\(warnings)
            </section>
            """)
        }
        let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Folio chart gallery</title>
        <style>body{font-family:"DejaVu Sans",sans-serif;max-width:900px;margin:2em auto;color:#222}
        section{margin-bottom:2.5em}img{max-width:100%;height:auto;border:1px solid #eee}.warn{color:#b00}</style>
        </head>
        <body>
        <h1>Folio chart gallery</h1>
        <p>One example of every chart kind, drawn with Cairo and Pango from synthetic data.</p>
        \(sections.joined(separator: "\n"))
        </body>
        </html>

        """
        let index = directory.appendingPathComponent("index.html")
        try writeAtomically(Array(html.utf8), to: index)
        written.append(index)
        return written
    }

    /// Wall-clock seconds for (a) the 32×32 grid of 3×3 kernels rendered to PDF, SVG and
    /// PNG (2×) together and (b) a 5-panel occlusion figure (one digit, five patch sizes)
    /// rendered to the same three formats. Each is the best of three runs after a warm-up.
    public static func timings() throws -> [(name: String, seconds: Double)] {
        var data = SyntheticData(seed: 7)
        let kernels = kernelGrid(&data)
        let occlusion = occlusionFigure(&data, digits: [data.digit(8)])
        func best(_ figure: Figure) throws -> Double {
            var times: [Double] = []
            for _ in 0..<4 {
                let start = DispatchTime.now().uptimeNanoseconds
                for format in OutputFormat.allCases { _ = try render(figure, to: format, scale: 2) }
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return times.dropFirst().min() ?? 0
        }
        return [("kernel grid 32×32 of 3×3 → PDF+SVG+PNG", try best(kernels)),
                ("occlusion, 5 panels → PDF+SVG+PNG", try best(occlusion))]
    }
}

/// Writes `bytes` next to `url` under a temporary name, then renames it over `url`, so a
/// reader never sees a half-written file.
func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
    let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
        try Data(bytes).write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw GalleryError.write(url.path, String(describing: error))
    }
}

public enum GalleryError: Error, CustomStringConvertible {
    case write(String, String)
    public var description: String {
        switch self {
        case .write(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}
