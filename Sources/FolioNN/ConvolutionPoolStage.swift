/// The first convolution (one input channel, direct path), its ReLU folded into the
/// following 2 × 2 max-pool, and that pool, run forward together: each part
/// convolves two images and pools them at once, so the pool reads the convolution's
/// output from the core's cache instead of memory. That output is the network's
/// largest (64 × 28 × 28 × 32 floats, 6.4 MB for a SimpleCNN batch): written and then
/// read back whole, it cost a trip to memory each way. Backward in training (no dX
/// wanted) likewise un-pools two images' gradients and adds them to the
/// convolution's weight gradients at once. The values are the same as running the
/// three layers one after another, in the same order within each part.
struct ConvolutionPoolStage {
    let conv: Conv2d
    let relu: ReLU
    let pool: MaxPool2d
    /// Per part, the un-pooled gradient of the images in hand. Written into the
    /// batch-sized gradient instead, each step's stores went to lines last touched a
    /// whole training step before, which the core first had to fetch.
    private let stepGradients = PartBuffers()
    /// Per part, in training, the convolution's output for the images in hand.
    private let stepOutputs = PartBuffers()
    /// Index of the convolution in the model's layers; the ReLU and pool follow it.
    let first: Int
    static let imagesPerStep = 2

    /// The stage starting at `layers[i]`, if those layers form one.
    init?(_ layers: [Layer], at i: Int) {
        guard i + 2 < layers.count, let conv = layers[i] as? Conv2d, conv.usesDirectPath,
              let relu = layers[i + 1] as? ReLU, relu.foldedIntoPool,
              let pool = layers[i + 2] as? MaxPool2d, pool.appliesReLU else { return nil }
        self.conv = conv; self.relu = relu; self.pool = pool; first = i
    }

    /// Returns the three layers' outputs (the ReLU's is the convolution's, as when it
    /// is folded). In training, and whenever `keepsConvolution` is off, the
    /// convolution's output is kept only for the images in hand, in a small buffer
    /// per part, and reported as nil: backward needs the pool's output and argmax,
    /// never the convolution's, and writing the batch-sized output cost the same
    /// refetch of stale lines as its gradient did.
    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, training: Bool, keepsConvolution: Bool = true)
        -> (conv: UnsafeMutablePointer<Float>?, relu: UnsafeMutablePointer<Float>?, pool: UnsafeMutablePointer<Float>) {
        guard pool.isPairwise else {
            // Sizes the pairwise pool does not take: layer by layer.
            let convolved = conv.beginDirectForward(x)
            let activated = relu.forward(convolved, n: n, training: training)
            conv.runDirect(x, n: n, into: convolved)
            return (convolved, activated, pool.forward(activated, n: n, training: training))
        }
        let parts = Engine.parts(for: n, minimum: 1)
        let pass = begin(x, n: n, parts: parts, training: training, keepsConvolution: keepsConvolution)
        Engine.run(parts: parts) { part in pass.run(part, Engine.range(part, of: parts, count: n)) }
        return pass.outputs
    }

    /// A pairwise forward pass readied for `parts` parts: `run(part, images)` convolves
    /// and pools any run of a part's images, so that a following stage can take each
    /// chunk of images straight after (see `WinogradPoolStage`); `outputs` as `forward`
    /// returns them.
    struct Pass {
        let outputs: (conv: UnsafeMutablePointer<Float>?, relu: UnsafeMutablePointer<Float>?, pool: UnsafeMutablePointer<Float>)
        let run: (_ part: Int, _ images: Range<Int>) -> Void
    }

    func begin(_ x: UnsafeMutablePointer<Float>, n: Int, parts: Int, training: Bool, keepsConvolution: Bool) -> Pass {
        precondition(pool.isPairwise)
        let convolved = conv.beginDirectForward(x)
        let activated = relu.forward(convolved, n: n, training: training)
        let pooled = pool.beginPairwiseForward()
        let perImage = conv.outputFloatsPerImage
        let inPlace = training || !keepsConvolution
        let buffers = inPlace ? stepOutputs.reserve(parts: parts, floats: Self.imagesPerStep * perImage) : []
        let conv = conv, pool = pool
        return Pass(outputs: inPlace ? (nil, nil, pooled) : (convolved, activated, pooled)) { part, range in
            var start = range.lowerBound
            while start < range.upperBound {
                let images = start..<min(start + Self.imagesPerStep, range.upperBound)
                // Where image 0 would start, so that `images` land in the part's buffer.
                let y = inPlace ? buffers[part] - images.lowerBound * perImage : convolved
                conv.forwardDirect(x, images: images, y: y)
                pool.forwardImages(y, images: images)
                start = images.upperBound
            }
        }
    }

    /// Backward through the three layers when the convolution's input gradient is
    /// not wanted and its parameter gradients are; false (nothing done) otherwise.
    func backwardParametersOnly(_ dy: UnsafeMutablePointer<Float>, n: Int) -> Bool {
        guard pool.isPairwise, conv.computesParameterGradients else { return false }
        let perImage = pool.inputFloatsPerImage
        let buffers = stepGradients.reserve(parts: conv.partCount(n), floats: Self.imagesPerStep * perImage)
        conv.backwardDirectParameters(n: n, imagesPerStep: Self.imagesPerStep) { images, part in
            let buffer = buffers[part]
            pool.backwardImages(dy, images: images, into: buffer - images.lowerBound * perImage)
            return UnsafePointer(buffer)
        }
        return true
    }
}

extension ConvolutionPoolStage {
    /// `backwardParametersOnly` in pieces, for a following stage whose backward pass
    /// produces `dy` (its input gradient) chunk by chunk: `run(part, images)` takes
    /// a run of a part's images once their `dy` is made, while it is in cache, and
    /// `finish` sums the parts. Nil where `backwardParametersOnly` would do nothing.
    func beginParametersOnly(dy: UnsafeMutablePointer<Float>, n: Int)
        -> (parts: Int, run: (_ part: Int, _ images: Range<Int>) -> Void, finish: () -> Void)? {
        guard pool.isPairwise, conv.computesParameterGradients else { return nil }
        let (x, parts) = conv.beginDirectParameters(n: n)
        let perImage = pool.inputFloatsPerImage
        let buffers = stepGradients.reserve(parts: parts, floats: Self.imagesPerStep * perImage)
        let conv = conv, pool = pool
        return (parts, { part, range in
            var start = range.lowerBound
            while start < range.upperBound {
                let images = start..<min(start + Self.imagesPerStep, range.upperBound)
                let buffer = buffers[part]
                pool.backwardImages(dy, images: images, into: buffer - images.lowerBound * perImage)
                conv.accumulateDirectGradients(x, UnsafePointer(buffer), images: images, part: part)
                start = images.upperBound
            }
        }, { conv.finishDirectParameters(parts: parts) })
    }
}

/// Scratch buffers, one per part of a parallel pass, that only grow.
final class PartBuffers {
    private var storage: [FloatStorage] = []

    /// At least `parts` buffers of at least `floats` floats each.
    func reserve(parts: Int, floats: Int) -> [UnsafeMutablePointer<Float>] {
        while storage.count < parts { storage.append(FloatStorage(count: floats)) }
        for buffer in storage { buffer.reserve(floats) }
        return storage.map(\.pointer)
    }
}
