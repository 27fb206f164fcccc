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
/// cost as much time as the matrix products it feeds. Each transform applies its
/// one-dimensional step down the columns, then along the rows, in registers: the tile
/// passes hand it a `load` that reads a patch where it lies (in the image, or in the
/// planes of V, M or dM) and a `store` that writes each value where it goes, so a
/// value is loaded and stored once (a scratch tile in between cost four more memory
/// operations per value, and the passes were bound by them).
enum F23 {
    typealias Tile = UnsafeMutablePointer<SIMD8<Float>>
    typealias Vector = SIMD8<Float>
    typealias Four = (Vector, Vector, Vector, Vector)

    /// Bᵀ a for four values a.
    @inline(__always) private static func bT(_ a: Four) -> Four { (a.2 - a.0, a.1 + a.2, a.2 - a.1, a.3 - a.1) }
    /// Aᵀ a: four values to two.
    @inline(__always) private static func aT(_ a: Four) -> (Vector, Vector) { (a.0 + a.1 + a.2, a.1 - a.2 + a.3) }
    /// A u: two values to four.
    @inline(__always) private static func a(_ u0: Vector, _ u1: Vector) -> Four { (u0, u0 + u1, u0 - u1, u1) }
    /// B a for four values a.
    @inline(__always) private static func b(_ a: Four) -> Four { (-a.0, a.1 - a.2 - a.3, a.0 + a.1 + a.2, a.3) }

    @inline(__always) private static func store4(_ row: Int, _ v: Four, _ store: (Int, Vector) -> Void) {
        store(4 &* row, v.0); store(4 &* row &+ 1, v.1); store(4 &* row &+ 2, v.2); store(4 &* row &+ 3, v.3)
    }

    /// S d Sᵀ for a 4 × 4 d and a one-dimensional step S (four values to four): down
    /// each column, then along each row. `load(k)` and `store(k, value)` take
    /// k = 4 · row + column.
    @inline(__always) private static func separable(_ step: (Four) -> Four, load: (Int) -> Vector, store: (Int, Vector) -> Void) {
        let c0 = step((load(0), load(4), load(8), load(12))), c1 = step((load(1), load(5), load(9), load(13)))
        let c2 = step((load(2), load(6), load(10), load(14))), c3 = step((load(3), load(7), load(11), load(15)))
        store4(0, step((c0.0, c1.0, c2.0, c3.0)), store)
        store4(1, step((c0.1, c1.1, c2.1, c3.1)), store)
        store4(2, step((c0.2, c1.2, c2.2, c3.2)), store)
        store4(3, step((c0.3, c1.3, c2.3, c3.3)), store)
    }

    /// Bᵀ d B for the 4 × 4 patch d.
    @inline(__always) static func input(load: (Int) -> Vector, store: (Int, Vector) -> Void) {
        separable(bT, load: load, store: store)
    }

    /// Aᵀ m A: 4 × 4 values (k = 4 · row + column) to 2 × 2 (k = 2 · row + column).
    @inline(__always) static func output(load: (Int) -> Vector, store: (Int, Vector) -> Void) {
        let c0 = aT((load(0), load(4), load(8), load(12))), c1 = aT((load(1), load(5), load(9), load(13)))
        let c2 = aT((load(2), load(6), load(10), load(14))), c3 = aT((load(3), load(7), load(11), load(15)))
        let r0 = aT((c0.0, c1.0, c2.0, c3.0)), r1 = aT((c0.1, c1.1, c2.1, c3.1))
        store(0, r0.0); store(1, r0.1); store(2, r1.0); store(3, r1.1)
    }

    /// A dy Aᵀ: 2 × 2 values (k = 2 · row + column) to 4 × 4 (k = 4 · row + column).
    @inline(__always) static func outputGradient(load: (Int) -> Vector, store: (Int, Vector) -> Void) {
        let c0 = a(load(0), load(2)), c1 = a(load(1), load(3))
        store4(0, a(c0.0, c1.0), store)
        store4(1, a(c0.1, c1.1), store)
        store4(2, a(c0.2, c1.2), store)
        store4(3, a(c0.3, c1.3), store)
    }

    /// B dv Bᵀ for the 4 × 4 dv.
    @inline(__always) static func inputGradient(load: (Int) -> Vector, store: (Int, Vector) -> Void) {
        separable(b, load: load, store: store)
    }

    // The same transforms between tiles in memory, row-major.
    @inline(__always) static func input(_ d: Tile, into out: Tile) { input(load: { d[$0] }, store: { out[$0] = $1 }) }
    @inline(__always) static func output(_ m: Tile, into out: Tile) { output(load: { m[$0] }, store: { out[$0] = $1 }) }
    @inline(__always) static func outputGradient(_ dy: Tile, into out: Tile) {
        outputGradient(load: { dy[$0] }, store: { out[$0] = $1 })
    }
    @inline(__always) static func inputGradient(_ dv: Tile, into out: Tile) {
        inputGradient(load: { dv[$0] }, store: { out[$0] = $1 })
    }
}
