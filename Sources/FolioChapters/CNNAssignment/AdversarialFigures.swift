import FolioCharts

/// The figures of Part 3, drawn from attack traces.
enum NoiseFigures {
    static func raster(_ images: [Float], _ i: Int, side: Int = 28) -> Raster {
        Raster(rows: side, columns: side, values: Array(Adversarial.image(images, i, pixels: side * side)))
    }

    /// Whether class names are short enough (digits) to share a cell title's line.
    static func compact(_ names: [String]) -> Bool { names.allSatisfy { $0.count <= 2 } }

    /// "3 · 0.98" for digits; the name above the probability for longer names.
    static func predictedTitle(_ label: Int, _ confidence: Double, names: [String]) -> String {
        names[label] + (compact(names) ? " · " : "\n") + Format.decimal(confidence, digits: 2)
    }

    /// Protocols (a) and (a′): for each, the final images (0–255 shown as black to
    /// white), then their change from the starting noise in grey levels. Each run
    /// comes with the factor turning what the network saw into grey levels.
    static func raw(_ runs: [(label: String, trace: Adversarial.Trace, toGrey: Float)], names: [String]) -> Figure {
        var panels: [Chart] = []
        for run in runs {
            let trace = run.trace
            let predictions = Adversarial.predictions(trace.final.logits, classes: trace.classes)
            let images = ImageGrid(
                title: "\(run.label): after \(trace.steps) iterations, predicted class and its probability",
                columns: trace.count,
                cells: (0..<trace.count).map { i in
                    ImageCell(image: Raster(rows: 28, columns: 28, values: Adversarial.image(trace.final.images, i, pixels: 784)
                                                .map { Double($0 * run.toGrey / 255) }),
                              title: predictedTitle(predictions[i].label, predictions[i].confidence, names: names),
                              isMarked: predictions[i].label != trace.targets[i])
                }, colorMap: .gray, normalization: .fixed(0...1), framed: true)
            let start = trace.snapshot(atStep: 0)!.images
            let change = ImageGrid(
                title: "\(run.label): change from the starting noise (grey levels), by target class", columns: trace.count,
                cells: (0..<trace.count).map { i in
                    let delta = zip(Adversarial.image(trace.final.images, i, pixels: 784), Adversarial.image(start, i, pixels: 784))
                        .map { Double(run.toGrey * ($0 - $1)) }
                    return ImageCell(image: Raster(rows: 28, columns: 28, values: delta), title: names[trace.targets[i]])
                }, colorMap: .diverging, normalization: .shared, colorBarLabel: "Δ grey level")
            panels += [.imageGrid(images), .imageGrid(change)]
        }
        return Figure(widthPoints: PrintSize.textWidth, heightPoints: Double(runs.count) * (compact(names) ? 190 : 210), columns: 1,
                      panels: panels)
    }

    /// Protocol (b): the images after the early checkpoint and at the end, then the
    /// class means they are compared with.
    static func adam(_ trace: Adversarial.Trace, early: Int, means: [[Float]], names: [String]) -> Figure {
        var cells: [ImageCell] = []
        for step in [early, trace.steps] {
            let s = trace.snapshot(atStep: step)!
            let p = Adversarial.predictions(s.logits, classes: trace.classes)
            for i in 0..<trace.count {
                cells.append(ImageCell(image: raster(s.images, i),
                                       title: predictedTitle(p[i].label, p[i].confidence, names: names),
                                       isMarked: p[i].label != i))
            }
        }
        for (k, mean) in means.enumerated() {
            cells.append(ImageCell(image: raster(mean, 0), title: (compact(names) ? "mean " : "mean\n") + names[k]))
        }
        return Figure(widthPoints: PrintSize.textWidth, heightPoints: compact(names) ? 200 : 230, .imageGrid(ImageGrid(
            title: "Predicted class and its probability after \(early) and \(trace.steps) steps; class means below",
            columns: trace.count, cells: cells, colorMap: .gray, normalization: .fixed(0...1), framed: true)))
    }

    /// A panel whose lines barely move on their own scale, redrawn as the change since
    /// the first iteration: `largest` is its largest change, `share` that change over the
    /// spread of all its values.
    struct FlatPanel { var label: String; var largest: Double; var share: Double }

    /// Below this share of the axis a line's whole change spans under 2 pt of a 100 pt
    /// panel: it reads as flat.
    static let flatShare = 0.02

    /// The target logit per iteration, one line per class, one panel per protocol. A
    /// panel whose lines would look flat draws each line's gain since the first
    /// iteration instead, so the change is visible; the panels so redrawn are returned
    /// for the caption to name.
    static func logits(_ runs: [(label: String, title: String, trace: Adversarial.Trace, xLabel: String)],
                       names: [String]) -> (figure: Figure, flat: [FlatPanel]) {
        var flat: [FlatPanel] = []
        let charts = runs.enumerated().map { k, run -> Chart in
            let lines = (0..<run.trace.count).map { i in run.trace.targetLogits.map { Double($0[i]) } }
            let values = lines.flatMap { $0 }
            let spread = (values.max() ?? 0) - (values.min() ?? 0)
            let change = lines.map { line in line.map { abs($0 - line[0]) }.max() ?? 0 }.max() ?? 0
            let isFlat = spread > 0 && change < flatShare * spread
            if isFlat { flat.append(FlatPanel(label: run.label, largest: change, share: change / spread)) }
            return .line(LineChart(title: run.title + (isFlat ? ": gain" : ""), xLabel: run.xLabel,
                                   yLabel: isFlat ? "Target logit − first" : "Target logit",
                                   series: lines.enumerated().map { i, line in
                                       Series(name: names[run.trace.targets[i]], x: line.indices.map(Double.init),
                                              y: isFlat ? line.map { $0 - line[0] } : line, style: .line, color: .cycle(i))
                                   }, legend: .none))
        }
        // One key under the three panels leaves each the full third of the width.
        let key = (0..<(runs.first?.trace.count ?? 0)).map { i in
            Series(name: names[runs[0].trace.targets[i]], x: [], y: [], style: .line, color: .cycle(i))
        }
        return (Figure(widthPoints: PrintSize.textWidth, heightPoints: 230, columns: charts.count, panels: charts, key: key), flat)
    }

    /// Correlation of every generated image with every class's mean training image.
    static func resemblance(_ correlations: [[Double]], names: [String]) -> Figure {
        Figure(widthPoints: 440, heightPoints: 360, .heatmap(Heatmap(
            xLabel: "Mean training image of class", yLabel: "Image grown for class",
            values: Raster(correlations), colorMap: .diverging, range: -1...1,
            xTickLabels: names, yTickLabels: names, annotation: .decimals(2), colorBarLabel: "Correlation")))
    }
}

/// The figures of 3.2.
enum TargetedFigures {
    /// Row a: the source image of class a on the diagonal, and in column b the image
    /// made to be classified as b, titled "looks · predicted" (only the predicted
    /// class when names are long: the row gives the other); failures are marked.
    static func grid(_ snapshot: Adversarial.Snapshot, pairs: [(source: Int, target: Int)], sources: [[Float]],
                     names: [String], title: String) -> Figure {
        let k = names.count
        let predicted = Adversarial.predictions(snapshot.logits, classes: k).map(\.label)
        var cells = [ImageCell?](repeating: nil, count: k * k)
        for a in 0..<k {
            cells[a * k + a] = ImageCell(image: NoiseFigures.raster(sources[a], 0), title: NoiseFigures.compact(names) ? "source \(names[a])" : names[a])
        }
        for (i, pair) in pairs.enumerated() {
            cells[pair.source * k + pair.target] = ImageCell(
                image: NoiseFigures.raster(snapshot.images, i),
                title: NoiseFigures.compact(names) ? "\(names[pair.source]) · \(names[predicted[i]])" : names[predicted[i]],
                isMarked: predicted[i] != pair.target)
        }
        let cellTitle = NoiseFigures.compact(names) ? "looks like · predicted" : "predicted class"
        return Figure(widthPoints: PrintSize.textWidth, heightPoints: 540, .imageGrid(ImageGrid(
            title: "\(title): row = source class, column = target class, title = \(cellTitle)", columns: k,
            cells: cells.map { $0! }, colorMap: .gray, normalization: .fixed(0...1), framed: true)))
    }

    /// Share of pairs classified as their target after every step, for each case.
    static func successCurves(_ traces: [Adversarial.Trace], labels: [String]) -> Figure {
        Figure(widthPoints: 420, heightPoints: 200, .line(LineChart(
            xLabel: "Adam step", yLabel: "Pairs classified as target (%)",
            series: traces.enumerated().map { k, t in
                Series(name: labels[k], x: t.hits.indices.map(Double.init),
                       y: t.hits.map { 100 * Double($0) / Double(t.count) }, style: .line, color: .cycle(k))
            }, yRange: 0...100, legend: .best)))
    }
}
