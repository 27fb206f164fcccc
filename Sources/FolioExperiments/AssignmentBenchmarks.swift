import FolioNN
import FolioSupport

/// What `folio bench` measures: the assignments' networks with the optimisers and
/// batch sizes they train with, and SimpleCNN inference at two batch sizes. The keys
/// are those of earlier measurements (docs/performance.md), so they stay comparable.
public enum AssignmentBenchmarks {
    public static let cases: [BenchmarkCase] = [
        BenchmarkCase(key: "simple-cnn.adam.train", network: ModelKind.simpleCNN.network, optimizer: .adam),
        BenchmarkCase(key: "simple-cnn.sgd.train", network: ModelKind.simpleCNN.network, optimizer: .sgd),
        BenchmarkCase(key: "simple-cnn-bn.adam.train", network: ModelKind.simpleCNNBatchNorm.network, optimizer: .adam),
        BenchmarkCase(key: "simple-cnn.infer64", network: ModelKind.simpleCNN.network, optimizer: nil, batchSize: 64),
        BenchmarkCase(key: "simple-cnn.infer1000", network: ModelKind.simpleCNN.network, optimizer: nil, batchSize: 1000),
        // The problem set's networks train with plain SGD at 0.01.
        BenchmarkCase(key: "mlp.sgd.train", network: ModelKind.mlp.network, optimizer: .sgd, learningRate: 1e-2),
        BenchmarkCase(key: "small-cnn.sgd.train", network: ModelKind.smallCNN.network, optimizer: .sgd, learningRate: 1e-2),
        BenchmarkCase(key: "deep-cnn.adam.train", network: ModelKind.deepCNN.network, optimizer: .adam),
    ]

    public static var keys: [String] { cases.map(\.key) }

    /// The cases of `keys`, in that order; an unknown key is an error listing the known ones.
    public static func cases(keys: [String]) throws -> [BenchmarkCase] {
        try keys.map { key in
            guard let c = cases.first(where: { $0.key == key }) else {
                throw ExperimentError("unknown benchmark key \(key); known: \(Self.keys.joined(separator: ", "))")
            }
            return c
        }
    }
}
