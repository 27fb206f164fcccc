@testable import FolioChapters
import FolioData
import Foundation
import FolioExperiments
import FolioNN
import XCTest

final class PredictionAndRunTests: XCTestCase {
    func testSampleIsDistinctReproducibleAndSeeded() {
        let a = Predictions.sample(count: 12, from: 1000, seed: 7)
        XCTAssertEqual(a.count, 12)
        XCTAssertEqual(Set(a).count, 12)
        XCTAssertTrue(a.allSatisfy { (0..<1000).contains($0) })
        XCTAssertEqual(a, Predictions.sample(count: 12, from: 1000, seed: 7))
        XCTAssertNotEqual(a, Predictions.sample(count: 12, from: 1000, seed: 8))
    }

    func testPredictionsAreTheArgmaxOfOneBatchedCall() throws {
        var rng = SeededGenerator(seed: 3)
        let pixels = (0..<(5 * 784)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let set = ImageSet(rows: 28, cols: 28, pixels: pixels, labels: [0, 1, 2, 3, 4])
        let model = try Model(kind: .simpleCNN, seed: 2)
        let p = Predictions(model: model, set: set, indices: [4, 1, 3], normalization: .unit)
        XCTAssertEqual(p.labels, [4, 1, 3])
        for (k, i) in [4, 1, 3].enumerated() {
            let probabilities = model.probabilities(set.image(i).map { Float($0) / 255 }, count: 1)
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
            XCTAssertEqual(p.predicted[k], best)
            XCTAssertEqual(p.confidence[k], Double(probabilities[best]), accuracy: 1e-5)
        }
        XCTAssertEqual(p.correctCount, p.isCorrect.filter { $0 }.count)
    }

    func testBinomialTail() {
        XCTAssertEqual(Predictions.chanceOfAtLeast(0, errorsIn: 12, errorRate: 0.01), 1)
        XCTAssertEqual(Predictions.chanceOfAtLeast(1, errorsIn: 12, errorRate: 0.01), 1 - pow(0.99, 12), accuracy: 1e-12)
        // Two fair coins: P(at least one head) = 3/4, P(two heads) = 1/4.
        XCTAssertEqual(Predictions.chanceOfAtLeast(1, errorsIn: 2, errorRate: 0.5), 0.75, accuracy: 1e-12)
        XCTAssertEqual(Predictions.chanceOfAtLeast(2, errorsIn: 2, errorRate: 0.5), 0.25, accuracy: 1e-12)
        XCTAssertEqual(Predictions.chanceOfAtLeast(3, errorsIn: 2, errorRate: 0.5), 0)
    }

    /// An epoch record as the cache stores it (its initialiser is internal to FolioExperiments).
    private func record(_ epoch: Int, loss: Double, test: Double?, seconds: Double = 10, validationLoss: Double? = nil) -> EpochRecord {
        let testField = (test.map { ", \"testAccuracy\": \($0)" } ?? "") + (validationLoss.map { ", \"validationLoss\": \($0)" } ?? "")
        let json = "{\"epoch\": \(epoch), \"trainLoss\": \(loss), \"seconds\": \(seconds), \"logged\": [], \"imagesPerSecond\": 0\(testField)}"
        return try! JSONDecoder().decode(EpochRecord.self, from: Data(json.utf8))
    }

    func testRunComparison() {
        let plain = [record(1, loss: 0.20, test: 0.97), record(2, loss: 0.06, test: 0.985), record(3, loss: 0.049, test: 0.984)]
        let bn = [record(1, loss: 0.10, test: 0.98, seconds: 12), record(2, loss: 0.04, test: 0.99, seconds: 12),
                  record(3, loss: 0.02, test: 0.99, seconds: 12)]
        XCTAssertEqual(RunComparison.firstEpoch(trainLossBelow: 0.05, in: plain), 3)
        XCTAssertEqual(RunComparison.firstEpoch(trainLossBelow: 0.05, in: bn), 2)
        XCTAssertNil(RunComparison.firstEpoch(trainLossBelow: 0.01, in: bn))
        XCTAssertEqual(RunComparison.finalTestAccuracy(plain), 0.984)
        XCTAssertEqual(RunComparison.timeRatio(plain, bn), 1.2, accuracy: 1e-12)
    }

    /// Early stopping looks at validation loss only, never at the test accuracy.
    func testSelectedEpochIsTheLowestValidationLoss() {
        let run = [record(1, loss: 0.3, test: 0.99, validationLoss: 0.08), record(2, loss: 0.1, test: 0.97, validationLoss: 0.05),
                   record(3, loss: 0.05, test: 0.995, validationLoss: 0.05), record(4, loss: 0.01, test: 0.98, validationLoss: 0.07)]
        XCTAssertEqual(RunComparison.selectedEpoch(run)?.epoch, 2)  // the first of equal minima
        XCTAssertNil(RunComparison.selectedEpoch([record(1, loss: 1, test: 0.9)]))  // no validation set
    }

    /// A slowdown is called only when the rank-sum test over the epochs finds it:
    /// two epochs each can never be significant (smallest p = 1/3), five against five
    /// wholly apart are (p = 2/252), and ranges that overlap by one epoch still can be.
    func testEpochTimesCallASlowdownOnlyWhenTheRankSumTestFindsIt() {
        func times(_ seconds: [Double]) -> [EpochRecord] {
            seconds.enumerated().map { record($0.offset + 1, loss: 1, test: nil, seconds: $0.element) }
        }
        let two = BatchNormChapter.EpochTimes(plain: times([10, 11]), bn: times([12, 13]))
        XCTAssertFalse(two.bnSlower)
        XCTAssertFalse(two.bnFaster)
        XCTAssertEqual(two.ratio, 12.5 / 10.5, accuracy: 1e-12)
        let apart = BatchNormChapter.EpochTimes(plain: times([10, 11, 10.5, 10.2, 10.8]), bn: times([12, 13, 12.5, 12.2, 12.8]))
        XCTAssertTrue(apart.bnSlower)
        XCTAssertFalse(apart.bnFaster)
        XCTAssertEqual(apart.test.pValue, 2.0 / 252, accuracy: 1e-12)
        let overlapping = BatchNormChapter.EpochTimes(plain: times([10, 11, 10.5, 10.2, 12.9, 10.1, 10.3]),
                                                      bn: times([12, 13, 12.5, 12.2, 12.8, 12.4, 12.6]))
        XCTAssertTrue(overlapping.bnSlower)
        let mixed = BatchNormChapter.EpochTimes(plain: times([10, 14, 11, 13]), bn: times([12, 13.5, 10.5, 12.5]))
        XCTAssertFalse(mixed.bnSlower)
        XCTAssertFalse(mixed.bnFaster)
        let faster = BatchNormChapter.EpochTimes(plain: times([12, 13, 12.5, 12.2, 12.8]), bn: times([10, 11, 10.5, 10.2, 10.8]))
        XCTAssertTrue(faster.bnFaster)
        XCTAssertFalse(faster.bnSlower)
    }
}
