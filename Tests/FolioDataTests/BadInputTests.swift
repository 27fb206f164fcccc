import XCTest
@testable import FolioData

/// Every kind of broken input gives one clear error naming the file and the problem.
final class BadInputTests: XCTestCase {
    var dir: FixtureDirectory!

    override func setUpWithError() throws { dir = try FixtureDirectory() }
    override func tearDown() { dir.remove() }

    /// Loads the fixture directory and returns the error it must raise.
    private func loadError(file: StaticString = #filePath, line: UInt = #line) -> DataError? {
        do {
            _ = try Dataset.load(.mnist, from: dir.url.path)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let error as DataError {
            XCTAssertFalse(error.description.contains("\n"), "one line", file: file, line: line)
            return error
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    func testValidFilesLoadRawAndGzip() throws {
        try dir.writeValid(gzip: false)
        let raw = try Dataset.load(.mnist, from: dir.url.path)
        XCTAssertEqual(raw.train.count, 6)
        XCTAssertEqual(raw.test.count, 3)
        XCTAssertEqual(raw.train.rows, 4)
        let other = try FixtureDirectory(); defer { other.remove() }
        try other.writeValid(gzip: true)
        let gz = try Dataset.load(.mnist, from: other.url.path)
        XCTAssertEqual(gz.train.pixels, raw.train.pixels)
        XCTAssertEqual(gz.test.labels, raw.test.labels)
    }

    func testMissingFile() throws {
        try dir.writeValid()
        try FileManager.default.removeItem(atPath: dir.path("t10k-labels-idx1-ubyte"))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.path.hasSuffix("t10k-labels-idx1-ubyte"))
        XCTAssertTrue(e.problem.contains("not found"), e.description)
    }

    func testWrongMagicNumber() throws {
        try dir.writeValid()
        try dir.write("train-images-idx3-ubyte", FixtureDirectory.idx(type: 0x0D, sizes: [6, 4, 4], data: [UInt8](repeating: 0, count: 96 * 4)))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.path.hasSuffix("train-images-idx3-ubyte"))
        XCTAssertTrue(e.problem.contains("magic number"), e.description)
    }

    func testWrongNumberOfDimensions() throws {
        try dir.writeValid()
        try dir.write("train-images-idx3-ubyte", FixtureDirectory.idx(sizes: [6, 16], data: [UInt8](repeating: 0, count: 96)))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.problem.contains("2 dimension(s), expected 3"), e.description)
    }

    func testTruncatedData() throws {
        try dir.writeValid()
        try dir.write("train-images-idx3-ubyte", FixtureDirectory.idx(sizes: [6, 4, 4], data: [UInt8](repeating: 0, count: 50)))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.problem.contains("truncated"), e.description)
        XCTAssertTrue(e.problem.contains("96"), e.description)
    }

    func testTruncatedHeader() throws {
        try dir.writeValid()
        try dir.write("train-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0])
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.path.hasSuffix("train-labels-idx1-ubyte"))
        XCTAssertTrue(e.problem.contains("truncated header"), e.description)
    }

    func testCountMismatchBetweenImagesAndLabels() throws {
        try dir.writeValid()
        try dir.write("train-labels-idx1-ubyte", FixtureDirectory.idx(sizes: [5], data: [0, 1, 2, 3, 4]))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.path.hasSuffix("train-labels-idx1-ubyte"))
        XCTAssertTrue(e.problem.contains("5 labels") && e.problem.contains("6 images"), e.description)
    }

    func testLabelOutsideRange() throws {
        try dir.writeValid()
        try dir.write("t10k-labels-idx1-ubyte", FixtureDirectory.idx(sizes: [3], data: [1, 12, 3]))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.problem.contains("label 12 at index 1"), e.description)
    }

    func testCorruptGzipStream() throws {
        try dir.writeValid()
        var gz = try FixtureDirectory.gzip(FixtureDirectory.idx(sizes: [6, 4, 4], data: [UInt8](repeating: 7, count: 96)))
        for i in 12..<min(gz.count - 8, 30) { gz[i] ^= 0xA5 }  // scramble the deflate data
        try FileManager.default.removeItem(atPath: dir.path("train-images-idx3-ubyte"))
        try dir.write("train-images-idx3-ubyte.gz", gz)
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.path.hasSuffix("train-images-idx3-ubyte.gz"))
        XCTAssertTrue(e.problem.contains("gzip"), e.description)
    }

    func testTruncatedGzipStream() throws {
        try dir.writeValid()
        let gz = try FixtureDirectory.gzip(FixtureDirectory.idx(sizes: [6, 4, 4], data: (0..<96).map { UInt8($0) }))
        try FileManager.default.removeItem(atPath: dir.path("train-images-idx3-ubyte"))
        try dir.write("train-images-idx3-ubyte.gz", Array(gz[0..<(gz.count / 2)]))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.problem.contains("gzip"), e.description)
    }

    func testEmptyFile() throws {
        try dir.writeValid()
        try dir.write("train-labels-idx1-ubyte", [])
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.problem.contains("empty"), e.description)
    }

    func testDirectoryWhereFileExpected() throws {
        try dir.writeValid()
        try FileManager.default.removeItem(atPath: dir.path("t10k-images-idx3-ubyte"))
        try FileManager.default.createDirectory(atPath: dir.path("t10k-images-idx3-ubyte"), withIntermediateDirectories: false)
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.problem.contains("is a directory"), e.description)
    }

    func testChecksumMismatchStillLoadsButIsReported() throws {
        try dir.writeValid()
        let data = try Dataset.load(.mnist, from: dir.url.path, verify: true)
        XCTAssertEqual(data.files.count, 4)
        XCTAssertTrue(data.files.allSatisfy { $0.checksum == .mismatch })
        XCTAssertTrue(data.files.allSatisfy { $0.sha256?.count == 64 })
    }

    func testResolveNamesAMissingDirectory() {
        XCTAssertThrowsError(try DataSource.resolve(.mnist, explicit: "/nonexistent/folio", projectRoot: nil)) { error in
            XCTAssertEqual((error as? DataError)?.problem, "directory not found")
        }
    }

    func testResolveRejectsAFileForADirectory() throws {
        try dir.writeValid()
        XCTAssertThrowsError(try DataSource.resolve(.mnist, explicit: dir.path("train-images-idx3-ubyte"), projectRoot: nil)) { error in
            XCTAssertTrue((error as? DataError)?.problem.contains("expected a directory") ?? false)
        }
    }
}
