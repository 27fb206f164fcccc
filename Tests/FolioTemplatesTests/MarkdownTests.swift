import XCTest
import FolioDocument
import FolioDocumentFixtures
@testable import FolioTemplates

final class MarkdownTests: XCTestCase {
    func testInlineAndDisplayMathSurviveMarkdown() throws {
        let fixture = try ReportFixture.single("""
            The layer computes $W_1 x + b_1$ and then *ReLU* of $a_2 * b_3$.

            $$
            \\mathcal{L} = -\\sum_i y_i \\log \\hat{y}_i
            $$

            Prices like $5 and $6 stay text, and `$HOME_DIR_x` stays code.
            """)
        let answer = try fixture.answer()
        XCTAssertEqual(answer.count, 3, "\(answer)")
        guard case let .paragraph(first) = answer[0] else { return XCTFail("\(answer)") }
        XCTAssertEqual(plain(first), "The layer computes $W_1 x + b_1$ and then ReLU of $a_2 * b_3$.")
        XCTAssertTrue(first.contains { if case .math("W_1 x + b_1") = $0 { return true }; return false })
        guard case let .math(display) = answer[1] else { return XCTFail("\(answer)") }
        XCTAssertEqual(display.trimmingCharacters(in: .whitespacesAndNewlines), "\\mathcal{L} = -\\sum_i y_i \\log \\hat{y}_i")
        guard case let .paragraph(last) = answer[2] else { return XCTFail("\(answer)") }
        XCTAssertEqual(plain(last), "Prices like $5 and $6 stay text, and $HOME_DIR_x stays code.")
        XCTAssertTrue(last.contains { if case .code("$HOME_DIR_x") = $0 { return true }; return false })
    }

    func testDisplayMathInsideParagraphSplitsIt() throws {
        let fixture = try ReportFixture.single("Before $$x^2$$ after.")
        let answer = try fixture.answer()
        XCTAssertEqual(answer.count, 3)
        guard case .math("x^2") = answer[1] else { return XCTFail("\(answer)") }
    }

    func testMathInQuestionPrompt() throws {
        let fixture = try ReportFixture.single("Ok.", question: "Show that $\\sigma'(z) = \\sigma(z)(1-\\sigma(z))$.")
        let prompt = try fixture.document().parts[0].questions[0].prompt
        guard case let .paragraph(inlines) = prompt[0] else { return XCTFail() }
        XCTAssertTrue(inlines.contains { if case .math("\\sigma'(z) = \\sigma(z)(1-\\sigma(z))") = $0 { return true }; return false },
                      "\(inlines)")
    }

    func testMarkdownStructure() throws {
        let fixture = try ReportFixture.single("""
            ## Method

            1. first **bold**
            2. second with [a link](https://example.org)

            > quoted

            | Model | Accuracy |
            |:------|---------:|
            | MLP   | 97.1 %   |

            ```
            code_with_underscores $x$
            ```

            ---
            """)
        let answer = try fixture.answer()
        guard answer.count == 6 else { return XCTFail("\(answer)") }
        guard case .heading(2, _) = answer[0], case let .list(true, items) = answer[1], case .quote = answer[2],
              case let .table(table) = answer[3], case let .code(code) = answer[4], case .rule = answer[5] else {
            return XCTFail("\(answer)")
        }
        XCTAssertEqual(items.count, 2)
        XCTAssertEqual(table.alignments, [.left, .right])
        XCTAssertEqual(table.header.map(plain), ["Model", "Accuracy"])
        XCTAssertEqual(table.rows.map { $0.map(plain) }, [["MLP", "97.1 %"]])
        XCTAssertNil(table.number)
        XCTAssertEqual(code, "code_with_underscores $x$")
    }
}

final class NumberingTests: XCTestCase {
    func testHandWrittenTableWithCaptionIsNumbered() throws {
        let fixture = try ReportFixture.single("""
            [[table:chapter]]

            | a | b |
            |---|:-:|
            | 1 | 2 |

            Table: Hand-written *comparison*. {#tbl-compare}

            See @tbl-compare and @tbl-chapter.
            """)
        let answer = try fixture.answer(SectionContent(tables: ["chapter": TableContent(caption: "C", header: ["x"], rows: [])]))
        guard answer.count == 3, case let .table(table) = answer[1], case let .paragraph(text) = answer[2] else {
            return XCTFail("\(answer)")
        }
        XCTAssertEqual(table.number, 2)
        XCTAssertEqual(table.id, "tbl-compare")
        XCTAssertEqual(plain(table.caption), "Hand-written comparison.")
        XCTAssertEqual(table.alignments, [.left, .center])
        XCTAssertEqual(plain(text), "See Table 2 and Table 1.")
    }

    func testFiguresAndTablesAreNumberedSeparatelyInOrder() throws {
        let document = try SampleReport.crossReferenced()
        let one = document.parts[0].questions[0].answer
        let two = document.parts[1].questions[0].answer
        guard case let .figure(a) = one[1], case let .table(first) = one[2], case let .listing(listing) = one[3],
              case let .figure(b) = two[0], case let .table(results) = two[1] else { return XCTFail("\(one) \(two)") }
        XCTAssertEqual([a.number, b.number], [1, 2])
        XCTAssertEqual([a.id, b.id], ["fig-a", "fig-b"])
        XCTAssertEqual([first.number, results.number], [1, 2])
        XCTAssertEqual(first.id, "tbl-first")
        XCTAssertEqual(first.alignments, [.right, .left])
        XCTAssertEqual(plain(a.caption), "Chapter caption A")
        XCTAssertEqual(plain(b.caption), "Custom caption with $x_1$")
        XCTAssertEqual(listing.text, "Layer  Params\nfc1    100")
    }

    func testReferencesResolveForwardAndBackward() throws {
        let document = try SampleReport.crossReferenced()
        guard case let .paragraph(intro) = document.parts[0].intro[0],
              case let .paragraph(prompt) = document.parts[0].questions[0].prompt[0],
              case let .paragraph(one) = document.parts[0].questions[0].answer[0],
              case let .paragraph(two) = document.parts[1].questions[0].answer[2] else { return XCTFail() }
        XCTAssertEqual(plain(intro), "Intro mentions Table 2.")
        XCTAssertEqual(plain(prompt), "See Figure 2.")
        XCTAssertEqual(plain(one), "As Figure 1 shows, and later Figure 2 and Table 2.")
        XCTAssertEqual(plain(two), "Back to Figure 1, then Table 1.")
        XCTAssertTrue(one.contains { if case .reference("Figure 2", "fig-b") = $0 { return true }; return false })
    }

    func testUnknownReferenceNamesFragmentAndLine() throws {
        let fixture = try ReportFixture.single("Fine.\n\nSee @fig-nothing here.")
        assertTemplateError(try fixture.answer(), file: "answer.md", line: 3, contains: "unknown reference @fig-nothing")
    }

    func testUnknownAndUnplacedFigures() throws {
        let unknown = try ReportFixture.single("![](figure:missing)")
        assertTemplateError(try unknown.answer(), file: "answer.md", line: 1, contains: "unknown figure \"missing\"")
        let unplaced = try ReportFixture.single("No figure here.")
        assertTemplateError(try unplaced.answer(SectionContent(figures: ["x": FigureContent(caption: "", figure: BoxFigure())])),
                            file: "answer.md", contains: "figure \"x\" not placed")
        let ragged = try ReportFixture.single("[[table:t]]")
        assertTemplateError(try ragged.answer(SectionContent(tables: ["t": TableContent(caption: "", header: ["a", "b"], rows: [["1"]])])),
                            file: "answer.md", contains: "row 1 has 1 cells")
    }
}
