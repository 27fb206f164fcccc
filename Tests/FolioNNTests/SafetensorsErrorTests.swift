import Foundation
import XCTest
@testable import FolioNN

/// Corrupt, truncated and mismatched checkpoints: each must fail with an error that
/// names the file and the tensor at fault.
final class SafetensorsErrorTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("folio-safetensors-errors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A file with the given raw header text and `dataBytes` zero bytes of data.
    private func file(header: String, dataBytes: Int, lengthField: UInt64? = nil) throws -> URL {
        let text = Array(header.utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (lengthField ?? UInt64(text.count)).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += text + [UInt8](repeating: 0, count: dataBytes)
        let url = directory.appendingPathComponent("bad.safetensors")
        try Data(bytes).write(to: url)
        return url
    }

    private func assertReadFails(_ url: URL, tensor: String?, contains fragment: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Safetensors.read(url), file: file, line: line) { error in
            guard let error = error as? SafetensorsError else {
                return XCTFail("unexpected error \(error)", file: file, line: line)
            }
            XCTAssertEqual(error.path, url.path, file: file, line: line)
            XCTAssertEqual(error.tensor, tensor, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(url.path + ": "), file: file, line: line)
            XCTAssertTrue(error.description.contains(fragment), "\(error) lacks “\(fragment)”", file: file, line: line)
        }
    }

    func testTruncatedFileNamesTheTensorCutShort() throws {
        var bytes = try Data(contentsOf: SafetensorsTests.fixture)
        bytes.removeLast(5)
        let url = directory.appendingPathComponent("cut.safetensors")
        try bytes.write(to: url)
        assertReadFails(url, tensor: "conv.weight", contains: "file is truncated: tensor conv.weight needs bytes [16, 40)")
    }

    func testFileTooShortForTheLengthField() throws {
        let url = directory.appendingPathComponent("tiny")
        try Data([1, 2, 3]).write(to: url)
        assertReadFails(url, tensor: nil, contains: "3 bytes, too short")
    }

    func testHeaderLengthBeyondTheFile() throws {
        let url = try file(header: "{}", dataBytes: 0, lengthField: 1_000)
        assertReadFails(url, tensor: nil, contains: "header length 1000 runs past the end of the file (10 bytes)")
    }

    func testInvalidJSON() throws {
        assertReadFails(try file(header: "{\"a\": [1, 2", dataBytes: 0), tensor: nil, contains: "header is not valid safetensors JSON")
        assertReadFails(try file(header: "[1, 2]  ", dataBytes: 0), tensor: nil, contains: "not a JSON object")
    }

    func testUnsupportedDType() throws {
        let url = try file(header: #"{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4)
        assertReadFails(url, tensor: "w", contains: "tensor w has dtype BF16; Folio reads only F32 and I64")
    }

    func testMalformedEntry() throws {
        let url = try file(header: #"{"w":{"dtype":"F32","shape":[2]}}"#, dataBytes: 8)
        assertReadFails(url, tensor: "w", contains: "tensor w: header entry has no \"data_offsets\"")
        let strings = try file(header: #"{"w":{"dtype":"F32"}}"#, dataBytes: 0)
        assertReadFails(strings, tensor: "w", contains: "tensor w: header entry has no")
        let metadata = try file(header: #"{"__metadata__":{"a":1}}"#, dataBytes: 0)
        assertReadFails(metadata, tensor: nil, contains: "__metadata__ is not a map of strings")
    }

    func testSizeDisagreesWithShape() throws {
        let url = try file(header: #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, dataBytes: 20)
        assertReadFails(url, tensor: "w", contains: "hold 20 bytes but shape [2, 3] of F32 needs 24")
    }

    func testOverlappingTensors() throws {
        let url = try file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, dataBytes: 12)
        assertReadFails(url, tensor: "b", contains: "overlap the data of tensor a, which ends at 8")
    }

    func testGapBetweenTensors() throws {
        let url = try file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, dataBytes: 12)
        assertReadFails(url, tensor: "b", contains: "leave a gap of 4 bytes after tensor a")
    }

    func testOffsetsOutOfOrder() throws {
        let url = try file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, dataBytes: 8)
        assertReadFails(url, tensor: "a", contains: "expected [begin, end] with 0 ≤ begin ≤ end")
    }

    func testUndescribedTrailingBytes() throws {
        let url = try file(header: #"{"a":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}"#, dataBytes: 11)
        assertReadFails(url, tensor: nil, contains: "3 bytes after the last tensor's data are not described by the header")
    }

    func testMissingFile() {
        assertReadFails(directory.appendingPathComponent("absent.safetensors"), tensor: nil, contains: "file not found")
    }

    // MARK: Shapes against the model

    func testShapeMismatchMessage() throws {
        let url = URL(fileURLWithPath: "/tmp/simple-cnn.safetensors")
        let found = [
            NamedTensor(name: "conv_block.0.weight", shape: [32, 1, 3, 3], floats: [Float](repeating: 0, count: 288)),
            NamedTensor(name: "conv_block.0.bias", shape: [32], floats: [Float](repeating: 0, count: 32)),
        ]
        let expected = ["conv_block.0.weight": [32, 1, 5, 5], "conv_block.0.bias": [32]]
        XCTAssertThrowsError(try Safetensors.checkShapes(expected: expected, found: found, file: url)) {
            XCTAssertEqual("\($0)", "/tmp/simple-cnn.safetensors: tensor conv_block.0.weight has shape [32, 1, 3, 3] in the file but the model expects [32, 1, 5, 5]")
            XCTAssertEqual(($0 as? SafetensorsError)?.tensor, "conv_block.0.weight")
        }
        XCTAssertNoThrow(try Safetensors.checkShapes(expected: ["conv_block.0.weight": [32, 1, 3, 3], "conv_block.0.bias": [32]], found: found, file: url))
    }

    func testMissingAndUnexpectedTensors() throws {
        let url = URL(fileURLWithPath: "/tmp/m.safetensors")
        let found = [
            NamedTensor(name: "fc.weight", shape: [10, 500], floats: [Float](repeating: 0, count: 5000)),
            NamedTensor(name: "bn.running_mean", shape: [500], floats: [Float](repeating: 0, count: 500)),
        ]
        XCTAssertThrowsError(try Safetensors.checkShapes(expected: ["fc.weight": [10, 500], "fc.bias": [10]], found: found, file: url)) {
            XCTAssertEqual("\($0)", "/tmp/m.safetensors: tensor bn.running_mean (shape [500]) is in the file but the model has no such tensor (and 1 more missing, unexpected or mismatched tensor)")
        }
        XCTAssertThrowsError(try Safetensors.checkShapes(expected: ["fc.weight": [10, 500], "fc.bias": [10], "bn.running_mean": [500]], found: found, file: url)) {
            XCTAssertEqual("\($0)", "/tmp/m.safetensors: tensor fc.bias (shape [10]) is missing from the file")
        }
    }
}
