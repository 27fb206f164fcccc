import FolioTestSupport
import Foundation
import XCTest

/// `folio build --progress json`: one JSON object per step on standard output, the
/// plan known from the start, every question started and answered, the files written.
extension BuildTests {
    func testJSONProgressReportsEveryQuestionAndTheFilesWritten() throws {
        XCTAssertEqual(try built().status, 0)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("folio-progress-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let r = try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--format", "html",
                                     "--output", output.path, "--cache", Self.output.appendingPathComponent(".cache").path,
                                     "--threads", "2", "--progress", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let events = try r.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)")
        }
        let kinds = events.compactMap { $0["event"] as? String }
        XCTAssertEqual(kinds.filter { $0 == "question" }.count, kinds.filter { $0 == "answered" }.count)
        let total = try XCTUnwrap(events.first?["questions"] as? Int)
        XCTAssertEqual(total, 10, "the problem set's ten questions are planned before the build starts")
        XCTAssertEqual(kinds.filter { $0 == "answered" }.count, total, "every question, prose-only ones too, is answered")
        XCTAssertEqual(events.last { $0["event"] as? String == "answered" }?["questionsDone"] as? Int, total)
        let written = events.filter { $0["event"] as? String == "written" }.compactMap { $0["path"] as? String }
        XCTAssertTrue(written.contains(output.appendingPathComponent("problem-set.html").path), "\(written)")
        for event in events { XCTAssertNotNil(event["secondsLeft"] as? Double ?? (event["event"] as? String == "written" ? 0 : nil)) }
    }

    func testAnUnknownProgressModeIsAOneLineError() throws {
        let r = try FolioBinary.run(["build", "--progress", "loud"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--progress loud: the choices are auto, line, json and none"), r.stderr)
    }
}
