import FolioTestSupport
import XCTest

/// A damaged cache must not stop the build: each kind of cached file, cut to half its
/// bytes (what an interrupted copy or a full disk leaves), is reported as one warning
/// line, recomputed, and the report's values are the ones the intact cache gave.
final class CorruptCacheTests: XCTestCase {
    static let output = FileManager.default.temporaryDirectory.appendingPathComponent("folio-corrupt-\(UUID().uuidString)")
    var cache: URL { Self.output.appendingPathComponent(".cache") }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: output)
        super.tearDown()
    }

    /// The problem set on the quick profile, HTML only: a few seconds, and it writes
    /// results.json (a section build does not).
    func build() throws -> FolioBinary.Result {
        try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--format", "html",
                             "--threads", "2", "--output", Self.output.path])
    }

    func results() throws -> NSObject? {
        let data = try Data(contentsOf: Self.output.appendingPathComponent("problem-set/results.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return BuildTests.withoutTimings(json["questions"] as Any) as? NSObject
    }

    /// Warnings about cached files (the build also warns about uncited figures).
    func cacheWarnings(_ stderr: String) -> [Substring] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") && $0.contains("/.cache/") }
    }

    /// The first cached file (in name order) whose name matches, in any entry.
    func file(named name: String) throws -> URL {
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
        for entry in entries {
            let url = cache.appendingPathComponent(entry).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw XCTSkip("no cached \(name)")
    }

    func testEveryKindOfTruncatedCacheFileIsReportedOnceAndRecomputed() throws {
        let first = try build()
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(cacheWarnings(first.stderr), [])
        let reference = try XCTUnwrap(try results())

        // Every file a cache entry holds: configuration, checksums, a training run's
        // metrics, state, snapshots and test evaluations, a derived result.
        let names = ["config.json", "checksums.json", "metrics.json", "state.safetensors",
                     "weights-epoch-1.safetensors", "weights-epoch-2.safetensors",
                     "test-evaluation-epoch-2.json", "result.json"]
        for name in names {
            let url = try file(named: name)
            let bytes = try Data(contentsOf: url)
            try bytes.prefix(bytes.count / 2).write(to: url)
            let r = try build()
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            let warnings = cacheWarnings(r.stderr)
            XCTAssertEqual(warnings.count, 1, "\(name): \(warnings.joined(separator: "\n"))")
            XCTAssertTrue(warnings.first?.contains(url.path) ?? false, "\(name): \(warnings.joined(separator: "\n"))")
            XCTAssertEqual(try results(), reference, "\(name): the repaired cache gave other values")
        }

        // A snapshot deleted by hand is missing, not damaged, and is written again.
        let snapshot = try file(named: "weights-epoch-2.safetensors")
        try FileManager.default.removeItem(at: snapshot)
        var r = try build()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(cacheWarnings(r.stderr).map(String.init), ["warning: \(snapshot.path) is missing; writing it again"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: snapshot.path))
        XCTAssertEqual(try results(), reference)

        // A derived result with one bit flipped keeps its size: the checksum finds it.
        let result = try file(named: "result.json")
        var flipped = try Data(contentsOf: result)
        flipped[flipped.count / 2] ^= 1
        try flipped.write(to: result)
        r = try build()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(cacheWarnings(r.stderr).count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(result.path) is damaged: its SHA-256 differs"), r.stderr)
        XCTAssertEqual(try results(), reference)

        // A cache written before checksums were recorded has none: its files are
        // trusted because they parse, nothing is recomputed, and checksums are recorded.
        for entry in try FileManager.default.contentsOfDirectory(atPath: cache.path) {
            try? FileManager.default.removeItem(at: cache.appendingPathComponent(entry).appendingPathComponent("checksums.json"))
        }
        r = try build()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(cacheWarnings(r.stderr), [])
        XCTAssertFalse(r.stderr.contains("run    "), "an intact cache without checksums was not reused: \(r.stderr)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: try file(named: "checksums.json").path))
        XCTAssertEqual(try results(), reference)
    }
}
