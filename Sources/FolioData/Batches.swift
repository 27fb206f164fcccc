/// How pixels become network inputs: x/255, then optionally (x − mean)/std.
public struct Normalization: Sendable, Codable, Hashable {
    public var mean: Float
    public var std: Float

    public init(mean: Float, std: Float) { self.mean = mean; self.std = std }

    /// Pixels scaled to [0, 1] and nothing more: the assignments' default.
    public static let unit = Normalization(mean: 0, std: 1)
    /// The deeper CNN's constants.
    public static let half = Normalization(mean: 0.5, std: 0.5)

    /// Standardisation by a training set's own statistics.
    public static func standardising(_ set: ImageSet) -> Normalization {
        let s = set.pixelStatistics()
        return Normalization(mean: Float(s.mean), std: Float(s.std))
    }

    /// The input value of each byte value, so a batch converts with one lookup a pixel.
    public var table: [Float] { (0..<256).map { (Float($0) / 255 - mean) / std } }
}

/// A seeded random split of a set's indices into training and validation parts,
/// like torch.utils.data.random_split: a permutation, then the first `trainCount`.
public struct Split: Sendable, Codable, Hashable {
    public let train: [Int]
    public let validation: [Int]

    public init(count: Int, trainCount: Int, validationCount: Int, seed: UInt64) {
        precondition(trainCount + validationCount <= count, "split larger than the set")
        var rng = SeededGenerator(seed: seed, stream: "split")
        let p = rng.permutation(count)
        train = Array(p[0..<trainCount])
        validation = Array(p[trainCount..<(trainCount + validationCount)])
    }
}

/// Mini-batches of a set of indices: shuffled afresh each epoch from the seed (or in
/// order), converted to Float32 NCHW one batch at a time.
public struct BatchSampler: Sendable {
    public let set: ImageSet
    public let indices: [Int]
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    public let normalization: Normalization
    private let lookup: [Float]

    public init(set: ImageSet, indices: [Int]? = nil, batchSize: Int, shuffle: Bool,
                seed: UInt64, normalization: Normalization = .unit) {
        precondition(batchSize > 0)
        self.set = set
        self.indices = indices ?? Array(0..<set.count)
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.normalization = normalization
        self.lookup = normalization.table
    }

    public var batchCount: Int { (indices.count + batchSize - 1) / batchSize }

    /// The index lists of one epoch's batches (the last may be short, as PyTorch's
    /// DataLoader with drop_last=False).
    public func batches(epoch: Int) -> [ArraySlice<Int>] {
        var order = indices
        if shuffle {
            var rng = SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9, stream: "shuffle")
            let p = rng.permutation(order.count)
            order = p.map { indices[$0] }
        }
        return stride(from: 0, to: order.count, by: batchSize).map {
            order[$0..<min($0 + batchSize, order.count)]
        }
    }

    /// Writes the batch's images as Float32 (batch × 1 × rows × cols) into `x` and
    /// their labels into `labels`. `x` must hold batch.count × pixelsPerImage floats.
    public func fill<C: Collection>(_ batch: C, into x: UnsafeMutablePointer<Float>, labels: inout [Int32]) where C.Element == Int {
        let n = set.pixelsPerImage
        labels.removeAll(keepingCapacity: true)
        lookup.withUnsafeBufferPointer { table in
            set.pixels.withUnsafeBufferPointer { px in
                var out = x
                for i in batch {
                    let base = i * n
                    for j in 0..<n { out[j] = table[Int(px[base + j])] }
                    out += n
                    labels.append(Int32(set.labels[i]))
                }
            }
        }
    }
}
