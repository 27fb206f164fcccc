import Foundation
import XCTest
@testable import FolioNN

final class SafetensorsTests: XCTestCase {
    /// Fixtures/tiny.safetensors was written by the reference library (safetensors 0.8.0,
    /// numpy 2.4.6) with:
    ///
    ///     import numpy as np
    ///     from safetensors.numpy import save_file
    ///     save_file({
    ///         "conv.weight": np.array([[0.5, -1.25, 3.0], [1e-3, -0.0, 65504.0]], dtype=np.float32),
    ///         "conv.bias": np.array([0.1, -0.2], dtype=np.float32),
    ///         "bn.num_batches_tracked": np.array(782, dtype=np.int64),
    ///     }, "Tests/FolioNNTests/Fixtures/tiny.safetensors", metadata={"format": "np"})
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Fixtures/tiny.safetensors")

    static let fixtureTensors = [
        NamedTensor(name: "conv.bias", shape: [2], floats: [0.1, -0.2]),
        NamedTensor(name: "conv.weight", shape: [2, 3], floats: [0.5, -1.25, 3.0, 1e-3, -0.0, 65504.0]),
        NamedTensor(name: "bn.num_batches_tracked", shape: [], integers: [782]),
    ]

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("folio-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testReadsTheFileThePythonLibraryWrote() throws {
        let (tensors, metadata) = try Safetensors.read(Self.fixture)
        XCTAssertEqual(metadata, ["format": "np"])
        XCTAssertEqual(tensors.map(\.name), ["bn.num_batches_tracked", "conv.bias", "conv.weight"])
        let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0) })
        XCTAssertEqual(byName["bn.num_batches_tracked"]?.shape, [])
        XCTAssertEqual(byName["bn.num_batches_tracked"]?.integers, [782])
        XCTAssertEqual(byName["conv.bias"]?.floats, [0.1, -0.2])
        XCTAssertEqual(byName["conv.weight"]?.shape, [2, 3])
        let weight = try XCTUnwrap(byName["conv.weight"]?.floats)
        XCTAssertEqual(weight.map(\.bitPattern), [0.5, -1.25, 3.0, 1e-3, -0.0, 65504.0].map { Float($0).bitPattern })
    }

    func testWritesTheSameBytesAsThePythonLibrary() throws {
        let url = directory.appendingPathComponent("tiny.safetensors")
        try Safetensors.write(Self.fixtureTensors, metadata: ["format": "np"], to: url)
        XCTAssertEqual(try Data(contentsOf: url), try Data(contentsOf: Self.fixture))
    }

    func testRoundTrip() throws {
        let url = directory.appendingPathComponent("model.safetensors")
        let weights: [Float] = (0..<288).map { (i: Int) -> Float in Float(i) * 0.37 - 5 }
        let tensors = [
            NamedTensor(name: "conv_block.0.weight", shape: [32, 1, 3, 3], floats: weights),
            NamedTensor(name: "conv_block.0.bias", shape: [32], floats: [Float](repeating: .pi, count: 32)),
            NamedTensor(name: "conv_block.1.num_batches_tracked", shape: [], integers: [Int64.max]),
            NamedTensor(name: "fc.bias", shape: [3], floats: [.infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]),
            NamedTensor(name: "empty", shape: [0, 4], floats: []),
        ]
        try Safetensors.write(tensors, metadata: ["seed": "42", "quote\"d": "line\nbreak"], to: url)
        let (read, metadata) = try Safetensors.read(url)
        XCTAssertEqual(metadata, ["seed": "42", "quote\"d": "line\nbreak"])
        XCTAssertEqual(Set(read.map { $0.name }), Set(tensors.map { $0.name }))
        for tensor in tensors {
            XCTAssertEqual(read.first { $0.name == tensor.name }, tensor, tensor.name)
        }
        // Integer tensors come first so their data stays 8-byte aligned.
        XCTAssertEqual(read.first?.name, "conv_block.1.num_batches_tracked")
    }

    func testWriteReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws {
        let url = directory.appendingPathComponent("model.safetensors")
        try Safetensors.write([NamedTensor(name: "a", shape: [1], floats: [1])], to: url)
        try Safetensors.write([NamedTensor(name: "b", shape: [2], floats: [2, 3])], to: url)
        XCTAssertEqual(try Safetensors.read(url).tensors.map(\.name), ["b"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.safetensors"])
    }

    func testWriteRejectsInconsistentTensors() throws {
        let url = directory.appendingPathComponent("bad.safetensors")
        XCTAssertThrowsError(try Safetensors.write([NamedTensor(name: "w", shape: [2, 2], floats: [1, 2, 3])], to: url)) {
            XCTAssertEqual("\($0)", "\(url.path): tensor w has 3 values but its shape [2, 2] needs 4")
        }
        let twice = [NamedTensor(name: "w", shape: [1], floats: [1]), NamedTensor(name: "w", shape: [1], floats: [2])]
        XCTAssertThrowsError(try Safetensors.write(twice, to: url)) {
            XCTAssertEqual(($0 as? SafetensorsError)?.tensor, "w")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    func testFileWrittenByFolioLoadsInPython() throws {
        let url = directory.appendingPathComponent("for-python.safetensors")
        try Safetensors.write(Self.fixtureTensors + [
            NamedTensor(name: "fc.weight", shape: [2, 2], floats: [1.5, -2.5, 1e-7, 123456.75]),
        ], metadata: ["writer": "folio"], to: url)
        let script = """
            import sys
            from safetensors.numpy import load_file
            from safetensors import safe_open
            t = load_file(sys.argv[1])
            with safe_open(sys.argv[1], framework="np") as f:
                meta = f.metadata()
            print(meta["writer"], str(t["bn.num_batches_tracked"].dtype), t["bn.num_batches_tracked"].shape, int(t["bn.num_batches_tracked"]))
            print(str(t["conv.weight"].dtype), t["conv.weight"].shape, t["conv.weight"].ravel().tolist())
            print(t["conv.bias"].tolist(), t["fc.weight"].tolist())
            """
        let output = try Self.runPython(script, arguments: [url.path], modules: "safetensors, numpy")
        XCTAssertEqual(output, """
            folio int64 () 782
            float32 (2, 3) [0.5, -1.25, 3.0, 0.0010000000474974513, -0.0, 65504.0]
            [0.10000000149011612, -0.20000000298023224] [[1.5, -2.5], [1.0000000116860974e-07, 123456.75]]

            """)
    }

    /// Runs a Python snippet, skipping the calling test when Python or one of the modules
    /// is not installed (the CI image has no Python; these checks were also run by hand).
    /// Runs `script` with the interpreter `scripts/test` prepared (FOLIO_PYTHON, a
    /// virtual environment holding the modules); there a missing module is a failure.
    /// Without FOLIO_PYTHON (a bare `swift test`) the system python3 is tried and the
    /// test is skipped when it lacks the modules.
    static func runPython(_ script: String, arguments: [String], modules: String) throws -> String {
        let prepared = ProcessInfo.processInfo.environment["FOLIO_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
        let interpreter = prepared.map { [$0] } ?? ["python3"]
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = interpreter + ["-c", "import " + modules]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        do { try probe.run() } catch {
            if let prepared { XCTFail("cannot run \(prepared)"); throw error }
            throw XCTSkip("python3 is not available")
        }
        probe.waitUntilExit()
        if probe.terminationStatus != 0 {
            if let prepared {
                XCTFail("\(prepared) lacks the Python modules \(modules): run scripts/python-env")
                throw CocoaError(.executableLoad)
            }
            throw XCTSkip("the Python modules \(modules) are not installed (scripts/test installs them)")
        }

        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = interpreter + ["-c", script] + arguments
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python failed")
        return String(decoding: output, as: UTF8.self)
    }
}
