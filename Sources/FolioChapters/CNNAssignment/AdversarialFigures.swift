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
        return Figure(widthPoints: 500, heightPoints: Double(runs.count) * (compact(names) ? 190 : 210), columns: 1,
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
        return Figure(widthPoints: 500, heightPoints: compact(names) ? 200 : 230, .imageGrid(ImageGrid(
            title: "Predicted class and its probability after \(early) and \(trace.steps) steps; class means below",
            columns: trace.count, cells: cells, colorMap: .gray, normalization: .fixed(0...1), framed: true)))
    }

    /// The target logit per iteration, one line per class, one panel per protocol.
    static func logits(_ runs: [(title: String, trace: Adversarial.Trace, xLabel: String)], names: [String]) -> Figure {
        let charts = runs.enumerated().map { k, run -> Chart in
            .line(LineChart(title: run.title, xLabel: run.xLabel, yLabel: "Target logit",
                            series: (0..<run.trace.count).map { i in
                                Series(name: names[run.trace.targets[i]], x: run.trace.targetLogits.indices.map(Double.init),
                                       y: run.trace.targetLogits.map { Double($0[i]) }, style: .line, color: .cycle(i))
                            }, legend: k == runs.count - 1 ? .outsideRight : LegendPlacement.none))
        }
        return Figure(widthPoints: 500, heightPoints: 200, columns: charts.count, panels: charts)
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
        return Figure(widthPoints: 470, heightPoints: 540, .imageGrid(ImageGrid(
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
