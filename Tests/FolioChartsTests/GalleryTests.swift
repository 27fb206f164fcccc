import Foundation
import XCTest
@testable import FolioCharts

final class GalleryTests: XCTestCase {
    /// Writes the whole gallery. Set FOLIO_GALLERY_DIR to keep it for looking at;
    /// otherwise it goes to a temporary folder that is removed afterwards.
    func testGalleryWritesEveryFigureInEveryFormatAndAnIndex() throws {
        let keep = ProcessInfo.processInfo.environment["FOLIO_GALLERY_DIR"]
        let directory = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("folio-gallery-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
        let written = try Gallery.write(to: directory)
        let names = Gallery.figures().map(\.name)
        XCTAssertEqual(written.count, names.count * 3 + 1)
        for name in names {
            for ext in ["pdf", "svg", "png"] {
                let url = directory.appendingPathComponent("\(name).\(ext)")
                let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                XCTAssertGreaterThan(size, 500, "\(url.lastPathComponent) is suspiciously small")
            }
        }
        let index = try String(contentsOf: directory.appendingPathComponent("index.html"), encoding: .utf8)
        for name in names { XCTAssertTrue(index.contains("src=\"\(name).png\""), name) }
        // No temporary files left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
        for (_, figure) in Gallery.figures() { XCTAssertEqual(figure.warnings, []) }
    }
}
