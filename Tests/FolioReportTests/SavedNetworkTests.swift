import Foundation
import FolioTestSupport
import XCTest

/// The trained networks a quick build saves: every one the reports train, linked
/// from its answer, and read back by Python's safetensors with exactly the tensor
/// names, shapes and dtypes of PyTorch's state_dict for its architecture
/// (Tests/FolioExperimentsTests/Fixtures/pytorch-networks.json, written by real
/// PyTorch with scripts/pytorch-networks.py).
extension BuildTests {
    /// Report → the files of its models/ folder.
    static let savedNetworks = [
        "cnn-assignment": ["simple-cnn-sgd", "simple-cnn-momentum", "simple-cnn-rmsprop", "simple-cnn-adam",
                           "simple-cnn-bn-sgd", "simple-cnn-bn-adam", "deep-cnn"],
        "problem-set": ["mlp", "small-cnn"],
    ]

    /// Model identifier → "name shape dtype" per tensor, as PyTorch's state_dict lists them.
    func pytorchStateDicts() throws -> [String: [String]] {
        let url = FolioBinary.projectRoot.appendingPathComponent("Tests/FolioExperimentsTests/Fixtures/pytorch-networks.json")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let networks = try XCTUnwrap(json["networks"] as? [String: [String: Any]])
        return try networks.mapValues { network in
            try XCTUnwrap(network["state_dict"] as? [[Any]]).map { entry in
                let shape = ((entry[1] as? [Any]) ?? []).map { "\($0)" }.joined(separator: ", ")
                return "\(entry[0]) [\(shape)] \(entry[2])"
            }
        }
    }

    func testEverySavedNetworkHasPyTorchsStateDict() throws {
        XCTAssertEqual(try built().status, 0)
        guard Python.has("safetensors, numpy") else {
            if let python = Python.prepared { return XCTFail("\(python) lacks safetensors or numpy: run scripts/python-env") }
            throw XCTSkip("python3 with safetensors and numpy is not installed (scripts/test installs them)")
        }
        let expected = try pytorchStateDicts()
        var paths: [String] = []
        for (report, names) in Self.savedNetworks {
            let folder = Self.output.appendingPathComponent("\(report)/models")
            let saved = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            XCTAssertEqual(Set(saved), Set(names.map { $0 + ".safetensors" }), report)
            paths += names.map { folder.appendingPathComponent($0 + ".safetensors").path }
        }
        // Per file: its model identifier (metadata) and "name shape dtype" per tensor, sorted.
        let script = """
            import sys
            from safetensors import safe_open
            from safetensors.numpy import load_file
            for path in sys.argv[1:]:
                with safe_open(path, framework="np") as f:
                    print("file", path, f.metadata()["model"])
                for name, t in sorted(load_file(path).items()):
                    print(name, list(t.shape), t.dtype)
            """
        let r = try Python.run(script, arguments: paths)
        XCTAssertEqual(r.status, 0, r.stderr)
        var found: [String: (model: String, tensors: [String])] = [:]
        var current = ""
        for line in r.stdout.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ").map(String.init)
            if words.first == "file" {
                current = words[1]; found[current] = (words[2], [])
            } else {
                found[current]?.tensors.append(line)
            }
        }
        XCTAssertEqual(Set(found.keys), Set(paths))
        for path in paths {
            let file = try XCTUnwrap(found[path], path)
            let stateDict = try XCTUnwrap(expected[file.model], "\(path): no PyTorch state_dict for \(file.model)")
            XCTAssertEqual(file.tensors, stateDict.sorted(), URL(fileURLWithPath: path).lastPathComponent)
        }
    }

    /// Every saved file is linked from the report page, relative to it.
    func testSavedNetworksAreLinkedFromTheirAnswers() throws {
        XCTAssertEqual(try built().status, 0)
        for (report, names) in Self.savedNetworks {
            let html = try String(contentsOf: Self.output.appendingPathComponent("\(report).html"), encoding: .utf8)
            for name in names {
                XCTAssertTrue(html.contains("href=\"\(report)/models/\(name).safetensors\""), "\(report): \(name) is not linked")
            }
        }
        let cnn = try String(contentsOf: Self.output.appendingPathComponent("cnn-assignment.html"), encoding: .utf8)
        XCTAssertTrue(cnn.contains("load_state_dict(load_file("), "the PyTorch loading example is missing")
        XCTAssertTrue(cnn.contains("(conv_block): Sequential("), "print(model) of the SimpleCNN is missing")
    }
}
