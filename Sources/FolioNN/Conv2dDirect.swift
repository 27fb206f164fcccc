import COpenBLAS

/// The one-input-channel convolution (every network's first layer) computed
/// directly, eight output channels at a time. As im2col + GEMM its inner dimension
/// would be only k·k (9 for the SimpleCNN), which GEMM handles poorly.
extension Conv2d {
    var usesDirectPath: Bool { inChannels == 1 && outChannels % 8 == 0 }

    /// Copies the weights to [tap][out] (before the parallel pass reads them), so each tap's output channels are contiguous.
    func refreshTapMajorWeights() {
        let taps = kernel * kernel, cout = outChannels, w = weight.value.pointer, t = tapMajor.pointer
        for o in 0..<cout { for tap in 0..<taps { t[tap * cout + o] = w[o * taps + tap] } }
    }

    /// Gathers the k×k receptive field of output pixel (oy, ox) into `patch`, zeros
    /// where it falls into the padding.
    @inline(__always)
    private static func gather(_ image: UnsafeMutablePointer<Float>, oy: Int, ox: Int, into patch: UnsafeMutablePointer<Float>,
                               k: Int, stride: Int, padding: Int, h: Int, w: Int) {
        let y0 = oy &* stride &- padding, x0 = ox &* stride &- padding
        if y0 >= 0 && x0 >= 0 && y0 &+ k <= h && x0 &+ k <= w {
            var src = image + (y0 &* w &+ x0), t = 0
            for _ in 0..<k {
                for kx in 0..<k { patch[t &+ kx] = src[kx] }
                t &+= k; src += w
            }
            return
        }
        var t = 0
        for ky in 0..<k {
            let iy = y0 &+ ky
            let rowInside = iy >= 0 && iy < h
            for kx in 0..<k {
                let ix = x0 &+ kx
                patch[t] = rowInside && ix >= 0 && ix < w ? image[iy &* w &+ ix] : 0
                t &+= 1
            }
        }
    }

    func forwardDirect(_ x: UnsafeMutablePointer<Float>, images: Range<Int>, y: UnsafeMutablePointer<Float>) {
        let k = kernel, taps = k * k, cout = outChannels
        let h = inputHeight, w = inputWidth, oh = outputHeight, ow = outputWidth, s = stride, pad = padding
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * taps) { buffer in
            let patch = buffer.baseAddress!, nextPatch = patch + taps
            var out = y + images.lowerBound * oh * ow * cout
            for img in images {
                let image = x + img * h * w
                for oy in 0..<oh {
                    var ox = 0
                    // Two pixels at a time when the channels come in 32s: eight
                    // accumulator chains share each tap's weight loads. Four chains
                    // waited on the adder's latency (three cycles per tap and
                    // pixel on Zen 4, where eight chains keep both adders busy).
                    if cout % 32 == 0 {
                        let y0 = oy &* s &- pad
                        while ox &+ 2 <= ow {
                            let x0 = ox &* s &- pad
                            if y0 >= 0 && x0 >= 0 && y0 &+ k <= h && x0 &+ s &+ k <= w {
                                // Both receptive fields inside the image: read them in place.
                                let field = UnsafePointer(image + (y0 &* w &+ x0))
                                forwardPixelPair(field, field + s, rowStride: w, into: out, next: out + cout)
                            } else {
                                Self.gather(image, oy: oy, ox: ox, into: patch, k: k, stride: s, padding: pad, h: h, w: w)
                                Self.gather(image, oy: oy, ox: ox &+ 1, into: nextPatch, k: k, stride: s, padding: pad, h: h, w: w)
                                forwardPixelPair(patch, nextPatch, rowStride: k, into: out, next: out + cout)
                            }
                            out += 2 &* cout
                            ox &+= 2
                        }
                    }
                    while ox < ow {
                        Self.gather(image, oy: oy, ox: ox, into: patch, k: k, stride: s, padding: pad, h: h, w: w)
                        forwardPixel(patch, into: out)
                        out += cout
                        ox &+= 1
                    }
                }
            }
        }
    }

    /// One output pixel's channels from its gathered receptive field: the bias plus
    /// the taps in order.
    @inline(__always)
    private func forwardPixel(_ patch: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let taps = kernel * kernel, cout = outChannels, wt = UnsafePointer(tapMajor.pointer), b = UnsafePointer(bias.value.pointer)
        var g = 0
        // 32 channels at a time: four independent accumulator chains.
        while g &+ 32 <= cout {
            var (a0, a1, a2, a3) = load32(b + g)
            var wp = wt + g
            for t in 0..<taps {
                let v = SIMD8<Float>(repeating: patch[t])
                a0 += v * load8(wp); a1 += v * load8(wp + 8)
                a2 += v * load8(wp + 16); a3 += v * load8(wp + 24)
                wp += cout
            }
            store32((a0, a1, a2, a3), out + g)
            g &+= 32
        }
        while g < cout {
            var acc = load8(b + g)
            var wp = wt + g
            for t in 0..<taps {
                acc += patch[t] * load8(wp)
                wp += cout
            }
            store8(acc, out + g)
            g &+= 8
        }
    }

    /// Two output pixels, for `outChannels` a multiple of 32, from their receptive
    /// fields (k rows of k values, `rowStride` apart): the same sums in the same
    /// order as `forwardPixel` gives each.
    @inline(__always)
    private func forwardPixelPair(_ field: UnsafePointer<Float>, _ nextField: UnsafePointer<Float>, rowStride: Int,
                                  into out: UnsafeMutablePointer<Float>, next: UnsafeMutablePointer<Float>) {
        let k = kernel, cout = outChannels, wt = UnsafePointer(tapMajor.pointer), b = UnsafePointer(bias.value.pointer)
        var g = 0
        while g &+ 32 <= cout {
            var (a0, a1, a2, a3) = load32(b + g)
            var c0 = a0, c1 = a1, c2 = a2, c3 = a3
            var wp = wt + g
            for ky in 0..<k {
                let row = field + ky &* rowStride, nextRow = nextField + ky &* rowStride
                for kx in 0..<k {
                    let w0 = load8(wp), w1 = load8(wp + 8), w2 = load8(wp + 16), w3 = load8(wp + 24)
                    let u = SIMD8<Float>(repeating: row[kx]), v = SIMD8<Float>(repeating: nextRow[kx])
                    a0 += u * w0; a1 += u * w1; a2 += u * w2; a3 += u * w3
                    c0 += v * w0; c1 += v * w1; c2 += v * w2; c3 += v * w3
                    wp += cout
                }
            }
            store32((a0, a1, a2, a3), out + g)
            store32((c0, c1, c2, c3), next + g)
            g &+= 32
        }
    }

    /// dW[tap][out] = Σ over output pixels of x(tap-shifted) · dy, db = Σ dy (unless
    /// `parameterGradients` is off); dx (when asked) = W · dy scattered back.
    func backwardDirect(_ x: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>, images: Range<Int>, part: Int,
                        dx: UnsafeMutablePointer<Float>?, parameterGradients: Bool = true) {
        let dyStart = UnsafePointer(dy + images.lowerBound * outputHeight * outputWidth * outChannels)
        if parameterGradients {
            beginDirectGradients(part: part)
            accumulateDirectGradients(x, dyStart, images: images, part: part)
            finishDirectGradients(part: part)
        }
        // The scratch is free again once dW has left it.
        if let dx { inputGradientDirect(dyStart, images: images, scratch: directPatches[part].pointer, dx: dx) }
    }

    /// sums[j] += Σ over rows of m[row][j] (the bias gradient from dY), for `columns` a
    /// multiple of 8: 32 columns at a time in four accumulator chains. The direct path
    /// calls it per image, whose dY the weight gradient then reads again from the cache.
    @inline(__always)
    static func addColumnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
        var g = 0
        while g &+ 32 <= columns {
            var (a0, a1, a2, a3) = load32(sums + g)
            var row = m + g
            for _ in 0..<rows {
                a0 += load8(row); a1 += load8(row + 8); a2 += load8(row + 16); a3 += load8(row + 24)
                row += columns
            }
            store32((a0, a1, a2, a3), sums + g)
            g &+= 32
        }
        while g < columns {
            var acc = load8(sums + g)
            var row = m + g
            for _ in 0..<rows { acc += load8(row); row += columns }
            store8(acc, sums + g)
            g &+= 8
        }
    }

    /// dW[tap][out] = Σ over output pixels of x(pixel shifted by the tap) · dY[pixel][out],
    /// accumulated image by image (one image's dY stays in cache across the taps),
    /// each tap over only the output pixels whose shifted input lies inside the image,
    /// so the inner loop has no padding tests. Then transposed to [out][tap].
    /// Clears part `part`'s [tap][out] weight-gradient scratch and its bias gradient.
    func beginDirectGradients(part: Int) {
        directPatches[part].pointer.update(repeating: 0, count: kernel * kernel * outChannels)
        biasPartials[part].pointer.update(repeating: 0, count: outChannels)
    }

    /// Moves part `part`'s weight gradient from the [tap][out] scratch to [out][tap].
    func finishDirectGradients(part: Int) {
        let taps = kernel * kernel, cout = outChannels, dwt = directPatches[part].pointer, dw = weightPartials[part].pointer
        for o in 0..<cout { for tap in 0..<taps { dw[o * taps + tap] = dwt[tap * cout + o] } }
    }

    /// Adds images' contributions to part `part`'s weight and bias gradients;
    /// `dyStart` is the first of those images' dY.
    func accumulateDirectGradients(_ x: UnsafeMutablePointer<Float>, _ dyStart: UnsafePointer<Float>, images: Range<Int>, part: Int) {
        let k = kernel, cout = outChannels
        let h = inputHeight, w = inputWidth, oh = outputHeight, ow = outputWidth, s = stride, pad = padding
        let dwt = directPatches[part].pointer  // [tap][out] scratch
        let db = biasPartials[part].pointer
        /// Output positions o in 0..<n whose input o·s − pad + shift lies in 0..<size.
        func valid(_ n: Int, shift: Int, size: Int) -> Range<Int> {
            let lowest = pad - shift, highest = size - 1 + pad - shift
            let lo = lowest > 0 ? (lowest + s - 1) / s : 0
            let hi = highest < 0 ? 0 : min(n, highest / s + 1)
            return lo..<max(lo, hi)
        }
        var dyImage = dyStart
        for img in images {
            let image = UnsafePointer(x + img * h * w)
            Self.addColumnSums(dyImage, rows: oh * ow, columns: cout, into: db)
            for ky in 0..<k {
                let rows = valid(oh, shift: ky, size: h)
                var kx = 0
                while kx < k {
                    let columns = valid(ow, shift: kx, size: w)
                    let out = dwt + (ky * k + kx) * cout
                    // Two neighbouring taps at once where they cover the same output
                    // columns (every tap without padding): each dY load feeds eight
                    // chains instead of four, and each tap's sum keeps its order.
                    if kx &+ 1 < k && cout % 32 == 0 && valid(ow, shift: kx &+ 1, size: w) == columns {
                        accumulateTapPair(image: image, dyImage: dyImage, ky: ky, kx: kx, rows: rows, columns: columns,
                                          into: out, next: out + cout)
                        kx &+= 2
                        continue
                    }
                    var g = 0
                    // 32 channels at a time in four independent accumulator chains, as the forward pass.
                    while g &+ 32 <= cout {
                        var (a0, a1, a2, a3) = load32(out + g)
                        for oy in rows {
                            let src = image + ((oy &* s &- pad &+ ky) &* w &- pad &+ kx)
                            var d = dyImage + ((oy &* ow &+ columns.lowerBound) &* cout &+ g)
                            for ox in columns {
                                let v = SIMD8<Float>(repeating: src[ox &* s])
                                a0 += v * load8(d); a1 += v * load8(d + 8)
                                a2 += v * load8(d + 16); a3 += v * load8(d + 24)
                                d += cout
                            }
                        }
                        store32((a0, a1, a2, a3), out + g)
                        g &+= 32
                    }
                    while g < cout {
                        var acc = load8(out + g)
                        for oy in rows {
                            let src = image + ((oy &* s &- pad &+ ky) &* w &- pad &+ kx)
                            var d = dyImage + ((oy &* ow &+ columns.lowerBound) &* cout &+ g)
                            for ox in columns {
                                acc += src[ox &* s] * load8(d)
                                d += cout
                            }
                        }
                        store8(acc, out + g)
                        g &+= 8
                    }
                    kx &+= 1
                }
            }
            dyImage += oh * ow * cout
        }
    }

    /// Taps (ky, kx) and (ky, kx + 1) of one image's weight gradient, over the output
    /// pixels they share; `outChannels` a multiple of 32.
    @inline(__always)
    private func accumulateTapPair(image: UnsafePointer<Float>, dyImage: UnsafePointer<Float>, ky: Int, kx: Int,
                                   rows: Range<Int>, columns: Range<Int>,
                                   into out: UnsafeMutablePointer<Float>, next: UnsafeMutablePointer<Float>) {
        let cout = outChannels, w = inputWidth, ow = outputWidth, s = stride, pad = padding
        var g = 0
        while g &+ 32 <= cout {
            var (a0, a1, a2, a3) = load32(out + g)
            var (c0, c1, c2, c3) = load32(next + g)
            for oy in rows {
                let src = image + ((oy &* s &- pad &+ ky) &* w &- pad &+ kx)
                var d = dyImage + ((oy &* ow &+ columns.lowerBound) &* cout &+ g)
                for ox in columns {
                    let d0 = load8(d), d1 = load8(d + 8), d2 = load8(d + 16), d3 = load8(d + 24)
                    let u = SIMD8<Float>(repeating: src[ox &* s]), v = SIMD8<Float>(repeating: src[ox &* s &+ 1])
                    a0 += u * d0; a1 += u * d1; a2 += u * d2; a3 += u * d3
                    c0 += v * d0; c1 += v * d1; c2 += v * d2; c3 += v * d3
                    d += cout
                }
            }
            store32((a0, a1, a2, a3), out + g)
            store32((c0, c1, c2, c3), next + g)
            g &+= 32
        }
    }

    /// The input gradient (pixel optimisation only): the receptive fields'
    /// gradients dPatches[pixel][tap] = dY · W as one GEMM into `scratch` (the
    /// patch buffer, which dW no longer needs), then each summed back onto the
    /// pixels it covers.
    private func inputGradientDirect(_ dyStart: UnsafePointer<Float>, images: Range<Int>, scratch: UnsafeMutablePointer<Float>,
                                     dx: UnsafeMutablePointer<Float>) {
        let k = kernel, taps = k * k, cout = outChannels
        let h = inputHeight, w = inputWidth, oh = outputHeight, ow = outputWidth, s = stride, pad = padding
        let pixels = images.count * oh * ow
        // The weight is [out][tap] for one input channel.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(pixels), Int32(taps), Int32(cout),
                    1, dyStart, Int32(cout), weight.value.pointer, Int32(taps), 0, scratch, Int32(taps))
        (dx + images.lowerBound * h * w).update(repeating: 0, count: images.count * h * w)
        var grad = UnsafePointer(scratch)
        for img in images {
            let image = dx + img &* h &* w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for ky in 0..<k {
                        let iy = oy &* s &- pad &+ ky
                        if iy < 0 || iy >= h { continue }
                        for kx in 0..<k {
                            let ix = ox &* s &- pad &+ kx
                            if ix >= 0 && ix < w { image[iy &* w &+ ix] += grad[ky &* k &+ kx] }
                        }
                    }
                    grad += taps
                }
            }
        }
    }
}
