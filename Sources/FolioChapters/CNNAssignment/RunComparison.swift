import FolioExperiments

/// Facts read off a training run's per-epoch records, for comparing runs.
enum RunComparison {
    /// The first epoch whose mean training loss is below `threshold`; nil if none is.
    static func firstEpoch(trainLossBelow threshold: Double, in records: [EpochRecord]) -> Int? {
        records.first { $0.trainLoss < threshold }?.epoch
    }

    /// The highest test accuracy recorded after any epoch, and the first epoch reaching it.
    static func bestTestAccuracy(_ records: [EpochRecord]) -> (epoch: Int, accuracy: Double)? {
        var best: (epoch: Int, accuracy: Double)?
        for r in records {
            guard let a = r.testAccuracy else { continue }
            if best == nil || a > best!.accuracy { best = (r.epoch, a) }
        }
        return best
    }

    /// The test accuracy recorded after the last of `records`.
    static func finalTestAccuracy(_ records: [EpochRecord]) -> Double {
        records.last?.testAccuracy ?? .nan
    }

    /// Wall time of `b` as a multiple of the wall time of `a`.
    static func timeRatio(_ a: [EpochRecord], _ b: [EpochRecord]) -> Double {
        let ta = a.reduce(0) { $0 + $1.seconds }, tb = b.reduce(0) { $0 + $1.seconds }
        return ta > 0 ? tb / ta : .nan
    }
}
