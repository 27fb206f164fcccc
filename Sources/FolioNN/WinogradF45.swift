/// F(4 × 4, 5 × 5)'s tile transforms (α = 8, points 0, ±1, ±2, ±½, ∞), written out
/// like `F23`'s: each applies a one-dimensional transform down the columns of the
/// tile, then along its rows. A 4 × 4 block of outputs per 8 × 8 patch needs 64 products where
/// F(2 × 2, 5 × 5) needs 4 × 36 = 144 for the same outputs, and four tiles' transforms
/// instead of sixteen cover the deeper CNN's 8 × 8 output. The matrices, as
/// `WinogradTransform(m: 4, r: 5)` builds them:
///
///     Bᵀ = [−1 0 21/4 0 −21/4 0 1 0;  0 1 1 −17/4 −17/4 1 1 0;  0 −1 1 17/4 −17/4 −1 1 0;
///           0 ½ ¼ −5/2 −5/4 2 1 0;    0 −½ ¼ 5/2 −5/4 −2 1 0;
///           0 2 4 −5/2 −5 ½ 1 0;      0 −2 4 5/2 −5 −½ 1 0;     0 −1 0 21/4 0 −21/4 0 1],
///     Aᵀ = [1 1 1 1 1 1 1 0;  0 1 −1 2 −2 ½ −½ 0;  0 1 1 4 4 ¼ ¼ 0;  0 1 −1 8 −8 ⅛ −⅛ 1].
///
/// The rows for +p and −p share their even and odd parts (E ± O), which is where
/// the additions below come from.
enum F45 {
    typealias Tile = UnsafeMutablePointer<SIMD8<Float>>

    @inline(__always) private static func splat(_ x: Float) -> SIMD8<Float> { SIMD8(repeating: x) }

    /// Bᵀ on eight values p[0], p[s], …, p[7s], written to q[0], q[t], …
    @inline(__always) private static func bT(_ p: Tile, _ s: Int, _ q: Tile, _ t: Int) {
        let d0 = p[0], d1 = p[s], d2 = p[2 &* s], d3 = p[3 &* s]
        let d4 = p[4 &* s], d5 = p[5 &* s], d6 = p[6 &* s], d7 = p[7 &* s]
        q[0] = d6 - d0 + splat(5.25) * (d2 - d4)
        q[7 &* t] = d7 - d1 + splat(5.25) * (d3 - d5)
        let e1 = d2 + d6 - splat(4.25) * d4, o1 = d1 + d5 - splat(4.25) * d3
        q[t] = e1 + o1; q[2 &* t] = e1 - o1
        let e3 = splat(0.25) * d2 - splat(1.25) * d4 + d6, o3 = splat(0.5) * d1 - splat(2.5) * d3 + splat(2) * d5
        q[3 &* t] = e3 + o3; q[4 &* t] = e3 - o3
        let e5 = splat(4) * d2 - splat(5) * d4 + d6, o5 = splat(2) * d1 - splat(2.5) * d3 + splat(0.5) * d5
        q[5 &* t] = e5 + o5; q[6 &* t] = e5 - o5
    }

    /// B = (Bᵀ)ᵀ on eight values.
    @inline(__always) private static func b(_ p: Tile, _ s: Int, _ q: Tile, _ t: Int) {
        let v0 = p[0], v7 = p[7 &* s]
        let v1 = p[s], v2 = p[2 &* s], v3 = p[3 &* s], v4 = p[4 &* s], v5 = p[5 &* s], v6 = p[6 &* s]
        let sa = v1 + v2, da = v1 - v2, sb = v3 + v4, db = v3 - v4, sc = v5 + v6, dc = v5 - v6
        q[0] = -v0
        q[t] = da + splat(0.5) * db + splat(2) * dc - v7
        q[2 &* t] = splat(5.25) * v0 + sa + splat(0.25) * sb + splat(4) * sc
        q[3 &* t] = splat(5.25) * v7 - splat(4.25) * da - splat(2.5) * (db + dc)
        q[4 &* t] = -(splat(5.25) * v0 + splat(4.25) * sa + splat(1.25) * sb + splat(5) * sc)
        q[5 &* t] = da + splat(2) * db + splat(0.5) * dc - splat(5.25) * v7
        q[6 &* t] = v0 + sa + sb + sc
        q[7 &* t] = v7
    }

    /// Aᵀ on eight values, written to four.
    @inline(__always) private static func aT(_ p: Tile, _ s: Int, _ q: Tile, _ t: Int) {
        let m0 = p[0], m7 = p[7 &* s]
        let m1 = p[s], m2 = p[2 &* s], m3 = p[3 &* s], m4 = p[4 &* s], m5 = p[5 &* s], m6 = p[6 &* s]
        let sa = m1 + m2, da = m1 - m2, sb = m3 + m4, db = m3 - m4, sc = m5 + m6, dc = m5 - m6
        q[0] = m0 + sa + sb + sc
        q[t] = da + splat(2) * db + splat(0.5) * dc
        q[2 &* t] = sa + splat(4) * sb + splat(0.25) * sc
        q[3 &* t] = da + splat(8) * db + splat(0.125) * dc + m7
    }

    /// A = (Aᵀ)ᵀ on four values, written to eight.
    @inline(__always) private static func a(_ p: Tile, _ s: Int, _ q: Tile, _ t: Int) {
        let g0 = p[0], g1 = p[s], g2 = p[2 &* s], g3 = p[3 &* s]
        let e0 = g0 + g2, o0 = g1 + g3
        let e1 = g0 + splat(4) * g2, o1 = splat(2) * g1 + splat(8) * g3
        let e2 = g0 + splat(0.25) * g2, o2 = splat(0.5) * g1 + splat(0.125) * g3
        q[0] = g0
        q[t] = e0 + o0; q[2 &* t] = e0 - o0
        q[3 &* t] = e1 + o1; q[4 &* t] = e1 - o1
        q[5 &* t] = e2 + o2; q[6 &* t] = e2 - o2
        q[7 &* t] = g3
    }

    /// out (k × k) = T x Tᵀ for an n × n tile x and a one-dimensional transform T
    /// from n values to k: down the columns into `tmp` (k × n), then along its rows.
    @inline(__always) private static func separable(_ transform: (Tile, Int, Tile, Int) -> Void, from n: Int, to k: Int,
                                                    _ x: Tile, tmp: Tile, into out: Tile) {
        for column in 0..<n { transform(x + column, n, tmp + column, n) }
        for row in 0..<k { transform(tmp + n &* row, 1, out + k &* row, 1) }
    }

    /// out (8 × 8) = Bᵀ d B; `tmp` holds 64 vectors.
    @inline(__always) static func input(_ d: Tile, tmp: Tile, into out: Tile) { separable(bT, from: 8, to: 8, d, tmp: tmp, into: out) }

    /// out (8 × 8) = B dv Bᵀ.
    @inline(__always) static func inputGradient(_ dv: Tile, tmp: Tile, into out: Tile) {
        separable(b, from: 8, to: 8, dv, tmp: tmp, into: out)
    }

    /// out (4 × 4) = Aᵀ m A; `tmp` holds 32 vectors.
    @inline(__always) static func output(_ m: Tile, tmp: Tile, into out: Tile) { separable(aT, from: 8, to: 4, m, tmp: tmp, into: out) }

    /// out (8 × 8) = A dy Aᵀ for a 4 × 4 dy; `tmp` holds 32 vectors.
    @inline(__always) static func outputGradient(_ dy: Tile, tmp: Tile, into out: Tile) {
        separable(a, from: 4, to: 8, dy, tmp: tmp, into: out)
    }
}
