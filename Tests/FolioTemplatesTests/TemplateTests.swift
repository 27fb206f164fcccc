import XCTest
import FolioDocument
import FolioDocumentFixtures
@testable import FolioTemplates

final class ManifestTests: XCTestCase {
    func testLoadsPartsQuestionsAndChapters() throws {
        let fixture = try ReportFixture(manifest: """
            {"id": "r", "title": "T", "course": "C", "subtitle": "S",
             "parts": [{"id": "a", "title": "A", "intro": "intro.md", "questions": [
                {"id": "1.1", "title": "Q1", "question": "Q?", "chapter": "Adam", "answer": "a.md"},
                {"id": "1.2", "title": "Q2", "question": "Q?", "chapter": "SGD", "answer": "a.md"}]},
               {"id": "b", "title": "B", "questions": [
                {"id": "2.1", "title": "Q3", "question": "Q?", "chapter": "Adam", "answer": "a.md"}]}]}
            """, fragments: ["a.md": "Answer.", "intro.md": "Intro."])
        let manifest = try fixture.manifest()
        XCTAssertEqual(manifest.questions.map(\.id), ["1.1", "1.2", "2.1"])
        XCTAssertEqual(manifest.chapterNames, ["Adam", "SGD"])
        XCTAssertEqual(manifest.subtitle, "S")
        XCTAssertEqual(manifest.parts[0].intro, "intro.md")
        XCTAssertNoThrow(try manifest.checkFragments())
    }

    func testMissingKeyNamesFileAndPlace() throws {
        let fixture = try ReportFixture(manifest: """
            {"id": "r", "title": "T", "course": "C", "parts": [{"id": "a", "title": "A", "questions": [
                {"id": "1.1", "title": "Q1", "question": "Q?", "chapter": "X"}]}]}
            """, fragments: ["a.md": ""])
        assertTemplateError(try fixture.manifest(), file: "manifest.json",
                            contains: "parts[0].questions[0]: missing key \"answer\"")
    }

    /// A question without "chapter" is answered by its template alone.
    func testQuestionWithoutChapterIsProseOnly() throws {
        let fixture = try ReportFixture(manifest: """
            {"id": "r", "title": "T", "course": "C", "parts": [{"id": "a", "title": "A", "questions": [
                {"id": "1.1", "title": "Q1", "question": "Q?", "answer": "a.md"}]}]}
            """, fragments: ["a.md": "A derivation."])
        let manifest = try fixture.manifest()
        XCTAssertNil(manifest.questions[0].chapter)
        XCTAssertEqual(manifest.chapterNames, [])
        XCTAssertNoThrow(try manifest.checkChapters(available: []))
        XCTAssertNoThrow(try manifest.checkTemplates(declarations: [:]))
    }

    func testUnknownFragmentFile() throws {
        let fixture = try ReportFixture(manifest: """
            {"id": "r", "title": "T", "course": "C", "parts": [{"id": "a", "title": "A", "questions": [
                {"id": "1.1", "title": "Q1", "question": "Q?", "chapter": "X", "answer": "missing.md"}]}]}
            """, fragments: [:])
        assertTemplateError(try fixture.manifest(), file: "manifest.json", contains: "unknown fragment file \"missing.md\"")
    }

    func testDuplicateQuestionID() throws {
        let fixture = try ReportFixture(manifest: """
            {"id": "r", "title": "T", "course": "C", "parts": [{"id": "a", "title": "A", "questions": [
                {"id": "1.1", "title": "Q1", "question": "Q?", "chapter": "X", "answer": "a.md"},
                {"id": "1.1", "title": "Q2", "question": "Q?", "chapter": "Y", "answer": "a.md"}]}]}
            """, fragments: ["a.md": ""])
        assertTemplateError(try fixture.manifest(), file: "manifest.json", contains: "duplicate question id \"1.1\"")
    }

    func testInvalidJSONAndWrongTypes() throws {
        let broken = try ReportFixture(manifest: "{\"id\": ", fragments: [:])
        assertTemplateError(try broken.manifest(), file: "manifest.json", contains: "not valid JSON")
        let wrongType = try ReportFixture(manifest: """
            {"id": "r", "title": 3, "course": "C", "parts": []}
            """, fragments: [:])
        assertTemplateError(try wrongType.manifest(), file: "manifest.json", contains: "\"title\" must be a string")
    }

    func testMissingChapterIsReportedBeforeTraining() throws {
        let fixture = try ReportFixture.single("Done.")
        XCTAssertNoThrow(try fixture.manifest().checkChapters(available: ["FirstChapter", "Other"]))
        assertTemplateError(try fixture.manifest().checkChapters(available: ["Other"]), file: "manifest.json",
                            contains: "question 1.1 needs chapter \"FirstChapter\"")
    }

    func testContentForUnknownQuestionIsAnError() throws {
        let fixture = try ReportFixture.single("Done.")
        XCTAssertThrowsError(try assembleDocument(manifest: fixture.manifest(), contents: ["9.9": SectionContent()],
                                                  generatedBy: [])) { error in
            XCTAssertTrue("\(error)".contains("\"9.9\""), "\(error)")
        }
    }
}

final class PlaceholderTests: XCTestCase {
    func testValuesAndSectionsFill() throws {
        let fixture = try ReportFixture.single("""
            Accuracy was {{accuracy}} after {{epochs}} epochs.

            {{#runs}}
            - {{name}}: {{loss}} (lr {{lr}})
            {{/runs}}

            {{#converged}}It converged.{{/converged}}{{^converged}}It diverged.{{/converged}}
            """)
        let answer = try fixture.answer(SectionContent(values: [
            "accuracy": "98.7 %", "epochs": "5", "lr": "0.001", "converged": true,
            "runs": [["name": "Adam", "loss": "0.05"], ["name": "SGD", "loss": "0.11"]],
        ]))
        guard answer.count == 3 else { return XCTFail("\(answer)") }
        guard case let .paragraph(first) = answer[0], case let .list(false, items) = answer[1],
              case let .paragraph(last) = answer[2] else { return XCTFail("\(answer)") }
        XCTAssertEqual(plain(first), "Accuracy was 98.7 % after 5 epochs.")
        XCTAssertEqual(items.count, 2)
        guard case let .paragraph(item) = items[1][0] else { return XCTFail() }
        XCTAssertEqual(plain(item), "SGD: 0.11 (lr 0.001)")
        XCTAssertEqual(plain(last), "It converged.")
    }

    /// A typed number fills a placeholder with its text, exactly as a string would;
    /// as a section it is refused like text.
    func testNumbersFillAsTheirText() throws {
        let fixture = try ReportFixture.single("{{#runs}}{{name}}: {{accuracy}} of {{images}}. {{/runs}}Mean {{mean}}.")
        let percent = Measure(text: "98.93\u{00A0}%", value: 98.93, unit: "%", count: 10_000)
        let answer = try fixture.answer(SectionContent(values: [
            "runs": [["name": "Adam", "accuracy": .number(percent), "images": .number(Measure(text: "10,000", value: 10_000))]],
            "mean": .number(Measure(text: "0.5", value: 0.5)),
        ]))
        guard case let .paragraph(inlines) = answer[0] else { return XCTFail("\(answer)") }
        XCTAssertEqual(plain(inlines), "Adam: 98.93\u{00A0}% of 10,000. Mean 0.5.")
        let section = try ReportFixture.single("{{#mean}}x{{/mean}}")
        assertTemplateError(try section.answer(SectionContent(values: ["mean": .number(Measure(text: "1", value: 1))])),
                            file: "answer.md", contains: "is text")
    }

    func testEmptyListAndFalseFlag() throws {
        let fixture = try ReportFixture.single("{{#runs}}{{name}} in {{unit}}{{/runs}}{{^runs}}No runs.{{/runs}} {{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}")
        let answer = try fixture.answer(SectionContent(values: ["runs": [], "unit": "s", "flag": false]))
        guard case let .paragraph(inlines) = answer[0] else { return XCTFail("\(answer)") }
        XCTAssertEqual(plain(inlines), "No runs. no")
    }

    func testMissingValueNamesFileAndLine() throws {
        let fixture = try ReportFixture.single("First line.\n\nSecond {{present}}.\nThird {{absent}}.\n")
        assertTemplateError(try fixture.answer(SectionContent(values: ["present": "x"])), file: "answer.md",
                            line: 4, contains: "{{absent}} has no value")
    }

    func testMissingFieldInsideSectionNamesLine() throws {
        let fixture = try ReportFixture.single("{{#runs}}\n{{name}} {{missing}}\n{{/runs}}\n")
        assertTemplateError(try fixture.answer(SectionContent(values: ["runs": [["name": "a"]]])),
                            file: "answer.md", line: 2, contains: "{{missing}} has no value")
    }

    func testUnusedValueIsAnError() throws {
        let fixture = try ReportFixture.single("Only {{used}}.")
        assertTemplateError(try fixture.answer(SectionContent(values: ["used": "1", "forgotten": "2"])),
                            file: "answer.md", contains: "value \"forgotten\" is not used")
        let nested = try ReportFixture.single("{{#runs}}{{name}}{{/runs}}")
        assertTemplateError(try nested.answer(SectionContent(values: ["runs": [["name": "a", "extra": "b"]]])),
                            file: "answer.md", contains: "value \"runs.extra\" is not used")
    }

    func testDottedNamesAndOuterNamesInsideSections() throws {
        let fixture = try ReportFixture.single("{{best.name}}: {{#runs}}{{name}}/{{unit}} {{/runs}}")
        let answer = try fixture.answer(SectionContent(values: [
            "best": ["name": "Adam"], "unit": "s", "runs": [["name": "a"], ["name": "b"]],
        ]))
        guard case let .paragraph(inlines) = answer[0] else { return XCTFail() }
        XCTAssertEqual(plain(inlines).trimmingCharacters(in: .whitespaces), "Adam: a/s b/s")
    }

    func testUnbalancedSectionAndUnsupportedTags() throws {
        let open = try ReportFixture.single("Text\n{{#runs}}\n{{name}}\n")
        assertTemplateError(try open.manifest().checkFragments(), file: "answer.md", line: 2, contains: "never closed")
        let partial = try ReportFixture.single("{{> other}}")
        assertTemplateError(try partial.manifest().checkFragments(), file: "answer.md", line: 1, contains: "unsupported")
    }

    func testHostileValuesStayPlainText() throws {
        let fixture = try ReportFixture.single("Value: {{v}} and *{{w}}* and `{{c}}`.")
        let hostile = "*bold* _it_ <script>alert(1)</script> & [x](http://e) @fig-nowhere $x$ {{y}}"
        let answer = try fixture.answer(SectionContent(values: ["v": .string(hostile), "w": "a_b_", "c": "x < y"]))
        XCTAssertEqual(answer.count, 1)
        guard case let .paragraph(inlines) = answer[0] else { return XCTFail("\(answer)") }
        guard case let .text(text) = inlines[0] else { return XCTFail("\(inlines)") }
        XCTAssertEqual(text, "Value: " + hostile + " and ")
        guard case let .emphasis(emphasised) = inlines[1] else { return XCTFail("\(inlines)") }
        XCTAssertEqual(plain(emphasised), "a_b_")
        XCTAssertTrue(inlines.contains { if case .code("x < y") = $0 { return true }; return false })
        // FolioHTMLTests checks that the HTML writer escapes the same values.
    }

    func testValuesInsideMathAreTeXEscaped() throws {
        let fixture = try ReportFixture.single("Rate $\\eta = {{lr}}$.")
        let answer = try fixture.answer(SectionContent(values: ["lr": "1e-3_x"]))
        guard case let .paragraph(inlines) = answer[0] else { return XCTFail() }
        XCTAssertEqual(plain(inlines), "Rate $\\eta = 1e-3\\_x$.")
    }
}

func assertTemplateError<T>(_ expression: @autoclosure () throws -> T, file: String, line: Int? = nil,
                            contains text: String, sourceFile: StaticString = #filePath, sourceLine: UInt = #line) {
    XCTAssertThrowsError(try expression(), file: sourceFile, line: sourceLine) { error in
        guard let error = error as? TemplateError else {
            return XCTFail("not a TemplateError: \(error)", file: sourceFile, line: sourceLine)
        }
        XCTAssertTrue(error.file.hasSuffix(file), "file \(error.file)", file: sourceFile, line: sourceLine)
        if let line { XCTAssertEqual(error.line, line, "\(error)", file: sourceFile, line: sourceLine) }
        XCTAssertTrue(error.message.contains(text), "\(error)", file: sourceFile, line: sourceLine)
    }
}
