/// Convolutions with few output channels (at most 24; the problem set's small CNN
/// has 10 and 20) off the direct and Winograd paths. As one OpenBLAS GEMM per chunk
/// their products are only 10 or 20 columns wide, too narrow for its kernels, and
/// packing and call overhead dominate; unrolling the fields (im2col) then costs as
/// much again in copies. Here a kernel keeps a whole output row (8, 16 or 24 lanes)
/// in registers, four rows at a time, and reads the receptive fields straight from
/// the channels-last image (a copy with a zero border when the layer pads).
///
/// Forward: y = bias + fields · Wᵀ, per image, stored straight into the output.
/// dW: accumulated in place as fieldsᵀ · dY over the part's images, image by image.
/// dX: each output pixel's field gradient (its dY times the weights) is added
/// onto its receptive field in the input gradient, a few pixels of an output row
/// at a time through a buffer that stays in the L1 cache, with no batch-sized
/// col2im buffer. (Going down the output columns instead, so that each pixel adds
/// to exactly the places the one above it wrote, was slower.)
extension Conv2d {
    var usesNarrowWidth: Bool { algorithm == .narrowWidth && !usesDirectPath }

    /// Few enough output channels for one row of the product to sit in registers,
    /// and the direct path does not take the layer.
    static func narrowWidthApplies(inChannels: Int, outChannels: Int) -> Bool {
        outChannels <= NarrowGEMM.maxWidth && !(inChannels == 1 && outChannels % 8 == 0)
    }

    /// Output channels rounded up to whole vectors: the width of the padded
    /// weights, dY and dW the kernel reads and writes.
    var narrowLanes: Int { (outChannels + 7) / 8 * 8 }
    /// The receptive field rounded up for `SmallGEMM`, which works in 16 columns.
    var narrowPaddedPatch: Int { (patch + 15) / 16 * 16 }
    /// Output pixels whose field gradients are computed at once for dX.
    static let narrowFieldRows = 12

    /// Floats of `tapMajor` (padded [patch][lanes] weights, then the padded bias)
    /// and of `flippedWeight` (the weights [out][patch padded to 16], for dX).
    var narrowWeightFloats: (forward: Int, input: Int) {
        (patch * narrowLanes + narrowLanes, outChannels * narrowPaddedPatch)
    }

    /// Per part, `colGrad` holds one image's padded dY, the part's padded dW and db,
    /// and the field gradients of `narrowFieldRows` pixels.
    var narrowScratchFloats: Int {
        outputHeight * outputWidth * narrowLanes + patch * narrowLanes + narrowLanes
            + Self.narrowFieldRows * narrowPaddedPatch
    }

    /// Copies the weights to [patch][lanes] and the bias to a row of lanes, zero
    /// beyond the output channels, before a parallel pass reads them.
    private func refreshNarrowWeights() {
        let p = patch, lanes = narrowLanes, cout = outChannels, w = weight.value.pointer, t = tapMajor.pointer
        t.update(repeating: 0, count: narrowWeightFloats.forward)
        for o in 0..<cout { for q in 0..<p { t[q * lanes + o] = w[o * p + q] } }
        (t + p * lanes).update(from: bias.value.pointer, count: cout)
    }

    /// Copies the weights to [out][patch padded to 16], the dX product's right-hand side.
    private func refreshNarrowInputWeights() {
        let p = patch, padded = narrowPaddedPatch, w = weight.value.pointer, f = flippedWeight.pointer
        for o in 0..<outChannels {
            (f + o * padded).update(from: w + o * p, count: p)
            (f + o * padded + p).update(repeating: 0, count: padded - p)
        }
    }

    /// The image the products read: `x`'s image itself, or when the layer pads, a
    /// copy with a border of zeros in `scratch`, so the fields never leave it.
    private func narrowSource(_ x: UnsafePointer<Float>, image img: Int, scratch: UnsafeMutablePointer<Float>)
        -> UnsafePointer<Float> {
        let c = inChannels, h = inputHeight, w = inputWidth, pad = padding
        let image = x + img * h * w * c
        guard pad > 0 else { return image }
        let wp = w + 2 * pad, run = w * c
        scratch.update(repeating: 0, count: (h + 2 * pad) * wp * c)
        for y in 0..<h { (scratch + ((y + pad) * wp + pad) * c).update(from: image + y * run, count: run) }
        return UnsafePointer(scratch)
    }

    /// Where each output pixel's field starts in the (padded) source image, then
    /// where each weight's value (ky, kx, in) sits within a field.
    private func fillNarrowOffsets(_ offsets: UnsafeMutablePointer<Int>) {
        let c = inChannels, k = kernel, s = stride, wp = inputWidth + 2 * padding, ow = outputWidth
        for oy in 0..<outputHeight { for ox in 0..<ow { offsets[oy * ow + ox] = (oy * s * wp + ox * s) * c } }
        let fields = offsets + outputHeight * ow
        for ky in 0..<k { for q in 0..<(k * c) { fields[ky * k * c + q] = ky * wp * c + q } }
    }

    /// Runs `body(part, offsets)` over the parts, with the offsets of `fillNarrowOffsets`.
    private func eachNarrowPart(_ parts: Int, _ body: (Int, UnsafePointer<Int>) -> Void) {
        let count = outputHeight * outputWidth + patch
        Engine.run(parts: parts) { part in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { buffer in
                fillNarrowOffsets(buffer.baseAddress!)
                body(part, UnsafePointer(buffer.baseAddress!))
            }
        }
    }

    func forwardNarrow(_ x: UnsafeMutablePointer<Float>, n: Int, into y: UnsafeMutablePointer<Float>) {
        refreshNarrowWeights()
        let p = patch, k = kernel, c = inChannels, cout = outChannels, pixels = outputHeight * outputWidth
        let lanes = narrowLanes, wp = inputWidth + 2 * padding
        let wt = UnsafePointer(tapMajor.pointer)
        let parts = partCount(n)
        eachNarrowPart(parts) { part, offsets in
            for img in Engine.range(part, of: parts, count: n) {
                let source = narrowSource(x, image: img, scratch: cols[part].pointer)
                // A row per output pixel, a segment per kernel row.
                let fields = NarrowOperand(a: source, rowOffsets: offsets, outer: k, outerStride: wp * c, inner: k * c, innerStride: 1)
                NarrowGEMM.multiply(lanes: lanes, fields, rows: pixels, wt, into: y + img * pixels * cout, rowStride: cout,
                                    columns: cout, start: wt + p * lanes)
            }
        }
    }

    /// dW and db into the parts' partials (when `parameterGradients`), dX into `dx`
    /// (when given); the caller sums the partials in part order.
    func backwardNarrow(_ x: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>, n: Int,
                        dx: UnsafeMutablePointer<Float>?, parameterGradients: Bool) {
        if dx != nil { refreshNarrowInputWeights() }
        let p = patch, c = inChannels, s = stride, cout = outChannels, oh = outputHeight, ow = outputWidth
        let pixels = oh * ow, lanes = narrowLanes, wp = inputWidth + 2 * padding
        let inFloats = inputHeight * inputWidth * c
        let parts = partCount(n)
        eachNarrowPart(parts) { part, offsets in
            let images = Engine.range(part, of: parts, count: n)
            let paddedDY = colGrad[part].pointer, dwt = paddedDY + pixels * lanes, db = dwt + p * lanes
            let fieldGrads = db + lanes
            if parameterGradients { dwt.update(repeating: 0, count: p * lanes + lanes) }
            if let dx { (dx + images.lowerBound * inFloats).update(repeating: 0, count: images.count * inFloats) }
            for img in images {
                let dyImage = UnsafePointer(dy + img * pixels * cout)
                if parameterGradients {
                    // dY with its rows padded to whole vectors, zero in the padding,
                    // so the kernel and the column sums load only full vectors.
                    for pixel in 0..<pixels {
                        let row = paddedDY + pixel &* lanes, from = dyImage + pixel &* cout
                        for o in 0..<cout { row[o] = from[o] }
                        for o in cout..<lanes { row[o] = 0 }
                    }
                    Self.addColumnSums(paddedDY, rows: pixels, columns: lanes, into: db)
                    // dW[q][o] += Σ over pixels of field(pixel)[q] · dY[pixel][o]: a row
                    // per weight, the depth over the output rows and columns.
                    let source = narrowSource(x, image: img, scratch: cols[part].pointer)
                    let weights = NarrowOperand(a: source, rowOffsets: offsets + pixels, outer: oh, outerStride: s * wp * c,
                                                inner: ow, innerStride: s * c)
                    NarrowGEMM.multiply(lanes: lanes, weights, rows: p, UnsafePointer(paddedDY), into: dwt, rowStride: lanes,
                                        columns: lanes, start: nil)
                }
                if let dx { addInputGradient(dyImage, into: dx + img * inFloats, fieldGrads: fieldGrads) }
            }
            if parameterGradients {
                let dw = weightPartials[part].pointer
                for o in 0..<cout { for q in 0..<p { dw[o * p + q] = dwt[q * lanes + o] } }
                biasPartials[part].pointer.update(from: db, count: cout)
            }
        }
    }

    /// Adds one image's input gradient onto `image`: output rows in turn, along
    /// each row `narrowFieldRows` pixels at a time, their field gradients dY · W
    /// computed into `fieldGrads` (their dY rows are contiguous) and added onto
    /// their receptive fields.
    private func addInputGradient(_ dyImage: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>,
                                  fieldGrads: UnsafeMutablePointer<Float>) {
        let cout = outChannels, oh = outputHeight, ow = outputWidth, padded = narrowPaddedPatch
        let weights = UnsafePointer(flippedWeight.pointer)
        for oy in 0..<oh {
            var ox = 0
            while ox < ow {
                let count = min(Self.narrowFieldRows, ow - ox)
                SmallGEMM.multiply(dyImage + (oy * ow + ox) * cout, rowStride: cout, depthStride: 1, rows: count, depth: cout,
                                   weights, fieldGrads, n: padded, accumulate: false)
                for j in 0..<count { addField(UnsafePointer(fieldGrads + j * padded), onto: image, oy: oy, ox: ox + j) }
                ox += count
            }
        }
    }

    /// Adds a receptive field's gradient ([ky][kx][in]) onto the input pixels it
    /// covers, skipping those in the padding.
    @inline(__always)
    private func addField(_ grad: UnsafePointer<Float>, onto image: UnsafeMutablePointer<Float>, oy: Int, ox: Int) {
        let c = inChannels, k = kernel, h = inputHeight, w = inputWidth, run = k &* c
        let y0 = oy &* stride &- padding, x0 = ox &* stride &- padding
        let lo = max(0, -x0), hi = min(k, w &- x0)
        guard lo < hi else { return }
        for ky in 0..<k {
            let iy = y0 &+ ky
            if iy < 0 || iy >= h { continue }
            let src = grad + (ky &* run &+ lo &* c), dst = image + ((iy &* w &+ x0 &+ lo) &* c)
            let count = (hi &- lo) &* c
            var j = 0
            while j &+ 8 <= count { store8(load8(dst + j) + load8(src + j), dst + j); j &+= 8 }
            while j < count { dst[j] += src[j]; j &+= 1 }
        }
    }
}

/// How the narrow kernel reads A: row r starts at a + rowOffsets[r], and its depth
/// runs in `outer` segments `outerStride` apart, each of `inner` values
/// `innerStride` apart. So the kernel reads a convolution's receptive fields
/// straight from a channels-last image (a row per output pixel, a segment per
/// kernel row), or the same fields transposed (a row per weight, the depth over
/// the output pixels), with no unrolled copy.
struct NarrowOperand {
    var a: UnsafePointer<Float>
    var rowOffsets: UnsafePointer<Int>
    var outer: Int, outerStride: Int, inner: Int, innerStride: Int
    var depth: Int { outer * inner }
}

/// c = start + A · b (or c += A · b), for b and c at most 24 columns wide: each of
/// four rows of c is held in registers as one to three vectors while the depth
/// loop broadcasts one value of A per row and loads that row of b once for all four.
enum NarrowGEMM {
    static let maxWidth = 24

    /// b is depth × `lanes` (a multiple of 8, at most 24) and row-major; c's rows are
    /// `rowStride` apart, of which the first `columns` are written. With `start`
    /// (a row of `lanes` floats) every row of c starts from it; without, from c
    /// itself, whose rows must then hold `lanes` floats.
    static func multiply(lanes: Int, _ a: NarrowOperand, rows: Int, _ b: UnsafePointer<Float>,
                         into c: UnsafeMutablePointer<Float>, rowStride: Int, columns: Int, start: UnsafePointer<Float>?) {
        switch lanes {
        case 8: run(Lanes8.self, a, rows, b, c, rowStride, columns, start)
        case 16: run(Lanes16.self, a, rows, b, c, rowStride, columns, start)
        case 24: run(Lanes24.self, a, rows, b, c, rowStride, columns, start)
        default: preconditionFailure("narrow product of \(lanes) lanes")
        }
    }

    @inline(__always)
    private static func run<L: NarrowRow>(_: L.Type, _ a: NarrowOperand, _ rows: Int, _ b: UnsafePointer<Float>,
                                          _ c: UnsafeMutablePointer<Float>, _ cs: Int, _ columns: Int,
                                          _ start: UnsafePointer<Float>?) {
        let width = L.lanes, offsets = a.rowOffsets
        let outer = a.outer, os = a.outerStride, inner = a.inner, ins = a.innerStride
        var r = 0
        while r &+ 4 <= rows {
            let cp = c + r &* cs
            var c0: L, c1: L, c2: L, c3: L
            if let start {
                c0 = L(start); c1 = c0; c2 = c0; c3 = c0
            } else {
                c0 = L(cp); c1 = L(cp + cs); c2 = L(cp + 2 &* cs); c3 = L(cp + 3 &* cs)
            }
            // One pointer and the other three rows' distances from it.
            let first = offsets[r]
            let d1 = offsets[r &+ 1] &- first, d2 = offsets[r &+ 2] &- first, d3 = offsets[r &+ 3] &- first
            var segment = a.a + first, bp = b
            for _ in 0..<outer {
                var ap = segment
                for _ in 0..<inner {
                    let bv = L(bp)
                    c0.add(ap[0], bv); c1.add(ap[d1], bv); c2.add(ap[d2], bv); c3.add(ap[d3], bv)
                    ap += ins; bp += width
                }
                segment += os
            }
            c0.store(cp, columns); c1.store(cp + cs, columns)
            c2.store(cp + 2 &* cs, columns); c3.store(cp + 3 &* cs, columns)
            r &+= 4
        }
        // The last rows one at a time, summed in the same order as in the blocks.
        while r < rows {
            let cp = c + r &* cs
            var c0 = L(start ?? UnsafePointer(cp))
            var segment = a.a + offsets[r], bp = b
            for _ in 0..<outer {
                var ap = segment
                for _ in 0..<inner { c0.add(ap[0], L(bp)); ap += ins; bp += width }
                segment += os
            }
            c0.store(cp, columns)
            r &+= 1
        }
    }
}

/// One row of a narrow product in registers: 8, 16 or 24 floats as SIMD8 vectors.
protocol NarrowRow {
    static var lanes: Int { get }
    init(_ p: UnsafePointer<Float>)
    /// self += s · b, lane by lane.
    mutating func add(_ s: Float, _ b: Self)
    /// Stores the first `count` lanes.
    func store(_ p: UnsafeMutablePointer<Float>, _ count: Int)
}

/// Stores the first `count` (≤ 8) lanes of `v`: a whole vector when it fits, so
/// only a row's last, partly used vector goes lane by lane.
@inline(__always) private func storePrefix(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count >= 8 { store8(v, p); return }
    for i in 0..<max(count, 0) { p[i] = v[i] }
}

struct Lanes8: NarrowRow {
    var v0: SIMD8<Float>
    static var lanes: Int { 8 }
    @inline(__always) init(_ p: UnsafePointer<Float>) { v0 = load8(p) }
    @inline(__always) mutating func add(_ s: Float, _ b: Lanes8) { madd(&v0, SIMD8(repeating: s), b.v0) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>, _ count: Int) { storePrefix(v0, p, count) }
}

struct Lanes16: NarrowRow {
    var v0: SIMD8<Float>, v1: SIMD8<Float>
    static var lanes: Int { 16 }
    @inline(__always) init(_ p: UnsafePointer<Float>) { v0 = load8(p); v1 = load8(p + 8) }
    @inline(__always) mutating func add(_ s: Float, _ b: Lanes16) {
        let x = SIMD8<Float>(repeating: s)
        madd(&v0, x, b.v0); madd(&v1, x, b.v1)
    }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        storePrefix(v0, p, count); storePrefix(v1, p + 8, count &- 8)
    }
}

struct Lanes24: NarrowRow {
    var v0: SIMD8<Float>, v1: SIMD8<Float>, v2: SIMD8<Float>
    static var lanes: Int { 24 }
    @inline(__always) init(_ p: UnsafePointer<Float>) { v0 = load8(p); v1 = load8(p + 8); v2 = load8(p + 16) }
    @inline(__always) mutating func add(_ s: Float, _ b: Lanes24) {
        let x = SIMD8<Float>(repeating: s)
        madd(&v0, x, b.v0); madd(&v1, x, b.v1); madd(&v2, x, b.v2)
    }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        storePrefix(v0, p, count); storePrefix(v1, p + 8, count &- 8); storePrefix(v2, p + 16, count &- 16)
    }
}
