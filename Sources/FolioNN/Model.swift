import COpenBLAS
import FolioData

/// A problem with a model's weights or use, naming the tensor or layer concerned.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A network: its layers in forward order, the storage for one batch size, and the
/// forward and backward passes through all of them.
///
/// Inputs are N samples of the network's input shape (channels-last, which for one
/// channel is PyTorch's NCHW). Outputs are N × classes: logits, or log-probabilities
/// for networks ending in log-softmax (`loss` says which loss applies).
public final class Model {
    /// The description the model was built from.
    public let network: NetworkSpec
    public let layers: [Layer]
    /// Per-sample input shape in PyTorch order.
    public let inputShape: [Int]
    public let classes: Int
    /// Per-sample shape entering each layer, then the output shape last.
    public let shapes: [[Int]]
    public private(set) var maxBatch = 0

    private var layerOutputs: [UnsafeMutablePointer<Float>?]
    private var lastBatch = 0
    private let pools: [MaxPool2d]
    /// For each layer index, the convolution–pool stage starting there, if any.
    private var stages: [ConvolutionPoolStage?] = []
    /// For each layer index, the Winograd convolution–pool stage starting there, if any.
    private var winogradStages: [WinogradPoolStage?] = []
    /// For each layer index, the batch norm–pool stage starting there, if any, and
    /// whether the last forward pass ran it (then backward must too).
    private var normPoolStages: [BatchNormPoolStage?] = []
    private var normPoolRan: [Bool] = []
    private let inputCopy = FloatStorage(count: 1)
    private let outputGrad = FloatStorage(count: 1)

    /// Builds the network with PyTorch's default initialisation drawn from `seed`;
    /// a layer that does not fit its input shape is an error naming it.
    public init(network: NetworkSpec, seed: UInt64) throws {
        self.network = network
        inputShape = network.inputShape
        layers = network.makeLayers(seed: seed)
        var s = [inputShape]
        for layer in layers { s.append(try layer.outputShape(for: s.last!)) }
        shapes = s
        guard let out = s.last, out.count == 1 else { throw ModelError("\(network.name): output is not a vector") }
        classes = out[0]
        layerOutputs = Array(repeating: nil, count: layers.count)
        pools = layers.compactMap { $0 as? MaxPool2d }
        // A ReLU directly before a max-pool is applied by the pool, after pooling.
        for i in 0..<(layers.count - 1) {
            if let relu = layers[i] as? ReLU, let pool = layers[i + 1] as? MaxPool2d {
                relu.foldedIntoPool = true
                pool.appliesReLU = true
            }
        }
        stages = layers.indices.map { ConvolutionPoolStage(layers, at: $0) }
        winogradStages = layers.indices.map { WinogradPoolStage(layers, at: $0) }
        normPoolStages = layers.indices.map { BatchNormPoolStage(layers, at: $0) }
        normPoolRan = Array(repeating: false, count: layers.count)
    }

    /// Sets how many threads the engine uses (process-wide; see `Engine`). Results
    /// depend only on this number and the seed.
    public static func setThreads(_ count: Int) {
        Engine.setThreads(count)
    }

    /// Allocates every layer's storage for batches of up to `maxBatch` samples.
    public func prepare(maxBatch: Int) {
        guard maxBatch > self.maxBatch else { return }
        self.maxBatch = maxBatch
        for (i, layer) in layers.enumerated() { layer.allocate(maxBatch: maxBatch, input: shapes[i]) }
        inputCopy.reserve(maxBatch * inputShape.reduce(1, *))
        outputGrad.reserve(maxBatch * classes)
    }

    public var inputSize: Int { inputShape.reduce(1, *) }

    /// The network's name, for errors, logs and checkpoint metadata.
    public var name: String { network.name }

    /// The training loss that fits the output: NLL after log-softmax, else cross-entropy.
    public var loss: LossKind { network.loss }

    /// Runs `n` samples through the network. `x` must stay unchanged until `backward`.
    /// Training mode uses batch statistics and dropout, and may leave some layers'
    /// outputs unkept (`activation` then returns nil). `inferenceOnly` promises that
    /// no backward pass follows (evaluation, predictions), so the layers may skip
    /// what only backward needs, such as where each pooled maximum came from.
    /// `keepingReadouts` off (evaluation over a data set, benchmarks) lets a
    /// convolution–pool stage keep the convolution's output only for the images in
    /// hand, so `activation` has no conv readout for that pass.
    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool, inferenceOnly: Bool = false,
                        keepingReadouts: Bool = true) -> UnsafeMutablePointer<Float> {
        precondition(n > 0 && n <= maxBatch, "batch of \(n) but the model is prepared for \(maxBatch)")
        precondition(!(training && inferenceOnly), "a training pass is always followed by backward")
        for pool in pools { pool.recordsArgmax = !inferenceOnly }
        for k in normPoolRan.indices { normPoolRan[k] = false }
        var a = x
        var i = 0
        while i < layers.count {
            if let stage = stages[i], stage.pool.isPairwise, i + 3 < layers.count, let next = winogradStages[i + 3], next.applies {
                // The two stages chunk by chunk: each chunk of the second's images is
                // first convolved and pooled by the first, and read while in cache.
                let first = stage.begin(a, n: n, parts: next.partCount(n), training: training, keepsConvolution: keepingReadouts)
                let out = next.forward(first.outputs.pool, n: n, training: training, keepsConvolution: keepingReadouts,
                                       before: first.run)
                layerOutputs[i] = first.outputs.conv; layerOutputs[i + 1] = first.outputs.relu
                layerOutputs[i + 2] = first.outputs.pool
                layerOutputs[i + 3] = out.conv; layerOutputs[i + 4] = out.relu; layerOutputs[i + 5] = out.pool
                a = out.pool
                i += 6
            } else if let stage = stages[i] {
                let out = stage.forward(a, n: n, training: training, keepsConvolution: keepingReadouts)
                layerOutputs[i] = out.conv; layerOutputs[i + 1] = out.relu; layerOutputs[i + 2] = out.pool
                a = out.pool
                i += 3
            } else if let stage = winogradStages[i], stage.applies {
                let out = stage.forward(a, n: n, training: training, keepsConvolution: keepingReadouts)
                layerOutputs[i] = out.conv; layerOutputs[i + 1] = out.relu; layerOutputs[i + 2] = out.pool
                a = out.pool
                i += 3
            } else if let stage = normPoolStages[i], stage.applies, training || !keepingReadouts {
                // The normalised values are not kept: no readout of them in this pass.
                a = stage.forward(a, n: n, training: training)
                layerOutputs[i] = nil; layerOutputs[i + 1] = nil; layerOutputs[i + 2] = a
                normPoolRan[i] = true
                i += 3
            } else {
                a = layers[i].forward(a, n: n, training: training)
                layerOutputs[i] = a
                i += 1
            }
        }
        lastBatch = n
        return a
    }

    /// Back-propagates d(loss)/d(output) of the last forward pass, leaving every
    /// parameter's gradient in `grad`; returns d(loss)/d(input) when asked.
    @discardableResult
    public func backward(_ dOutput: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        var d: UnsafeMutablePointer<Float>? = dOutput
        var i = layers.count - 1
        while i >= 0 {
            // A first convolution–pool stage whose input gradient nobody needs (training),
            // chained to the Winograd stage after it: each chunk's gradient, as the
            // second stage makes it, goes straight into the first's weight gradients.
            if i == 5, !needInputGradient, let second = winogradStages[3], second.applies, let first = stages[0],
               let chain = first.beginParametersOnly(dy: second.conv.inputGradientPointer, n: n) {
                precondition(chain.parts == second.partCount(n), "chained stages split the batch alike")
                _ = second.backward(d!, n: n, needInputGradient: true, after: chain.run)
                chain.finish()
                return nil
            }
            // A first convolution–pool stage whose input gradient nobody needs (training).
            if i == 2, !needInputGradient, let stage = stages[0], stage.backwardParametersOnly(d!, n: n) {
                return nil
            }
            if i >= 2, normPoolRan[i - 2], let stage = normPoolStages[i - 2] {
                d = stage.backward(d!, n: n, needInputGradient: i > 2 || needInputGradient)
                i -= 3
                continue
            }
            if i >= 2, let stage = winogradStages[i - 2], stage.applies {
                d = stage.backward(d!, n: n, needInputGradient: i > 2 || needInputGradient)
                i -= 3
                continue
            }
            d = layers[i].backward(d!, n: n, needInputGradient: i > 0 || needInputGradient)
            i -= 1
        }
        return d
    }

    // MARK: Array conveniences for analysis code (not for the training loop)

    private func copyIn(_ x: [Float], count n: Int) {
        precondition(x.count == n * inputSize, "expected \(n) × \(inputSize) input values, got \(x.count)")
        prepare(maxBatch: n)
        x.withUnsafeBufferPointer { inputCopy.pointer.update(from: $0.baseAddress!, count: x.count) }
    }

    /// Outputs (N × classes) of `n` samples in evaluation mode.
    public func outputs(_ x: [Float], count n: Int) -> [Float] {
        copyIn(x, count: n)
        let y = forward(inputCopy.pointer, n: n, training: false, inferenceOnly: true)
        return Array(UnsafeBufferPointer(start: y, count: n * classes))
    }

    /// Class probabilities (N × classes) in evaluation mode.
    public func probabilities(_ x: [Float], count n: Int) -> [Float] {
        Softmax.softmax(outputs(x, count: n), classes: classes)
    }

    /// The gradient of an objective with respect to the input pixels: runs `x`
    /// forward (evaluation mode unless `training`), lets `objective` turn the
    /// outputs into d(objective)/d(outputs), and back-propagates that to the input.
    /// Used to optimise pixels (adversarial examples), so the convolutions and
    /// linear layers skip their weight gradients, which keep their previous values.
    public func inputGradient(_ x: [Float], count n: Int, training: Bool = false,
                              objective: (_ outputs: [Float]) -> [Float]) -> (outputs: [Float], gradient: [Float]) {
        copyIn(x, count: n)
        let y = forward(inputCopy.pointer, n: n, training: training)
        let outputs = Array(UnsafeBufferPointer(start: y, count: n * classes))
        let dOut = objective(outputs)
        precondition(dOut.count == n * classes, "objective gradient must have \(n * classes) values")
        dOut.withUnsafeBufferPointer { outputGrad.pointer.update(from: $0.baseAddress!, count: dOut.count) }
        setParameterGradients(false)
        defer { setParameterGradients(true) }
        let dx = backward(outputGrad.pointer, n: n, needInputGradient: true)!
        return (outputs, Array(UnsafeBufferPointer(start: dx, count: n * inputSize)))
    }

    private func setParameterGradients(_ on: Bool) {
        for layer in layers {
            (layer as? Conv2d)?.computesParameterGradients = on
            (layer as? Linear)?.computesParameterGradients = on
        }
    }

    // MARK: Parameters by name

    /// All tensors in PyTorch's state_dict order: learnable parameters and buffers.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var trainableParameters: [Parameter] { parameters.filter { !$0.isBuffer } }

    /// The weights as PyTorch names, shapes and values (PyTorch layout). BatchNorm's
    /// num_batches_tracked is a scalar (shape []) that PyTorch stores as int64.
    public func namedTensors() -> [(name: String, shape: [Int], values: [Float], isBuffer: Bool)] {
        parameters.map { ($0.name, $0.shape, $0.torchValues(), $0.isBuffer) }
    }

    /// Replaces every tensor from a PyTorch-named dictionary; a missing, extra or
    /// mis-shaped tensor is an error naming it (nothing is changed then).
    public func load(named tensors: [String: (shape: [Int], values: [Float])]) throws {
        let params = parameters
        for p in params {
            guard let t = tensors[p.name] else { throw ModelError("tensor \(p.name) is missing for model \(network.name)") }
            let sameShape = t.shape == p.shape || (p.shape.isEmpty && t.shape == [1])
            guard sameShape else {
                throw ModelError("tensor \(p.name) has shape \(t.shape) but \(network.name) expects \(p.shape)")
            }
            guard t.values.count == p.count else {
                throw ModelError("tensor \(p.name) has \(t.values.count) values for shape \(t.shape)")
            }
        }
        let known = Set(params.map(\.name))
        if let extra = tensors.keys.sorted().first(where: { !known.contains($0) }) {
            throw ModelError("tensor \(extra) is not part of model \(network.name)")
        }
        for p in params { p.setTorchValues(tensors[p.name]!.values) }
    }

    // MARK: Activations

    /// Readout points for visualisation: "conv1"/"conv2" after each convolution's
    /// ReLU, "pool1"/"pool2" after each pooling, "conv1.raw"/"conv2.raw" the
    /// convolution outputs before batch norm and ReLU.
    public var readoutNames: [String] {
        let convs = layers.indices.filter { layers[$0] is Conv2d }.count
        return (1...max(convs, 1)).flatMap { ["conv\($0).raw", "conv\($0)", "pool\($0)"] }.filter { _ in convs > 0 }
    }

    /// An intermediate activation of the last forward pass, as [N, C, H, W] (PyTorch
    /// layout) with its values; nil for an unknown name.
    public func activation(_ name: String) -> (shape: [Int], values: [Float])? {
        let parts = name.split(separator: ".")
        guard let head = parts.first, lastBatch > 0 else { return nil }
        let raw = parts.count == 2 && parts[1] == "raw"
        let isPool = head.hasPrefix("pool"), isConv = head.hasPrefix("conv")
        guard isPool || isConv, let k = Int(head.dropFirst(4)), k >= 1 else { return nil }
        let convIndices = layers.indices.filter { layers[$0] is Conv2d }
        guard k <= convIndices.count else { return nil }
        let c = convIndices[k - 1]
        var index = c
        var applyReLU = false
        if isConv && !raw {
            guard let r = layers[c...].firstIndex(where: { $0 is ReLU }) else { return nil }
            index = r - 1  // the ReLU works in place or is folded: take its input and apply it
            applyReLU = true
        } else if isPool {
            guard !raw, let p = layers[c...].firstIndex(where: { $0 is MaxPool2d }) else { return nil }
            index = p
        }
        guard let data = layerOutputs[index] else { return nil }
        let shape = shapes[index + 1]
        let (ch, h, w) = (shape[0], shape[1], shape[2])
        var out = [Float](repeating: 0, count: lastBatch * ch * h * w)
        for img in 0..<lastBatch {
            for p in 0..<(h * w) {
                for j in 0..<ch {
                    let v = data[(img * h * w + p) * ch + j]
                    out[(img * ch + j) * h * w + p] = applyReLU ? max(v, 0) : v
                }
            }
        }
        return ([lastBatch, ch, h, w], out)
    }
}
