// A lexer for Swift source, just deep enough to find where declarations begin and
// end and to colour a listing: comments (nested block comments included), string
// literals (single-line, multi-line and raw, with interpolation skipped as part of
// the string), numbers, identifiers, keywords and punctuation. Braces inside
// strings and comments are therefore never counted as scope.

/// One token of a source file. `text` is the exact source, so concatenating every
/// token's text gives the file back byte for byte.
public struct SwiftToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case keyword, identifier, typeName, string, number, comment, attribute, punctuation, whitespace, newline
    }
    public var kind: Kind
    public var text: String
    /// 1-based line of the token's first character.
    public var line: Int
}

public enum SwiftLexer {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "protocol", "public", "static", "struct",
        "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as",
        "catch", "false", "is", "nil", "self", "Self", "super", "throw", "throws", "rethrows", "true", "try",
        "async", "await", "mutating", "nonmutating", "override", "final", "lazy", "weak", "some", "any",
        "indirect", "convenience", "required", "nonisolated", "consuming", "borrowing", "actor",
    ]

    public static func tokens(_ source: String) -> [SwiftToken] {
        var scanner = Scanner(Array(source.unicodeScalars))
        return scanner.all()
    }

    private struct Scanner {
        let s: [Unicode.Scalar]
        var i = 0
        var line = 1

        init(_ scalars: [Unicode.Scalar]) { s = scalars }

        func at(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }
        func starts(_ text: String, at k: Int) -> Bool {
            var j = k
            for c in text.unicodeScalars {
                guard at(j) == c else { return false }
                j += 1
            }
            return true
        }

        mutating func all() -> [SwiftToken] {
            var out: [SwiftToken] = []
            while i < s.count {
                let start = i, startLine = line
                let kind = next()
                var text = String.UnicodeScalarView()
                text.append(contentsOf: s[start..<i])
                out.append(SwiftToken(kind: kind, text: String(text), line: startLine))
            }
            return out
        }

        /// Consumes one token and says what it was.
        mutating func next() -> SwiftToken.Kind {
            let c = s[i]
            if c == "\n" { i += 1; line += 1; return .newline }
            if c == " " || c == "\t" || c == "\r" {
                while let d = at(i), d == " " || d == "\t" || d == "\r" { i += 1 }
                return .whitespace
            }
            if starts("//", at: i) {
                while let d = at(i), d != "\n" { i += 1 }
                return .comment
            }
            if starts("/*", at: i) { blockComment(); return .comment }
            if c == "#" || c == "\"" , let kind = stringLiteral() { return kind }
            if c == "@" , let d = at(i + 1), isIdentifierStart(d) {
                i += 1
                while let d = at(i), isIdentifierPart(d) { i += 1 }
                return .attribute
            }
            if c.properties.numericType != nil, c.isASCII, ("0"..."9").contains(c) {
                while let d = at(i), isIdentifierPart(d) || d == "." && at(i + 1).map({ ("0"..."9").contains($0) }) == true { i += 1 }
                return .number
            }
            if isIdentifierStart(c) || c == "`" || c == "$" {
                let start = i
                if c == "`" {
                    i += 1
                    while let d = at(i), d != "`", d != "\n" { i += 1 }
                    if at(i) == "`" { i += 1 }
                    return .identifier
                }
                i += 1
                while let d = at(i), isIdentifierPart(d) { i += 1 }
                var word = String.UnicodeScalarView()
                word.append(contentsOf: s[start..<i])
                let name = String(word)
                if SwiftLexer.keywords.contains(name) { return .keyword }
                return c.properties.isUppercase ? .typeName : .identifier
            }
            i += 1
            return .punctuation
        }

        mutating func blockComment() {
            var depth = 0
            repeat {
                if starts("/*", at: i) { depth += 1; i += 2 }
                else if starts("*/", at: i) { depth -= 1; i += 2 }
                else { if s[i] == "\n" { line += 1 }; i += 1 }
            } while depth > 0 && i < s.count
        }

        /// A string literal starting at `i` (with any raw-string hashes), or nil when
        /// the `#` begins something else (`#if`, `#filePath`).
        mutating func stringLiteral() -> SwiftToken.Kind? {
            var hashes = 0
            while at(i + hashes) == "#" { hashes += 1 }
            guard at(i + hashes) == "\"" else {
                if hashes > 0 {
                    i += hashes
                    while let d = at(i), isIdentifierPart(d) { i += 1 }
                    return .keyword
                }
                return nil
            }
            i += hashes
            let multiLine = starts("\"\"\"", at: i)
            i += multiLine ? 3 : 1
            let close = (multiLine ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
            let escape = "\\" + String(repeating: "#", count: hashes)
            while i < s.count {
                if starts(close, at: i) { i += close.unicodeScalars.count; return .string }
                if starts(escape + "(", at: i) { i += escape.unicodeScalars.count; skipInterpolation(); continue }
                if starts(escape, at: i) { i += escape.unicodeScalars.count + 1; continue }
                if s[i] == "\n" {
                    if !multiLine { return .string }  // unterminated: stop at the line's end
                    line += 1
                }
                i += 1
            }
            return .string
        }

        /// Skips `( … )` of an interpolation, strings and parentheses inside included.
        mutating func skipInterpolation() {
            var depth = 0
            while i < s.count {
                let c = s[i]
                if c == "(" { depth += 1 }
                else if c == ")" { depth -= 1; if depth == 0 { i += 1; return } }
                else if c == "\"" || c == "#" && at(i + 1) == "\"" { _ = stringLiteral(); continue }
                else if c == "\n" { line += 1 }
                i += 1
            }
        }

        func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || c.properties.numericType != nil }
    }
}
