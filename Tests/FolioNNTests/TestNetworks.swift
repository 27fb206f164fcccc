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
        LayerSpec.conv2d(inChannels: 1, outChannels: 10, kernel: 5).named("conv1"),
        LayerSpec.relu.named("relu1"), LayerSpec.maxPool2d(kernel: 2).named("pool1"),
        LayerSpec.conv2d(inChannels: 10, outChannels: 20, kernel: 5).named("conv2"),
        LayerSpec.relu.named("relu2"), LayerSpec.maxPool2d(kernel: 2).named("pool2"),
        LayerSpec.flatten.named("flatten"),
        LayerSpec.linear(inFeatures: 320, outFeatures: 128).named("fc1"),
        LayerSpec.linear(inFeatures: 128, outFeatures: 10).named("fc2"),
        LayerSpec.logSoftmax.named("log_softmax"),
    ])

    /// One hidden layer of 128 ReLUs, log-softmax out.
    static let mlp = NetworkSpec(name: "mlp", layers: [
        LayerSpec.flatten.named("flatten"),
        LayerSpec.linear(inFeatures: 784, outFeatures: 128).named("fc1"),
        LayerSpec.relu.named("relu"),
        LayerSpec.linear(inFeatures: 128, outFeatures: 10).named("fc2"),
        LayerSpec.logSoftmax.named("log_softmax"),
    ])

    /// Two 5 × 5 convolutions of 32 and 64 channels, a hidden layer of 500 with
    /// dropout, logits out.
    static let withDropout = NetworkSpec(name: "deep-cnn", layers: [
        LayerSpec.conv2d(inChannels: 1, outChannels: 32, kernel: 5).named("conv1"),
        LayerSpec.relu.named("relu1"), LayerSpec.maxPool2d(kernel: 2, stride: 2).named("pool1"),
        LayerSpec.conv2d(inChannels: 32, outChannels: 64, kernel: 5).named("conv2"),
        LayerSpec.relu.named("relu2"), LayerSpec.maxPool2d(kernel: 2, stride: 2).named("pool2"),
        LayerSpec.flatten.named("flatten"),
        LayerSpec.linear(inFeatures: 1024, outFeatures: 500).named("fc1"),
        LayerSpec.relu.named("relu3"),
        LayerSpec.dropout(p: 0.4).named("dropout1"),
        LayerSpec.linear(inFeatures: 500, outFeatures: 10).named("fc2"),
    ])

    static let all = [convolutional(), convolutional(batchNorm: true), smallConvolutional, mlp, withDropout]
}
