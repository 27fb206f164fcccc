#if canImport(Glibc)
import Glibc
#endif

/// Row-wise softmax, log-softmax and the two classification losses.
public enum Softmax {
    public static func logSoftmax(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, classes k: Int) {
        for r in 0..<rows {
            let xr = x + r * k, yr = y + r * k
            var m = xr[0]
            for j in 1..<k { m = max(m, xr[j]) }
            var s: Float = 0
            for j in 0..<k { s += expf(xr[j] - m) }
            let logSum = m + logf(s)
            for j in 0..<k { yr[j] = xr[j] - logSum }
        }
    }

    public static func softmax(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, classes k: Int) {
        for r in 0..<rows {
            let xr = x + r * k, yr = y + r * k
            var m = xr[0]
            for j in 1..<k { m = max(m, xr[j]) }
            var s: Float = 0
            for j in 0..<k { yr[j] = expf(xr[j] - m); s += yr[j] }
            for j in 0..<k { yr[j] /= s }
        }
    }

    public static func softmax(_ x: [Float], classes: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in
            softmax(xp.baseAddress!, into: op.baseAddress!, rows: x.count / classes, classes: classes)
        } }
        return out
    }

    public static func logSoftmax(_ x: [Float], classes: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in
            logSoftmax(xp.baseAddress!, into: op.baseAddress!, rows: x.count / classes, classes: classes)
        } }
        return out
    }
}

/// Which loss a model trains with: cross-entropy on logits, or the negative log
/// likelihood of a model whose last layer is log-softmax (the same number, as PyTorch).
public enum LossKind: String, Sendable, Codable {
    case crossEntropy = "cross-entropy"
    case nll

    /// Mean loss over the batch; writes d(mean loss)/d(output) into `grad` when given.
    /// Labels outside 0..<classes are a precondition failure.
    public func loss(_ output: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows n: Int, classes k: Int,
                     grad: UnsafeMutablePointer<Float>?) -> Float {
        var total: Double = 0
        let invN = 1 / Float(n)
        for r in 0..<n {
            let o = output + r * k, label = Int(labels[r])
            precondition(label >= 0 && label < k, "label \(label) outside 0..<\(k)")
            switch self {
            case .nll:
                total -= Double(o[label])
                if let grad {
                    for j in 0..<k { grad[r * k + j] = 0 }
                    grad[r * k + label] = -invN
                }
            case .crossEntropy:
                var m = o[0]
                for j in 1..<k { m = max(m, o[j]) }
                var s: Float = 0
                for j in 0..<k { s += expf(o[j] - m) }
                let logSum = m + logf(s)
                total += Double(logSum - o[label])
                if let grad {
                    // d/dz of −log softmax(z)[label] = softmax(z) − onehot(label)
                    for j in 0..<k { grad[r * k + j] = expf(o[j] - logSum) * invN }
                    grad[r * k + label] -= invN
                }
            }
        }
        return Float(total / Double(n))
    }

    public func loss(_ output: [Float], labels: [Int32], classes: Int) -> (loss: Float, grad: [Float]) {
        var grad = [Float](repeating: 0, count: output.count)
        let l = output.withUnsafeBufferPointer { o in labels.withUnsafeBufferPointer { lb in
            grad.withUnsafeMutableBufferPointer { g in
                loss(o.baseAddress!, labels: lb.baseAddress!, rows: labels.count, classes: classes, grad: g.baseAddress!)
            } } }
        return (l, grad)
    }
}
