import FolioBuild
import FolioData
import FolioExperiments
import FolioTestSupport
import XCTest

/// The build library driven directly, as the command line drives it.
final class ReportBuildTests: XCTestCase {
    var output: URL!

    override func setUpWithError() throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("folio-lib-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: output)
    }

    func request(reports: [String] = [], sections: [String] = []) -> BuildRequest {
        var request = BuildRequest(templates: FolioBinary.projectRoot.appendingPathComponent("report-templates"), output: output)
        request.reports = reports
        request.sections = sections
        request.profile = .quick
        request.threads = 2
        return request
    }

    func testUnknownReportOrSectionIsOneLineNamingTheChoices() throws {
        XCTAssertThrowsError(try ReportBuild(request(reports: ["no-such-report"]), log: BuildLog(quiet: true))) { error in
            let line = "\(error)"
            XCTAssertTrue(line.contains("no-such-report") && line.contains("cnn-assignment") && line.contains("problem-set"), line)
            XCTAssertFalse(line.contains("\n"), line)
        }
        XCTAssertThrowsError(try ReportBuild(request(reports: ["problem-set"], sections: ["9.9"]), log: BuildLog(quiet: true))) { error in
            XCTAssertTrue("\(error)".contains("9.9") && "\(error)".contains("problem-set"), "\(error)")
        }
    }

    func testSelectingASectionKeepsOnlyTheReportsHoldingIt() throws {
        let build = try ReportBuild(request(sections: ["A"]), log: BuildLog(quiet: true))
        XCTAssertEqual(build.manifests.map(\.id), ["cnn-assignment"])
    }

    /// A section build writes that section's page and PDF, and the PDF holds that
    /// question alone (it used to hold every selected one).
    func testSectionBuildWritesItsOwnSectionOnly() throws {
        let build = try ReportBuild(request(reports: ["problem-set"], sections: ["3.1", "3.3"]), log: BuildLog(quiet: true))
        let outcome = try build.run(data: try ChapterFixture.mnist())
        let names = Set(outcome.documents.map { $0.pathComponents.suffix(3).joined(separator: "/") })
        XCTAssertEqual(names, ["problem-set/sections/q-3-1.html", "problem-set/sections/q-3-1.pdf",
                               "problem-set/sections/q-3-3.html", "problem-set/sections/q-3-3.pdf"])
        let manifest = try XCTUnwrap(build.manifests.first)
        let title = { (id: String) in manifest.questions.first { $0.id == id }!.title }
        let text = try Subprocess.run("pdftotext", [output.appendingPathComponent("problem-set/sections/q-3-1.pdf").path, "-"]).stdout
        XCTAssertTrue(text.contains(title("3.1")), text)
        XCTAssertFalse(text.contains(title("3.3")), text)
    }

    /// results.json gives each number typed beside the text the prose printed
    /// (docs/results-json.md). Built from the CNN report cut down to question 1.1,
    /// since only a whole report writes results.json.
    func testResultsHoldTypedNumbersBesideThePrintedText() throws {
        let templates = output.appendingPathComponent("templates")
        let report = templates.appendingPathComponent("cnn-assignment")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FolioBinary.projectRoot.appendingPathComponent("report-templates/cnn-assignment"), to: report)
        let manifestURL = report.appendingPathComponent("manifest.json")
        var manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        var part = try XCTUnwrap((manifest["parts"] as? [[String: Any]])?.first { $0["id"] as? String == "part-1" })
        part["questions"] = (part["questions"] as? [[String: Any]])?.filter { $0["id"] as? String == "1.1" }
        manifest["parts"] = [part]
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)

        var request = request(reports: ["cnn-assignment"])
        request.templates = templates
        request.checkout = FolioBinary.projectRoot  // the code under each answer
        request.formats = [.html]
        _ = try ReportBuild(request, log: BuildLog(quiet: true)).run(data: try ChapterFixture.mnist())
        let data = try Data(contentsOf: output.appendingPathComponent("cnn-assignment/results.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let values = try XCTUnwrap((json["questions"] as? [String: Any])?["1.1"] as? [String: Any])
        let html = try String(contentsOf: output.appendingPathComponent("cnn-assignment.html"), encoding: .utf8)

        // Every test accuracy: the printed text, the percentage it shows, and the test images.
        let ranking = try XCTUnwrap(values["ranking"] as? [[String: Any]])
        XCTAssertEqual(ranking.count, 4)
        for row in ranking {
            let accuracy = try XCTUnwrap(row["accuracy"] as? [String: Any], "\(row)")
            let text = try XCTUnwrap(accuracy["text"] as? String)
            XCTAssertTrue(text.hasSuffix("\u{00A0}%") && html.contains(text), text)
            let value = try XCTUnwrap(accuracy["value"] as? Double)
            XCTAssertEqual(value, try XCTUnwrap(Double(text.dropLast(2))), accuracy: 0.005, text)
            XCTAssertEqual(accuracy["unit"] as? String, "%")
            XCTAssertEqual(accuracy["count"] as? Int, Profile.quick.testCount)
        }
        let chosen = try XCTUnwrap(values["chosen_test"] as? [String: Any])
        XCTAssertEqual(chosen["count"] as? Int, Profile.quick.testCount)
        // A validation accuracy counts the validation images.
        let validation = try XCTUnwrap(values["chosen_validation"] as? [String: Any])
        XCTAssertEqual(validation["count"] as? Int, Profile.quick.validationCount)

        // A count: its printed text and value, no unit and no sample size.
        let images = try XCTUnwrap(values["train_images"] as? [String: Any])
        XCTAssertEqual(images["text"] as? String, "3,000")
        XCTAssertEqual(images["value"] as? Double, 3000)
        XCTAssertNil(images["unit"])
        XCTAssertNil(images["count"])
        // A p-value is p, in the text "p = …" or "p < 0.001".
        let steps = try XCTUnwrap(values["steps"] as? [[String: Any]])
        let p = try XCTUnwrap(steps.first?["p"] as? [String: Any])
        XCTAssertTrue((p["text"] as? String)?.hasPrefix("p\u{00A0}") == true, "\(p)")
        XCTAssertTrue((0...1).contains(try XCTUnwrap(p["value"] as? Double)), "\(p)")
        // Names stay strings; yes/no values stay booleans.
        XCTAssertNotNil(values["chosen_optimiser"] as? String)
        XCTAssertNotNil(values["chosen_is_test_best"] as? Bool)
    }
}
