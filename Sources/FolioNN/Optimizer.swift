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
            let p = param.value.pointer, g = param.grad!.pointer, count = param.count
            let s1 = first.isEmpty ? nil : first[k].pointer, s2 = second.isEmpty ? nil : second[k].pointer
            // Large tensors are split across threads in runs of whole SIMD blocks.
            let parts = Engine.parts(for: count, minimum: 16_384)
            let block = ((count / parts) + 7) / 8 * 8
            Engine.run(parts: parts) { part in
                let lo = min(part * block, count), n = part == parts - 1 ? count - lo : min(block, count - lo)
                let p = p + lo, g = g + lo
                if wd != 0 { for i in 0..<n { g[i] += wd * p[i] } }  // L2 term, as PyTorch's weight_decay
                switch kind {
                case .sgd:
                    Self.sgd(p, g, n, lr)
                case .momentum:
                    Self.momentum(p, g, s1! + lo, n, lr, momentum, firstStep: step == 1)
                case .rmsprop:
                    Self.rmsprop(p, g, s1! + lo, n, lr, alpha, eps)
                case .adam:
                    Self.adam(p, g, s1! + lo, s2! + lo, n, stepSize: lr / bc1, bc2Sqrt: bc2Sqrt, beta1, beta2, eps)
                }
            }
        }
    }

    // The update loops, eight values at a time and then the tail one at a time
    // with the same operations in the same order.

    private static func sgd(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ n: Int, _ lr: Float) {
        var i = 0
        while i + 8 <= n { store8(load8(p + i) - lr * load8(g + i), p + i); i += 8 }
        while i < n { p[i] -= lr * g[i]; i += 1 }
    }

    private static func momentum(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                                 _ n: Int, _ lr: Float, _ mu: Float, firstStep: Bool) {
        let keep: Float = firstStep ? 0 : mu
        var i = 0
        while i + 8 <= n {
            let bv = keep * load8(b + i) + load8(g + i)
            store8(bv, b + i); store8(load8(p + i) - lr * bv, p + i); i += 8
        }
        while i < n { b[i] = keep * b[i] + g[i]; p[i] -= lr * b[i]; i += 1 }
    }

    private static func rmsprop(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                                _ n: Int, _ lr: Float, _ a: Float, _ e: Float) {
        var i = 0
        while i + 8 <= n {
            let gv = load8(g + i)
            let vv = a * load8(v + i) + (1 - a) * (gv * gv)
            store8(vv, v + i)
            store8(load8(p + i) - lr * (gv / (sqrt8(vv) + e)), p + i)
            i += 8
        }
        while i < n {
            v[i] = a * v[i] + (1 - a) * (g[i] * g[i])
            p[i] -= lr * (g[i] / (v[i].squareRoot() + e))
            i += 1
        }
    }

    private static func adam(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                             _ v: UnsafeMutablePointer<Float>, _ n: Int, stepSize: Float, bc2Sqrt: Float,
                             _ b1: Float, _ b2: Float, _ e: Float) {
        var i = 0
        while i + 8 <= n {
            let gv = load8(g + i)
            var mv = load8(m + i)
            mv += (1 - b1) * (gv - mv)
            let vv = b2 * load8(v + i) + (1 - b2) * (gv * gv)
            store8(mv, m + i); store8(vv, v + i)
            store8(load8(p + i) - stepSize * (mv / (sqrt8(vv) / bc2Sqrt + e)), p + i)
            i += 8
        }
        while i < n {
            m[i] += (1 - b1) * (g[i] - m[i])
            v[i] = b2 * v[i] + (1 - b2) * (g[i] * g[i])
            p[i] -= stepSize * (m[i] / (v[i].squareRoot() / bc2Sqrt + e))
            i += 1
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
        _ = view.values.update(fromContentsOf: storage.buffer(count))
        let result = body(view)
        _ = storage.buffer(count).update(fromContentsOf: view.values)
        return result
    }
}
