/// Batch normalisation over images, its ReLU folded into the following 2 × 2
/// max-pool, and that pool, run together. Layer by layer, the normalised output
/// (the size of the convolution's: 6.4 MB for the SimpleCNN's first layer at batch
/// 64) is written, read by the pool, and its gradient written by the pool's
/// backward and read twice by batch norm's. Here the pool takes x·scale + shift as
/// it reads x, and batch norm's backward un-pools its output gradient a block of
/// rows at a time into a small buffer: of the five batch-sized passes over
/// normalised values and their gradient, none is left.
///
/// The values are the same as the layers' one after another: the same
/// multiply-add makes each normalised value, the same comparisons pool it, and
/// backward adds the same gradients in the same order of rows.
struct BatchNormPoolStage {
    let norm: BatchNorm
    let relu: ReLU
    let pool: MaxPool2d
    /// Index of the batch norm in the model's layers; the ReLU and pool follow it.
    let first: Int

    /// The stage starting at `layers[i]`, if those layers form one.
    init?(_ layers: [Layer], at i: Int) {
        guard i + 2 < layers.count, let norm = layers[i] as? BatchNorm, norm.typeName == "BatchNorm2d",
              let relu = layers[i + 1] as? ReLU, relu.foldedIntoPool,
              let pool = layers[i + 2] as? MaxPool2d, pool.appliesReLU else { return nil }
        self.norm = norm; self.relu = relu; self.pool = pool; first = i
    }

    /// Whether the pool's sizes allow the stage (it takes the pairwise pool's path).
    var applies: Bool { pool.isPairwise }

    /// The pooled output; the normalised values themselves are never stored.
    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        precondition(applies)
        let (scale, shift) = norm.normalisation(x, n: n, training: training)
        let y = pool.beginPairwiseForward()
        let parts = Engine.parts(for: n, minimum: 1)
        scale.withUnsafeBufferPointer { sc in shift.withUnsafeBufferPointer { sh in
            let sc = sc.baseAddress!, sh = sh.baseAddress!
            Engine.run(parts: parts) { part in
                pool.forwardImages(x, images: Engine.range(part, of: parts, count: n)) { p, ch in
                    BatchNorm.normalised(load8(p), sc, sh, ch)
                }
            }
        } }
        return y
    }

    /// From the gradient of the pooled output, batch norm's parameter gradients and,
    /// when asked for, its input gradient.
    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool) -> UnsafeMutablePointer<Float>? {
        let channels = norm.channels
        return norm.backward(n: n, needInputGradient: needInputGradient) { rows, body in
            withAlignedScratch((rows.count * channels + 7) / 8) { scratch in
                let block = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Float.self)
                pool.gradientRows(dy, rows: rows, into: block)
                body(block - rows.lowerBound * channels)
            }
        }
    }
}
