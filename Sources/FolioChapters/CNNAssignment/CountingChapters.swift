import FolioDocument
import FolioExperiments
import FolioNN

/// 1.4: parameters derived layer by layer from the layers' shapes, for the SimpleCNN
/// and its batch-norm variant (whose running statistics are buffers, not parameters).
struct ParametersChapter: Chapter {
    static let name = "parameters"
    static let declaration = ContentDeclaration(
        values: """
            bn_added bn_buffer_tensors bn_buffer_values bn_counters bn_matches_model? bn_model_total
            bn_statistics bn_steps[last? name total units] bn_stored bn_total conv_share conv_steps[biases
            fan_in name total units weights] conv_sum conv_total fc_steps[biases fan_in name total units
            weights] fc_sum fc_total largest_fan_in largest_layer largest_share largest_units matches_model?
            model_total total
            """,
        tables: ["parameters-batchnorm"])

    func content(_ c: ChapterContext) throws -> SectionContent {
        let model = try Model(kind: .simpleCNN, seed: c.seed)
        let steps = NetworkAnatomy.parameterSteps(model)
        let convs = steps.filter { $0.kind == .convolution }, fcs = steps.filter { $0.kind == .fullyConnected }
        let conv = convs.reduce(0) { $0 + $1.total }, fc = fcs.reduce(0) { $0 + $1.total }
        let total = conv + fc
        let largest = steps.max { $0.total < $1.total }!

        let bnModel = try Model(kind: .simpleCNNBatchNorm, seed: c.seed)
        let bnLayers = NetworkAnatomy.steps(bnModel)
        let bnSteps = NetworkAnatomy.parameterSteps(bnModel).filter { $0.kind == .batchNorm }
        let bnAdded = bnSteps.reduce(0) { $0 + $1.total }
        let buffers = NetworkAnatomy.buffers(bnModel)
        let statistics = buffers.filter { !$0.name.hasSuffix("num_batches_tracked") }
        let counters = buffers.count - statistics.count
        let bufferValues = buffers.reduce(0) { $0 + $1.count }
        let bnRows: [[String]] = bnSteps.map { step in
            let index = bnLayers.firstIndex { $0.name == step.name }!
            let layer = bnLayers[index].layer as! BatchNorm
            return [step.name, bnLayers[index - 1].name, layer.typeName, Format.count(step.units),
                    Format.count(step.total), Format.count(2 * step.units), "1"]
        }
        let bnTable = TableContent(
            caption: "The batch-norm layers of the variant. γ, β: the trained scale and shift; running statistics: the running mean and variance; counter: batches seen. Only γ and β are parameters.",
            header: ["layer", "after", "type", "channels", "γ, β", "running statistics", "counter"],
            rows: bnRows + [["total", "", "", "", Format.count(bnAdded), Format.count(bufferValues - counters), Format.count(counters)]],
            alignments: [.left, .left, .left, .right, .right, .right, .right])

        func stepValue(_ s: NetworkAnatomy.ParameterStep) -> TemplateValue {
            .object(["name": .string(s.name), "units": .count(s.units),
                     "fan_in": .string(s.fanIn.map(Format.count).joined(separator: " · ")),
                     "weights": .count(s.weights), "biases": .count(s.biases), "total": .count(s.total)])
        }
        func sum(_ steps: [NetworkAnatomy.ParameterStep]) -> String { steps.map { Format.count($0.total) }.joined(separator: " + ") }
        return SectionContent(values: [
            "conv_steps": .list(convs.map(stepValue)), "fc_steps": .list(fcs.map(stepValue)),
            "conv_sum": .string(sum(convs)), "fc_sum": .string(sum(fcs)),
            "conv_total": .count(conv), "fc_total": .count(fc), "total": .count(total),
            // The derivation from hyperparameters against the model's tensors.
            "matches_model": .bool(total == model.parameterCount && conv == model.convolutionalParameterCount
                                   && fc == model.fullyConnectedParameterCount),
            "model_total": .count(model.parameterCount),
            "largest_layer": .string(largest.name), "largest_share": .percent(Double(largest.total) / Double(total), digits: 1),
            "largest_fan_in": .count(largest.fanIn.reduce(1, *)), "largest_units": .count(largest.units),
            "conv_share": .percent(Double(conv) / Double(total), digits: 1),
            "bn_steps": .list(bnSteps.enumerated().map { k, s in
                .object(["name": .string(s.name), "units": .count(s.units), "total": .count(s.total),
                         "last": .bool(k == bnSteps.count - 1)])
            }),
            "bn_added": .count(bnAdded), "bn_total": .count(total + bnAdded),
            "bn_matches_model": .bool(total + bnAdded == bnModel.parameterCount),
            "bn_model_total": .count(bnModel.parameterCount),
            "bn_statistics": .count(bufferValues - counters), "bn_counters": .count(counters),
            "bn_buffer_values": .count(bufferValues), "bn_buffer_tensors": .count(buffers.count),
            "bn_stored": .count(bnModel.parameters.reduce(0) { $0 + $1.count }),
        ], tables: ["parameters-batchnorm": bnTable])
    }
}

/// 1.5: neurons, one per output unit of each convolution and fully connected layer,
/// counted from the layers' output shapes.
struct NeuronsChapter: Chapter {
    static let name = "neurons"
    static let declaration = ContentDeclaration(
        values: """
            conv_neuron_share conv_parameter_share conv_steps[count name shape] conv_sum conv_total
            fc_steps[count name] fc_sum fc_total filter_total filters hidden_total matches_model?
            model_total output_layer output_units total
            """)

    func content(_ c: ChapterContext) throws -> SectionContent {
        let model = try Model(kind: .simpleCNN, seed: c.seed)
        let steps = NetworkAnatomy.neuronSteps(model)
        let convs = steps.filter(\.isConvolution), fcs = steps.filter { !$0.isConvolution }
        let conv = convs.reduce(0) { $0 + $1.count }, fc = fcs.reduce(0) { $0 + $1.count }
        let total = conv + fc
        let parameters = NetworkAnatomy.parameterSteps(model)
        let convParameters = parameters.filter { $0.kind == .convolution }.reduce(0) { $0 + $1.total }
        let allParameters = parameters.reduce(0) { $0 + $1.total }
        let filters = model.layers.compactMap { $0 as? Conv2d }.reduce(0) { $0 + $1.outChannels }
        let output = steps.last!

        func stepValue(_ s: NetworkAnatomy.NeuronStep) -> TemplateValue {
            .object(["name": .string(s.name), "shape": .string(s.shape.shapeText), "count": .count(s.count)])
        }
        func unitValue(_ s: NetworkAnatomy.NeuronStep) -> TemplateValue { .object(["name": .string(s.name), "count": .count(s.count)]) }
        func sum(_ steps: [NetworkAnatomy.NeuronStep]) -> String { steps.map { Format.count($0.count) }.joined(separator: " + ") }
        return SectionContent(values: [
            "conv_steps": .list(convs.map(stepValue)), "fc_steps": .list(fcs.map(unitValue)),
            "conv_sum": .string(sum(convs)), "fc_sum": .string(sum(fcs)),
            "conv_total": .count(conv), "fc_total": .count(fc), "total": .count(total),
            "matches_model": .bool(total == model.neuronCount && conv == model.convolutionalNeuronCount),
            "model_total": .count(model.neuronCount),
            "conv_neuron_share": .percent(Double(conv) / Double(total), digits: 1),
            "conv_parameter_share": .percent(Double(convParameters) / Double(allParameters), digits: 1),
            "output_layer": .string(output.name), "output_units": .count(output.count),
            "hidden_total": .count(total - output.count),
            "filters": .count(filters), "filter_total": .count(filters + fc),
        ])
    }
}
