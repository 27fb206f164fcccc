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
}
