import FolioTestSupport
import XCTest

/// The figure board of each report of the shared quick build: one card per figure the
/// report places, every link and image on it leading to a file (and an anchor) that
/// exists, and the report and its section pages linking to it.
extension BuildTests {
    func testFigureBoardHasOneCardPerFigureAndEveryLinkResolves() throws {
        XCTAssertEqual(try built().status, 0)
        for report in ["cnn-assignment", "problem-set"] {
            let board = Self.output.appendingPathComponent("\(report)/figures/index.html")
            let html = try String(contentsOf: board, encoding: .utf8)
            let reportHTML = try String(contentsOf: Self.output.appendingPathComponent("\(report).html"), encoding: .utf8)
            let placed = reportHTML.components(separatedBy: "<figure class=\"figure\"").count - 1
            let cards = html.components(separatedBy: "<article class=\"card\"").count - 1
            XCTAssertGreaterThan(placed, 3, report)
            XCTAssertEqual(cards, placed, "\(report): \(cards) cards for \(placed) figures")
            let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: board.deletingLastPathComponent()
                .appendingPathComponent("figures.json"))) as? [String: Any])
            XCTAssertEqual((list["figures"] as? [Any])?.count, placed, report)

            var checked = 0
            for target in Self.links(in: html) where !target.hasPrefix("http") {
                let (path, fragment) = Self.split(target)
                let file = path.isEmpty ? board : board.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
                XCTAssertTrue(FileManager.default.fileExists(atPath: file.path), "\(report): \(target) leads nowhere")
                if let fragment, file.pathExtension == "html", !fragment.isEmpty {
                    let page = try String(contentsOf: file, encoding: .utf8)
                    XCTAssertTrue(page.contains("id=\"\(fragment)\""), "\(report): no #\(fragment) in \(file.lastPathComponent)")
                }
                checked += 1
            }
            // Per card: the thumbnail, its place in the report and section, four files; the lightbox's links.
            XCTAssertGreaterThan(checked, placed * 6, report)
            XCTAssertTrue(reportHTML.contains("href=\"\(report)/figures/index.html\""), "\(report).html does not link its board")
            let section = try String(contentsOf: Self.output.appendingPathComponent("\(report)/sections/q-1-1.html"), encoding: .utf8)
            XCTAssertTrue(section.contains("href=\"../figures/index.html\""), "the section page of 1.1 does not link the board")
        }
    }

    /// Every href and src of a page, entities undone.
    static func links(in html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "(?:href|src)=\"([^\"]*)\"")
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map {
            String(html[Range($0.range(at: 1), in: html)!]).replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    static func split(_ link: String) -> (path: String, fragment: String?) {
        guard let hash = link.firstIndex(of: "#") else { return (link, nil) }
        return (String(link[..<hash]), String(link[link.index(after: hash)...]))
    }
}
