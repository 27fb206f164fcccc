import XCTest
import FolioData
@testable import FolioNN

/// The convolution written out as its definition, summed in Double: the yardstick
/// for the narrow-width path. Layouts as the engine's: images [h][w][in], outputs
/// [oh][ow][out], weights [out][ky][kx][in].
struct ReferenceConvolution {
    let cin: Int, cout: Int, k: Int, stride: Int, padding: Int, h: Int, w: Int
    var oh: Int { (h + 2 * padding - k) / stride + 1 }
    var ow: Int { (w + 2 * padding - k) / stride + 1 }

    /// Calls `body(o, i, wi)` for every output pixel o, tap inside the image i and
    /// weight wi of one image's product, offsets within the image's tensors, output
    /// channel excluded from o and wi, input channel included in i and wi.
    private func eachTap(_ body: (_ o: Int, _ i: Int, _ wi: Int) -> Void) {
        for oy in 0..<oh { for ox in 0..<ow { for ky in 0..<k { for kx in 0..<k {
            let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
            for ci in 0..<cin { body(oy * ow + ox, (iy * w + ix) * cin + ci, (ky * k + kx) * cin + ci) }
        } } } }
    }

    func forward(x: [Float], weight: [Float], bias: [Float], n: Int) -> [Float] {
        var y = [Double](repeating: 0, count: n * oh * ow * cout)
        let patch = k * k * cin
        for img in 0..<n {
            let xi = img * h * w * cin, yi = img * oh * ow * cout
            for p in 0..<(oh * ow) { for o in 0..<cout { y[yi + p * cout + o] = Double(bias[o]) } }
            eachTap { op, i, wi in
                for o in 0..<cout { y[yi + op * cout + o] += Double(x[xi + i]) * Double(weight[o * patch + wi]) }
            }
        }
        return y.map(Float.init)
    }

    func backward(x: [Float], weight: [Float], dy: [Float], n: Int) -> (dx: [Float], dw: [Float], db: [Float]) {
        let patch = k * k * cin
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: cout * patch)
        var db = [Double](repeating: 0, count: cout)
        for img in 0..<n {
            let xi = img * h * w * cin, yi = img * oh * ow * cout
            for p in 0..<(oh * ow) { for o in 0..<cout { db[o] += Double(dy[yi + p * cout + o]) } }
            eachTap { op, i, wi in
                for o in 0..<cout {
                    let g = Double(dy[yi + op * cout + o])
                    dw[o * patch + wi] += g * Double(x[xi + i])
                    dx[xi + i] += g * Double(weight[o * patch + wi])
                }
            }
        }
        return (dx.map(Float.init), dw.map(Float.init), db.map(Float.init))
    }
}

final class NarrowGEMMTests: XCTestCase {
    override func setUp() { Engine.setThreads(2) }

    /// The small CNN's convolutions, then shapes for every vector count (8, 16 and
    /// 24 lanes, partly used), one input channel, padding up to k − 1 (fields wholly in
    /// the padding), strides 2 and 3, output rows past the kernel's blocks of four
    /// and columns past the dX blocks, batches split unevenly across parts.
    static let cases: [(cin: Int, cout: Int, k: Int, s: Int, pad: Int, h: Int, w: Int, n: Int)] = [
        (1, 10, 5, 1, 0, 28, 28, 3),
        (10, 20, 5, 1, 0, 12, 12, 5),
        (3, 1, 3, 1, 1, 5, 7, 2),
        (2, 7, 3, 2, 1, 9, 6, 3),
        (4, 8, 2, 1, 0, 5, 5, 1),
        (5, 12, 3, 1, 2, 4, 6, 4),
        (1, 17, 5, 2, 4, 7, 9, 3),
        (6, 24, 1, 1, 0, 3, 14, 2),
        (3, 15, 4, 3, 2, 11, 8, 7),
        (2, 20, 3, 1, 1, 16, 3, 2),
    ]

    /// Forward, dX, dW and db against the unrolled path and the reference, on one
    /// to three threads; a repeated pass is bit for bit the same, and so are the
    /// parameter gradients alone and dX alone.
    func testNarrowWidthMatchesReferenceAndUnrolled() throws {
        defer { Engine.setThreads(2) }
        for threads in [1, 2, 3] {
            Engine.setThreads(threads)
            for c in Self.cases {
                let label = "\(c), \(threads) threads"
                let compared = try compareWithUnrolled(.narrowWidth, inChannels: c.cin, outChannels: c.cout, kernel: c.k,
                                                       stride: c.s, padding: c.pad, shape: [c.cin, c.h, c.w], n: c.n,
                                                       seed: 11, label: label)
                let narrow = compared.layer, a = compared.result, x = compared.x, dy = compared.dy
                let reference = ReferenceConvolution(cin: c.cin, cout: c.cout, k: c.k, stride: c.s, padding: c.pad, h: c.h, w: c.w)
                let weight = Array(narrow.weight.values), bias = Array(narrow.bias.values)
                let expected = reference.backward(x: x, weight: weight, dy: dy, n: c.n)
                assertClose(a.y, reference.forward(x: x, weight: weight, bias: bias, n: c.n), "\(label) output against reference")
                assertClose(a.dx!, expected.dx, "\(label) input gradient against reference")
                assertClose(a.dw, expected.dw, "\(label) weight gradient against reference")
                assertClose(a.db, expected.db, "\(label) bias gradient against reference")
                let again = pass(narrow, x: x, dy: dy, n: c.n)
                XCTAssertEqual(again.y, a.y, "\(label): repeated output"); XCTAssertEqual(again.dx!, a.dx!, "\(label): repeated dX")
                XCTAssertEqual(again.dw, a.dw, "\(label): repeated dW"); XCTAssertEqual(again.db, a.db, "\(label): repeated db")
                checkPartialPasses(compared, label)
            }
        }
    }

    /// The defaults: narrow width only where neither the direct nor the Winograd
    /// path applies and the outputs fit; unrolled stays selectable, and switching
    /// after allocation gives the same results as a layer built for the algorithm.
    func testAlgorithmChoiceAndSwitching() throws {
        var rng = SeededGenerator(seed: 12)
        func conv(_ cin: Int, _ cout: Int, _ k: Int, padding: Int = 0) -> Conv2d {
            Conv2d(name: "c", inChannels: cin, outChannels: cout, kernel: k, padding: padding, rng: &rng)
        }
        XCTAssertEqual(conv(1, 10, 5).algorithm, .narrowWidth)
        XCTAssertEqual(conv(10, 20, 5).algorithm, .narrowWidth)
        XCTAssertEqual(conv(32, 25, 5).algorithm, .unrolled)
        XCTAssertEqual(conv(16, 16, 5).algorithm, .winograd)
        let direct = conv(1, 16, 3, padding: 1)
        XCTAssertTrue(direct.usesDirectPath); XCTAssertFalse(direct.usesNarrowWidth)

        let layer = conv(10, 20, 5)
        layer.allocate(maxBatch: 3, input: [10, 9, 9])
        let x = GradientCheck.randomArray(3 * 10 * 81, &rng), dy = GradientCheck.randomArray(3 * 20 * 25, &rng)
        let narrow = pass(layer, x: x, dy: dy, n: 3)
        layer.algorithm = .unrolled
        let unrolled = pass(layer, x: x, dy: dy, n: 3)
        assertClose(unrolled.y, narrow.y, "output after switching to unrolled")
        assertClose(unrolled.dx!, narrow.dx!, "dX after switching to unrolled")
        assertClose(unrolled.dw, narrow.dw, "dW after switching to unrolled")
        layer.algorithm = .narrowWidth
        let back = pass(layer, x: x, dy: dy, n: 3)
        XCTAssertEqual(back.y, narrow.y); XCTAssertEqual(back.dx!, narrow.dx!); XCTAssertEqual(back.dw, narrow.dw)
    }

    /// Finite differences through the narrow path itself, with padding and stride.
    func testNarrowWidthGradients() throws {
        var rng = SeededGenerator(seed: 13)
        for (cin, cout, k, s, p) in [(3, 10, 3, 1, 1), (2, 20, 3, 2, 1), (1, 5, 5, 1, 2)] {
            let conv = Conv2d(name: "nw\(cout)", inChannels: cin, outChannels: cout, kernel: k, stride: s, padding: p, rng: &rng)
            XCTAssertEqual(conv.algorithm, .narrowWidth)
            try GradientCheck.check(conv, shape: [cin, 5, 6], n: 3, x: GradientCheck.randomArray(3 * cin * 30, &rng))
        }
    }
}
