import COpenBLAS
import FolioData

/// y = x·Wᵀ + b with W stored [out, in] as PyTorch.
public final class Linear: Layer {
    public let name: String
    public var typeName: String { "Linear" }
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }

    private let output = FloatStorage(count: 1)
    private let inputGrad = FloatStorage(count: 1)
    private var input: UnsafeMutablePointer<Float>?

    public init(name: String, inFeatures: Int, outFeatures: Int, rng: inout SeededGenerator) {
        self.name = name
        self.inFeatures = inFeatures; self.outFeatures = outFeatures
        weight = Parameter(name: name + ".weight", shape: [outFeatures, inFeatures])
        bias = Parameter(name: name + ".bias", shape: [outFeatures])
        initialiseUniform(weight, fanIn: inFeatures, rng: &rng)
        initialiseUniform(bias, fanIn: inFeatures, rng: &rng)
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input == [inFeatures] else { throw ShapeError("\(name): Linear expects [\(inFeatures)], got \(input)") }
        return [outFeatures]
    }

    public func allocate(maxBatch: Int, input: [Int]) {
        output.reserve(maxBatch * outFeatures)
        inputGrad.reserve(maxBatch * inFeatures)
    }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        input = x
        let y = output.pointer, b = bias.value.pointer, o = outFeatures
        for r in 0..<n {
            let yr = y + r * o
            for j in 0..<o { yr[j] = b[j] }
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(o), Int32(inFeatures),
                    1, x, Int32(inFeatures), weight.value.pointer, Int32(inFeatures), 1, y, Int32(o))
        return y
    }

    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let o = outFeatures, i = inFeatures
        let db = bias.grad!.pointer
        for j in 0..<o { db[j] = 0 }
        for r in 0..<n {
            let d = dy + r * o
            for j in 0..<o { db[j] += d[j] }
        }
        // dW[out, in] = dYᵀ · X
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(o), Int32(i), Int32(n),
                    1, dy, Int32(o), x, Int32(i), 0, weight.grad!.pointer, Int32(i))
        guard needInputGradient else { return nil }
        // dX = dY · W
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(i), Int32(o),
                    1, dy, Int32(o), weight.value.pointer, Int32(i), 0, inputGrad.pointer, Int32(i))
        return inputGrad.pointer
    }
}
