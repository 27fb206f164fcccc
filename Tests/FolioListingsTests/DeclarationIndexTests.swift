import FolioListings
import XCTest

final class DeclarationIndexTests: XCTestCase {
    let sample = """
    import Foundation

    /// A run of training.
    /// Second doc line.
    public struct Runner {
        let text = "a { brace in a string"
        /* a } brace in a comment /* nested */ still comment */

        /// Trains.
        @discardableResult
        public func train(_ config: Int, epochs: Int) -> Int {
            let s = "\\(config.description) }"
            return #"raw } \\#(epochs)"#.count
        }

        func train(_ config: Int) -> Int { 1 }

        static let rate: Float = 0.001
    }

    extension Runner {
        class func describe() -> String {
            \"\"\"
            multi } line
            \"\"\"
        }
    }

    enum Kind: String { case a, b }
    """

    func index() -> DeclarationIndex {
        var index = DeclarationIndex()
        index.add(file: "Sources/X/Runner.swift", source: sample)
        return index
    }

    func testLexerGivesTheSourceBack() {
        XCTAssertEqual(SwiftLexer.tokens(sample).map(\.text).joined(), sample)
    }

    func testFindsTypesMembersAndOverloadsWithTheirLines() throws {
        let index = index()
        let type = try index.declaration("Runner")
        XCTAssertEqual(type.firstLine, 3)
        XCTAssertEqual(type.lastLine, 19)
        let train = try index.declaration("Runner.train(_:epochs:)")
        XCTAssertEqual(train.firstLine, 9)
        XCTAssertEqual(train.lastLine, 14)
        XCTAssertEqual(index.lines(of: train).first, "    /// Trains.")
        XCTAssertEqual(index.lines(of: train).last, "    }")
        XCTAssertThrowsError(try index.declaration("Runner.train")) { error in
            XCTAssertTrue("\(error)".contains("Runner.train(_:)"), "\(error)")
        }
        let rate = try index.declaration("Runner.rate")
        XCTAssertEqual(rate.firstLine, 18)
        XCTAssertEqual(rate.lastLine, 18)
        let describe = try index.declaration("Runner.describe")
        XCTAssertEqual(describe.firstLine, 22)
        XCTAssertEqual(describe.lastLine, 26)
        XCTAssertEqual(try index.declaration("Kind").lastLine, 29)
        XCTAssertThrowsError(try index.declaration("Runner.missing"))
    }

    /// Every declaration Folio's own sources hold is found with a sane range: the
    /// lexer survives the real code.
    func testIndexesFoliosSources() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let index = try DeclarationIndex(root: root)
        XCTAssertGreaterThan(index.declarations.count, 500)
        for d in index.declarations {
            XCTAssertLessThanOrEqual(d.firstLine, d.lastLine, "\(d)")
        }
        let train = try index.declaration("ExperimentRunner.train")
        let text = index.lines(of: train).joined(separator: "\n")
        XCTAssertTrue(text.contains("func train("), text)
        XCTAssertTrue(index.lines(of: train).last?.trimmingCharacters(in: .whitespaces) == "}", text)
    }
}

final class CodeListingTests: XCTestCase {
    func testListingKeepsTheLinesAndColoursThem() throws {
        var index = DeclarationIndex()
        let source = "struct A {\n    /// Doc.\n    func f() -> String {\n        \"\"\"\n        x\n        \"\"\"\n    }\n}\n"
        index.add(file: "Sources/A.swift", source: source)
        let listing = try index.listing("A.f")
        XCTAssertEqual(listing.heading, "Sources/A.swift, lines 2–7")
        XCTAssertEqual(listing.text, source.split(separator: "\n", omittingEmptySubsequences: false)[1...6].joined(separator: "\n"))
        XCTAssertEqual(listing.lines.count, 6)
        XCTAssertEqual(listing.lines[0].map(\.kind), [.whitespace, .comment])
        XCTAssertTrue(listing.lines[3].contains { $0.kind == .string && $0.text.contains("x") })
        XCTAssertTrue(listing.lines[1].contains { $0.kind == .keyword && $0.text == "func" })
    }
}
