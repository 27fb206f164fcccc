/// The matrix products of the Winograd convolution: sixteen or more per chunk of
/// images, each with an inner dimension or a width of only a few dozen channels.
/// OpenBLAS reaches a quarter of its large-matrix speed on such shapes (measured
/// 6–8 GFLOP/s on one core here, against 20–34 for this kernel), because packing
/// and per-call costs are paid for little arithmetic.
enum SmallGEMM {
    /// c[rows × n] = (or +=, when `accumulate`) A · b, where A(r, q) is
    /// a[r · rowStride + q · depthStride] — so A can be read transposed without a
    /// copy — b is depth × n row-major and c is rows × n row-major; n % 16 == 0.
    ///
    /// Six rows × sixteen columns of c stay in twelve vector registers while the
    /// depth loop broadcasts one value of A per row and loads two vectors of b.
    static func multiply(_ a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, rows: Int, depth: Int,
                         _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, n: Int, accumulate: Bool) {
        precondition(n % 16 == 0)
        let rs = rowStride, ks = depthStride
        var j = 0
        while j < n {
            var r = 0
            while r &+ 6 <= rows {
                let cp = c + (r &* n &+ j)
                var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
                var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
                var c40 = SIMD8<Float>(), c41 = SIMD8<Float>(), c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
                if accumulate {
                    c00 = load8(cp); c01 = load8(cp + 8)
                    c10 = load8(cp + n); c11 = load8(cp + (n &+ 8))
                    c20 = load8(cp + 2 &* n); c21 = load8(cp + (2 &* n &+ 8))
                    c30 = load8(cp + 3 &* n); c31 = load8(cp + (3 &* n &+ 8))
                    c40 = load8(cp + 4 &* n); c41 = load8(cp + (4 &* n &+ 8))
                    c50 = load8(cp + 5 &* n); c51 = load8(cp + (5 &* n &+ 8))
                }
                var ap = a + r &* rs, bp = b + j
                let r2 = 2 &* rs, r3 = 3 &* rs, r4 = 4 &* rs, r5 = 5 &* rs
                for _ in 0..<depth {
                    let b0 = load8(bp), b1 = load8(bp + 8)
                    var s = SIMD8<Float>(repeating: ap[0]); madd(&c00, s, b0); madd(&c01, s, b1)
                    s = SIMD8<Float>(repeating: ap[rs]); madd(&c10, s, b0); madd(&c11, s, b1)
                    s = SIMD8<Float>(repeating: ap[r2]); madd(&c20, s, b0); madd(&c21, s, b1)
                    s = SIMD8<Float>(repeating: ap[r3]); madd(&c30, s, b0); madd(&c31, s, b1)
                    s = SIMD8<Float>(repeating: ap[r4]); madd(&c40, s, b0); madd(&c41, s, b1)
                    s = SIMD8<Float>(repeating: ap[r5]); madd(&c50, s, b0); madd(&c51, s, b1)
                    ap += ks; bp += n
                }
                store8(c00, cp); store8(c01, cp + 8)
                store8(c10, cp + n); store8(c11, cp + (n &+ 8))
                store8(c20, cp + 2 &* n); store8(c21, cp + (2 &* n &+ 8))
                store8(c30, cp + 3 &* n); store8(c31, cp + (3 &* n &+ 8))
                store8(c40, cp + 4 &* n); store8(c41, cp + (4 &* n &+ 8))
                store8(c50, cp + 5 &* n); store8(c51, cp + (5 &* n &+ 8))
                r &+= 6
            }
            // The last rows two at a time, then one.
            while r < rows {
                let pair = r &+ 2 <= rows
                let cp = c + (r &* n &+ j)
                var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
                if accumulate {
                    c00 = load8(cp); c01 = load8(cp + 8)
                    if pair { c10 = load8(cp + n); c11 = load8(cp + (n &+ 8)) }
                }
                var ap = a + r &* rs, bp = b + j
                let second = pair ? rs : 0
                for _ in 0..<depth {
                    let b0 = load8(bp), b1 = load8(bp + 8)
                    var s = SIMD8<Float>(repeating: ap[0]); madd(&c00, s, b0); madd(&c01, s, b1)
                    s = SIMD8<Float>(repeating: ap[second]); madd(&c10, s, b0); madd(&c11, s, b1)
                    ap += ks; bp += n
                }
                store8(c00, cp); store8(c01, cp + 8)
                if pair { store8(c10, cp + n); store8(c11, cp + (n &+ 8)) }
                r &+= pair ? 2 : 1
            }
            j &+= 16
        }
    }
}

/// acc += a · b. AVX2 builds fuse it into one rounding (FMA), which doubles the
/// multiply-add throughput on most x86 cores; portable builds have no FMA
/// instruction to call and keep the separate multiply and add.
@inline(__always) func madd(_ acc: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
    #if FOLIO_AVX2
    acc = acc.addingProduct(a, b)
    #else
    acc += a * b
    #endif
}
