import Foundation
import FolioDocument

/// How numbers appear in the prose. Every value the templates show passes through
/// here, so a number reads the same in the text, the tables and results.json.
enum Format {
    /// 0.98934 → "98.93 %", with a no-break space so a line never starts with "%".
    static func percent(_ fraction: Double, digits: Int = 2) -> String {
        String(format: "%.\(digits)f", 100 * fraction) + "\u{00A0}%"
    }

    /// Percentage points between two fractions: "1.25".
    static func points(_ fractionDifference: Double, digits: Int = 2) -> String {
        String(format: "%.\(digits)f", 100 * fractionDifference)
    }

    static func decimal(_ x: Double, digits: Int = 4) -> String { String(format: "%.\(digits)f", x) }

    static func seconds(_ s: Double) -> String { String(format: s < 10 ? "%.2f" : "%.1f", s) }

    /// 799078 → "799,078".
    static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "−" : "") + String(out.reversed())
    }
}

extension TemplateValue {
    static func percent(_ f: Double, digits: Int = 2) -> TemplateValue { .string(Format.percent(f, digits: digits)) }
    static func decimal(_ x: Double, digits: Int = 4) -> TemplateValue { .string(Format.decimal(x, digits: digits)) }
    static func count(_ n: Int) -> TemplateValue { .string(Format.count(n)) }
    static func seconds(_ s: Double) -> TemplateValue { .string(Format.seconds(s)) }
}
