@testable import FolioDocument
import XCTest

final class ContentDeclarationTests: XCTestCase {
    func testNotationReadsTextFlagsListsAndObjects() throws {
        let shapes = try DeclarationNotation.parse("""
            accuracy tied?
            rows[name last? cells[]] best{name score}
            """)
        XCTAssertEqual(shapes, [
            "accuracy": .text, "tied": .flag,
            "rows": .list(.object(["name": .text, "last": .flag, "cells": .list(.text)])),
            "best": .object(["name": .text, "score": .text]),
        ])
        XCTAssertThrowsError(try DeclarationNotation.parse("rows[name"))
        XCTAssertThrowsError(try DeclarationNotation.parse("a a"))
        XCTAssertThrowsError(try DeclarationNotation.parse("a ]"))
    }

    func testContentKeepingItsDeclarationPasses() {
        let declaration = ContentDeclaration(values: "accuracy tied? rows[name last?]", figures: ["curves"])
        var content = SectionContent(values: ["accuracy": "98.9 %", "tied": false,
                                              "rows": [["name": "SGD", "last": false], ["name": "Adam", "last": true]]])
        content.figures["curves"] = FigureContent(caption: "", figure: declaration.sampleContent().figures["curves"]!.figure)
        XCTAssertNil(declaration.mismatch(content))
        // An empty list keeps any declared list.
        content.values["rows"] = .list([])
        XCTAssertNil(declaration.mismatch(content))
    }

    func testEveryDifferenceIsNamed() throws {
        let declaration = ContentDeclaration(values: "accuracy tied? rows[name]", tables: ["summary"])
        let content = SectionContent(values: ["accuracy": true, "extra": "1", "rows": [["name": "a", "more": "b"]]])
        let problem = try XCTUnwrap(declaration.mismatch(content))
        for expected in ["\"accuracy\" is yes/no, declared as text", "undeclared value \"extra\"",
                         "undeclared value \"rows.more\"", "declared value \"tied\" was not provided",
                         "declared table \"summary\" was not provided"] {
            XCTAssertTrue(problem.contains(expected), "\(expected) missing from: \(problem)")
        }
    }

    func testSamplesGiveOneListElementPerName() {
        let declaration = ContentDeclaration(values: "runs[key name] title", figures: ["curves-sgd", "curves-adam"],
                                             samples: ["runs.key": ["sgd", "adam"]])
        let sample = declaration.sampleContent()
        guard case let .list(items) = sample.values["runs"] else { return XCTFail("runs is not a list") }
        XCTAssertEqual(items, [["key": "sgd", "name": "1"], ["key": "adam", "name": "1"]])
        XCTAssertEqual(sample.values["title"], "1")
        XCTAssertEqual(Set(sample.figures.keys), ["curves-sgd", "curves-adam"])
    }
}
