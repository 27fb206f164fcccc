import CCairo
import FolioCharts
import FolioDocument
import FolioDocumentFixtures
import XCTest
@testable import FolioHTML

/// Charts on the page: cropped to their drawing, sized to the column, their theme
/// colours as the variables the light, dark and print styles set, their data as drawn.
final class ChartHTMLTests: XCTestCase {
    /// A chart-kit figure as the document places it (ChartFigure, without FolioChapters).
    struct KitFigure: DocumentFigure {
        var figure: FolioCharts.Figure
        var widthPoints: Double { figure.widthPoints }
        var heightPoints: Double { figure.heightPoints }
        func draw(into cairo: OpaquePointer) { FolioCharts.draw(figure, into: cairo) }
        func svg(idPrefix: String) throws -> String { try svgString(figure, idPrefix: idPrefix) }
    }

    /// A 400 × 300 canvas with a black bar across its middle, white bands above and
    /// below, and a white image near the top left, as Cairo would write it.
    struct BandedFigure: DocumentFigure {
        var widthPoints: Double { 400 }
        var heightPoints: Double { 300 }
        func draw(into cairo: OpaquePointer) {
            cairo_set_source_rgb(cairo, 1, 1, 1)
            cairo_paint(cairo)
            cairo_set_source_rgb(cairo, 0, 0, 0)
            cairo_rectangle(cairo, 100, 120, 200, 60)
            cairo_fill(cairo)
        }
        func svg(idPrefix: String) throws -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="300pt" viewBox="0 0 400 300" version="1.1">
            <g id="\(idPrefix)surface0">
            <rect x="0" y="0" width="400" height="300" style="fill:rgb(100%,100%,100%);fill-opacity:1;stroke:none;"/>
            <path style="fill-rule:nonzero;fill:url(#\(idPrefix)pattern0);" d="M 90 100 L 110 100 L 110 130 L 90 130 Z M 90 100 "/>
            <path style="stroke:none;fill:rgb(0%,0%,0%);" d="M 100 120 L 300 120 L 300 180 L 100 180 Z "/>
            </g>
            </svg>
            """
        }
    }

    /// The empty bands go: the page shows the drawing and the image, plus a hairline margin.
    func testFigureArtIsCroppedToItsDrawing() throws {
        let chart = try InlineChart.make(BandedFigure(), idPrefix: "f1-")
        XCTAssertEqual(chart.box, ChartBox(x: 87, y: 97, width: 216, height: 86))
        XCTAssertTrue(chart.svg.hasPrefix("<svg "))
        XCTAssertTrue(chart.svg.contains("viewBox=\"87 97 216 86\""), chart.svg)
        XCTAssertTrue(chart.svg.contains("width=\"216pt\" height=\"86pt\""))

        let fixture = try ReportFixture.single("![](figure:f)")
        let document = try fixture.document(SectionContent(figures: ["f": FigureContent(caption: "Bands", figure: BandedFigure())]))
        let html = try HTMLWriter().reportHTML(document)
        XCTAssertTrue(html.contains("aspect-ratio: 216.000 / 86.000"))
        XCTAssertFalse(html.contains("aspect-ratio: 400.000 / 300.000"), "the art keeps the canvas's empty bands")
        // 216 of the 450 points a full-width chart spans: 48 % of the column, its card
        // centred in a figure of half the column so the caption has room.
        XCTAssertTrue(html.contains("--figure-width: 50.0%; --card-width: 96.0%; --figure-min-width: 238px"), html)
    }

    /// A full-width chart fills the column; a wider one is held to it.
    func testChartsTakeTheirShareOfTheColumn() throws {
        let gallery = Gallery.figures().map(\.figure)
        let shares = try gallery.map { try InlineChart.make(KitFigure(figure: $0), idPrefix: "g-").columnShare }
        XCTAssertTrue(shares.allSatisfy { $0 > 0 && $0 <= 100 })
        XCTAssertTrue(shares.contains(100))
        XCTAssertTrue(HTMLStyle.css.contains(".figure { width: var(--figure-width, 100%)"))
    }

    /// Every chart kind: canvas, text, axes, grid, frames and legend boxes refer to the
    /// variables (the drawn colour as fallback), and no theme colour is left fixed
    /// except text on an image; images keep their pixels.
    func testEveryChartKindTakesItsThemeColoursFromVariables() throws {
        let light = ChartColours.light
        let fixedStrokes = [light.axis, light.grid, light.frame, light.legendRule].map(Self.cairoSpelling)
        var keptCellText = false
        for (name, figure) in Gallery.figures() {
            let drawn = try svgString(figure, idPrefix: "g-")
            let svg = try InlineChart.make(KitFigure(figure: figure), idPrefix: "g-").svg
            XCTAssertTrue(svg.contains("fill:var(--chart-bg, #ffffff)"), name)
            XCTAssertTrue(svg.contains("fill:var(--chart-text, #222222)"), name)
            for spelling in fixedStrokes {
                XCTAssertFalse(svg.contains("stroke:" + spelling), "\(name) keeps the theme stroke \(spelling)")
            }
            let white = "fill:" + Self.cairoSpelling(light.background)
            for line in svg.split(separator: "\n") where line.contains(white) {
                XCTAssertTrue(line.hasPrefix("<g "), "\(name): a white canvas or legend box is left fixed: \(line.prefix(120))")
            }
            // Text left in the theme's colour must sit on an image: a heatmap cell's count.
            if svg.contains("<g style=\"fill:" + Self.cairoSpelling(light.text)) {
                XCTAssertTrue(svg.contains("fill:url(#"), "\(name): fixed text without an image beneath")
                keptCellText = true
            }
            let images = drawn.components(separatedBy: "data:image/png;base64,").dropFirst()
            XCTAssertEqual(svg.components(separatedBy: "data:image/png;base64,").count - 1, images.count, name)
            for image in images { XCTAssertTrue(svg.contains(image.prefix { $0 != "\"" }), "\(name): an image changed") }
        }
        XCTAssertTrue(keptCellText, "the confusion matrix's dark counts on light cells were recoloured")
    }

    /// Each scheme defines every chart variable: light as drawn, dark from the dark
    /// palette, print back to light.
    func testStylesheetDefinesChartColoursForLightDarkAndPrint() throws {
        let css = HTMLStyle.css
        let dark = try XCTUnwrap(css.range(of: "@media (prefers-color-scheme: dark)"))
        let print = try XCTUnwrap(css.range(of: "@media print"))
        let root = css[..<dark.lowerBound], darkBlock = css[dark.upperBound..<print.lowerBound], printBlock = css[print.upperBound...]
        for role in ChartRole.allCases {
            let light = "\(role.variable): \(role.colour(in: Palette.light.chart).css);"
            XCTAssertTrue(root.contains(light), light)
            XCTAssertTrue(printBlock.contains(light), "print: " + light)
            let darkValue = "\(role.variable): \(role.colour(in: Palette.dark.chart).css);"
            XCTAssertTrue(darkBlock.contains(darkValue), darkValue)
        }
        XCTAssertTrue(css.contains("background: var(--chart-bg)"))
        XCTAssertTrue(printBlock.contains("color-scheme: light"))
        XCTAssertTrue(printBlock.contains("figure, .prompt, pre, .math.display, tr { break-inside: avoid; }"))
        let hidden = try XCTUnwrap(printBlock.split(separator: "\n").first { $0.contains("display: none") })
        for chrome in ["nav.toc", "button.copy", ".pager", ".figure-files"] { XCTAssertTrue(hidden.contains(chrome), chrome) }
    }

    /// How Cairo writes a colour in an SVG style: each channel in percent, six decimals
    /// at most, trailing zeros dropped.
    static func cairoSpelling(_ colour: RGB) -> String {
        func channel(_ v: Double) -> String {
            var s = String(format: "%.6f", v * 100)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s + "%"
        }
        return "rgb(\(channel(colour.r)),\(channel(colour.g)),\(channel(colour.b)))"
    }
}
