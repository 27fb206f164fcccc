import FolioNN

/// Layer-by-layer facts about a network, read from its layers' hyperparameters and
/// shapes: what questions 1.3–1.5 derive (shapes, output sizes, parameter and neuron
/// counts). Every number comes from the model, so the answers cannot drift from it.
enum NetworkAnatomy {
    /// One layer with a short name by type and order ("conv1", "pool2", "fc1") and the
    /// per-example shapes around it.
    struct Step {
        let name: String
        /// The PyTorch module path, e.g. "conv_block.0".
        let module: String
        let layer: Layer
        let input: [Int]
        let output: [Int]
    }

    static func steps(_ model: Model) -> [Step] {
        var seen: [String: Int] = [:]
        return model.layers.enumerated().map { i, layer in
            let stem = shortStem(layer)
            seen[stem, default: 0] += 1
            let name = layer is Flatten ? stem : "\(stem)\(seen[stem]!)"
            return Step(name: name, module: layer.name, layer: layer, input: model.shapes[i], output: model.shapes[i + 1])
        }
    }

    private static func shortStem(_ layer: Layer) -> String {
        switch layer {
        case is Conv2d: return "conv"
        case is MaxPool2d: return "pool"
        case is Linear: return "fc"
        case is ReLU: return "relu"
        case is BatchNorm: return "bn"
        case is Flatten: return "flatten"
        default: return layer.typeName.lowercased()
        }
    }

    // MARK: Output sizes

    /// The side of a convolution's or pooling's output: ⌊(in + 2p − k) / s⌋ + 1.
    static func outputSide(input: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (input + 2 * padding - kernel) / stride + 1
    }

    /// The output-size formula applied to one spatial layer (square kernels, so the
    /// same numbers hold for height and width).
    struct SizeStep {
        let name: String
        let input: Int, kernel: Int, stride: Int, padding: Int
        var output: Int { NetworkAnatomy.outputSide(input: input, kernel: kernel, stride: stride, padding: padding) }
    }

    static func sizeSteps(_ model: Model) -> [SizeStep] {
        steps(model).compactMap { step in
            guard step.input.count == 3 else { return nil }
            if let conv = step.layer as? Conv2d {
                return SizeStep(name: step.name, input: step.input[1], kernel: conv.kernel, stride: conv.stride, padding: conv.padding)
            }
            if let pool = step.layer as? MaxPool2d {
                return SizeStep(name: step.name, input: step.input[1], kernel: pool.kernel, stride: pool.stride, padding: 0)
            }
            return nil
        }
    }

    // MARK: Parameters

    /// A layer's trainable parameters as weights × fan-in + biases, from its hyperparameters.
    struct ParameterStep {
        let name: String
        let kind: Kind
        /// Output units: filters, output features, or normalised channels.
        let units: Int
        /// The factors of one unit's fan-in: [in channels, k, k] or [in features]; empty for BN.
        let fanIn: [Int]
        let weights: Int
        let biases: Int
        var total: Int { weights + biases }

        enum Kind { case convolution, fullyConnected, batchNorm }
    }

    static func parameterSteps(_ model: Model) -> [ParameterStep] {
        steps(model).compactMap { step in
            switch step.layer {
            case let conv as Conv2d:
                let fanIn = [conv.inChannels, conv.kernel, conv.kernel]
                return ParameterStep(name: step.name, kind: .convolution, units: conv.outChannels, fanIn: fanIn,
                                     weights: conv.outChannels * fanIn.reduce(1, *), biases: conv.outChannels)
            case let linear as Linear:
                return ParameterStep(name: step.name, kind: .fullyConnected, units: linear.outFeatures, fanIn: [linear.inFeatures],
                                     weights: linear.outFeatures * linear.inFeatures, biases: linear.outFeatures)
            case let bn as BatchNorm:
                // A scale γ and a shift β per channel.
                return ParameterStep(name: step.name, kind: .batchNorm, units: bn.channels, fanIn: [],
                                     weights: bn.channels, biases: bn.channels)
            default:
                return nil
            }
        }
    }

    /// The non-trainable tensors (BatchNorm running statistics and batch counters).
    static func buffers(_ model: Model) -> [(name: String, count: Int)] {
        model.parameters.filter(\.isBuffer).map { ($0.name, $0.count) }
    }

    // MARK: Neurons

    /// One neuron per output unit of every convolution and fully connected layer.
    struct NeuronStep {
        let name: String
        let isConvolution: Bool
        let shape: [Int]
        var count: Int { shape.reduce(1, *) }
    }

    static func neuronSteps(_ model: Model) -> [NeuronStep] {
        steps(model).compactMap { step in
            guard step.layer is Conv2d || step.layer is Linear else { return nil }
            return NeuronStep(name: step.name, isConvolution: step.layer is Conv2d, shape: step.output)
        }
    }
}

extension Array where Element == Int {
    /// "32 × 28 × 28", the way shapes are written in prose and tables.
    var shapeText: String { map(Format.count).joined(separator: " × ") }
}
