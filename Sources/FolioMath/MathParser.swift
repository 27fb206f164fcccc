// A recursive-descent parser for the TeX math subset the report templates use.
// Anything outside the subset is an error naming the command, so a typo in a template
// is reported instead of being typeset as garbage.

public enum MathParser {
    /// Parses TeX math source (without dollar signs) into a list of atoms.
    public static func parse(_ source: String) throws -> [MathNode] {
        var scanner = Scanner(characters: Array(source))
        let nodes = try scanner.parseList(closing: nil)
        if !scanner.atEnd { throw MathError.unbalancedBraces }
        return nodes
    }

    /// Checks that `source` (TeX without dollar signs) is inside the subset the PDF
    /// typesets, without typesetting it: what a tool checking every template formula
    /// calls. Throws `MathError`, whose description is a one-line message such as
    /// "unknown math command \frak". Parsing is the whole check: whatever parses,
    /// the typesetter can lay out.
    public static func check(_ source: String) throws {
        _ = try parse(source)
    }
}

private struct Scanner {
    let characters: [Character]
    var position = 0

    var atEnd: Bool { position >= characters.count }
    var current: Character? { atEnd ? nil : characters[position] }

    mutating func skipSpaces() {
        while let c = current, c.isWhitespace { position += 1 }
    }

    /// Reads a control word (`\alpha` → "alpha") or control symbol (`\,` → ",").
    mutating func readCommand() -> String {
        position += 1  // the backslash
        guard let first = current else { return "" }
        if first.isLetter && first.isASCII {
            var name = ""
            while let c = current, c.isLetter, c.isASCII { name.append(c); position += 1 }
            return name
        }
        position += 1
        return String(first)
    }

    /// Parses atoms until `closing` ("}" for a group, "right" for \left … \right, nil for the end).
    mutating func parseList(closing: String?) throws -> [MathNode] {
        var nodes: [MathNode] = []
        while true {
            skipSpaces()
            guard let c = current else {
                if closing == "}" { throw MathError.unbalancedBraces }
                if closing == "right" { throw MathError.unmatchedLeftRight }
                return nodes
            }
            switch c {
            case "}":
                if closing == "}" { position += 1; return nodes }
                throw MathError.unbalancedBraces
            case "^", "_":
                position += 1
                let script = try parseArgument(command: String(c))
                let base = nodes.popLast() ?? .group([])
                nodes.append(try attach(script, to: base, superscript: c == "^"))
            case "'":
                position += 1
                let base = nodes.popLast() ?? .group([])
                nodes.append(try attach(.symbol("′", .ordinary), to: base, superscript: true))
            case "\\":
                let save = position
                let name = readCommand()
                if name == "right" {
                    if closing == "right" { position = save; return nodes }
                    throw MathError.unmatchedLeftRight
                }
                position = save
                nodes.append(try parseAtom())
            default:
                nodes.append(try parseAtom())
            }
        }
    }

    func attach(_ script: MathNode, to base: MathNode, superscript: Bool) throws -> MathNode {
        if case .scripts(let b, let sub, let sup) = base {
            if superscript {
                guard sup == nil else { throw MathError.doubleScript("^") }
                return .scripts(base: b, sub: sub, sup: script)
            }
            guard sub == nil else { throw MathError.doubleScript("_") }
            return .scripts(base: b, sub: script, sup: sup)
        }
        return superscript ? .scripts(base: base, sub: nil, sup: script) : .scripts(base: base, sub: script, sup: nil)
    }

    /// One argument: a braced group, a single command, or a single character.
    mutating func parseArgument(command: String) throws -> MathNode {
        skipSpaces()
        guard let c = current else { throw MathError.missingArgument(command: command) }
        if c == "{" {
            position += 1
            let list = try parseList(closing: "}")
            return list.count == 1 ? list[0] : .group(list)
        }
        if c == "}" || c == "^" || c == "_" { throw MathError.missingArgument(command: command) }
        if c.isNumber { position += 1; return .number(String(c)) }
        return try parseAtom()
    }

    /// The raw text of a braced argument (for \text, \mathrm, \operatorname).
    mutating func parseRawArgument(command: String) throws -> String {
        skipSpaces()
        guard current == "{" else {
            guard let c = current, c != "}" else { throw MathError.missingArgument(command: command) }
            position += 1
            return String(c)
        }
        position += 1
        var depth = 1, text = ""
        while let c = current {
            position += 1
            if c == "\\", let next = current, "{}\\$%&#_ ".contains(next) {
                text.append(next); position += 1; continue
            }
            if c == "{" { depth += 1 } else if c == "}" { depth -= 1; if depth == 0 { return text } }
            text.append(c)
        }
        throw MathError.unbalancedBraces
    }

    mutating func parseAtom() throws -> MathNode {
        guard let c = current else { throw MathError.unbalancedBraces }
        if c == "{" {
            position += 1
            return .group(try parseList(closing: "}"))
        }
        if c == "\\" { return try parseCommand(readCommand()) }
        position += 1
        if c.isNumber {
            var digits = String(c)
            while let d = current {
                if d.isNumber { digits.append(d); position += 1; continue }
                if d == ".", position + 1 < characters.count, characters[position + 1].isNumber {
                    digits.append(d); position += 1; continue
                }
                break
            }
            return .number(digits)
        }
        if c.isLetter { return .variable(String(c)) }
        switch c {
        case "+": return .symbol("+", .binary)
        case "-": return .symbol("−", .binary)
        case "*": return .symbol("∗", .binary)
        case "/": return .symbol("/", .ordinary)
        case "=", "<", ">": return .symbol(String(c), .relation)
        case ":": return .symbol(":", .relation)
        case "(", "[": return .symbol(String(c), .opening)
        case ")", "]": return .symbol(String(c), .closing)
        case ",", ";": return .symbol(String(c), .punctuation)
        case "!", "?", ".", "|", "@", "\"": return .symbol(String(c), .ordinary)
        case "~": return .space(1.0 / 3)
        default:
            // Symbols typed directly ("≤", "×") behave like their commands.
            if !c.isASCII, let cls = MathSymbols.typedSymbols[String(c)] { return .symbol(String(c), cls) }
            if let op = MathSymbols.largeOperators.values.first(where: { $0 == String(c) }) { return .largeOperator(op) }
            throw MathError.unexpectedCharacter(c)
        }
    }

    mutating func parseCommand(_ name: String) throws -> MathNode {
        if let g = MathSymbols.lowerGreek[name] { return .variable(g) }
        if let g = MathSymbols.upperGreek[name] { return .symbol(g, .ordinary) }
        if let (glyph, cls) = MathSymbols.symbols[name] { return .symbol(glyph, cls) }
        if let op = MathSymbols.largeOperators[name] { return .largeOperator(op) }
        if let limits = MathSymbols.functions[name] {
            let shown = name == "argmax" ? "arg max" : name == "argmin" ? "arg min" : name
            return .function(shown, limits: limits)
        }
        if let space = MathSymbols.spaces[name] { return .space(space) }
        switch name {
        case "frac", "dfrac", "tfrac":
            let numerator = try parseArgument(command: name)
            let denominator = try parseArgument(command: name)
            return .fraction(numerator: numerator, denominator: denominator)
        case "sqrt":
            skipSpaces()
            var index: MathNode?
            if current == "[" {
                position += 1
                var inner = ""
                while let c = current, c != "]" { inner.append(c); position += 1 }
                guard current == "]" else { throw MathError.missingArgument(command: name) }
                position += 1
                index = .group(try MathParser.parse(inner))
            }
            return .root(try parseArgument(command: name), index: index)
        case "hat", "widehat": return .accent(try parseArgument(command: name), .hat)
        case "bar", "overline": return .accent(try parseArgument(command: name), .bar)
        case "tilde", "widetilde": return .accent(try parseArgument(command: name), .tilde)
        case "vec": return .accent(try parseArgument(command: name), .vec)
        case "dot": return .accent(try parseArgument(command: name), .dot)
        case "mathbb":
            let text = try parseRawArgument(command: name).filter { !$0.isWhitespace }
            return .symbol(text.map(MathSymbols.blackboard).joined(), .ordinary)
        case "mathcal":
            let text = try parseRawArgument(command: name).filter { !$0.isWhitespace }
            return .symbol(text.map(MathSymbols.calligraphic).joined(), .ordinary)
        case "mathrm", "mathsf":
            return .styled(try parseRawArgument(command: name).filter { !$0.isWhitespace }, .upright)
        case "mathbf", "boldsymbol", "bm":
            return .styled(try parseRawArgument(command: name).filter { !$0.isWhitespace }, .bold)
        case "mathit":
            return .variable(try parseRawArgument(command: name).filter { !$0.isWhitespace })
        case "text", "textrm", "mbox", "textnormal":
            return .text(try parseRawArgument(command: name))
        case "operatorname":
            skipSpaces()
            var limits = false
            if current == "*" { position += 1; limits = true }
            return .function(mathTrimmed(try parseRawArgument(command: name)), limits: limits)
        case "left":
            let open = try parseDelimiter()
            let body = try parseList(closing: "right")
            _ = readCommand()  // "right", checked by parseList
            let close = try parseDelimiter()
            return .fenced(open: open, body: body, close: close)
        case "limits", "nolimits", "displaystyle", "textstyle", "big", "Big", "bigl", "bigr", "Bigl", "Bigr":
            // Sizing hints: the typesetter decides sizes itself, so these are accepted and ignored.
            return .group([])
        default:
            throw MathError.unknownCommand(name)
        }
    }

    mutating func parseDelimiter() throws -> String {
        skipSpaces()
        guard let c = current else { throw MathError.unmatchedLeftRight }
        if c == "\\" {
            let name = readCommand()
            guard let d = MathSymbols.delimiterCommands[name] else { throw MathError.unknownDelimiter("\\" + name) }
            return d
        }
        position += 1
        guard MathSymbols.delimiterCharacters.contains(String(c)) else { throw MathError.unknownDelimiter(String(c)) }
        if c == "." { return "" }
        return c == "<" ? "⟨" : c == ">" ? "⟩" : String(c)
    }
}

private func mathTrimmed(_ text: String) -> String {
    var s = Substring(text)
    while s.first?.isWhitespace == true { s.removeFirst() }
    while s.last?.isWhitespace == true { s.removeLast() }
    return String(s)
}
