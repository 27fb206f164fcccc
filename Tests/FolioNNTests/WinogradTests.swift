import XCTest
import FolioData
@testable import FolioNN

final class WinogradTests: XCTestCase {
    override func setUp() { Engine.setThreads(2) }

    /// In one dimension, Aᵀ[(G g) ⊙ (Bᵀ d)] is the correlation of d with g.
    func testTransformsComputeACorrelation() {
        var rng = SeededGenerator(seed: 21)
        for (m, r) in [(2, 3), (2, 5), (4, 3), (4, 5)] {
            let t = WinogradTransform(m: m, r: r), alpha = t.alpha
            let d = GradientCheck.randomArray(alpha, &rng), g = GradientCheck.randomArray(r, &rng)
            var product = [Double](repeating: 0, count: alpha)
            for i in 0..<alpha {
                var gi = 0.0, di = 0.0
                for k in 0..<r { gi += Double(t.g[i * r + k]) * Double(g[k]) }
                for j in 0..<alpha { di += Double(t.bT[i * alpha + j]) * Double(d[j]) }
                product[i] = gi * di
            }
            for i in 0..<m {
                var y = 0.0, expected = 0.0
                for j in 0..<alpha { y += Double(t.aT[i * alpha + j]) * product[j] }
                for k in 0..<r { expected += Double(d[i + k]) * Double(g[k]) }
                XCTAssertEqual(y, expected, accuracy: 1e-5, "F(\(m), \(r)) output \(i)")
            }
        }
        // The familiar F(2, 3) input transform, up to the sign of a row.
        let f23 = WinogradTransform(m: 2, r: 3)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: f23.bT + 4, count: 8)), [0, 1, 1, 0, 0, -1, 1, 0])
    }

    /// The written-out tile transforms of F(2×2, 3×3) and F(4×4, 5×5) against
    /// L · X · Rᵀ with the matrices `WinogradTransform` builds, lane by lane.
    func testWrittenOutTransformsMatchTheMatrices() {
        var rng = SeededGenerator(seed: 22)
        for (m, r) in [(2, 3), (4, 5)] {
            let t = WinogradTransform(m: m, r: r), alpha = t.alpha
            typealias Apply = (UnsafeMutablePointer<SIMD8<Float>>, UnsafeMutablePointer<SIMD8<Float>>, UnsafeMutablePointer<SIMD8<Float>>) -> Void
            let transforms: [(String, UnsafeMutablePointer<Float>, Int, UnsafeMutablePointer<Float>, Int, Apply)]
            switch alpha {
            case 4: transforms = [
                ("input", t.bT, alpha, t.bT, alpha, { x, _, o in F23.input(x, into: o) }),
                ("output", t.aT, m, t.aT, alpha, { x, _, o in F23.output(x, into: o) }),
                ("output gradient", t.a, alpha, t.a, m, { x, _, o in F23.outputGradient(x, into: o) }),
                ("input gradient", t.b, alpha, t.b, alpha, { x, _, o in F23.inputGradient(x, into: o) }),
            ]
            default: transforms = [
                ("input", t.bT, alpha, t.bT, alpha, { x, tmp, o in F45.input(x, tmp: tmp, into: o) }),
                ("output", t.aT, m, t.aT, alpha, { x, tmp, o in F45.output(x, tmp: tmp, into: o) }),
                ("output gradient", t.a, alpha, t.a, m, { x, tmp, o in F45.outputGradient(x, tmp: tmp, into: o) }),
                ("input gradient", t.b, alpha, t.b, alpha, { x, tmp, o in F45.inputGradient(x, tmp: tmp, into: o) }),
            ]
            }
            for (name, l, rows, rMatrix, p, apply) in transforms {
                let x = (0..<(p * p)).map { _ in SIMD8<Float>((0..<8).map { _ in rng.uniform(-1, 1) }) }
                let buffer = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 3 * 64)
                defer { buffer.deallocate() }
                for i in 0..<(p * p) { buffer[i] = x[i] }
                apply(buffer, buffer + 64, buffer + 128)
                for i in 0..<rows { for k in 0..<rows { for lane in 0..<8 {
                    var expected = 0.0
                    for j in 0..<p { for y in 0..<p {
                        expected += Double(l[i * p + j]) * Double(x[j * p + y][lane]) * Double(rMatrix[k * p + y])
                    } }
                    XCTAssertEqual(Double(buffer[128 + i * rows + k][lane]), expected, accuracy: 1e-4, "F(\(m), \(r)) \(name) [\(i)][\(k)]")
                } } }
            }
        }
    }

    /// Forward, dX, dW and db of the Winograd path against the unrolled (im2col)
    /// path with the same weights: sizes with whole and partial edge tiles, padded
    /// (by up to k − 1, so some patches lie wholly in the padding) and valid, one
    /// image, batches split unevenly across one to three threads and over several
    /// chunks; then the input gradient alone and the parameter gradients alone.
    func testWinogradMatchesUnrolledConvolution() throws {
        let cases: [(cin: Int, cout: Int, k: Int, pad: Int, h: Int, w: Int, n: Int)] = [
            (32, 32, 3, 1, 14, 14, 5),  // the SimpleCNN's second convolution
            (16, 16, 3, 1, 7, 5, 3),    // odd sizes: edge tiles hang over the output
            (16, 32, 3, 0, 6, 7, 2),
            (16, 16, 3, 2, 5, 6, 1),
            (32, 64, 5, 0, 12, 12, 7),  // the deeper CNN's second convolution
            (16, 16, 5, 0, 11, 9, 3),
            (16, 16, 5, 2, 9, 9, 2),
            (16, 16, 5, 4, 4, 3, 2),
        ]
        defer { Engine.setThreads(2) }
        for threads in [1, 2, 3] {
            Engine.setThreads(threads)
            for c in cases {
                let label = "\(c), \(threads) threads"
                let compared = try compareWithUnrolled(.winograd, inChannels: c.cin, outChannels: c.cout, kernel: c.k,
                                                       padding: c.pad, shape: [c.cin, c.h, c.w], n: c.n, seed: 5, label: label)
                // dX alone: V is never computed, dV fills its buffer.
                checkPartialPasses(compared, label)
            }
        }
    }

    /// Switching the algorithm after allocation re-reserves the workspaces: both
    /// ways give the other algorithm's results, and runs repeat bit for bit.
    func testAlgorithmSwitchAfterAllocationAndRepeatability() throws {
        var rng = SeededGenerator(seed: 6)
        let conv = Conv2d(name: "s", inChannels: 16, outChannels: 32, kernel: 3, padding: 1, rng: &rng)
        conv.allocate(maxBatch: 4, input: [16, 9, 9])
        let x = GradientCheck.randomArray(4 * 16 * 81, &rng), dy = GradientCheck.randomArray(4 * 32 * 81, &rng)
        let first = pass(conv, x: x, dy: dy, n: 4), again = pass(conv, x: x, dy: dy, n: 4)
        XCTAssertEqual(first.y, again.y); XCTAssertEqual(first.dx!, again.dx!); XCTAssertEqual(first.dw, again.dw)
        conv.algorithm = .unrolled
        let unrolled = pass(conv, x: x, dy: dy, n: 4)
        assertClose(unrolled.y, first.y, "output after switching to unrolled")
        assertClose(unrolled.dw, first.dw, "dW after switching to unrolled")
        conv.algorithm = .winograd
        let back = pass(conv, x: x, dy: dy, n: 4)
        XCTAssertEqual(back.y, first.y); XCTAssertEqual(back.dx!, first.dx!); XCTAssertEqual(back.dw, first.dw)
    }

    /// The kernel against a plain triple loop: every count of leftover rows (after
    /// the blocks of six: none, a pair, a single row, a pair and a single row), A
    /// read directly and transposed, with and without accumulation.
    func testSmallGEMMAgainstTripleLoop() {
        var rng = SeededGenerator(seed: 23)
        for rows in 1...13 {
            for (n, depth) in [(16, 5), (32, 9)] {
                for transposedA in [false, true] {
                    for accumulate in [false, true] {
                        let a = GradientCheck.randomArray(rows * depth, &rng), b = GradientCheck.randomArray(depth * n, &rng)
                        var c = GradientCheck.randomArray(rows * n, &rng)
                        var expected = c.map { accumulate ? Double($0) : 0 }
                        // Transposed, A is stored depth × rows: A(r, q) = a[q · rows + r].
                        let (rowStride, depthStride) = transposedA ? (1, rows) : (depth, 1)
                        for r in 0..<rows { for j in 0..<n { for q in 0..<depth {
                            expected[r * n + j] += Double(a[r * rowStride + q * depthStride]) * Double(b[q * n + j])
                        } } }
                        c.withUnsafeMutableBufferPointer { cp in
                            SmallGEMM.multiply(a, rowStride: rowStride, depthStride: depthStride, rows: rows, depth: depth,
                                               b, cp.baseAddress!, n: n, accumulate: accumulate)
                        }
                        for i in c.indices {
                            XCTAssertEqual(Double(c[i]), expected[i], accuracy: 1e-5,
                                           "rows \(rows) n \(n) transposed \(transposedA) accumulate \(accumulate) [\(i)]")
                        }
                    }
                }
            }
        }
    }

    /// Finite differences through the Winograd paths themselves, F(2 × 2, 3 × 3) and
    /// F(4 × 4, 5 × 5), with edge tiles hanging over the output and patches in the padding.
    func testWinogradGradients() throws {
        var rng = SeededGenerator(seed: 8)
        for (k, pad, side) in [(3, 1, 3), (5, 2, 5)] {
            let conv = Conv2d(name: "wg", inChannels: 16, outChannels: 16, kernel: k, padding: pad, rng: &rng)
            XCTAssertEqual(conv.algorithm, .winograd)
            XCTAssertEqual(conv.winogradTransform?.m, k == 5 ? 4 : 2)
            try GradientCheck.check(conv, shape: [16, side, side], n: 2, x: GradientCheck.randomArray(2 * 16 * side * side, &rng))
        }
    }

    /// Off for pixel optimisation: the input gradient alone, parameters' untouched.
    func testInputGradientOnlyLeavesParameterGradients() throws {
        var rng = SeededGenerator(seed: 9)
        let conv = Conv2d(name: "wi", inChannels: 16, outChannels: 16, kernel: 3, padding: 1, rng: &rng)
        conv.allocate(maxBatch: 2, input: [16, 4, 4])
        var x = GradientCheck.randomArray(2 * 16 * 16, &rng), dy = GradientCheck.randomArray(2 * 16 * 16, &rng)
        conv.weight.gradients.initialize(repeating: 3)
        conv.computesParameterGradients = false
        let dx = x.withUnsafeMutableBufferPointer { xp in
            dy.withUnsafeMutableBufferPointer { dp in
                _ = conv.forward(xp.baseAddress!, n: 2, training: true)
                return Array(UnsafeBufferPointer(start: conv.backward(dp.baseAddress!, n: 2, needInputGradient: true)!, count: xp.count))
            }
        }
        XCTAssertTrue(conv.weight.gradients.allSatisfy { $0 == 3 })
        XCTAssertTrue(dx.contains { $0 != 0 })
    }
}
