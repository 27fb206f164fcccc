import CCairo
import CPango
import FolioDocument
import FolioMath
import Foundation

// Blocks → fragments. Everything is measured here; drawing happens later through the
// fragments' closures, once pagination has decided where each one goes.

enum PDFMetrics {
    static let bodySize = 10.5
    static let paragraphSpace = 6.5
    static let lineSpacing = 1.1
    static let listIndent = 18.0
    static let codeSize = 8.3
    static let captionSize = 9.0
    static let tableSize = 9.2
}

/// Shared state of one PDF being laid out.
final class PDFLayoutContext {
    let text: PangoTextContext
    let math: MathTypesetter
    let registry = MathShapeRegistry()
    let anchors: Set<String>
    let frame: PDFPageFrame
    let structure = PDFStructureWriter()
    /// Where the blocks being laid out come from, for error messages ("question 1.4").
    var location = ""
    private var listDepth = 0

    init(text: PangoTextContext, anchors: Set<String>, frame: PDFPageFrame) {
        self.text = text
        self.math = MathTypesetter(text: text, fontSize: PDFMetrics.bodySize)
        self.anchors = anchors
        self.frame = frame
        text.installMathRenderer(registry)
    }

    var bodyStyle: TextStyle {
        TextStyle(family: .serif, size: PDFMetrics.bodySize, lineSpacing: PDFMetrics.lineSpacing)
    }

    /// Lays out inline content, turning math errors into errors that say where they are.
    func textBlock(_ inlines: [Inline], style: TextStyle, width: Double?) throws -> PDFTextBlock {
        do {
            var builder = RichTextBuilder(typesetter: math, registry: registry, knownAnchors: anchors,
                                          mathSize: style.size, linkColor: palette.link)
            if let width { builder.maxMathWidth = width }
            try builder.append(inlines)
            let block = text.textBlock(builder, style: style, width: width)
            block.structure = structure
            return block
        } catch let error as MathError {
            throw PDFError.math(location: location, error: error)
        }
    }

    // MARK: Blocks

    func blocks(_ blocks: [Block], x: Double, width: Double, bands: [PDFBandMark] = [],
                style: TextStyle? = nil) throws -> [PDFFragment] {
        var fragments: [PDFFragment] = []
        for block in blocks {
            let made = try self.block(block, x: x, width: width, style: style ?? bodyStyle)
            fragments += made
        }
        return banded(fragments, bands)
    }

    /// Places `fragments` inside a new structure element of type `tag`.
    func tagged(_ tag: String, _ fragments: [PDFFragment]) -> [PDFFragment] {
        let node = PDFStructureNode(tag)
        for f in fragments { f.structure.insert(node, at: 0) }
        return fragments
    }

    /// Marks fragments as lying inside `bands`, opening and closing each band at the ends.
    func banded(_ fragments: [PDFFragment], _ bands: [PDFBandMark]) -> [PDFFragment] {
        guard !bands.isEmpty, !fragments.isEmpty else { return fragments }
        for (i, f) in fragments.enumerated() {
            let inner = bands.map { PDFBandMark(band: $0.band, first: i == 0, last: i == fragments.count - 1) }
            f.bands = inner + f.bands
        }
        return fragments
    }

    func block(_ block: Block, x: Double, width: Double, style: TextStyle) throws -> [PDFFragment] {
        switch block {
        case .paragraph(let inlines):
            return tagged("P", lines(of: try textBlock(inlines, style: style, width: width), x: x, spaceBefore: PDFMetrics.paragraphSpace))
        case .heading(let level, let inlines):
            let size = level <= 1 ? 12.0 : level == 2 ? 11.0 : 10.5
            let heading = try textBlock(inlines, style: TextStyle(family: .sans, size: size, bold: true), width: width)
            let f = PDFFragment(height: heading.height, spaceBefore: level <= 1 ? 13 : 10, firstBaseline: heading.firstBaseline) { cr, y in
                heading.draw(cr, x: x, top: y)
            }
            f.keepWithNext = true
            // Parts are H1, questions H2; headings inside an answer come below them.
            return tagged("H\(min(level + 2, 6))", [f])
        case .list(let ordered, let items):
            return tagged("L", try list(ordered: ordered, items: items, x: x, width: width, style: style))
        case .quote(let inner):
            let band = PDFBand(x: x, width: width, fill: nil, rule: palette.rule, ruleWidth: 2)
            var quoteStyle = style
            quoteStyle.color = palette.muted
            let fragments = try blocks(inner, x: x + 14, width: width - 14, style: quoteStyle)
            return tagged("BlockQuote", banded(fragments, [PDFBandMark(band: band, first: true, last: true)]))
        case .math(let source):
            return tagged("Formula", [try displayMath(source, x: x, width: width)])
        case .code(let code):
            return tagged("Code", listing(code, caption: [], x: x, width: width))
        case .listing(let listing):
            var fragments: [PDFFragment] = []
            if !listing.caption.isEmpty {
                let caption = try textBlock(listing.caption, style: captionStyle, width: width)
                let f = PDFFragment(height: caption.height + 3, spaceBefore: PDFMetrics.paragraphSpace + 2) { cr, y in
                    caption.draw(cr, x: x, top: y)
                }
                f.keepWithNext = true
                fragments += tagged("Caption", [f])
            }
            let body = tagged("Code", self.listing(listing.text, caption: listing.caption, x: x, width: width))
            if !fragments.isEmpty { body.first?.spaceBefore = 0 }
            return tagged("Div", fragments + body)
        case .table(let table):
            return tagged("Table", try self.table(table, x: x, width: width))
        case .figure(let figure):
            return [try self.figure(figure, x: x, width: width)]
        case .rule:
            // A drawn rule, not content: drawn inside no leaf, it stays out of the tree.
            return [PDFFragment(height: 8, spaceBefore: PDFMetrics.paragraphSpace) { cr, y in
                palette.rule.set(cr)
                cairo_rectangle(cr, x + width * 0.3, y + 4, width * 0.4, 0.5)
                cairo_fill(cr)
            }]
        }
    }

    var captionStyle: TextStyle { TextStyle(family: .sans, size: PDFMetrics.captionSize, color: palette.muted) }

    /// One fragment per line, with the first two and last two lines kept together so a
    /// page never starts or ends with a lone line of a paragraph.
    func lines(of text: PDFTextBlock, x: Double, spaceBefore: Double) -> [PDFFragment] {
        let count = text.lines.count
        return (0..<count).map { i in
            let line = text.lines[i]
            let f = PDFFragment(height: line.height, spaceBefore: i == 0 ? spaceBefore : 0,
                                firstBaseline: line.baseline - line.top) { cr, y in
                text.draw(cr, x: x, top: y, lines: i..<(i + 1))
            }
            f.keepWithNext = (i == 0 && count > 1) || (i == count - 2 && count > 2)
            return f
        }
    }

    func list(ordered: Bool, items: [[Block]], x: Double, width: Double, style: TextStyle) throws -> [PDFFragment] {
        var fragments: [PDFFragment] = []
        let indent = PDFMetrics.listIndent
        listDepth += 1
        defer { listDepth -= 1 }
        for (n, item) in items.enumerated() {
            let itemFragments = tagged("LI", try blocks(item, x: x + indent, width: width - indent, style: style))
            guard let first = itemFragments.first else { continue }
            first.spaceBefore = n == 0 ? PDFMetrics.paragraphSpace : 2.5
            let marker = text.plainBlock(ordered ? "\(n + 1)." : (listDepth > 1 ? "–" : "•"),
                                         style: TextStyle(family: .serif, size: style.size, color: style.color,
                                                          alignment: PANGO_ALIGN_RIGHT),
                                         width: indent - 5)
            let baseline = first.firstBaseline ?? marker.firstBaseline
            let drawItem = first.draw
            first.draw = { cr, y in
                marker.draw(cr, x: x, top: y + baseline - marker.firstBaseline)
                drawItem(cr, y)
            }
            fragments += itemFragments
        }
        return fragments
    }

    func displayMath(_ source: String, x: Double, width: Double) throws -> PDFFragment {
        let box: MathBox
        do { box = try math.typeset(source, display: true) } catch let error as MathError {
            throw PDFError.math(location: location, error: error)
        }
        // Too-wide display math is scaled down rather than allowed past the margin.
        let scale = min(1, width / max(box.width, 1))
        let pad = 3.0
        let height = (box.ascent + box.descent) * scale + 2 * pad
        return PDFFragment(height: height, spaceBefore: PDFMetrics.paragraphSpace) { [math] cr, y in
            cairo_save(cr)
            cairo_translate(cr, x + (width - box.width * scale) / 2, y + pad + box.ascent * scale)
            cairo_scale(cr, scale, scale)
            palette.text.set(cr)
            math.draw(box, into: cr, x: 0, baseline: 0)
            cairo_restore(cr)
        }
    }

    /// Monospaced text as typed, in a shaded box, one fragment per line so a long
    /// listing can continue on the next page.
    func listing(_ source: String, caption: [Inline], x: Double, width: Double) -> [PDFFragment] {
        let pad = 6.0
        let inner = width - 2 * pad
        let textLines = source.replacingOccurrences(of: "\t", with: "    ")
            .split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = textLines.last?.isEmpty == true ? Array(textLines.dropLast()) : textLines
        let joined = trimmed.joined(separator: "\n")
        // Shrink wide listings (down to a floor) before resorting to wrapping lines.
        var size = PDFMetrics.codeSize
        let natural = text.plainBlock(joined, style: TextStyle(family: .mono, size: size), width: nil).naturalWidth
        if natural > inner { size = max(6.5, size * inner / natural) }
        let block = text.plainBlock(joined, style: TextStyle(family: .mono, size: size, lineSpacing: 1.0), width: inner)
        let band = PDFBand(x: x, width: width, fill: palette.codeBackground, rule: palette.rule, ruleWidth: 1.5)
        let count = block.lines.count
        // A listing of up to half a page (a classification report, a model summary)
        // is read as a whole, so it never breaks; a longer one breaks between lines.
        if block.height + 2 * pad <= frame.height / 2 {
            let f = PDFFragment(height: block.height + 2 * pad, spaceBefore: PDFMetrics.paragraphSpace + 2) { cr, y in
                block.draw(cr, x: x + pad, top: y + pad)
            }
            f.bands = [PDFBandMark(band: band, first: true, last: true)]
            return [f]
        }
        return (0..<count).map { i in
            let top = i == 0 ? pad : 0, bottom = i == count - 1 ? pad : 0
            let f = PDFFragment(height: block.lines[i].height + top + bottom,
                                spaceBefore: i == 0 ? PDFMetrics.paragraphSpace + 2 : 0) { cr, y in
                block.draw(cr, x: x + pad, top: y + top, lines: i..<(i + 1))
            }
            f.bands = [PDFBandMark(band: band, first: i == 0, last: i == count - 1)]
            f.keepWithNext = (i == 0 && count > 1) || (i == count - 2 && count > 2)
            return f
        }
    }

    func figure(_ block: FigureBlock, x: Double, width: Double) throws -> PDFFragment {
        let label: [Inline] = [.strong([.text("Figure \(block.number).")])] + (block.caption.isEmpty ? [] : [.text(" ")] + block.caption)
        var style = captionStyle
        style.alignment = PANGO_ALIGN_CENTER
        let caption = try textBlock(label, style: style, width: width * 0.9)
        let figure = block.figure
        let w = max(figure.widthPoints, 1), h = max(figure.heightPoints, 1)
        // Scale to the text width, and to the page height left after the caption.
        let maxHeight = frame.height - caption.height - 24
        let scale = min(1, width / w, maxHeight / h)
        let gap = 6.0
        let alternative = "Figure \(block.number). " + Inline.plainText(block.caption)
        let f = PDFFragment(height: h * scale + gap + caption.height + 2, spaceBefore: PDFMetrics.paragraphSpace + 4) { [structure] cr, y in
            structure.figure(alternative, cr: cr) {
                cairo_save(cr)
                cairo_translate(cr, x + (width - w * scale) / 2, y)
                cairo_scale(cr, scale, scale)
                cairo_rectangle(cr, 0, 0, w, h)
                cairo_clip(cr)
                cairo_new_path(cr)
                figure.draw(into: cr)
                cairo_restore(cr)
            }
            structure.element("Caption", cr: cr) { caption.draw(cr, x: x + width * 0.05, top: y + h * scale + gap) }
        }
        f.anchors = [block.id]
        f.isFloat = true
        return f
    }
}

public enum PDFError: Error, CustomStringConvertible {
    /// Math outside the supported subset; `location` names the question or part.
    case math(location: String, error: MathError)
    /// Cairo reported an error while writing `path`.
    case cairo(path: String, status: String)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .math(let location, let error): return "\(location): \(error)"
        case .cairo(let path, let status): return "\(path): cairo could not write the PDF: \(status)"
        case .io(let path, let message): return "\(path): \(message)"
        }
    }
}
