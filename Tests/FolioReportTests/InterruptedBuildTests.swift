import FolioTestSupport
import XCTest

/// A build killed mid-training leaves the previous report readable, and the next
/// build resumes from the last finished epoch instead of starting again.
final class InterruptedBuildTests: XCTestCase {
    func testKilledBuildKeepsOldReportAndResumes() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("folio-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        // A previous report: 3.1 needs no training, so it is built at once.
        let first = try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--section", "3.1", "--output", out.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let oldPage = out.appendingPathComponent("problem-set/sections/q-3-1.html")
        let before = try Data(contentsOf: oldPage)

        // Start a build that trains, and kill it once the first epoch is stored.
        let process = Process()
        process.executableURL = FolioBinary.url
        process.arguments = ["build", "--profile", "quick", "--report", "problem-set", "--section", "3.2", "--output", out.path]
        process.currentDirectoryURL = FolioBinary.projectRoot
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        var seen = ""
        let handle = err.fileHandleForReading
        while !seen.contains("epoch 1/2") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        process.terminate()
        process.waitUntilExit()
        XCTAssertTrue(seen.contains("epoch 1/2"), seen)
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertEqual(try Data(contentsOf: oldPage), before, "the earlier page changed")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "temporary files left behind")

        let again = try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--section", "3.2", "--output", out.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("resuming after epoch 1"), again.stderr)
    }
}
