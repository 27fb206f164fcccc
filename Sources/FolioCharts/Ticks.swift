import Foundation

/// A mapping from data values to one screen axis, with the ticks to draw on it.
struct AxisScale {
    /// Data range shown (in log10 units when `isLog`).
    var lower: Double
    var upper: Double
    var isLog: Bool
    var ticks: [Double]
    var labels: [String]

    /// Fraction 0...1 along the axis, or nil for values a log axis cannot show.
    func fraction(_ value: Double) -> Double? {
        let v: Double
        if isLog {
            guard value > 0 else { return nil }
            v = log10(value)
        } else {
            v = value
        }
        guard v.isFinite else { return nil }
        return (v - lower) / (upper - lower)
    }

    /// A linear axis covering `lo...hi` with about `target` ticks. Degenerate ranges
    /// (empty, a single value, non-finite) are widened so the mapping never divides by 0.
    static func linear(_ lo: Double, _ hi: Double, target: Int, padding: Double,
                       kind: XAxis = .plain) -> AxisScale {
        var (lo, hi) = widened(lo, hi)
        let pad = (hi - lo) * padding
        lo -= pad; hi += pad
        var ticks: [Double] = []
        var step = 1.0
        // Short axes (colour bars) may catch a single tick at the first try: refine until
        // at least two are labelled, so the scale can be read.
        for extra in 0..<8 {
            step = niceStep((hi - lo) / Double(max(target, 1) + extra))
            if kind == .epochs {
                step = hi - lo <= 12 ? 1 : max(1, niceStep(step).rounded(.up))
            }
            ticks = []
            var k = (lo / step).rounded(.up)
            while k * step <= hi + step * 1e-9, ticks.count < 50 {
                ticks.append(k * step == 0 ? 0 : k * step)
                k += 1
            }
            // An epoch axis of a narrow panel could otherwise show a lone "10" (15 epochs)
            // or only 0 and 50: it needs three integer ticks to be read.
            if ticks.count >= (kind == .epochs ? 3 : 2) { break }
        }
        let labels = ticks.map { format($0, step: step, kind: kind) }
        return AxisScale(lower: lo, upper: hi, isLog: false, ticks: ticks, labels: labels)
    }

    /// A log10 axis over positive `lo...hi`: decades, plus 2 and 5 between them when the
    /// range spans less than about two decades.
    static func logarithmic(_ lo: Double, _ hi: Double, padding: Double) -> AxisScale {
        var a = lo > 0 && lo.isFinite ? log10(lo) : 0
        var b = hi > 0 && hi.isFinite ? log10(hi) : 1
        if b - a < 1e-9 { a -= 0.5; b += 0.5 }
        let pad = (b - a) * padding
        a -= pad; b += pad
        func decadeTicks(_ multipliers: [Double]) -> [Double] {
            var ticks: [Double] = []
            var decade = a.rounded(.down)
            while decade <= b.rounded(.up), ticks.count < 60 {
                for m in multipliers {
                    let v = m * pow(10, decade)
                    let l = log10(v)
                    if l >= a - 1e-9 && l <= b + 1e-9 { ticks.append(v) }
                }
                decade += 1
            }
            return ticks
        }
        var ticks = decadeTicks(b - a < 2.2 ? [1, 2, 5] : [1])
        // A range inside one step of 1-2-5 (0.03 to 0.07) would show a lone label.
        if ticks.count < 2 { ticks = decadeTicks(Array(1...9).map(Double.init)) }
        return AxisScale(lower: a, upper: b, isLog: true, ticks: ticks,
                         labels: ticks.map(formatLogTick))
    }

    /// A fixed range (e.g. a colour bar or a user-set y range), no padding.
    static func fixed(_ lo: Double, _ hi: Double, target: Int) -> AxisScale {
        linear(lo, hi, target: target, padding: 0)
    }

    /// A colour bar's axis: two to `maxTicks` (at least 3) ticks at 1, 2 or 5 times a power of ten,
    /// labelled with at most four significant digits. The labels can only tell values
    /// apart down to the fourth digit of the largest magnitude; a range narrower than
    /// that (0.9999995 to 0.9999999) is widened to whole steps of that size (0.999 to
    /// 1.000), since colours finer than any label can name would read as a strong
    /// effect. The returned `lower` and `upper` are the range to colour by.
    static func colorBar(_ lo: Double, _ hi: Double, maxTicks: Int = 5) -> AxisScale {
        var (lo, hi) = widened(lo, hi)
        let magnitude = max(abs(lo), abs(hi))
        // Labels of values up to 10^e with three decimals fewer than e + 3 keep to four digits.
        let finest = pow(10, (log10(magnitude) - 1e-12).rounded(.up) - 3)
        func ticks(_ step: Double) -> [Double] {
            var out: [Double] = []
            var k = (lo / step - 1e-9).rounded(.up)
            while k * step <= hi + step * 1e-9, out.count <= maxTicks {
                out.append(k * step == 0 ? 0 : k * step)
                k += 1
            }
            return out
        }
        let maxTicks = max(maxTicks, 3)
        var step = max(finest, oneTwoFive((hi - lo) / Double(maxTicks)))
        while ticks(step).count > maxTicks { step = oneTwoFive(step * 1.01) }
        while ticks(step).count < 2 {
            let finer = oneTwoFive(step * 0.99, down: true)
            if finer < finest * (1 - 1e-9) || ticks(finer).count > maxTicks {
                // Too narrow to label at a finer step, or too many ticks at it: widen to
                // whole steps around the data, which puts a tick at both ends.
                lo = (lo / step + 1e-9).rounded(.down) * step
                hi = max((hi / step - 1e-9).rounded(.up) * step, lo + step)
                break
            }
            step = finer
        }
        let values = ticks(step)
        return AxisScale(lower: lo, upper: hi, isLog: false, ticks: values,
                         labels: values.map { format($0, step: step) })
    }

    /// The nearest of 1, 2 or 5 times a power of ten at least `raw` (at most, with `down`).
    static func oneTwoFive(_ raw: Double, down: Bool = false) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        let candidates = [0.5, 1, 2, 5, 10].map { $0 * magnitude }
        return down ? candidates.last { $0 <= raw * (1 + 1e-9) }! : candidates.first { $0 >= raw * (1 - 1e-9) }!
    }

    static func widened(_ lo: Double, _ hi: Double) -> (Double, Double) {
        guard lo.isFinite, hi.isFinite, lo <= hi else { return (0, 1) }
        if hi - lo > max(abs(lo), abs(hi)) * 1e-12 { return (lo, hi) }
        let half = lo == 0 ? 1 : abs(lo) * 0.1
        return (lo - half, hi + half)
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw * (1 - 1e-9) {
            return m * magnitude
        }
        return 10 * magnitude
    }
}

/// A tick label: as few decimals as the step needs, a true minus sign, and for training
/// examples seen a k/M suffix.
func format(_ value: Double, step: Double, kind: XAxis = .plain) -> String {
    if kind == .examplesSeen && abs(value) >= 1000 {
        let (unit, suffix) = abs(value) >= 1_000_000 ? (1e6, "M") : (1e3, "k")
        return format(value / unit, step: step / unit) + suffix
    }
    var decimals = max(0, Int((-log10(step)).rounded(.up)))
    // 0.25-style steps need one more digit than their power of ten suggests.
    let scaled = step * pow(10, Double(decimals))
    if abs(scaled - scaled.rounded()) > 1e-6 { decimals += 1 }
    return formatDecimal(value, decimals: min(decimals, 10))
}

func formatDecimal(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
    var s = String(format: "%.\(max(0, decimals))f", value)
    if s.hasPrefix("-") {
        s.removeFirst()
        // "-0.00" is zero: no sign.
        s = s.allSatisfy({ $0 == "0" || $0 == "." }) ? s : "−" + s
    }
    return s
}

/// `label` with every hyphen-minus that signs a number ("-3", "(-0.5", "= -1") turned
/// into a true minus sign (U+2212), as wide as a plus and set at its height. Labels a
/// chapter hands over (tick names, colour-bar titles) may come from `String(-3)`.
func withMinusSigns(_ label: String) -> String {
    let characters = Array(label)
    var out = ""
    for (i, ch) in characters.enumerated() {
        let next = i + 1 < characters.count ? characters[i + 1] : " "
        let afterNext = i + 2 < characters.count ? characters[i + 2] : " "
        let previous = i > 0 ? characters[i - 1] : " "
        let signsNumber = next.isNumber || (next == "." && afterNext.isNumber)
        let standsAlone = previous.isWhitespace || "([=,:/×".contains(previous)
        out.append(ch == "-" && signsNumber && standsAlone ? "−" : ch)
    }
    return out
}

/// 0.01, 0.1, 1, 10 … in plain digits near 1, and 10⁻⁵-style far from it.
func formatLogTick(_ v: Double) -> String {
    let exponent = Int(log10(v).rounded(.down))
    let mantissa = v / pow(10, Double(exponent))
    if exponent >= -3 && exponent <= 4 {
        return formatDecimal(v, decimals: max(0, -exponent))
    }
    let superscripts: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷",
        "8": "⁸", "9": "⁹", "-": "⁻",
    ]
    let power = "10" + String(String(exponent).map { superscripts[$0] ?? $0 })
    let m = mantissa.rounded()
    return m == 1 ? power : "\(Int(m))×" + power
}
