import FolioTestSupport
import Foundation
import XCTest

/// The printed pages of the quick build, looked at as pixels: no page inside a part is
/// more than half empty (only the last page of a part may be), and both PDFs are tagged.
extension BuildTests {
    /// A page rendered by pdftoppm in grey: one byte per pixel, rows top to bottom.
    struct GreyPage {
        var width: Int, height: Int
        var pixels: [UInt8]

        /// Reads a binary PGM ("P5"), the format pdftoppm writes with `-gray`.
        init(pgm data: Data) throws {
            var fields: [String] = []
            var index = data.startIndex
            while fields.count < 4, index < data.endIndex {
                while index < data.endIndex, data[index] == 0x20 || data[index] == 0x0A || data[index] == 0x0D { index += 1 }
                var field = ""
                while index < data.endIndex, data[index] != 0x20, data[index] != 0x0A, data[index] != 0x0D {
                    field.append(Character(UnicodeScalar(data[index]))); index += 1
                }
                fields.append(field)
            }
            guard fields.count == 4, fields[0] == "P5", let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255" else {
                throw CocoaError(.fileReadCorruptFile)
            }
            width = w; height = h
            pixels = [UInt8](data[(index + 1)...].prefix(w * h))
            XCTAssertEqual(pixels.count, w * h)
        }

        /// How far down the text frame (top margin to bottom margin, in points of an A4
        /// page) the page carries ink, from 0 (blank) to 1 (filled to the bottom margin).
        func filled(top: Double, bottom: Double, pageHeight: Double) -> Double {
            let scale = Double(height) / pageHeight
            let first = Int(top * scale), last = Int(bottom * scale)
            for row in stride(from: last - 1, through: first, by: -1) {
                let line = pixels[(row * width)..<((row + 1) * width)]
                if line.contains(where: { $0 < 200 }) { return Double(row + 1 - first) / Double(last - first) }
            }
            return 0
        }
    }

    /// Page numbers on which a part (or the appendix, or the environment) begins, read
    /// from the PDF's named destinations.
    func partStarts(_ pdf: URL, report: String) throws -> Set<Int> {
        let manifestURL = FolioBinary.projectRoot.appendingPathComponent("report-templates/\(report)/manifest.json")
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        let parts = try XCTUnwrap(manifest["parts"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        let anchors = Set(parts + ["appendix-code", "environment"])
        var starts: Set<Int> = []
        for line in try tool("pdfinfo", ["-dests", pdf.path]).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let page = fields.first.flatMap({ Int($0) }), let name = fields.last,
                  anchors.contains(name.trimmingCharacters(in: CharacterSet(charactersIn: "\""))) else { continue }
            starts.insert(page)
        }
        XCTAssertEqual(starts.count, anchors.count, "\(report): a part's destination is missing")
        return starts
    }

    func testNoPageInsideAPartIsMoreThanHalfEmpty() throws {
        XCTAssertEqual(try built().status, 0)
        for report in ["cnn-assignment", "problem-set"] {
            let pdf = Self.output.appendingPathComponent("\(report).pdf")
            let starts = try partStarts(pdf, report: report)
            let pages = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pages-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: pages, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: pages) }
            _ = try tool("pdftoppm", ["-r", "24", "-gray", pdf.path, pages.appendingPathComponent("p").path])
            let files = try FileManager.default.contentsOfDirectory(atPath: pages.path).filter { $0.hasSuffix(".pgm") }.sorted()
            XCTAssertGreaterThan(files.count, 5)
            for (index, file) in files.enumerated() {
                let page = index + 1
                // The last page of a part (and of the report) may end where its text ends.
                if page == files.count || starts.contains(page + 1) { continue }
                let grey = try GreyPage(pgm: Data(contentsOf: pages.appendingPathComponent(file)))
                // A4 in points, margins as the PDF writer sets them.
                let fill = grey.filled(top: 74, bottom: 841.89 - 70, pageHeight: 841.89)
                XCTAssertGreaterThanOrEqual(fill, 0.5, "\(report).pdf page \(page) is \(Int((1 - fill) * 100)) % empty inside a part")
            }
        }
    }

    func testBothPDFsAreTaggedAndEveryFigureHasAlternativeText() throws {
        XCTAssertEqual(try built().status, 0)
        for report in ["cnn-assignment", "problem-set"] {
            let pdf = Self.output.appendingPathComponent("\(report).pdf").path
            XCTAssertTrue(try tool("pdfinfo", [pdf]).contains("Tagged:          yes"), report)
            // The structure tree has the report's shape, not one flat run of text.
            let tree = try tool("pdfinfo", ["-struct", pdf])
            let types = Set(tree.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
            for type in ["Document", "Part", "Sect", "H1", "H2", "P", "BlockQuote", "Table", "TR", "TH", "TD",
                         "Caption", "Figure", "L", "LI", "TOC", "TOCI", "Link", "Code"] {
                XCTAssertTrue(types.contains(type), "\(report): no \(type) element in the structure tree")
            }
            XCTAssertTrue(tree.hasPrefix("Document\n"), "\(report): the tree does not start at one Document")

            // qpdf reads back what Cairo could not write: alternative text, language, page mode.
            let json = try tool("qpdf", ["--json=2", "--json-key=qpdf", pdf])
            let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let objects = try XCTUnwrap((root["qpdf"] as? [Any])?.last as? [String: [String: Any]])
            let values = objects.values.compactMap { $0["value"] as? [String: Any] }
            let catalog = try XCTUnwrap(values.first { $0["/Type"] as? String == "/Catalog" })
            XCTAssertEqual(catalog["/PageMode"] as? String, "/UseOutlines", "\(report): bookmarks do not open with the file")
            XCTAssertEqual(catalog["/Lang"] as? String, "u:en-GB")
            let outlines = try XCTUnwrap(values.first { $0["/Type"] as? String == "/Outlines" })
            XCTAssertGreaterThan(outlines["/Count"] as? Int ?? -1, 0, "\(report): the outline's root count")
            let alternatives = values.filter { $0["/S"] as? String == "/Figure" }.map { ($0["/Alt"] as? String) ?? "" }
            let figures = try tool("pdfinfo", ["-dests", pdf]).components(separatedBy: "\"fig-").count - 1
            XCTAssertGreaterThan(figures, 0)
            XCTAssertEqual(alternatives.count, figures, "\(report): one Figure element per figure")
            let numbers = alternatives.compactMap { alt -> Int? in
                guard let match = alt.range(of: #"^u:Figure (\d+)\. \S"#, options: .regularExpression) else { return nil }
                return Int(alt[match].dropFirst(9).prefix { $0.isNumber })
            }
            XCTAssertEqual(numbers.sorted(), Array(1...figures), "\(report): alternative texts \(alternatives.prefix(3))")
        }
    }
}
