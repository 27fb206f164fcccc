import CVectorMath

/// The Winograd convolution's forward and backward passes over a batch: images split
/// across threads, each part working through chunks of `chunkImages` images whose
/// V and M planes stay in its core's cache between the transforms and the products.
extension Conv2d {
    /// Where a chunk of images' convolution output goes, and what to do with it once
    /// it is there: `WinogradPoolStage` pools each chunk while it is in cache.
    /// `output(part, images)` returns where image 0's output would start, so the
    /// chunk may land in a small buffer of the part's own.
    /// `before(part, images)`, when given, runs first and makes the chunk's input.
    struct ChunkOutput {
        let output: (_ part: Int, _ images: Range<Int>) -> UnsafeMutablePointer<Float>
        let finished: (_ images: Range<Int>, _ y: UnsafeMutablePointer<Float>) -> Void
        var before: ((_ part: Int, _ images: Range<Int>) -> Void)? = nil
    }

    func forwardWinograd(_ x: UnsafeMutablePointer<Float>, n: Int, into y: UnsafeMutablePointer<Float>,
                         chunks: ChunkOutput? = nil) {
        refreshWinogradWeights()
        let parts = partCount(n), cin = inChannels, cout = outChannels, planes = winogradPlanes
        let u = UnsafePointer(winogradU.pointer), perImage = tilesPerImage
        Engine.run(parts: parts) { part in
            let r = Engine.range(part, of: parts, count: n)
            let v = cols[part].pointer, mm = colGrad[part].pointer
            withAlignedScratch(3 * planes) { scratch in
                var first = r.lowerBound
                while first < r.upperBound {
                    let count = min(chunkImages, r.upperBound - first), tiles = count * perImage
                    let images = first..<(first + count)
                    chunks?.before?(part, images)
                    winogradInputTiles(x, first: first, count: count, into: v, scratch: scratch)
                    for xi in 0..<planes {
                        SmallGEMM.multiply(v + xi * tiles * cin, rowStride: cin, depthStride: 1, rows: tiles, depth: cin,
                                           u + xi * cin * cout, mm + xi * tiles * cout, n: cout, accumulate: false)
                    }
                    let out = chunks?.output(part, images) ?? y
                    winogradOutputTiles(mm, first: first, count: count, into: out, scratch: scratch)
                    chunks?.finished(images, out)
                    first += count
                }
            }
        }
    }

    /// With `chunkGradient`, dy is not read: `chunkGradient(part, images)` makes the
    /// output gradient of each chunk of images and returns where image 0's would start
    /// (as `ChunkOutput.output`), and the bias gradient is summed chunk by chunk, in
    /// the same order of rows.
    func backwardWinograd(_ x: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>?, n: Int,
                          dx: UnsafeMutablePointer<Float>?,
                          chunkGradient: ((_ part: Int, _ images: Range<Int>) -> UnsafePointer<Float>)? = nil,
                          afterChunk: ((_ part: Int, _ images: Range<Int>) -> Void)? = nil) {
        let parameterGradients = computesParameterGradients
        guard parameterGradients || dx != nil else { return }
        let parts = partCount(n), cin = inChannels, cout = outChannels, planes = winogradPlanes
        let ut = UnsafePointer(winogradUT.pointer), perImage = tilesPerImage
        let inPixels = inputHeight * inputWidth, outPixels = outputHeight * outputWidth
        Engine.run(parts: parts) { part in
            let r = Engine.range(part, of: parts, count: n)
            let v = cols[part].pointer, dm = colGrad[part].pointer, du = transformedGradients[part].pointer
            if parameterGradients {
                let db = biasPartials[part].pointer
                db.update(repeating: 0, count: cout)
                if chunkGradient == nil {
                    Self.addColumnSums(dy! + r.lowerBound * outPixels * cout, rows: r.count * outPixels, columns: cout, into: db)
                }
                // The first chunk's products overwrite dU; only a part without images clears it.
                if r.isEmpty { du.update(repeating: 0, count: planes * cin * cout) }
            }
            withAlignedScratch(3 * planes) { scratch in
                var first = r.lowerBound
                while first < r.upperBound {
                    let count = min(chunkImages, r.upperBound - first), tiles = count * perImage
                    var gradient = UnsafePointer(dy)
                    if let chunkGradient {
                        let g = chunkGradient(part, first..<(first + count))
                        if parameterGradients {
                            Self.addColumnSums(g + first * outPixels * cout, rows: count * outPixels, columns: cout,
                                               into: biasPartials[part].pointer)
                        }
                        gradient = g
                    }
                    winogradOutputGradientTiles(gradient!, first: first, count: count, into: dm, scratch: scratch)
                    if parameterGradients {
                        winogradInputTiles(x, first: first, count: count, into: v, scratch: scratch)
                    }
                    // The next chunk's input, a slice per plane, so that its V is made from cache.
                    let nextImages = (first + count)..<min(first + count + chunkImages, r.upperBound)
                    let nextInput = UnsafeRawPointer(x + nextImages.lowerBound * inPixels * cin)
                    let nextLines = parameterGradients ? nextImages.count * inPixels * cin * 4 / cacheLine : 0
                    let linesPerPlane = (nextLines + planes - 1) / planes
                    for xi in 0..<planes {
                        for line in min(nextLines, xi * linesPerPlane)..<min(nextLines, (xi + 1) * linesPerPlane) {
                            folio_prefetch(nextInput + line * cacheLine)
                        }
                        let vPlane = v + xi * tiles * cin, dmPlane = dm + xi * tiles * cout
                        if parameterGradients {
                            // dU[ξ] (out × in) += dM[ξ]ᵀ · V[ξ], dM read transposed; = for the first chunk.
                            SmallGEMM.multiply(dmPlane, rowStride: 1, depthStride: cout, rows: cout, depth: tiles,
                                               vPlane, du + xi * cout * cin, n: cin, accumulate: first > r.lowerBound)
                        }
                        if dx != nil {
                            // dV[ξ] = dM[ξ] · U[ξ]ᵀ, into V's plane, which is no longer needed.
                            SmallGEMM.multiply(dmPlane, rowStride: cout, depthStride: 1, rows: tiles, depth: cout,
                                               ut + xi * cout * cin, vPlane, n: cin, accumulate: false)
                        }
                    }
                    if let dx {
                        // Cleared chunk by chunk, so that the tiles add onto lines in cache.
                        (dx + first * inPixels * cin).update(repeating: 0, count: count * inPixels * cin)
                        winogradInputGradientTiles(v, first: first, count: count, into: dx, scratch: scratch)
                    }
                    afterChunk?(part, first..<(first + count))
                    first += count
                }
            }
        }
        if parameterGradients { sumWinogradPartials(parts) }
    }

    /// weight.grad = Gᵀ dU G from the parts' dU added in part order, eight input
    /// channels at a time, output channels split across threads; bias.grad the
    /// parts' column sums, likewise in part order. The parts' dU are first added
    /// into part 0's, element by element in part order along contiguous ranges:
    /// read where the transform wants them, 64 planes a page apart, eight partials
    /// of the deeper CNN's 512 KB cost a tenth of a two-thread step.
    private func sumWinogradPartials(_ parts: Int) {
        let t = winogradTransform!, k = kernel, alpha = t.alpha, planes = alpha * alpha
        let cin = inChannels, cout = outChannels, gw = weight.grad!.pointer
        sumBiasPartials(parts)
        if parts > 1 {
            let partials = transformedGradients.prefix(parts).map { $0.pointer }
            let vectors = planes * cout * cin / 8
            let ranges = Engine.parts(for: vectors, minimum: 1024)
            partials.withUnsafeBufferPointer { partials in
                Engine.run(parts: ranges) { range in
                    let total = partials[0]
                    for v in Engine.range(range, of: ranges, count: vectors) {
                        var sum = load8(total + 8 * v)
                        for p in 1..<partials.count { sum += load8(partials[p] + 8 * v) }
                        store8(sum, total + 8 * v)
                    }
                }
            }
        }
        let du = UnsafePointer(transformedGradients[0].pointer)
        let split = Engine.parts(for: cout, minimum: 8)
        Engine.run(parts: split) { part in
            withAlignedScratch(2 * planes + k * k) { buffer in
                let tile = buffer, tmp = tile + planes, taps = tmp + planes
                for o in Engine.range(part, of: split, count: cout) {
                    for i in Swift.stride(from: 0, to: cin, by: 8) {
                        for xi in 0..<planes { tile[xi] = load8(du + (xi * cout + o) * cin + i) }
                        WinogradTransform.sandwich(t.gT, rows: k, tile, p: alpha, q: alpha, t.gT, columns: k, tmp: tmp, into: taps)
                        for tap in 0..<(k * k) { store8(taps[tap], gw + ((o * k * k + tap) * cin + i)) }
                    }
                }
            }
        }
    }
}
