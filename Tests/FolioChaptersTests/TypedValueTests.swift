@testable import FolioChapters
import FolioDocument
import FolioExperiments
import FolioNN
import XCTest

/// The number helpers chapters format values with: each prints exactly the text of
/// `Format` and carries the number, its unit and, for accuracies, the images counted.
final class TypedValueTests: XCTestCase {
    func measure(_ value: TemplateValue, file: StaticString = #filePath, line: UInt = #line) -> Measure? {
        guard case let .number(m) = value else { XCTFail("\(value) is not a number", file: file, line: line); return nil }
        return m
    }

    func testPercentIsTheTextAndHundredTimesTheFraction() throws {
        let m = try XCTUnwrap(measure(.percent(0.9893)))
        XCTAssertEqual(m.text, Format.percent(0.9893))
        XCTAssertEqual(m.text, "98.93\u{00A0}%")
        // Stored as 98.93, not 98.92999999999999: the rounding at 1e-9 hides the product's last bit.
        XCTAssertEqual(m.value, 98.93)
        XCTAssertEqual(m.unit, "%")
        XCTAssertNil(m.count)
        XCTAssertEqual(measure(.percent(0.25, digits: 0, of: 40))?.count, 40)
        XCTAssertEqual(measure(.percent(0.25, digits: 0))?.text, "25\u{00A0}%")
    }

    /// Halves round as the decimal value reads, whatever its binary neighbour.
    func testFixedRoundsTheWrittenHalfAwayFromZero() {
        XCTAssertEqual(Format.percent(1_135.0 / 10_000, digits: 1), "11.4\u{00A0}%")
        XCTAssertEqual(Format.fixed(0.125, 2), "0.13")
        XCTAssertEqual(Format.fixed(-0.125, 2), "\u{2212}0.13")
        XCTAssertEqual(Format.fixed(2.675, 2), "2.68")  // stored as 2.67499999…
        XCTAssertEqual(Format.fixed(0.1234, 2), "0.12")
        XCTAssertEqual(Format.fixed(-0.0004, 2), "0.00")
        XCTAssertEqual(Format.fixed(.nan, 1), "nan")
    }

    /// A share that happened but rounds to zero reads "< 0.1 %", never "0.0 %".
    func testPercentAboveZeroNeverPrintsZeroForSomethingThatHappened() {
        XCTAssertEqual(Format.percentAboveZero(1.0 / 6_760, digits: 1), "<\u{00A0}0.1\u{00A0}%")
        XCTAssertEqual(Format.percentAboveZero(0, digits: 1), "0.0\u{00A0}%")
        XCTAssertEqual(Format.percentAboveZero(0.0006, digits: 1), "0.1\u{00A0}%")
        XCTAssertEqual(Format.percentAboveZero(0.25, digits: 1), Format.percent(0.25, digits: 1))
        XCTAssertEqual(Format.percentAboveZero(0.00004, digits: 2), "<\u{00A0}0.01\u{00A0}%")
    }

    func testAnAccuracyCarriesTheImagesItWasMeasuredOn() throws {
        let json = #"{"loss": 0.1, "accuracy": 0.75, "labels": [0, 1, 2, 3], "predictions": [0, 1, 2, 0], "probabilities": [], "classes": 4}"#
        let e = try JSONDecoder().decode(EvaluationRecord.self, from: Data(json.utf8))
        let m = try XCTUnwrap(measure(.accuracy(e)))
        XCTAssertEqual(m.text, "75.00\u{00A0}%")
        XCTAssertEqual(m.value, 75)
        XCTAssertEqual(m.unit, "%")
        XCTAssertEqual(m.count, 4)
    }

    func testCountsDecimalsAndPlainNumbersHaveNoUnit() throws {
        let count = try XCTUnwrap(measure(.count(799_078)))
        XCTAssertEqual(count, Measure(text: "799,078", value: 799_078))
        XCTAssertEqual(measure(.decimal(-0.00001, digits: 2)), Measure(text: "0.00", value: -0.00001))
        XCTAssertEqual(measure(.decimal(-1.25, digits: 2))?.text, "\u{2212}1.25")
        XCTAssertEqual(measure(.decimal(12.5, digits: 2, unit: "MB"))?.unit, "MB")
        XCTAssertEqual(measure(.number(1e-5)), Measure(text: "1 × 10⁻⁵", value: 1e-5))
        XCTAssertEqual(measure(.plain(128)), Measure(text: "128", value: 128))
        // A Float setting prints as Swift prints it and is stored as that decimal.
        XCTAssertEqual(measure(.plain(Float(0.01))), Measure(text: "0.01", value: 0.01))
        XCTAssertEqual(measure(.plain(0.001)), Measure(text: "0.001", value: 0.001))
        // Float settings print as before (from the widened Float) and store its decimal.
        XCTAssertEqual(measure(.number(Float(0.001))), Measure(text: "0.001", value: 0.001))
        XCTAssertEqual(measure(.number(Float(1e-4))), Measure(text: "1 × 10⁻⁴", value: 1e-4))
        XCTAssertEqual(measure(.decimal(Float(0.05), digits: 2)), Measure(text: "0.05", value: 0.05))
    }

    func testUnitsOfPointsSecondsDegreesAndThroughput() {
        XCTAssertEqual(measure(.points(0.0125)), Measure(text: "1.25", value: 1.25, unit: "points"))
        XCTAssertEqual(measure(.points(0.0125, of: 1000))?.count, 1000)
        XCTAssertEqual(measure(.seconds(3.14159)), Measure(text: "3.14", value: 3.14159, unit: "s"))
        XCTAssertEqual(measure(.seconds(42.04))?.text, "42.0")
        XCTAssertEqual(measure(.degrees(12.345, digits: 1)), Measure(text: "12.3°", value: 12.345, unit: "°"))
        XCTAssertEqual(measure(.degrees(5))?.text, "5°")
        XCTAssertEqual(measure(.imagesPerSecond(1234.7)), Measure(text: "1,234", value: 1234.7, unit: "images/s"))
    }

    func testAPValueKeepsPEvenWhenPrintedAsABound() {
        XCTAssertEqual(measure(.pValue(0.0312)), Measure(text: "p\u{00A0}=\u{00A0}0.031", value: 0.0312))
        XCTAssertEqual(measure(.pValue(0.00004)), Measure(text: "p\u{00A0}<\u{00A0}0.001", value: 0.00004))
    }

    /// Templates, declarations and results see a number as the text it prints.
    func testANumberIsTextToTemplatesAndDeclarations() throws {
        XCTAssertEqual(TemplateValue.percent(0.5).text, "50.00\u{00A0}%")
        XCTAssertEqual(TemplateValue.string("a").text, "a")
        XCTAssertNil(TemplateValue.bool(true).text)
        let declaration = ContentDeclaration(values: "accuracy rows[n]")
        let content = SectionContent(values: ["accuracy": .percent(0.5, of: 10), "rows": [["n": .count(3)]]])
        XCTAssertNil(declaration.mismatch(content))
    }
}
