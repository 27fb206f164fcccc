import XCTest
import FolioData
@testable import FolioNN

final class ModelTests: XCTestCase {
    func testInitialisationBoundsAndSeed() throws {
        let model = try Model(network: TestNetworks.convolutional(batchNorm: true), seed: 5)
        for layer in model.layers {
            if let conv = layer as? Conv2d {
                let bound = 1 / Float(conv.inChannels * conv.kernel * conv.kernel).squareRoot()
                for p in [conv.weight, conv.bias] {
                    XCTAssertLessThanOrEqual(p.values.map(abs).max()!, bound)
                    guard p.count >= 32 else { continue }
                    XCTAssertGreaterThan(p.values.map(abs).max()!, bound * 0.8, p.name)
                }
            } else if let fc = layer as? Linear {
                let bound = 1 / Float(fc.inFeatures).squareRoot()
                for p in [fc.weight, fc.bias] {
                    XCTAssertLessThanOrEqual(p.values.map(abs).max()!, bound)
                    guard p.count >= 100 else { continue }  // enough draws to approach the bound
                    XCTAssertGreaterThan(p.values.map(abs).max()!, bound * 0.9, p.name)
                    let mean = p.values.reduce(0, +) / Float(p.count)
                    XCTAssertLessThan(abs(mean), bound * 0.2, p.name)
                }
            } else if let bn = layer as? BatchNorm {
                XCTAssertTrue(bn.weight.values.allSatisfy { $0 == 1 } && bn.bias.values.allSatisfy { $0 == 0 })
                XCTAssertTrue(bn.runningMean.values.allSatisfy { $0 == 0 } && bn.runningVar.values.allSatisfy { $0 == 1 })
            }
        }
        let again = try Model(network: TestNetworks.convolutional(batchNorm: true), seed: 5).namedTensors().map(\.values)
        XCTAssertEqual(model.namedTensors().map(\.values), again)
        XCTAssertNotEqual(try Model(network: TestNetworks.convolutional(batchNorm: true), seed: 6).namedTensors()[0].values, again[0])
    }

    /// The convolution, with weights given in PyTorch's [out, in, kh, kw] layout,
    /// against a direct NCHW cross-correlation written out in full.
    func testConvolutionMatchesDirectDefinition() throws {
        try checkConvolution(cin: 3, cout: 4, k: 3, s: 2, pad: 1)  // narrow width
        try checkConvolution(cin: 3, cout: 4, k: 3, s: 2, pad: 1, algorithm: .unrolled)
        try checkConvolution(cin: 1, cout: 16, k: 3, s: 1, pad: 1)  // the direct one-channel path
        try checkConvolution(cin: 1, cout: 8, k: 5, s: 2, pad: 0)
    }

    private func checkConvolution(cin: Int, cout: Int, k: Int, s: Int, pad: Int, algorithm: Conv2d.Algorithm? = nil) throws {
        var rng = SeededGenerator(seed: 3)
        let (h, w, n) = (7, 6, 2)
        let conv = Conv2d(name: "c", inChannels: cin, outChannels: cout, kernel: k, stride: s, padding: pad, rng: &rng)
        if let algorithm { conv.algorithm = algorithm }
        let wt = conv.weight.torchValues(), b = Array(conv.bias.values)
        let nchw = (0..<(n * cin * h * w)).map { _ in rng.uniform(-1, 1) }
        var nhwc = [Float](repeating: 0, count: nchw.count)
        for i in 0..<n { for c in 0..<cin { for y in 0..<h { for x in 0..<w {
            nhwc[((i * h + y) * w + x) * cin + c] = nchw[((i * cin + c) * h + y) * w + x]
        } } } }
        let out = try conv.outputShape(for: [cin, h, w])
        let (oh, ow) = (out[1], out[2])
        conv.allocate(maxBatch: n, input: [cin, h, w])
        let y = nhwc.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: conv.forward(UnsafeMutablePointer(mutating: $0.baseAddress!), n: n, training: false), count: n * oh * ow * cout)) }
        for i in 0..<n { for o in 0..<cout { for oy in 0..<oh { for ox in 0..<ow {
            var sum = b[o]
            for c in 0..<cin { for ky in 0..<k { for kx in 0..<k {
                let iy = oy * s - pad + ky, ix = ox * s - pad + kx
                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                    sum += wt[((o * cin + c) * k + ky) * k + kx] * nchw[((i * cin + c) * h + iy) * w + ix]
                }
            } } }
            XCTAssertEqual(y[((i * oh + oy) * ow + ox) * cout + o], sum, accuracy: 1e-5)
        } } } }
    }

    func testLoadRejectsBadTensorsAndRoundTrips() throws {
        let a = try Model(network: TestNetworks.convolutional(), seed: 1), b = try Model(network: TestNetworks.convolutional(), seed: 2)
        var named = Dictionary(uniqueKeysWithValues: a.namedTensors().map { ($0.name, (shape: $0.shape, values: $0.values)) })
        try b.load(named: named)
        var rng = SeededGenerator(seed: 4)
        let x = (0..<(3 * 784)).map { _ in rng.uniform(0, 1) }
        XCTAssertEqual(a.outputs(x, count: 3), b.outputs(x, count: 3))
        named["fc_block.2.bias"] = (shape: [11], values: [Float](repeating: 0, count: 11))
        XCTAssertThrowsError(try b.load(named: named)) { XCTAssertTrue("\($0)".contains("fc_block.2.bias")) }
        named["fc_block.2.bias"] = nil
        XCTAssertThrowsError(try b.load(named: named)) { XCTAssertTrue("\($0)".contains("fc_block.2.bias")) }
    }

    func testBatchNormStatisticsTrainVersusEval() {
        let bn = BatchNorm(name: "bn", channels: 2, spatial: false)
        bn.allocate(maxBatch: 4, input: [2])
        var x: [Float] = [1, 10, 2, 20, 3, 30, 6, 40]  // channel 0: 1,2,3,6; channel 1: 10..40
        let train = x.withUnsafeMutableBufferPointer { Array(UnsafeBufferPointer(start: bn.forward($0.baseAddress!, n: 4, training: true), count: 8)) }
        // Channel 0: mean 3, biased var 3.5, unbiased 14/3.
        XCTAssertEqual(train[0], (1 - 3) / (3.5 + 1e-5).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(bn.runningMean.values[0], 0.3, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVar.values[0], 0.9 + 0.1 * 14 / 3, accuracy: 1e-5)
        XCTAssertEqual(bn.runningMean.values[1], 2.5, accuracy: 1e-5)
        XCTAssertEqual(bn.batchesTracked.values[0], 1)
        let eval = x.withUnsafeMutableBufferPointer { Array(UnsafeBufferPointer(start: bn.forward($0.baseAddress!, n: 4, training: false), count: 8)) }
        let rv0 = bn.runningVar.values[0]
        XCTAssertEqual(eval[0], (1 - 0.3) / (rv0 + 1e-5).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(bn.batchesTracked.values[0], 1, "evaluation leaves the statistics alone")
    }

    /// Mean and variance from one pass of shifted sums match a two-pass Double
    /// reference on values far from 0 (where Σx² − (Σx)²/n would cancel), over more
    /// rows than one block and every channel loop.
    func testBatchNormOnePassStatisticsOnOffsetData() {
        // 11 channels take the eight-channel and one-by-one loops; 43 also the
        // 32-channel one that keeps its sums in registers.
        for channels in [11, 43] { checkOnePassStatistics(channels: channels) }
    }

    private func checkOnePassStatistics(channels: Int) {
        let n = 3 * BatchNorm.blockRows + 5
        let bn = BatchNorm(name: "bn", channels: channels, spatial: false)
        bn.allocate(maxBatch: n, input: [channels])
        var rng = SeededGenerator(seed: 4)
        var x = (0..<(n * channels)).map { i in 1000 + Float(i % channels) + rng.uniform(-0.01, 0.01) }
        _ = x.withUnsafeMutableBufferPointer { bn.forward($0.baseAddress!, n: n, training: true) }
        for j in 0..<channels {
            let column = (0..<n).map { Double(x[$0 * channels + j]) }
            let mean = column.reduce(0, +) / Double(n)
            let unbiased = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
            // One step of momentum 0.1 from running mean 0 and running variance 1.
            XCTAssertEqual(Double(bn.runningMean.values[j]), 0.1 * mean, accuracy: 1e-4, "channel \(j) mean")
            XCTAssertEqual(Double(bn.runningVar.values[j]), 0.9 + 0.1 * unbiased, accuracy: 1e-7, "channel \(j) variance")
        }
    }

    /// A forward pass that promises no backward (skipping the pools' argmax) gives the
    /// same outputs, bit for bit, as one that keeps what backward needs.
    func testInferenceOnlyForwardGivesTheSameOutputs() throws {
        for network in [TestNetworks.convolutional(), TestNetworks.convolutional(batchNorm: true), TestNetworks.withDropout] {
            let model = try Model(network: network, seed: 5)
            model.prepare(maxBatch: 3)
            var rng = SeededGenerator(seed: 6)
            var x = (0..<(3 * 784)).map { _ in rng.uniform(0, 1) }
            let (kept, skipped) = x.withUnsafeMutableBufferPointer { xp -> ([Float], [Float]) in
                let a = Array(UnsafeBufferPointer(start: model.forward(xp.baseAddress!, n: 3, training: false), count: 30))
                let b = Array(UnsafeBufferPointer(start: model.forward(xp.baseAddress!, n: 3, training: false, inferenceOnly: true), count: 30))
                return (a, b)
            }
            XCTAssertEqual(kept, skipped, network.name)
        }
    }

    /// The first convolution and its pool run together (ConvolutionPoolStage), and the
    /// Winograd convolution and its pool chunk by chunk (WinogradPoolStage, 3 × 3 and
    /// 5 × 5 kernels), and the two chained chunk by chunk when one follows the other,
    /// give the same outputs, and after backward the same gradients (of the input
    /// too, when asked for, which runs the stages unchained), as the layers run one
    /// by one; likewise batch norm with its pool (BatchNormPoolStage), whose
    /// backward un-pools a block of rows at a time; on one to
    /// three threads, with batches that leave parts an odd number of images and a
    /// chunk of one.
    func testFusedStagesMatchLayerByLayer() throws {
        let threadsBefore = Engine.threads
        defer { Engine.setThreads(threadsBefore) }
        for threads in 1...3 {
            Engine.setThreads(threads)
            for network in [TestNetworks.convolutional(), TestNetworks.withDropout, TestNetworks.convolutional(batchNorm: true),
                            TestNetworks.normalisedNarrow] {
                for (n, inputGradient) in [(5, false), (7, true)] {
                    let label = "\(network.name), \(threads) threads, batch \(n), input gradient \(inputGradient)"
                    let fused = try Model(network: network, seed: 8), plain = try Model(network: network, seed: 8)
                    fused.prepare(maxBatch: n); plain.prepare(maxBatch: n)
                    var rng = SeededGenerator(seed: 9)
                    let x = (0..<(n * 784)).map { _ in rng.uniform(0, 1) }
                    let dOut = (0..<(n * 10)).map { _ in rng.uniform(-1, 1) }
                    XCTAssertEqual(Self.trainingStep(fused, x, dOut, n: n, layerByLayer: false, inputGradient: inputGradient),
                                   Self.trainingStep(plain, x, dOut, n: n, layerByLayer: true, inputGradient: inputGradient), label)
                }
            }
        }
    }

    /// One forward and backward pass: the outputs, every parameter's gradient and,
    /// with `inputGradient`, the input's.
    private static func trainingStep(_ model: Model, _ input: [Float], _ outputGradient: [Float], n: Int,
                                     layerByLayer: Bool, inputGradient: Bool) -> [Float] {
        var x = input, dOut = outputGradient
        return x.withUnsafeMutableBufferPointer { xp in
            var y = xp.baseAddress!
            if layerByLayer {
                for layer in model.layers { y = layer.forward(y, n: n, training: true) }
            } else {
                y = model.forward(xp.baseAddress!, n: n, training: true)
            }
            let outputs = Array(UnsafeBufferPointer(start: y, count: n * 10))
            let dx = dOut.withUnsafeMutableBufferPointer { dp -> [Float] in
                var d: UnsafeMutablePointer<Float>?
                if layerByLayer {
                    d = dp.baseAddress!
                    for i in model.layers.indices.reversed() {
                        d = model.layers[i].backward(d!, n: n, needInputGradient: i > 0 || inputGradient)
                    }
                } else {
                    d = model.backward(dp.baseAddress!, n: n, needInputGradient: inputGradient)
                }
                return inputGradient ? Array(UnsafeBufferPointer(start: d!, count: n * 784)) : []
            }
            return outputs + model.trainableParameters.flatMap { Array($0.gradients) } + dx
        }
    }

    /// Evaluation splits a Linear layer's batch across threads by rows, training by
    /// output features: the outputs agree (to rounding, the GEMMs being blocked apart).
    func testLinearEvaluationSplitMatchesTraining() {
        Engine.setThreads(2)
        var rng = SeededGenerator(seed: 13)
        let fc = Linear(name: "fc", inFeatures: 70, outFeatures: 40, rng: &rng)
        let n = 40
        fc.allocate(maxBatch: n, input: [70])
        var x = (0..<(n * 70)).map { _ in rng.uniform(-1, 1) }
        let (train, eval) = x.withUnsafeMutableBufferPointer { xp -> ([Float], [Float]) in
            let t = Array(UnsafeBufferPointer(start: fc.forward(xp.baseAddress!, n: n, training: true), count: n * 40))
            let e = Array(UnsafeBufferPointer(start: fc.forward(xp.baseAddress!, n: n, training: false), count: n * 40))
            return (t, e)
        }
        for (a, b) in zip(train, eval) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testDropoutScalingTrainAndEval() {
        let d = Dropout(name: "d", p: 0.4)
        let n = 10_000
        d.allocate(maxBatch: 1, input: [n])
        var ones = [Float](repeating: 1, count: n)
        let y = ones.withUnsafeMutableBufferPointer { Array(UnsafeBufferPointer(start: d.forward($0.baseAddress!, n: 1, training: true), count: n)) }
        let zeros = y.filter { $0 == 0 }.count
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 1 / 0.6) < 1e-6 })
        XCTAssertEqual(Double(zeros) / Double(n), 0.4, accuracy: 0.02)
        XCTAssertEqual(Double(y.reduce(0, +)) / Double(n), 1, accuracy: 0.04)
        var again = [Float](repeating: 1, count: n)
        let e = again.withUnsafeMutableBufferPointer { Array(UnsafeBufferPointer(start: d.forward($0.baseAddress!, n: 1, training: false), count: n)) }
        XCTAssertEqual(e, [Float](repeating: 1, count: n))
    }

    func testActivationReadouts() throws {
        let model = try Model(network: TestNetworks.convolutional(), seed: 2)
        var rng = SeededGenerator(seed: 1)
        _ = model.outputs((0..<784).map { _ in rng.uniform(0, 1) }, count: 1)
        let conv1 = try XCTUnwrap(model.activation("conv1")), raw = try XCTUnwrap(model.activation("conv1.raw"))
        XCTAssertEqual(conv1.shape, [1, 32, 28, 28])
        XCTAssertEqual(conv1.values, raw.values.map { max($0, 0) })
        XCTAssertTrue(raw.values.contains { $0 < 0 })
        let pool1 = try XCTUnwrap(model.activation("pool1"))
        XCTAssertEqual(pool1.shape, [1, 32, 14, 14])
        // pool1[c, y, x] is the max of conv1 over its 2×2 window.
        for (c, y, x) in [(0, 0, 0), (5, 7, 3), (31, 13, 13)] {
            let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map { conv1.values[(c * 28 + 2 * y + $0.0) * 28 + 2 * x + $0.1] }
            XCTAssertEqual(pool1.values[(c * 14 + y) * 14 + x], window.max()!)
        }
        // Likewise pool2 of conv2, which the Winograd stage keeps whole for a readout.
        let conv2 = try XCTUnwrap(model.activation("conv2")), pool2 = try XCTUnwrap(model.activation("pool2"))
        XCTAssertEqual(conv2.shape, [1, 32, 14, 14])
        XCTAssertEqual(pool2.shape, [1, 32, 7, 7])
        for (c, y, x) in [(0, 0, 0), (9, 3, 5), (31, 6, 6)] {
            let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map { conv2.values[(c * 14 + 2 * y + $0.0) * 14 + 2 * x + $0.1] }
            XCTAssertEqual(pool2.values[(c * 7 + y) * 7 + x], window.max()!)
        }
        XCTAssertNil(model.activation("conv3"))
        XCTAssertEqual(model.readoutNames, ["conv1.raw", "conv1", "pool1", "conv2.raw", "conv2", "pool2"])
    }

    /// A training pass keeps the convolutions' outputs only for the images in hand
    /// (both are stages), so it offers no readout of them; the pooled outputs stay,
    /// and a later evaluation pass brings the readout back with the same values.
    func testTrainingPassLeavesNoConvolutionReadouts() throws {
        let model = try Model(network: TestNetworks.convolutional(), seed: 2)
        var rng = SeededGenerator(seed: 3)
        let x = (0..<(2 * 784)).map { _ in rng.uniform(0, 1) }
        _ = model.outputs(x, count: 2)
        let before = try XCTUnwrap(model.activation("conv1.raw"))
        model.prepare(maxBatch: 2)
        var input = x
        _ = input.withUnsafeMutableBufferPointer { model.forward($0.baseAddress!, n: 2, training: true) }
        XCTAssertNil(model.activation("conv1.raw"))
        XCTAssertNil(model.activation("conv2.raw"))
        XCTAssertEqual(model.activation("pool1")?.shape, [2, 32, 14, 14])
        XCTAssertEqual(model.activation("pool2")?.shape, [2, 32, 7, 7])
        _ = model.outputs(x, count: 2)
        XCTAssertEqual(try XCTUnwrap(model.activation("conv1.raw")).values, before.values)
    }

    /// An evaluation pass that keeps no readouts (as `evaluate` runs over a data set)
    /// leaves no first-convolution readout but gives the same outputs, bit for bit,
    /// as the pass that keeps them.
    func testEvaluationWithoutReadoutsGivesTheSameOutputs() throws {
        for batchNorm in [false, true] {
            let model = try Model(network: TestNetworks.convolutional(batchNorm: batchNorm), seed: 2)
            var rng = SeededGenerator(seed: 4)
            let x = (0..<(3 * 784)).map { _ in rng.uniform(0, 1) }
            let kept = model.outputs(x, count: 3)
            XCTAssertNotNil(model.activation(batchNorm ? "conv1" : "conv1.raw"))
            model.prepare(maxBatch: 3)
            var input = x
            let unkept = input.withUnsafeMutableBufferPointer {
                Array(UnsafeBufferPointer(start: model.forward($0.baseAddress!, n: 3, training: false, inferenceOnly: true,
                                                               keepingReadouts: false), count: 30))
            }
            // With batch norm, the normalised values (which the conv1 readout shows) are
            // pooled as they are made (BatchNormPoolStage) and not kept.
            XCTAssertNil(model.activation(batchNorm ? "conv1" : "conv1.raw"))
            XCTAssertEqual(model.activation("pool1")?.shape, [3, 32, 14, 14])
            XCTAssertEqual(unkept, kept, "batch norm \(batchNorm)")
        }
    }
}
