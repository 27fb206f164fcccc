import FolioNN

/// The networks of the two assignments, by the identifiers that cache keys, file
/// names and the command line use. The raw values are part of every cached
/// training run's key: renaming one would orphan its runs.
public enum ModelKind: String, CaseIterable, Sendable, Codable {
    case simpleCNN = "simple-cnn"
    case simpleCNNBatchNorm = "simple-cnn-bn"
    case smallCNN = "small-cnn"
    case mlp
    case deepCNN = "deep-cnn"

    public var displayName: String {
        switch self {
        case .simpleCNN: return "SimpleCNN"
        case .simpleCNNBatchNorm: return "SimpleCNN with batch norm"
        case .smallCNN: return "small CNN"
        case .mlp: return "MLP"
        case .deepCNN: return "deeper CNN"
        }
    }

    /// The network as layers, named as the notebooks' PyTorch modules name them so
    /// checkpoints load in PyTorch. The network takes the raw value as its name,
    /// which seeds its initial weights.
    public var network: NetworkSpec {
        switch self {
        case .simpleCNN: return Networks.simpleCNN(batchNorm: false)
        case .simpleCNNBatchNorm: return Networks.simpleCNN(batchNorm: true)
        case .smallCNN: return Networks.smallCNN
        case .mlp: return Networks.mlp
        case .deepCNN: return Networks.deepCNN
        }
    }

    /// NLL for the networks ending in log-softmax, cross-entropy on logits for the others.
    public var loss: LossKind { network.loss }

    /// The name of the network's class in PyTorch (scripts/pytorch-networks.py
    /// defines all five under these names).
    public var pytorchClassName: String {
        switch self {
        case .simpleCNN: return "SimpleCNN"
        case .simpleCNNBatchNorm: return "SimpleCNNWithBN"
        case .smallCNN: return "SmallCNN"
        case .mlp: return "MLP"
        case .deepCNN: return "DeepCNN"
        }
    }

    /// What PyTorch's `print(model)` shows for the network.
    public var pytorchDescription: String { network.pytorchDescription(className: pytorchClassName) }
}

/// The assignments' networks as data.
enum Networks {
    /// The CNN assignment's SimpleCNN: two 3 × 3 convolution–ReLU–pool blocks and two
    /// linear layers, as `nn.Sequential` blocks `conv_block` and `fc_block`; with
    /// `batchNorm`, the variant with batch norm after each convolution and after the
    /// first linear layer (which shifts the later modules' indices, as in PyTorch).
    static func simpleCNN(batchNorm: Bool) -> NetworkSpec {
        let norm2d: [LayerSpec] = batchNorm ? [.batchNorm2d(channels: 32)] : []
        let conv: [LayerSpec] = [.conv2d(inChannels: 1, outChannels: 32, kernel: 3, padding: 1)] + norm2d
            + [.relu, .maxPool2d(kernel: 2, stride: 2),
               .conv2d(inChannels: 32, outChannels: 32, kernel: 3, padding: 1)] + norm2d
            + [.relu, .maxPool2d(kernel: 2, stride: 2)]
        let fc: [LayerSpec] = [.linear(inFeatures: 1568, outFeatures: 500)]
            + (batchNorm ? [.batchNorm1d(features: 500)] : [])
            + [.relu, .linear(inFeatures: 500, outFeatures: 10)]
        return NetworkSpec(name: batchNorm ? ModelKind.simpleCNNBatchNorm.rawValue : ModelKind.simpleCNN.rawValue,
                           layers: NetworkSpec.sequential("conv_block", conv) + [LayerSpec.flatten.named("flatten")]
                               + NetworkSpec.sequential("fc_block", fc))
    }

    /// The problem set's small CNN: two 5 × 5 convolutions and two linear layers with
    /// no activation between them (the problem set asks what that costs), ending in
    /// log-softmax.
    static let smallCNN = NetworkSpec(name: ModelKind.smallCNN.rawValue, layers: [
        "conv1": .conv2d(inChannels: 1, outChannels: 10, kernel: 5),
        "relu1": .relu, "pool1": .maxPool2d(kernel: 2),
        "conv2": .conv2d(inChannels: 10, outChannels: 20, kernel: 5),
        "relu2": .relu, "pool2": .maxPool2d(kernel: 2),
        "flatten": .flatten,
        "fc1": .linear(inFeatures: 320, outFeatures: 128),
        "fc2": .linear(inFeatures: 128, outFeatures: 10),
        "log_softmax": .logSoftmax,
    ])

    /// The problem set's MLP: one hidden layer of 128 ReLUs, ending in log-softmax.
    static let mlp = NetworkSpec(name: ModelKind.mlp.rawValue, layers: [
        "flatten": .flatten,
        "fc1": .linear(inFeatures: 784, outFeatures: 128),
        "relu": .relu,
        "fc2": .linear(inFeatures: 128, outFeatures: 10),
        "log_softmax": .logSoftmax,
    ])

    /// The CNN assignment's deeper CNN: two 5 × 5 convolutions of 32 and 64
    /// channels, a hidden layer of 500 with dropout 0.4, logits out.
    static let deepCNN = NetworkSpec(name: ModelKind.deepCNN.rawValue, layers: [
        "conv1": .conv2d(inChannels: 1, outChannels: 32, kernel: 5),
        "relu1": .relu, "pool1": .maxPool2d(kernel: 2, stride: 2),
        "conv2": .conv2d(inChannels: 32, outChannels: 64, kernel: 5),
        "relu2": .relu, "pool2": .maxPool2d(kernel: 2, stride: 2),
        "flatten": .flatten,
        "fc1": .linear(inFeatures: 1024, outFeatures: 500),
        "relu3": .relu,
        "dropout1": .dropout(p: 0.4),
        "fc2": .linear(inFeatures: 500, outFeatures: 10),
    ])
}

extension Model {
    /// An assignment network with PyTorch's default initialisation drawn from `seed`.
    public convenience init(kind: ModelKind, seed: UInt64) throws {
        try self.init(network: kind.network, seed: seed)
    }
}
