import FolioCharts
import FolioData
import FolioDocument
import FolioNN

/// 2.3: the feature maps of one test image after each convolution and pooling of
/// the best model, their channel means, and how sparse and ink-bound they are.
struct ActivationsChapter: Chapter {
    static let name = "activations"
    static let declaration = ContentDeclaration(
        values: """
            all_ink_bound? channels conv1_correlation conv1_enrichment conv1_field conv1_follows_image?
            conv1_ink_area conv1_ink_mass conv1_more_ink_bound? conv1_side conv1_silent conv1_silent_phrase
            conv1_strongest conv1_strongest_pattern conv1_traces conv1_zeros conv2_correlation
            conv2_enrichment conv2_field conv2_ink_area conv2_ink_mass conv2_side conv2_silent
            conv2_silent_phrase conv2_sparser? conv2_strongest conv2_traces conv2_traces_fewer? conv2_zeros
            correct? image_class image_index ink_threshold pool1_correlation pool1_enrichment pool1_field
            pool1_ink_area pool1_ink_mass pool1_side pool1_silent pool1_traces pool1_zeros pool2_correlation
            pool2_enrichment pool2_field pool2_ink_area pool2_ink_mass pool2_side pool2_silent pool2_traces
            pool2_zeros pool_denser? predicted_class probability protocol_epochs protocol_model
            protocol_validation traces_threshold
            """,
        figures: ["activations-conv1", "activations-conv2", "activations-means", "activations-pool1", "activations-pool2"],
        tables: ["activations-layers"])
    static let layers = ["conv1", "pool1", "conv2", "pool2"]

    func content(_ c: ChapterContext) throws -> SectionContent {
        let best = try OptimiserRuns.best(c)
        let test = c.testSet
        var rng = SeededGenerator(seed: c.seed, stream: "activations.image")
        let index = rng.below(test.count)
        let side = test.rows
        let pixels = test.image(index).map { Float($0) / 255 }
        let table = best.run.normalization.table
        let probabilities = best.model.probabilities(test.image(index).map { table[Int($0)] }, count: 1)
        let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        let label = Int(test.labels[index])

        var figures: [String: FigureContent] = [:]
        var activity: [LayerActivity] = []
        var means: [(String, Raster)] = []
        for layer in Self.layers {
            guard let a = best.model.activation(layer) else { throw ModelError("no activation \(layer)") }
            let (channels, h) = (a.shape[1], a.shape[2])
            let stats = ActivationStatistics.describe(layer, maps: a.values, channels: channels, side: h,
                                                      image: pixels, imageSide: side)
            activity.append(stats)
            let cells = (0..<channels).map { j in
                ImageCell(image: Raster(rows: h, columns: h, values: Array(a.values[(j * h * h)..<((j + 1) * h * h)])),
                          title: String(j))
            }
            figures["activations-\(layer)"] = FigureContent("", Figure(widthPoints: 450, heightPoints: 270,
                .imageGrid(ImageGrid(title: "After \(layer): \(channels) maps of \(h) × \(h) (channel 0–\(channels - 1))",
                                     columns: 8, cells: cells, colorMap: .viridis, normalization: .shared,
                                     colorBarLabel: "Activation"))))
            means.append(("\(layer), \(h) × \(h)",
                          Raster(rows: h, columns: h, values: ActivationStatistics.meanMap(a.values, channels: channels, side: h))))
        }
        let input = Heatmap(title: "input, \(side) × \(side)", values: Raster(rows: side, columns: side, values: pixels),
                            colorMap: .gray, range: 0...1, colorBarLabel: "Pixel")
        let ink = Heatmap(title: "ink (pixel > \(ActivationStatistics.inkThreshold))",
                          values: Raster(rows: side, columns: side, values: ActivationStatistics.inkMask(pixels).map { $0 ? 1.0 : 0 }),
                          colorMap: .gray, range: 0...1, showColorBar: false)
        let meanPanels = means.map { Chart.heatmap(Heatmap(title: $0.0, values: $0.1, colorMap: .viridis,
                                                           colorBarLabel: "Mean activation")) }
        figures["activations-means"] = FigureContent("", Figure(widthPoints: 450, heightPoints: 310, columns: 3,
                                                                panels: [.heatmap(input), meanPanels[0], meanPanels[1],
                                                                         .heatmap(ink), meanPanels[2], meanPanels[3]]))

        let fields = ActivationStatistics.receptiveFields(best.model.layers)
        let rows = activity.map { a in
            [a.name, "\(a.side)×\(a.side)", fields[a.name].map { "\($0)×\($0)" } ?? "—",
             Format.percent(a.zeroFraction, digits: 1), String(a.silentChannels), Format.percent(a.inkArea, digits: 1),
             Format.percent(a.inkMass, digits: 1), Format.decimal(a.inkEnrichment, digits: 2),
             a.imageCorrelation.map { Format.decimal($0, digits: 2) } ?? "—"]
        }
        let layerTable = TableContent(
            caption: "The four readouts (\(activity[0].channels) maps each) for test image \(index): map size, input field of a cell, sparsity, and where the activation lies.",
            header: ["layer", "size", "field", "zeros", "silent", "ink area", "on ink", "ratio", "r"],
            rows: rows, alignments: [.left, .left, .left, .right, .right, .right, .right, .right, .right])

        var values: [String: TemplateValue] = [
            "image_index": .plain(index), "image_class": .string(c.classNames[label]),
            "predicted_class": .string(c.classNames[predicted]), "correct": .bool(predicted == label),
            "probability": .percent(Double(probabilities[predicted])),
            "ink_threshold": .plain(ActivationStatistics.inkThreshold),
            "traces_threshold": .plain(ActivationStatistics.tracesAbove),
            "channels": .count(activity[0].channels),
        ]
        values.merge(AnalysedModelNote.values(c, kind: best.kind, run: best.run)) { $1 }
        // The strongest conv1 map, named by its filter's kind (2.1's table).
        let conv1Weights = ConvolutionWeights.all(of: best.model)[0]
        values["conv1_strongest_pattern"] = .string(
            FilterPattern(conv1Weights.kernel(output: activity[0].strongestChannel, input: 0)).group)
        for a in activity {
            values["\(a.name)_side"] = .count(a.side)
            values["\(a.name)_field"] = .count(fields[a.name] ?? 0)
            values["\(a.name)_zeros"] = .percent(a.zeroFraction, digits: 1)
            values["\(a.name)_silent"] = .count(a.silentChannels)
            values["\(a.name)_ink_area"] = .percent(a.inkArea, digits: 1)
            values["\(a.name)_ink_mass"] = .percent(a.inkMass, digits: 1)
            values["\(a.name)_enrichment"] = .decimal(a.inkEnrichment, digits: 2)
            values["\(a.name)_correlation"] = .decimal(a.imageCorrelation ?? .nan, digits: 2)
            values["\(a.name)_traces"] = .count(a.tracingChannels)
            // Pooling keeps a map's silence and (nearly always) its rank, so only the
            // convolutions' strongest and silent maps are named.
            if a.name.hasPrefix("conv") {
                values["\(a.name)_strongest"] = .plain(a.strongestChannel)
                values["\(a.name)_silent_phrase"] = .string(Self.silentPhrase(a.silentList))
            }
        }
        values["conv2_traces_fewer"] = .bool(activity[2].tracingChannels < activity[0].tracingChannels)
        let (conv1, pool1, conv2, pool2) = (activity[0], activity[1], activity[2], activity[3])
        values["conv2_sparser"] = .bool(conv2.zeroFraction > conv1.zeroFraction)
        values["pool_denser"] = .bool(pool1.zeroFraction < conv1.zeroFraction && pool2.zeroFraction < conv2.zeroFraction)
        values["all_ink_bound"] = .bool(activity.allSatisfy { $0.inkMass > $0.inkArea })
        values["conv1_more_ink_bound"] = .bool(conv1.inkEnrichment > pool2.inkEnrichment)
        values["conv1_follows_image"] = .bool((conv1.imageCorrelation ?? 0) > (conv2.imageCorrelation ?? 0))
        return SectionContent(values: values, figures: figures, tables: ["activations-layers": layerTable])
    }

    /// "no map is zero everywhere", "map 3 is zero everywhere", "maps 3 and 7 are …".
    static func silentPhrase(_ channels: [Int]) -> String {
        channels.isEmpty ? "no map is zero everywhere"
            : KernelFigures.filterList(channels, noun: "map") + (channels.count == 1 ? " is" : " are") + " zero everywhere"
    }
}
