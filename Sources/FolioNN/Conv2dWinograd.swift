/// Stride-1 convolutions with 3 × 3 or 5 × 5 kernels by Winograd's F(m × m, r × r):
/// each m × m block of outputs ("tile") comes from an α × α patch (α = m + r − 1)
/// transformed by Bᵀ · B, multiplied elementwise with the transformed kernel
/// G g Gᵀ, and transformed back by Aᵀ · A (see `WinogradTransform`). Summed over
/// the input channels, the elementwise products become α² matrix products,
///
///     M[ξ] (tiles × out) = V[ξ] (tiles × in) · U[ξ] (in × out),   ξ < α²,
///
/// with 2.25 (F(2 × 2, 3 × 3)) or 6.25 (F(4 × 4, 5 × 5)) times fewer multiplications
/// than the direct sum.
/// Backward is the exact adjoint of the same steps: dM = A dY Aᵀ per tile, then
/// dU[ξ] = dM[ξ]ᵀ V[ξ] (→ dW = Gᵀ dU G) and dV[ξ] = dM[ξ] U[ξ]ᵀ (→ dX = B dV Bᵀ,
/// added up where neighbouring patches overlap).
///
/// Per part and chunk of images, `cols` holds V as [ξ][tile][in] and
/// `colGrad` holds M or dM as [ξ][tile][out]; dV overwrites V plane by plane once
/// that plane's dU product has read it.
extension Conv2d {
    /// Outputs per tile side: m of F(m × m, r × r).
    var tileSize: Int { winogradTransform!.m }
    /// Output tiles per row and column: edge tiles may hang over the output.
    var tileRows: Int { (outputHeight + tileSize - 1) / tileSize }
    var tileColumns: Int { (outputWidth + tileSize - 1) / tileSize }
    var tilesPerImage: Int { tileRows * tileColumns }

    static func winogradApplies(kernel: Int, stride: Int, inChannels: Int, outChannels: Int) -> Bool {
        stride == 1 && (kernel == 3 || kernel == 5) && inChannels % 16 == 0 && outChannels % 16 == 0
    }

    /// The tile size for an r × r kernel. For 5 × 5, F(4 × 4, 5 × 5) needs 2.25 times
    /// fewer products than F(2 × 2, 5 × 5) on the deeper CNN's 8 × 8 output, and its
    /// 8 × 8 transforms cover four tiles per image instead of sixteen. For 3 × 3,
    /// F(4 × 4, 3 × 3) needs only 1.36 times fewer on the SimpleCNN's 14 × 14 output
    /// (its tiles hang over it by two rows and columns). Tried on 2026-12-02, it made
    /// the training step about 5 % faster, but Adam's 5-epoch test accuracy fell to
    /// 98.71 %, below the engine's band of 98.8 %.
    static func winogradTileSize(kernel: Int) -> Int { kernel == 5 ? 4 : 2 }

    /// α²: the planes ξ of V, M and U.
    var winogradPlanes: Int { winogradTransform!.alpha * winogradTransform!.alpha }

    /// Floats of V and of M per image.
    var winogradFloatsPerImage: (v: Int, m: Int) {
        (winogradPlanes * tilesPerImage * inChannels, winogradPlanes * tilesPerImage * outChannels)
    }

    /// From the current weights, U[ξ][in][out] = (G g Gᵀ)[ξ] for every pair of
    /// channels (which forward multiplies by) and its transpose Uᵀ as [ξ][out][in]
    /// (which dX multiplies by). Forward computes both: the weights cannot change
    /// before the backward pass that follows it, and the two transforms, when
    /// backward made its own, took 3 % of the deeper CNN's training step. Eight input channels
    /// at a time (they are contiguous in the weights), output channels split across
    /// threads.
    func refreshWinogradWeights() {
        let t = winogradTransform!, k = kernel, alpha = t.alpha, planes = alpha * alpha
        let cin = inChannels, cout = outChannels, w = weight.value.pointer, u = winogradU.pointer, ut = winogradUT.pointer
        let parts = Engine.parts(for: cout, minimum: 8)
        Engine.run(parts: parts) { part in
            withAlignedScratch(k * k + 2 * planes) { buffer in
                let taps = buffer, tmp = taps + k * k, tile = tmp + planes
                for o in Engine.range(part, of: parts, count: cout) {
                    for i in Swift.stride(from: 0, to: cin, by: 8) {
                        for tap in 0..<(k * k) { taps[tap] = load8(w + ((o * k * k + tap) * cin + i)) }
                        WinogradTransform.sandwich(t.g, rows: alpha, taps, p: k, q: k, t.g, columns: alpha, tmp: tmp, into: tile)
                        for xi in 0..<planes { store8(tile[xi], ut + ((xi * cout + o) * cin + i)) }
                    }
                }
            }
        }
        // U plane by plane as Uᵀ's transpose: written in its own order, where scattering
        // each transform's lanes wrote a float per cache line (3 % of the deeper
        // CNN's training step).
        let planeParts = Engine.parts(for: planes, minimum: 1)
        Engine.run(parts: planeParts) { part in
            for xi in Engine.range(part, of: planeParts, count: planes) {
                let source = UnsafePointer(ut + xi * cout * cin), target = u + xi * cin * cout
                for i in 0..<cin {
                    for o in 0..<cout { target[i &* cout &+ o] = source[o &* cin &+ i] }
                }
            }
        }
    }

    /// Calls `body(image, ty, tx, tile)` for every tile of images first..<first+count,
    /// `tile` counting the chunk's tiles from 0 (the row of the tile in V and M).
    @inline(__always)
    private func forEachTile(first: Int, count: Int, _ body: (_ image: Int, _ ty: Int, _ tx: Int, _ tile: Int) -> Void) {
        let rows = tileRows, columns = tileColumns
        var tile = 0
        for image in first..<(first + count) {
            for ty in 0..<rows {
                for tx in 0..<columns { body(image, ty, tx, tile); tile &+= 1 }
            }
        }
    }

    /// V for images first..<first+count: Bᵀ d B of every tile's α × α input patch
    /// (zeros beyond the border), eight channels at a time.
    func winogradInputTiles(_ x: UnsafePointer<Float>, first: Int, count: Int, into v: UnsafeMutablePointer<Float>,
                            scratch: UnsafeMutablePointer<SIMD8<Float>>) {
        let alpha = winogradTransform!.alpha, planes = alpha * alpha, cin = inChannels
        let h = inputHeight, w = inputWidth, pad = padding, tiles = count * tilesPerImage, m = tileSize
        let d = scratch, tmp = scratch + planes, out = scratch + 2 * planes
        forEachTile(first: first, count: count) { img, ty, tx, tile in
            let image = x + img * h * w * cin
            let y0 = m * ty - pad, x0 = m * tx - pad
            // The patch rows and columns that lie inside the image, found once per
            // tile, so border and inner tiles share one loop without a test per value.
            let rows = max(0, -y0)..<min(alpha, h - y0), columns = max(0, -x0)..<min(alpha, w - x0)
            let whole = rows.count == alpha && columns.count == alpha
            let planeStride = tiles &* cin
            for c in Swift.stride(from: 0, to: cin, by: 8) {
                let target = v + (tile &* cin &+ c)
                if alpha == 4 {
                    // Straight from the image into V's planes, zeros beyond the border.
                    let origin = image + ((y0 &* w &+ x0) &* cin &+ c)
                    let store = { (xi: Int, value: SIMD8<Float>) in store8(value, target + xi &* planeStride) }
                    if whole {
                        F23.input(load: { k in load8(origin + ((k &>> 2) &* w &+ (k & 3)) &* cin) }, store: store)
                    } else {
                        F23.input(load: { k in
                            let j = k &>> 2, xk = k & 3
                            return rows.contains(j) && columns.contains(xk) ? load8(origin + (j &* w &+ xk) &* cin) : SIMD8()
                        }, store: store)
                    }
                    continue
                }
                if !whole { d.update(repeating: SIMD8(), count: planes) }
                var at = ((y0 &+ rows.lowerBound) &* w &+ x0) &* cin &+ c
                for j in rows {
                    for xk in columns { d[j &* alpha &+ xk] = load8(image + (at &+ xk &* cin)) }
                    at &+= w &* cin
                }
                F45.input(d, tmp: tmp, into: out)
                for xi in 0..<planes { store8(out[xi], target + xi &* planeStride) }
            }
        }
    }

    /// Y for images first..<first+count from M: Aᵀ M A per tile, plus the bias, for
    /// the outputs inside the image.
    func winogradOutputTiles(_ mm: UnsafePointer<Float>, first: Int, count: Int, into y: UnsafeMutablePointer<Float>,
                             scratch: UnsafeMutablePointer<SIMD8<Float>>) {
        let alpha = winogradTransform!.alpha, planes = alpha * alpha, cout = outChannels
        let oh = outputHeight, ow = outputWidth, bias = bias.value.pointer, tiles = count * tilesPerImage, s = tileSize
        let m = scratch, tmp = scratch + planes, out = scratch + 2 * planes
        forEachTile(first: first, count: count) { img, ty, tx, tile in
            let image = y + img * oh * ow * cout
            let planeStride = tiles &* cout, whole = s &* ty &+ s <= oh && s &* tx &+ s <= ow
            for o in Swift.stride(from: 0, to: cout, by: 8) {
                let source = mm + (tile &* cout &+ o)
                if alpha == 4 && whole {
                    // Straight from M's planes into the image, plus the bias.
                    let b = load8(bias + o), origin = image + (((s &* ty) &* ow &+ s &* tx) &* cout &+ o)
                    F23.output(load: { xi in load8(source + xi &* planeStride) },
                               store: { k, value in store8(value + b, origin + ((k &>> 1) &* ow &+ (k & 1)) &* cout) })
                    continue
                }
                for xi in 0..<planes { m[xi] = load8(source + xi &* planeStride) }
                if alpha == 4 { F23.output(m, into: out) } else { F45.output(m, tmp: tmp, into: out) }
                let b = load8(bias + o)
                for i in 0..<s where s &* ty &+ i < oh {
                    for k in 0..<s where s &* tx &+ k < ow {
                        store8(out[i &* s &+ k] + b, image + (((s &* ty &+ i) &* ow &+ s &* tx &+ k) &* cout &+ o))
                    }
                }
            }
        }
    }

    /// dM for images first..<first+count: A dY Aᵀ per tile, dY taken as zero for
    /// the outputs beyond the image.
    func winogradOutputGradientTiles(_ dy: UnsafePointer<Float>, first: Int, count: Int, into dm: UnsafeMutablePointer<Float>,
                                     scratch: UnsafeMutablePointer<SIMD8<Float>>) {
        let alpha = winogradTransform!.alpha, planes = alpha * alpha, cout = outChannels
        let oh = outputHeight, ow = outputWidth, tiles = count * tilesPerImage, s = tileSize
        let g = scratch, tmp = scratch + planes, out = scratch + 2 * planes
        forEachTile(first: first, count: count) { img, ty, tx, tile in
            let image = dy + img * oh * ow * cout
            let planeStride = tiles &* cout
            for o in Swift.stride(from: 0, to: cout, by: 8) {
                let target = dm + (tile &* cout &+ o)
                if alpha == 4 {
                    // Straight from dY into dM's planes.
                    F23.outputGradient(load: { k in
                        let oy = s &* ty &+ (k &>> 1), ox = s &* tx &+ (k & 1)
                        return oy < oh && ox < ow ? load8(image + ((oy &* ow &+ ox) &* cout &+ o)) : SIMD8()
                    }, store: { xi, value in store8(value, target + xi &* planeStride) })
                    continue
                }
                for i in 0..<s {
                    for k in 0..<s {
                        let oy = s &* ty &+ i, ox = s &* tx &+ k
                        g[i &* s &+ k] = oy < oh && ox < ow ? load8(image + ((oy &* ow &+ ox) &* cout &+ o)) : SIMD8()
                    }
                }
                F45.outputGradient(g, tmp: tmp, into: out)
                for xi in 0..<planes { store8(out[xi], target + xi &* planeStride) }
            }
        }
    }

    /// Adds B dV Bᵀ of every tile onto the input pixels its patch covers (dx must
    /// start cleared for these images).
    func winogradInputGradientTiles(_ dv: UnsafePointer<Float>, first: Int, count: Int, into dx: UnsafeMutablePointer<Float>,
                                    scratch: UnsafeMutablePointer<SIMD8<Float>>) {
        let alpha = winogradTransform!.alpha, planes = alpha * alpha, cin = inChannels
        let h = inputHeight, w = inputWidth, pad = padding, tiles = count * tilesPerImage, m = tileSize
        let g = scratch, tmp = scratch + planes, out = scratch + 2 * planes
        forEachTile(first: first, count: count) { img, ty, tx, tile in
            let image = dx + img * h * w * cin
            let y0 = m * ty - pad, x0 = m * tx - pad
            let rows = max(0, -y0)..<min(alpha, h - y0), columns = max(0, -x0)..<min(alpha, w - x0)
            let planeStride = tiles &* cin
            for c in Swift.stride(from: 0, to: cin, by: 8) {
                let source = dv + (tile &* cin &+ c)
                if alpha == 4 {
                    // Straight from dV's planes onto the image's pixels that the patch covers.
                    let origin = image + ((y0 &* w &+ x0) &* cin &+ c)
                    F23.inputGradient(load: { xi in load8(source + xi &* planeStride) }, store: { k, value in
                        let j = k &>> 2, xk = k & 3
                        guard rows.contains(j) && columns.contains(xk) else { return }
                        let p = origin + (j &* w &+ xk) &* cin
                        store8(load8(p) + value, p)
                    })
                    continue
                }
                for xi in 0..<planes { g[xi] = load8(source + xi &* planeStride) }
                F45.inputGradient(g, tmp: tmp, into: out)
                var at = ((y0 &+ rows.lowerBound) &* w &+ x0) &* cin &+ c
                for j in rows {
                    for xk in columns {
                        let p = image + (at &+ xk &* cin)
                        store8(load8(p) + out[j &* alpha &+ xk], p)
                    }
                    at &+= w &* cin
                }
            }
        }
    }
}
