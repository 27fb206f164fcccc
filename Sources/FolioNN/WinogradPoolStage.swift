/// A Winograd convolution, its ReLU folded into the following 2 × 2 max-pool, and
/// that pool, run chunk by chunk: each chunk of images the convolution transforms
/// back (two SimpleCNN images) is pooled at once, while it is still in the core's
/// cache, and backward un-pools each chunk's gradient just before the convolution
/// transforms it. Layer by layer, the convolution's output and its gradient (1.6 MB
/// each for a SimpleCNN batch) were written whole and read back from memory, and the
/// gradient was cleared first. The values are the same as running the three layers
/// one after another: the pool sees the same numbers in the same order, and the bias
/// gradient adds the same rows in the same order.
struct WinogradPoolStage {
    let conv: Conv2d
    let pool: MaxPool2d
    /// Per part, in training, the convolution's output for the chunk in hand.
    private let chunkOutputs = PartBuffers()
    /// Per part, the un-pooled gradient of the chunk in hand.
    private let chunkGradients = PartBuffers()

    /// The stage starting at `layers[i]`, if those layers form one.
    init?(_ layers: [Layer], at i: Int) {
        guard i + 2 < layers.count, let conv = layers[i] as? Conv2d,
              let relu = layers[i + 1] as? ReLU, relu.foldedIntoPool,
              let pool = layers[i + 2] as? MaxPool2d, pool.appliesReLU else { return nil }
        self.conv = conv; self.pool = pool
    }

    /// Whether this batch can run as a stage: the convolution takes the Winograd path
    /// (its algorithm may be chosen after the model is made) and the pool the pairwise one.
    var applies: Bool { conv.usesWinograd && pool.isPairwise }

    /// The parts its passes split a batch of `n` into.
    func partCount(_ n: Int) -> Int { conv.partCount(n) }

    /// The three layers' outputs, as `ConvolutionPoolStage.forward` returns them: in
    /// training, or without `keepsConvolution`, the convolution's output is kept only
    /// for the chunk in hand and reported as nil.
    /// `before(part, images)`, when given, makes each chunk's input first: the stage
    /// before this one, chained to it chunk by chunk (see `Model.forward`), so that
    /// the chunk's input is read from cache rather than memory.
    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool, keepsConvolution: Bool,
                 before: ((_ part: Int, _ images: Range<Int>) -> Void)? = nil)
        -> (conv: UnsafeMutablePointer<Float>?, relu: UnsafeMutablePointer<Float>?, pool: UnsafeMutablePointer<Float>) {
        let pooled = pool.beginPairwiseForward()
        let perImage = conv.outputFloatsPerImage, whole = conv.outputPointer
        let inPlace = training || !keepsConvolution
        let buffers = inPlace ? chunkOutputs.reserve(parts: conv.partCount(n), floats: conv.chunkImages * perImage) : []
        let pool = pool
        conv.forwardWinogradChunks(x, n: n, chunks: .init(
            output: { part, images in inPlace ? buffers[part] - images.lowerBound * perImage : whole },
            finished: { images, y in pool.forwardImages(y, images: images) }, before: before))
        return inPlace ? (nil, nil, pooled) : (whole, whole, pooled)
    }

    /// Backward through the three layers; returns the convolution's input gradient
    /// when asked for. `after(part, images)`, when given, runs once each chunk's input
    /// gradient is made: the stage before, chained to this one (see `Model.backward`).
    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, needInputGradient: Bool,
                  after: ((_ part: Int, _ images: Range<Int>) -> Void)? = nil) -> UnsafeMutablePointer<Float>? {
        let perImage = pool.inputFloatsPerImage
        let buffers = chunkGradients.reserve(parts: conv.partCount(n), floats: conv.chunkImages * perImage)
        let pool = pool
        return conv.backwardWinogradChunks(n: n, needInputGradient: needInputGradient, chunkGradient: { part, images in
            let start = buffers[part] - images.lowerBound * perImage
            pool.backwardImages(dy, images: images, into: start)
            return UnsafePointer(start)
        }, after: after)
    }
}
