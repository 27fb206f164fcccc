import XCTest
@testable import FolioNN

/// The reports' significance tests, against values worked out by hand and in exact
/// integer arithmetic (Python: 2 * sum(comb(n, i) for i in range(k + 1)) / 2**n).
final class StatisticsTests: XCTestCase {
    func testMcNemarSmallCountsByHand() {
        // b = 2, c = 0: P(X ≤ 0 | n = 2) = 1/4, two-sided 1/2.
        XCTAssertEqual(McNemarTest(onlyFirstCorrect: 2, onlySecondCorrect: 0).pValue, 0.5, accuracy: 1e-12)
        // b = 1, c = 9: P(X ≤ 1 | n = 10) = 11/1024, two-sided 22/1024.
        XCTAssertEqual(McNemarTest(onlyFirstCorrect: 1, onlySecondCorrect: 9).pValue, 22.0 / 1024, accuracy: 1e-12)
        // Equal split: p = 1 (capped), and no disagreement at all: p = 1.
        XCTAssertEqual(McNemarTest(onlyFirstCorrect: 5, onlySecondCorrect: 5).pValue, 1)
        XCTAssertEqual(McNemarTest(onlyFirstCorrect: 0, onlySecondCorrect: 0).pValue, 1)
    }

    func testMcNemarAgreesWithSciPyOnLargerCounts() {
        // n = 100, k = 40: 0.05688793364098079.
        XCTAssertEqual(McNemarTest(onlyFirstCorrect: 40, onlySecondCorrect: 60).pValue, 0.05688793364, accuracy: 1e-9)
        // n = 400, k = 150: 6.531819212838427e-07.
        XCTAssertEqual(McNemarTest(onlyFirstCorrect: 250, onlySecondCorrect: 150).pValue, 6.5318192e-07, accuracy: 1e-13)
        // Symmetric in which classifier is called first.
        XCTAssertEqual(McNemarTest(onlyFirstCorrect: 60, onlySecondCorrect: 40), McNemarTest(onlyFirstCorrect: 60, onlySecondCorrect: 40))
        XCTAssertEqual(McNemarTest(onlyFirstCorrect: 60, onlySecondCorrect: 40).pValue,
                       McNemarTest(onlyFirstCorrect: 40, onlySecondCorrect: 60).pValue, accuracy: 1e-15)
    }

    func testMcNemarCountsDiscordantImagesFromPredictions() {
        let labels =      [0, 1, 2, 3, 4, 5]
        let first =       [0, 1, 9, 9, 4, 9]   // right on 0, 1, 4
        let second =      [0, 9, 2, 3, 9, 9]   // right on 0, 2, 3
        let t = McNemarTest(firstPredictions: first, secondPredictions: second, labels: labels)
        XCTAssertEqual(t.onlyFirstCorrect, 2)
        XCTAssertEqual(t.onlySecondCorrect, 2)
        XCTAssertEqual(t.discordant, 4)
        XCTAssertFalse(t.isSignificant())
    }

    func testBinomialCumulativeStaysAccurateForLargeN() {
        let d = BinomialDistribution(trials: 20_000, probability: 0.5)
        XCTAssertEqual(d.cumulative(atMost: 10_000), 0.5 + exp(d.logProbability(10_000)) / 2, accuracy: 1e-9)
        XCTAssertEqual(d.cumulative(atMost: 20_000), 1)
        XCTAssertEqual(d.cumulative(atMost: -1), 0)
        XCTAssertGreaterThan(d.cumulative(atMost: 9_000), 0)
        XCTAssertLessThan(d.cumulative(atMost: 9_000), 1e-40)
    }

    func testWilsonIntervalByFormula() {
        // Wilson's formula in double precision for 9,893 of 10,000: (0.9870872339, 0.9911369853).
        let i = ProportionInterval(successes: 9_893, total: 10_000)
        XCTAssertEqual(i.lower, 0.9870872339, accuracy: 1e-9)
        XCTAssertEqual(i.upper, 0.9911369853, accuracy: 1e-9)
        // At the edge the interval stays inside [0, 1] and is not degenerate.
        let all = ProportionInterval(successes: 50, total: 50)
        XCTAssertEqual(all.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(all.lower, 50.0 / (50 + 1.959964 * 1.959964), accuracy: 1e-9)
    }

    func testHolmAdjustmentByHand() {
        // Sorted 0.01, 0.02, 0.04 → 0.03, 0.04, 0.04 (kept non-decreasing).
        let adjusted = holmAdjusted([0.04, 0.01, 0.02])
        XCTAssertEqual(adjusted[0], 0.04, accuracy: 1e-12)
        XCTAssertEqual(adjusted[1], 0.03, accuracy: 1e-12)
        XCTAssertEqual(adjusted[2], 0.04, accuracy: 1e-12)
        XCTAssertEqual(holmAdjusted([0.6, 0.5]), [1, 1])
        XCTAssertEqual(holmAdjusted([]), [])
    }

    /// Against SciPy 1.17 (`mannwhitneyu(x, y, method="exact")`).
    func testRankSumAgreesWithSciPy() {
        let separated = RankSumTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
        XCTAssertEqual(separated.u, 0)
        XCTAssertEqual(separated.pValue, 2.0 / 252, accuracy: 1e-12)
        let mixed = RankSumTest([1.0, 2.5, 3.1, 7.2, 5.5, 6.0], [2.0, 4.4, 8.8, 9.1, 3.3])
        XCTAssertEqual(mixed.u, 11)
        XCTAssertEqual(mixed.pValue, 0.5367965367965368, accuracy: 1e-12)
        // Fifteen epochs each whose ranges overlap (one tie, counted as a half).
        let x = [5.4, 5.6, 5.8, 6.0, 5.39, 5.9, 6.1, 6.3, 7.1, 5.3, 5.5, 5.95, 6.2, 5.23, 6.05]
        let y = [6.84, 7.0, 7.2, 7.5, 7.93, 7.1, 7.6, 7.4, 7.55, 6.97, 7.3, 7.8, 7.7, 7.05, 7.65]
        let timed = RankSumTest(x, y)
        XCTAssertEqual(timed.u, 4.5)
        XCTAssertEqual(timed.pValue, 2.449755514399663e-07, accuracy: 1e-15)
        XCTAssertTrue(timed.isSignificant())
        // Symmetric in which sample comes first; identical samples give p = 1.
        XCTAssertEqual(RankSumTest(y, x).pValue, timed.pValue, accuracy: 1e-15)
        XCTAssertEqual(RankSumTest([1, 2, 3], [1, 2, 3]).pValue, 1)
    }

    /// The counted distribution sums to one and matches enumeration of every order.
    func testRankSumDistributionMatchesEnumeration() {
        let n1 = 4, n2 = 3
        var histogram = [Int](repeating: 0, count: n1 * n2 + 1), orders = 0
        for mask in 0..<(1 << (n1 + n2)) where mask.nonzeroBitCount == n1 {
            // Bit r set: rank r belongs to the first sample.
            var u = 0
            for r in 0..<(n1 + n2) where mask & (1 << r) != 0 {
                u += (0..<r).filter { mask & (1 << $0) == 0 }.count
            }
            histogram[u] += 1; orders += 1
        }
        var cumulative = 0
        for k in 0...(n1 * n2) {
            cumulative += histogram[k]
            XCTAssertEqual(RankSumTest.cumulative(atMost: k, n1, n2), Double(cumulative) / Double(orders), accuracy: 1e-12)
        }
    }
}
