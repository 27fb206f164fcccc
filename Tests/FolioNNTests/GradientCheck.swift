import XCTest
import FolioData
@testable import FolioNN

/// Finite-difference checks: for a random upstream gradient r, the objective
/// L(x, θ) = Σ r·layer(x) has dL/dx and dL/dθ equal to what backward(r) returns.
/// Central differences in Float32 with step 1e-2 on small tensors; objectives are
/// summed in Double.
enum GradientCheck {
    static func randomArray(_ n: Int, _ rng: inout SeededGenerator, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in rng.uniform(-scale, scale) }
    }

    /// Values well away from 0 and from each other, so ReLU kinks and max-pool
    /// ties are further than the finite-difference step.
    static func distinctValues(_ n: Int, _ rng: inout SeededGenerator) -> [Float] {
        let p = rng.permutation(n)
        return p.map { Float($0 - n / 2) * 0.1 + 0.05 }
    }

    static func objective(_ layer: Layer, x: [Float], r: [Float], n: Int, training: Bool, before: () -> Void) -> Double {
        var copy = x
        return copy.withUnsafeMutableBufferPointer { xp -> Double in
            before()
            let y = layer.forward(xp.baseAddress!, n: n, training: training)
            var s = 0.0
            for i in r.indices { s += Double(r[i]) * Double(y[i]) }
            return s
        }
    }

    /// Checks input and parameter gradients of `layer` on a batch `x` of `n` samples
    /// of per-sample shape `shape`.
    static func check(_ layer: Layer, shape: [Int], n: Int, x: [Float], training: Bool = true,
                      before: () -> Void = {}, step: Float = 1e-2, tolerance: Double = 5e-3,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        layer.allocate(maxBatch: n, input: shape)
        let outShape = try layer.outputShape(for: shape)
        let outCount = n * outShape.reduce(1, *)
        var rng = SeededGenerator(seed: 7, stream: "upstream")
        let r = randomArray(outCount, &rng)
        // Analytic gradients.
        var xCopy = x
        var rCopy = r
        let dx: [Float] = xCopy.withUnsafeMutableBufferPointer { xp in
            rCopy.withUnsafeMutableBufferPointer { rp in
                before()
                _ = layer.forward(xp.baseAddress!, n: n, training: training)
                let d = layer.backward(rp.baseAddress!, n: n, needInputGradient: true)!
                return Array(UnsafeBufferPointer(start: d, count: x.count))
            }
        }
        let paramGrads = layer.parameters.filter { !$0.isBuffer }.map { Array($0.gradients) }
        func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
            let err = abs(Double(analytic) - numeric) / max(1, abs(numeric))
            XCTAssertLessThan(err, tolerance, "\(layer.name) \(what): analytic \(analytic) numeric \(numeric)", file: file, line: line)
        }
        for i in x.indices {
            var plus = x, minus = x
            plus[i] += step; minus[i] -= step
            let numeric = (objective(layer, x: plus, r: r, n: n, training: training, before: before)
                - objective(layer, x: minus, r: r, n: n, training: training, before: before)) / Double(2 * step)
            compare(dx[i], numeric, "d input[\(i)]")
        }
        for (k, p) in layer.parameters.filter({ !$0.isBuffer }).enumerated() {
            let v = p.values
            for i in 0..<p.count {
                let saved = v[i]
                v[i] = saved + step
                let lp = objective(layer, x: x, r: r, n: n, training: training, before: before)
                v[i] = saved - step
                let lm = objective(layer, x: x, r: r, n: n, training: training, before: before)
                v[i] = saved
                compare(paramGrads[k][i], (lp - lm) / Double(2 * step), "d \(p.name)[\(i)]")
            }
        }
    }
}

final class LayerGradientTests: XCTestCase {
    /// Two threads, so batches of two are split into per-thread parts and the
    /// partial gradients summed: the parallel paths are what is checked.
    override func setUp() { Engine.setThreads(2) }

    func testConv2dPaddedStrided() throws {
        var rng = SeededGenerator(seed: 1)
        for (k, s, p) in [(3, 1, 1), (3, 2, 0), (2, 1, 0), (5, 1, 2)] {
            // Few outputs: narrow width by default, and unrolled when asked.
            let x = GradientCheck.randomArray(2 * 6 * 6 * 2, &rng)
            for algorithm in [Conv2d.Algorithm.narrowWidth, .unrolled] {
                let conv = Conv2d(name: "c\(k)\(s)\(p)", inChannels: 2, outChannels: 3, kernel: k, stride: s, padding: p, rng: &rng)
                XCTAssertEqual(conv.algorithm, .narrowWidth)
                conv.algorithm = algorithm
                try GradientCheck.check(conv, shape: [2, 6, 6], n: 2, x: x)
            }
            // One input channel and a multiple of 8 outputs: the direct path, in a group
            // of 32 channels and one of 8.
            let first = Conv2d(name: "d\(k)\(s)\(p)", inChannels: 1, outChannels: 40, kernel: k, stride: s, padding: p, rng: &rng)
            try GradientCheck.check(first, shape: [1, 6, 6], n: 2, x: GradientCheck.randomArray(72, &rng))
        }
    }

    /// More images per part than one im2col chunk holds: backward unrolls again, and
    /// dW accumulates over the chunks.
    func testConv2dAcrossSeveralChunks() throws {
        var rng = SeededGenerator(seed: 12)
        let conv = Conv2d(name: "chunks", inChannels: 2, outChannels: 3, kernel: 3, stride: 1, padding: 1, rng: &rng)
        conv.algorithm = .unrolled
        let n = (2 * Conv2d.maxChunkImages + 3) * Engine.threads * Engine.partsPerThread
        try GradientCheck.check(conv, shape: [2, 3, 3], n: n, x: GradientCheck.randomArray(n * 18, &rng))
    }

    func testLinear() throws {
        var rng = SeededGenerator(seed: 2)
        let fc = Linear(name: "fc", inFeatures: 7, outFeatures: 4, rng: &rng)
        try GradientCheck.check(fc, shape: [7], n: 3, x: GradientCheck.randomArray(21, &rng))
    }

    func testMaxPoolAndFoldedReLU() throws {
        var rng = SeededGenerator(seed: 3)
        for fold in [false, true] {
            let pool = MaxPool2d(name: "pool", kernel: 2)
            pool.appliesReLU = fold
            try GradientCheck.check(pool, shape: [3, 4, 6], n: 2, x: GradientCheck.distinctValues(2 * 3 * 4 * 6, &rng))
            // Eight channels, 2×2 stride 2: the vectorised path.
            let pairwise = MaxPool2d(name: "pool8", kernel: 2)
            pairwise.appliesReLU = fold
            try GradientCheck.check(pairwise, shape: [16, 4, 6], n: 2, x: GradientCheck.distinctValues(2 * 16 * 4 * 6, &rng))
        }
        let overlapping = MaxPool2d(name: "pool3s2", kernel: 3, stride: 2)
        try GradientCheck.check(overlapping, shape: [2, 7, 7], n: 1, x: GradientCheck.distinctValues(98, &rng))
    }

    func testTwoByTwoPoolingMatchesTheGenericPathIncludingTies() throws {
        var rng = SeededGenerator(seed: 6)
        // Ten channels (the small CNN's), odd sizes (floor mode), values on a coarse grid
        // so windows hold ties: the first maximum must win, as in the generic path.
        let shape = [10, 7, 9], n = 3
        let x = (0..<(n * 10 * 7 * 9)).map { _ in Float(Int(rng.uniform(-4, 4))) / 2 }
        let dy = (0..<(n * 10 * 3 * 4)).map { _ in rng.uniform(-1, 1) }
        for fold in [false, true] {
            var results: [[Float]] = []
            for fast in [true, false] {
                let pool = MaxPool2d(name: "pool", kernel: 2)
                pool.appliesReLU = fold
                pool.twoByTwoPath = fast
                pool.allocate(maxBatch: n, input: shape)
                var input = x, upstream = dy
                let y = input.withUnsafeMutableBufferPointer { pool.forward($0.baseAddress!, n: n, training: true) }
                let forward = Array(UnsafeBufferPointer(start: y, count: dy.count))
                let dx = upstream.withUnsafeMutableBufferPointer { pool.backward($0.baseAddress!, n: n, needInputGradient: true)! }
                results.append(forward + Array(UnsafeBufferPointer(start: dx, count: x.count)))
            }
            XCTAssertEqual(results[0], results[1], "ReLU folded: \(fold)")
        }
    }

    /// 2×2 pooling over even sizes and any channel count from 8 (the small CNN's 10
    /// and 20): eight channels at a time, the last vector overlapping the one before.
    /// Values, ties, argmax and gradients bit for bit the generic path's, with the
    /// ReLU folded in or not, and in an inference-only pass (no argmax recorded).
    func testPairwisePoolingOnAnyChannelCountMatchesTheGenericPath() throws {
        var rng = SeededGenerator(seed: 16)
        for shape in [[10, 8, 6], [20, 4, 4], [8, 2, 2], [13, 6, 4], [17, 2, 8]] {
            let n = 3, outCount = n * shape[0] * (shape[1] / 2) * (shape[2] / 2)
            let x = (0..<(n * shape.reduce(1, *))).map { _ in Float(Int(rng.uniform(-4, 4))) / 2 }
            let dy = (0..<outCount).map { _ in rng.uniform(-1, 1) }
            for fold in [false, true] {
                var training: [[Float]] = [], inference: [[Float]] = []
                for fast in [true, false] {
                    let pool = MaxPool2d(name: "pool", kernel: 2)
                    pool.appliesReLU = fold
                    pool.twoByTwoPath = fast
                    pool.allocate(maxBatch: n, input: shape)
                    XCTAssertEqual(pool.isPairwise, fast)
                    var input = x, upstream = dy
                    let y = input.withUnsafeMutableBufferPointer { pool.forward($0.baseAddress!, n: n, training: true) }
                    let forward = Array(UnsafeBufferPointer(start: y, count: outCount))
                    let dx = upstream.withUnsafeMutableBufferPointer { pool.backward($0.baseAddress!, n: n, needInputGradient: true)! }
                    training.append(forward + Array(UnsafeBufferPointer(start: dx, count: x.count)))
                    pool.recordsArgmax = false
                    let maxima = input.withUnsafeMutableBufferPointer { pool.forward($0.baseAddress!, n: n, training: false) }
                    inference.append(Array(UnsafeBufferPointer(start: maxima, count: outCount)))
                }
                XCTAssertEqual(training[0], training[1], "\(shape), ReLU folded: \(fold)")
                XCTAssertEqual(inference[0], inference[1], "\(shape), ReLU folded: \(fold), inference only")
                XCTAssertEqual(inference[0], Array(training[0][0..<outCount]), "\(shape): inference and training maxima")
            }
        }
    }

    func testReLU() throws {
        var rng = SeededGenerator(seed: 4)
        try GradientCheck.check(ReLU(name: "relu"), shape: [10], n: 3, x: GradientCheck.distinctValues(30, &rng))
    }

    func testFlattenTransposesChannelsLast() throws {
        var rng = SeededGenerator(seed: 5)
        let flat = Flatten(name: "flatten")
        try GradientCheck.check(flat, shape: [3, 2, 2], n: 2, x: GradientCheck.randomArray(24, &rng))
        // Channels-last [h][w][c] becomes PyTorch's [c][h][w].
        flat.allocate(maxBatch: 1, input: [2, 1, 2])
        var x: [Float] = [0, 10, 1, 11]  // (h0 w0: c0 c1), (h0 w1: c0 c1)
        let y = x.withUnsafeMutableBufferPointer { Array(UnsafeBufferPointer(start: flat.forward($0.baseAddress!, n: 1, training: false), count: 4)) }
        XCTAssertEqual(y, [0, 1, 10, 11])
    }

    func testBatchNorm2dAnd1dTrainingAndEval() throws {
        var rng = SeededGenerator(seed: 6)
        let bn2 = BatchNorm(name: "bn2", channels: 3, spatial: true)
        for j in 0..<3 { bn2.weight.values[j] = rng.uniform(0.5, 1.5); bn2.bias.values[j] = rng.uniform(-1, 1) }
        try GradientCheck.check(bn2, shape: [3, 2, 2], n: 2, x: GradientCheck.randomArray(24, &rng), tolerance: 3e-2)
        try GradientCheck.check(bn2, shape: [3, 2, 2], n: 2, x: GradientCheck.randomArray(24, &rng), training: false)
        // Enough rows (2 × 16 × 16) to be summed in per-thread parts.
        let big = BatchNorm(name: "bn2big", channels: 2, spatial: true)
        try GradientCheck.check(big, shape: [2, 16, 16], n: 2, x: GradientCheck.randomArray(1024, &rng), tolerance: 3e-2)
        let bn1 = BatchNorm(name: "bn1", channels: 4, spatial: false)
        try GradientCheck.check(bn1, shape: [4], n: 5, x: GradientCheck.randomArray(20, &rng), tolerance: 3e-2)
    }

    func testDropoutWithFixedMask() throws {
        var rng = SeededGenerator(seed: 8)
        let d = Dropout(name: "drop", p: 0.4)
        try GradientCheck.check(d, shape: [12], n: 2, x: GradientCheck.randomArray(24, &rng),
                                before: { d.generator = SeededGenerator(seed: 99) })
    }

    func testLogSoftmax() throws {
        var rng = SeededGenerator(seed: 9)
        try GradientCheck.check(LogSoftmax(name: "ls"), shape: [5], n: 3, x: GradientCheck.randomArray(15, &rng, scale: 3))
    }

    func testLossGradients() {
        var rng = SeededGenerator(seed: 10)
        let n = 4, k = 6
        let labels: [Int32] = [0, 5, 2, 2]
        for kind in [LossKind.crossEntropy, .nll] {
            var z = GradientCheck.randomArray(n * k, &rng, scale: 3)
            if kind == .nll { z = Softmax.logSoftmax(z, classes: k) }
            let (_, grad) = kind.loss(z, labels: labels, classes: k)
            for i in z.indices {
                var p = z, m = z
                p[i] += 1e-2; m[i] -= 1e-2
                let numeric = (Double(kind.loss(p, labels: labels, classes: k).loss) - Double(kind.loss(m, labels: labels, classes: k).loss)) / 2e-2
                XCTAssertEqual(Double(grad[i]), numeric, accuracy: 2e-3, "\(kind) d z[\(i)]")
            }
        }
        // Cross-entropy of logits equals NLL of their log-softmax, as in PyTorch.
        let z = GradientCheck.randomArray(n * k, &rng, scale: 3)
        XCTAssertEqual(LossKind.crossEntropy.loss(z, labels: labels, classes: k).loss,
                       LossKind.nll.loss(Softmax.logSoftmax(z, classes: k), labels: labels, classes: k).loss, accuracy: 1e-5)
        // Uniform logits: loss is log k.
        XCTAssertEqual(LossKind.crossEntropy.loss([Float](repeating: 0, count: n * k), labels: labels, classes: k).loss,
                       logf(Float(k)), accuracy: 1e-6)
    }

    /// inputGradient skips the weight gradients (they keep their values) and leaves
    /// the model computing them again for the next backward pass.
    func testInputGradientSkipsAndRestoresParameterGradients() throws {
        let model = try Model(network: TestNetworks.convolutional(), seed: 3)
        var rng = SeededGenerator(seed: 12)
        let x = (0..<(2 * 784)).map { _ in rng.uniform(0, 1) }
        let r = GradientCheck.randomArray(20, &rng)
        let marker: Float = 1234
        for p in model.trainableParameters { p.gradients.update(repeating: marker) }
        _ = model.inputGradient(x, count: 2) { _ in r }
        for p in model.trainableParameters {
            XCTAssertTrue(p.gradients.allSatisfy { $0 == marker }, "\(p.name) was recomputed")
        }
        // A plain backward pass computes them again, as a fresh model does.
        func parameterGradients(_ m: Model) -> [[Float]] {
            var input = x, dOut = r
            input.withUnsafeMutableBufferPointer { xp in
                _ = m.forward(xp.baseAddress!, n: 2, training: false)
                dOut.withUnsafeMutableBufferPointer { m.backward($0.baseAddress!, n: 2, needInputGradient: false) }
            }
            return m.trainableParameters.map { Array($0.gradients) }
        }
        let fresh = try Model(network: TestNetworks.convolutional(), seed: 3)
        fresh.prepare(maxBatch: 2)
        XCTAssertEqual(parameterGradients(model), parameterGradients(fresh))
    }

    /// The input gradient of whole models, on a few pixels of one image.
    func testModelInputGradient() throws {
        for network in TestNetworks.all {
            let model = try Model(network: network, seed: 3)
            var rng = SeededGenerator(seed: 11)
            let x = (0..<784).map { _ in rng.uniform(0, 1) }
            let r = GradientCheck.randomArray(10, &rng)
            let (_, dx) = model.inputGradient(x, count: 1) { _ in r }
            func objective(_ x: [Float]) -> Double {
                let y = model.outputs(x, count: 1)
                return zip(y, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            for _ in 0..<12 {
                let i = rng.below(784)
                var p = x, m = x
                p[i] += 1e-2; m[i] -= 1e-2
                let numeric = (objective(p) - objective(m)) / 2e-2
                XCTAssertEqual(Double(dx[i]), numeric, accuracy: 2e-2 * max(1, abs(numeric)), "\(network.name) pixel \(i)")
            }
        }
    }
}
