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

    /// Images per im2col chunk and thread. Small chunks keep the unrolled matrix
    /// (1.8 MB for the SimpleCNN's second convolution) in cache between im2col and
    /// the GEMM that reads it — measured faster than one chunk per thread, even
    /// though backward then unrolls again — and bound memory at any batch size.
    static let chunkImages = 8

    private var h = 0, w = 0, oh = 0, ow = 0
    var inputHeight: Int { h }
    var inputWidth: Int { w }
    var outputHeight: Int { oh }
    var outputWidth: Int { ow }
    /// The direct path's weights, tap-major ([tap][out]).
    let tapMajor = FloatStorage(count: 1)
    private let output = FloatStorage(count: 1)
    private let inputGrad = FloatStorage(count: 1)
    /// Per part (thread): im2col rows, their gradient, and partial weight and bias
    /// gradients, summed in part order after the parallel pass.
    private var cols: [FloatStorage] = []
    private var colGrad: [FloatStorage] = []
    var weightPartials: [FloatStorage] = []
    /// Per part, the direct path's [pixel][tap] receptive fields for dW.
    var directPatches: [FloatStorage] = []
    var biasPartials: [FloatStorage] = []
    private var input: UnsafeMutablePointer<Float>?
    private var colsHoldWholeBatch = false
    /// Off while only the input gradient is wanted (optimising pixels): backward
    /// then skips dW and db, leaving the previous gradients in place.
    var computesParameterGradients = true
    private var partRows = 0

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

    private var maxBatch = 0

    public func allocate(maxBatch: Int, input shape: [Int]) {
        let out = try! outputShape(for: shape)
        h = shape[1]; w = shape[2]; oh = out[1]; ow = out[2]
        self.maxBatch = max(self.maxBatch, maxBatch)
        output.reserve(maxBatch * oh * ow * outChannels)
        inputGrad.reserve(maxBatch * h * w * inChannels)
        tapMajor.reserve(patch * outChannels)
        reserveParts(Engine.threads)
    }

    /// Workspaces for `parts` threads (grows only; done again if the thread count rises).
    private func reserveParts(_ parts: Int) {
        while weightPartials.count < parts {
            weightPartials.append(FloatStorage(count: patch * outChannels))
            biasPartials.append(FloatStorage(count: outChannels))
        }
        let perPart = (maxBatch + parts - 1) / parts
        if usesDirectPath {
            while directPatches.count < parts { directPatches.append(FloatStorage(count: 1)) }
            for p in 0..<parts { directPatches[p].reserve(perPart * oh * ow * patch) }
            return
        }
        partRows = min(perPart, Self.chunkImages) * oh * ow
        while cols.count < parts { cols.append(FloatStorage(count: 1)); colGrad.append(FloatStorage(count: 1)) }
        for p in 0..<parts { cols[p].reserve(partRows * patch); colGrad[p].reserve(partRows * patch) }
    }

    private func partCount(_ n: Int) -> Int {
        let parts = Engine.parts(for: n, minimum: 1)
        if parts > weightPartials.count || parts > (usesDirectPath ? directPatches.count : cols.count) { reserveParts(parts) }
        return parts
    }

    /// Unrolls images first..<first+count into rows of `cols`: one row per output
    /// pixel, holding the receptive field in (ky, kx, channel) order. In channels-last
    /// layout one kernel row (kx = 0..<k, every channel) is k·c contiguous floats, so
    /// each is a single copy unless it crosses the padded border. The layer's sizes are
    /// read into locals first: read through `self` they are reloaded (and
    /// access-checked) on every element, which made this loop the small CNN's top cost.
    private func im2col(_ x: UnsafeMutablePointer<Float>, first: Int, count: Int, into cols: UnsafeMutablePointer<Float>) {
        let c = inChannels, k = kernel, p = patch, h = h, w = w, oh = oh, ow = ow
        let stride = stride, padding = padding, run = k &* c
        var row = cols
        // Wrapping arithmetic: every index here is bounded by the layer's sizes, and
        // overflow checks in this innermost code cost more than the copies.
        for img in first..<(first &+ count) {
            let image = UnsafePointer(x + img &* h &* w &* c)
            for oy in 0..<oh {
                let y0 = oy &* stride &- padding
                for ox in 0..<ow {
                    let x0 = ox &* stride &- padding
                    let inside = x0 >= 0 && x0 &+ k <= w
                    var dst = row
                    for ky in 0..<k {
                        let iy = y0 &+ ky
                        if iy < 0 || iy >= h {
                            for j in 0..<run { dst[j] = 0 }
                        } else if inside {
                            copyRun(from: image + (iy &* w &+ x0) &* c, to: dst, count: run)
                        } else {
                            for kx in 0..<k {
                                let ix = x0 &+ kx
                                let d = dst + kx &* c
                                if ix >= 0 && ix < w {
                                    let src = image + (iy &* w &+ ix) &* c
                                    for ch in 0..<c { d[ch] = src[ch] }
                                } else {
                                    for ch in 0..<c { d[ch] = 0 }
                                }
                            }
                        }
                        dst += run
                    }
                    row += p
                }
            }
        }
    }

    /// Copies a short run of floats in four-float pieces, the last piece overlapping
    /// the one before when `count` is not a multiple of 4: a call to memcpy or a
    /// scalar loop costs more than the copy for runs of 5 (a 5 × 5 kernel's row on one channel).
    @inline(__always)
    private func copyRun(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= 4 else {
            for j in 0..<count { dst[j] = src[j] }
            return
        }
        var j = 0
        while j &+ 4 <= count {
            UnsafeMutableRawPointer(dst + j).storeBytes(of: UnsafeRawPointer(src + j).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
            j &+= 4
        }
        if j < count {
            let last = count &- 4
            UnsafeMutableRawPointer(dst + last).storeBytes(of: UnsafeRawPointer(src + last).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
        }
    }

    /// The adjoint of im2col: adds each row of `colGrad` back onto the pixels it came from.
    private func col2im(_ dx: UnsafeMutablePointer<Float>, first: Int, count: Int, from colGrad: UnsafeMutablePointer<Float>) {
        let c = inChannels, k = kernel, p = patch, h = h, w = w, oh = oh, ow = ow
        let stride = stride, padding = padding, run = k * c
        var row = UnsafePointer(colGrad)
        for img in first..<(first + count) {
            let image = dx + img * h * w * c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let x0 = ox * stride - padding
                    var src = row
                    for ky in 0..<k {
                        let iy = oy * stride - padding + ky
                        if iy >= 0 && iy < h {
                            let lo = max(0, -x0), hi = min(k, w - x0)
                            if lo < hi {
                                let dst = image + (iy * w + x0 + lo) * c
                                let from = src + lo * c
                                for j in 0..<((hi - lo) * c) { dst[j] += from[j] }
                            }
                        }
                        src += run
                    }
                    row += p
                }
            }
        }
    }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        input = x
        let y = output.pointer, cout = outChannels, pixels = oh * ow, p = patch
        let parts = partCount(n)
        if usesDirectPath {
            refreshTapMajorWeights()
            Engine.run(parts: parts) { part in
                let r = Engine.range(part, of: parts, count: n)
                forwardDirect(x, images: r, y: y)
            }
            return y
        }
        let b = bias.value.pointer, wgt = weight.value.pointer
        Engine.run(parts: parts) { part in
            let r = Engine.range(part, of: parts, count: n)
            // Every output row starts as the bias; the GEMM accumulates onto it.
            for row in (r.lowerBound * pixels)..<(r.upperBound * pixels) {
                (y + row * cout).update(from: b, count: cout)
            }
            var first = r.lowerBound
            while first < r.upperBound {
                let count = min(Self.chunkImages, r.upperBound - first)
                im2col(x, first: first, count: count, into: cols[part].pointer)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count * pixels), Int32(cout), Int32(p),
                            1, cols[part].pointer, Int32(p), wgt, Int32(p),
                            1, y + first * pixels * cout, Int32(cout))
                first += count
            }
        }
        colsHoldWholeBatch = (n + parts - 1) / parts <= Self.chunkImages
        return y
    }

    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let cout = outChannels, pixels = oh * ow, p = patch
        let parts = partCount(n)
        let dx: UnsafeMutablePointer<Float>? = needInputGradient ? inputGrad.pointer : nil
        let parameterGradients = computesParameterGradients
        if usesDirectPath {
            Engine.run(parts: parts) { part in
                backwardDirect(x, dy, images: Engine.range(part, of: parts, count: n), part: part, dx: dx,
                               parameterGradients: parameterGradients)
            }
        } else {
            let wgt = weight.value.pointer
            Engine.run(parts: parts) { part in
                let r = Engine.range(part, of: parts, count: n)
                let db = biasPartials[part].pointer, dw = weightPartials[part].pointer
                if parameterGradients {
                    // Bias gradient: column sums of dY.
                    db.update(repeating: 0, count: cout)
                    for row in (r.lowerBound * pixels)..<(r.upperBound * pixels) {
                        let d = dy + row * cout
                        for o in 0..<cout { db[o] += d[o] }
                    }
                }
                if let dx { (dx + r.lowerBound * h * w * inChannels).update(repeating: 0, count: r.count * h * w * inChannels) }
                var first = r.lowerBound
                while first < r.upperBound {
                    let count = min(Self.chunkImages, r.upperBound - first)
                    let rows = Int32(count * pixels)
                    let dyChunk = dy + first * pixels * cout
                    if parameterGradients {
                        if !colsHoldWholeBatch { im2col(x, first: first, count: count, into: cols[part].pointer) }
                        // dW[out, patch] (+)= dYᵀ · cols
                        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(cout), Int32(p), rows,
                                    1, dyChunk, Int32(cout), cols[part].pointer, Int32(p),
                                    first == r.lowerBound ? 0 : 1, dw, Int32(p))
                    }
                    if let dx {
                        // dCols = dY · W, then scattered back onto the input pixels.
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, Int32(p), Int32(cout),
                                    1, dyChunk, Int32(cout), wgt, Int32(p), 0, colGrad[part].pointer, Int32(p))
                        col2im(dx, first: first, count: count, from: colGrad[part].pointer)
                    }
                    first += count
                }
            }
        }
        if parameterGradients { sumPartials(parts) }
        return dx
    }

    /// weight.grad and bias.grad = the parts' partial sums, added in part order.
    private func sumPartials(_ parts: Int) {
        let gw = weight.grad!.pointer, gb = bias.grad!.pointer, nw = patch * outChannels
        gw.update(from: weightPartials[0].pointer, count: nw)
        gb.update(from: biasPartials[0].pointer, count: outChannels)
        for part in 1..<max(parts, 1) {
            let pw = weightPartials[part].pointer, pb = biasPartials[part].pointer
            for i in 0..<nw { gw[i] += pw[i] }
            for i in 0..<outChannels { gb[i] += pb[i] }
        }
    }
}
