import FolioData
import FolioExperiments
import FolioNN

/// The network Part 3 attacks: 1.1's best model (SimpleCNN, logits, inputs x/255),
/// with the key that ties every cached attack to its weights.
struct AttackedModel {
    /// Identifies the weights: the training configuration and the epoch taken.
    struct Key: Codable, Hashable {
        var training: TrainingConfig
        var epoch: Int
    }

    let optimizer: OptimizerKind
    let run: TrainingRun
    let model: Model
    let key: Key

    static func best(_ c: ChapterContext) throws -> AttackedModel {
        let best = try OptimiserRuns.best(c)
        // The attacks work on pixels in [0, 1] fed to the network unchanged.
        guard best.run.normalization == .unit else {
            throw ModelError("Part 3 expects a model trained on pixels scaled to [0, 1]")
        }
        return AttackedModel(optimizer: best.kind, run: best.run, model: best.model,
                             key: Key(training: best.run.config, epoch: c.profile.epochs(OptimiserRuns.epochs)))
    }

    /// The mean training image of every class, pixels in [0, 1]: what an image
    /// "looking like" a class is compared with.
    static func classMeans(_ c: ChapterContext) -> [[Float]] {
        let set = c.data.train.subset(c.split.train)
        let pixels = set.pixelsPerImage, k = c.classNames.count
        var sums = [[Double]](repeating: [Double](repeating: 0, count: pixels), count: k)
        var counts = [Int](repeating: 0, count: k)
        set.pixels.withUnsafeBufferPointer { p in
            for i in 0..<set.count {
                let label = Int(set.labels[i])
                counts[label] += 1
                for j in 0..<pixels { sums[label][j] += Double(p[i * pixels + j]) }
            }
        }
        return (0..<k).map { cls in sums[cls].map { Float($0 / (255 * Double(max(counts[cls], 1)))) } }
    }

    /// Image pixels of `set[index]` scaled to [0, 1].
    static func unitPixels(_ set: ImageSet, _ index: Int) -> [Float] {
        set.image(index).map { Float($0) / 255 }
    }
}
