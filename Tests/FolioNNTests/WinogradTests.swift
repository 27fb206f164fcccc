import XCTest
import FolioData
@testable import FolioNN

final class WinogradTests: XCTestCase {
    override func setUp() { Engine.setThreads(2) }

    /// In one dimension, Aᵀ[(G g) ⊙ (Bᵀ d)] is the correlation of d with g.
    func testTransformsComputeACorrelation() {
        var rng = SeededGenerator(seed: 21)
        for (m, r) in [(2, 3), (2, 5), (4, 3)] {
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

    /// The written-out tile transforms of F(2×2, 3×3) and F(2×2, 5×5) against
    /// L · X · Rᵀ with the matrices `WinogradTransform` builds, lane by lane.
    func testWrittenOutTransformsMatchTheMatrices() {
        var rng = SeededGenerator(seed: 22)
        for r in [3, 5] {
            let t = WinogradTransform(m: 2, r: r), alpha = t.alpha
            typealias Apply = (UnsafeMutablePointer<SIMD8<Float>>, UnsafeMutablePointer<SIMD8<Float>>, UnsafeMutablePointer<SIMD8<Float>>) -> Void
            let transforms: [(String, UnsafeMutablePointer<Float>, Int, UnsafeMutablePointer<Float>, Int, Apply)] = r == 3 ? [
                ("input", t.bT, alpha, t.bT, alpha, { x, _, o in F23.input(x, into: o) }),
                ("output", t.aT, 2, t.aT, alpha, { x, _, o in F23.output(x, into: o) }),
                ("output gradient", t.a, alpha, t.a, 2, { x, _, o in F23.outputGradient(x, into: o) }),
                ("input gradient", t.b, alpha, t.b, alpha, { x, _, o in F23.inputGradient(x, into: o) }),
            ] : [
                ("input", t.bT, alpha, t.bT, alpha, { x, tmp, o in F25.input(x, tmp: tmp, into: o) }),
                ("output", t.aT, 2, t.aT, alpha, { x, tmp, o in F25.output(x, tmp: tmp, into: o) }),
                ("output gradient", t.a, alpha, t.a, 2, { x, _, o in F25.outputGradient(x, into: o) }),
                ("input gradient", t.b, alpha, t.b, alpha, { x, tmp, o in F25.inputGradient(x, tmp: tmp, into: o) }),
            ]
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
                    XCTAssertEqual(Double(buffer[128 + i * rows + k][lane]), expected, accuracy: 1e-4, "F(2, \(r)) \(name) [\(i)][\(k)]")
                } } }
            }
        }
    }

    /// Forward, dX, dW and db of the Winograd path against the unrolled (im2col)
    /// path with the same weights: sizes with whole and partial edge tiles, padded
    /// and valid, batches split across threads and over several chunks.
    func testWinogradMatchesUnrolledConvolution() throws {
        let cases: [(cin: Int, cout: Int, k: Int, pad: Int, h: Int, w: Int, n: Int)] = [
            (32, 32, 3, 1, 14, 14, 5),  // the SimpleCNN's second convolution
            (16, 16, 3, 1, 7, 5, 3),    // odd sizes: edge tiles hang over the output
            (16, 32, 3, 0, 6, 7, 2),
            (32, 64, 5, 0, 12, 12, 7),  // the deeper CNN's second convolution
            (16, 16, 5, 2, 9, 9, 2),
        ]
        for c in cases {
            var rng = SeededGenerator(seed: 5)
            let fast = Conv2d(name: "w", inChannels: c.cin, outChannels: c.cout, kernel: c.k, padding: c.pad, rng: &rng)
            rng = SeededGenerator(seed: 5)
            let plain = Conv2d(name: "u", inChannels: c.cin, outChannels: c.cout, kernel: c.k, padding: c.pad, rng: &rng)
            XCTAssertEqual(fast.algorithm, .winograd)
            plain.algorithm = .unrolled
            let shape = [c.cin, c.h, c.w], out = try fast.outputShape(for: shape)
            fast.allocate(maxBatch: c.n, input: shape); plain.allocate(maxBatch: c.n, input: shape)
            var x = GradientCheck.randomArray(c.n * c.cin * c.h * c.w, &rng)
            var dy = GradientCheck.randomArray(c.n * out.reduce(1, *), &rng)
            let label = "\(c)"
            func run(_ conv: Conv2d) -> (y: [Float], dx: [Float], dw: [Float], db: [Float]) {
                x.withUnsafeMutableBufferPointer { xp in
                    dy.withUnsafeMutableBufferPointer { dp in
                        let y = Array(UnsafeBufferPointer(start: conv.forward(xp.baseAddress!, n: c.n, training: true), count: dp.count))
                        let dx = Array(UnsafeBufferPointer(start: conv.backward(dp.baseAddress!, n: c.n, needInputGradient: true)!, count: xp.count))
                        return (y, dx, Array(conv.weight.gradients), Array(conv.bias.gradients))
                    }
                }
            }
            let a = run(fast), b = run(plain)
            assertClose(a.y, b.y, "\(label) output")
            assertClose(a.dx, b.dx, "\(label) input gradient")
            assertClose(a.dw, b.dw, "\(label) weight gradient")
            assertClose(a.db, b.db, "\(label) bias gradient")
        }
    }

    /// Finite differences through the Winograd path itself, with both edge cases.
    func testWinogradGradients() throws {
        var rng = SeededGenerator(seed: 8)
        let conv = Conv2d(name: "wg", inChannels: 16, outChannels: 16, kernel: 3, padding: 1, rng: &rng)
        XCTAssertEqual(conv.algorithm, .winograd)
        try GradientCheck.check(conv, shape: [16, 3, 3], n: 2, x: GradientCheck.randomArray(2 * 16 * 9, &rng))
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

    private func assertClose(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let scale = b.reduce(Float(0)) { max($0, abs($1)) }
        var worst: Float = 0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
        XCTAssertLessThan(worst, 1e-5 * max(scale, 1) * 10, "\(what): largest difference \(worst) of \(scale)", file: file, line: line)
    }
}
