import FolioTestSupport
import Foundation
import XCTest

/// What the notebooks showed beside each answer, in the quick build of both reports:
/// the code (read from Sources/, verbatim), the training logs, the environment, and
/// the figures' own files.
extension BuildTests {
    /// Questions that train or analyse, by report: each must show its code.
    static let computed = [
        "cnn-assignment": ["1.1", "1.6", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "A"],
        "problem-set": ["1.1", "1.2", "1.3", "1.4", "2.3", "3.2"],
    ]

    func html(_ report: String) throws -> String {
        try String(contentsOf: Self.output.appendingPathComponent("\(report).html"), encoding: .utf8)
    }

    /// The HTML of question `id`'s section.
    func section(_ id: String, in html: String) throws -> String {
        let anchor = "q-" + id.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        let start = try XCTUnwrap(html.range(of: "<section class=\"question\" id=\"\(anchor)\">"), "no section \(id)")
        let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        return String(html[start.lowerBound..<end])
    }

    func unescaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    func testEveryComputedAnswerShowsItsCodeVerbatimFromSources() throws {
        XCTAssertEqual(try built().status, 0)
        let tags = try NSRegularExpression(pattern: "<[^>]+>")
        let lineNumber = try NSRegularExpression(pattern: "<span class=\"ln\"[^>]*>\\s*(\\d+)</span>")
        let fileLink = try NSRegularExpression(pattern: "<a class=\"source-file\" href=\"([^\"]+)\">")
        for (report, ids) in Self.computed {
            let page = try html(report)
            for id in ids {
                let section = try self.section(id, in: page)
                XCTAssertTrue(section.contains("<details class=\"supplement code-listings\">"), "\(report) \(id) shows no code")
                // Every listing's lines are the file's lines at the numbers shown.
                let sources = section.components(separatedBy: "<div class=\"source\">").dropFirst()
                XCTAssertFalse(sources.isEmpty, "\(report) \(id)")
                for source in sources {
                    let ns = source as NSString
                    let href = try XCTUnwrap(fileLink.firstMatch(in: source, range: NSRange(location: 0, length: ns.length)))
                    let path = unescaped(ns.substring(with: href.range(at: 1)))
                    // The link is relative to the output folder, or absolute when the two share no folder.
                    let file = (path.hasPrefix("/") ? URL(fileURLWithPath: path) : Self.output.appendingPathComponent(path)).standardizedFileURL
                    let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
                    for line in source.components(separatedBy: "<span class=\"line\">").dropFirst() {
                        let l = line as NSString
                        guard let number = lineNumber.firstMatch(in: line, range: NSRange(location: 0, length: l.length)),
                              let n = Int(l.substring(with: number.range(at: 1))) else { continue }
                        let code = l.substring(from: number.range.upperBound)
                        let text = unescaped(tags.stringByReplacingMatches(in: code, range: NSRange(location: 0, length: (code as NSString).length), withTemplate: ""))
                            .components(separatedBy: "\n")[0]
                        XCTAssertEqual(text, lines[n - 1], "\(report) \(id): \(file.lastPathComponent):\(n)")
                    }
                }
            }
        }
    }

    func testTrainingAnswersShowTheirPerEpochLogs() throws {
        XCTAssertEqual(try built().status, 0)
        for (report, id) in [("cnn-assignment", "1.1"), ("cnn-assignment", "A"), ("problem-set", "2.3")] {
            let section = try self.section(id, in: try html(report))
            XCTAssertTrue(section.contains("<details class=\"supplement training-log\">"), "\(report) \(id)")
            XCTAssertTrue(section.contains("training loss"), "\(report) \(id)")
        }
        // 2.3's two MLPs differ only in input scaling, and their logs' titles say which is which.
        let mlp = try self.section("2.3", in: try html("problem-set"))
        let titles = mlp.components(separatedBy: "<p class=\"printed-title\">").dropFirst().map { $0.components(separatedBy: "</p>")[0] }
        XCTAssertEqual(titles.count, 2)
        XCTAssertEqual(Set(titles).count, titles.count, "\(titles)")
        // 1.1 trains four optimisers: four logs.
        let curves = try self.section("1.1", in: try html("cnn-assignment"))
        XCTAssertEqual(curves.components(separatedBy: "<div class=\"printed\">").count - 1, 4)
    }

    func testReportsEndWithTheirEnvironmentAndThePDFHoldsTheCodeAppendix() throws {
        XCTAssertEqual(try built().status, 0)
        let cpu = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
        let commit = try Subprocess.run("git", ["-C", FolioBinary.projectRoot.path, "rev-parse", "--short=12", "HEAD"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for report in ["cnn-assignment", "problem-set"] {
            let page = try html(report)
            let environment = try XCTUnwrap(page.range(of: "<section class=\"environment\" id=\"environment\">"), report)
            let tail = String(page[environment.lowerBound...])
            if let cpu { XCTAssertTrue(tail.contains(cpu), "\(report): no CPU model") }
            XCTAssertTrue(tail.contains(commit), "\(report): no commit \(commit)")
            XCTAssertTrue(tail.contains("href=\"\(report)/results.json\""), "\(report): results.json not linked")

            let pdf = Self.output.appendingPathComponent("\(report).pdf").path
            let text = try tool("pdftotext", [pdf, "-"])
            XCTAssertTrue(text.contains("Appendix — Code and training logs"), report)
            XCTAssertTrue(text.contains("Back to the answer"), report)
            XCTAssertTrue(text.contains(commit), "\(report) PDF: no commit")
            let info = try tool("pdfinfo", [pdf])
            XCTAssertTrue(info.contains(commit), "\(report) PDF metadata: no commit")
        }
    }

    func testEveryFigureLinksItsFilesAndItsCSVExists() throws {
        XCTAssertEqual(try built().status, 0)
        let link = try NSRegularExpression(pattern: "<span class=\"figure-files\">(.*?)</span>")
        let href = try NSRegularExpression(pattern: "href=\"([^\"]+)\"")
        for report in ["cnn-assignment", "problem-set"] {
            let page = try html(report)
            let figures = page.components(separatedBy: "<figure class=\"figure\"").count - 1
            let ns = page as NSString
            let matches = link.matches(in: page, range: NSRange(location: 0, length: ns.length))
            XCTAssertEqual(matches.count, figures, "\(report): every figure links its files")
            for match in matches {
                let links = ns.substring(with: match.range(at: 1))
                let paths = href.matches(in: links, range: NSRange(location: 0, length: (links as NSString).length))
                    .map { (links as NSString).substring(with: $0.range(at: 1)) }
                XCTAssertTrue(paths.contains { $0.hasSuffix(".csv") }, "\(report): \(links)")
                for path in paths {
                    XCTAssertTrue(FileManager.default.fileExists(atPath: Self.output.appendingPathComponent(path).path), path)
                }
            }
        }
    }
}
