import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import FolioSubprocess
import XCTest
@testable import FolioCharts

/// Collects ids, references and the text of <title>/<desc> from an SVG.
private final class SVGScan: NSObject, XMLParserDelegate {
    var ids: [String] = []
    var references: [String] = []
    var desc = ""
    var rootAttributes: [String: String] = [:]
    private var inDesc = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "svg" && rootAttributes.isEmpty { rootAttributes = attributes }
        if let id = attributes["id"] { ids.append(id) }
        for (key, value) in attributes {
            if key.hasSuffix("href"), value.hasPrefix("#") { references.append(String(value.dropFirst())) }
            var rest = Substring(value)
            while let open = rest.range(of: "url(#") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                references.append(String(after[..<close]))
                rest = after[close...]
            }
        }
        inDesc = name == "desc"
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "desc" { inDesc = false }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inDesc { desc += string }
    }
}

final class OutputFormatTests: XCTestCase {
    private func scan(_ svg: String) throws -> SVGScan {
        let parser = XMLParser(data: Data(svg.utf8))
        let scan = SVGScan()
        parser.delegate = scan
        XCTAssertTrue(parser.parse(), "SVG does not parse: \(String(describing: parser.parserError))")
        return scan
    }

    func testSVGParsesAndEveryIdAndReferenceCarriesThePrefix() throws {
        for (name, figure) in Fixtures.all() {
            let prefix = "fig-\(name)-"
            let svg = try svgString(figure, idPrefix: prefix)
            XCTAssertTrue(svg.hasPrefix("<svg"), "\(name): XML declaration not stripped")
            let result = try scan(svg)
            XCTAssertFalse(result.ids.isEmpty, name)
            XCTAssertEqual(result.ids.filter { !$0.hasPrefix(prefix) }, [], name)
            XCTAssertEqual(Set(result.ids).count, result.ids.count, "\(name): duplicate ids")
            let known = Set(result.ids)
            XCTAssertEqual(result.references.filter { !known.contains($0) }, [], "\(name): dangling references")
            XCTAssertEqual(result.rootAttributes["width"], "\(Int(figure.widthPoints))pt", name)
        }
    }

    func testTwoFiguresInlinedInOnePageShareNoIds() throws {
        let figures = Fixtures.all()
        let a = try scan(try svgString(figures[0].figure, idPrefix: "a-"))
        let b = try scan(try svgString(figures[1].figure, idPrefix: "b-"))
        XCTAssertTrue(Set(a.ids).isDisjoint(with: b.ids))
        // Without the prefix cairo's glyph ids would clash; the test would be empty otherwise.
        XCTAssertTrue(a.ids.contains { $0.hasPrefix("a-glyph") })
        XCTAssertTrue(b.ids.contains { $0.hasPrefix("b-glyph") })
    }

    /// Cairo writes text as glyph outlines. The <desc> lists every drawn string, and the
    /// number of glyphs placed must equal the characters of those strings, so the list is
    /// exactly what is drawn.
    func testSVGTextLabelsAreListedAndMatchTheGlyphsDrawn() throws {
        let expected: [String: [String]] = [
            "confusion": ["Confusion matrix", "True label", "Predicted label", "Count", "180", "208"],
            "line": ["Loss", "Epoch", "train", "validation"],
            "overlay": ["Training examples seen", "100k", "test"],
            "bars": ["Test accuracy", "Momentum", "81.1", "BN"],
            "image-grid": ["Predictions", "true 2 · pred 7"],
            "occlusion": ["Occlusion", "patch 7", "P(true)"],
            "diverging": ["Weights", "Weight", "min −4.000 · max 3.994"],
        ]
        for (name, figure) in Fixtures.all() {
            let svg = try svgString(figure, idPrefix: "t-")
            let result = try scan(svg)
            let lines = result.desc.components(separatedBy: "\n")
            for label in expected[name] ?? [] {
                // A title broken into lines is listed with its line breaks.
                let unbroken = result.desc.replacingOccurrences(of: "\n", with: " ")
                XCTAssertTrue(lines.contains(label) || unbroken.contains(label), "\(name): no label \"\(label)\"")
            }
            let characters = lines.reduce(0) { $0 + $1.unicodeScalars.count }
            let glyphUses = svg.components(separatedBy: "xlink:href=\"#t-glyph").count - 1
            XCTAssertEqual(glyphUses, characters, "\(name): glyphs drawn vs characters listed")
        }
    }

    func testPDFHasOnePageOfTheFigureSizeAndIsDeterministic() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, figure) in Fixtures.all() {
            let pdf = try render(figure, to: .pdf)
            XCTAssertTrue(try pdf == render(figure, to: .pdf), "\(name): PDF bytes differ between runs")
            let url = directory.appendingPathComponent("\(name).pdf")
            try Data(pdf).write(to: url)
            let info = try run("/usr/bin/pdfinfo", [url.path])
            XCTAssertTrue(info.contains("Pages:           1"), "\(name): \(info)")
            let size = "Page size:       \(Int(figure.widthPoints)) x \(Int(figure.heightPoints)) pts"
            XCTAssertTrue(info.contains(size), "\(name): expected \(size) in \(info)")
        }
    }

    /// Each small image is one image object in the PDF, drawn without interpolation.
    func testImagesAreSingleUninterpolatedObjectsInPDF() throws {
        let figure = Fixtures.all().first { $0.name == "image-grid" }!.figure
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("folio-images-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(try render(figure, to: .pdf)).write(to: url)
        let rows = try run("/usr/bin/pdfimages", ["-list", url.path]).split(separator: "\n").dropFirst(2)
        XCTAssertEqual(rows.count, 6)
        for row in rows {
            let fields = row.split(separator: " ")
            XCTAssertEqual(fields[3], "28"); XCTAssertEqual(fields[4], "28")
            XCTAssertEqual(fields[9], "no", "interpolation must be off: \(row)")
        }
    }

    func testPNGAndSVGAreDeterministicAndScaleMultipliesPixels() throws {
        let figure = Fixtures.all()[0].figure
        XCTAssertTrue(try render(figure, to: .png, scale: 2) == render(figure, to: .png, scale: 2))
        XCTAssertTrue(try render(figure, to: .svg) == render(figure, to: .svg))
        XCTAssertTrue(try svgString(figure, idPrefix: "p") == svgString(figure, idPrefix: "p"))
        let png = try XCTUnwrap(decodePNG(try render(figure, to: .png, scale: 2)))
        XCTAssertEqual(png.width, Int(figure.widthPoints * 2))
        XCTAssertEqual(png.height, Int(figure.heightPoints * 2))
    }

    func testInvalidSizesAndScalesAreClearErrors() {
        let tiny = Figure(widthPoints: .nan, heightPoints: 100, panels: [])
        XCTAssertThrowsError(try render(tiny, to: .pdf)) { error in
            XCTAssertTrue(String(describing: error).contains("figure size"))
        }
        let figure = Fixtures.all()[0].figure
        XCTAssertThrowsError(try render(figure, to: .png, scale: 0))
        XCTAssertThrowsError(try render(figure, to: .png, scale: .infinity))
    }

    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let result = try Subprocess.run(tool, arguments)
        return result.stdout + result.stderr
    }
}
