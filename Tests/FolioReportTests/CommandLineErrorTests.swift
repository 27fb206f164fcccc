import FolioTestSupport
import XCTest

/// Bad options get one clear first line naming the option and what is wrong, a
/// non-zero exit, and no training.
final class CommandLineErrorTests: XCTestCase {
    func testOutputInsideAFileIsRefusedInOneLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("folio-not-a-folder-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        for (output, expected) in [(file.path, "is a file, not a folder"),
                                   (file.appendingPathComponent("out").path, "is a file, so no folder can be made inside it")] {
            let r = try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--section", "1.4", "--output", output])
            XCTAssertEqual(r.status, 1, r.stderr)
            let first = r.stderr.split(separator: "\n").first { $0.hasPrefix("Error:") }.map(String.init) ?? ""
            XCTAssertTrue(first.contains("--output \(output)") && first.contains(expected), r.stderr)
            XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        }
    }

    func testNegativeOrMalformedSeedIsRefused() throws {
        for seed in ["-3", "abc", "1.5"] {
            let r = try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--section", "1.4",
                                         "--output", FileManager.default.temporaryDirectory.appendingPathComponent("folio-seed-unused").path,
                                         "--seed", seed])
            XCTAssertNotEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("Error: --seed \(seed): a seed is a whole number"), r.stderr)
            XCTAssertFalse(r.stderr.contains("answer "), "started building: \(r.stderr)")
        }
    }
}
