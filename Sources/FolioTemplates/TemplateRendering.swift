// Filling a fragment's placeholders. Values never reach the Markdown parser as
// text: each is swapped for an opaque token of private-use characters, the
// Markdown is parsed, and only then are the tokens replaced by the values as plain
// text. So a value holding `*`, `_`, `<`, `&` or `@fig-x` cannot become markup.

import FolioDocument
import Foundation
import Mustache

/// Private-use code points marking substituted values and protected math in the
/// Markdown text. Markdown treats them as ordinary letters.
enum Token {
    static let valueOpen: Unicode.Scalar = "\u{E000}"
    static let valueClose: Unicode.Scalar = "\u{E001}"
    static let inlineMathOpen: Unicode.Scalar = "\u{E002}"
    static let inlineMathClose: Unicode.Scalar = "\u{E003}"
    static let displayMathOpen: Unicode.Scalar = "\u{E004}"
    static let displayMathClose: Unicode.Scalar = "\u{E005}"
    /// Digits are encoded as private-use code points too, so a token next to
    /// Markdown never looks like a list number.
    static let digitBase: UInt32 = 0xE010

    static func make(_ index: Int, open: Unicode.Scalar, close: Unicode.Scalar) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(open)
        for digit in String(index).unicodeScalars {
            scalars.append(Unicode.Scalar(digitBase + digit.value - 48)!)
        }
        scalars.append(close)
        return String(scalars)
    }

    /// Reads the index encoded after an opening scalar at `position`; returns the
    /// index and the position after the closing scalar.
    static func read(_ scalars: [Unicode.Scalar], at position: Int, close: Unicode.Scalar) -> (Int, Int)? {
        var index = 0
        var cursor = position + 1
        while cursor < scalars.count, scalars[cursor] != close {
            let value = scalars[cursor].value
            guard value >= digitBase, value < digitBase + 10 else { return nil }
            index = index * 10 + Int(value - digitBase)
            cursor += 1
        }
        guard cursor < scalars.count, cursor > position + 1 else { return nil }
        return (index, cursor + 1)
    }

    static func isToken(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0xE000 && scalar.value < 0xE020 }
}

/// A fragment after its placeholders were filled: Markdown with value tokens, and
/// the values those tokens stand for.
struct FilledFragment {
    var markdown: String
    var values: [String]
}

enum FragmentFiller {
    /// Checks the fragment strictly against `values` and renders it with swift-mustache.
    static func fill(_ source: String, file: String, values: [String: TemplateValue]) throws -> FilledFragment {
        let tags = try TemplateTagScanner.scan(source, file: file)
        var checker = TemplateValueChecker(file: file)
        try checker.check(tags, values: values)

        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: source)
        } catch {
            throw TemplateError(file: file, "Mustache could not parse the fragment: \(error)")
        }
        var table: [String] = []
        let object = tokenised(.object(values), table: &table)
        return FilledFragment(markdown: template.render(object), values: table)
    }

    /// The value tree as swift-mustache reads it, with every string replaced by its token.
    private static func tokenised(_ value: TemplateValue, table: inout [String]) -> Any {
        switch value {
        case .string, .number:
            // A typed number prints its text, exactly as a string would.
            table.append(value.text ?? "")
            return Token.make(table.count - 1, open: Token.valueOpen, close: Token.valueClose)
        case let .bool(flag):
            return flag
        case let .list(items):
            return items.map { tokenised($0, table: &table) }
        case let .object(fields):
            return fields.mapValues { tokenised($0, table: &table) }
        }
    }
}
