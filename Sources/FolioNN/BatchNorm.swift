/// Batch normalisation over the channel (last) dimension, for both BatchNorm2d
/// (channels-last images: statistics over N·H·W rows) and BatchNorm1d (vectors:
/// statistics over N rows). Training normalises with the batch's mean and biased
/// variance and moves the running statistics by momentum 0.1 towards the batch mean
/// and the UNBIASED variance, as PyTorch; evaluation uses the running statistics.
public final class BatchNorm: Layer {
    public let name: String
    public let typeName: String
    public let channels: Int
    /// PyTorch's defaults, which every BatchNorm layer here uses.
    public static let eps: Float = 1e-5
    public static let momentum: Float = 0.1
    public var eps: Float { Self.eps }
    public var momentum: Float { Self.momentum }
    public let weight: Parameter, bias: Parameter
    public let runningMean: Parameter, runningVar: Parameter, batchesTracked: Parameter
    public var parameters: [Parameter] { [weight, bias, runningMean, runningVar, batchesTracked] }

    private(set) var perSample = 0  // rows per sample: H·W for images, 1 for vectors
    private let output = FloatStorage(count: 1)
    private let inputGrad = FloatStorage(count: 1)
    private var input: UnsafeMutablePointer<Float>?
    private var mean: [Float], invStd: [Float]
    private var sum: [Double], sumProduct: [Double], shiftedSums: [Double]
    /// Per-part partial sums over that part's rows, [part][2 × channel] in Double,
    /// added in part order so results depend only on the thread count; and per part
    /// the Float sums of the block of rows being added up.
    private var partials = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    private var blockSums = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var partialParts = 0
    /// Rows summed in Float (eight channels at a time) before being added to the
    /// Double sums: vectorised, and as accurate as Double over a whole batch.
    static let blockRows = 64

    deinit { partials.deallocate(); blockSums.deallocate() }

    /// `spatial` selects BatchNorm2d ([C, H, W] inputs) rather than BatchNorm1d ([C]).
    public init(name: String, channels: Int, spatial: Bool) {
        self.name = name
        self.channels = channels
        typeName = spatial ? "BatchNorm2d" : "BatchNorm1d"
        weight = Parameter(name: name + ".weight", shape: [channels])
        bias = Parameter(name: name + ".bias", shape: [channels])
        runningMean = Parameter(name: name + ".running_mean", shape: [channels], isBuffer: true)
        runningVar = Parameter(name: name + ".running_var", shape: [channels], isBuffer: true)
        batchesTracked = Parameter(name: name + ".num_batches_tracked", shape: [], isBuffer: true)
        for i in 0..<channels { weight.values[i] = 1; runningVar.values[i] = 1 }
        mean = Array(repeating: 0, count: channels); invStd = mean
        sum = Array(repeating: 0, count: channels); sumProduct = sum; shiftedSums = sum
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let ok = typeName == "BatchNorm2d" ? input.count == 3 : input.count == 1
        guard ok, input[0] == channels else {
            throw ShapeError("\(name): \(typeName)(\(channels)) cannot take input \(input)")
        }
        return input
    }

    public func allocate(maxBatch: Int, input: [Int]) {
        perSample = input.reduce(1, *) / channels
        output.reserve(maxBatch * perSample * channels)
        inputGrad.reserve(maxBatch * perSample * channels)
        reserveParts(Engine.parts(for: maxBatch * perSample, minimum: 256))
    }

    private func reserveParts(_ parts: Int) {
        guard parts > partialParts else { return }
        partials.deallocate(); blockSums.deallocate()
        partials = .allocate(capacity: 2 * parts * channels)
        blockSums = .allocate(capacity: 2 * parts * channels)
        partialParts = parts
    }

    private func rowParts(_ rows: Int) -> Int {
        let parts = Engine.parts(for: rows, minimum: 256)
        reserveParts(parts)
        return parts
    }

    /// Per channel, two sums over all rows (into `a`, and into `b` when given).
    /// `body(rows, blockA, blockB)` adds one block of rows into the Float sums
    /// blockA and blockB (c values each, cleared before every block); the blocks are
    /// added into Double per part, and the parts in order.
    private func channelSums(rows: Int, into a: inout [Double], _ b: UnsafeMutablePointer<Double>?,
                             _ body: (Range<Int>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        let c = channels, parts = rowParts(rows), partials = self.partials, blockSums = self.blockSums
        Engine.run(parts: parts) { part in
            let pa = partials + part * 2 * c, pb = pa + c
            let fa = blockSums + part * 2 * c, fb = fa + c
            pa.update(repeating: 0, count: 2 * c)
            let r = Engine.range(part, of: parts, count: rows)
            var start = r.lowerBound
            while start < r.upperBound {
                let end = min(start + Self.blockRows, r.upperBound)
                fa.update(repeating: 0, count: 2 * c)
                body(start..<end, fa, fb)
                for j in 0..<c { pa[j] += Double(fa[j]); pb[j] += Double(fb[j]) }
                start = end
            }
        }
        for j in 0..<c { a[j] = 0; b?[j] = 0 }
        for part in 0..<parts {
            let pa = partials + part * 2 * c
            for j in 0..<c { a[j] += pa[j]; b?[j] += pa[c + j] }
        }
    }

    /// Eight channels at a time, then the rest one by one: `simd` and `scalar` do the
    /// same arithmetic on channel j.
    @inline(__always)
    private static func forChannels(_ c: Int, from first: Int = 0, simd: (Int) -> Void, scalar: (Int) -> Void) {
        var j = first
        while j &+ 8 <= c { simd(j); j &+= 8 }
        while j < c { scalar(j); j &+= 1 }
    }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        let (scale, shift) = normalisation(x, n: n, training: training)
        let rows = n * perSample, c = channels, y = output.pointer
        let parts = rowParts(rows)
        scale.withUnsafeBufferPointer { sc in shift.withUnsafeBufferPointer { sh in
            Engine.run(parts: parts) { part in
                let sc = sc.baseAddress!, sh = sh.baseAddress!
                for r in Engine.range(part, of: parts, count: rows) {
                    let xr = x + r * c, yr = y + r * c
                    Self.forChannels(c, simd: { j in store8(Self.normalised(load8(xr + j), sc, sh, j), yr + j) },
                                     scalar: { j in yr[j] = xr[j] * sc[j] + sh[j] })
                }
            }
        } }
        return y
    }

    /// y = x·scale + shift for channels j..<j+8, as `forward` writes it and
    /// `BatchNormPoolStage` pools it.
    @inline(__always)
    static func normalised(_ x: SIMD8<Float>, _ scale: UnsafePointer<Float>, _ shift: UnsafePointer<Float>, _ j: Int) -> SIMD8<Float> {
        x * load8(scale + j) + load8(shift + j)
    }

    /// Readies a forward pass over `x`: in training, the batch's statistics (and the
    /// running ones moved towards them); returns per channel the scale γ/σ and the
    /// shift β − μ·γ/σ that fold y = γ·(x − μ)/σ + β into one multiply-add per value.
    func normalisation(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> (scale: [Float], shift: [Float]) {
        input = x
        evaluatedWithBatchStatistics = training
        let rows = n * perSample, c = channels
        if training {
            precondition(rows > 1, "\(name): batch normalisation in training needs more than one value per channel")
            // One pass for both moments, shifted by the batch's first row K (the
            // shifted-data formula: var = E[(x−K)²] − E[x−K]², with little
            // cancellation since K is one of the values): one read of x fewer than
            // a mean pass followed by a deviation pass, and x is larger than the
            // cache for the first layer's 64 × 784 × 32 values.
            let shift = UnsafePointer(x)
            shiftedSums.withUnsafeMutableBufferPointer { shifted in
                let shifted = shifted.baseAddress!
                channelSums(rows: rows, into: &sum, shifted) { r, s1, s2 in
                    // Thirty-two channels at a time with the sums in registers over the
                    // block's rows (in memory, each row waited on the last row's stores).
                    var first = 0
                    while first &+ 32 <= c {
                        var (a0, a1, a2, a3) = load32(s1 + first), (b0, b1, b2, b3) = load32(s2 + first)
                        let (k0, k1, k2, k3) = load32(shift + first)
                        for row in r {
                            let xr = x + (row &* c &+ first)
                            let d0 = load8(xr) - k0, d1 = load8(xr + 8) - k1, d2 = load8(xr + 16) - k2, d3 = load8(xr + 24) - k3
                            a0 = a0 + d0; b0 = b0 + d0 * d0; a1 = a1 + d1; b1 = b1 + d1 * d1
                            a2 = a2 + d2; b2 = b2 + d2 * d2; a3 = a3 + d3; b3 = b3 + d3 * d3
                        }
                        store32((a0, a1, a2, a3), s1 + first); store32((b0, b1, b2, b3), s2 + first)
                        first &+= 32
                    }
                    guard first < c else { return }
                    for row in r {
                        let xr = x + row * c
                        Self.forChannels(c, from: first, simd: { j in
                            let d = load8(xr + j) - load8(shift + j)
                            store8(load8(s1 + j) + d, s1 + j)
                            store8(load8(s2 + j) + d * d, s2 + j)
                        }, scalar: { j in
                            let d = xr[j] - shift[j]
                            s1[j] += d; s2[j] += d * d
                        })
                    }
                }
            }
            for j in 0..<c {
                let m = sum[j] / Double(rows)
                mean[j] = Float(Double(shift[j]) + m)
                // Σ(x − μ)² from the shifted moments, never below 0 by rounding.
                sumProduct[j] = max(0, shiftedSums[j] - Double(rows) * m * m)
            }
            let rm = runningMean.values, rv = runningVar.values
            for j in 0..<c {
                let biased = sumProduct[j] / Double(rows)
                invStd[j] = Float(1 / (biased + Double(eps)).squareRoot())
                let unbiased = sumProduct[j] / Double(rows - 1)
                rm[j] = (1 - momentum) * rm[j] + momentum * mean[j]
                rv[j] = (1 - momentum) * rv[j] + momentum * Float(unbiased)
            }
            batchesTracked.values[0] += 1
        } else {
            let rm = runningMean.values, rv = runningVar.values
            for j in 0..<c { mean[j] = rm[j]; invStd[j] = 1 / (rv[j] + eps).squareRoot() }
        }
        var scale = [Float](repeating: 0, count: c), shift = scale
        let g = weight.values, b = bias.values
        for j in 0..<c { scale[j] = g[j] * invStd[j]; shift[j] = b[j] - mean[j] * scale[j] }
        return (scale, shift)
    }

    /// With x̂ = (x − μ)/σ: dβ = Σ dy, dγ = Σ dy·x̂, and
    /// dx = γ/(σ·M) · (M·dy − dβ − x̂·dγ) over the M rows of a channel
    /// (training mode); in evaluation mode μ and σ are constants and dx = γ/σ · dy.
    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        backward(n: n, needInputGradient: needInputGradient) { _, body in body(dy) }
    }

    /// Backward with the output gradient handed over a block of rows at a time:
    /// `gradient(rows, body)` calls `body` with where row 0's gradient would start,
    /// valid for `rows` (at most `blockRows` of them). `BatchNormPoolStage` un-pools
    /// each block into a small buffer instead of reading a batch-sized gradient.
    func backward(n: Int, needInputGradient: Bool,
                  gradient: (Range<Int>, (UnsafePointer<Float>) -> Void) -> Void) -> UnsafeMutablePointer<Float>? {
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        let rows = n * perSample, c = channels, dx = inputGrad.pointer
        let m = mean, s = invStd
        var dotSums = [Double](repeating: 0, count: c)
        dotSums.withUnsafeMutableBufferPointer { dot in
            channelSums(rows: rows, into: &sum, dot.baseAddress!) { r, sdy, sdyx in gradient(r) { dy in
                m.withUnsafeBufferPointer { m in s.withUnsafeBufferPointer { s in
                    let m = m.baseAddress!, s = s.baseAddress!
                    // As in forward: 32 channels at a time, the sums in registers.
                    var first = 0
                    while first &+ 32 <= c {
                        var (a0, a1, a2, a3) = load32(sdy + first), (b0, b1, b2, b3) = load32(sdyx + first)
                        let (m0, m1, m2, m3) = load32(m + first), (s0, s1, s2, s3) = load32(s + first)
                        for row in r {
                            let xr = x + (row &* c &+ first), dr = dy + (row &* c &+ first)
                            let d0 = load8(dr), d1 = load8(dr + 8), d2 = load8(dr + 16), d3 = load8(dr + 24)
                            a0 = a0 + d0; b0 = b0 + d0 * (load8(xr) - m0) * s0
                            a1 = a1 + d1; b1 = b1 + d1 * (load8(xr + 8) - m1) * s1
                            a2 = a2 + d2; b2 = b2 + d2 * (load8(xr + 16) - m2) * s2
                            a3 = a3 + d3; b3 = b3 + d3 * (load8(xr + 24) - m3) * s3
                        }
                        store32((a0, a1, a2, a3), sdy + first); store32((b0, b1, b2, b3), sdyx + first)
                        first &+= 32
                    }
                    guard first < c else { return }
                    for row in r {
                        let xr = x + row * c, dr = dy + row * c
                        Self.forChannels(c, from: first, simd: { j in
                            let d = load8(dr + j)
                            store8(load8(sdy + j) + d, sdy + j)
                            store8(load8(sdyx + j) + d * (load8(xr + j) - load8(m + j)) * load8(s + j), sdyx + j)
                        }, scalar: { j in
                            sdy[j] += dr[j]
                            sdyx[j] += dr[j] * (xr[j] - m[j]) * s[j]
                        })
                    }
                } }
            } }
        }
        sumProduct = dotSums
        let dg = weight.gradients, db = bias.gradients, g = weight.values
        for j in 0..<c { db[j] = Float(sum[j]); dg[j] = Float(sumProduct[j]) }
        guard needInputGradient else { return nil }
        var a = [Float](repeating: 0, count: c), bTerm = a, cTerm = a
        for j in 0..<c { a[j] = g[j] * invStd[j] }
        if evaluatedWithBatchStatistics {
            let count = Float(rows)
            for j in 0..<c { bTerm[j] = db[j] / count; cTerm[j] = dg[j] / count }
        }
        let parts = rowParts(rows)
        a.withUnsafeBufferPointer { a in bTerm.withUnsafeBufferPointer { bt in cTerm.withUnsafeBufferPointer { ct in
            m.withUnsafeBufferPointer { m in s.withUnsafeBufferPointer { s in
                let a = a.baseAddress!, bt = bt.baseAddress!, ct = ct.baseAddress!, m = m.baseAddress!, s = s.baseAddress!
                Engine.run(parts: parts) { part in
                    let range = Engine.range(part, of: parts, count: rows)
                    for start in Swift.stride(from: range.lowerBound, to: range.upperBound, by: Self.blockRows) {
                        let block = start..<min(start + Self.blockRows, range.upperBound)
                        gradient(block) { dy in
                            for r in block {
                                let xr = x + r * c, dr = dy + r * c, out = dx + r * c
                                Self.forChannels(c, simd: { j in
                                    let xhat = (load8(xr + j) - load8(m + j)) * load8(s + j)
                                    store8(load8(a + j) * (load8(dr + j) - load8(bt + j) - xhat * load8(ct + j)), out + j)
                                }, scalar: { j in
                                    let xhat = (xr[j] - m[j]) * s[j]
                                    out[j] = a[j] * (dr[j] - bt[j] - xhat * ct[j])
                                })
                            }
                        }
                    }
                }
            } }
        } } }
        return dx
    }

    private var evaluatedWithBatchStatistics = true
}
