import FolioData

/// One step of a network, with an explicit forward and backward pass.
///
/// Activations are batches laid out sample after sample. Image activations are
/// channels-last (N × H × W × C): convolutions then become single GEMMs and
/// pooling runs over contiguous channels. For one-channel inputs such as MNIST
/// this is the same memory as PyTorch's N × 1 × H × W. Shapes are described per
/// sample in PyTorch's order: [C, H, W] for images, [F] for vectors.
///
/// A layer owns its output and input-gradient storage, allocated once by
/// `allocate` for the largest batch it will see; `forward` and `backward` take
/// the actual batch size `n` (the last batch of an epoch may be shorter).
public protocol Layer: AnyObject {
    /// The PyTorch module path, e.g. "conv_block.0" or "fc1".
    var name: String { get }
    /// The PyTorch class name, e.g. "Conv2d", for summary tables.
    var typeName: String { get }
    /// Learnable tensors and buffers, in PyTorch's state_dict order.
    var parameters: [Parameter] { get }
    /// Per-sample output shape for a per-sample input shape (PyTorch order).
    func outputShape(for input: [Int]) throws -> [Int]
    /// Prepares storage for batches of up to `maxBatch` samples of `input` shape.
    func allocate(maxBatch: Int, input: [Int])
    /// Computes the output of `n` samples. The result stays valid until the next forward.
    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float>
    /// From d(loss)/d(output), sets the parameter gradients and, when asked,
    /// returns d(loss)/d(input). Must follow a forward pass of the same batch.
    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>?
}

public struct ShapeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Layer {
    public var parameterCount: Int { parameters.filter { !$0.isBuffer }.reduce(0) { $0 + $1.count } }
}

/// Uniform(−1/√fanIn, 1/√fanIn): PyTorch's default for Conv2d and Linear weights
/// (kaiming_uniform with a = √5 reduces to this bound) and for their biases.
/// Values are drawn in PyTorch's element order.
func initialiseUniform(_ p: Parameter, fanIn: Int, rng: inout SeededGenerator) {
    let bound = 1 / Float(fanIn).squareRoot()
    var values = [Float](repeating: 0, count: p.count)
    for i in values.indices { values[i] = rng.uniform(-bound, bound) }
    p.setTorchValues(values)
}
