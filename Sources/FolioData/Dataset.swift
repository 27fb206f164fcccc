import Foundation

/// The datasets Folio knows: same IDX format and sizes, different classes.
public enum DatasetKind: String, CaseIterable, Sendable, Codable {
    case mnist
    case fashionMNIST = "fashion-mnist"

    public var displayName: String { self == .mnist ? "MNIST" : "Fashion-MNIST" }

    public var classNames: [String] {
        switch self {
        case .mnist: return (0...9).map(String.init)
        case .fashionMNIST:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        }
    }

    /// SHA-256 of each decompressed file, keyed by its base name. MNIST's are the
    /// originals' (data/mnist/LICENSE.md); Fashion-MNIST's are those of Debian's
    /// dataset-fashion-mnist package, which ships the upstream files unchanged.
    var knownChecksums: [String: String] {
        switch self {
        case .mnist:
            return [
                "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            ]
        case .fashionMNIST:
            return FashionChecksums.values
        }
    }
}

/// Images and labels of one split, pixels kept as bytes (a quarter of the memory of
/// Float32; batches are converted when they are drawn).
public struct ImageSet: Sendable {
    public let rows: Int
    public let cols: Int
    /// count × rows × cols bytes, image after image, row-major.
    public let pixels: [UInt8]
    public let labels: [UInt8]

    public var count: Int { labels.count }
    public var pixelsPerImage: Int { rows * cols }

    public init(rows: Int, cols: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == rows * cols * labels.count, "pixel and label counts disagree")
        self.rows = rows; self.cols = cols; self.pixels = pixels; self.labels = labels
    }

    public func image(_ index: Int) -> ArraySlice<UInt8> {
        pixels[(index * pixelsPerImage)..<((index + 1) * pixelsPerImage)]
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageSet {
        var px = [UInt8](); px.reserveCapacity(indices.count * pixelsPerImage)
        for i in indices { px += image(i) }
        return ImageSet(rows: rows, cols: cols, pixels: px, labels: indices.map { labels[$0] })
    }

    /// The first `n` images (or all when there are fewer).
    public func prefix(_ n: Int) -> ImageSet { subset(Array(0..<min(n, count))) }

    /// Images per class, for class ids 0..<classCount.
    public func classCounts(classCount: Int = 10) -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for l in labels where Int(l) < classCount { counts[Int(l)] += 1 }
        return counts
    }

    /// Mean and (population) standard deviation of all pixels scaled to [0, 1].
    public func pixelStatistics() -> (mean: Double, std: Double) {
        var histogram = [Int](repeating: 0, count: 256)
        pixels.withUnsafeBufferPointer { for p in $0 { histogram[Int(p)] += 1 } }
        let n = Double(pixels.count)
        guard n > 0 else { return (0, 0) }
        var sum = 0.0, sumSquares = 0.0
        for (v, c) in histogram.enumerated() where c > 0 {
            let x = Double(v) / 255
            sum += x * Double(c); sumSquares += x * x * Double(c)
        }
        let mean = sum / n
        return (mean, max(0, sumSquares / n - mean * mean).squareRoot())
    }

    /// Smallest and largest pixel value, scaled to [0, 1].
    public func pixelRange() -> (min: Double, max: Double) {
        guard let lo = pixels.min(), let hi = pixels.max() else { return (0, 0) }
        return (Double(lo) / 255, Double(hi) / 255)
    }
}
