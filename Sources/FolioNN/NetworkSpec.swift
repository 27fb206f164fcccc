import FolioData

/// One layer of a network, described as data. The engine builds the matching
/// `Layer`; the networks themselves (which layers, how wide) belong to whoever
/// trains them, so FolioNN knows no network by name.
public enum LayerSpec: Hashable, Sendable {
    /// PyTorch's `nn.Conv2d(inChannels, outChannels, kernel, stride, padding)`.
    case conv2d(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0)
    /// `nn.BatchNorm2d(channels)` on [C, H, W] inputs.
    case batchNorm2d(channels: Int)
    /// `nn.BatchNorm1d(features)` on [F] inputs.
    case batchNorm1d(features: Int)
    case relu
    /// `nn.MaxPool2d(kernel, stride)`; the stride defaults to the kernel, as in PyTorch.
    case maxPool2d(kernel: Int, stride: Int? = nil)
    case flatten
    /// `nn.Dropout(p)`, drawing its masks from the trainer's (seed, epoch) stream.
    case dropout(p: Float)
    /// `nn.Linear(inFeatures, outFeatures)`.
    case linear(inFeatures: Int, outFeatures: Int)
    /// log(softmax(x)) over the classes; a network ending in it trains with NLL.
    case logSoftmax

    /// This layer under a PyTorch module name ("conv1", "conv_block.0"), which names
    /// its tensors in checkpoints.
    public func named(_ name: String) -> NetworkSpec.NamedLayer { NetworkSpec.NamedLayer(name: name, spec: self) }
}

/// A network described as data: the per-sample input shape and the layers in
/// forward order, each under its PyTorch module name. `Model(network:seed:)` builds it.
public struct NetworkSpec: Hashable, Sendable {
    public struct NamedLayer: Hashable, Sendable {
        public var name: String
        public var spec: LayerSpec
        public init(name: String, spec: LayerSpec) { self.name = name; self.spec = spec }
    }

    /// Names the network in errors and checkpoints, and names the random stream its
    /// initial weights are drawn from ("init." + name): two networks with the same
    /// layers but different names start from different weights.
    public var name: String
    /// Per-sample input shape in PyTorch order, [C, H, W].
    public var inputShape: [Int]
    public var layers: [NamedLayer]

    public init(name: String, inputShape: [Int] = [1, 28, 28], layers: [NamedLayer]) {
        self.name = name; self.inputShape = inputShape; self.layers = layers
    }

    /// The layers as an ordered list of module name: layer, as PyTorch's
    /// `nn.Sequential(OrderedDict(...))` lists them.
    public init(name: String, inputShape: [Int] = [1, 28, 28], layers: KeyValuePairs<String, LayerSpec>) {
        self.init(name: name, inputShape: inputShape, layers: layers.map { $0.value.named($0.key) })
    }

    /// Networks ending in log-softmax train with NLL; the others with cross-entropy on logits.
    public var loss: LossKind { layers.last?.spec == .logSoftmax ? .nll : .crossEntropy }

    /// The layers with PyTorch's default initialisation, drawn from the seed's
    /// "init.<name>" stream in forward order (weights before biases), so the same
    /// seed and name always give the same weights.
    func makeLayers(seed: UInt64) -> [Layer] {
        var rng = SeededGenerator(seed: seed, stream: "init." + name)
        return layers.map { layer -> Layer in
            let name = layer.name
            switch layer.spec {
            case let .conv2d(inChannels, outChannels, kernel, stride, padding):
                return Conv2d(name: name, inChannels: inChannels, outChannels: outChannels, kernel: kernel,
                              stride: stride, padding: padding, rng: &rng)
            case let .batchNorm2d(channels): return BatchNorm(name: name, channels: channels, spatial: true)
            case let .batchNorm1d(features): return BatchNorm(name: name, channels: features, spatial: false)
            case .relu: return ReLU(name: name)
            case let .maxPool2d(kernel, stride): return MaxPool2d(name: name, kernel: kernel, stride: stride)
            case .flatten: return Flatten(name: name)
            case let .dropout(p): return Dropout(name: name, p: p)
            case let .linear(inFeatures, outFeatures):
                return Linear(name: name, inFeatures: inFeatures, outFeatures: outFeatures, rng: &rng)
            case .logSoftmax: return LogSoftmax(name: name)
            }
        }
    }
}

extension NetworkSpec {
    /// Layers named as an `nn.Sequential` attribute names its modules: "<prefix>.0",
    /// "<prefix>.1", … in order.
    public static func sequential(_ prefix: String, _ specs: [LayerSpec]) -> [NamedLayer] {
        specs.enumerated().map { $0.element.named("\(prefix).\($0.offset)") }
    }
}
