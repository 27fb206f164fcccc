import FolioTestSupport
import XCTest

/// `folio diff` as a user runs it on two quick builds of the problem set, seeds 1 and 2:
/// a build against itself differs in nothing, two seeds differ in their accuracies,
/// and a folder that is not a build is one line naming it.
final class DiffCommandTests: XCTestCase {
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-diff-\(UUID().uuidString)")
    static let seedOne = root.appendingPathComponent("seed-1")
    static let seedTwo = root.appendingPathComponent("seed-2")
    nonisolated(unsafe) static var builds: [FolioBinary.Result]?

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    func built() throws {
        if Self.builds == nil {
            Self.builds = try [(Self.seedOne, "1"), (Self.seedTwo, "2")].map { output, seed in
                try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--format", "html",
                                     "--seed", seed, "--threads", "2", "--output", output.path,
                                     "--cache", Self.root.appendingPathComponent("cache").path])
            }
        }
        for r in Self.builds! { XCTAssertEqual(r.status, 0, r.stderr) }
    }

    func testABuildAgainstItselfDiffersInNothing() throws {
        try built()
        let r = try FolioBinary.run(["diff", Self.seedOne.path, Self.seedOne.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("No differences"), r.stdout)
        // The start time is named as not compared rather than silently dropped.
        XCTAssertTrue(r.stdout.contains("Not compared") && r.stdout.contains("date"), r.stdout)
    }

    func testTwoSeedsListTheChangedAccuraciesAndTheSeed() throws {
        try built()
        let page = Self.root.appendingPathComponent("review/diff.html")
        let r = try FolioBinary.run(["diff", Self.seedOne.path, Self.seedTwo.path, "--html", page.path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        let accuracy = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.contains("test_accuracy ") }, r.stdout)
        // Both printed values and the change in points.
        XCTAssertTrue(accuracy.contains("%  →  ") && accuracy.contains("points"), String(accuracy))
        XCTAssertTrue(r.stdout.contains("question 2.3"), r.stdout)
        // The environment's seed, not question 0's value of the same name.
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let environment = try XCTUnwrap(lines.firstIndex(of: "  environment"), r.stdout)
        XCTAssertTrue(lines[(environment + 1)...].prefix { $0.hasPrefix("    ") }.contains { $0.hasPrefix("    seed ") && $0.hasSuffix(" 1  →  2") },
                      r.stdout)
        XCTAssertFalse(r.stdout.contains("    date "), "the date counted as a difference: \(r.stdout)")

        // A tolerance wider than any accuracy moves leaves those lines out.
        let wide = try FolioBinary.run(["diff", Self.seedOne.path, Self.seedTwo.path, "--tolerance", "1000"])
        XCTAssertFalse(wide.stdout.contains("test_accuracy "), wide.stdout)

        // The side-by-side page shows changed figures from both folders, linked so they resolve.
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(html.contains("class=\"pair\""), "no figure pair on the page")
        for link in BuildTests.links(in: html) where link.hasSuffix(".png") {
            let file = page.deletingLastPathComponent().appendingPathComponent(link).standardizedFileURL
            XCTAssertTrue(FileManager.default.fileExists(atPath: file.path), "\(link) leads nowhere")
        }
    }

    /// Rebuilding seed 1's folder with seed 2 marks each figure on the board changed
    /// exactly when its content hash differs from the one seed 1's build kept.
    func testTheBoardMarksWhatChangedSinceThePreviousBuild() throws {
        try built()
        let rebuilt = Self.root.appendingPathComponent("rebuilt")
        try FileManager.default.copyItem(at: Self.seedOne, to: rebuilt)
        let r = try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--format", "html",
                                     "--seed", "2", "--threads", "2", "--output", rebuilt.path,
                                     "--cache", Self.root.appendingPathComponent("cache").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        func figures(_ build: URL) throws -> [String: [String: Any]] {
            let url = build.appendingPathComponent("problem-set/figures/figures.json")
            let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            let records = try XCTUnwrap(list["figures"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: records.map { ($0["file"] as! String, $0) })
        }
        let before = try figures(Self.seedOne), after = try figures(rebuilt)
        XCTAssertEqual(Set(before.keys), Set(after.keys))
        for (file, record) in after {
            let same = record["sha256"] as? String == before[file]?["sha256"] as? String
            XCTAssertEqual(record["change"] as? String, same ? "unchanged" : "changed", file)
        }
        XCTAssertTrue(after.values.contains { $0["change"] as? String == "changed" }, "no figure changed with the seed")
        let board = try String(contentsOf: rebuilt.appendingPathComponent("problem-set/figures/index.html"), encoding: .utf8)
        XCTAssertTrue(board.contains("<span class=\"mark changed\">changed</span>"), "no changed mark on the board")
    }

    func testAFolderThatIsNotABuildIsOneLineNamingIt() throws {
        let empty = Self.root.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let missing = Self.root.appendingPathComponent("no-such-folder")
        for (a, b, named, reason) in [(empty, empty, empty, "not a Folio build folder"), (missing, empty, missing, "no such folder")] {
            let r = try FolioBinary.run(["diff", a.path, b.path])
            XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("Error: \(named.path): ") && r.stderr.contains(reason), r.stderr)
        }
    }
}
