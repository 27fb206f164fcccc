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

    func testFiguresStayOnWhiteInEveryScheme() {
        XCTAssertEqual(Palette.light.card, RGB(0xFFFFFF))
        XCTAssertEqual(Palette.dark.card, RGB(0xFFFFFF))
    }
}
