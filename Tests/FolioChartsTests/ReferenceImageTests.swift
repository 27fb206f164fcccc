import Foundation
import XCTest
@testable import FolioCharts

/// Renders every chart kind and compares it with the PNG committed in References/.
///
/// To refresh the references after an intended change of the drawing, run
///     FOLIO_UPDATE_REFERENCES=1 swift test --filter FolioChartsTests.ReferenceImageTests
/// which rewrites Tests/FolioChartsTests/References/*.png; look at them before committing.
final class ReferenceImageTests: XCTestCase {
    private static let updating = ProcessInfo.processInfo.environment["FOLIO_UPDATE_REFERENCES"] == "1"
    private static let sourceReferences = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("References")

    func testEveryChartKindMatchesItsReferenceImage() throws {
        for (name, figure) in Fixtures.all() {
            let png = try render(figure, to: .png, scale: 1)
            if Self.updating {
                try Data(png).write(to: Self.sourceReferences.appendingPathComponent("\(name).png"), options: .atomic)
                continue
            }
            guard let url = Bundle.module.url(forResource: name, withExtension: "png", subdirectory: "References"),
                  let reference = decodePNG(Array(try Data(contentsOf: url))) else {
                XCTFail("no reference image References/\(name).png; create it with FOLIO_UPDATE_REFERENCES=1")
                continue
            }
            let actual = try XCTUnwrap(decodePNG(png))
            XCTAssertEqual(actual.width, reference.width, name)
            XCTAssertEqual(actual.height, reference.height, name)
            guard actual.width == reference.width, actual.height == reference.height else { continue }
            let (differing, meanDifference) = compare(actual.pixels, reference.pixels)
            // Small tolerance: anti-aliasing may shift with library versions, layouts may not.
            XCTAssertLessThanOrEqual(Double(differing) / Double(actual.pixels.count), 0.002,
                                     "\(name): \(differing) pixels differ by more than 24 levels")
            XCTAssertLessThan(meanDifference, 0.5, "\(name): mean channel difference \(meanDifference)")
        }
    }

    func testComparisonNoticesAChangedFigure() throws {
        // The comparison itself must be able to fail: move a bar and it does.
        var figure = Fixtures.all().first { $0.name == "bars" }!.figure
        let original = try XCTUnwrap(decodePNG(try render(figure, to: .png)))
        if case .bar(var chart) = figure.panels[0] {
            chart.groups[0].values[0] = 40
            figure.panels[0] = .bar(chart)
        }
        let changed = try XCTUnwrap(decodePNG(try render(figure, to: .png)))
        let (differing, _) = compare(changed.pixels, original.pixels)
        XCTAssertGreaterThan(Double(differing) / Double(original.pixels.count), 0.002)
    }

    /// Pixels whose largest channel difference exceeds 24, and the mean channel difference.
    private func compare(_ a: [UInt32], _ b: [UInt32]) -> (Int, Double) {
        var differing = 0
        var total = 0
        for (p, q) in zip(a, b) {
            var largest = 0
            for shift in [0, 8, 16] as [UInt32] {
                let d = abs(Int((p >> shift) & 0xFF) - Int((q >> shift) & 0xFF))
                largest = max(largest, d)
                total += d
            }
            if largest > 24 { differing += 1 }
        }
        return (differing, Double(total) / Double(max(a.count * 3, 1)))
    }
}
