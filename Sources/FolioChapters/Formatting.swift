import Foundation
import FolioDocument
import FolioExperiments

/// How numbers appear in the prose. Every value the templates show passes through
/// here, so a number reads the same in the text, the tables and results.json (and
/// the build's own tables, the training logs, read the same way).
public enum Format {
    /// 0.5 → "50.00 %", with a no-break space so a line never starts with "%".
    static func percent(_ fraction: Double, digits: Int = 2) -> String {
        fixed(100 * fraction, digits) + "\u{00A0}%"
    }

    /// As `percent`, but a share above zero that would round to zero prints as a
    /// bound ("< 0.1 %" at one decimal), so that a table never shows 0.0 % for
    /// something that happened.
    static func percentAboveZero(_ fraction: Double, digits: Int = 2) -> String {
        let unit = pow(10, -Double(digits))
        guard fraction > 0, 100 * fraction < unit / 2 else { return percent(fraction, digits: digits) }
        return "<\u{00A0}" + fixed(unit, digits) + "\u{00A0}%"
    }

    /// Percentage points between two fractions: "1.25".
    static func points(_ fractionDifference: Double, digits: Int = 2) -> String {
        fixed(100 * fractionDifference, digits)
    }

    static func decimal(_ x: Double, digits: Int = 4) -> String { fixed(x, digits) }

    /// A fixed-point number with a true minus sign (U+2212), as typeset text has it;
    /// "-0.00" (a small negative rounded to zero) reads as "0.00".
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        let s = String(format: "%.\(digits)f", roundedAsWritten(x, digits))
        if s.hasPrefix("-") {
            let magnitude = String(s.dropFirst())
            return magnitude.allSatisfy({ $0 == "0" || $0 == "." }) ? magnitude : "\u{2212}" + magnitude
        }
        return s
    }

    /// `x` rounded to `digits` decimals as its decimal value reads, halves away from
    /// zero. 1,135 of 10,000 is 11.35 %, but 100 · 0.1135 is stored as 11.3499999…,
    /// which printf alone rounds down to 11.3; the binary error is far below a
    /// millionth of the last digit, so snapping there first restores the half.
    static func roundedAsWritten(_ x: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits)), scaled = x * scale
        guard x.isFinite, abs(scaled) < 1e9 else { return x }
        return ((scaled * 1e6).rounded() / 1e6).rounded(.toNearestOrAwayFromZero) / scale
    }

    /// A p-value as the prose states it: "p = 0.62", "p = 0.031", "p < 0.001".
    static func pValue(_ p: Double) -> String {
        p < 0.001 ? "p\u{00A0}<\u{00A0}0.001" : "p\u{00A0}=\u{00A0}" + number(p, significant: 2)
    }

    /// A p-value in a table column: "0.62", "0.031", "< 0.001".
    static func probability(_ p: Double) -> String {
        p < 0.001 ? "<\u{00A0}0.001" : number(p, significant: 2)
    }

    /// 7.69e-7 → ("7.69", "-7"): mantissa and exponent, for templates to typeset
    /// as $m \times 10^{e}$ (values are escaped inside math, so TeX cannot be a value).
    static func scientific(_ x: Double, digits: Int = 2) -> (mantissa: String, exponent: String) {
        guard x != 0, x.isFinite else { return (decimal(x, digits: digits), "0") }
        var exponent = Int((log10(abs(x))).rounded(.down))
        let scale = pow(10, Double(digits))
        var mantissa = (x / pow(10, Double(exponent)) * scale).rounded() / scale
        if abs(mantissa) >= 10 { mantissa /= 10; exponent += 1 }  // 9.999… rounded up to 10
        return (String(format: "%.\(digits)f", mantissa), String(exponent))
    }

    /// A number of any size for prose and tables, with up to `significant` digits:
    /// 65.025 → "65.03", 0.001 → "0.001", 1e-5 → "1 × 10⁻⁵", 1.538e-10 → "1.54 × 10⁻¹⁰".
    static func number(_ x: Double, significant: Int = 3) -> String {
        guard x != 0, x.isFinite else { return x == 0 ? "0" : String(x) }
        func trimmed(_ s: String) -> String {
            guard s.contains(".") else { return s }
            var t = s
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
            return t
        }
        let magnitude = Int((log10(abs(x))).rounded(.down))
        if magnitude >= -3 && magnitude < 4 {
            return trimmed(fixed(x, max(significant - 1 - magnitude, 0)))
        }
        let s = scientific(x, digits: significant - 1)
        let superscripts: [Character: Character] = ["-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴",
                                                    "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"]
        return trimmed(s.mantissa).replacingOccurrences(of: "-", with: "\u{2212}") + " × 10"
            + String(s.exponent.map { superscripts[$0]! })
    }

    static func seconds(_ s: Double) -> String { fixed(s, s < 10 ? 2 : 1) }

    /// 799078 → "799,078".
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "−" : "") + String(out.reversed())
    }
}

/// The template values of numbers: each prints the text `Format` gives and carries
/// the number typed for results.json (see `Measure` for what value and unit mean).
extension TemplateValue {
    /// A proportion as a percentage: value 100 × fraction, unit "%". `of` is the
    /// number of images the proportion was measured on, when it was.
    static func percent(_ f: Double, digits: Int = 2, of count: Int? = nil) -> TemplateValue {
        .number(Measure(text: Format.percent(f, digits: digits), value: scaled(f), unit: "%", count: count))
    }

    /// An evaluation's accuracy, with the number of images it was measured on.
    static func accuracy(_ e: EvaluationRecord, digits: Int = 2) -> TemplateValue {
        .percent(e.accuracy, digits: digits, of: e.count)
    }

    /// A difference of two fractions in percentage points: value 100 × difference;
    /// `of` as for `percent`, when both were measured on the same images.
    static func points(_ d: Double, digits: Int = 2, of count: Int? = nil) -> TemplateValue {
        .number(Measure(text: Format.points(d, digits: digits), value: scaled(d), unit: "points", count: count))
    }

    /// 100 × a fraction, rounded at the ninth decimal so that 100 × 0.5809 is stored
    /// as 58.09, not 58.089999999999996: far finer than any printed digit.
    private static func scaled(_ fraction: Double) -> Double {
        guard fraction.isFinite else { return fraction }
        return (100 * fraction * 1e9).rounded() / 1e9
    }

    static func decimal(_ x: Double, digits: Int = 4, unit: String? = nil) -> TemplateValue {
        .number(Measure(text: Format.decimal(x, digits: digits), value: x, unit: unit))
    }

    /// A number of any size ("0.001", "1 × 10⁻⁵"), as `Format.number` prints it.
    static func number(_ x: Double, significant: Int = 3, unit: String? = nil) -> TemplateValue {
        .number(Measure(text: Format.number(x, significant: significant), value: x, unit: unit))
    }

    /// A Float setting (a learning rate, a noise level): printed from the Float
    /// widened, as the Double overloads print it, but stored as the Float's shortest
    /// decimal, so 0.001 is stored as 0.001 and not 0.0010000000474974513.
    static func number(_ x: Float, significant: Int = 3, unit: String? = nil) -> TemplateValue {
        .number(Measure(text: Format.number(Double(x), significant: significant), value: shortest(x), unit: unit))
    }

    static func decimal(_ x: Float, digits: Int = 4, unit: String? = nil) -> TemplateValue {
        .number(Measure(text: Format.decimal(Double(x), digits: digits), value: shortest(x), unit: unit))
    }

    private static func shortest(_ x: Float) -> Double { Double(String(x)) ?? Double(x) }

    /// A count with thousands separators ("799,078"); no unit.
    static func count(_ n: Int) -> TemplateValue { .number(Measure(text: Format.count(n), value: Double(n))) }

    /// A number printed as Swift prints it ("3", "0.01"): settings, sizes, indices.
    static func plain<T: BinaryInteger & LosslessStringConvertible>(_ n: T) -> TemplateValue {
        .number(Measure(text: String(n), value: Double(n)))
    }

    /// The value is read back from the text, so a Float 0.01 is stored as 0.01,
    /// not as the 0.009999999776… that the Float widens to.
    static func plain<T: BinaryFloatingPoint & LosslessStringConvertible>(_ x: T) -> TemplateValue {
        let text = String(x)
        return .number(Measure(text: text, value: Double(text) ?? Double(x)))
    }

    /// An angle in degrees, printed with its "°": `digits` decimals, or as
    /// `Format.number` prints it when nil.
    static func degrees(_ x: Double, digits: Int? = nil) -> TemplateValue {
        let text = digits.map { Format.decimal(x, digits: $0) } ?? Format.number(x)
        return .number(Measure(text: text + "°", value: x, unit: "°"))
    }

    /// Throughput rounded to whole images per second, with thousands separators.
    static func imagesPerSecond(_ rate: Double) -> TemplateValue {
        .number(Measure(text: Format.count(Int(rate)), value: rate, unit: "images/s"))
    }

    static func seconds(_ s: Double) -> TemplateValue {
        .number(Measure(text: Format.seconds(s), value: s, unit: "s"))
    }

    /// "p = 0.031" or "p < 0.001"; the value is p itself in both cases.
    static func pValue(_ p: Double) -> TemplateValue { .number(Measure(text: Format.pValue(p), value: p)) }
}
