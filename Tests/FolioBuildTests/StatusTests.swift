import FolioBuild
import FolioData
import FolioExperiments
import FolioTestSupport
import XCTest

/// `folio status` through the library: a question is stale until a build computed
/// what it needs, a status computes and writes nothing, and a derived computation
/// whose version changes is stale again. Problem 1.4 trains only the MLP on the quick
/// profile (3,000 images, 2 epochs): a second or two.
final class StatusTests: XCTestCase {
    var output: URL!

    override func setUpWithError() throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("folio-status-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: output)
    }

    func request(sections: [String]) -> BuildRequest {
        var request = BuildRequest(templates: FolioBinary.projectRoot.appendingPathComponent("report-templates"), output: output)
        request.reports = ["problem-set"]
        request.sections = sections
        request.formats = [.html]
        request.profile = .quick
        request.threads = 2
        return request
    }

    func mnist() throws -> Dataset {
        try Dataset.load(.mnist, from: DataSource.resolve(.mnist, explicit: nil, projectRoot: FolioBinary.projectRoot.path))
    }

    func status(_ sections: [String]) throws -> BuildStatus {
        try ReportBuild(request(sections: sections), log: BuildLog(quiet: true)).status(data: try mnist())
    }

    func testEmptyCacheIsStaleThenABuildMakesItUpToDate() throws {
        let before = try status(["1.4"])
        let question = try XCTUnwrap(before.questions.first)
        XCTAssertEqual(before.questions.count, 1)
        XCTAssertFalse(question.isUpToDate)
        XCTAssertEqual(question.pending?.kind, "train")
        XCTAssertNil(question.pending?.estimatedSeconds, "nothing cached to estimate from")
        XCTAssertEqual(before.lines.first, "problem-set 1.4  stale: would train mlp + SGD (lr 0.01) for 2 epochs on 3,000 images (time unknown)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "a status wrote into the output folder")

        _ = try ReportBuild(request(sections: ["1.4"]), log: BuildLog(quiet: true)).run(data: try mnist())
        let after = try status(["1.4"])
        XCTAssertTrue(try XCTUnwrap(after.questions.first).isUpToDate, after.lines.joined(separator: "\n"))
        XCTAssertEqual(after.lines, ["problem-set 1.4  up to date", "all 1 question up to date"])

        // 2.3 also trains the MLP on unstandardised inputs: now estimated from the
        // epochs the MLP's run recorded on this machine.
        let other = try status(["2.3"])
        let pending = try XCTUnwrap(other.questions.first?.pending)
        XCTAssertEqual(pending.kind, "train")
        XCTAssertNotNil(pending.estimatedSeconds, pending.description)
        XCTAssertTrue(pending.basis.contains("of mlp at"), pending.basis)
        XCTAssertTrue(other.lines.last?.contains("1 of 1 question stale") == true, other.lines.joined(separator: "\n"))
    }

    /// A derived result is served while its version stands; a bumped version is a
    /// new key, so the dry run stops at it and a build computes it afresh.
    func testChangingADerivedVersionMakesItStale() throws {
        let root = output.appendingPathComponent(".cache")
        let data = DataIdentity(try mnist())
        func cache(dryRun: Bool) -> ResultCache {
            ResultCache(root: root, log: BuildLog(quiet: true), threads: 2, data: data, dryRun: dryRun)
        }
        struct Config: Codable { var images: Int }
        func mean(version: Int) -> DerivedResult<Config, Double> {
            DerivedResult("mean of the first images", kind: "test-mean", version: version, configuration: Config(images: 3)) { 4.5 }
        }
        XCTAssertThrowsError(try cache(dryRun: true).value(mean(version: 1))) { error in
            XCTAssertEqual((error as? WouldCompute)?.summary, "compute mean of the first images")
        }
        XCTAssertEqual(try cache(dryRun: false).value(mean(version: 1)), 4.5)
        XCTAssertEqual(try cache(dryRun: true).value(mean(version: 1)), 4.5)
        XCTAssertThrowsError(try cache(dryRun: true).value(mean(version: 2))) { error in
            let pending = error as? WouldCompute
            XCTAssertEqual(pending?.kind, "test-mean")
            // Version 1's recorded time is the estimate for version 2.
            XCTAssertNotNil(pending?.estimatedSeconds)
        }
    }

    /// Training keys are what they were before keys held versions and checksums
    /// (a full build's runs take 15 minutes to train again): the hash of the
    /// configuration and the thread count alone, for the published MNIST files.
    func testTrainingKeysKeepTheirLayout() throws {
        let data = try mnist()
        XCTAssertTrue(data.isPublished)
        let cache = ResultCache(root: output, log: BuildLog(quiet: true), threads: 2, data: DataIdentity(data), dryRun: true)
        let config = TrainingConfig(model: .mlp, optimizer: .sgd, learningRate: 0.01, seed: 1, dataset: .mnist,
                                    trainCount: 3_000, validationCount: 1_000, testCount: 1_000)
        struct Legacy: Encodable { let config: TrainingConfig; let threads: Int }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let legacy = String(SHA256.hex([UInt8](try encoder.encode(Legacy(config: config, threads: 2)))).prefix(16))
        XCTAssertThrowsError(try ExperimentRunner(data: data, cache: cache, threads: 2).train(config, epochs: 1)) { error in
            XCTAssertEqual((error as? WouldCompute)?.entry, "train-\(legacy)")
        }
    }
}
