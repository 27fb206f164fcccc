import XCTest
import FolioExperiments

/// `CacheEntry` alone: what it trusts, what it reports, and that it reports each
/// problem once.
final class CacheEntryTests: XCTestCase {
    var folder: URL!
    var log: BuildLog!
    var entry: CacheEntry!

    override func setUpWithError() throws {
        // A new folder per test: the manifests are remembered per folder per process.
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("folio-entry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        log = BuildLog(quiet: true, interactive: false)
        entry = CacheEntry(folder: folder, log: log)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    struct NotWhole: Error, CustomStringConvertible { var description: String { "not a whole object" } }

    /// A stand-in parser: the text, if it ends as a JSON object does.
    func text(_ data: Data) throws -> String {
        guard let s = String(data: data, encoding: .utf8), s.hasSuffix("}") else { throw NotWhole() }
        return s
    }

    func testWrittenFileIsReadBackWithoutWarnings() throws {
        try entry.write(Data("{\"a\":1}".utf8), "result.json")
        XCTAssertEqual(entry.load("result.json", consequence: "x", parse: text), "{\"a\":1}")
        XCTAssertTrue(entry.checkSize("result.json", consequence: "x"))
        XCTAssertEqual(log.warnings, [])
        // The manifest records what was written.
        let manifest = try String(contentsOf: folder.appendingPathComponent(CacheEntry.manifestName), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"bytes\" : 7"), manifest)
    }

    func testSameSizeDamageIsFoundByTheChecksumReportedOnceAndTheFileDeleted() throws {
        try entry.write(Data("{\"a\":1}".utf8), "result.json")
        try Data("{\"a\":2}".utf8).write(to: entry.url("result.json"))
        // The size still matches: only reading the bytes finds it.
        XCTAssertTrue(entry.checkSize("result.json", consequence: "x"))
        XCTAssertNil(entry.load("result.json", consequence: "computing it again", parse: text))
        XCTAssertEqual(log.warnings.count, 1)
        XCTAssertTrue(log.warnings[0].hasPrefix(entry.url("result.json").path + " is damaged: its SHA-256 differs"), log.warnings[0])
        XCTAssertTrue(log.warnings[0].hasSuffix("; computing it again"), log.warnings[0])
        XCTAssertFalse(FileManager.default.fileExists(atPath: entry.url("result.json").path))
        // Forgotten: a second look finds an absent file, which is not news.
        XCTAssertNil(entry.load("result.json", consequence: "x", parse: text))
        XCTAssertEqual(log.warnings.count, 1)
    }

    func testTruncatedFileFailsTheSizeCheck() throws {
        try entry.write(Data(repeating: 7, count: 100), "weights-epoch-1.safetensors")
        try Data(repeating: 7, count: 50).write(to: entry.url("weights-epoch-1.safetensors"))
        XCTAssertFalse(entry.checkSize("weights-epoch-1.safetensors", consequence: "writing it again"))
        XCTAssertEqual(log.warnings, ["\(entry.url("weights-epoch-1.safetensors").path) is damaged: it holds 50 bytes, 100 were written; writing it again"])
    }

    func testMissingFileIsReportedWhenRecordedOrExpected() throws {
        try entry.write(Data("{}".utf8), "metrics.json")
        try FileManager.default.removeItem(at: entry.url("metrics.json"))
        XCTAssertNil(entry.load("metrics.json", consequence: "training again", parse: text))
        XCTAssertEqual(log.warnings, ["\(entry.url("metrics.json").path) is missing; training again"])
        // Never written and not expected: silently absent.
        XCTAssertNil(entry.load("other.json", consequence: "x", parse: text))
        XCTAssertTrue(entry.checkSize("other.json", consequence: "x"))
        // Expected (a snapshot the metrics list), though never recorded.
        XCTAssertFalse(entry.checkSize("weights-epoch-3.safetensors", expected: true, consequence: "writing it again"))
        XCTAssertEqual(log.warnings.count, 2)
    }

    func testUnrecordedFileIsTrustedIfItParsesAndThenRecorded() throws {
        // As an older version left it: no checksums.json.
        try Data("{\"old\":true}".utf8).write(to: entry.url("result.json"))
        XCTAssertEqual(entry.load("result.json", consequence: "x", parse: text), "{\"old\":true}")
        XCTAssertEqual(entry.recorded(prefix: "result"), ["result.json"])
        XCTAssertEqual(log.warnings, [])
        // One that does not parse is reported and deleted.
        try Data("{\"old\":".utf8).write(to: entry.url("other.json"))
        XCTAssertNil(entry.load("other.json", consequence: "computing it again", parse: text))
        XCTAssertEqual(log.warnings.count, 1)
        XCTAssertTrue(log.warnings[0].contains("other.json cannot be read (not a whole object); computing it again"), log.warnings[0])
        XCTAssertFalse(FileManager.default.fileExists(atPath: entry.url("other.json").path))
    }

    func testDamagedManifestIsReportedOnceAndFilesAreTrustedIfTheyParse() throws {
        try Data("{\"a\":1}".utf8).write(to: entry.url("result.json"))
        try Data("{\"files\":{\"result.json\":".utf8).write(to: entry.url(CacheEntry.manifestName))
        XCTAssertEqual(entry.load("result.json", consequence: "x", parse: text), "{\"a\":1}")
        XCTAssertEqual(entry.load("result.json", consequence: "x", parse: text), "{\"a\":1}")
        XCTAssertEqual(log.warnings.count, 1)
        XCTAssertTrue(log.warnings[0].contains("checksums.json cannot be read"), log.warnings[0])
        // Rewritten with the file's checksum.
        let manifest = try String(contentsOf: entry.url(CacheEntry.manifestName), encoding: .utf8)
        XCTAssertTrue(manifest.contains("result.json"), manifest)
    }
}
