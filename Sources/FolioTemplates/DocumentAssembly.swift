// Manifest + fragments + the chapters' computed content → the Document the HTML
// and PDF writers draw. Figures and tables are numbered in reading order across the
// whole report; references are resolved once every number is known, so a
// paragraph may point forward to a figure of a later question.
//
// What a fragment may contain (the template authors' reference):
//   {{name}}, {{a.b}}            a chapter value, inserted as plain text (never Markdown)
//   {{#list}}…{{/list}}          repeated per element; {{#flag}}…{{/flag}}, {{^flag}}…{{/flag}}
//   {{! comment }}               ignored; partials, delimiters and pragmas are refused
//   $…$ and $$…$$                TeX math (values inside math are TeX-escaped)
//   ![Caption](figure:NAME)      the chapter's figure NAME, numbered, id fig-NAME; an
//                                empty caption uses the chapter's
//   [[table:NAME]]               the chapter's table NAME, numbered, id tbl-NAME
//   [[listing:NAME]]             the chapter's listing NAME (monospace, unnumbered)
//   a Markdown table, a blank line, then "Table: caption {#tbl-NAME}": a numbered table
//   @fig-NAME, @tbl-NAME         "Figure 3" / "Table 2", linked
// Every placeholder needs a value and every value, figure, table and listing must
// be used; otherwise the error names the fragment (and line where there is one).

import FolioDocument
import Foundation

extension ReportManifest {
    /// Reads every fragment and checks its Mustache tags (balanced sections, only
    /// supported tags): the template errors that need no computed values, found
    /// before any training starts.
    public func checkFragments() throws {
        for part in parts {
            if let intro = part.intro { _ = try TemplateTagScanner.scan(try fragmentSource(intro), file: fragmentPath(intro)) }
            for question in part.questions {
                _ = try TemplateTagScanner.scan(try fragmentSource(question.answer), file: fragmentPath(question.answer))
            }
        }
    }

    func fragmentPath(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func fragmentSource(_ name: String) throws -> String {
        let path = fragmentPath(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(file: path, "cannot read the fragment")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TemplateError(file: path, "the fragment is not UTF-8 text")
        }
        return text
    }
}

/// Builds the report. `contents` holds each question's computed content by question
/// id; a question without an entry gets empty content (a theory answer).
public func assembleDocument(manifest: ReportManifest, contents: [String: SectionContent],
                             generatedBy: [String]) throws -> Document {
    let manifestFile = manifest.directory.appendingPathComponent("manifest.json").path
    let known = Set(manifest.questions.map(\.id))
    if let stray = contents.keys.sorted().first(where: { !known.contains($0) }) {
        throw TemplateError(file: manifestFile, "content was computed for question \"\(stray)\", which the manifest does not list")
    }
    let numbering = DocumentNumbering()
    // Each converted tree remembers its source file, for unresolved-reference errors.
    var sources: [(file: String, source: String)] = []

    func fragment(_ name: String, content: SectionContent) throws -> [Block] {
        let file = manifest.fragmentPath(name)
        let source = try manifest.fragmentSource(name)
        let filled = try FragmentFiller.fill(source, file: file, values: content.values)
        sources.append((file, source))
        return try FragmentConverter(file: file, source: source, values: filled.values, content: content,
                                     numbering: numbering).convert(filled.markdown)
    }

    func prompt(_ question: ReportManifest.Question) throws -> [Block] {
        let file = "\(manifestFile) (question \(question.id))"
        sources.append((file, question.question))
        return try FragmentConverter(file: file, source: question.question, values: [], content: SectionContent(),
                                     numbering: numbering).convert(question.question)
    }

    var parts: [Part] = []
    for part in manifest.parts {
        let intro = try part.intro.map { try fragment($0, content: SectionContent()) } ?? []
        var questions: [Question] = []
        for question in part.questions {
            let asked = try prompt(question)
            let answer = try fragment(question.answer, content: contents[question.id] ?? SectionContent())
            questions.append(Question(id: question.id, title: question.title, prompt: asked, answer: answer))
        }
        parts.append(Part(id: part.anchor, title: part.title, intro: intro, questions: questions))
    }

    var resolver = ReferenceResolver(labels: numbering.labels.mapValues(\.label))
    var next = sources.makeIterator()
    for p in parts.indices {
        if manifest.parts[p].intro != nil { parts[p].intro = try resolver.resolve(parts[p].intro, in: next.next()!) }
        for q in parts[p].questions.indices {
            parts[p].questions[q].prompt = try resolver.resolve(parts[p].questions[q].prompt, in: next.next()!)
            parts[p].questions[q].answer = try resolver.resolve(parts[p].questions[q].answer, in: next.next()!)
        }
    }
    var document = Document(id: manifest.id, title: manifest.title, course: manifest.course, subtitle: manifest.subtitle,
                            generatedBy: generatedBy, parts: parts)
    document.uncited = numbering.labels.filter { !resolver.cited.contains($0.key) }
        .map { (label: $0.value.label, id: $0.key, file: $0.value.file) }
        .sorted { ($0.label.hasPrefix("Figure") ? 0 : 1, Int($0.label.split(separator: " ").last ?? "") ?? 0)
                < ($1.label.hasPrefix("Figure") ? 0 : 1, Int($1.label.split(separator: " ").last ?? "") ?? 0) }
    return document
}

/// Fills in "Figure 3" / "Table 2" for every `@fig-…` / `@tbl-…`.
struct ReferenceResolver {
    let labels: [String: String]
    /// Every target some reference points to.
    private(set) var cited = Set<String>()
    private var file = ""
    private var source = ""

    init(labels: [String: String]) { self.labels = labels }

    mutating func resolve(_ blocks: [Block], in origin: (file: String, source: String)) throws -> [Block] {
        file = origin.file; source = origin.source
        let resolved = try blocks.map(resolve)
        collectCitations(resolved)
        return resolved
    }

    private mutating func collectCitations(_ blocks: [Block]) {
        // Only the prose cites: a caption naming its own figure does not count, nor
        // does a table's header.
        var prose: [[Inline]] = []
        blocks.forEachBlock { block in
            switch block {
            case let .paragraph(items), let .heading(_, items): prose.append(items)
            case let .table(table): prose += table.rows.flatMap { $0 }
            case .list, .quote, .figure, .listing, .math, .code, .rule: break
            }
        }
        for run in prose {
            run.forEachInline { if case let .reference(_, target) = $0 { cited.insert(target) } }
        }
    }

    private func resolve(_ block: Block) throws -> Block {
        switch block {
        case let .paragraph(inlines): return .paragraph(try resolve(inlines))
        case let .heading(level, inlines): return .heading(level: level, try resolve(inlines))
        case let .list(ordered, items): return .list(ordered: ordered, items: try items.map { try $0.map(resolve) })
        case let .quote(blocks): return .quote(try blocks.map(resolve))
        case var .table(table):
            table.caption = try resolve(table.caption)
            table.header = try table.header.map(resolve)
            table.rows = try table.rows.map { try $0.map(resolve) }
            return .table(table)
        case var .figure(figure):
            figure.caption = try resolve(figure.caption)
            return .figure(figure)
        case var .listing(listing):
            listing.caption = try resolve(listing.caption)
            return .listing(listing)
        case .math, .code, .rule: return block
        }
    }

    private func resolve(_ inlines: [Inline]) throws -> [Inline] {
        try inlines.map { inline in
            switch inline {
            case let .reference(_, target):
                guard let label = labels[target] else {
                    let line = source.range(of: "@" + target).map { source[..<$0.lowerBound].count(where: { $0 == "\n" }) + 1 }
                    throw TemplateError(file: file, line: line,
                        "unknown reference @\(target) (no figure or table of that name in the report)")
                }
                return .reference(label: label, target: target)
            case let .emphasis(children): return .emphasis(try resolve(children))
            case let .strong(children): return .strong(try resolve(children))
            case let .link(text, url): return .link(text: try resolve(text), url: url)
            case .text, .code, .math, .lineBreak: return inline
            }
        }
    }
}
