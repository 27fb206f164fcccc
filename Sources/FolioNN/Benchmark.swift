import Dispatch
import FolioData
#if canImport(Glibc)
import Glibc
#endif

/// One throughput measurement: a network trained with one optimiser, or run in
/// evaluation mode only, on batches of a fixed size.
public struct BenchmarkCase: Sendable {
    /// How results and command-line selections name it, e.g. "simple-cnn.adam.train".
    public var key: String
    public var network: NetworkSpec
    /// The optimiser of a training step; nil measures inference (forward only).
    public var optimizer: OptimizerKind?
    public var learningRate: Float
    public var batchSize: Int

    public init(key: String, network: NetworkSpec, optimizer: OptimizerKind?, learningRate: Float = 1e-3, batchSize: Int = 64) {
        self.key = key; self.network = network; self.optimizer = optimizer
        self.learningRate = learningRate; self.batchSize = batchSize
    }
}

/// Training and inference throughput, measured as ../shared/bench/torch_bench.py
/// measures PyTorch: batches drawn in advance from a random permutation of the
/// training images, 20 warm-up steps, then the median rate of chunks of about
/// seconds/7 each (at least 0.2 s, at least three chunks).
public enum Benchmark {
    /// Images per second for each case, by key.
    public static func run(_ cases: [BenchmarkCase], seconds: Double, threads: Int, train: ImageSet) throws -> [String: Double] {
        Model.setThreads(threads)
        var result: [String: Double] = [:]
        for c in cases { result[c.key] = try measure(c, seconds: seconds, train: train) }
        return result
    }

    /// Peak resident memory of this process so far, in MB.
    public static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    private static func measure(_ c: BenchmarkCase, seconds: Double, train: ImageSet) throws -> Double {
        let model = try Model(network: c.network, seed: 0)
        let batch = c.batchSize
        let optimizer = c.optimizer.map { Optimizer(kind: $0, parameters: model.parameters, learningRate: c.learningRate) }
        model.prepare(maxBatch: batch)
        // Pre-drawn batches (at most ~25,600 images' worth, to bound memory).
        var rng = SeededGenerator(seed: 0, stream: "bench")
        let order = rng.permutation(train.count)
        let sampler = BatchSampler(set: train, batchSize: batch, shuffle: false, seed: 0)
        let count = max(1, min(train.count / batch, 400, 25_600 / batch))
        let per = batch * model.inputSize
        let x = FloatStorage(count: count * per)
        var labels = [[Int32]](repeating: [], count: count)
        for b in 0..<count {
            sampler.fill(order[(b * batch)..<((b + 1) * batch)], into: x.pointer + b * per, labels: &labels[b])
        }
        let grad = FloatStorage(count: batch * model.classes)
        func step(_ b: Int) {
            let input = x.pointer + b * per
            if let optimizer {
                let out = model.forward(input, n: batch, training: true)
                _ = labels[b].withUnsafeBufferPointer {
                    model.loss.loss(out, labels: $0.baseAddress!, rows: batch, classes: model.classes, grad: grad.pointer)
                }
                model.backward(grad.pointer, n: batch, needInputGradient: false)
                optimizer.update()
            } else {
                _ = model.forward(input, n: batch, training: false, inferenceOnly: true, keepingReadouts: false)
            }
        }
        for b in 0..<min(20, count) { step(b) }
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        var rates: [Double] = []
        let start = now()
        var i = 0
        while now() - start < seconds || rates.count < 3 {
            let t0 = now()
            var done = 0
            while now() - t0 < max(seconds / 7, 0.2) {
                step(i % count)
                i += 1; done += batch
            }
            rates.append(Double(done) / (now() - t0))
        }
        rates.sort()
        let m = rates.count / 2
        return rates.count % 2 == 1 ? rates[m] : (rates[m - 1] + rates[m]) / 2
    }
}
