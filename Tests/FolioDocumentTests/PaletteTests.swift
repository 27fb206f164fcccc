import FolioDocument
import XCTest

/// The one palette: written back as the stylesheet's hex, and blended for a medium
/// without transparency as CSS blends it.
final class PaletteTests: XCTestCase {
    func testHexRoundTripsThroughCSS() {
        XCTAssertEqual(Palette.light.accent.css, "#8c2f1b")
        XCTAssertEqual(RGB(0x05A0FF).css, "#05a0ff")
    }

    func testBlendOverWhite() {
        XCTAssertEqual(Palette.light.rule.over(RGB(0xFFFFFF), opacity: 0.45).css, "#edebe6")
        XCTAssertEqual(RGB(0x000000).over(RGB(0xFFFFFF), opacity: 1).css, "#000000")
    }

    /// Light mode shows charts as Cairo drew them; dark mode puts them on a dark canvas
    /// with light text, so nothing in the chart's theme is the light one.
    func testChartsAreDrawnColoursInLightModeAndDarkInDarkMode() {
        XCTAssertEqual(Palette.light.chart, .light)
        XCTAssertEqual(Palette.light.chart.background, RGB(0xFFFFFF))
        let dark = Palette.dark.chart
        XCTAssertLessThan(dark.background.r, 0.3)
        XCTAssertGreaterThan(dark.text.r, 0.7)
        for (a, b) in [(dark.background, ChartColours.light.background), (dark.text, ChartColours.light.text),
                       (dark.axis, ChartColours.light.axis), (dark.grid, ChartColours.light.grid)] {
            XCTAssertNotEqual(a, b)
        }
    }
}
