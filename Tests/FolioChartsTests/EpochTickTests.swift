@testable import FolioCharts
import XCTest

/// Epoch axes carry at least three integer ticks, however narrow the panel.
final class EpochTickTests: XCTestCase {
    func testNarrowPanelsStillShowThreeIntegerEpochs() {
        for (epochs, target) in [(15, 2), (50, 2), (15, 4), (50, 5), (10, 2), (5, 2), (100, 2)] {
            let axis = AxisScale.linear(1, Double(epochs), target: target, padding: 0.02, kind: .epochs)
            XCTAssertGreaterThanOrEqual(axis.ticks.count, 3, "\(epochs) epochs, target \(target): \(axis.labels)")
            XCTAssertTrue(axis.ticks.allSatisfy { $0 == $0.rounded() }, "\(axis.ticks)")
        }
    }
}
