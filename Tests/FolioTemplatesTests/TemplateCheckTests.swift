@testable import FolioTemplates
import FolioDocument
import XCTest

/// The checks `folio build` runs on every template before any training.
final class TemplateCheckTests: XCTestCase {
    func testFormulasAreCheckedWithTheirLine() {
        XCTAssertNoThrow(try ReportManifest.checkFormulas(in: "Loss $L = {{loss}}$ and\n$$\\frac{a}{b}$$", file: "f.md"))
        XCTAssertThrowsError(try ReportManifest.checkFormulas(in: "fine $x$\n\nthen $\\frac{1}{2$ here", file: "f.md")) { error in
            XCTAssertEqual((error as? TemplateError)?.line, 3, "\(error)")
            XCTAssertEqual((error as? TemplateError)?.file, "f.md")
        }
        XCTAssertThrowsError(try ReportManifest.checkFormulas(in: "$\\nosuchcommand{x}$", file: "f.md"))
    }

    func testSampleValuesReplaceVariablesAndDropSections() {
        XCTAssertEqual(ReportManifest.withSampleValues("a {{x}} {{#s}}b{{/s}} {{^t}}c{{/t}} {{! note }}d"), "a 1 b c d")
    }
}
