import Foundation
import XCTest
import FolioExperiments
import FolioNN

/// The five networks against PyTorch itself: Fixtures/pytorch-networks.json holds
/// each one's `state_dict` (names, shapes, dtypes) and `print(model)` text as real
/// PyTorch gives them, written by scripts/pytorch-networks.py (how to run it is at
/// its top). The saved files of a report build are checked against the same fixture
/// in FolioReportTests (SavedNetworkTests.swift).
final class PyTorchNetworkTests: XCTestCase {
    struct Fixture: Decodable {
        struct Network: Decodable {
            let state_dict: [[Entry]]
            let print: String
        }
        /// A state_dict entry is [name, shape, dtype].
        enum Entry: Decodable {
            case text(String), shape([Int])
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) { self = .text(s) } else { self = .shape(try c.decode([Int].self)) }
            }
        }
        let torch: String
        let networks: [String: Network]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch-networks.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func testFixtureCoversEveryNetwork() throws {
        XCTAssertEqual(Set(try Self.fixture().networks.keys), Set(ModelKind.allCases.map(\.rawValue)))
    }

    func testPrintIsPyTorchsForEveryNetwork() throws {
        let fixture = try Self.fixture()
        for kind in ModelKind.allCases {
            let expected = try XCTUnwrap(fixture.networks[kind.rawValue], kind.rawValue).print
            XCTAssertEqual(kind.pytorchDescription, expected, "\(kind.rawValue): print(model) of PyTorch \(fixture.torch)")
        }
    }

    /// The names and shapes Folio writes (before any file): the same list, in the same
    /// order, as PyTorch's state_dict.
    func testTensorNamesAndShapesAreStateDictsInOrder() throws {
        let fixture = try Self.fixture()
        for kind in ModelKind.allCases {
            let expected = try XCTUnwrap(fixture.networks[kind.rawValue], kind.rawValue).state_dict.map { entry -> String in
                guard case let .text(name) = entry[0], case let .shape(shape) = entry[1] else { return "?" }
                return "\(name) \(shape)"
            }
            let tensors = try Model(kind: kind, seed: 0).checkpointTensors()
            XCTAssertEqual(tensors.map { "\($0.name) \($0.shape)" }, expected, kind.rawValue)
        }
    }

    /// Names without dots are attributes of the network itself: one line each, at
    /// the top level.
    func testLayersWithoutDotsPrintFlat() {
        let spec = NetworkSpec(name: "tiny", layers: ["fc": .linear(inFeatures: 4, outFeatures: 2), "out": .logSoftmax])
        XCTAssertEqual(spec.pytorchDescription(className: "Tiny"), """
            Tiny(
              (fc): Linear(in_features=4, out_features=2, bias=True)
              (out): LogSoftmax(dim=1)
            )
            """)
    }
}
