import FolioSubprocess
import XCTest
import FolioDocument
import FolioDocumentFixtures
@testable import FolioHTML

final class HTMLTests: XCTestCase {
    func sampleDocument() throws -> Document {
        try SampleReport.crossReferenced()
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("folio-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func testReportHasContentsFiguresTablesAndIsSelfContained() throws {
        let html = try HTMLWriter().reportHTML(try sampleDocument())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<nav class=\"toc\""))
        XCTAssertTrue(html.contains("href=\"#q-1-1\""))
        // Part anchors are the manifest's part ids, not positions.
        XCTAssertTrue(html.contains("href=\"#b\""))
        XCTAssertTrue(html.contains("<section class=\"part\" id=\"b\""))
        XCTAssertTrue(html.contains("href=\"rep/sections/q-2-1.html\""))
        XCTAssertTrue(html.contains("<figure class=\"figure\" id=\"fig-a\""))
        XCTAssertTrue(html.contains("<span class=\"label\">Figure 2.</span>"))
        XCTAssertTrue(html.contains("<span class=\"label\">Table 1.</span> Cap"))
        XCTAssertTrue(html.contains("<th class=\"right\">h1</th>"))
        XCTAssertTrue(html.contains("<a class=\"xref\" href=\"#fig-b\">Figure 2</a>"))
        // Figure SVG ids are prefixed per figure so two figures never share an id.
        XCTAssertTrue(html.contains("id=\"f1-g\"") && html.contains("id=\"f2-g\""))
        XCTAssertTrue(html.contains("<span class=\"math inline\">x_1</span>"))
        // KaTeX and its fonts are inline: nothing is fetched from anywhere.
        XCTAssertTrue(html.contains("data:font/woff2;base64,"))
        XCTAssertFalse(html.contains("url(fonts/"))
        XCTAssertFalse(html.contains("src=\"http"))
        XCTAssertFalse(html.contains("href=\"http"))
        XCTAssertTrue(html.contains("@media print"))
        XCTAssertTrue(html.contains("prefers-color-scheme: dark"))
        assertBalanced(html, tags: ["section", "figure", "table", "nav", "main", "div", "p", "ol", "li", "a"])
    }

    func testWritesReportAndSectionPages() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stale = directory.appendingPathComponent("rep/sections/q-9-9.html")
        try FileManager.default.createDirectory(at: stale.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: stale)
        let written = try writeHTML(try sampleDocument(), to: directory)
        XCTAssertEqual(written.map(\.lastPathComponent), ["rep.html", "q-1-1.html", "q-2-1.html"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        let section = try String(contentsOf: written[2], encoding: .utf8)
        XCTAssertTrue(section.contains("<a class=\"xref\" href=\"../../rep.html#fig-a\">Figure 1</a>"))
        XCTAssertTrue(section.contains("<a class=\"xref\" href=\"#tbl-first\">") == false)
        XCTAssertTrue(section.contains("href=\"../assets/katex.css\""))
        XCTAssertTrue(section.contains("aria-current=\"page\""))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("rep/assets/katex.js").path))
        let single = try HTMLWriter().writeSection(try SampleReport.crossReferenced(), questionID: "1.1", to: directory,
                                                  reportFileName: "other")
        XCTAssertEqual(single.path, directory.appendingPathComponent("other/sections/q-1-1.html").path)
        XCTAssertTrue(try String(contentsOf: single, encoding: .utf8).contains("../../other.html"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testDocumentWithoutMathNeedsNoKaTeX() throws {
        let fixture = try ReportFixture.single("Plain answer.")
        let html = try HTMLWriter(katexDirectory: URL(fileURLWithPath: "/nonexistent")).reportHTML(try fixture.document())
        XCTAssertFalse(html.contains("<script"))
        let withMath = try ReportFixture.single("Has $x$.")
        XCTAssertThrowsError(try HTMLWriter(katexDirectory: URL(fileURLWithPath: "/nonexistent"))
            .reportHTML(try withMath.document())) { error in
            XCTAssertTrue("\(error)".contains("libjs-katex"))
        }
    }

    func testUnsafeLinksAreNotLinked() throws {
        let fixture = try ReportFixture.single(
            "[click](javascript:alert(1)) and [ok](https://example.org), [file](report/models/a.safetensors), [data](data:text/html,x), [root](/etc/passwd).")
        let html = try HTMLWriter().reportHTML(try fixture.document())
        XCTAssertFalse(html.contains("javascript:"))
        XCTAssertTrue(html.contains("<a href=\"https://example.org\">ok</a>"))
        // A path relative to the page (a saved network) is linked; a scheme or an absolute path is not.
        XCTAssertTrue(html.contains("<a href=\"report/models/a.safetensors\">file</a>"))
        XCTAssertFalse(html.contains("data:text") || html.contains("/etc/passwd"))
    }

    /// Opens the written report in headless Chromium: math typeset by KaTeX, no
    /// console errors, and a screenshot with content.
    func testRendersInHeadlessChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .first(where: FileManager.default.isExecutableFile) else { throw XCTSkip("chromium is not installed") }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try writeHTML(try SampleReport.document(), to: directory)[0]

        let dom = try runChromium(chromium, ["--dump-dom", report.absoluteString], profile: directory)
        XCTAssertTrue(dom.stdout.contains("class=\"katex\""), "KaTeX did not typeset the math")
        XCTAssertFalse(dom.stdout.contains("class=\"katex-error\""))
        let consoleErrors = dom.stderr.split(separator: "\n").filter {
            $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("ERR_FILE_NOT_FOUND")
        }
        XCTAssertEqual(consoleErrors, [], dom.stderr)

        let screenshot = directory.appendingPathComponent("shot.png")
        _ = try runChromium(chromium, ["--screenshot=\(screenshot.path)", "--window-size=1200,1600", report.absoluteString],
                            profile: directory)
        let png = try Data(contentsOf: screenshot)
        XCTAssertGreaterThan(png.count, 20_000, "screenshot is suspiciously small")
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        // FOLIO_KEEP_HTML=dir keeps the pages and the screenshot for a person to look at.
        if let keep = ProcessInfo.processInfo.environment["FOLIO_KEEP_HTML"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: directory, to: URL(fileURLWithPath: keep))
        }

        // A section page, which loads KaTeX from the copied assets.
        let section = directory.appendingPathComponent("sample/sections/q-1-1.html")
        let sectionDOM = try runChromium(chromium, ["--dump-dom", section.absoluteString], profile: directory)
        XCTAssertTrue(sectionDOM.stdout.contains("class=\"katex\""))
    }

    private func runChromium(_ executable: String, _ arguments: [String], profile: URL) throws -> (stdout: String, stderr: String) {
        // timeout(1) keeps a hung browser from hanging the test suite.
        let result = try Subprocess.run("/usr/bin/timeout", ["90", executable, "--headless", "--no-sandbox", "--disable-gpu",
                                                             "--enable-logging=stderr", "--v=0",
                                                             "--user-data-dir=\(profile.appendingPathComponent("chromium-profile").path)",
                                                             "--virtual-time-budget=5000"] + arguments)
        return (result.stdout, result.stderr)
    }

    private func assertBalanced(_ html: String, tags: [String], file: StaticString = #filePath, line: UInt = #line) {
        for tag in tags {
            let opens = html.components(separatedBy: "<\(tag)>").count - 1 + html.components(separatedBy: "<\(tag) ").count - 1
            let closes = html.components(separatedBy: "</\(tag)>").count - 1
            XCTAssertEqual(opens, closes, "<\(tag)> opened \(opens) times, closed \(closes)", file: file, line: line)
        }
    }
}

final class HTMLEscapingTests: XCTestCase {
    struct CairoStyleFigure: DocumentFigure {
        var widthPoints: Double { 100 }
        var heightPoints: Double { 50 }
        func draw(into cairo: OpaquePointer) {}
        func svg(idPrefix: String) throws -> String {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100pt\" height=\"50pt\" viewBox=\"0 0 100 50\"><g id=\"\(idPrefix)glyph0-0\"/></svg>"
        }
    }

    /// The stylesheet's colours are the shared palette's, light and dark.
    func testStylesheetColoursComeFromThePalette() {
        XCTAssertTrue(HTMLStyle.css.contains("--accent: \(Palette.light.accent.css);"))
        XCTAssertTrue(HTMLStyle.css.contains("--prompt-bg: \(Palette.dark.promptBackground.css);"))
    }

    /// Template values reach the page as text, however much they look like markup.
    func testHostileTemplateValuesAreEscaped() throws {
        let fixture = try ReportFixture.single("Value: {{v}} and *{{w}}* and `{{c}}`.")
        let hostile = "*bold* _it_ <script>alert(1)</script> & [x](http://e) @fig-nowhere $x$ {{y}}"
        let html = try HTMLWriter().reportHTML(try fixture.document(SectionContent(values: ["v": .string(hostile), "w": "a_b_", "c": "x < y"])))
        XCTAssertFalse(html.contains("<script>alert"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](http://e)"))
    }

    func testChapterTablesCaptionsAndSVGAreSafeInHTML() throws {
        let fixture = try ReportFixture.single("![](figure:f)\n\n[[table:t]]\n\n[[listing:l]]")
        let document = try fixture.document(SectionContent(
            figures: ["f": FigureContent(caption: "a <b> & \"c\"", figure: CairoStyleFigure())],
            tables: ["t": TableContent(caption: "T & <i>", header: ["<th>"], rows: [["</td><script>"]])],
            listings: ["l": ListingContent(caption: "L", text: "x < y && </pre>")]))
        let html = try HTMLWriter().reportHTML(document)
        XCTAssertFalse(html.contains("<?xml"))
        XCTAssertTrue(html.contains("<div class=\"figure-art\" style=\"aspect-ratio: 100.000 / 50.000\"><svg "))
        XCTAssertTrue(html.contains("id=\"f1-glyph0-0\""))
        XCTAssertTrue(html.contains("a &lt;b&gt; &amp; &quot;c&quot;"))
        XCTAssertTrue(html.contains("<th>&lt;th&gt;</th>"))
        XCTAssertTrue(html.contains("<td>&lt;/td&gt;&lt;script&gt;</td>"))
        XCTAssertTrue(html.contains("<pre><code>x &lt; y &amp;&amp; &lt;/pre&gt;</code></pre>"))
    }
}
