import FolioData
import FolioExperiments
@testable import FolioNN

// TEMPORARY: the networks as FolioNN built them before they became data, to prove
// the specs give bit-identical weights. Deleted once the fingerprints are stored.
extension ModelKind {
    /// The layers, in forward order, named as PyTorch names the modules. Weights are
    /// drawn from the seed's "init" stream in this order.
    func legacyLayers(seed: UInt64) -> [Layer] {
        var rng = SeededGenerator(seed: seed, stream: "init." + rawValue)
        switch self {
        case .simpleCNN, .simpleCNNBatchNorm:
            let bn = self == .simpleCNNBatchNorm
            var conv: [Layer] = []
            func add(_ make: (String) -> Layer) { conv.append(make("conv_block.\(conv.count)")) }
            add { Conv2d(name: $0, inChannels: 1, outChannels: 32, kernel: 3, stride: 1, padding: 1, rng: &rng) }
            if bn { add { BatchNorm(name: $0, channels: 32, spatial: true) } }
            add { ReLU(name: $0) }
            add { MaxPool2d(name: $0, kernel: 2, stride: 2) }
            add { Conv2d(name: $0, inChannels: 32, outChannels: 32, kernel: 3, stride: 1, padding: 1, rng: &rng) }
            if bn { add { BatchNorm(name: $0, channels: 32, spatial: true) } }
            add { ReLU(name: $0) }
            add { MaxPool2d(name: $0, kernel: 2, stride: 2) }
            var fc: [Layer] = []
            func addFC(_ make: (String) -> Layer) { fc.append(make("fc_block.\(fc.count)")) }
            addFC { Linear(name: $0, inFeatures: 1568, outFeatures: 500, rng: &rng) }
            if bn { addFC { BatchNorm(name: $0, channels: 500, spatial: false) } }
            addFC { ReLU(name: $0) }
            addFC { Linear(name: $0, inFeatures: 500, outFeatures: 10, rng: &rng) }
            return conv + [Flatten(name: "flatten")] + fc
        case .smallCNN:
            return [
                Conv2d(name: "conv1", inChannels: 1, outChannels: 10, kernel: 5, rng: &rng),
                ReLU(name: "relu1"), MaxPool2d(name: "pool1", kernel: 2),
                Conv2d(name: "conv2", inChannels: 10, outChannels: 20, kernel: 5, rng: &rng),
                ReLU(name: "relu2"), MaxPool2d(name: "pool2", kernel: 2),
                Flatten(name: "flatten"),
                Linear(name: "fc1", inFeatures: 320, outFeatures: 128, rng: &rng),
                Linear(name: "fc2", inFeatures: 128, outFeatures: 10, rng: &rng),
                LogSoftmax(name: "log_softmax"),
            ]
        case .mlp:
            return [
                Flatten(name: "flatten"),
                Linear(name: "fc1", inFeatures: 784, outFeatures: 128, rng: &rng),
                ReLU(name: "relu"),
                Linear(name: "fc2", inFeatures: 128, outFeatures: 10, rng: &rng),
                LogSoftmax(name: "log_softmax"),
            ]
        case .deepCNN:
            return [
                Conv2d(name: "conv1", inChannels: 1, outChannels: 32, kernel: 5, rng: &rng),
                ReLU(name: "relu1"), MaxPool2d(name: "pool1", kernel: 2, stride: 2),
                Conv2d(name: "conv2", inChannels: 32, outChannels: 64, kernel: 5, rng: &rng),
                ReLU(name: "relu2"), MaxPool2d(name: "pool2", kernel: 2, stride: 2),
                Flatten(name: "flatten"),
                Linear(name: "fc1", inFeatures: 1024, outFeatures: 500, rng: &rng),
                ReLU(name: "relu3"),
                Dropout(name: "dropout1", p: 0.4),
                Linear(name: "fc2", inFeatures: 500, outFeatures: 10, rng: &rng),
            ]
        }
    }
}
