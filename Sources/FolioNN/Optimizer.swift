/// The optimisers of the assignments, with PyTorch's update rules and defaults.
public enum OptimizerKind: String, CaseIterable, Sendable, Codable {
    case sgd
    case momentum
    case rmsprop
    case adam

    public var displayName: String {
        switch self {
        case .sgd: return "SGD"
        case .momentum: return "Momentum"
        case .rmsprop: return "RMSprop"
        case .adam: return "Adam"
        }
    }
}

/// Updates a model's trainable parameters from their gradients. Weight decay, when
/// set, is PyTorch's L2 term: g ← g + λ·p before the update.
///
/// - SGD: p ← p − lr·g
/// - Momentum (0.9, no dampening, not Nesterov): b ← g on the first step, then
///   b ← 0.9·b + g; p ← p − lr·b
/// - RMSprop (α 0.99, ε 1e-8): v ← α·v + (1−α)·g²; p ← p − lr·g/(√v + ε)
/// - Adam (β 0.9/0.999, ε 1e-8): m ← m + (1−β1)(g − m); v ← β2·v + (1−β2)·g²;
///   p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
public final class Optimizer {
    public let kind: OptimizerKind
    public var learningRate: Float
    public let weightDecay: Float
    public let momentum: Float = 0.9
    public let alpha: Float = 0.99
    public let beta1: Float = 0.9, beta2: Float = 0.999
    public let eps: Float = 1e-8
    /// Steps taken so far (Adam's t after a step).
    public private(set) var step = 0

    private let parameters: [Parameter]
    /// Per-parameter state: Momentum's buffer, RMSprop's square average, Adam's two
    /// averages (first and second slot).
    private let first: [FloatStorage]
    private let second: [FloatStorage]

    public init(kind: OptimizerKind, parameters: [Parameter], learningRate: Float, weightDecay: Float = 0) {
        self.kind = kind
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.parameters = parameters.filter { !$0.isBuffer }
        let slots = kind == .sgd ? 0 : 1
        first = slots > 0 ? self.parameters.map { FloatStorage(count: $0.count) } : []
        second = kind == .adam ? self.parameters.map { FloatStorage(count: $0.count) } : []
    }

    /// One update of every parameter from its current gradient.
    public func update() {
        step += 1
        let lr = learningRate, wd = weightDecay
        let bc1 = 1 - pow(beta1, Float(step)), bc2Sqrt = (1 - pow(beta2, Float(step))).squareRoot()
        for (k, param) in parameters.enumerated() {
            let p = param.value.pointer, g = param.grad!.pointer, n = param.count
            if wd != 0 { for i in 0..<n { g[i] += wd * p[i] } }
            switch kind {
            case .sgd:
                for i in 0..<n { p[i] -= lr * g[i] }
            case .momentum:
                let b = first[k].pointer, mu = momentum
                if step == 1 {
                    for i in 0..<n { b[i] = g[i]; p[i] -= lr * b[i] }
                } else {
                    for i in 0..<n { b[i] = mu * b[i] + g[i]; p[i] -= lr * b[i] }
                }
            case .rmsprop:
                let v = first[k].pointer, a = alpha, e = eps
                for i in 0..<n {
                    v[i] = a * v[i] + (1 - a) * g[i] * g[i]
                    p[i] -= lr * g[i] / (v[i].squareRoot() + e)
                }
            case .adam:
                let m = first[k].pointer, v = second[k].pointer
                let b1 = beta1, b2 = beta2, e = eps, stepSize = lr / bc1
                for i in 0..<n {
                    m[i] += (1 - b1) * (g[i] - m[i])
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                    p[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + e)
                }
            }
        }
    }

    private var stateNames: [String] {
        switch kind {
        case .sgd: return []
        case .momentum: return ["momentum_buffer"]
        case .rmsprop: return ["square_avg"]
        case .adam: return ["exp_avg", "exp_avg_sq"]
        }
    }

    /// The optimiser's state for a checkpoint, as tensors named
    /// "opt.<parameter>.<state>" (PyTorch's state names) plus "opt.step" (shape [1]).
    /// Values are in PyTorch's layout, like the weights.
    public func namedState() -> [(name: String, shape: [Int], values: [Float], isBuffer: Bool)] {
        var out: [(name: String, shape: [Int], values: [Float], isBuffer: Bool)] = [("opt.step", [1], [Float(step)], true)]
        for (k, p) in parameters.enumerated() {
            for (s, stateName) in stateNames.enumerated() {
                let storage = s == 0 ? first[k] : second[k]
                out.append(("opt.\(p.name).\(stateName)", p.shape, p.withValues(of: storage) { $0.torchValues() }, true))
            }
        }
        return out
    }

    /// Restores state written by `namedState`; any missing or mis-shaped tensor is an
    /// error naming it.
    public func loadState(named tensors: [String: (shape: [Int], values: [Float])]) throws {
        guard let s = tensors["opt.step"], s.values.count == 1, s.values[0] >= 0 else {
            throw ModelError("optimiser state: tensor opt.step is missing or not a single value")
        }
        for p in parameters {
            for stateName in stateNames {
                let name = "opt.\(p.name).\(stateName)"
                guard let t = tensors[name] else { throw ModelError("optimiser state: tensor \(name) is missing") }
                guard t.shape == p.shape, t.values.count == p.count else {
                    throw ModelError("optimiser state: tensor \(name) has shape \(t.shape), expected \(p.shape)")
                }
            }
        }
        step = Int(s.values[0])
        for (k, p) in parameters.enumerated() {
            for (j, stateName) in stateNames.enumerated() {
                let storage = j == 0 ? first[k] : second[k]
                p.withValues(of: storage) { $0.setTorchValues(tensors["opt.\(p.name).\(stateName)"]!.values) }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension Parameter {
    /// Runs `body` on a view of `storage` laid out like this parameter, to reuse its
    /// layout conversion for optimiser state.
    func withValues<R>(of storage: FloatStorage, _ body: (Parameter) -> R) -> R {
        let view = Parameter(name: name, shape: shape, isBuffer: true, convolutionLayout: convolutionLayout)
        view.values.update(fromContentsOf: storage.buffer(count))
        let result = body(view)
        _ = storage.buffer(count).update(fromContentsOf: view.values)
        return result
    }
}
