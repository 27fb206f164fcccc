import COpenBLAS
import FolioData

/// 2-D convolution (cross-correlation, as PyTorch), computed one of four ways:
/// directly for one input channel and a multiple of 8 output channels
/// (Conv2dDirect.swift), by Winograd's minimal
/// filtering for stride-1 3 × 3 and 5 × 5 kernels on multiples of 16 channels
/// (Conv2dWinograd.swift), image by image with a narrow product kernel for at
/// most 24 output channels (NarrowGEMM.swift), and otherwise by im2col + one GEMM
/// per chunk of images.
/// Channels-last activations make each im2col row a run of contiguous copies and
/// the GEMM output already the next layer's layout.
public final class Conv2d: Layer {
    public let name: String
    public var typeName: String { "Conv2d" }
    public let inChannels: Int, outChannels: Int
    public let kernel: Int, stride: Int, padding: Int
    public let weight: Parameter  // internal [out, kh, kw, in]
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }

    /// Images per chunk and part: as many as keep the unrolled rows (or, for
    /// Winograd, the transformed tiles V and products M) within `chunkBudget` bytes
    /// (at least one, at most `maxChunkImages`), so that they are still in the core's L2 cache when the GEMM packs them, even though backward
    /// then unrolls again. For the SimpleCNN's second convolution (225 KB of rows per
    /// image) that is 2 images: measured 13 % faster training than 8 images on a core
    /// with 512 KB of L2. A fixed budget rather than the detected cache size keeps
    /// the results (dW sums chunk by chunk) the same on every machine.
    static let chunkBudget = 512 * 1024
    static let maxChunkImages = 8
    private(set) var chunkImages = 1

    private var h = 0, w = 0, oh = 0, ow = 0
    var inputHeight: Int { h }
    var inputWidth: Int { w }
    var outputHeight: Int { oh }
    /// Floats of one sample's output.
    var outputFloatsPerImage: Int { oh * ow * outChannels }
    var outputWidth: Int { ow }
    /// The direct path's weights, tap-major ([tap][out]); for narrow width, the same
    /// padded to whole vectors of outputs, then the padded bias.
    let tapMajor = FloatStorage(count: 1)
    private let output = FloatStorage(count: 1)
    private let inputGrad = FloatStorage(count: 1)
    /// The kernel flipped in both directions, [in][kh][kw][out]: the weights of the
    /// convolution of dY that gives dX (see `backward`); for narrow width, the
    /// weights [out][patch] with the patch padded to 16 floats, for dX.
    let flippedWeight = FloatStorage(count: 1)
    /// Per part: im2col rows and their gradient (for Winograd: V, and M or dM;
    /// for narrow width, a padded image and `narrowScratchFloats`), and partial
    /// weight and bias gradients, summed in part order after the parallel pass.
    var cols: [FloatStorage] = []
    var colGrad: [FloatStorage] = []
    var weightPartials: [FloatStorage] = []
    /// Per part, the direct path's scratch: dW in [tap][out] order, then the
    /// receptive fields' gradients [pixel][tap] when dX is wanted.
    var directPatches: [FloatStorage] = []
    var biasPartials: [FloatStorage] = []
    private var input: UnsafeMutablePointer<Float>?
    private var colsHoldWholeBatch = false
    /// Off while only the input gradient is wanted (optimising pixels): backward
    /// then skips dW and db, leaving the previous gradients in place.
    var computesParameterGradients = true
    /// Images each part's workspaces (cols, colGrad or directPatches) can hold.
    private var partImages: [Int] = []

    /// How a convolution off the direct path is computed.
    public enum Algorithm: Sendable {
        /// Unrolled receptive fields (im2col) times the weights, by OpenBLAS.
        case unrolled
        /// Winograd's F(m × m, r × r) (see Conv2dWinograd.swift).
        case winograd
        /// Unrolled image by image, the products by a kernel that holds a row of at
        /// most 24 output channels in registers (see NarrowGEMM.swift).
        case narrowWidth
    }
    /// Winograd where it applies (stride 1, 3 × 3 or 5 × 5 kernels, channel counts
    /// that are multiples of 16), else narrow width for at most 24 output channels,
    /// else unrolled. Tests set it to compare them.
    public var algorithm: Algorithm {
        didSet {
            precondition(algorithm != .winograd || winogradTransform != nil, "\(name): Winograd does not apply")
            precondition(algorithm != .narrowWidth || outChannels <= NarrowGEMM.maxWidth, "\(name): too wide for narrowWidth")
            guard algorithm != oldValue else { return }
            // A backward pass must follow a forward pass of the same algorithm.
            input = nil; colsHoldWholeBatch = false
            if maxBatch > 0 { partImages = partImages.map { _ in 0 }; allocate(maxBatch: maxBatch, input: [inChannels, h, w]) }
        }
    }
    let winogradTransform: WinogradTransform?
    var usesWinograd: Bool { algorithm == .winograd && !usesDirectPath }
    /// The transformed kernels, [ξ][in][out] and [ξ][out][in].
    let winogradU = FloatStorage(count: 1), winogradUT = FloatStorage(count: 1)
    /// Per part, dU = Σ dMᵀ V as [ξ][out][in].
    var transformedGradients: [FloatStorage] = []

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1,
                padding: Int = 0, rng: inout SeededGenerator) {
        precondition(kernel > 0 && stride > 0 && padding >= 0)
        self.name = name
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        weight = Parameter(name: name + ".weight", shape: [outChannels, inChannels, kernel, kernel],
                           convolutionLayout: (outChannels, inChannels, kernel, kernel))
        bias = Parameter(name: name + ".bias", shape: [outChannels])
        let winograd = Self.winogradApplies(kernel: kernel, stride: stride, inChannels: inChannels, outChannels: outChannels)
        winogradTransform = winograd ? WinogradTransform(m: Self.winogradTileSize(kernel: kernel), r: kernel) : nil
        algorithm = winograd ? .winograd
            : Self.narrowWidthApplies(inChannels: inChannels, outChannels: outChannels) ? .narrowWidth : .unrolled
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
        let rowFloats = usesWinograd ? winogradFloatsPerImage.v + winogradFloatsPerImage.m : oh * ow * patch
        let rowBytes = rowFloats * MemoryLayout<Float>.stride
        chunkImages = min(Self.maxChunkImages, max(1, Self.chunkBudget / max(rowBytes, 1)))
        output.reserve(maxBatch * oh * ow * outChannels)
        inputGrad.reserve(maxBatch * h * w * inChannels)
        tapMajor.reserve(patch * outChannels)
        if usesNarrowWidth {
            let floats = narrowWeightFloats
            tapMajor.reserve(floats.forward); flippedWeight.reserve(floats.input)
        } else if transposedInputGradient && !usesWinograd {
            flippedWeight.reserve(patch * outChannels)
        }
        if usesWinograd {
            let floats = winogradPlanes * inChannels * outChannels
            winogradU.reserve(floats); winogradUT.reserve(floats)
        }
        reserveParts(Engine.parts(for: maxBatch, minimum: 1))
    }

    /// Workspaces for `parts` parts, each for ⌈maxBatch / parts⌉ images (they only
    /// grow). A part is re-reserved when it is later asked for more images than it
    /// holds: after the thread count falls, each part covers more of the batch.
    private func reserveParts(_ parts: Int) {
        // Winograd sums its weight gradients as dU, in the transformed domain.
        while weightPartials.count < parts && !usesWinograd { weightPartials.append(FloatStorage(count: patch * outChannels)) }
        while transformedGradients.count < parts && usesWinograd {
            transformedGradients.append(FloatStorage(count: winogradPlanes * inChannels * outChannels))
        }
        while biasPartials.count < parts { biasPartials.append(FloatStorage(count: outChannels)) }
        while partImages.count < parts {
            partImages.append(0)
            if usesDirectPath {
                directPatches.append(FloatStorage(count: 1))
            } else {
                cols.append(FloatStorage(count: 1)); colGrad.append(FloatStorage(count: 1))
            }
        }
        let perPart = (maxBatch + parts - 1) / parts
        let chunk = min(perPart, chunkImages)
        // colGrad holds dCols, or the unrolled dY when dX is a convolution of dY.
        let gradFloats = transposedInputGradient ? chunk * h * w * kernel * kernel * outChannels : chunk * oh * ow * patch
        for p in 0..<parts where partImages[p] < perPart {
            if usesDirectPath {
                directPatches[p].reserve(max(perPart * oh * ow, outChannels) * patch)
            } else if usesNarrowWidth {
                // One image at a time: its copy with a border of zeros, and colGrad's scratch.
                cols[p].reserve(padding > 0 ? (h + 2 * padding) * (w + 2 * padding) * inChannels : 1)
                colGrad[p].reserve(narrowScratchFloats)
            } else if usesWinograd {
                let perImage = winogradFloatsPerImage
                cols[p].reserve(chunk * perImage.v); colGrad[p].reserve(chunk * perImage.m)
            } else {
                cols[p].reserve(chunk * oh * ow * patch)
                colGrad[p].reserve(gradFloats)
            }
            partImages[p] = perPart
        }
    }

    func partCount(_ n: Int) -> Int {
        let parts = Engine.parts(for: n, minimum: 1)
        let need = (n + parts - 1) / parts
        if parts > partImages.count || partImages[0..<parts].contains(where: { $0 < need }) { reserveParts(parts) }
        return parts
    }

    /// What one unrolling reads and writes: images of h × w pixels with `channels`
    /// values each, unrolled into oh × ow rows of k × k × channels values.
    struct Unrolling {
        var channels: Int, h: Int, w: Int, oh: Int, ow: Int, k: Int, stride: Int, padding: Int
        var rowWidth: Int { k * k * channels }
    }

    /// The forward pass's unrolling of the input.
    var inputUnrolling: Unrolling {
        Unrolling(channels: inChannels, h: h, w: w, oh: oh, ow: ow, k: kernel, stride: stride, padding: padding)
    }

    /// For a stride-1 convolution padded to keep its size ("same"), dX is itself such
    /// a convolution: of dY, padded by k − 1 − p, with the kernel flipped and its
    /// channel roles swapped. Done as im2col + GEMM it has the forward pass's good
    /// shape (inner dimension k·k·out), where dCols = dY·W has inner dimension `out`
    /// (32 for the SimpleCNN), writes k·k times more values and needs a col2im.
    var transposedInputGradient: Bool { stride == 1 && 2 * padding == kernel - 1 }

    /// The unrolling of dY for `transposedInputGradient`.
    private var outputGradientUnrolling: Unrolling {
        Unrolling(channels: outChannels, h: oh, w: ow, oh: h, ow: w, k: kernel, stride: 1, padding: kernel - 1 - padding)
    }

    /// Unrolls images first..<first+count of `x` into rows of `cols`: one row per
    /// output pixel, holding the receptive field in (ky, kx, channel) order. In
    /// channels-last layout one kernel row (kx = 0..<k, every channel) is k·c
    /// contiguous floats, so each is a single copy unless it crosses the padded
    /// border. The sizes are read into locals first: read through a property they
    /// are reloaded (and access-checked) on every element.
    static func im2col(_ x: UnsafePointer<Float>, first: Int, count: Int, into cols: UnsafeMutablePointer<Float>,
                       _ g: Unrolling) {
        let c = g.channels, k = g.k, p = g.rowWidth, h = g.h, w = g.w, oh = g.oh, ow = g.ow
        let stride = g.stride, padding = g.padding, run = k &* c
        var row = cols
        // Wrapping arithmetic: every index here is bounded by the layer's sizes, and
        // overflow checks in this innermost code cost more than the copies.
        for img in first..<(first &+ count) {
            let image = x + img &* h &* w &* c
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

    /// Copies a short run of floats in eight-float pieces (four for runs under 8),
    /// the last piece overlapping the one before when `count` is not a multiple of
    /// the piece: a call to memcpy or a scalar loop costs more than the copy for runs
    /// of 5 (a 5 × 5 kernel's row on one channel) to 96 (3 × 3 on 32 channels).
    @inline(__always)
    private static func copyRun(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 {
            var j = 0
            while j &+ 8 <= count { store8(load8(src + j), dst + j); j &+= 8 }
            if j < count { store8(load8(src + (count &- 8)), dst + (count &- 8)) }
        } else if count >= 4 {
            UnsafeMutableRawPointer(dst).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
            let last = count &- 4
            UnsafeMutableRawPointer(dst + last).storeBytes(of: UnsafeRawPointer(src + last).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
        } else {
            for j in 0..<count { dst[j] = src[j] }
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

    /// The direct path's forward pass over a batch, images split into parts.
    func runDirect(_ x: UnsafeMutablePointer<Float>, n: Int, into y: UnsafeMutablePointer<Float>) {
        let parts = partCount(n)
        Engine.run(parts: parts) { part in forwardDirect(x, images: Engine.range(part, of: parts, count: n), y: y) }
    }

    /// For `ConvolutionPoolStage`, in training: the direct path's weight and bias
    /// gradients without dX, where `produce(images, part)` first writes those images'
    /// dY, a few images at a time, and returns where the first of them starts, so
    /// they are read back from the cache.
    func backwardDirectParameters(n: Int, imagesPerStep: Int,
                                  produce: (Range<Int>, Int) -> UnsafePointer<Float>) {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        precondition(usesDirectPath && computesParameterGradients)
        let parts = partCount(n)
        Engine.run(parts: parts) { part in
            let r = Engine.range(part, of: parts, count: n)
            beginDirectGradients(part: part)
            var start = r.lowerBound
            while start < r.upperBound {
                let images = start..<min(start + imagesPerStep, r.upperBound)
                accumulateDirectGradients(x, produce(images, part), images: images, part: part)
                start = images.upperBound
            }
            finishDirectGradients(part: part)
        }
        sumPartials(parts)
    }

    /// For `ConvolutionPoolStage`: readies the direct path's forward pass over `x`
    /// (which backward will use) and returns where its output goes.
    func beginDirectForward(_ x: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        precondition(usesDirectPath)
        input = x
        refreshTapMajorWeights()
        return output.pointer
    }

    /// For `WinogradPoolStage`: the Winograd forward pass over `x` (which backward
    /// will use), each chunk's output placed and handed on by `chunks`.
    func forwardWinogradChunks(_ x: UnsafeMutablePointer<Float>, n: Int, chunks: ChunkOutput) {
        precondition(usesWinograd)
        input = x
        forwardWinograd(x, n: n, into: output.pointer, chunks: chunks)
    }

    /// For `WinogradPoolStage`: the Winograd backward pass with each chunk's output
    /// gradient made by `chunkGradient` (see `backwardWinograd`).
    func backwardWinogradChunks(n: Int, needInputGradient: Bool,
                                chunkGradient: (_ part: Int, _ images: Range<Int>) -> UnsafePointer<Float>,
                                after: ((_ part: Int, _ images: Range<Int>) -> Void)? = nil)
        -> UnsafeMutablePointer<Float>? {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let dx: UnsafeMutablePointer<Float>? = needInputGradient ? inputGrad.pointer : nil
        withoutActuallyEscaping(chunkGradient) {
            backwardWinograd(x, nil, n: n, dx: dx, chunkGradient: $0, afterChunk: after)
        }
        return dx
    }

    /// Where backward leaves the input gradient.
    var inputGradientPointer: UnsafeMutablePointer<Float> { inputGrad.pointer }

    /// For a backward pass chained to the next stage's (see `ConvolutionPoolStage`):
    /// clears every part's parameter-gradient scratch of the direct path; the caller
    /// then hands each part's images to `accumulateDirectGradients` in order and
    /// ends with `finishDirectParameters`. Returns this pass's input and part count.
    func beginDirectParameters(n: Int) -> (x: UnsafeMutablePointer<Float>, parts: Int) {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        precondition(usesDirectPath && computesParameterGradients)
        let parts = partCount(n)
        for part in 0..<parts { beginDirectGradients(part: part) }
        return (x, parts)
    }

    func finishDirectParameters(parts: Int) {
        for part in 0..<parts { finishDirectGradients(part: part) }
        sumPartials(parts)
    }

    /// Where the batch's output goes when it is kept whole.
    var outputPointer: UnsafeMutablePointer<Float> { output.pointer }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        if usesDirectPath {
            let y = beginDirectForward(x)
            runDirect(x, n: n, into: y)
            return y
        }
        input = x
        if usesWinograd {
            forwardWinograd(x, n: n, into: output.pointer)
            return output.pointer
        }
        if usesNarrowWidth {
            forwardNarrow(x, n: n, into: output.pointer)
            return output.pointer
        }
        let y = output.pointer, cout = outChannels, pixels = oh * ow, p = patch
        let parts = partCount(n)
        let b = bias.value.pointer, wgt = weight.value.pointer, unrolling = inputUnrolling
        Engine.run(parts: parts) { part in
            let r = Engine.range(part, of: parts, count: n)
            // Every output row starts as the bias; the GEMM accumulates onto it.
            for row in (r.lowerBound * pixels)..<(r.upperBound * pixels) {
                (y + row * cout).update(from: b, count: cout)
            }
            var first = r.lowerBound
            while first < r.upperBound {
                let count = min(chunkImages, r.upperBound - first)
                Self.im2col(x, first: first, count: count, into: cols[part].pointer, unrolling)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count * pixels), Int32(cout), Int32(p),
                            1, cols[part].pointer, Int32(p), wgt, Int32(p),
                            1, y + first * pixels * cout, Int32(cout))
                first += count
            }
        }
        colsHoldWholeBatch = (n + parts - 1) / parts <= chunkImages
        return y
    }

    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let cout = outChannels, pixels = oh * ow, p = patch
        let parts = partCount(n)
        let dx: UnsafeMutablePointer<Float>? = needInputGradient ? inputGrad.pointer : nil
        let parameterGradients = computesParameterGradients
        if usesWinograd {
            backwardWinograd(x, dy, n: n, dx: dx)
            return dx
        }
        if usesNarrowWidth {
            backwardNarrow(x, dy, n: n, dx: dx, parameterGradients: parameterGradients)
            if parameterGradients { sumPartials(parts) }
            return dx
        }
        if usesDirectPath {
            Engine.run(parts: parts) { part in
                backwardDirect(x, dy, images: Engine.range(part, of: parts, count: n), part: part, dx: dx,
                               parameterGradients: parameterGradients)
            }
        } else {
            let wgt = weight.value.pointer, unrolling = inputUnrolling
            let transposed = transposedInputGradient && dx != nil
            if transposed { refreshFlippedWeights() }
            let flipped = UnsafePointer(flippedWeight.pointer), dyUnrolling = outputGradientUnrolling
            let cin = inChannels, inPixels = h * w, flippedWidth = kernel * kernel * cout
            Engine.run(parts: parts) { part in
                let r = Engine.range(part, of: parts, count: n)
                let db = biasPartials[part].pointer, dw = weightPartials[part].pointer
                if parameterGradients {
                    // Bias gradient: column sums of dY.
                    db.update(repeating: 0, count: cout)
                    if cout % 8 == 0 {
                        Self.addColumnSums(dy + r.lowerBound * pixels * cout, rows: r.count * pixels, columns: cout, into: db)
                    } else {
                        for row in (r.lowerBound * pixels)..<(r.upperBound * pixels) {
                            let d = dy + row * cout
                            for o in 0..<cout { db[o] += d[o] }
                        }
                    }
                }
                if let dx, !transposed { (dx + r.lowerBound * inPixels * cin).update(repeating: 0, count: r.count * inPixels * cin) }
                var first = r.lowerBound
                while first < r.upperBound {
                    let count = min(chunkImages, r.upperBound - first)
                    let rows = Int32(count * pixels)
                    let dyChunk = dy + first * pixels * cout
                    if parameterGradients {
                        if !colsHoldWholeBatch { Self.im2col(x, first: first, count: count, into: cols[part].pointer, unrolling) }
                        // dW[out, patch] (+)= dYᵀ · cols
                        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(cout), Int32(p), rows,
                                    1, dyChunk, Int32(cout), cols[part].pointer, Int32(p),
                                    first == r.lowerBound ? 0 : 1, dw, Int32(p))
                    }
                    if let dx, transposed {
                        // dX = unrolled dY · flippedᵀ, straight into the input's layout.
                        Self.im2col(dy, first: first, count: count, into: colGrad[part].pointer, dyUnrolling)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count * inPixels), Int32(cin), Int32(flippedWidth),
                                    1, colGrad[part].pointer, Int32(flippedWidth), flipped, Int32(flippedWidth),
                                    0, dx + first * inPixels * cin, Int32(cin))
                    } else if let dx {
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

    /// flipped[i][ky][kx][o] = W[o][k−1−ky][k−1−kx][i]: the kernel of the convolution
    /// of dY that gives dX.
    private func refreshFlippedWeights() {
        let k = kernel, cin = inChannels, cout = outChannels, wgt = weight.value.pointer, f = flippedWeight.pointer
        for i in 0..<cin { for ky in 0..<k { for kx in 0..<k { for o in 0..<cout {
            f[((i * k + ky) * k + kx) * cout + o] = wgt[((o * k + (k - 1 - ky)) * k + (k - 1 - kx)) * cin + i]
        } } } }
    }

    /// weight.grad and bias.grad = the parts' partial sums, added in part order.
    private func sumPartials(_ parts: Int) {
        let gw = weight.grad!.pointer, nw = patch * outChannels
        gw.update(from: weightPartials[0].pointer, count: nw)
        for part in 1..<max(parts, 1) {
            let pw = weightPartials[part].pointer
            for i in 0..<nw { gw[i] += pw[i] }
        }
        sumBiasPartials(parts)
    }

    /// bias.grad = the parts' column sums, added in part order.
    func sumBiasPartials(_ parts: Int) {
        let gb = bias.grad!.pointer
        gb.update(from: biasPartials[0].pointer, count: outChannels)
        for part in 1..<max(parts, 1) {
            let pb = biasPartials[part].pointer
            for i in 0..<outChannels { gb[i] += pb[i] }
        }
    }
}
