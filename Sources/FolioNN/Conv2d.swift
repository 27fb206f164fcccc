import COpenBLAS
import FolioData

/// 2-D convolution (cross-correlation, as PyTorch) by im2col + one GEMM per chunk
/// of images. Channels-last activations make each im2col row a run of contiguous
/// copies and the GEMM output already the next layer's layout.
public final class Conv2d: Layer {
    public let name: String
    public var typeName: String { "Conv2d" }
    public let inChannels: Int, outChannels: Int
    public let kernel: Int, stride: Int, padding: Int
    public let weight: Parameter  // internal [out, kh, kw, in]
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }

    /// Images per im2col chunk: bounds the workspace (batch 1,000 inference would
    /// otherwise need a 225 MB matrix for the SimpleCNN's second convolution).
    static let chunkImages = 64

    private var h = 0, w = 0, oh = 0, ow = 0
    var inputHeight: Int { h }
    var inputWidth: Int { w }
    var outputHeight: Int { oh }
    var outputWidth: Int { ow }
    /// The direct path's weights and weight gradient, both tap-major.
    let tapMajor = FloatStorage(count: 1)
    private let output = FloatStorage(count: 1)
    private let inputGrad = FloatStorage(count: 1)
    private let cols = FloatStorage(count: 1)
    private let colGrad = FloatStorage(count: 1)
    private var input: UnsafeMutablePointer<Float>?
    private var colsHoldWholeBatch = false

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1,
                padding: Int = 0, rng: inout SeededGenerator) {
        precondition(kernel > 0 && stride > 0 && padding >= 0)
        self.name = name
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        weight = Parameter(name: name + ".weight", shape: [outChannels, inChannels, kernel, kernel],
                           convolutionLayout: (outChannels, inChannels, kernel, kernel))
        bias = Parameter(name: name + ".bias", shape: [outChannels])
        let fanIn = inChannels * kernel * kernel
        initialiseUniform(weight, fanIn: fanIn, rng: &rng)
        initialiseUniform(bias, fanIn: fanIn, rng: &rng)
    }

    var patch: Int { kernel * kernel * inChannels }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3, input[0] == inChannels else {
            throw ShapeError("\(name): Conv2d expects [\(inChannels), H, W], got \(input)")
        }
        let oh = (input[1] + 2 * padding - kernel) / stride + 1
        let ow = (input[2] + 2 * padding - kernel) / stride + 1
        guard oh > 0, ow > 0 else { throw ShapeError("\(name): input \(input) is smaller than the kernel") }
        return [outChannels, oh, ow]
    }

    public func allocate(maxBatch: Int, input shape: [Int]) {
        let out = try! outputShape(for: shape)
        h = shape[1]; w = shape[2]; oh = out[1]; ow = out[2]
        output.reserve(maxBatch * oh * ow * outChannels)
        inputGrad.reserve(maxBatch * h * w * inChannels)
        tapMajor.reserve(2 * patch * outChannels)
        if usesDirectPath { return }
        let rows = min(maxBatch, Self.chunkImages) * oh * ow
        cols.reserve(rows * patch)
        colGrad.reserve(rows * patch)
    }

    /// Unrolls images first..<first+count into rows of `cols`: one row per output
    /// pixel, holding the receptive field in (ky, kx, channel) order.
    private func im2col(_ x: UnsafeMutablePointer<Float>, first: Int, count: Int) {
        let c = inChannels, k = kernel, p = patch
        var row = cols.pointer
        for img in first..<(first + count) {
            let image = x + img * h * w * c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var dst = row
                    for ky in 0..<k {
                        let iy = oy * stride - padding + ky
                        for kx in 0..<k {
                            let ix = ox * stride - padding + kx
                            if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                let src = image + (iy * w + ix) * c
                                for ch in 0..<c { dst[ch] = src[ch] }
                            } else {
                                for ch in 0..<c { dst[ch] = 0 }
                            }
                            dst += c
                        }
                    }
                    row += p
                }
            }
        }
    }

    /// The adjoint of im2col: adds each row of `colGrad` back onto the pixels it came from.
    private func col2im(_ dx: UnsafeMutablePointer<Float>, first: Int, count: Int) {
        let c = inChannels, k = kernel, p = patch
        var row = UnsafePointer(colGrad.pointer)
        for img in first..<(first + count) {
            let image = dx + img * h * w * c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var src = row
                    for ky in 0..<k {
                        let iy = oy * stride - padding + ky
                        for kx in 0..<k {
                            let ix = ox * stride - padding + kx
                            if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                let dst = image + (iy * w + ix) * c
                                for ch in 0..<c { dst[ch] += src[ch] }
                            }
                            src += c
                        }
                    }
                    row += p
                }
            }
        }
    }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        input = x
        let y = output.pointer, cout = outChannels, pixels = oh * ow
        if usesDirectPath {
            forwardDirect(x, n: n, y: y)
            return y
        }
        let b = bias.value.pointer
        // Every output row starts as the bias; the GEMM accumulates onto it.
        for r in 0..<(n * pixels) {
            let yr = y + r * cout
            for o in 0..<cout { yr[o] = b[o] }
        }
        var first = 0
        while first < n {
            let count = min(Self.chunkImages, n - first)
            im2col(x, first: first, count: count)
            let rows = Int32(count * pixels)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, Int32(cout), Int32(patch),
                        1, cols.pointer, Int32(patch), weight.value.pointer, Int32(patch),
                        1, y + first * pixels * cout, Int32(cout))
            first += count
        }
        colsHoldWholeBatch = n <= Self.chunkImages
        return y
    }

    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let cout = outChannels, pixels = oh * ow, p = patch
        if usesDirectPath {
            backwardDirect(x, dy, n: n, dx: needInputGradient ? inputGrad.pointer : nil)
            return needInputGradient ? inputGrad.pointer : nil
        }
        // Bias gradient: column sums of dY.
        let db = bias.grad!.pointer
        for o in 0..<cout { db[o] = 0 }
        for r in 0..<(n * pixels) {
            let d = dy + r * cout
            for o in 0..<cout { db[o] += d[o] }
        }
        if needInputGradient {
            let total = n * h * w * inChannels
            inputGrad.pointer.update(repeating: 0, count: total)
        }
        var first = 0
        while first < n {
            let count = min(Self.chunkImages, n - first)
            if !colsHoldWholeBatch { im2col(x, first: first, count: count) }
            let rows = Int32(count * pixels)
            let dyChunk = dy + first * pixels * cout
            // dW[out, patch] (+)= dYᵀ · cols
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(cout), Int32(p), rows,
                        1, dyChunk, Int32(cout), cols.pointer, Int32(p),
                        first == 0 ? 0 : 1, weight.grad!.pointer, Int32(p))
            if needInputGradient {
                // dCols = dY · W, then scattered back onto the input pixels.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, Int32(p), Int32(cout),
                            1, dyChunk, Int32(cout), weight.value.pointer, Int32(p),
                            0, colGrad.pointer, Int32(p))
                col2im(inputGrad.pointer, first: first, count: count)
            }
            first += count
        }
        return needInputGradient ? inputGrad.pointer : nil
    }
}
