import CCairo
import CPango
import FolioDocument
import FolioMath
import Foundation

// The report's structure as fragments: the title block and contents (page 1 on),
// then each part on a new page, each question as a heading, the handout's wording in
// a tinted box with a rule at its left, and the answer below.

/// Page numbers found by pagination; read by the contents when it is finally drawn.
final class PDFPageNumbers {
    var pageOfAnchor: [String: Int] = [:]
}

extension PDFLayoutContext {
    func titleBlock(_ document: Document, x: Double, width: Double) -> [PDFFragment] {
        var fragments: [PDFFragment] = []
        func add(_ text: String, _ style: TextStyle, space: Double, tag: String = "P") {
            let block = self.text.plainBlock(text, style: style, width: width)
            fragments += tagged(tag, [PDFFragment(height: block.height, spaceBefore: space) { cr, y in
                block.draw(cr, x: x, top: y)
            }])
        }
        add(document.course, TextStyle(family: .sans, size: 10, color: palette.accent), space: 0)
        add(document.title, TextStyle(family: .sans, size: 22, bold: true, lineSpacing: 1.0), space: 6, tag: "H1")
        if let subtitle = document.subtitle, !subtitle.isEmpty {
            add(subtitle, TextStyle(family: .sans, size: 13, color: palette.muted), space: 4)
        }
        fragments.append(PDFFragment(height: 1, spaceBefore: 12) { cr, y in
            palette.accent.set(cr)
            cairo_rectangle(cr, x, y, width, 1)
            cairo_fill(cr)
        })
        for (i, line) in document.generatedBy.enumerated() {
            add(line, TextStyle(family: .sans, size: 8.5, color: palette.muted), space: i == 0 ? 8 : 1.5)
        }
        return fragments
    }

    func contents(_ document: Document, x: Double, width: Double, numbers: PDFPageNumbers) throws -> [PDFFragment] {
        let heading = text.plainBlock("Contents", style: TextStyle(family: .sans, size: 14, bold: true), width: width)
        let title = PDFFragment(height: heading.height, spaceBefore: 28) { cr, y in heading.draw(cr, x: x, top: y) }
        title.anchors = ["contents"]
        title.keepWithNext = true
        var fragments = tagged("H1", [title])
        let numberWidth = 28.0, idWidth = 30.0
        let numberStyle = TextStyle(family: .sans, size: 9.5, color: palette.text, alignment: PANGO_ALIGN_RIGHT)

        func entry(label: String?, title: String, anchor: String, part: Bool) {
            let indent = part ? 0 : 14.0
            let textX = x + indent + (label == nil ? 0 : idWidth)
            let textWidth = width - (textX - x) - numberWidth - 14
            let style = part ? TextStyle(family: .sans, size: 10.5, bold: true)
                             : TextStyle(family: .serif, size: 10)
            let body = text.plainBlock(title, style: style, width: textWidth)
            let labelBlock = label.map { text.plainBlock($0, style: TextStyle(family: .sans, size: 9.5, color: palette.accent), width: idWidth) }
            let lastLine = body.lines.count - 1
            let lastWidth: Double = {
                guard let line = pango_layout_get_line_readonly(body.layout, Int32(lastLine)) else { return 0 }
                var ink = PangoRectangle(), logical = PangoRectangle()
                pango_layout_line_get_extents(line, &ink, &logical)
                return Double(logical.width) / Double(folio_pango_scale())
            }()
            let f = PDFFragment(height: body.height, spaceBefore: part ? 9 : 2.5) { [text, structure] cr, y in
                structure.link(LinkTarget.destination(anchor).attributes(rect: (x, y, width, body.height)), cr: cr)
                if let labelBlock {
                    labelBlock.draw(cr, x: x + indent, top: y + body.firstBaseline - labelBlock.firstBaseline)
                }
                body.draw(cr, x: textX, top: y)
                let page = numbers.pageOfAnchor[anchor].map(String.init) ?? "?"
                let number = text.plainBlock(page, style: numberStyle, width: numberWidth)
                let baseline = y + body.lines[lastLine].baseline
                number.draw(cr, x: x + width - numberWidth, top: baseline - number.firstBaseline)
                // Dot leaders on a fixed 4.5 pt grid so they line up from entry to entry.
                palette.muted.set(cr)
                cairo_new_path(cr)  // drawing text leaves a current point; an arc would join it with a line
                let start = textX + lastWidth + 5, end = x + width - numberWidth - 4
                var dot = (start / 4.5).rounded(.up) * 4.5
                while dot < end {
                    cairo_new_sub_path(cr)
                    cairo_arc(cr, dot, baseline - 0.6, 0.42, 0, 2 * .pi)
                    cairo_fill(cr)
                    dot += 4.5
                }
            }
            fragments += tagged("TOCI", [f])
        }
        var entries = PDFContentsEntries(entry: entry)
        try document.walk(&entries)
        if document.hasSupplements { entry(label: nil, title: "Appendix — Code and training logs", anchor: Self.appendixAnchor, part: true) }
        if document.colophon != nil { entry(label: nil, title: "Environment", anchor: Colophon.anchor, part: true) }
        return fragments[0...0] + tagged("TOC", Array(fragments.dropFirst()))
    }

    func body(_ document: Document, x: Double, width: Double) throws -> [PDFFragment] {
        var body = PDFBody(context: self, x: x, width: width)
        try document.walk(&body)
        return body.fragments + (try appendix(document, x: x, width: width))
            + (try document.colophon.map { try colophon($0, x: x, width: width) } ?? [])
    }

    /// A part's heading: a new page, the title over an accent rule, a bookmark.
    func partHeading(_ part: Part, x: Double, width: Double) -> PDFFragment {
        let heading = text.plainBlock(part.title, style: TextStyle(family: .sans, size: 18, bold: true, color: palette.text), width: width)
        let f = PDFFragment(height: heading.height + 10) { cr, y in
            heading.draw(cr, x: x, top: y)
            palette.accent.set(cr)
            cairo_rectangle(cr, x, y + heading.height + 5, width, 1.2)
            cairo_fill(cr)
        }
        f.pageBreakBefore = true
        f.keepWithNext = true
        f.anchors = [part.id]
        f.outline = [PDFOutlineEntry(title: part.title, level: 1, anchor: part.id)]
        f.structure = [PDFStructureNode("H1")]
        return f
    }

    func question(_ question: Question, x: Double, width: Double) throws -> [PDFFragment] {
        location = "question \(question.id)"
        let idBlock = text.plainBlock(question.id, style: TextStyle(family: .sans, size: 12.5, bold: true, color: palette.accent), width: nil)
        let idWidth = max(idBlock.naturalWidth + 9, 34)
        let titleBlock = text.plainBlock(question.title, style: TextStyle(family: .sans, size: 12.5, bold: true), width: width - idWidth)
        let heading = PDFFragment(height: titleBlock.height, spaceBefore: 20) { cr, y in
            idBlock.draw(cr, x: x, top: y)
            titleBlock.draw(cr, x: x + idWidth, top: y)
        }
        heading.keepWithNext = true
        heading.anchors = [question.anchor]
        let outlineTitle = question.title.isEmpty ? question.id : "\(question.id)  \(question.title)"
        heading.outline = [PDFOutlineEntry(title: outlineTitle, level: 2, anchor: question.anchor)]
        var fragments = tagged("H2", [heading])

        if !question.prompt.isEmpty {
            let pad = 8.0, rule = 2.5
            let band = PDFBand(x: x, width: width, fill: palette.promptBackground, rule: palette.promptRule, ruleWidth: rule)
            var style = bodyStyle
            style.size = 10
            let prompt = try blocks(question.prompt, x: x + rule + pad, width: width - rule - 2 * pad, style: style)
            if let first = prompt.first, let last = prompt.last {
                first.spaceBefore = 0
                // Padding inside the box: grow the first and last fragments and shift the first's drawing down.
                let drawFirst = first.draw
                first.draw = { cr, y in drawFirst(cr, y + pad - 2) }
                first.height += pad - 2
                last.height += pad
                for f in prompt {
                    f.bands.insert(PDFBandMark(band: band, first: f === first, last: f === last), at: 0)
                    // The heading, the whole box and the answer's first lines share a page.
                    f.keepWithNext = true
                }
                first.spaceBefore = 7
                fragments += tagged("BlockQuote", prompt)
            }
        }
        let answer = try blocks(question.answer, x: x, width: width)
        if let first = answer.first { first.spaceBefore = max(first.spaceBefore, 9) }
        return tagged("Sect", fragments + answer + (try supplementsLink(question, x: x, width: width)))
    }
}

/// The report's parts and questions as fragments, on the document's one walk.
private struct PDFBody: DocumentVisitor {
    let context: PDFLayoutContext
    let x: Double, width: Double
    var fragments: [PDFFragment] = []
    /// The Part element holding the current part's heading, introduction and questions.
    var partNode = PDFStructureNode("Part")

    private mutating func add(_ made: [PDFFragment]) {
        for f in made { f.structure.insert(partNode, at: 0) }
        fragments += made
    }

    mutating func enterPart(_ part: Part) {
        context.location = "the introduction of part \(part.id)"
        partNode = PDFStructureNode("Part")
        add([context.partHeading(part, x: x, width: width)])
    }

    mutating func visitIntroduction(_ blocks: [Block], of part: Part) throws {
        add(try context.blocks(blocks, x: x, width: width))
    }

    mutating func visitQuestion(_ question: Question, in part: Part) throws {
        add(try context.question(question, x: x, width: width))
    }
}

/// The contents' entries in reading order: each part, then its questions by number.
private struct PDFContentsEntries: DocumentVisitor {
    let entry: (_ label: String?, _ title: String, _ anchor: String, _ part: Bool) -> Void

    func enterPart(_ part: Part) { entry(nil, part.title, part.id, true) }

    func visitQuestion(_ question: Question, in part: Part) {
        entry(question.id, question.title, question.anchor, false)
    }
}
