import Foundation
import XCTest
@testable import FolioCharts

/// Not a timed test: prints the benchmark figures when asked, for a release build:
///     FOLIO_CHART_TIMINGS=1 swift test -c release --filter FolioChartsTests.TimingReport
final class TimingReport: XCTestCase {
    func testPrintTimingsWhenAsked() throws {
        guard ProcessInfo.processInfo.environment["FOLIO_CHART_TIMINGS"] == "1" else {
            throw XCTSkip("set FOLIO_CHART_TIMINGS=1 to measure")
        }
        for (name, seconds) in try Gallery.timings() {
            print("timing: \(name): \(String(format: "%.3f", seconds)) s")
            XCTAssertGreaterThan(seconds, 0)
        }
    }
}
