// Markdown (cmark-gfm) to the document's blocks, for one fragment: places the
// chapter's figures, tables and listings at their directives, numbers them in
// document order, and turns `@fig-…` / `@tbl-…` into references resolved later.

import CCmark
import FolioDocument
import Foundation

/// Figure and table numbers across the whole document, handed from one fragment
/// to the next in reading order.
final class DocumentNumbering {
    var figures = 0
    var tables = 0
    /// Anchor id ("fig-loss") to its label ("Figure 3") and the fragment placing it.
    var labels: [String: (label: String, file: String)] = [:]
}

enum CMarkParser {
    /// cmark-gfm's extension registry is a global without a lock: register once.
    static let extensionsRegistered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Parses Markdown and hands the document node to `body`; the tree is freed after.
    static func withDocument<T>(_ markdown: String, _ body: (OpaquePointer) throws -> T) rethrows -> T {
        precondition(extensionsRegistered)
        let parser = cmark_parser_new(CMARK_OPT_SMART)!
        defer { cmark_parser_free(parser) }
        if let table = cmark_find_syntax_extension("table") {
            cmark_parser_attach_syntax_extension(parser, table)
        }
        var text = markdown
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        let document = cmark_parser_finish(parser)!
        defer { cmark_node_free(document) }
        return try body(document)
    }
}

/// Converts one fragment. Not shared between tasks: it walks C nodes.
final class FragmentConverter {
    let file: String
    /// The fragment as written, to find the line of a bad directive or reference.
    let source: String
    let values: [String]
    let content: SectionContent
    let numbering: DocumentNumbering
    private var math = ProtectedMarkdown(text: "")
    private var placedFigures = Set<String>()
    private var placedTables = Set<String>()
    private var placedListings = Set<String>()

    init(file: String, source: String, values: [String], content: SectionContent, numbering: DocumentNumbering) {
        self.file = file; self.source = source; self.values = values
        self.content = content; self.numbering = numbering
    }

    func convert(_ markdown: String) throws -> [Block] {
        if let bad = source.unicodeScalars.firstIndex(where: Token.isToken) {
            throw TemplateError(file: file, line: source.unicodeScalars[..<bad].count(where: { $0 == "\n" }) + 1,
                                "the fragment contains a private-use character (U+E000–U+E01F), which Folio reserves")
        }
        math = MarkdownMathProtection.protect(markdown)
        let blocks = try CMarkParser.withDocument(math.text) { try children(of: $0) }
        try checkEverythingPlaced()
        return blocks
    }

    // MARK: Blocks

    private func children(of node: OpaquePointer) throws -> [Block] {
        var blocks: [Block] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            // A hand-written table followed (after a blank line) by "Table: caption {#tbl-name}"
            // is numbered like a chapter's table.
            if typeName(current) == "table", let next = cmark_node_next(current), typeName(next) == "paragraph",
               let caption = try tableCaption(next) {
                var table = try markdownTable(current)
                numbering.tables += 1
                table.number = numbering.tables
                table.caption = caption.text
                if let name = caption.name {
                    table.id = try register("tbl-" + name, label: "Table \(numbering.tables)")
                }
                blocks.append(.table(table))
                child = cmark_node_next(next)
                continue
            }
            blocks += try block(current)
            child = cmark_node_next(current)
        }
        return blocks
    }

    /// "Table: caption" with an optional trailing "{#tbl-NAME}".
    private func tableCaption(_ paragraph: OpaquePointer) throws -> (text: [Inline], name: String?)? {
        var inlines = try inlines(of: paragraph)
        guard case let .text(first)? = inlines.first, first.hasPrefix("Table:") else { return nil }
        inlines[0] = .text(String(first.dropFirst("Table:".count).drop(while: \.isWhitespace)))
        var name: String?
        if case let .text(last)? = inlines.last, last.hasSuffix("}"), let open = last.range(of: "{#tbl-", options: .backwards) {
            name = String(last[open.upperBound..<last.index(before: last.endIndex)])
            let rest = String(last[..<open.lowerBound])
            inlines[inlines.count - 1] = .text(String(rest.reversed().drop(while: \.isWhitespace).reversed()))
        }
        return (inlines, name)
    }

    private func block(_ node: OpaquePointer) throws -> [Block] {
        switch typeName(node) {
        case "paragraph":
            if let placed = try directive(node) { return [placed] }
            return splitDisplayMath(try inlines(of: node))
        case "heading":
            return [.heading(level: Int(cmark_node_get_heading_level(node)), try inlines(of: node))]
        case "list":
            var items: [[Block]] = []
            var item = cmark_node_first_child(node)
            while let current = item {
                items.append(try children(of: current))
                item = cmark_node_next(current)
            }
            return [.list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST, items: items)]
        case "block_quote":
            return [.quote(try children(of: node))]
        case "code_block":
            return [.code(expandValues(literal(node), tex: false).trimmingSuffix("\n"))]
        case "html_block":
            // Raw HTML is shown as text: the writers own all markup.
            return [.paragraph([.text(expandValues(literal(node), tex: false))])]
        case "thematic_break":
            return [.rule]
        case "table":
            return [.table(try markdownTable(node))]
        default:
            throw TemplateError(file: file, "unsupported Markdown element \"\(typeName(node))\"")
        }
    }

    /// `$$…$$` inside a paragraph splits it: display math is a block of its own.
    private func splitDisplayMath(_ inlines: [Inline]) -> [Block] {
        var blocks: [Block] = []
        var run: [Inline] = []
        func flush() {
            let blank = run.allSatisfy {
                if case let .text(t) = $0 { return t.allSatisfy(\.isWhitespace) }
                if case .lineBreak = $0 { return true }
                return false
            }
            if !blank { blocks.append(.paragraph(run)) }
            run = []
        }
        for inline in inlines {
            if case let .math(tex) = inline, tex.unicodeScalars.first == Token.displayMathOpen {
                flush()
                blocks.append(.math(String(tex.unicodeScalars.dropFirst())))
            } else {
                run.append(inline)
            }
        }
        flush()
        return blocks
    }

    private func markdownTable(_ node: OpaquePointer) throws -> Table {
        let columns = Int(cmark_gfm_extensions_get_table_columns(node))
        var alignments = Array(repeating: Alignment.left, count: columns)
        if let raw = cmark_gfm_extensions_get_table_alignments(node) {
            for column in 0..<columns {
                switch UInt8(raw[column]) {
                case UInt8(ascii: "c"): alignments[column] = .center
                case UInt8(ascii: "r"): alignments[column] = .right
                default: break
                }
            }
        }
        var header: [[Inline]] = []
        var rows: [[[Inline]]] = []
        var row = cmark_node_first_child(node)
        while let current = row {
            var cells: [[Inline]] = []
            var cell = cmark_node_first_child(current)
            while let c = cell {
                cells.append(try inlines(of: c))
                cell = cmark_node_next(c)
            }
            if cmark_gfm_extensions_get_table_row_is_header(current) != 0 { header = cells } else { rows.append(cells) }
            row = cmark_node_next(current)
        }
        return Table(header: header, rows: rows, alignments: alignments)
    }

    // MARK: Directives

    /// `![Caption](figure:NAME)`, `[[table:NAME]]` or `[[listing:NAME]]` alone in a paragraph.
    private func directive(_ paragraph: OpaquePointer) throws -> Block? {
        var nodes: [OpaquePointer] = []
        var child = cmark_node_first_child(paragraph)
        while let current = child {
            let blank = typeName(current) == "text" && literal(current).allSatisfy(\.isWhitespace)
            if !blank { nodes.append(current) }
            child = cmark_node_next(current)
        }
        if nodes.count == 1, typeName(nodes[0]) == "image" {
            let url = String(cString: cmark_node_get_url(nodes[0]))
            guard url.hasPrefix("figure:") else {
                throw TemplateError(file: file, line: line(of: url),
                    "image \"\(url)\": only chapter figures can be placed (![Caption](figure:NAME))")
            }
            return try placeFigure(expandValues(String(url.dropFirst("figure:".count)), tex: false), caption: try inlines(of: nodes[0]))
        }
        guard nodes.allSatisfy({ typeName($0) == "text" }) else { return nil }
        let text = nodes.map(literal).joined().trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("[["), text.hasSuffix("]]") else { return nil }
        let body = text.dropFirst(2).dropLast(2)
        // A name may hold a value ("curves-{{key}}" inside a list), expanded here.
        if body.hasPrefix("table:") { return try placeTable(expandValues(String(body.dropFirst("table:".count)), tex: false)) }
        if body.hasPrefix("listing:") { return try placeListing(expandValues(String(body.dropFirst("listing:".count)), tex: false)) }
        throw TemplateError(file: file, line: line(of: text), "unknown directive \"\(text)\" (use [[table:NAME]] or [[listing:NAME]])")
    }

    private func placeFigure(_ name: String, caption: [Inline]) throws -> Block {
        guard let figure = content.figures[name] else {
            throw TemplateError(file: file, line: line(of: "figure:" + name),
                "unknown figure \"\(name)\"\(offered(content.figures.keys))")
        }
        guard placedFigures.insert(name).inserted else {
            throw TemplateError(file: file, line: line(of: "figure:" + name), "figure \"\(name)\" is placed twice")
        }
        numbering.figures += 1
        let id = try register("fig-" + name, label: "Figure \(numbering.figures)")
        let shown = caption.isEmpty ? [Inline.text(figure.caption)] : caption
        return .figure(FigureBlock(id: id, number: numbering.figures, caption: shown, figure: figure.figure))
    }

    private func placeTable(_ name: String) throws -> Block {
        guard let table = content.tables[name] else {
            throw TemplateError(file: file, line: line(of: "table:" + name),
                "unknown table \"\(name)\"\(offered(content.tables.keys))")
        }
        guard placedTables.insert(name).inserted else {
            throw TemplateError(file: file, line: line(of: "table:" + name), "table \"\(name)\" is placed twice")
        }
        let columns = table.header.count
        if let bad = table.rows.firstIndex(where: { $0.count != columns }) {
            throw TemplateError(file: file, line: line(of: "table:" + name),
                "table \"\(name)\": row \(bad + 1) has \(table.rows[bad].count) cells, the header has \(columns)")
        }
        numbering.tables += 1
        let id = try register("tbl-" + name, label: "Table \(numbering.tables)")
        let alignments = (0..<columns).map { $0 < table.alignments.count ? table.alignments[$0] : .left }
        return .table(Table(id: id, number: numbering.tables, caption: [.text(table.caption)],
            header: table.header.map { [.text($0)] }, rows: table.rows.map { $0.map { [.text($0)] } },
            alignments: alignments))
    }

    private func placeListing(_ name: String) throws -> Block {
        guard let listing = content.listings[name] else {
            throw TemplateError(file: file, line: line(of: "listing:" + name),
                "unknown listing \"\(name)\"\(offered(content.listings.keys))")
        }
        guard placedListings.insert(name).inserted else {
            throw TemplateError(file: file, line: line(of: "listing:" + name), "listing \"\(name)\" is placed twice")
        }
        let caption: [Inline] = listing.caption.isEmpty ? [] : [.text(listing.caption)]
        return .listing(Listing(caption: caption, text: listing.text))
    }

    private func register(_ id: String, label: String) throws -> String {
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw TemplateError(file: file, line: line(of: id.dropFirst(4)),
                "\"\(id)\": figure and table names may hold only letters, digits, \"-\" and \"_\"")
        }
        if let earlier = numbering.labels[id] {
            throw TemplateError(file: file, line: line(of: id.dropFirst(4)),
                "\"\(id)\" is already placed by \(earlier.file); names must be unique in the report")
        }
        numbering.labels[id] = (label, file)
        return id
    }

    private func checkEverythingPlaced() throws {
        let unused = content.figures.keys.filter { !placedFigures.contains($0) }.map { "figure \"\($0)\"" }
            + content.tables.keys.filter { !placedTables.contains($0) }.map { "table \"\($0)\"" }
            + content.listings.keys.filter { !placedListings.contains($0) }.map { "listing \"\($0)\"" }
        if !unused.isEmpty {
            throw TemplateError(file: file, "\(unused.sorted().joined(separator: ", ")) not placed by the fragment")
        }
    }

    private func offered(_ names: Dictionary<String, some Any>.Keys) -> String {
        names.isEmpty ? " (the chapter provides none)" : " (the chapter provides: \(names.sorted().joined(separator: ", ")))"
    }

    // MARK: Inlines

    private func inlines(of node: OpaquePointer) throws -> [Inline] {
        var result: [Inline] = []
        var pendingText = ""
        func flush() {
            if !pendingText.isEmpty { result += expandText(pendingText) }
            pendingText = ""
        }
        var child = cmark_node_first_child(node)
        while let current = child {
            switch typeName(current) {
            // Adjacent text nodes are joined first so a reference split by cmark is still found.
            case "text": pendingText += literal(current)
            case "softbreak": pendingText += " "
            case "html_inline": pendingText += literal(current)
            default:
                flush()
                result.append(try inline(current))
            }
            child = cmark_node_next(current)
        }
        flush()
        return result
    }

    private func inline(_ node: OpaquePointer) throws -> Inline {
        switch typeName(node) {
        case "linebreak": return .lineBreak
        case "code": return .code(expandValues(literal(node), tex: false))
        case "emph": return .emphasis(try inlines(of: node))
        case "strong": return .strong(try inlines(of: node))
        case "link":
            let url = expandValues(String(cString: cmark_node_get_url(node)), tex: false)
            return .link(text: try inlines(of: node), url: url)
        case "image":
            throw TemplateError(file: file, line: line(of: String(cString: cmark_node_get_url(node))),
                "a figure must stand alone in its paragraph: ![Caption](figure:NAME)")
        default:
            throw TemplateError(file: file, "unsupported Markdown element \"\(typeName(node))\"")
        }
    }

    /// Text with tokens: math becomes `Inline.math`, `@fig-…`/`@tbl-…` references,
    /// and value tokens their plain text (never scanned for references).
    private func expandText(_ text: String) -> [Inline] {
        let s = Array(text.unicodeScalars)
        var result: [Inline] = []
        var plain = String.UnicodeScalarView()
        func flush() {
            if !plain.isEmpty { result.append(.text(String(plain))) }
            plain = String.UnicodeScalarView()
        }
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == Token.inlineMathOpen || c == Token.displayMathOpen,
               let (index, next) = Token.read(s, at: i, close: c == Token.inlineMathOpen ? Token.inlineMathClose : Token.displayMathClose) {
                flush()
                let display = c == Token.displayMathOpen
                let tex = expandValues(display ? math.displayMath[index] : math.inlineMath[index], tex: true)
                // Display math is marked for `splitDisplayMath`, which lifts it out of the paragraph.
                result.append(.math(display ? String(Token.displayMathOpen) + tex : tex))
                i = next
            } else if c == Token.valueOpen, let (index, next) = Token.read(s, at: i, close: Token.valueClose), values.indices.contains(index) {
                plain.append(contentsOf: values[index].unicodeScalars)
                i = next
            } else if c == "@", i == 0 || !isNameScalar(s[i - 1]), let (target, next) = reference(s, at: i) {
                flush()
                result.append(.reference(label: "", target: target))
                i = next
            } else {
                plain.append(c); i += 1
            }
        }
        flush()
        return result
    }

    /// `@fig-NAME` or `@tbl-NAME` at `at`; NAME may hold values ("@fig-curves-{{key}}"
    /// inside a list), which are expanded into the target.
    private func reference(_ s: [Unicode.Scalar], at: Int) -> (String, Int)? {
        let prefix = Array(s[(at + 1)..<min(at + 5, s.count)])
        guard prefix == Array("fig-".unicodeScalars) || prefix == Array("tbl-".unicodeScalars) else { return nil }
        var target = String.UnicodeScalarView(prefix)
        var end = at + 5
        var named = false
        while end < s.count {
            if isNameScalar(s[end]) {
                target.append(s[end]); end += 1; named = true
            } else if s[end] == Token.valueOpen, let (index, next) = Token.read(s, at: end, close: Token.valueClose),
                      values.indices.contains(index), !values[index].isEmpty, values[index].unicodeScalars.allSatisfy(isNameScalar) {
                target.append(contentsOf: values[index].unicodeScalars); end = next; named = true
            } else {
                break
            }
        }
        // A trailing "-" or "_" is punctuation of the sentence, not part of the name.
        while let last = target.last, target.count > 4, last == "-" || last == "_", isNameScalar(s[end - 1]) {
            target.removeLast(); end -= 1
        }
        guard named, target.count > 4 else { return nil }
        return (String(target), end)
    }

    private func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_")
    }

    /// Replaces value tokens by their text; inside math the TeX specials are escaped.
    func expandValues(_ text: String, tex: Bool) -> String {
        let s = Array(text.unicodeScalars)
        guard s.contains(where: Token.isToken) else { return text }
        var out = ""
        var i = 0
        while i < s.count {
            if s[i] == Token.valueOpen, let (index, next) = Token.read(s, at: i, close: Token.valueClose), values.indices.contains(index) {
                out += tex ? Self.texEscaped(values[index]) : values[index]
                i = next
            } else {
                out.unicodeScalars.append(s[i]); i += 1
            }
        }
        return out
    }

    static func texEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\backslash "
            case "{", "}", "$", "&", "#", "%", "_": out += "\\" + String(c)
            case "^": out += "\\wedge "
            case "~": out += "\\sim "
            default: out.append(c)
            }
        }
        return out
    }

    // MARK: Helpers

    private func typeName(_ node: OpaquePointer) -> String { String(cString: cmark_node_get_type_string(node)) }

    private func literal(_ node: OpaquePointer) -> String {
        guard let text = cmark_node_get_literal(node) else { return "" }
        return String(cString: text)
    }

    /// The first line of the fragment's source mentioning `needle`, for error messages.
    func line(of needle: some StringProtocol) -> Int? {
        guard !needle.isEmpty, let range = source.range(of: needle) else { return nil }
        return source[..<range.lowerBound].count(where: { $0 == "\n" }) + 1
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
