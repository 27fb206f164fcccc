/// Max pooling over k×k windows with a stride (no padding, floor mode), channels-last.
///
/// When the model places it right after a ReLU, the ReLU is applied here instead,
/// after pooling: max(relu(x)) = relu(max(x)), so the ReLU touches a quarter of the
/// values, and the gradient is the same (it flows only through a positive maximum).
public final class MaxPool2d: Layer {
    public let name: String
    public var typeName: String { "MaxPool2d" }
    public let kernel: Int, stride: Int
    public var parameters: [Parameter] { [] }
    /// Set by the model when the preceding ReLU is folded into this layer.
    var appliesReLU = false
    /// Off for forward passes that no backward follows (see `Model.forward`).
    var recordsArgmax = true
    private var argmaxIsCurrent = false

    private var h = 0, w = 0, c = 0, oh = 0, ow = 0
    private let output = FloatStorage(count: 1)
    private let inputGrad = FloatStorage(count: 1)
    /// For each output value, the offset of its maximum within the sample's input.
    private var argmax = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private var argmaxCapacity = 1

    public init(name: String, kernel: Int, stride: Int? = nil) {
        self.name = name; self.kernel = kernel; self.stride = stride ?? kernel
    }

    deinit { argmax.deallocate() }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3, input[1] >= kernel, input[2] >= kernel else {
            throw ShapeError("\(name): MaxPool2d expects [C, H, W] at least \(kernel)×\(kernel), got \(input)")
        }
        return [input[0], (input[1] - kernel) / stride + 1, (input[2] - kernel) / stride + 1]
    }

    public func allocate(maxBatch: Int, input: [Int]) {
        let out = try! outputShape(for: input)
        c = input[0]; h = input[1]; w = input[2]; oh = out[1]; ow = out[2]
        output.reserve(maxBatch * oh * ow * c)
        inputGrad.reserve(maxBatch * h * w * c)
        let need = maxBatch * oh * ow * c
        if need > argmaxCapacity {
            argmax.deallocate()
            argmax = .allocate(capacity: need)
            argmaxCapacity = need
        }
    }

    /// 2×2 windows with stride 2 over even sizes and at least 8 channels (the
    /// SimpleCNN's 32, the small CNN's 10 and 20), done eight channels at a time.
    /// When the channels are not a multiple of 8 the last vector overlaps the one
    /// before: its lanes' values, argmax and gradients are the same when written
    /// twice, as each is a function of its own channel only and is stored, never added.
    var isPairwise: Bool {
        kernel == 2 && stride == 2 && h % 2 == 0 && w % 2 == 0 && c >= 8 && twoByTwoPath
    }

    public func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        argmaxIsCurrent = recordsArgmax
        if isPairwise {
            let parts = Engine.parts(for: n, minimum: 1)
            Engine.run(parts: parts) { part in forwardImages(x, images: Engine.range(part, of: parts, count: n)) }
            return output.pointer
        }
        let parts = Engine.parts(for: n, minimum: 1)
        if kernel == 2 && stride == 2 && twoByTwoPath {
            Engine.run(parts: parts) { part in forwardTwoByTwo(x, images: Engine.range(part, of: parts, count: n)) }
        } else {
            Engine.run(parts: parts) { part in forwardGeneric(x, images: Engine.range(part, of: parts, count: n)) }
        }
        return output.pointer
    }

    /// Off in tests only, to compare the 2×2 paths (pairwise and scalar) with the generic one.
    var twoByTwoPath = true

    /// 2×2 windows, stride 2, any channel count (the problem set's small CNN has 10 and
    /// 20): the four pixels of each window compared in the generic path's order, so
    /// values, ties and argmax are the same, without its per-element loop bounds.
    private func forwardTwoByTwo(_ x: UnsafeMutablePointer<Float>, images: Range<Int>) {
        let y = output.pointer, argmax = argmax, c = c, h = h, w = w, oh = oh, ow = ow, relu = appliesReLU
        let rowStride = w &* c
        for img in images {
            let image = x + img &* h &* w &* c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let o = ((img &* oh &+ oy) &* ow &+ ox) &* c
                    let a = (2 &* oy &* w &+ 2 &* ox) &* c
                    let b = a &+ c, d = a &+ rowStride, e = d &+ c
                    for ch in 0..<c {
                        var best = image[a &+ ch], at = a &+ ch
                        if image[b &+ ch] > best { best = image[b &+ ch]; at = b &+ ch }
                        if image[d &+ ch] > best { best = image[d &+ ch]; at = d &+ ch }
                        if image[e &+ ch] > best { best = image[e &+ ch]; at = e &+ ch }
                        y[o &+ ch] = relu ? max(best, 0) : best
                        argmax[o &+ ch] = Int32(truncatingIfNeeded: at)
                    }
                }
            }
        }
    }

    /// Any window and stride. The sizes are read into locals once: read through
    /// `self` inside the loops they are reloaded for every element.
    private func forwardGeneric(_ x: UnsafeMutablePointer<Float>, images: Range<Int>) {
        let y = output.pointer, argmax = argmax, c = c, k = kernel, stride = stride
        let h = h, w = w, oh = oh, ow = ow, relu = appliesReLU
        // Wrapping arithmetic: the indices are bounded by the layer's sizes, and
        // overflow checks cost more than the comparisons in this loop.
        for img in images {
            let image = x + img &* h &* w &* c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let o = ((img &* oh &+ oy) &* ow &+ ox) &* c
                    let yo = y + o, ao = argmax + o
                    // The window's first pixel starts the comparison; later pixels win
                    // only when strictly larger, so ties keep the first, as PyTorch.
                    let start = (oy &* stride &* w &+ ox &* stride) &* c
                    for ch in 0..<c { yo[ch] = image[start &+ ch]; ao[ch] = Int32(truncatingIfNeeded: start &+ ch) }
                    for ky in 0..<k {
                        for kx in 0..<k where ky != 0 || kx != 0 {
                            let off = ((oy &* stride &+ ky) &* w &+ ox &* stride &+ kx) &* c
                            let src = image + off
                            for ch in 0..<c where src[ch] > yo[ch] {
                                yo[ch] = src[ch]; ao[ch] = Int32(truncatingIfNeeded: off &+ ch)
                            }
                        }
                    }
                    if relu { for ch in 0..<c { yo[ch] = max(yo[ch], 0) } }
                }
            }
        }
    }

    public func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        precondition(argmaxIsCurrent, "\(name): backward after a forward pass marked inference-only")
        if isPairwise { return backwardPairwise(dy, n: n) }
        let dx = inputGrad.pointer, y = output.pointer, argmax = argmax, relu = appliesReLU
        let per = h * w * c, outPer = oh * ow * c
        let parts = Engine.parts(for: n, minimum: 1)
        Engine.run(parts: parts) { part in
            let images = Engine.range(part, of: parts, count: n)
            (dx + images.lowerBound * per).update(repeating: 0, count: images.count * per)
            for img in images {
                let base = img * outPer, image = dx + img * per
                for j in 0..<outPer where !relu || y[base + j] > 0 {
                    image[Int(argmax[base + j])] += dy[base + j]
                }
            }
        }
        return dx
    }

    /// For `ConvolutionPoolStage`: readies a pairwise forward pass and returns where
    /// its output goes; `forwardImages` then pools any range of images.
    func beginPairwiseForward() -> UnsafeMutablePointer<Float> {
        precondition(isPairwise)
        argmaxIsCurrent = recordsArgmax
        return output.pointer
    }

    /// For `ConvolutionPoolStage`: the pairwise backward pass over any range of
    /// images. `dx` is where image 0's input gradient would start: the caller may
    /// point it before a small buffer that holds only `images`.
    func backwardImages(_ dy: UnsafeMutablePointer<Float>, images: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        precondition(isPairwise && argmaxIsCurrent, "\(name): backward after a forward pass marked inference-only")
        backwardPairwise(dy, images: images, into: dx)
    }

    /// Floats of one sample's input gradient.
    var inputFloatsPerImage: Int { h * w * c }

    func forwardImages(_ x: UnsafeMutablePointer<Float>, images: Range<Int>) {
        forwardImages(x, images: images) { p, _ in load8(p) }
    }

    /// As `forwardImages`, pooling `value(p, ch)` for the eight input values at `p`
    /// (channels ch..<ch+8) instead of the values themselves: `BatchNormPoolStage`
    /// normalises them on the way in.
    @inline(__always)
    func forwardImages(_ x: UnsafeMutablePointer<Float>, images: Range<Int>,
                       value: (UnsafeMutablePointer<Float>, Int) -> SIMD8<Float>) {
        if recordsArgmax { forwardPairwise(x, images: images, value) } else { maximaPairwise(x, images: images, value) }
    }

    /// The pairwise forward pass without argmax (no backward follows): a quarter
    /// less memory traffic.
    @inline(__always)
    private func maximaPairwise(_ x: UnsafeMutablePointer<Float>, images: Range<Int>,
                                _ value: (UnsafeMutablePointer<Float>, Int) -> SIMD8<Float>) {
        let y = output.pointer, c = self.c, rowStride = w * c, relu = appliesReLU
        let zero = SIMD8<Float>(repeating: 0)
        for img in images {
            let image = x + img * h * rowStride
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let p0 = image + (2 * oy * w + 2 * ox) * c
                    let out = y + ((img * oh + oy) * ow + ox) * c
                    var next = 0
                    while next < c {
                        let ch = min(next, c - 8)
                        let p = p0 + ch
                        // The same strict comparisons as with argmax, so the values are identical.
                        var best = value(p, ch)
                        var v = value(p + c, ch)
                        best.replace(with: v, where: v .> best)
                        v = value(p + rowStride, ch)
                        best.replace(with: v, where: v .> best)
                        v = value(p + rowStride + c, ch)
                        best.replace(with: v, where: v .> best)
                        if relu { best.replace(with: zero, where: best .< zero) }
                        store8(best, out + ch)
                        next += 8
                    }
                }
            }
        }
    }

    @inline(__always)
    private func forwardPairwise(_ x: UnsafeMutablePointer<Float>, images: Range<Int>,
                                 _ value: (UnsafeMutablePointer<Float>, Int) -> SIMD8<Float>) {
        let y = output.pointer, c = self.c, rowStride = w * c
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        let zero = SIMD8<Float>(repeating: 0)
        for img in images {
            let image = x + img * h * rowStride
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let start = (2 * oy * w + 2 * ox) * c
                    let o = ((img * oh + oy) * ow + ox) * c
                    var next = 0
                    while next < c {
                        let ch = min(next, c - 8)
                        let p = image + start + ch
                        // Ties keep the earlier pixel (strict comparisons), as PyTorch.
                        var best = value(p, ch)
                        let base = SIMD8<Int32>(repeating: Int32(start + ch)) &+ lanes
                        var at = base
                        var v = value(p + c, ch)
                        var better = v .> best
                        best.replace(with: v, where: better)
                        at.replace(with: base &+ Int32(c), where: better)
                        v = value(p + rowStride, ch)
                        better = v .> best
                        best.replace(with: v, where: better)
                        at.replace(with: base &+ Int32(rowStride), where: better)
                        v = value(p + rowStride + c, ch)
                        better = v .> best
                        best.replace(with: v, where: better)
                        at.replace(with: base &+ Int32(rowStride + c), where: better)
                        if appliesReLU { best.replace(with: zero, where: best .< zero) }
                        store8(best, y + o + ch)
                        UnsafeMutableRawPointer(argmax + o + ch).storeBytes(of: at, as: SIMD8<Int32>.self)
                        next += 8
                    }
                }
            }
        }
    }

    /// For `BatchNormPoolStage`: the input gradient of input rows (pixels, counted
    /// across the batch) `rows`, exactly as `backward` writes them, into `out`, where
    /// row `rows.lowerBound` goes first.
    func gradientRows(_ dy: UnsafePointer<Float>, rows: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        precondition(isPairwise && argmaxIsCurrent, "\(name): backward after a forward pass marked inference-only")
        let y = output.pointer, c = self.c, pixels = h * self.w, relu = appliesReLU
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        let zero = SIMD8<Float>(repeating: 0)
        // Image row by image row: each window's gradient, mask and argmax are read
        // once for its two pixels on the row.
        let w = self.w, ow = self.ow, oh = self.oh
        var row = rows.lowerBound
        while row < rows.upperBound {
            let img = row / pixels, pixel = row % pixels, py = pixel / w, px0 = pixel % w
            let px1 = Swift.min(w, px0 + (rows.upperBound - row))
            let q = out + (row - rows.lowerBound - px0) * c  // where this image row's pixel 0 goes
            let windowRow = (img * oh + py / 2) * ow * c  // the pooled row this image row falls in
            let maxima = y + windowRow, gradients = dy + windowRow, places = argmax + windowRow
            let rowOffset = Int32(truncatingIfNeeded: (py * w) * c)
            for ox in (px0 / 2)...((px1 - 1) / 2) {
                let o = ox &* c
                let left = 2 &* ox, right = left &+ 1
                var next = 0
                while next < c {
                    let ch = Swift.min(next, c &- 8)
                    var g = load8(gradients + (o &+ ch))
                    if relu { g.replace(with: zero, where: load8(maxima + (o &+ ch)) .<= zero) }
                    let at = UnsafeRawPointer(places + (o &+ ch)).loadUnaligned(as: SIMD8<Int32>.self)
                    let base = SIMD8<Int32>(repeating: rowOffset &+ Int32(truncatingIfNeeded: ch)) &+ lanes
                    if left >= px0 {
                        store8(zero.replacing(with: g, where: at .== base &+ Int32(truncatingIfNeeded: left &* c)), q + (left &* c &+ ch))
                    }
                    if right < px1 {
                        store8(zero.replacing(with: g, where: at .== base &+ Int32(truncatingIfNeeded: right &* c)), q + (right &* c &+ ch))
                    }
                    next &+= 8
                }
            }
            row += px1 - px0
        }
    }

    /// Each input pixel belongs to exactly one window: it receives the window's
    /// gradient if it was the maximum (and the maximum was positive when the ReLU is
    /// folded in), otherwise zero. Written directly, without clearing first.
    private func backwardPairwise(_ dy: UnsafeMutablePointer<Float>, n: Int) -> UnsafeMutablePointer<Float>? {
        let parts = Engine.parts(for: n, minimum: 1)
        let dx = inputGrad.pointer
        Engine.run(parts: parts) { part in backwardPairwise(dy, images: Engine.range(part, of: parts, count: n), into: dx) }
        return dx
    }

    private func backwardPairwise(_ dy: UnsafeMutablePointer<Float>, images: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        let y = output.pointer, c = self.c, rowStride = w * c
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        let zero = SIMD8<Float>(repeating: 0)
        for img in images {
            let image = dx + img * h * rowStride
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let start = (2 * oy * w + 2 * ox) * c
                    let o = ((img * oh + oy) * ow + ox) * c
                    var next = 0
                    while next < c {
                        let ch = min(next, c - 8)
                        var g = load8(dy + o + ch)
                        if appliesReLU { g.replace(with: zero, where: load8(y + o + ch) .<= zero) }
                        let at = UnsafeRawPointer(argmax + o + ch).loadUnaligned(as: SIMD8<Int32>.self)
                        let base = SIMD8<Int32>(repeating: Int32(start + ch)) &+ lanes
                        let q = image + start + ch
                        store8(zero.replacing(with: g, where: at .== base), q)
                        store8(zero.replacing(with: g, where: at .== base &+ Int32(c)), q + c)
                        store8(zero.replacing(with: g, where: at .== base &+ Int32(rowStride)), q + rowStride)
                        store8(zero.replacing(with: g, where: at .== base &+ Int32(rowStride + c)), q + rowStride + c)
                        next += 8
                    }
                }
            }
        }
    }
}
