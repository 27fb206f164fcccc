// Finds declarations in Swift sources by name, so a report can show the code that
// produced an answer without copying it anywhere: the listing is read from
// `Sources/` at build time, from the declaration's doc comment to its closing brace.

import Foundation

/// One declaration found in a source file.
public struct Declaration: Sendable, Equatable {
    public enum Kind: String, Sendable { case type, `extension`, function, initializer, property, `case` }
    public var kind: Kind
    /// Dotted path through the enclosing types: "ExperimentRunner.train".
    public var name: String
    /// With argument labels for functions and initialisers: "ExperimentRunner.train(_:epochs:)".
    public var signature: String
    /// Path relative to the root the index was built from.
    public var file: String
    /// 1-based, inclusive; the first line is that of the doc comment when there is one.
    public var firstLine: Int
    public var lastLine: Int
}

/// Every declaration of the Swift files under a folder.
public struct DeclarationIndex: Sendable {
    public private(set) var declarations: [Declaration] = []
    /// Source lines by relative path, for listings.
    public private(set) var files: [String: [String]] = [:]

    /// Indexes every `.swift` file under `root/folder` (sorted, for stable output).
    public init(root: URL, folder: String = "Sources") throws {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else {
            throw ListingError("\(base.path): cannot read the source folder")
        }
        let urls = walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
            .sorted { $0.path < $1.path }
        for url in urls {
            let relative = folder + "/" + url.path.dropFirst(base.path.count + 1)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw ListingError("\(url.path): not readable as UTF-8 text")
            }
            add(file: relative, source: text)
        }
    }

    public init() {}

    /// Adds the declarations and files of another index (another folder of the checkout).
    public mutating func merge(_ other: DeclarationIndex) {
        declarations += other.declarations
        files.merge(other.files) { mine, _ in mine }
    }

    public mutating func add(file: String, source: String) {
        files[file] = source.components(separatedBy: "\n")
        declarations += DeclarationScanner(file: file, tokens: SwiftLexer.tokens(source), lines: files[file]!).scan()
    }

    /// The declaration `reference` names: a dotted name ("OcclusionStudy.sweep") when
    /// it is unique, or a signature ("ExperimentRunner.train(_:epochs:)") to choose
    /// among overloads. A type's name alone means the type, not its extensions.
    public func declaration(_ reference: String) throws -> Declaration {
        let bySignature = declarations.filter { $0.signature == reference }
        if bySignature.count == 1 { return bySignature[0] }
        var matches = declarations.filter { $0.name == reference && $0.kind != .extension }
        if matches.isEmpty { matches = declarations.filter { $0.name == reference } }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw ListingError("no declaration \(reference) in \(files.count) source files")
        default:
            let choices = matches.map { "\($0.signature) (\($0.file):\($0.firstLine))" }.joined(separator: ", ")
            throw ListingError("\(reference) names \(matches.count) declarations; give one of: \(choices)")
        }
    }

    /// The source lines of a declaration, exactly as in the file.
    public func lines(of declaration: Declaration) -> [String] {
        guard let all = files[declaration.file] else { return [] }
        return Array(all[(declaration.firstLine - 1)..<min(declaration.lastLine, all.count)])
    }
}

public struct ListingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Walks one file's tokens, keeping a stack of the enclosing named scopes.
private struct DeclarationScanner {
    let file: String
    /// Tokens without whitespace, so neighbours are the next meaningful tokens.
    let t: [SwiftToken]
    let lines: [String]

    init(file: String, tokens: [SwiftToken], lines: [String]) {
        self.file = file
        self.lines = lines
        t = tokens.filter { $0.kind != .whitespace }
    }

    static let introducers: [String: Declaration.Kind] = [
        "struct": .type, "class": .type, "enum": .type, "protocol": .type, "actor": .type,
        "extension": .extension, "func": .function, "init": .initializer, "var": .property, "let": .property,
        "typealias": .type, "case": .case,
    ]

    func scan() -> [Declaration] {
        var found: [Declaration] = []
        var scopes: [(name: String, depth: Int)] = []
        var depth = 0
        var k = 0
        while k < t.count {
            let token = t[k]
            if token.kind == .punctuation, token.text == "{" { depth += 1 }
            if token.kind == .punctuation, token.text == "}" {
                depth -= 1
                while let last = scopes.last, last.depth > depth { scopes.removeLast() }
            }
            // Only declarations directly in a type or at file level: not locals.
            let inTypeBody = scopes.last.map { $0.depth == depth } ?? (depth == 0)
            // "class func" and "class var" are modifiers, not a class.
            let modifierClass = token.text == "class" && k + 1 < t.count && t[k + 1].kind == .keyword
            if token.kind == .keyword, let kind = Self.introducers[token.text], inTypeBody, !modifierClass,
               let (name, nameEnd) = declaredName(after: k, kind: kind) {
                let path = (scopes.map(\.name) + [name]).joined(separator: ".")
                let end = endOfDeclaration(from: nameEnd)
                var signature = path
                if kind == .function || kind == .initializer { signature += labels(after: nameEnd) }
                found.append(Declaration(kind: kind, name: path, signature: signature, file: file,
                                         firstLine: firstLine(of: k), lastLine: t[end.index].line))
                if kind == .type || kind == .extension, let brace = end.openBrace {
                    // The body opens at `brace`; its scope holds until the matching `}`.
                    let body = depth + 1
                    scopes.append((name, body))
                    while k < brace { k += 1 }
                    depth = body
                    k += 1
                    continue
                }
                if kind == .function || kind == .initializer || kind == .property {
                    k = end.index + 1
                    continue
                }
            }
            k += 1
        }
        return found
    }

    func declaredName(after k: Int, kind: Declaration.Kind) -> (String, Int)? {
        if kind == .initializer { return ("init", k) }
        var j = k + 1
        guard j < t.count else { return nil }
        if kind == .extension {
            var name = ""
            while j < t.count, t[j].kind == .typeName || t[j].kind == .identifier || t[j].text == "." {
                name += t[j].text
                j += 1
            }
            return name.isEmpty ? nil : (name, j - 1)
        }
        guard t[j].kind == .identifier || t[j].kind == .typeName || t[j].kind == .punctuation && kind == .function else {
            return nil
        }
        return (t[j].text.trimmingCharacters(in: CharacterSet(charactersIn: "`")), j)
    }

    /// Argument labels of the parameter list following the name: "(_:epochs:)".
    func labels(after nameEnd: Int) -> String {
        var j = nameEnd + 1
        if j < t.count, t[j].text == "<" { j = skip(from: j, open: "<", close: ">") }
        guard j < t.count, t[j].text == "(" else { return "()" }
        var parens = 0
        var labels: [String] = []
        var expectLabel = true
        while j < t.count {
            let text = t[j].text
            if text == "(" || text == "[" { parens += 1 }
            else if text == ")" || text == "]" { parens -= 1; if parens == 0 { break } }
            else if parens == 1, text == "," { expectLabel = true }
            else if parens == 1, expectLabel, t[j].kind == .identifier || t[j].kind == .keyword || text == "_" {
                labels.append(text)
                expectLabel = false
            }
            j += 1
        }
        return "(" + labels.map { $0 + ":" }.joined() + ")"
    }

    func skip(from j: Int, open: String, close: String) -> Int {
        var depth = 0, j = j
        while j < t.count {
            if t[j].text == open { depth += 1 } else if t[j].text == close { depth -= 1; if depth == 0 { return j + 1 } }
            j += 1
        }
        return j
    }

    /// Where the declaration ends: the `}` closing its body, or for one without a
    /// body the end of its line once every bracket opened on the way is closed.
    func endOfDeclaration(from start: Int) -> (index: Int, openBrace: Int?) {
        var j = start + 1
        var brackets = 0
        while j < t.count {
            let token = t[j]
            if token.kind == .punctuation {
                switch token.text {
                case "(", "[": brackets += 1
                case ")", "]": brackets -= 1
                case "{" where brackets == 0:
                    return (matchingBrace(j), j)
                case "{": brackets += 1
                case "}" where brackets == 0: return (j - 1, nil)  // the enclosing body ends
                case "}": brackets -= 1
                default: break
                }
            }
            if token.kind == .newline, brackets == 0, !continuesOnNextLine(j) { return (j - 1, nil) }
            j += 1
        }
        return (t.count - 1, nil)
    }

    /// A line ending in an operator or comma, or followed by one starting with a dot
    /// or `where`/`throws`/`->`, continues the declaration.
    func continuesOnNextLine(_ newline: Int) -> Bool {
        var before = newline - 1
        while before >= 0, t[before].kind == .comment { before -= 1 }
        if before >= 0, [",", "=", "->", ":"].contains(t[before].text) { return true }
        var after = newline + 1
        while after < t.count, t[after].kind == .newline || t[after].kind == .comment { after += 1 }
        guard after < t.count else { return false }
        return [".", "where", "throws", "->", "{", "async", "rethrows"].contains(t[after].text)
    }

    func matchingBrace(_ open: Int) -> Int {
        var depth = 0, j = open
        while j < t.count {
            if t[j].kind == .punctuation {
                if t[j].text == "{" { depth += 1 } else if t[j].text == "}" { depth -= 1; if depth == 0 { return j } }
            }
            j += 1
        }
        return t.count - 1
    }

    /// The declaration's first line: back over its modifiers and attributes (which
    /// may stand on lines of their own), then over the `///` doc comment above them.
    func firstLine(of introducer: Int) -> Int {
        let modifiers: Set<String> = ["public", "private", "fileprivate", "internal", "open", "static", "final",
                                      "override", "mutating", "nonisolated", "indirect", "convenience",
                                      "required", "lazy", "class"]
        var first = t[introducer].line
        var j = introducer - 1
        while j >= 0, t[j].kind == .newline || t[j].kind == .attribute || t[j].kind == .keyword && modifiers.contains(t[j].text)
                        || t[j].text == "(" && j > 0 && t[j - 1].kind == .attribute {
            if t[j].kind != .newline { first = t[j].line }
            j -= 1
        }
        while first > 1, lines[first - 2].trimmingCharacters(in: .whitespaces).hasPrefix("///") { first -= 1 }
        return first
    }
}
