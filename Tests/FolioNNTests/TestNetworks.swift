import FolioNN

/// Networks for the engine's tests, described as data as any user of FolioNN
/// describes them. They have the shapes of the assignments' networks (whose own
/// descriptions live in FolioExperiments) and their names, so their initial weights,
/// and the numbers these tests were written against, are the ones those give.
enum TestNetworks {
    /// Two 3 × 3 convolution–ReLU–pool blocks and two linear layers, logits out;
    /// with `batchNorm`, batch norm after each convolution and the first linear layer.
    static func convolutional(batchNorm: Bool = false) -> NetworkSpec {
        let norm: [LayerSpec] = batchNorm ? [.batchNorm2d(channels: 32)] : []
        let conv: [LayerSpec] = [.conv2d(inChannels: 1, outChannels: 32, kernel: 3, padding: 1)] + norm
            + [.relu, .maxPool2d(kernel: 2, stride: 2), .conv2d(inChannels: 32, outChannels: 32, kernel: 3, padding: 1)] + norm
            + [.relu, .maxPool2d(kernel: 2, stride: 2)]
        let fc: [LayerSpec] = [.linear(inFeatures: 1568, outFeatures: 500)] + (batchNorm ? [.batchNorm1d(features: 500)] : [])
            + [.relu, .linear(inFeatures: 500, outFeatures: 10)]
        return NetworkSpec(name: batchNorm ? "simple-cnn-bn" : "simple-cnn",
                           layers: NetworkSpec.sequential("conv_block", conv) + [LayerSpec.flatten.named("flatten")]
                               + NetworkSpec.sequential("fc_block", fc))
    }

    /// Two 5 × 5 convolutions, two linear layers without an activation between them,
    /// log-softmax out (so it trains with NLL).
    static let smallConvolutional = NetworkSpec(name: "small-cnn", layers: [
        "conv1": .conv2d(inChannels: 1, outChannels: 10, kernel: 5),
        "relu1": .relu, "pool1": .maxPool2d(kernel: 2),
        "conv2": .conv2d(inChannels: 10, outChannels: 20, kernel: 5),
        "relu2": .relu, "pool2": .maxPool2d(kernel: 2),
        "flatten": .flatten,
        "fc1": .linear(inFeatures: 320, outFeatures: 128),
        "fc2": .linear(inFeatures: 128, outFeatures: 10),
        "log_softmax": .logSoftmax,
    ])

    /// One hidden layer of 128 ReLUs, log-softmax out.
    static let mlp = NetworkSpec(name: "mlp", layers: [
        "flatten": .flatten,
        "fc1": .linear(inFeatures: 784, outFeatures: 128),
        "relu": .relu,
        "fc2": .linear(inFeatures: 128, outFeatures: 10),
        "log_softmax": .logSoftmax,
    ])

    /// Two 5 × 5 convolutions of 32 and 64 channels, a hidden layer of 500 with
    /// dropout, logits out.
    static let withDropout = NetworkSpec(name: "deep-cnn", layers: [
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

    /// Batch norm on 12 channels (a multiple of 8 plus 4, so the pool's last vector
    /// of channels overlaps the one before, and batch norm's sums take their channels
    /// eight and then one at a time), before a ReLU and a 2 × 2 pool.
    static let normalisedNarrow = NetworkSpec(name: "narrow-bn", layers: [
        "conv1": .conv2d(inChannels: 1, outChannels: 12, kernel: 3, padding: 1),
        "bn1": .batchNorm2d(channels: 12),
        "relu1": .relu, "pool1": .maxPool2d(kernel: 2),
        "flatten": .flatten,
        "fc1": .linear(inFeatures: 12 * 14 * 14, outFeatures: 10),
    ])

    static let all = [convolutional(), convolutional(batchNorm: true), smallConvolutional, mlp, withDropout]
}
