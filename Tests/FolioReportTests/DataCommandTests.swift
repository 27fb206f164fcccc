import FolioTestSupport
import XCTest

/// `folio data` as a user runs it: the summary, JSON, and clean failures.
final class DataCommandTests: XCTestCase {
    func testSummaryOfShippedMNIST() throws {
        let r = try FolioBinary.run(["data"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("60,000"))
        XCTAssertTrue(r.stdout.contains("980 1135 1032 1010 982 892 958 1028 974 1009"))
        XCTAssertTrue(r.stdout.contains("mean 0.1307, std 0.3081"))
        XCTAssertEqual(r.stdout.components(separatedBy: "   yes").count - 1, 4, r.stdout)
    }

    func testJSON() throws {
        let r = try FolioBinary.run(["data", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["dataset"] as? String, "mnist")
        XCTAssertEqual(object?["allChecksumsMatch"] as? Bool, true)
        XCTAssertEqual((object?["trainingPixelMean"] as? Double) ?? 0, 0.1307, accuracy: 5e-5)
    }

    func testBadInputIsOneLineAndExitStatusOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([0, 0, 8, 3, 0, 0]).write(to: dir.appendingPathComponent("train-images-idx3-ubyte"))
        let r = try FolioBinary.run(["data", "--data", dir.path])
        XCTAssertEqual(r.status, 1)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("train-images-idx3-ubyte"), r.stderr)
        XCTAssertTrue(r.stderr.contains("truncated header"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Stack"), r.stderr)
    }

    func testMissingDirectory() throws {
        let r = try FolioBinary.run(["data", "--data", "/nonexistent/mnist"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("/nonexistent/mnist: directory not found"), r.stderr)
    }
}
