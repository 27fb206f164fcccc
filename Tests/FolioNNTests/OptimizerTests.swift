import XCTest
@testable import FolioNN

/// Each optimiser against PyTorch's update formulas computed by hand in Double,
/// over two steps so that state (momentum buffer, averages, bias correction) counts.
final class OptimizerTests: XCTestCase {
    let p0: [Float] = [0.5, -1.25, 2.0, 0.0]
    let g1: [Float] = [0.1, -0.2, 0.3, -0.4]
    let g2: [Float] = [-0.05, 0.15, 0.25, 0.35]

    private func run(_ kind: OptimizerKind, lr: Float, wd: Float = 0) -> [Float] {
        let p = Parameter(name: "w", shape: [4])
        for i in 0..<4 { p.values[i] = p0[i] }
        let opt = Optimizer(kind: kind, parameters: [p], learningRate: lr, weightDecay: wd)
        for g in [g1, g2] {
            for i in 0..<4 { p.gradients[i] = g[i] }
            opt.update()
        }
        XCTAssertEqual(opt.step, 2)
        return Array(p.values)
    }

    private func assertClose(_ a: [Float], _ b: [Double], _ what: String) {
        for i in a.indices { XCTAssertEqual(Double(a[i]), b[i], accuracy: 1e-6 * max(1, abs(b[i])), "\(what)[\(i)]") }
    }

    func testSGD() {
        let lr = 0.1, wd = 0.01
        var p = p0.map(Double.init)
        for g in [g1, g2] { for i in 0..<4 { p[i] -= lr * (Double(g[i]) + wd * p[i]) } }
        assertClose(run(.sgd, lr: 0.1, wd: 0.01), p, "sgd")
    }

    func testMomentum() {
        let lr = 0.1
        var p = p0.map(Double.init), b = [Double](repeating: 0, count: 4)
        for (t, g) in [g1, g2].enumerated() {
            for i in 0..<4 {
                b[i] = t == 0 ? Double(g[i]) : 0.9 * b[i] + Double(g[i])
                p[i] -= lr * b[i]
            }
        }
        assertClose(run(.momentum, lr: 0.1), p, "momentum")
    }

    func testRMSprop() {
        let lr = 0.01
        var p = p0.map(Double.init), v = [Double](repeating: 0, count: 4)
        for g in [g1, g2] {
            for i in 0..<4 {
                let gi = Double(g[i])
                v[i] = 0.99 * v[i] + 0.01 * gi * gi
                p[i] -= lr * gi / (v[i].squareRoot() + 1e-8)
            }
        }
        assertClose(run(.rmsprop, lr: 0.01), p, "rmsprop")
    }

    func testAdamWithWeightDecay() {
        let lr = 0.001, wd = 0.1
        var p = p0.map(Double.init), m = [Double](repeating: 0, count: 4), v = m
        for (k, g) in [g1, g2].enumerated() {
            let t = Double(k + 1)
            for i in 0..<4 {
                let gi = Double(g[i]) + wd * p[i]
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let denom = v[i].squareRoot() / (1 - pow(0.999, t)).squareRoot() + 1e-8
                p[i] -= lr / (1 - pow(0.9, t)) * m[i] / denom
            }
        }
        assertClose(run(.adam, lr: 0.001, wd: 0.1), p, "adam")
    }

    func testStateRoundTripContinuesIdentically() throws {
        let model = try Model(network: TestNetworks.smallConvolutional, seed: 1)
        let opt = Optimizer(kind: .adam, parameters: model.parameters, learningRate: 1e-3)
        for p in model.trainableParameters { for i in 0..<p.count { p.gradients[i] = Float(i % 7) * 0.01 } }
        opt.update()
        let state = opt.namedState()
        XCTAssertEqual(state.first?.name, "opt.step")
        XCTAssertTrue(state.contains { $0.name == "opt.conv1.weight.exp_avg_sq" && $0.shape == [10, 1, 5, 5] })
        // A fresh optimiser over a copy of the model, loaded with the state, takes the same next step.
        let twin = try Model(network: TestNetworks.smallConvolutional, seed: 1)
        try twin.load(named: Dictionary(uniqueKeysWithValues: model.namedTensors().map { ($0.name, ($0.shape, $0.values)) }))
        let opt2 = Optimizer(kind: .adam, parameters: twin.parameters, learningRate: 1e-3)
        try opt2.loadState(named: Dictionary(uniqueKeysWithValues: state.map { ($0.name, ($0.shape, $0.values)) }))
        XCTAssertEqual(opt2.step, 1)
        for m in [model, twin] { for p in m.trainableParameters { for i in 0..<p.count { p.gradients[i] = Float(i % 5) * -0.02 } } }
        opt.update(); opt2.update()
        XCTAssertEqual(model.namedTensors().map(\.values), twin.namedTensors().map(\.values))
        // Missing state is an error naming the tensor.
        var partial = Dictionary(uniqueKeysWithValues: state.map { ($0.name, ($0.shape, $0.values)) })
        partial["opt.fc2.bias.exp_avg"] = nil
        XCTAssertThrowsError(try opt2.loadState(named: partial)) { XCTAssertTrue("\($0)".contains("opt.fc2.bias.exp_avg")) }
    }
}
