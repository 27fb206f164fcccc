// The math subset as a tree: what `MathParser` produces from TeX source and what
// `MathTypesetter` lays out for the PDF. Public so the HTML writer could emit MathML
// from the same tree instead of re-parsing TeX.

/// How an atom takes part in spacing, following TeX's atom classes.
public enum MathAtomClass: Sendable, Equatable {
    case ordinary, largeOperator, binary, relation, opening, closing, punctuation, inner
}

/// Font variants used inside math.
public enum MathVariant: Sendable, Equatable {
    /// Single-letter variables: DejaVu Serif Italic.
    case italic
    /// Digits, operators, function names, `\mathrm`.
    case upright
    /// `\mathbf`, `\boldsymbol`.
    case bold
}

public enum MathAccent: Sendable, Equatable {
    case hat, bar, tilde, vec, dot
}

public indirect enum MathNode: Sendable, Equatable {
    /// A variable letter (Latin or lower-case Greek), set in italic.
    case variable(String)
    /// A run of digits with an optional decimal point, upright.
    case number(String)
    /// An upright glyph with a spacing class: `+`, `=`, `∈`, `(`, `ℝ`, `∞`, `Ω`.
    case symbol(String, MathAtomClass)
    /// `\text{…}`: upright text with its spaces kept.
    case text(String)
    /// `\mathrm{…}` or `\mathbf{…}` content.
    case styled(String, MathVariant)
    /// A named operator (`\log`, `\max`, `\operatorname{softmax}`); `limits` puts its
    /// subscript below it in display style (`\max`, `\operatorname*`).
    case function(String, limits: Bool)
    /// `\sum`, `\prod`, `\int`: large in display style, limits above and below there.
    case largeOperator(String)
    /// A braced group; lays out as one ordinary atom.
    case group([MathNode])
    case scripts(base: MathNode, sub: MathNode?, sup: MathNode?)
    case fraction(numerator: MathNode, denominator: MathNode)
    case root(MathNode, index: MathNode?)
    case accent(MathNode, MathAccent)
    /// `\left( … \right)`: delimiters sized to the body; "" is the null delimiter `.`.
    case fenced(open: String, body: [MathNode], close: String)
    /// Explicit space in em (`\,` is 3/18, `\quad` is 1).
    case space(Double)
}

/// Why TeX source could not be parsed; the caller adds which template it came from.
public enum MathError: Error, Equatable, CustomStringConvertible {
    case unknownCommand(String)
    case unexpectedCharacter(Character)
    case unbalancedBraces
    case missingArgument(command: String)
    case unmatchedLeftRight
    case unknownDelimiter(String)
    case doubleScript(String)

    public var description: String {
        switch self {
        case .unknownCommand(let name): return "unknown math command \\\(name)"
        case .unexpectedCharacter(let c): return "unexpected character '\(c)' in math"
        case .unbalancedBraces: return "unbalanced braces in math"
        case .missingArgument(let name): return "\\\(name) is missing its argument"
        case .unmatchedLeftRight: return "\\left without matching \\right (or the reverse)"
        case .unknownDelimiter(let d): return "'\(d)' cannot follow \\left or \\right"
        case .doubleScript(let s): return "double \(s == "^" ? "superscript" : "subscript") in math"
        }
    }
}
