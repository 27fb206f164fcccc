import FolioBuild
import FolioChapters
import FolioData
import FolioDocument
import FolioExperiments
import FolioTestSupport
import XCTest

/// The fixture report's one computed answer: the problem set's MLP trained with Adam
/// for two epochs on the profile's subset. It lives here, not in Folio's sources: a
/// report is added with templates and chapters only, without touching the engine.
struct MLPDrillChapter: Chapter {
    static let name = "mlp-drill"
    static let declaration = ContentDeclaration(
        values: "accuracy epochs first_loss last_loss test_images train_images",
        tables: ["epochs"])
    static let epochs = 2

    func content(_ c: ChapterContext) throws -> SectionContent {
        let config = TrainingConfig(model: .mlp, optimizer: .adam, learningRate: 0.001, seed: c.seed,
                                    dataset: c.data.kind, trainCount: c.profile.trainCount,
                                    validationCount: c.profile.validationCount, testCount: c.profile.testCount)
        let run = try c.runner.train(config, epochs: Self.epochs)
        let records = run.records(upTo: Self.epochs)
        let test = try run.testEvaluation(atEpoch: Self.epochs)
        let loss = { (x: Double) in String(format: "%.4f", x) }
        let table = TableContent(caption: "Training loss per epoch.", header: ["epoch", "training loss"],
                                 rows: records.map { [String($0.epoch), loss($0.trainLoss)] },
                                 alignments: [.right, .right])
        return SectionContent(values: [
            "accuracy": .string(String(format: "%.2f %%", 100 * test.accuracy)),
            "epochs": .string(String(Self.epochs)),
            "first_loss": .string(loss(records.first!.trainLoss)), "last_loss": .string(loss(records.last!.trainLoss)),
            "test_images": .string(String(test.labels.count)), "train_images": .string(String(c.profile.trainCount)),
        ], tables: ["epochs": table])
    }
}

/// A third report, from `Fixtures/digits-drill`, built by the build library with its
/// own chapter: what docs/authoring.md walks through.
final class FixtureReportTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let chapters = ChapterLookup.folio(adding: [ReportChapters(report: "digits-drill", [MLPDrillChapter.self])])

    var output: URL!
    var templates: URL!

    override func setUpWithError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-fixture-\(UUID().uuidString)")
        output = root.appendingPathComponent("out")
        templates = root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures, to: templates)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: output.deletingLastPathComponent())
    }

    func request() -> BuildRequest {
        var request = BuildRequest(templates: templates, output: output)
        // The fixture's chapter is listed under its answer like Folio's own.
        request.checkout = FolioBinary.projectRoot
        request.codeFolders = ["Sources", "Tests/FolioBuildTests"]
        request.profile = .quick
        request.threads = 2
        return request
    }

    func testFixtureReportBuildsWithItsOwnChapter() throws {
        let build = try ReportBuild(request(), chapters: Self.chapters, log: BuildLog(quiet: true))
        XCTAssertEqual(build.manifests.map(\.id), ["digits-drill"])
        _ = try build.run(data: try ChapterFixture.mnist())

        let html = try String(contentsOf: output.appendingPathComponent("digits-drill.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("Train a small network") && html.contains("Count the outputs"))
        XCTAssertTrue(html.contains("Table 1"), "the answer cites its table")
        XCTAssertTrue(html.contains("MLPDrillChapter.content"), "the chapter's code is shown under its answer")
        XCTAssertTrue(html.contains("<details class=\"supplement training-log\">"), "its training run's log is shown")
        let text = try Subprocess.run("pdftotext", [output.appendingPathComponent("digits-drill.pdf").path, "-"]).stdout
        XCTAssertTrue(text.contains("A Two-Question Drill"), text)

        // results.json holds the trained question's values and none for the prose-only one.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("digits-drill/results.json")))
        let questions = try XCTUnwrap((json as? [String: Any])?["questions"] as? [String: Any])
        XCTAssertEqual(Set(questions.keys), ["1"])
        let accuracy = try XCTUnwrap((questions["1"] as? [String: Any])?["accuracy"] as? String)
        let percent = try XCTUnwrap(Double(accuracy.replacingOccurrences(of: " %", with: "")))
        XCTAssertGreaterThan(percent, 50, "two epochs of Adam learn the digits: \(accuracy)")
    }

    /// Without its chapter the report is refused before any data is read.
    func testFixtureWithoutItsChapterFailsNamingIt() throws {
        XCTAssertThrowsError(try ReportBuild(request(), log: BuildLog(quiet: true))) { error in
            XCTAssertTrue("\(error)".contains("mlp-drill") && "\(error)".contains("manifest.json"), "\(error)")
        }
    }

    /// The declaration is what the template is checked against: a placeholder the
    /// chapter does not declare fails before training, naming the file and line.
    func testTemplateAskingForAnUndeclaredValueFailsBeforeTraining() throws {
        let fragment = templates.appendingPathComponent("digits-drill/1-train.md")
        try (try String(contentsOf: fragment, encoding: .utf8) + "\nThe {{learning_rate}} was fixed.\n")
            .write(to: fragment, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReportBuild(request(), chapters: Self.chapters, log: BuildLog(quiet: true))) { error in
            XCTAssertTrue("\(error)".contains("1-train.md:7") && "\(error)".contains("learning_rate"), "\(error)")
        }
    }

    /// A formula the PDF's parser rejects is found before training, with its line,
    /// even in a question that has no chapter.
    func testUnbalancedFormulaFailsBeforeTrainingNamingTheLine() throws {
        let fragment = templates.appendingPathComponent("digits-drill/2-outputs.md")
        try (try String(contentsOf: fragment, encoding: .utf8) + "\nAnd so $\\frac{1}{10$ each at first.\n")
            .write(to: fragment, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReportBuild(request(), chapters: Self.chapters, log: BuildLog(quiet: true))) { error in
            XCTAssertTrue("\(error)".contains("2-outputs.md:5"), "\(error)")
            XCTAssertTrue("\(error)".contains("formula"), "\(error)")
        }
    }
}
