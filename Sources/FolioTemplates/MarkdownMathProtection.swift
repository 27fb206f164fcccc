// TeX inside Markdown: `$…$` and `$$…$$` are cut out before cmark sees the text
// (cmark would read `W_1 x + b_1` as emphasis and eat backslashes) and replaced by
// tokens that come back as `Inline.math` / `Block.math` after parsing.


/// Markdown with its math replaced by tokens, and the TeX each token stands for.
struct ProtectedMarkdown {
    var text: String
    var inlineMath: [String] = []
    var displayMath: [String] = []
    /// Where each formula's opening `$` stands in the input, in Unicode scalars, so a
    /// formula the math parser rejects can be reported with its line.
    var inlineMathStarts: [Int] = []
    var displayMathStarts: [Int] = []
}

enum MarkdownMathProtection {
    static func protect(_ markdown: String) -> ProtectedMarkdown {
        let s = Array(markdown.unicodeScalars)
        var out = String.UnicodeScalarView()
        var result = ProtectedMarkdown(text: "")
        var i = 0
        func copy(_ range: Range<Int>) { out.append(contentsOf: s[range]) }

        while i < s.count {
            let c = s[i]
            if i == 0 || s[i - 1] == "\n", let end = fencedCodeEnd(s, from: i) {
                copy(i..<end); i = end; continue
            }
            switch c {
            case "\\" where i + 1 < s.count:
                copy(i..<i + 2); i += 2
            case "`":
                let run = runLength(s, from: i, of: "`")
                if let close = closingBackticks(s, from: i + run, length: run) {
                    copy(i..<close); i = close
                } else {
                    copy(i..<i + run); i += run
                }
            case "$" where i + 1 < s.count && s[i + 1] == "$":
                if let close = find(s, "$$", from: i + 2) {
                    result.displayMath.append(String(String.UnicodeScalarView(s[i + 2..<close])))
                    result.displayMathStarts.append(i)
                    out.append(contentsOf: Token.make(result.displayMath.count - 1,
                        open: Token.displayMathOpen, close: Token.displayMathClose).unicodeScalars)
                    i = close + 2
                } else {
                    copy(i..<i + 2); i += 2
                }
            case "$":
                if let close = inlineMathEnd(s, from: i) {
                    result.inlineMath.append(String(String.UnicodeScalarView(s[i + 1..<close])))
                    result.inlineMathStarts.append(i)
                    out.append(contentsOf: Token.make(result.inlineMath.count - 1,
                        open: Token.inlineMathOpen, close: Token.inlineMathClose).unicodeScalars)
                    i = close + 1
                } else {
                    copy(i..<i + 1); i += 1
                }
            default:
                out.append(c); i += 1
            }
        }
        result.text = String(out)
        return result
    }

    /// Pandoc's rule, which keeps prices like "$5 and $6" as text: the opening `$`
    /// is not followed by a space, the closing one not preceded by a space nor
    /// followed by a digit, and inline math never crosses a blank line.
    private static func inlineMathEnd(_ s: [Unicode.Scalar], from open: Int) -> Int? {
        guard open + 1 < s.count, !s[open + 1].properties.isWhitespace else { return nil }
        var j = open + 1
        while j < s.count {
            switch s[j] {
            case "\\": j += 2; continue
            case "`": return nil
            case "\n" where j + 1 < s.count && s[j + 1] == "\n": return nil
            case "$":
                let spaceBefore = s[j - 1].properties.isWhitespace
                let digitAfter = j + 1 < s.count && ("0"..."9").contains(s[j + 1])
                if !spaceBefore && !digitAfter { return j }
                return nil
            default: break
            }
            j += 1
        }
        return nil
    }

    /// When a line opens a fenced code block (``` or ~~~), the index just past its
    /// closing fence line (or the end of the text).
    private static func fencedCodeEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start
        while i < s.count, s[i] == " ", i - start < 3 { i += 1 }
        guard i < s.count, s[i] == "`" || s[i] == "~" else { return nil }
        let fence = s[i]
        let length = runLength(s, from: i, of: fence)
        guard length >= 3 else { return nil }
        var lineStart = nextLine(s, from: i)
        while lineStart < s.count {
            var j = lineStart
            while j < s.count, s[j] == " ", j - lineStart < 3 { j += 1 }
            if j < s.count, s[j] == fence, runLength(s, from: j, of: fence) >= length {
                return nextLine(s, from: j)
            }
            lineStart = nextLine(s, from: lineStart)
        }
        return s.count
    }

    private static func nextLine(_ s: [Unicode.Scalar], from i: Int) -> Int {
        var j = i
        while j < s.count, s[j] != "\n" { j += 1 }
        return min(j + 1, s.count)
    }

    private static func runLength(_ s: [Unicode.Scalar], from i: Int, of c: Unicode.Scalar) -> Int {
        var j = i
        while j < s.count, s[j] == c { j += 1 }
        return j - i
    }

    /// End (exclusive) of the first run of exactly `length` backticks after `from`.
    private static func closingBackticks(_ s: [Unicode.Scalar], from: Int, length: Int) -> Int? {
        var j = from
        while j < s.count {
            if s[j] == "`" {
                let run = runLength(s, from: j, of: "`")
                if run == length { return j + run }
                j += run
            } else {
                j += 1
            }
        }
        return nil
    }

    private static func find(_ s: [Unicode.Scalar], _ needle: String, from: Int) -> Int? {
        let n = Array(needle.unicodeScalars)
        var j = from
        while j + n.count <= s.count {
            if s[j] == "\\" { j += 2; continue }
            if Array(s[j..<j + n.count]) == n { return j }
            j += 1
        }
        return nil
    }
}
