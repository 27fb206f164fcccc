// What a chapter promises its template before it runs: the names and kinds of its
// values, and the names of its figures, tables and listings. The build checks every
// template against the promise before any training starts, and checks each
// chapter's actual content against it after the chapter ran, so the promise cannot
// drift from the code.
//
// Values are declared in a small notation, one name per word:
//   name            text (every number arrives as text; a typed number counts as text)
//   name?           a yes/no value, used as a section {{#name}}…{{/name}}
//   name[a b? c]    a list of objects with fields a, b (yes/no) and c
//   name[]          a list of text, used as {{#name}}{{.}}{{/name}}
//   name{a b}       an object with fields a and b
// Fields nest with the same notation; spaces and line breaks separate names.

import Foundation

/// The kind of one declared value.
public indirect enum ValueShape: Equatable, Sendable {
    case text
    case flag
    /// A list whose elements all have this shape; a list of text is `.list(.text)`.
    case list(ValueShape)
    case object([String: ValueShape])

    /// The shape of a computed value. An empty list has no element shape: nil.
    static func of(_ value: TemplateValue) -> ValueShape? {
        switch value {
        case .string, .number: return .text
        case .bool: return .flag
        case let .object(fields): return .object(fields.compactMapValues(ValueShape.of))
        case let .list(items):
            // Elements of one list may leave out fields others have (an optional detail
            // of one row); the list's shape is the union of its elements' fields.
            var merged: ValueShape?
            for item in items {
                guard let shape = ValueShape.of(item) else { continue }
                merged = merged.map { $0.union(shape) } ?? shape
            }
            return merged.map { .list($0) } ?? .list(.object([:]))
        }
    }

    private func union(_ other: ValueShape) -> ValueShape {
        if case let .object(a) = self, case let .object(b) = other {
            return .object(a.merging(b) { x, y in x.union(y) })
        }
        if case let .list(a) = self, case let .list(b) = other { return .list(a.union(b)) }
        return self
    }

    /// The declaration notation for this shape's fields (objects) or element (lists).
    var notation: String {
        switch self {
        case .text, .flag: return ""
        case let .object(fields): return Self.notation(fields)
        case let .list(element):
            if case .text = element { return "[]" }
            return "[" + element.notation + "]"
        }
    }

    static func notation(_ fields: [String: ValueShape]) -> String {
        fields.sorted { $0.key < $1.key }.map { name, shape in
            switch shape {
            case .text: return name
            case .flag: return name + "?"
            case .list: return name + shape.notation
            case .object: return name + "{" + shape.notation + "}"
            }
        }.joined(separator: " ")
    }
}

/// A chapter's promise: its values' names and kinds, and its figures, tables and listings.
public struct ContentDeclaration: Sendable, Equatable {
    public var values: [String: ValueShape]
    public var figures: Set<String>
    public var tables: Set<String>
    public var listings: Set<String>
    /// Sample text for values whose text the template turns into a name, such as the
    /// `key` of `figure:curves-{{key}}`: by dotted path ("optimisers.key"), one
    /// element of the list per sample. Every other text value is checked as "1".
    public var samples: [String: [String]]

    /// - Parameter values: names in the notation described at the top of this file.
    public init(values: String = "", figures: [String] = [], tables: [String] = [], listings: [String] = [],
                samples: [String: [String]] = [:]) {
        do {
            self.values = try DeclarationNotation.parse(values)
        } catch {
            // A declaration is source code: a malformed one is the programmer's slip,
            // found by the first test that builds any report.
            preconditionFailure("malformed content declaration: \(error) in \"\(values)\"")
        }
        self.figures = Set(figures); self.tables = Set(tables); self.listings = Set(listings)
        self.samples = samples
    }

    /// A question answered by its template alone.
    public static let proseOnly = ContentDeclaration()

    /// Where `content` differs from this declaration, as one sentence; nil when it keeps it.
    /// An empty computed list matches any declared list.
    public func mismatch(_ content: SectionContent) -> String? {
        var problems: [String] = []
        compare(declared: values, actual: content.values, path: "", into: &problems)
        for (kind, declared, actual) in [("figure", figures, Set(content.figures.keys)),
                                         ("table", tables, Set(content.tables.keys)),
                                         ("listing", listings, Set(content.listings.keys))] {
            for name in actual.subtracting(declared).sorted() { problems.append("undeclared \(kind) \"\(name)\"") }
            for name in declared.subtracting(actual).sorted() { problems.append("declared \(kind) \"\(name)\" was not provided") }
        }
        guard !problems.isEmpty else { return nil }
        let provided = ValueShape.notation(content.values.compactMapValues(ValueShape.of))
        return problems.joined(separator: "; ") + " (the values it provided: \"\(provided)\")"
    }

    private func compare(declared: [String: ValueShape], actual: [String: TemplateValue], path: String,
                         into problems: inout [String]) {
        for (name, value) in actual.sorted(by: { $0.key < $1.key }) {
            let full = path.isEmpty ? name : path + "." + name
            guard let shape = declared[name] else { problems.append("undeclared value \"\(full)\""); continue }
            compare(shape, value, path: full, into: &problems)
        }
        for name in Set(declared.keys).subtracting(actual.keys).sorted() {
            problems.append("declared value \"\(path.isEmpty ? name : path + "." + name)\" was not provided")
        }
    }

    private func compare(_ shape: ValueShape, _ value: TemplateValue, path: String, into problems: inout [String]) {
        switch (shape, value) {
        case (.text, .string), (.text, .number), (.flag, .bool): return
        case let (.object(fields), .object(actual)):
            compare(declared: fields, actual: actual, path: path, into: &problems)
        case let (.list(element), .list(items)):
            // Rows may omit fields (see ValueShape.of), so each element is checked
            // only for what it has.
            for item in items {
                if case let .object(declared) = element, case let .object(fields) = item {
                    for (name, field) in fields.sorted(by: { $0.key < $1.key }) {
                        guard let s = declared[name] else { problems.append("undeclared value \"\(path).\(name)\""); continue }
                        compare(s, field, path: path + "." + name, into: &problems)
                    }
                } else {
                    compare(element, item, path: path, into: &problems)
                }
            }
        default:
            problems.append("value \"\(path)\" is \(Self.kind(value)), declared as \(Self.kind(shape))")
        }
    }

    private static func kind(_ value: TemplateValue) -> String { ValueShape.of(value).map(kind) ?? "a list" }

    private static func kind(_ shape: ValueShape) -> String {
        switch shape {
        case .text: return "text"
        case .flag: return "yes/no"
        case .list: return "a list"
        case .object: return "an object"
        }
    }

    /// Content of the declared shape with sample values: what the template checks
    /// fill and lay out before any chapter has run.
    public func sampleContent() -> SectionContent {
        func sample(_ shape: ValueShape, path: String) -> TemplateValue {
            switch shape {
            case .text: return "1"
            case .flag: return true
            case let .object(fields):
                return .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.key, sample($0.value, path: path + "." + $0.key)) }))
            case let .list(element):
                // A list whose element names a figure gets one element per sample name.
                let named = samples.filter { $0.key.hasPrefix(path + ".") && !$0.key.dropFirst(path.count + 1).contains(".") }
                guard let count = named.values.map(\.count).max(), case let .object(fields) = element else {
                    return .list([sample(element, path: path)])
                }
                return .list((0..<count).map { i in
                    .object(Dictionary(uniqueKeysWithValues: fields.map { name, shape in
                        if let names = samples[path + "." + name], i < names.count { return (name, TemplateValue.string(names[i])) }
                        return (name, sample(shape, path: path + "." + name))
                    }))
                })
            }
        }
        var content = SectionContent()
        for (name, shape) in values {
            if let names = samples[name], shape == .text, let first = names.first {
                content.values[name] = .string(first)
            } else {
                content.values[name] = sample(shape, path: name)
            }
        }
        for name in figures { content.figures[name] = FigureContent(caption: "Sample figure.", figure: SampleFigure()) }
        for name in tables { content.tables[name] = TableContent(caption: "Sample table.", header: ["a"], rows: [["1"]]) }
        for name in listings { content.listings[name] = ListingContent(caption: "Sample listing.", text: "1") }
        return content
    }
}

/// Stands in for a chapter's figure while templates are checked: never drawn.
private struct SampleFigure: DocumentFigure {
    var widthPoints: Double { 100 }
    var heightPoints: Double { 100 }
    func draw(into cairo: OpaquePointer) {}
    func svg(idPrefix: String) throws -> String { "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
}

/// Reads the declaration notation (see the top of this file).
enum DeclarationNotation {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> [String: ValueShape] {
        var scalars = Array(text.unicodeScalars)[...]
        let fields = try parseFields(&scalars, closing: nil)
        return fields
    }

    private static func parseFields(_ s: inout ArraySlice<Unicode.Scalar>, closing: Unicode.Scalar?) throws -> [String: ValueShape] {
        var fields: [String: ValueShape] = [:]
        while true {
            while let c = s.first, c.properties.isWhitespace { s.removeFirst() }
            guard let c = s.first else {
                if let closing { throw Malformed(description: "missing \"\(closing)\"") }
                return fields
            }
            if c == closing { s.removeFirst(); return fields }
            var name = ""
            while let c = s.first, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" {
                name.unicodeScalars.append(c); s.removeFirst()
            }
            guard !name.isEmpty else { throw Malformed(description: "unexpected \"\(c)\"") }
            guard fields[name] == nil else { throw Malformed(description: "\"\(name)\" declared twice") }
            switch s.first {
            case "?": s.removeFirst(); fields[name] = .flag
            case "{": s.removeFirst(); fields[name] = .object(try parseFields(&s, closing: "}"))
            case "[":
                s.removeFirst()
                let element = try parseFields(&s, closing: "]")
                fields[name] = .list(element.isEmpty ? .text : .object(element))
            default: fields[name] = .text
            }
        }
    }
}
