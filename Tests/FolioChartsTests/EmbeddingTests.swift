import CCairo
import Foundation
import XCTest
@testable import FolioCharts

/// The PDF report draws figures into its own cairo context: the figure must land at the
/// current origin, look the same as a standalone render, and leave the context as it was.
final class EmbeddingTests: XCTestCase {
    func testDrawIntoAnExistingContextPlacesTheFigureAtTheOrigin() throws {
        let figure = Fixtures.all().first { $0.name == "bars" }!.figure
        let standalone = try XCTUnwrap(decodePNG(try render(figure, to: .png)))
        let (offsetX, offsetY) = (40, 30)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(standalone.width + 80),
                                                 Int32(standalone.height + 60))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 0.5, 0.5, 0.5)
        cairo_paint(cr)
        cairo_translate(cr, Double(offsetX), Double(offsetY))
        cairo_set_line_width(cr, 7)
        draw(figure, into: cr)
        XCTAssertEqual(cairo_status(cr), CAIRO_STATUS_SUCCESS)
        XCTAssertEqual(cairo_get_line_width(cr), 7, "the context's state must be restored")
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let data = cairo_image_surface_get_data(surface)!
        try data.withMemoryRebound(to: UInt32.self, capacity: stride * (standalone.height + 60)) { pixels in
            var differing = 0
            for y in 0..<standalone.height {
                for x in 0..<standalone.width {
                    let a = pixels[(y + offsetY) * stride + x + offsetX] & 0xFFFFFF
                    let b = standalone.pixels[y * standalone.width + x] & 0xFFFFFF
                    if a != b { differing += 1 }
                }
            }
            XCTAssertLessThan(Double(differing) / Double(standalone.pixels.count), 0.001)
            // Outside the figure the page is untouched.
            XCTAssertEqual(pixels[5 * stride + 5] & 0xFFFFFF, 0x808080)
            let below = try XCTUnwrap(Optional(pixels[(standalone.height + offsetY + 10) * stride + 10]))
            XCTAssertEqual(below & 0xFFFFFF, 0x808080)
        }
    }
}
