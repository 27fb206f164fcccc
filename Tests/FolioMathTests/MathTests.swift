import CCairo
import XCTest
@testable import FolioMath

final class MathParserTests: XCTestCase {
    func testScriptsAttachToTheAtomBeforeThem() throws {
        XCTAssertEqual(try MathParser.parse("x_i^2"),
                       [.scripts(base: .variable("x"), sub: .variable("i"), sup: .number("2"))])
        XCTAssertEqual(try MathParser.parse("e^{-x}"),
                       [.scripts(base: .variable("e"), sub: nil, sup: .group([.symbol("−", .binary), .variable("x")]))])
    }

    func testCommandsOfTheSubset() throws {
        XCTAssertEqual(try MathParser.parse(#"\frac{a}{b}"#), [.fraction(numerator: .variable("a"), denominator: .variable("b"))])
        XCTAssertEqual(try MathParser.parse(#"\mathbb{R}^d"#), [.scripts(base: .symbol("ℝ", .ordinary), sub: nil, sup: .variable("d"))])
        XCTAssertEqual(try MathParser.parse(#"\alpha \Omega"#), [.variable("α"), .symbol("Ω", .ordinary)])
        XCTAssertEqual(try MathParser.parse(#"\sqrt{2}"#), [.root(.number("2"), index: nil)])
        XCTAssertEqual(try MathParser.parse(#"\hat{y}"#), [.accent(.variable("y"), .hat)])
        XCTAssertEqual(try MathParser.parse(#"\operatorname{softmax}(z)"#),
                       [.function("softmax", limits: false), .symbol("(", .opening), .variable("z"), .symbol(")", .closing)])
        XCTAssertEqual(try MathParser.parse(#"\text{for all } x"#), [.text("for all "), .variable("x")])
        XCTAssertEqual(try MathParser.parse(#"\sum_{i=1}^n"#),
                       [.scripts(base: .largeOperator("∑"), sub: .group([.variable("i"), .symbol("=", .relation), .number("1")]),
                                 sup: .variable("n"))])
        XCTAssertEqual(try MathParser.parse(#"\left( x \right)"#), [.fenced(open: "(", body: [.variable("x")], close: ")")])
        XCTAssertEqual(try MathParser.parse(#"\lVert w \rVert"#), [.symbol("‖", .opening), .variable("w"), .symbol("‖", .closing)])
        XCTAssertEqual(try MathParser.parse(#"a \le b \cdot c"#),
                       [.variable("a"), .symbol("≤", .relation), .variable("b"), .symbol("⋅", .binary), .variable("c")])
        XCTAssertEqual(try MathParser.parse("0.001"), [.number("0.001")])
        XCTAssertEqual(try MathParser.parse(#"\arg\max_k"#),
                       [.function("arg", limits: false), .scripts(base: .function("max", limits: true), sub: .variable("k"), sup: nil)])
        XCTAssertEqual(try MathParser.parse(#"a\,b\quad c"#),
                       [.variable("a"), .space(3.0 / 18), .variable("b"), .space(1), .variable("c")])
        XCTAssertEqual(try MathParser.parse(#"\{1, \ldots, K\}"#),
                       [.symbol("{", .opening), .number("1"), .symbol(",", .punctuation), .symbol("…", .inner),
                        .symbol(",", .punctuation), .variable("K"), .symbol("}", .closing)])
    }

    func testUnicodeSymbolsBehaveLikeTheirCommands() throws {
        XCTAssertEqual(try MathParser.parse("a ≤ b × c"), try MathParser.parse(#"a \le b \times c"#))
        XCTAssertEqual(try MathParser.parse("∑_i"), try MathParser.parse(#"\sum_i"#))
        XCTAssertEqual(try MathParser.parse(#"\operatorname*{argmax}_x"#),
                       [.scripts(base: .function("argmax", limits: true), sub: .variable("x"), sup: nil)])
        XCTAssertEqual(try MathParser.parse(#"\mathcal{L} + \mathbf{W}"#),
                       [.symbol("ℒ", .ordinary), .symbol("+", .binary), .styled("W", .bold)])
    }

    func testErrorsNameTheProblem() {
        XCTAssertThrowsError(try MathParser.parse(#"x + \foo"#)) { XCTAssertEqual($0 as? MathError, .unknownCommand("foo")) }
        XCTAssertEqual(String(describing: MathError.unknownCommand("foo")), #"unknown math command \foo"#)
        XCTAssertThrowsError(try MathParser.parse("{x")) { XCTAssertEqual($0 as? MathError, .unbalancedBraces) }
        XCTAssertThrowsError(try MathParser.parse("x}")) { XCTAssertEqual($0 as? MathError, .unbalancedBraces) }
        XCTAssertThrowsError(try MathParser.parse(#"\frac{a}"#)) { XCTAssertEqual($0 as? MathError, .missingArgument(command: "frac")) }
        XCTAssertThrowsError(try MathParser.parse(#"\left( x"#)) { XCTAssertEqual($0 as? MathError, .unmatchedLeftRight) }
        XCTAssertThrowsError(try MathParser.parse("x^a^b")) { XCTAssertEqual($0 as? MathError, .doubleScript("^")) }
        XCTAssertThrowsError(try MathParser.parse("a & b")) { XCTAssertEqual($0 as? MathError, .unexpectedCharacter("&")) }
    }

    /// The check another tool runs over every template formula: silent when the
    /// formula is inside the subset, one line naming the problem when not.
    func testCheckAcceptsTheSubsetAndExplainsInOneLine() {
        XCTAssertNoThrow(try MathParser.check(#"\mathcal{L} = -\sum_i y_i \log \hat{y}_i"#))
        XCTAssertNoThrow(try MathParser.check(#"\frac{\partial L}{\partial w} = \sqrt{x^2 + 1}"#))
        XCTAssertThrowsError(try MathParser.check(#"\frak{g}"#)) { error in
            XCTAssertEqual(String(describing: error), #"unknown math command \frak"#)
            XCTAssertFalse(String(describing: error).contains("\n"))
        }
    }
}

final class MathLayoutTests: XCTestCase {
    var surface: OpaquePointer!
    var cr: OpaquePointer!
    var typesetter: MathTypesetter!

    override func setUp() {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 200)
        cr = cairo_create(surface)
        typesetter = MathTypesetter(cairo: cr, fontSize: 10)
    }

    override func tearDown() {
        typesetter = nil
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    func testFractionIsTallerThanItsNumerator() throws {
        let numerator = try typesetter.typeset("a", display: true)
        let fraction = try typesetter.typeset(#"\frac{a}{b}"#, display: true)
        XCTAssertGreaterThan(fraction.ascent, numerator.ascent + 2)
        XCTAssertGreaterThan(fraction.descent, numerator.descent + 2)
        XCTAssertGreaterThan(fraction.ascent + fraction.descent, 2 * (numerator.ascent + numerator.descent))
    }

    func testScriptsAreSmallerAndShifted() throws {
        let base = try typesetter.typeset("x", display: false)
        let sub = try typesetter.typeset("x_i", display: false)
        let sup = try typesetter.typeset("x^2", display: false)
        XCTAssertGreaterThan(sub.descent, base.descent + 1, "a subscript sits lower")
        XCTAssertGreaterThan(sup.ascent, base.ascent + 1, "a superscript sits higher")
        let alone = try typesetter.typeset("i", display: false)
        XCTAssertLessThan(sub.width - base.width, alone.width, "a script is set smaller")
    }

    func testDisplayLimitsGoAboveAndBelow() throws {
        let display = try typesetter.typeset(#"\sum_{i=1}^{n} i"#, display: true)
        let inline = try typesetter.typeset(#"\sum_{i=1}^{n} i"#, display: false)
        XCTAssertGreaterThan(display.ascent + display.descent, inline.ascent + inline.descent)
        XCTAssertLessThan(display.width, inline.width + 8)
    }

    func testRootsAccentsAndFencesCoverTheirBodies() throws {
        let body = try typesetter.typeset(#"\frac{a}{b}"#, display: true)
        let fenced = try typesetter.typeset(#"\left( \frac{a}{b} \right)"#, display: true)
        XCTAssertGreaterThan(fenced.width, body.width)
        XCTAssertGreaterThanOrEqual(fenced.ascent + fenced.descent, body.ascent + body.descent)
        let root = try typesetter.typeset(#"\sqrt{x}"#, display: false)
        let x = try typesetter.typeset("x", display: false)
        XCTAssertGreaterThan(root.ascent, x.ascent)
        XCTAssertGreaterThan(root.width, x.width + 4)
        let hat = try typesetter.typeset(#"\hat{x}"#, display: false)
        XCTAssertGreaterThan(hat.ascent, x.ascent + 1)
    }

    func testBinaryOperatorsGetSpaceButUnaryMinusDoesNot() throws {
        let binary = try typesetter.typeset("a-b", display: false)
        let unary = try typesetter.typeset("-b", display: false)
        let a = try typesetter.typeset("a", display: false)
        XCTAssertGreaterThan(binary.width - a.width - unary.width, 3)
    }

    func testDrawingLeavesInkOnTheSurface() throws {
        let box = try typesetter.typeset(#"\mathbb{R}^{d} \ni \sqrt{\alpha^2 + \beta}"#, display: true)
        cairo_set_source_rgb(cr, 0, 0, 0)
        typesetter.draw(box, into: cr, x: 10, baseline: 100)
        cairo_surface_flush(surface)
        let data = cairo_image_surface_get_data(surface)!
        let stride = Int(cairo_image_surface_get_stride(surface))
        var inked = 0
        for y in 0..<200 { for x in 0..<200 where data[y * stride + x * 4 + 3] > 0 { inked += 1 } }
        XCTAssertGreaterThan(inked, 100)
    }
}
