import XCTest

/// The rules themselves: each catches what it should and passes good prose.
final class ProseRulesTests: XCTestCase {
    func rulesBroken(_ text: String) -> [String] { ProseRules.check([text]).map(\.rule) }

    func testEachRuleCatchesItsMistake() {
        XCTAssertEqual(rulesBroken("The correlation is -0.06."), ["hyphen-minus before a number"])
        XCTAssertEqual(rulesBroken("The side goes from 28 to 28 here."), ["the same value on both sides of \"to\""])
        XCTAssertEqual(rulesBroken("Confidence moves 1.0000 to 1.0000 in all."), ["the same value on both sides of \"to\""])
        XCTAssertEqual(rulesBroken("It ends here. 3 classes remain."), ["sentence beginning with a digit"])
        XCTAssertEqual(rulesBroken("It is a 8 with a loop."), ["\"a\" before a number read with a vowel"])
        XCTAssertEqual(rulesBroken("See image 8,882 below."), ["thousands separator in an image number"])
        XCTAssertEqual(rulesBroken("Titled (with long class names, only the prediction)."), ["template scaffolding"])
    }

    func testGoodProsePasses() {
        let good = [
            "The correlation is −0.06, from 0.12 to 0.125, and 28 to 14 pixels.",
            "Test image 8882 is an 8; images 3,000 to 4,000 are kept; 20 to 200 epochs.",
            "It ends here. Three classes remain (p = 0.031). Figure 3. Table 2 lists 10,000 images.",
            "The range 0.9 to 0.95 and 1 to 10.",
        ]
        for text in good { XCTAssertEqual(rulesBroken(text), [], text) }
    }

    func testVisibleTextSkipsMathCodeAndScripts() {
        let html = #"<p>Loss <span class="math inline">-1</span> and <code>x-1</code>.</p><pre>-1</pre><td>−2</td><script>var a = -1;</script>"#
        let texts = ProseRules.visibleText(html: html)
        XCTAssertEqual(texts.count, 2)
        XCTAssertEqual(ProseRules.check(texts).count, 0, "\(texts)")
    }
}
