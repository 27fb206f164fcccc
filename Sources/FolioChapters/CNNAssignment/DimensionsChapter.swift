import FolioDocument
import FolioExperiments
import FolioNN

/// 1.3: every layer's input and output shape, the output-size formula with the
/// network's own numbers, and the torchsummary-style summary.
struct DimensionsChapter: Chapter {
    static let name = "dimensions"
    static let declaration = ContentDeclaration(
        values: """
            conv_kernel conv_padding conv_stride convs_keep_size? fc1_inputs flatten_features flatten_shape
            input_mb input_shape input_values largest_layer largest_values module_tensors mostly_weights? output_shape
            output_values parameters params_mb pass_mb pool_kernel pools_halve? side_in side_out
            size_steps[input kernel name output padding stride] summary_layers total_mb
            """,
        tables: ["dimensions-layers"],
        listings: ["dimensions-module", "dimensions-summary"])

    func content(_ c: ChapterContext) throws -> SectionContent {
        let model = try Model(kind: .simpleCNN, seed: c.seed)
        let steps = NetworkAnatomy.steps(model)
        // Layers named as torchsummary names them ("Conv2d-1"), in the table and in the
        // formulas, like every layer table of the reports.
        let summaryNames = model.layerRows(inputShape: model.inputShape).map(\.layer)
        precondition(summaryNames.count == steps.count, "every layer of the SimpleCNN is a summary row")
        let displayName = Dictionary(uniqueKeysWithValues: zip(steps.map(\.name), summaryNames))
        let layerTable = TableContent(
            caption: "Input and output shape of every layer of the SimpleCNN for one image (computed from the model).",
            header: ["layer", "operation", "input shape", "output shape"],
            rows: zip(summaryNames, steps).map { [$0, Self.operation($1.layer), $1.input.shapeText, $1.output.shapeText] },
            alignments: [.left, .left, .right, .right])

        let sizes = NetworkAnatomy.sizeSteps(model)
        let convs = sizes.filter { $0.name.hasPrefix("conv") }, pools = sizes.filter { $0.name.hasPrefix("pool") }
        let flatten = steps.first { $0.layer is Flatten }!
        let firstFC = steps.first { $0.layer is Linear }!.layer as! Linear

        let rows = model.layerRows(inputShape: model.inputShape)
        let summary = SummarySizes(rows: rows, inputShape: model.inputShape)
        let largest = steps.max { $0.output.reduce(1, *) < $1.output.reduce(1, *) }!
        return SectionContent(values: [
            "input_shape": .string(model.inputShape.shapeText),
            "output_shape": .string(steps.last!.output.shapeText),
            "size_steps": .list(sizes.map { s in
                .object(["name": .string(displayName[s.name] ?? s.name), "input": .plain(s.input), "kernel": .plain(s.kernel),
                         "stride": .plain(s.stride), "padding": .plain(s.padding),
                         "output": .plain(s.output)])
            }),
            "conv_kernel": .plain(convs.first?.kernel ?? 0), "conv_padding": .plain(convs.first?.padding ?? 0),
            "conv_stride": .plain(convs.first?.stride ?? 0),
            // The claims about sizes are checked, not assumed.
            "convs_keep_size": .bool(convs.allSatisfy { $0.output == $0.input }),
            "pools_halve": .bool(pools.allSatisfy { $0.output == $0.input / 2 }),
            "pool_kernel": .plain(pools.first?.kernel ?? 0),
            "side_in": .plain(sizes.first?.input ?? 0), "side_out": .plain(sizes.last?.output ?? 0),
            "flatten_shape": .string(flatten.input.shapeText), "flatten_features": .count(flatten.output[0]),
            "fc1_inputs": .count(firstFC.inFeatures),
            "summary_layers": .count(rows.count),
            "largest_layer": .string(displayName[largest.name] ?? largest.name), "largest_values": .count(largest.output.reduce(1, *)),
            "output_values": .count(summary.outputValues), "input_values": .count(summary.inputValues),
            "parameters": .count(summary.parameters),
            "input_mb": .decimal(summary.inputMB, digits: 2, unit: "MB"), "pass_mb": .decimal(summary.forwardBackwardMB, digits: 2, unit: "MB"),
            "params_mb": .decimal(summary.parametersMB, digits: 2, unit: "MB"), "total_mb": .decimal(summary.totalMB, digits: 2, unit: "MB"),
            "mostly_weights": .bool(summary.parametersMB > summary.totalMB / 2),
            "module_tensors": .count(model.namedTensors().count),
        ], tables: ["dimensions-layers": layerTable],
           listings: ["dimensions-summary": ListingContent(caption: "Summary of the SimpleCNN in the layout of torchsummary, computed from the model.",
                                                           text: model.summary()),
                      "dimensions-module": ListingContent(caption: "The SimpleCNN as PyTorch's print(model) shows it, written from Folio's layer list.",
                                                          text: ModelKind.simpleCNN.pytorchDescription)])
    }

    /// What a layer does, in the words of the table.
    static func operation(_ layer: Layer) -> String {
        switch layer {
        case let conv as Conv2d:
            return "convolution, \(conv.outChannels) filters \(conv.kernel) × \(conv.kernel), stride \(conv.stride), padding \(conv.padding)"
        case let pool as MaxPool2d:
            return "max pooling \(pool.kernel) × \(pool.kernel), stride \(pool.stride)"
        case let linear as Linear:
            return "fully connected, \(Format.count(linear.inFeatures)) → \(Format.count(linear.outFeatures))"
        case is ReLU: return "ReLU"
        case is Flatten: return "flatten"
        case let bn as BatchNorm: return "\(bn.typeName)(\(bn.channels))"
        default: return layer.typeName
        }
    }
}
