import Foundation

/// The wording rules a program can check in a built report: what a strict reader
/// would mark in the prose and tables, whatever the numbers of the run.
enum ProseRules {
    struct Finding: CustomStringConvertible {
        let rule: String
        let excerpt: String
        var description: String { "\(rule): …\(excerpt)…" }
    }

    /// (rule, pattern) pairs applied to the visible text of paragraphs, list items and
    /// table cells.
    static let rules: [(String, String)] = [
        // A minus sign typed as a hyphen: "-0.06", "(-3", "= -1".
        ("hyphen-minus before a number", #"(?:^|[\s(\[=,;:])-\d"#),
        // "from 28 to 28", "1.0000 to 1.0000": the same number on both sides.
        ("the same value on both sides of \"to\"", #"(?<![\d.,])(\d[\d.,]*(?:\s?%)?) to \1(?![\d.,]*\d)"#),
        ("sentence beginning with a digit", #"[a-z%)\]][.!?]\s+\d"#),
        ("\"a\" before a number read with a vowel", #"\b[Aa] (?:8|11|18|8\d|8\d\d)\b"#),
        ("thousands separator in an image number", #"(?:image|#)\s?\d{1,3},\d{3}\b"#),
        ("template scaffolding", #"\{\{|\}\}|\[\[|long class names|notebook's view|TODO"#),
    ]

    /// The text a reader sees in <p>, <li>, <td> and <th> elements of an HTML page
    /// (math, code and figures left out: TeX and listings follow their own rules).
    static func visibleText(html: String) -> [String] {
        var page = html
        for pattern in [#"<script\b.*?</script>"#, #"<style\b.*?</style>"#, #"<pre\b.*?</pre>"#, #"<svg\b.*?</svg>"#,
                        #"<code\b.*?</code>"#, #"<span class="math[^"]*">.*?</span>"#] {
            page = page.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression, .caseInsensitive])
        }
        let element = try! NSRegularExpression(pattern: #"<(p|li|td|th)\b[^>]*>(.*?)</\1>"#, options: [.dotMatchesLineSeparators])
        return element.matches(in: page, range: NSRange(page.startIndex..., in: page)).map { match in
            var text = String(page[Range(match.range(at: 2), in: page)!])
            text = text.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            for (entity, character) in [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " ")] {
                text = text.replacingOccurrences(of: entity, with: character)
            }
            return text.replacingOccurrences(of: "\u{00A0}", with: " ")
        }
    }

    static func check(_ texts: [String]) -> [Finding] {
        var findings: [Finding] = []
        for (rule, pattern) in rules {
            let regex = try! NSRegularExpression(pattern: pattern)
            for text in texts {
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let r = Range(match.range, in: text)!
                    let from = text.index(r.lowerBound, offsetBy: -30, limitedBy: text.startIndex) ?? text.startIndex
                    let to = text.index(r.upperBound, offsetBy: 30, limitedBy: text.endIndex) ?? text.endIndex
                    findings.append(Finding(rule: rule, excerpt: String(text[from..<to])))
                }
            }
        }
        return findings
    }
}
