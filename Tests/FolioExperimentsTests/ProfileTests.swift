import XCTest
import Dispatch
import FolioData
import FolioExperiments
import FolioNN

/// Time per layer and pass of one training step, for finding where the time goes:
/// FOLIO_PROFILE=simple-cnn swift test -c release --filter testProfile
final class ProfileTests: XCTestCase {
    func testProfile() throws {
        guard let name = ProcessInfo.processInfo.environment["FOLIO_PROFILE"], let kind = ModelKind(rawValue: name) else {
            throw XCTSkip("set FOLIO_PROFILE=<model kind> to time each layer")
        }
        let threads = Int(ProcessInfo.processInfo.environment["FOLIO_BENCH_THREADS"] ?? "2") ?? 2
        Model.setThreads(threads)
        let model = try Model(network: kind.network, seed: 0)
        let batch = 64
        model.prepare(maxBatch: batch)
        let opt = Optimizer(kind: .adam, parameters: model.parameters, learningRate: 1e-3)
        let sampler = BatchSampler(set: TestData.mnist.train, batchSize: batch, shuffle: false, seed: 0)
        let x = FloatStorage(count: batch * 784)
        var labels: [Int32] = []
        sampler.fill(0..<batch, into: x.pointer, labels: &labels)
        let grad = FloatStorage(count: batch * 10)
        var fwd = [Double](repeating: 0, count: model.layers.count), bwd = fwd
        var lossTime = 0.0, optTime = 0.0
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        let training = ProcessInfo.processInfo.environment["FOLIO_PROFILE_EVAL"] == nil
        let steps = 60
        for s in 0..<steps {
            let measure = s >= 10
            var a = x.pointer
            for (i, l) in model.layers.enumerated() {
                let t = now(); a = l.forward(a, n: batch, training: training)
                if measure { fwd[i] += now() - t }
            }
            if !training { continue }
            var t = now()
            _ = labels.withUnsafeBufferPointer { model.loss.loss(a, labels: $0.baseAddress!, rows: batch, classes: 10, grad: grad.pointer) }
            if measure { lossTime += now() - t }
            var d: UnsafeMutablePointer<Float>? = grad.pointer
            for i in stride(from: model.layers.count - 1, through: 0, by: -1) {
                t = now(); d = model.layers[i].backward(d!, n: batch, needInputGradient: i > 0)
                if measure { bwd[i] += now() - t }
            }
            t = now(); opt.update()
            if measure { optTime += now() - t }
        }
        let m = Double(steps - 10) / 1000
        var total = lossTime + optTime
        for (i, l) in model.layers.enumerated() {
            print(String(format: "PROFILE %-14@ %-12@ fwd %7.3f ms  bwd %7.3f ms", l.name, l.typeName, fwd[i] / m, bwd[i] / m))
            total += fwd[i] + bwd[i]
        }
        print(String(format: "PROFILE loss %.3f ms, optimiser %.3f ms, step %.3f ms = %.0f images/s", lossTime / m, optTime / m, total / m, Double(batch) / (total / m) * 1000))
    }
}
