// Our own reading of a fragment's Mustache tags. swift-mustache renders, but it does
// not report which names a template uses or on which line, and Folio must fail
// loudly on a placeholder with no value and on a value nothing uses.

import FolioDocument
import Foundation

/// A fragment's tags as a tree: variables, and sections holding more tags.
indirect enum TemplateTag: Equatable {
    case variable(name: String, line: Int)
    case section(name: String, line: Int, inverted: Bool, children: [TemplateTag])
}

enum TemplateTagScanner {
    /// Reads every `{{…}}` tag of `text`. Only the Mustache that Folio's fragments
    /// need is accepted: variables, sections, inverted sections and comments.
    static func scan(_ text: String, file: String) throws -> [TemplateTag] {
        var stack: [(name: String, line: Int, inverted: Bool, children: [TemplateTag])] =
            [("", 0, false, [])]
        var line = 1
        var index = text.startIndex
        while let open = text[index...].range(of: "{{") {
            line += text[index..<open.lowerBound].count(where: { $0 == "\n" })
            let triple = text[open.upperBound...].hasPrefix("{")
            let closer = triple ? "}}}" : "}}"
            let bodyStart = triple ? text.index(after: open.upperBound) : open.upperBound
            guard let close = text[bodyStart...].range(of: closer) else {
                throw TemplateError(file: file, line: line, "unclosed tag \"{{\"")
            }
            let body = text[bodyStart..<close.lowerBound]
            let tagLine = line
            line += body.count(where: { $0 == "\n" })
            index = close.upperBound

            var content = body.trimmingCharacters(in: .whitespaces)
            let sigil = triple ? nil : content.first
            if let sigil, "!#^/&>=%<$".contains(sigil) {
                content = String(content.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            switch sigil {
            case "!":
                continue
            case ">", "=", "%", "<", "$":
                throw TemplateError(file: file, line: tagLine,
                    "unsupported Mustache tag \"{{\(body)}}\" (fragments use only variables and sections)")
            default:
                break
            }
            guard isValidName(content) else {
                throw TemplateError(file: file, line: tagLine, "bad placeholder name \"\(content)\"")
            }
            switch sigil {
            case "#", "^":
                stack.append((content, tagLine, sigil == "^", []))
            case "/":
                guard stack.count > 1, let open = stack.last, open.name == content else {
                    let expected = stack.count > 1 ? " (expected {{/\(stack.last!.name)}})" : ""
                    throw TemplateError(file: file, line: tagLine, "unexpected {{/\(content)}}\(expected)")
                }
                stack.removeLast()
                stack[stack.count - 1].children.append(
                    .section(name: open.name, line: open.line, inverted: open.inverted, children: open.children))
            default:
                stack[stack.count - 1].children.append(.variable(name: content, line: tagLine))
            }
        }
        if stack.count > 1, let open = stack.last {
            throw TemplateError(file: file, line: open.line, "section {{#\(open.name)}} is never closed")
        }
        return stack[0].children
    }

    /// Plain dotted identifiers, or "." for the current list element; no transforms.
    static func isValidName(_ name: String) -> Bool {
        if name == "." { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        }
    }
}

/// Checks a fragment's tags against a chapter's values, both ways: every name
/// resolves, and every value (down to keys of list elements) is used somewhere.
struct TemplateValueChecker {
    let file: String
    private(set) var used = Set<String>()

    init(file: String) { self.file = file }

    /// One level of Mustache's context stack. `path` names values for the unused
    /// check ("rows.loss" for key `loss` of the elements of list `rows`); an
    /// `opaque` level stands for the elements of an empty list, which may hold anything.
    private struct Level {
        var value: TemplateValue?
        var path: String
        var opaque: Bool { value == nil }
    }

    mutating func check(_ tags: [TemplateTag], values: [String: TemplateValue]) throws {
        try walk(tags, stack: [Level(value: .object(values), path: "")])
        var unused: [String] = []
        collectPaths(.object(values), path: "", into: &unused)
        unused = unused.filter { !used.contains($0) }.sorted()
        if let first = unused.first {
            let more = unused.count > 1 ? " (also unused: \(unused.dropFirst().joined(separator: ", ")))" : ""
            throw TemplateError(file: file, "value \"\(first)\" is not used by any placeholder\(more)")
        }
    }

    private mutating func walk(_ tags: [TemplateTag], stack: [Level]) throws {
        for tag in tags {
            switch tag {
            case let .variable(name, line):
                guard let found = try resolve(name, stack: stack, line: line) else { continue }
                switch found.value {
                case .string, .number: break
                case .bool:
                    throw TemplateError(file: file, line: line,
                        "placeholder {{\(name)}} is a yes/no value; use it as a section {{#\(name)}}…{{/\(name)}}")
                case .list, .object:
                    throw TemplateError(file: file, line: line,
                        "placeholder {{\(name)}} is a list or object; use it as a section {{#\(name)}}…{{/\(name)}}")
                }
            case let .section(name, line, inverted, children):
                let found = try resolve(name, stack: stack, line: line)
                guard let found, !inverted else {
                    try walk(children, stack: stack)
                    continue
                }
                switch found.value {
                case .bool:
                    try walk(children, stack: stack)
                case .object:
                    try walk(children, stack: stack + [Level(value: found.value, path: found.path)])
                case let .list(items):
                    if items.isEmpty { try walk(children, stack: stack + [Level(value: nil, path: found.path)]) }
                    for item in items {
                        try walk(children, stack: stack + [Level(value: item, path: found.path)])
                    }
                case .string, .number:
                    throw TemplateError(file: file, line: line,
                        "section {{#\(name)}} is text; sections need a list, an object or a yes/no value")
                }
            }
        }
    }

    /// Mustache lookup: the first name component is searched from the innermost
    /// level outwards, the rest are followed through objects. Returns nil only when
    /// an empty list's elements could have supplied the name.
    private mutating func resolve(_ name: String, stack: [Level], line: Int) throws
        -> (value: TemplateValue, path: String)?
    {
        if name == "." {
            guard let top = stack.last, let value = top.value else { return nil }
            used.insert(top.path)
            return (value, top.path)
        }
        let components = name.split(separator: ".").map(String.init)
        var found: (value: TemplateValue, path: String)?
        var sawOpaque = false
        for level in stack.reversed() {
            guard let value = level.value else { sawOpaque = true; continue }
            if case let .object(fields) = value, let hit = fields[components[0]] {
                found = (hit, join(level.path, components[0]))
                break
            }
        }
        guard var (value, path) = found else {
            if sawOpaque { return nil }
            throw TemplateError(file: file, line: line, "placeholder {{\(name)}} has no value")
        }
        markUsed(path)
        for component in components.dropFirst() {
            guard case let .object(fields) = value, let next = fields[component] else {
                throw TemplateError(file: file, line: line,
                    "placeholder {{\(name)}} has no value (\"\(path)\" has no field \"\(component)\")")
            }
            value = next
            path = join(path, component)
            markUsed(path)
        }
        return (value, path)
    }

    private mutating func markUsed(_ path: String) {
        var prefix = ""
        for part in path.split(separator: ".") {
            prefix = join(prefix, String(part))
            used.insert(prefix)
        }
    }

    private func collectPaths(_ value: TemplateValue, path: String, into paths: inout [String]) {
        if !path.isEmpty { paths.append(path) }
        switch value {
        case let .object(fields):
            for (key, field) in fields { collectPaths(field, path: join(path, key), into: &paths) }
        case let .list(items):
            var seen = Set<String>()
            var nested: [String] = []
            for item in items { collectPaths(item, path: path, into: &nested) }
            paths += nested.filter { $0 != path && seen.insert($0).inserted }
        case .string, .number, .bool:
            break
        }
    }

    private func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }
}
