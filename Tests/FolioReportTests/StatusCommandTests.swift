import FolioTestSupport
import XCTest

/// `folio status` and `folio build --dry-run` are a thin layer over the build
/// library (StatusTests test the logic): one line per question and a total on
/// standard output, nothing written.
final class StatusCommandTests: XCTestCase {
    func testStatusPrintsALinePerQuestionAndWritesNothing() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("folio-status-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        for command in [["status"], ["build", "--dry-run"]] {
            let r = try FolioBinary.run(command + ["--profile", "quick", "--report", "problem-set", "--section", "1.4", "3.1",
                                                  "--threads", "2", "--output", out.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout.split(separator: "\n").map(String.init), [
                "problem-set 1.4  stale: would train mlp + SGD (lr 0.01) for 2 epochs on 3,000 images (time unknown)",
                "problem-set 3.1  up to date",
                "1 of 2 questions stale, waiting for 1 computation, none estimated (nothing like them cached yet); later computations show once these are done",
            ], "\(command)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(command) wrote into the output folder")
        }
    }
}
