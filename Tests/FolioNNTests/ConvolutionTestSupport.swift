import XCTest
import FolioData
@testable import FolioNN

/// What the convolution tests share: one pass through a layer, and comparing two
/// algorithms' results within float tolerance.
extension XCTestCase {
    /// One forward and backward pass of `conv` on `x` and `dy`; the parameter
    /// gradients are nil when the layer is told not to compute them.
    func pass(_ conv: Conv2d, x: [Float], dy: [Float], n: Int, needInputGradient: Bool = true)
        -> (y: [Float], dx: [Float]?, dw: [Float], db: [Float]) {
        var x = x, dy = dy
        return x.withUnsafeMutableBufferPointer { xp in
            dy.withUnsafeMutableBufferPointer { dp in
                let y = Array(UnsafeBufferPointer(start: conv.forward(xp.baseAddress!, n: n, training: true), count: dp.count))
                let dx = conv.backward(dp.baseAddress!, n: n, needInputGradient: needInputGradient)
                    .map { Array(UnsafeBufferPointer(start: $0, count: xp.count)) }
                return (y, dx, Array(conv.weight.gradients), Array(conv.bias.gradients))
            }
        }
    }

    /// Every value of `a` within 1e-4 of `b`'s largest magnitude (at least 1).
    func assertClose(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let scale = b.reduce(Float(0)) { max($0, abs($1)) }
        var worst: Float = 0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
        XCTAssertLessThan(worst, 1e-5 * max(scale, 1) * 10, "\(what): largest difference \(worst) of \(scale)", file: file, line: line)
    }

    /// A convolution with its default algorithm, `expected`, against an unrolled twin
    /// with the same weights (both drawn from `seed`), on random x and dY for `n`
    /// images of `shape`: one pass through each, all four results within tolerance.
    func compareWithUnrolled(_ expected: Conv2d.Algorithm, inChannels cin: Int, outChannels cout: Int, kernel k: Int,
                             stride: Int = 1, padding: Int, shape: [Int], n: Int, seed: UInt64, label: String,
                             file: StaticString = #filePath, line: UInt = #line) throws -> ConvolutionComparison {
        var rng = SeededGenerator(seed: seed)
        let layer = Conv2d(name: "a", inChannels: cin, outChannels: cout, kernel: k, stride: stride, padding: padding, rng: &rng)
        rng = SeededGenerator(seed: seed)
        let plain = Conv2d(name: "u", inChannels: cin, outChannels: cout, kernel: k, stride: stride, padding: padding, rng: &rng)
        XCTAssertEqual(layer.algorithm, expected, label, file: file, line: line)
        plain.algorithm = .unrolled
        let out = try layer.outputShape(for: shape)
        layer.allocate(maxBatch: n, input: shape); plain.allocate(maxBatch: n, input: shape)
        let x = GradientCheck.randomArray(n * shape.reduce(1, *), &rng)
        let dy = GradientCheck.randomArray(n * out.reduce(1, *), &rng)
        let a = pass(layer, x: x, dy: dy, n: n), b = pass(plain, x: x, dy: dy, n: n)
        assertClose(a.y, b.y, "\(label) output", file: file, line: line)
        assertClose(a.dx!, b.dx!, "\(label) input gradient", file: file, line: line)
        assertClose(a.dw, b.dw, "\(label) weight gradient", file: file, line: line)
        assertClose(a.db, b.db, "\(label) bias gradient", file: file, line: line)
        return ConvolutionComparison(layer: layer, x: x, dy: dy, n: n, result: a)
    }

    /// The parameter gradients without dX, then dX alone (optimising pixels, the
    /// parameter gradients left as they were): both as in the full pass. Leaves the
    /// layer computing only dX.
    func checkPartialPasses(_ c: ConvolutionComparison, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let noInput = pass(c.layer, x: c.x, dy: c.dy, n: c.n, needInputGradient: false)
        XCTAssertNil(noInput.dx, file: file, line: line)
        XCTAssertEqual(noInput.dw, c.result.dw, "\(label): dW without dX", file: file, line: line)
        XCTAssertEqual(noInput.db, c.result.db, "\(label): db without dX", file: file, line: line)
        c.layer.computesParameterGradients = false
        c.layer.weight.gradients.initialize(repeating: 3)
        let inputOnly = pass(c.layer, x: c.x, dy: c.dy, n: c.n)
        XCTAssertEqual(inputOnly.dx!, c.result.dx!, "\(label): dX without dW", file: file, line: line)
        XCTAssertTrue(inputOnly.dw.allSatisfy { $0 == 3 }, "\(label): dW left alone", file: file, line: line)
    }
}

/// A layer, the batch it was compared on and its own pass's results.
struct ConvolutionComparison {
    let layer: Conv2d, x: [Float], dy: [Float], n: Int
    let result: (y: [Float], dx: [Float]?, dw: [Float], db: [Float])
}
