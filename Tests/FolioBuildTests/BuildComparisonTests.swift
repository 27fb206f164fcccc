import FolioBuild
import XCTest

/// `BuildComparison` on two hand-written build folders: typed numbers against the
/// tolerance, printed text, a report one build lacks, and the date left out.
final class BuildComparisonTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-comparison-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// A build folder holding `reports`, each a results.json's "questions", with `seed` and `date`.
    func build(_ name: String, seed: String, date: String, _ reports: [String: [String: Any]]) throws -> URL {
        let folder = root.appendingPathComponent(name)
        for (report, questions) in reports {
            let object: [String: Any] = ["report": report, "questions": questions,
                                         "environment": ["seed": seed, "date": date, "threads": 2],
                                         "build": ["1.1": ["wallSeconds": Double.random(in: 1...9)]]]
            let url = folder.appendingPathComponent(report).appendingPathComponent("results.json")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: object).write(to: url)
        }
        return folder
    }

    func accuracy(_ value: Double) -> [String: Any] {
        ["text": String(format: "%.2f %%", value), "value": value, "unit": "%", "count": 1000]
    }

    func testNumbersCompareByValueWithinTheToleranceAndTextByWhatWasPrinted() throws {
        let a = try build("a", seed: "1", date: "2026-12-05T10:00:00Z",
                          ["r": ["1.1": ["test": accuracy(90.0), "chosen": "Adam", "ranks": [accuracy(80), accuracy(70)]]]])
        let b = try build("b", seed: "1", date: "2026-12-05T11:00:00Z",
                          ["r": ["1.1": ["test": accuracy(90.3), "chosen": "SGD", "ranks": [accuracy(80), accuracy(71)]]],
                           "s": ["1": ["x": "y"]]])
        let exact = try BuildComparison(a, b)
        let test = try XCTUnwrap(exact.differences.first { $0.name == "test" })
        XCTAssertEqual(test.before, "90.00 %"); XCTAssertEqual(test.after, "90.30 %")
        XCTAssertEqual(test.change, "+0.3 points")
        XCTAssertEqual(exact.differences.first { $0.name == "chosen" }?.after, "SGD")
        XCTAssertEqual(exact.differences.first { $0.name == "ranks[1]" }?.change, "+1 points")
        XCTAssertNil(exact.differences.first { $0.name == "ranks[0]" })
        // The report only the second build has is one difference; the date and the wall times none.
        XCTAssertEqual(exact.differences.filter { $0.report == "s" }.count, 1)
        XCTAssertTrue(exact.text.contains("\ns\n  report\n"), exact.text)
        XCTAssertFalse(exact.differences.contains { $0.name == "date" || $0.name.contains("wallSeconds") })
        XCTAssertTrue(exact.text.contains("date 2026-12-05T10:00:00Z → 2026-12-05T11:00:00Z"), exact.text)

        let loose = try BuildComparison(a, b, tolerance: 0.5)
        XCTAssertNil(loose.differences.first { $0.name == "test" }, "0.3 points is within 0.5")
        XCTAssertNotNil(loose.differences.first { $0.name == "ranks[1]" }, "1 point is not within 0.5")
        XCTAssertNotNil(loose.differences.first { $0.name == "chosen" }, "text ignores the tolerance")

        XCTAssertTrue(try BuildComparison(a, a).differences.isEmpty)
    }

    func testAResultsFileThatIsNotJSONIsNamed() throws {
        let folder = root.appendingPathComponent("broken/r")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{ not json".utf8).write(to: folder.appendingPathComponent("results.json"))
        XCTAssertThrowsError(try BuildComparison(root.appendingPathComponent("broken"), root.appendingPathComponent("broken"))) {
            XCTAssertTrue("\($0)".hasPrefix(folder.appendingPathComponent("results.json").path + ": not a results.json"), "\($0)")
        }
    }
}
