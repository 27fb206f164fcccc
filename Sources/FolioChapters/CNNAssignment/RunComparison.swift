import FolioExperiments

/// Facts read off a training run's per-epoch records, for comparing runs.
enum RunComparison {
    /// The first epoch whose mean training loss is below `threshold`; nil if none is.
    static func firstEpoch(trainLossBelow threshold: Double, in records: [EpochRecord]) -> Int? {
        records.first { $0.trainLoss < threshold }?.epoch
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
