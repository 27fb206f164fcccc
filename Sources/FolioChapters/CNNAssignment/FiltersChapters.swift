import FolioCharts
import FolioDocument
import FolioExperiments
import FolioNN

/// A trained network Part 2 looks inside, with the weights it started from.
struct VisualisedModel {
    /// Short name for prose and tables: "Adam", "SGD with batch norm".
    let name: String
    /// Whether its optimiser scales each weight's step by that weight's gradient history.
    let adaptive: Bool
    let kind: OptimizerKind
    /// Suffix of figure names: "best", "sgd-bn".
    let key: String
    let run: TrainingRun
    let epochs: Int
    let model: Model
    let initial: Model

    var convolutions: [ConvolutionWeights] { ConvolutionWeights.all(of: model) }
    var initialConvolutions: [ConvolutionWeights] { ConvolutionWeights.all(of: initial) }
}

enum VisualisedModels {
    /// 1.1's best model and, for contrast, plain SGD on the batch-norm network, both
    /// after the 5-epoch protocol.
    static func both(_ c: ChapterContext) throws -> [VisualisedModel] {
        let epochs = c.profile.epochs(OptimiserRuns.epochs)
        let best = try OptimiserRuns.best(c)
        let bn = try OptimiserRuns.run(c, .sgd, model: .simpleCNNBatchNorm)
        return [
            VisualisedModel(name: best.kind.displayName, adaptive: best.kind == .rmsprop || best.kind == .adam, kind: best.kind, key: "best", run: best.run, epochs: epochs, model: best.model,
                            initial: try Model(kind: best.run.config.model, seed: best.run.config.seed)),
            VisualisedModel(name: "SGD with batch norm", adaptive: false, kind: .sgd, key: "sgd-bn", run: bn, epochs: epochs,
                            model: try bn.model(atEpoch: epochs),
                            initial: try Model(kind: bn.config.model, seed: bn.config.seed)),
        ]
    }
}

/// Kernels drawn as a grid of small images with a colour bar, and their statistics
/// as table rows and prose values.
enum KernelFigures {
    /// `limit` fixes the colour scale to ±limit (zero in the middle), the same for both
    /// models so their figures compare; weights beyond it take the end colours.
    /// `marks`, when given, follow each cell's number (0-based, as PyTorch numbers channels).
    static func grid(_ kernels: [[Float]], side: Int, columns: Int, title: String, numbered: Bool,
                     colorMap: ColorMap, limit: Double, width: Double, height: Double, marks: [String]? = nil,
                     indices: GridIndices? = nil) -> Figure {
        let cells = kernels.enumerated().map { k, w in
            ImageCell(image: Raster(rows: side, columns: side, values: w.map { max(-limit, min(limit, Double($0))) }),
                      title: numbered ? [String(k), marks?[k] ?? ""].filter { !$0.isEmpty }.joined(separator: " ") : nil)
        }
        return Figure(widthPoints: width, heightPoints: height, .imageGrid(ImageGrid(
            title: title, columns: columns, cells: cells, colorMap: colorMap, normalization: .fixed(-limit...limit),
            framed: colorMap == .gray, colorBarLabel: "Weight", indices: indices)))
    }

    /// The largest |w| of the given weights, or its `quantile` when outliers would
    /// wash out the rest of the scale.
    static func limit(_ weights: [[Float]], quantile: Double = 1) -> Double {
        let magnitudes = weights.flatMap { $0 }.map { abs(Double($0)) }.sorted()
        guard !magnitudes.isEmpty else { return 1 }
        let k = min(magnitudes.count - 1, Int((quantile * Double(magnitudes.count - 1)).rounded()))
        return max(magnitudes[k], 1e-9)
    }

    /// A table row; `change` is nil for initial weights.
    static func row(_ name: String, _ weights: String, _ s: KernelStatistics, change: Double?) -> [String] {
        [name, weights, Format.decimal(s.meanAbsolute, digits: 3), String(s.mixedSign), String(s.balanced),
         String(s.oriented), change.map { Format.percent($0, digits: 1) } ?? "—"]
    }

    static let header = ["model", "weights", "mean |w|", "mixed sign", "balanced", "oriented", "moved"]
    static let alignments: [Alignment] = [.left, .left, .right, .right, .right, .right, .right]

    /// Statistics of a model's layer, trained and initial, as values and two table rows.
    static func measure(_ m: VisualisedModel, layer: Int, prefix: String)
        -> (trained: KernelStatistics, change: Double, values: [String: TemplateValue], rows: [[String]]) {
        let w = m.convolutions[layer], w0 = m.initialConvolutions[layer]
        let trained = KernelStatistics(w.kernels), initial = KernelStatistics(w0.kernels)
        let change = KernelStatistics.relativeChange(w.values, from: w0.values)
        let values: [String: TemplateValue] = [
            "\(prefix)_name": .string(m.name),
            "\(prefix)_min": .decimal(trained.minimum, digits: 3), "\(prefix)_max": .decimal(trained.maximum, digits: 3),
            "\(prefix)_mean_abs": .decimal(trained.meanAbsolute, digits: 3),
            "\(prefix)_init_mean_abs": .decimal(initial.meanAbsolute, digits: 3),
            "\(prefix)_mixed": .count(trained.mixedSign),
            "\(prefix)_change": .percent(change, digits: 1),
            "\(prefix)_balanced_change": .string(movement(trained.balanced, from: initial.balanced)),
            "\(prefix)_oriented_change": .string(movement(trained.oriented, from: initial.oriented)),
        ]
        return (trained, change, values,
                [row(m.name, "trained", trained, change: change), row("", "initial", initial, change: nil)])
    }

    /// How a count moved in training, worded for equal values too: "rose from 1 to 3",
    /// "fell from 26 to 22", "stayed at 28".
    static func movement(_ now: Int, from start: Int) -> String {
        now == start ? "stayed at \(Format.count(now))"
            : "\(now > start ? "rose" : "fell") from \(Format.count(start)) to \(Format.count(now))"
    }

    /// "filter 5", "filters 3 and 7", "filters 3, 7 and 12" (0-based channel numbers).
    static func filterList(_ filters: [Int], noun: String = "filter") -> String {
        let n = filters.map(String.init)
        switch n.count {
        case 0: return "no \(noun)"
        case 1: return "\(noun) \(n[0])"
        default: return "\(noun)s " + n.dropLast().joined(separator: ", ") + " and " + n.last!
        }
    }

    /// Values comparing the two models' statistics (first = best model).
    static func comparison(_ a: KernelStatistics, _ b: KernelStatistics, changeA: Double, changeB: Double)
        -> [String: TemplateValue] {
        let ratio = a.meanAbsolute / b.meanAbsolute
        return [
            "best_larger": .bool(ratio > 1),
            "magnitude_ratio": .decimal(ratio >= 1 ? ratio : 1 / ratio, digits: 2),
            "best_moved_more": .bool(changeA > changeB),
        ]
    }
}

/// 2.1: the 32 first-layer 3 × 3 filters of both models, and what they measure.
struct FirstLayerFiltersChapter: Chapter {
    static let name = "first-layer-filters"
    static let declaration = ContentDeclaration(
        values: """
            balance_threshold best_adaptive? best_balanced_change best_change best_detectors best_dot_count
            best_edge_count best_init_mean_abs best_larger? best_line_count best_max best_mean_abs best_min
            learning_rate
            best_mixed best_mixed_count best_moved_more? best_name best_oriented_change brightness_filters
            detector_threshold detectors_p detectors_significant? edge_directions epochs filters
            fit_threshold gained has_brightness? has_dot? has_edge? has_line? init_detectors init_dot_count
            init_edge_count init_line_count init_mixed_count limit lost magnitude_ratio more_detectors?
            other_balanced_change other_change other_init_mean_abs other_max other_mean_abs other_min
            other_mixed other_name other_oriented_change protocol_epochs protocol_model protocol_validation
            top_dot top_dot_fit top_dot_on? top_edge top_edge_angle top_edge_direction top_edge_fit top_line
            top_line_fit top_line_group
            """,
        figures: ["filters-conv1-best", "filters-conv1-sgd-bn"],
        tables: ["filters-conv1-detectors", "filters-conv1-stats"])

    func content(_ c: ChapterContext) throws -> SectionContent {
        let models = try VisualisedModels.both(c)
        var values: [String: TemplateValue] = [:]
        var figures: [String: FigureContent] = [:]
        var rows: [[String]] = []
        var stats: [KernelStatistics] = [], changes: [Double] = []
        let limit = KernelFigures.limit(models.map { $0.convolutions[0].values })
        for (m, prefix) in zip(models, ["best", "other"]) {
            let conv1 = m.convolutions[0]
            let measured = KernelFigures.measure(m, layer: 0, prefix: prefix)
            stats.append(measured.trained); changes.append(measured.change)
            values.merge(measured.values) { $1 }
            rows += measured.rows
            figures["filters-conv1-\(m.key)"] = FigureContent("", KernelFigures.grid(
                conv1.kernels, side: conv1.side, columns: 8, title: "conv1 filters: \(m.name), \(m.epochs) epochs",
                numbered: true, colorMap: .gray, limit: limit, width: 450, height: 250,
                marks: FilterGroups(conv1.kernels).patterns.map(\.symbol)))
        }
        values["limit"] = .decimal(limit, digits: 3)
        values.merge(KernelFigures.comparison(stats[0], stats[1], changeA: changes[0], changeB: changes[1])) { $1 }
        values["best_adaptive"] = .bool(models[0].adaptive)
        values["filters"] = .count(stats[0].count)
        values["epochs"] = .count(models[0].epochs)
        values["learning_rate"] = .number(OptimiserRuns.learningRate)
        values["balance_threshold"] = .plain(KernelStatistics.balancedBelow)
        values["fit_threshold"] = .plain(KernelStatistics.orientedAbove)
        values.merge(AnalysedModelNote.values(c, kind: models[0].kind, run: models[0].run)) { $1 }
        let (detectorValues, detectorTable) = FilterDetectorReport.make(models)
        values.merge(detectorValues) { $1 }
        let table = TableContent(
            caption: "The \(stats[0].count) first-layer filters of each model, trained and at initialisation: mean magnitude, filters of mixed sign, balanced and oriented filters (counts), and how far training moved the layer.",
            header: KernelFigures.header, rows: rows, alignments: KernelFigures.alignments)
        return SectionContent(values: values, figures: figures,
                              tables: ["filters-conv1-stats": table, "filters-conv1-detectors": detectorTable])
    }
}

/// 2.2: the second layer's kernels: those reading input channel 0, and all 1,024.
struct SecondLayerFiltersChapter: Chapter {
    static let name = "second-layer-filters"
    static let declaration = ContentDeclaration(
        values: """
            best_balanced_change best_change best_channel_rank best_init_mean_abs best_larger? best_max
            best_mean_abs best_min best_mixed best_moved_more? best_name best_norm_spread
            best_oriented_change best_out_median best_strongest[channel kind norm separator]
            best_strongest_out[channel norm separator] best_weakest_channel best_weakest_kind channels
            epochs index_step input_channel input_channel_pattern kernels limit magnitude_ratio other_balanced_change
            other_change other_channel_rank other_init_mean_abs other_max other_mean_abs other_min
            other_mixed other_name other_norm_spread other_oriented_change other_out_median
            other_strongest[channel kind norm separator] other_strongest_out[channel norm separator]
            other_weakest_channel other_weakest_kind protocol_epochs protocol_model protocol_validation
            quantile
            """,
        figures: ["filters-conv2-channel0-best", "filters-conv2-channel0-sgd-bn", "filters-conv2-grid-best", "filters-conv2-grid-sgd-bn"],
        tables: ["filters-conv2-stats"])
    /// The input channel whose 32 kernels are shown one per output channel.
    static let inputChannel = 0
    static let quantile = 0.99
    /// The 32 × 32 grids number every fourth row and column: 8 pt numbers fit no closer.
    static let indexStep = 4

    func content(_ c: ChapterContext) throws -> SectionContent {
        let models = try VisualisedModels.both(c)
        let channel = Self.inputChannel
        var values: [String: TemplateValue] = [:]
        var figures: [String: FigureContent] = [:]
        var rows: [[String]] = []
        var stats: [KernelStatistics] = [], changes: [Double] = []
        // One scale for both models; the top 1 % of magnitudes saturate rather than
        // wash out everything else.
        let limit = KernelFigures.limit(models.map { $0.convolutions[1].values }, quantile: Self.quantile)
        for (m, prefix) in zip(models, ["best", "other"]) {
            let conv2 = m.convolutions[1]
            let measured = KernelFigures.measure(m, layer: 1, prefix: prefix)
            stats.append(measured.trained); changes.append(measured.change)
            values.merge(measured.values) { $1 }
            rows += measured.rows
            // Which first-layer channels the second layer listens to most.
            let norms = conv2.inputChannelNorms
            let order = norms.indices.sorted { norms[$0] > norms[$1] }
            // Each input channel is a first-layer filter; 2.1 named what it detects.
            let kinds = FilterGroups(m.convolutions[0].kernels).patterns.map(\.group)
            values["\(prefix)_strongest"] = .list(order.prefix(3).enumerated().map { k, i in
                .object(["channel": .plain(i), "norm": .decimal(norms[i], digits: 2),
                         "kind": .string(kinds[i]), "separator": .string(k == 2 ? "" : k == 1 ? " and " : ", ")])
            })
            values["\(prefix)_weakest_channel"] = .plain(order.last!)
            values["\(prefix)_weakest_kind"] = .string(kinds[order.last!])
            values["\(prefix)_norm_spread"] = .decimal(norms[order.first!] / max(norms[order.last!], 1e-12), digits: 1)
            // Rows of the grid: how unequal the output channels' kernel stacks are.
            let outNorms = conv2.outputChannelNorms
            let outOrder = outNorms.indices.sorted { outNorms[$0] > outNorms[$1] }
            values["\(prefix)_strongest_out"] = .list(outOrder.prefix(3).enumerated().map { k, o in
                .object(["channel": .plain(o), "norm": .decimal(outNorms[o], digits: 2),
                         "separator": .string(k == 2 ? "" : k == 1 ? " and " : ", ")])
            })
            values["\(prefix)_out_median"] = .decimal(outNorms.sorted()[outNorms.count / 2], digits: 2)
            let column = (0..<conv2.outChannels).map { conv2.kernel(output: $0, input: channel) }
            values["\(prefix)_channel_rank"] = .count(order.firstIndex(of: channel)! + 1)
            figures["filters-conv2-channel\(channel)-\(m.key)"] = FigureContent("", KernelFigures.grid(
                column, side: conv2.side, columns: 8,
                title: "conv2 kernels on input channel \(channel): \(m.name)",
                numbered: true, colorMap: .gray, limit: limit, width: 450, height: 250))
            figures["filters-conv2-grid-\(m.key)"] = FigureContent("", KernelFigures.grid(
                conv2.kernels, side: conv2.side, columns: conv2.inChannels,
                title: "conv2: all \(Format.count(conv2.outChannels * conv2.inChannels)) kernels of \(m.name)",
                numbered: false, colorMap: .diverging, limit: limit, width: PrintSize.textWidth, height: 430,
                indices: GridIndices(rowTitle: "output channel o", columnTitle: "input channel i", step: Self.indexStep)))
        }
        values.merge(KernelFigures.comparison(stats[0], stats[1], changeA: changes[0], changeB: changes[1])) { $1 }
        values["kernels"] = .count(stats[0].count)
        values["limit"] = .decimal(limit, digits: 3)
        values["quantile"] = .string("\(Int((Self.quantile * 100).rounded()))th percentile")
        values["input_channel"] = .plain(channel)
        values["index_step"] = .count(Self.indexStep)
        values["input_channel_pattern"] = .string(FilterPattern(models[0].convolutions[0].kernel(output: channel, input: 0)).group)
        values.merge(AnalysedModelNote.values(c, kind: models[0].kind, run: models[0].run)) { $1 }
        values["channels"] = .count(models[0].convolutions[1].inChannels)
        values["epochs"] = .count(models[0].epochs)
        let table = TableContent(
            caption: "The \(Format.count(stats[0].count)) second-layer kernels of each model, trained and at initialisation, measured as in question 2.1.",
            header: KernelFigures.header, rows: rows, alignments: KernelFigures.alignments)
        return SectionContent(values: values, figures: figures, tables: ["filters-conv2-stats": table])
    }
}
