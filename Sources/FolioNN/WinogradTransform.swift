/// The matrices of Winograd's minimal filtering algorithm F(m, r): m outputs of an
/// r-tap correlation from α = m + r − 1 inputs with α multiplications instead of
/// m · r. In one dimension,
///
///     y = Aᵀ [(G g) ⊙ (Bᵀ d)]        d: α inputs, g: r taps, y: m outputs,
///
/// and nested in two, Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A on α × α tiles (Lavin and
/// Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
///
/// The matrices come from polynomial interpolation (Toom–Cook) at the points 0, 1,
/// −1, 2, −2, … and a point at infinity; small points keep the transforms' rounding
/// close to that of the plain sum. Row i of Bᵀ holds the coefficients of
/// Πⱼ≠ᵢ (x − pⱼ), row i of G the powers of pᵢ divided by Πⱼ≠ᵢ (pᵢ − pⱼ), column i
/// of Aᵀ the powers of pᵢ; the point at infinity adds the last row or column.
final class WinogradTransform {
    let m: Int, r: Int, alpha: Int
    /// Row-major: aT is m × α, a = (Aᵀ)ᵀ is α × m, g is α × r, gT is r × α, bT and b are α × α.
    let aT: UnsafeMutablePointer<Float>, a: UnsafeMutablePointer<Float>
    let g: UnsafeMutablePointer<Float>, gT: UnsafeMutablePointer<Float>
    let bT: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>

    /// Interpolation points in the order they are taken.
    static let points: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5]

    init(m: Int, r: Int) {
        let alpha = m + r - 1
        precondition(m >= 1 && r >= 1 && alpha - 1 <= Self.points.count)
        self.m = m; self.r = r; self.alpha = alpha
        let p = Array(Self.points.prefix(alpha - 1))
        var aT = [Double](repeating: 0, count: m * alpha), g = [Double](repeating: 0, count: alpha * r)
        var bT = [Double](repeating: 0, count: alpha * alpha)
        for (i, pi) in p.enumerated() {
            for row in 0..<m { aT[row * alpha + i] = Self.power(pi, row) }
            let others = p.enumerated().filter { $0.offset != i }.map(\.element)
            let scale = others.reduce(1.0) { $0 * (pi - $1) }
            for k in 0..<r { g[i * r + k] = Self.power(pi, k) / scale }
            for (k, c) in Self.coefficients(ofRoots: others).enumerated() { bT[i * alpha + k] = c }
        }
        aT[(m - 1) * alpha + alpha - 1] = 1
        g[(alpha - 1) * r + r - 1] = 1
        for (k, c) in Self.coefficients(ofRoots: p).enumerated() { bT[(alpha - 1) * alpha + k] = c }

        func floats(_ v: [Double]) -> UnsafeMutablePointer<Float> {
            let q = UnsafeMutablePointer<Float>.allocate(capacity: v.count)
            for (i, x) in v.enumerated() { q[i] = Float(x) }
            return q
        }
        func transposed(_ v: [Double], rows: Int, columns: Int) -> [Double] {
            (0..<(rows * columns)).map { v[($0 % rows) * columns + $0 / rows] }
        }
        self.aT = floats(aT); a = floats(transposed(aT, rows: m, columns: alpha))
        self.g = floats(g); gT = floats(transposed(g, rows: alpha, columns: r))
        self.bT = floats(bT); b = floats(transposed(bT, rows: alpha, columns: alpha))
    }

    deinit { for q in [aT, a, g, gT, bT, b] { q.deallocate() } }

    private static func power(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * x } }

    /// Coefficients, lowest power first, of Π (x − root).
    private static func coefficients(ofRoots roots: [Double]) -> [Double] {
        var c: [Double] = [1]
        for root in roots {
            var next = [Double](repeating: 0, count: c.count + 1)
            for (k, v) in c.enumerated() { next[k + 1] += v; next[k] -= root * v }
            c = next
        }
        return c
    }

    /// out = L · X · Rᵀ for a p × q tile X of eight-lane vectors (row-major), L
    /// (rows × p) and R (columns × q) row-major; `tmp` holds rows × q vectors. For
    /// the kernels, eight input channels at a time: U = G g Gᵀ and dg = Gᵀ dU G.
    static func sandwich(_ l: UnsafePointer<Float>, rows: Int, _ x: UnsafePointer<SIMD8<Float>>, p: Int, q: Int,
                         _ r: UnsafePointer<Float>, columns: Int, tmp: UnsafeMutablePointer<SIMD8<Float>>,
                         into out: UnsafeMutablePointer<SIMD8<Float>>) {
        for i in 0..<rows {
            for y in 0..<q { tmp[i * q + y] = SIMD8() }
            for j in 0..<p {
                let c = l[i * p + j]
                if c == 0 { continue }
                for y in 0..<q { tmp[i * q + y] += c * x[j * q + y] }
            }
        }
        for i in 0..<rows {
            for k in 0..<columns {
                var acc = SIMD8<Float>()
                for y in 0..<q where r[k * q + y] != 0 { acc += r[k * q + y] * tmp[i * q + y] }
                out[i * columns + k] = acc
            }
        }
    }
}

/// F(2 × 2, 3 × 3)'s four tile transforms written out as additions: the matrices
/// `WinogradTransform(m: 2, r: 3)` builds (the tests compare the two) are
///
///     Bᵀ = [−1 0 1 0; 0 1 1 0; 0 −1 1 0; 0 −1 0 1],   Aᵀ = [1 1 1 0; 0 1 −1 1],
///
/// and a loop over the matrices' entries, with its coefficient loads and zero tests,
/// cost as much time as the matrix products it feeds.
enum F23 {
    typealias Tile = UnsafeMutablePointer<SIMD8<Float>>

    /// out (4 × 4) = Bᵀ d B. Like `output` and `inputGradient`, overwrites its input.
    @inline(__always) static func input(_ d: Tile, into out: Tile) {
        for x in 0..<4 {
            let d0 = d[x], d1 = d[4 &+ x], d2 = d[8 &+ x], d3 = d[12 &+ x]
            d[x] = d2 - d0; d[4 &+ x] = d1 + d2; d[8 &+ x] = d2 - d1; d[12 &+ x] = d3 - d1
        }
        for i in 0..<4 {
            let t = d + 4 &* i, o = out + 4 &* i
            o[0] = t[2] - t[0]; o[1] = t[1] + t[2]; o[2] = t[2] - t[1]; o[3] = t[3] - t[1]
        }
    }

    /// out (2 × 2) = Aᵀ m A.
    @inline(__always) static func output(_ m: Tile, into out: Tile) {
        for x in 0..<4 {
            let m0 = m[x], m1 = m[4 &+ x], m2 = m[8 &+ x], m3 = m[12 &+ x]
            m[x] = m0 + m1 + m2; m[4 &+ x] = m1 - m2 + m3
        }
        for i in 0..<2 {
            let s = m + 4 &* i
            out[2 &* i] = s[0] + s[1] + s[2]; out[2 &* i &+ 1] = s[1] - s[2] + s[3]
        }
    }

    /// out (4 × 4) = A dy Aᵀ for a 2 × 2 dy.
    @inline(__always) static func outputGradient(_ dy: Tile, into out: Tile) {
        // u = A dy, one column of two at a time; then each row of u times Aᵀ.
        @inline(__always) func row(_ j: Int, _ u0: SIMD8<Float>, _ u1: SIMD8<Float>) {
            let o = out + 4 &* j
            o[0] = u0; o[1] = u0 + u1; o[2] = u0 - u1; o[3] = u1
        }
        row(0, dy[0], dy[1])
        row(1, dy[0] + dy[2], dy[1] + dy[3])
        row(2, dy[0] - dy[2], dy[1] - dy[3])
        row(3, dy[2], dy[3])
    }

    /// out (4 × 4) = B dv Bᵀ.
    @inline(__always) static func inputGradient(_ dv: Tile, into out: Tile) {
        for x in 0..<4 {
            let v0 = dv[x], v1 = dv[4 &+ x], v2 = dv[8 &+ x], v3 = dv[12 &+ x]
            dv[x] = -v0; dv[4 &+ x] = v1 - v2 - v3; dv[8 &+ x] = v0 + v1 + v2; dv[12 &+ x] = v3
        }
        for j in 0..<4 {
            let e = dv + 4 &* j, o = out + 4 &* j
            o[0] = -e[0]; o[1] = e[1] - e[2] - e[3]; o[2] = e[0] + e[1] + e[2]; o[3] = e[3]
        }
    }
}
