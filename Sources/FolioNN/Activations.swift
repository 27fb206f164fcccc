import FolioData

/// max(x, 0), in place on the previous layer's output (no layer here needs its own
/// output again). When followed by a max-pool the model folds it into the pool.
public final class ReLU: Layer {
    public let name: String
    public var typeName: String { "ReLU" }
    public var parameters: [Parameter] { [] }
    /// Set by the model when the following MaxPool2d applies this ReLU.
    var foldedIntoPool = false
    private var y: UnsafeMutablePointer<Float>?
    private var count = 0

    public init(name: String) { self.name = name }
    public func outputShape(for input: [Int]) throws -> [Int] { input }
    public func allocate(maxBatch: Int, input: [Int]) { count = input.reduce(1, *) }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        y = x
        if foldedIntoPool { return x }
        for i in 0..<(n * count) { x[i] = max(x[i], 0) }
        return x
    }

    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        if foldedIntoPool { return dy }
        guard let y else { preconditionFailure("\(name): backward before forward") }
        for i in 0..<(n * count) where !(y[i] > 0) { dy[i] = 0 }
        return dy
    }
}

/// Flattens [C, H, W] to [C·H·W] in PyTorch's (channel, row, column) order, so the
/// following Linear layer's weights mean what they mean in PyTorch. Channels-last
/// activations are transposed per sample; with one channel there is nothing to do.
public final class Flatten: Layer {
    public let name: String
    public var typeName: String { "Flatten" }
    public var parameters: [Parameter] { [] }
    private var c = 1, pixels = 1
    private let output = FloatStorage(count: 1)
    private let inputGrad = FloatStorage(count: 1)

    public init(name: String) { self.name = name }

    public func outputShape(for input: [Int]) throws -> [Int] { [input.reduce(1, *)] }

    public func allocate(maxBatch: Int, input: [Int]) {
        c = input.count == 3 ? input[0] : 1
        pixels = input.reduce(1, *) / c
        output.reserve(maxBatch * c * pixels)
        inputGrad.reserve(maxBatch * c * pixels)
    }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        if c == 1 || pixels == 1 { return x }
        let y = output.pointer
        Self.transposeEach(x, into: y, n: n, rows: pixels, columns: c)
        return y
    }

    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        if c == 1 || pixels == 1 { return dy }
        let dx = inputGrad.pointer
        Self.transposeEach(dy, into: dx, n: n, rows: c, columns: pixels)
        return dx
    }

    /// Transposes each of n rows × columns matrices, images split across threads.
    private static func transposeEach(_ src: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                                      n: Int, rows: Int, columns: Int) {
        let per = rows * columns, parts = Engine.parts(for: n, minimum: 4)
        Engine.run(parts: parts) { part in
            for img in Engine.range(part, of: parts, count: n) {
                let s = src + img * per, d = dst + img * per
                for r in 0..<rows { for c in 0..<columns { d[c * rows + r] = s[r * columns + c] } }
            }
        }
    }
}

/// Inverted dropout: in training each value is zeroed with probability p and the
/// survivors scaled by 1/(1−p); in evaluation it is the identity. Works in place.
/// The mask comes from `generator`, which the trainer reseeds every epoch.
public final class Dropout: Layer {
    public let name: String
    public var typeName: String { "Dropout" }
    public var parameters: [Parameter] { [] }
    public let p: Float
    public var generator: SeededGenerator
    private var count = 0
    private let mask = FloatStorage(count: 1)
    private var masked = false

    public init(name: String, p: Float) {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1)")
        self.name = name; self.p = p
        generator = SeededGenerator(seed: 0, stream: "dropout." + name)
    }

    public func outputShape(for input: [Int]) throws -> [Int] { input }
    public func allocate(maxBatch: Int, input: [Int]) {
        count = input.reduce(1, *)
        mask.reserve(maxBatch * count)
    }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        masked = training && p > 0
        guard masked else { return x }
        let m = mask.pointer, scale = 1 / (1 - p)
        // A local copy of the generator: stepping the stored property of a class
        // pays an exclusivity check per element.
        var random = generator
        for i in 0..<(n * count) {
            m[i] = random.nextUnitFloat() < p ? 0 : scale
            x[i] *= m[i]
        }
        generator = random
        return x
    }

    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        guard masked else { return dy }
        let m = mask.pointer
        for i in 0..<(n * count) { dy[i] *= m[i] }
        return dy
    }
}

/// log(softmax(x)) over each row, computed stably as x − max − log Σ exp(x − max).
public final class LogSoftmax: Layer {
    public let name: String
    public var typeName: String { "LogSoftmax" }
    public var parameters: [Parameter] { [] }
    private var classes = 0
    private let output = FloatStorage(count: 1)
    private let inputGrad = FloatStorage(count: 1)

    public init(name: String) { self.name = name }
    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 1 else { throw ShapeError("\(name): LogSoftmax expects [F], got \(input)") }
        return input
    }
    public func allocate(maxBatch: Int, input: [Int]) {
        classes = input[0]
        output.reserve(maxBatch * classes); inputGrad.reserve(maxBatch * classes)
    }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        Softmax.logSoftmax(x, into: output.pointer, rows: n, classes: classes)
        return output.pointer
    }

    /// dx = dy − softmax(x) · Σ dy, with softmax(x) = exp(y).
    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        let y = output.pointer, dx = inputGrad.pointer, k = classes
        for r in 0..<n {
            var total: Float = 0
            for j in 0..<k { total += dy[r * k + j] }
            for j in 0..<k { dx[r * k + j] = dy[r * k + j] - expf(y[r * k + j]) * total }
        }
        return dx
    }
}

#if canImport(Glibc)
import Glibc
#endif
