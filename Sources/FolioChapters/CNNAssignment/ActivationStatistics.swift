import FolioNN

/// One layer's feature maps for one image ([channels, side, side], PyTorch order),
/// measured: how sparse they are and how much of their mass lies on the image's ink.
struct LayerActivity: Equatable {
    var name: String
    var channels: Int
    var side: Int
    /// Share of all activations that are exactly zero (ReLU's output).
    var zeroFraction: Double
    /// Channels that are zero everywhere for this image.
    var silentChannels: Int
    /// Share of map cells that count as ink (see `ActivationStatistics.inkMask`).
    var inkArea: Double
    /// Share of the total activation (summed over channels) on those cells.
    var inkMass: Double
    /// Pearson r between the channel-mean map and the image averaged to the map's size.
    var imageCorrelation: Double?

    /// Channels that are zero everywhere, by number (0-based).
    var silentList: [Int] = []
    /// Channels whose own map correlates with the input (averaged to the map's size)
    /// at r ≥ `ActivationStatistics.tracesAbove`: maps in which the digit is recognisable.
    var tracingChannels: Int = 0
    /// The channel with the largest total activation.
    var strongestChannel: Int = 0

    /// How many times more activation the ink carries than its area would give it.
    var inkEnrichment: Double { inkArea > 0 ? inkMass / inkArea : .nan }
}

enum ActivationStatistics {
    /// Pixels brighter than this count as ink (strokes); the rest is background.
    static let inkThreshold: Float = 0.5
    /// A map "traces the digit" when it correlates with the input at least this much.
    static let tracesAbove = 0.5

    /// The ink mask of an image in [0, 1].
    static func inkMask(_ image: [Float]) -> [Bool] { image.map { $0 > inkThreshold } }

    /// A side × side mask reduced by `factor`: a coarse cell is ink when any pixel of
    /// its block is, as max pooling lets a stroke anywhere in the block through.
    static func downsample(_ mask: [Bool], side: Int, factor: Int) -> [Bool] {
        let out = side / factor
        return (0..<(out * out)).map { k in
            let r = k / out * factor, c = k % out * factor
            return (r..<(r + factor)).contains { y in (c..<(c + factor)).contains { x in mask[y * side + x] } }
        }
    }

    /// A side × side image averaged over factor × factor blocks.
    static func averaged(_ image: [Float], side: Int, factor: Int) -> [Float] {
        let out = side / factor
        return (0..<(out * out)).map { k in
            let r = k / out * factor, c = k % out * factor
            var sum: Float = 0
            for y in r..<(r + factor) { for x in c..<(c + factor) { sum += image[y * side + x] } }
            return sum / Float(factor * factor)
        }
    }

    /// The mean over channels of [channels, side, side] maps.
    static func meanMap(_ maps: [Float], channels: Int, side: Int) -> [Float] {
        let area = side * side
        return (0..<area).map { p in (0..<channels).reduce(Float(0)) { $0 + maps[$1 * area + p] } / Float(channels) }
    }

    /// Measures one layer's maps against the input `image` (imageSide × imageSide, in [0, 1]).
    static func describe(_ name: String, maps: [Float], channels: Int, side: Int,
                         image: [Float], imageSide: Int) -> LayerActivity {
        let area = side * side
        precondition(maps.count == channels * area && imageSide % side == 0)
        let factor = imageSide / side
        let ink = downsample(inkMask(image), side: imageSide, factor: factor)
        var total = 0.0, onInk = 0.0
        for j in 0..<channels {
            for p in 0..<area {
                let v = Double(maps[j * area + p])
                total += v
                if ink[p] { onInk += v }
            }
        }
        let zeros = maps.filter { $0 == 0 }.count
        let silent = (0..<channels).filter { j in maps[(j * area)..<((j + 1) * area)].allSatisfy { $0 == 0 } }
        let mean = meanMap(maps, channels: channels, side: side).map(Double.init)
        let coarse = averaged(image, side: imageSide, factor: factor).map(Double.init)
        let channelMaps = (0..<channels).map { j in maps[(j * area)..<((j + 1) * area)].map(Double.init) }
        let tracing = channelMaps.filter { (SampleCorrelation.pearson($0, coarse) ?? 0) >= tracesAbove }.count
        let sums = channelMaps.map { $0.reduce(0, +) }
        return LayerActivity(name: name, channels: channels, side: side,
                             zeroFraction: Double(zeros) / Double(maps.count), silentChannels: silent.count,
                             inkArea: Double(ink.filter { $0 }.count) / Double(area),
                             inkMass: total > 0 ? onInk / total : .nan,
                             imageCorrelation: SampleCorrelation.pearson(mean, coarse),
                             silentList: silent, tracingChannels: tracing,
                             strongestChannel: sums.indices.max { sums[$0] < sums[$1] } ?? 0)
    }
}

extension ActivationStatistics {
    /// The side of the input region each cell of a readout sees (its receptive field),
    /// keyed by readout name ("conv1", "pool1", …), from the layers' kernels and strides:
    /// a layer with kernel k adds (k − 1) · jump, and its stride multiplies the jump.
    static func receptiveFields(_ layers: [Layer]) -> [String: Int] {
        var field = 1, jump = 1, convs = 0, pools = 0
        var out: [String: Int] = [:]
        for layer in layers {
            if let conv = layer as? Conv2d {
                field += (conv.kernel - 1) * jump; jump *= conv.stride
                convs += 1; out["conv\(convs)"] = field
            } else if let pool = layer as? MaxPool2d {
                field += (pool.kernel - 1) * jump; jump *= pool.stride
                pools += 1; out["pool\(pools)"] = field
            }
        }
        return out
    }
}
