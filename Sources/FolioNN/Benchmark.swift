import Dispatch
import FolioData
#if canImport(Glibc)
import Glibc
#endif

/// Training and inference throughput, measured as ../shared/bench/torch_bench.py
/// measures PyTorch: batches drawn in advance from a random permutation of the
/// training images, 20 warm-up steps, then the median rate of chunks of about
/// seconds/7 each (at least 0.2 s, at least three chunks).
public enum Benchmark {
    public static let keys: [String] = [
        "simple-cnn.adam.train", "simple-cnn.sgd.train", "simple-cnn-bn.adam.train",
        "simple-cnn.infer64", "simple-cnn.infer1000", "mlp.sgd.train",
        "small-cnn.sgd.train", "deep-cnn.adam.train",
    ]

    /// Images per second for each key.
    public static func run(keys: [String], seconds: Double, threads: Int, train: ImageSet) throws -> [String: Double] {
        if let unknown = keys.first(where: { !Self.keys.contains($0) }) {
            throw ModelError("unknown benchmark key \(unknown); known: \(Self.keys.joined(separator: ", "))")
        }
        Model.setThreads(threads)
        var result: [String: Double] = [:]
        for key in keys { result[key] = try measure(key, seconds: seconds, train: train) }
        return result
    }

    /// Peak resident memory of this process so far, in MB.
    public static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    private static func measure(_ key: String, seconds: Double, train: ImageSet) throws -> Double {
        let parts = key.split(separator: ".").map(String.init)
        guard let kind = ModelKind(rawValue: parts[0]) else { throw ModelError("unknown model in key \(key)") }
        let model = try Model(kind: kind, seed: 0)
        let inference = parts[1].hasPrefix("infer")
        let batch = inference ? Int(parts[1].dropFirst(5))! : 64
        var optimizer: Optimizer? = nil
        if !inference {
            let kindOpt: OptimizerKind = parts[1] == "adam" ? .adam : .sgd
            let lr: Float = kindOpt == .adam ? 1e-3 : (kind == .simpleCNN || kind == .simpleCNNBatchNorm ? 1e-3 : 1e-2)
            optimizer = Optimizer(kind: kindOpt, parameters: model.parameters, learningRate: lr)
        }
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
                    model.kind.loss.loss(out, labels: $0.baseAddress!, rows: batch, classes: model.classes, grad: grad.pointer)
                }
                model.backward(grad.pointer, n: batch, needInputGradient: false)
                optimizer.update()
            } else {
                _ = model.forward(input, n: batch, training: false, inferenceOnly: true)
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
