import FolioDocument
import XCTest

/// The one walk both writers use: stops in reading order, and the block and inline
/// folds reach nested lists, quotes, table cells and captions.
final class DocumentWalkTests: XCTestCase {
    struct Recorder: DocumentVisitor {
        var stops: [String] = []
        mutating func enterPart(_ part: Part) { stops.append("part \(part.id)") }
        mutating func visitIntroduction(_ blocks: [Block], of part: Part) { stops.append("intro \(blocks.count)") }
        mutating func visitQuestion(_ question: Question, in part: Part) { stops.append("question \(question.id)") }
        mutating func exitPart(_ part: Part) { stops.append("end \(part.id)") }
    }

    func document() -> Document {
        let table = Table(id: "tbl-t", number: 1, caption: [.text("Cap")], header: [[.text("h")]],
                          rows: [[[.emphasis([.math("y")])]]], alignments: [.left])
        let nested: Block = .list(ordered: false, items: [[.quote([.table(table)])]])
        return Document(id: "d", title: "T", course: "C", parts: [
            Part(id: "a", title: "A", intro: [.paragraph([.text("intro")])], questions: [
                Question(id: "1.1", title: "One", prompt: [.paragraph([.text("Q?")])], answer: [nested]),
                Question(id: "1.2", title: "Two"),
            ]),
            Part(id: "b", title: "B"),
        ])
    }

    func testWalkStopsInReadingOrder() throws {
        var recorder = Recorder()
        try document().walk(&recorder)
        XCTAssertEqual(recorder.stops, ["part a", "intro 1", "question 1.1", "question 1.2", "end a",
                                        "part b", "intro 0", "end b"])
    }

    func testBlockFoldReachesNestedBlocksAndInlines() {
        let document = document()
        var kinds: [String] = []
        document.forEachBlock { block in
            switch block {
            case .paragraph: kinds.append("p")
            case .list: kinds.append("list")
            case .quote: kinds.append("quote")
            case .table: kinds.append("table")
            default: kinds.append("?")
            }
        }
        XCTAssertEqual(kinds, ["p", "p", "list", "quote", "table"])
        XCTAssertTrue(document.containsMath, "math inside emphasis inside a table cell inside a quote inside a list")
        XCTAssertEqual(document.anchors, ["a", "b", "q-1-1", "q-1-2", "tbl-t"])
        XCTAssertFalse(Document(id: "d", title: "T", course: "C").containsMath)
    }
}
