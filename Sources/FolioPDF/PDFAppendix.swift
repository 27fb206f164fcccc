import CCairo
import CPango
import FolioDocument
import Foundation

// The PDF's appendix: what the HTML folds under each answer. Each answer that has
// code or training logs ends with a link to its entry here; each entry links back.
// Code is set small in monospace, highlighted with the palette's token colours, with
// its line numbers in a gutter; a long line wraps under its own number. Then the
// environment block that ends every report.

extension PDFLayoutContext {
    static let appendixAnchor = "appendix-code"
    private static let codeSize = 7.2

    /// The line under an answer pointing to its entry in the appendix.
    func supplementsLink(_ question: Question, x: Double, width: Double) throws -> [PDFFragment] {
        guard !question.supplements.isEmpty else { return [] }
        var what: [String] = []
        if !question.supplements.code.isEmpty { what.append("code") }
        if !question.supplements.logs.isEmpty { what.append("training logs") }
        let inlines: [Inline] = [.text("The \(what.joined(separator: " and ")) behind this answer: "),
                                 .reference(label: "appendix, \(question.id)", target: question.supplementsAnchor), .text(".")]
        let style = TextStyle(family: .sans, size: 8.5, color: palette.muted)
        return tagged("P", lines(of: try textBlock(inlines, style: style, width: width), x: x, spaceBefore: 8))
    }

    /// The appendix: one entry per answer with code or logs, in reading order.
    func appendix(_ document: Document, x: Double, width: Double) throws -> [PDFFragment] {
        let questions = document.parts.flatMap(\.questions).filter { !$0.supplements.isEmpty }
        guard !questions.isEmpty else { return [] }
        var fragments = [partHeading(Part(id: Self.appendixAnchor, title: "Appendix — Code and training logs"), x: x, width: width)]
        fragments += tagged("P", lines(of: text.plainBlock(
            "Every listing below is read from the checkout's source files when the report is built, so it is the code that computed the answer; the line numbers are those of the file.",
            style: TextStyle(family: .serif, size: 9.5, color: palette.muted), width: width), x: x, spaceBefore: 8))
        for question in questions {
            location = "the appendix entry of question \(question.id)"
            let heading = try self.question(Question(id: question.id, title: question.title), x: x, width: width)
            heading[0].anchors = [question.supplementsAnchor]
            heading[0].outline = [PDFOutlineEntry(title: "\(question.id)  \(question.title)", level: 2, anchor: question.supplementsAnchor)]
            // The entry's heading, link back, code and logs make one Sect.
            for f in heading { f.structure.removeAll { $0.tag == "Sect" } }
            var entry = heading
            let back: [Inline] = [.text("Back to the answer: "), .reference(label: "\(question.id) \(question.title)", target: question.anchor), .text(".")]
            entry += tagged("P", lines(of: try textBlock(back, style: TextStyle(family: .sans, size: 8.5, color: palette.muted), width: width),
                                       x: x, spaceBefore: 4))
            for code in question.supplements.code { entry += source(code, x: x, width: width) }
            for log in question.supplements.logs {
                entry += title(log.title, detail: nil, x: x, width: width)
                if let table = log.table {
                    let made = tagged("Table", try self.table(table, x: x, width: width))
                    made.first?.spaceBefore = 2
                    entry += made
                }
                if let text = log.text { entry += tagged("Code", listing(text, caption: [], x: x, width: width)) }
            }
            fragments += tagged("Sect", entry)
        }
        return tagged("Part", fragments)
    }

    /// A listing's head: what it is in monospace, and where it is in small print.
    private func title(_ title: String, detail: String?, x: Double, width: Double) -> [PDFFragment] {
        let name = text.plainBlock(title, style: TextStyle(family: .mono, size: 8, bold: true), width: width)
        let where_ = detail.map { text.plainBlock($0, style: TextStyle(family: .sans, size: 7.5, color: palette.muted), width: width) }
        let f = PDFFragment(height: name.height + (where_.map { $0.height + 1 } ?? 0) + 3, spaceBefore: 11) { cr, y in
            name.draw(cr, x: x, top: y)
            where_?.draw(cr, x: x, top: y + name.height + 1)
        }
        f.keepWithNext = true
        return tagged("H3", [f])
    }

    /// A declaration's lines on a tinted band, one fragment per source line.
    func source(_ code: SourceCode, x: Double, width: Double) -> [PDFFragment] {
        let pad = 5.0
        let gutterText = text.plainBlock(String(code.lastLine), style: TextStyle(family: .mono, size: Self.codeSize), width: nil)
        let gutter = gutterText.naturalWidth + 8
        let inner = width - 2 * pad - gutter
        let band = PDFBand(x: x, width: width, fill: palette.codeBackground, rule: palette.rule, ruleWidth: 1.5)
        var numberStyle = TextStyle(family: .mono, size: Self.codeSize, color: palette.faint)
        numberStyle.alignment = PANGO_ALIGN_RIGHT
        let count = code.lines.count
        let fragments = title(code.title, detail: code.location, x: x, width: width)
        var listingLines: [PDFFragment] = []
        for (i, runs) in code.lines.enumerated() {
            let line = codeLine(runs, width: inner)
            let number = text.plainBlock(String(code.firstLine + i), style: numberStyle, width: gutter - 8)
            let top = i == 0 ? pad : 0, bottom = i == count - 1 ? pad : 0
            let f = PDFFragment(height: line.height + top + bottom) { cr, y in
                number.draw(cr, x: x + pad, top: y + top, lines: 0..<1)
                line.draw(cr, x: x + pad + gutter, top: y + top)
            }
            f.bands = [PDFBandMark(band: band, first: i == 0, last: i == count - 1)]
            f.keepWithNext = (i == 0 && count > 1) || (i == count - 2 && count > 2)
            listingLines.append(f)
        }
        return fragments + tagged("Code", listingLines)
    }

    /// One source line with each run in its token colour; tabs as four spaces.
    private func codeLine(_ runs: [CodeRun], width: Double) -> PDFTextBlock {
        var builder = RichTextBuilder(typesetter: math, registry: registry, knownAnchors: [], mathSize: Self.codeSize,
                                      linkColor: palette.link)
        for run in runs {
            let start = builder.byteCount
            builder.append(run.text.replacingOccurrences(of: "\t", with: "    "))
            guard run.style != .plain else { continue }
            let (r, g, b) = palette.colour(of: run.style).pango
            builder.add(pango_attr_foreground_new(r, g, b), from: start)
            if run.style == .comment { builder.add(pango_attr_style_new(PANGO_STYLE_ITALIC), from: start) }
        }
        if builder.text.isEmpty { builder.append(" ") }
        return text.textBlock(builder, style: TextStyle(family: .mono, size: Self.codeSize, lineSpacing: 1.0), width: width)
    }

    /// The environment block: what produced the report, and how each answer was
    /// computed, as short entries (a label in bold, then the value): the values are
    /// long, and a table would squeeze the labels into hyphenated slivers.
    func colophon(_ colophon: Colophon, x: Double, width: Double) throws -> [PDFFragment] {
        location = "the environment block"
        var fragments = [partHeading(Part(id: Colophon.anchor, title: "Environment"), x: x, width: width)]
        let style = TextStyle(family: .sans, size: 8.8, lineSpacing: 1.05)
        func entry(_ label: String, _ value: String, space: Double) throws {
            fragments += tagged("P", lines(of: try textBlock([.strong([.text(label)]), .text("  " + value)], style: style, width: width),
                                           x: x, spaceBefore: space))
        }
        for (i, row) in (colophon.rows + colophon.files.map { (name: $0.label, value: $0.path) }).enumerated() {
            try entry(row.name, row.value, space: i == 0 ? 10 : 3)
        }
        if !colophon.questions.isEmpty {
            fragments += title("Time per question", detail: nil, x: x, width: width)
            for q in colophon.questions { try entry(q.id, "\(q.seconds) s; \(q.source)", space: 2.5) }
        }
        return tagged("Part", fragments)
    }
}
