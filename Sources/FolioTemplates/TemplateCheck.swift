// The template checks that need no computed value, run before any data is read or
// any model trained: a cold full build trains for a quarter of an hour, and a typo
// in a template must not wait for it. Each failure is one TemplateError naming the
// file and, where there is one, the line.

import Foundation
import FolioDocument
import FolioMath

extension ReportManifest {
    /// Checks every fragment of the report: its Mustache tags; every formula with the
    /// math parser the PDF uses (KaTeX in the HTML accepts more); and, with each
    /// question's content declared by `declarations` (by question id; a question
    /// missing there is prose-only), that every placeholder has a value, every value
    /// is used, and every figure, table, listing and reference resolves — the
    /// document is assembled from sample values of the declared shapes.
    public func checkTemplates(declarations: [String: ContentDeclaration]) throws {
        try checkFragments()
        try checkFormulas()
        var contents: [String: SectionContent] = [:]
        for question in questions {
            contents[question.id] = (declarations[question.id] ?? .proseOnly).sampleContent()
        }
        _ = try assembleDocument(manifest: self, contents: contents, generatedBy: [])
    }

    /// Parses every `$…$` and `$$…$$` of the fragments and question prompts.
    func checkFormulas() throws {
        for part in parts {
            if let intro = part.intro { try Self.checkFormulas(in: try fragmentSource(intro), file: fragmentPath(intro)) }
            for question in part.questions {
                try Self.checkFormulas(in: question.question,
                                       file: directory.appendingPathComponent("manifest.json").path + " (question \(question.id))",
                                       lineKnown: false)
                try Self.checkFormulas(in: try fragmentSource(question.answer), file: fragmentPath(question.answer))
            }
        }
    }

    /// Placeholders inside a formula are read as the text "1" (values are escaped
    /// inside math, so no value can change whether a formula parses); section tags
    /// are dropped. Line numbers survive because a tag never spans lines here.
    static func checkFormulas(in source: String, file: String, lineKnown: Bool = true) throws {
        let sampled = withSampleValues(source)
        let protected = MarkdownMathProtection.protect(sampled)
        let scalars = Array(sampled.unicodeScalars)
        func line(at offset: Int) -> Int? {
            guard lineKnown else { return nil }
            return scalars[..<min(offset, scalars.count)].count(where: { $0 == "\n" }) + 1
        }
        let formulas = zip(protected.inlineMath, protected.inlineMathStarts).map { ($0, $1, "$") }
            + zip(protected.displayMath, protected.displayMathStarts).map { ($0, $1, "$$") }
        for (tex, start, fence) in formulas.sorted(by: { $0.1 < $1.1 }) {
            do {
                try MathParser.check(tex)
            } catch {
                let shown = tex.count > 60 ? String(tex.prefix(57)) + "…" : tex
                throw TemplateError(file: file, line: line(at: start),
                                    "the PDF cannot typeset the formula \(fence)\(shown)\(fence): \(error)")
            }
        }
    }

    /// `source` with every variable tag replaced by "1" and every other tag removed.
    static func withSampleValues(_ source: String) -> String {
        var out = ""
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let triple = rest[open.upperBound...].hasPrefix("{")
            guard let close = rest[open.upperBound...].range(of: triple ? "}}}" : "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let body = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if triple || !(body.first.map { "#^/!".contains($0) } ?? false) { out += "1" }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
