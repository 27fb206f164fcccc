import CCairo
import CPango
import FolioDocument
import FolioMath
import Foundation

// The PDF writer: lays the whole report out (measuring only), paginates, then draws
// every page with Cairo and Pango, adding named destinations, links and the outline.

/// A4 portrait, in points.
public enum PDFPage {
    public static let width = 595.28
    public static let height = 841.89
    public static let marginLeft = 70.0
    public static let marginRight = 70.0
    public static let marginTop = 74.0
    public static let marginBottom = 70.0
    public static var textWidth: Double { width - marginLeft - marginRight }
}

/// Writes `document` as an A4 PDF at `url`, atomically (a temporary file renamed into place).
///
/// - Parameter creationDate: recorded as the PDF's creation date, ISO 8601
///   ("2026-11-22T10:00:00Z"). When nil, the first YYYY-MM-DD date found in the
///   document's generated-by lines is used (else 2000-01-01), so equal documents give
///   byte-identical files.
/// - Throws: `PDFError.math` naming the question whose math is outside the subset,
///   `PDFError.cairo` or `PDFError.io` when the file cannot be written.
public func writePDF(_ document: Document, to url: URL, creationDate: String? = nil) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    // Cairo's file, before qpdf adds what Cairo cannot write.
    let drawn = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).cairo.tmp")
    defer { try? FileManager.default.removeItem(at: drawn) }
    do {
        let finishing = try renderPDF(document, path: drawn.path, creationDate: creationDate ?? documentDate(document))
        try finishing.apply(input: drawn.path, output: temporary.path)
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw error
    }
    if rename(temporary.path, url.path) != 0 {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw PDFError.io(path: url.path, message: "could not move the finished PDF into place: \(reason)")
    }
}

func documentDate(_ document: Document) -> String {
    let pattern = try! NSRegularExpression(pattern: #"\b(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?"#)
    for line in document.generatedBy {
        let range = NSRange(line.startIndex..., in: line)
        guard let match = pattern.firstMatch(in: line, range: range),
              let day = Range(match.range(at: 1), in: line) else { continue }
        var time = "00:00:00"
        if let t = Range(match.range(at: 2), in: line) {
            time = String(line[t])
            if time.count == 5 { time += ":00" }
        }
        return "\(line[day])T\(time)Z"
    }
    return "2000-01-01T00:00:00Z"
}

/// Draws the PDF with Cairo; returns what qpdf must add to it.
private func renderPDF(_ document: Document, path: String, creationDate: String) throws -> PDFFinishing {
    guard let surface = cairo_pdf_surface_create(path, PDFPage.width, PDFPage.height) else {
        throw PDFError.io(path: path, message: "could not create the PDF surface")
    }
    defer { cairo_surface_destroy(surface) }
    if cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS {
        throw PDFError.cairo(path: path, status: String(cString: cairo_status_to_string(cairo_surface_status(surface))))
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, document.title)
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, "Folio")
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Folio")
    if let colophon = document.colophon {
        // The environment in the file's own metadata, for a reader who has only the PDF.
        let keywords = colophon.rows.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, keywords)
        if let folio = colophon.rows.first(where: { $0.name == "Folio" }) {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Folio \(folio.value)")
        }
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, document.course)
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, creationDate)

    let cr = cairo_create(surface)!
    defer { cairo_destroy(cr) }
    let frame = PDFPageFrame(top: PDFPage.marginTop, bottom: PDFPage.height - PDFPage.marginBottom)
    let x = PDFPage.marginLeft, width = PDFPage.textWidth
    // A link is drawn only to an anchor that exists; "contents" is the PDF's own.
    let anchors = document.anchors.union(["contents", PDFLayoutContext.appendixAnchor])

    // Pass one: measure and paginate.
    let context = PDFLayoutContext(text: PangoTextContext(cairo: cr), anchors: anchors, frame: frame)
    let numbers = PDFPageNumbers()
    var paginator = PDFPaginator(frame: frame)
    paginator.paginate(context.titleBlock(document, x: x, width: width)
                       + (try context.contents(document, x: x, width: width, numbers: numbers)))
    var body = PDFPaginator(frame: frame)
    let bodyFragments = try context.body(document, x: x, width: width)
    if !bodyFragments.isEmpty { body.paginate(bodyFragments) }
    let pages = paginator.pages + body.pages
    for (index, page) in pages.enumerated() {
        for placement in page { for anchor in placement.fragment.anchors where numbers.pageOfAnchor[anchor] == nil {
            numbers.pageOfAnchor[anchor] = index + 1
        } }
    }

    // Pass two: draw.
    var outlineParent = Int32(CAIRO_PDF_OUTLINE_ROOT)
    cairo_pdf_surface_add_outline(surface, Int32(CAIRO_PDF_OUTLINE_ROOT), "Contents", "dest='contents'", cairo_pdf_outline_flags_t(0))
    let running = PDFRunningText(context: context, document: document, pageCount: pages.count)
    let structure = context.structure
    cairo_tag_begin(cr, "Document", "")
    for (index, page) in pages.enumerated() {
        if index > 0 {
            structure.endPage(cr)
            cairo_show_page(cr)
        }
        // Drawn while only containers are open, so it stays out of the structure tree.
        running.draw(cr, page: index + 1)
        for placement in page {
            if !placement.isRepeat {
                structure.enter(placement.fragment.structure, floating: placement.fragment.isFloat, cr: cr)
            }
            placement.drawBands(cr)
            for anchor in placement.fragment.anchors {
                // Destinations sit a little above the text so viewers show the heading whole.
                let attributes = "name=\(cairoQuoted(anchor)) x=\(x) y=" + String(format: "%.2f", max(0, placement.y - 12))
                cairo_tag_begin(cr, CAIRO_TAG_DEST, attributes)
                cairo_tag_end(cr, CAIRO_TAG_DEST)
            }
            for entry in placement.fragment.outline {
                let flags = entry.level == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : cairo_pdf_outline_flags_t(0)
                let id = cairo_pdf_surface_add_outline(surface, entry.level == 1 ? Int32(CAIRO_PDF_OUTLINE_ROOT) : outlineParent,
                                                       entry.title, "dest=\(cairoQuoted(entry.anchor))", flags)
                if entry.level == 1 { outlineParent = id }
            }
            palette.text.set(cr)
            placement.fragment.draw(cr, placement.y)
        }
    }
    structure.finish(cr)
    cairo_tag_end(cr, "Document")
    // A drawing error (a bad tag, say) sticks to the context, not always to the surface.
    let drawing = cairo_status(cr)
    if drawing != CAIRO_STATUS_SUCCESS {
        throw PDFError.cairo(path: path, status: String(cString: cairo_status_to_string(drawing)))
    }
    cairo_surface_finish(surface)
    let status = cairo_surface_status(surface)
    if status != CAIRO_STATUS_SUCCESS {
        throw PDFError.cairo(path: path, status: String(cString: cairo_status_to_string(status)))
    }
    return PDFFinishing(figureAlternatives: structure.figureAlternatives)
}

/// The running header (report title and course) and the footer (page number).
private struct PDFRunningText {
    let header: PDFTextBlock
    let course: PDFTextBlock
    let context: PDFLayoutContext
    let pageCount: Int

    init(context: PDFLayoutContext, document: Document, pageCount: Int) {
        self.context = context
        self.pageCount = pageCount
        let style = TextStyle(family: .sans, size: 8, color: palette.muted)
        var right = style
        right.alignment = PANGO_ALIGN_RIGHT
        // Both lines at full length when they fit side by side; otherwise the longer
        // gives way, shortened after a whole word, never cut inside one.
        let gap = 18.0
        let titleWidth = context.text.plainBlock(document.title, style: style, width: nil).naturalWidth
        let courseWidth = context.text.plainBlock(document.course, style: style, width: nil).naturalWidth
        var titleRoom = titleWidth, courseRoom = courseWidth
        if titleWidth + courseWidth + gap > PDFPage.textWidth {
            let half = (PDFPage.textWidth - gap) / 2
            if titleWidth <= half { courseRoom = PDFPage.textWidth - gap - titleWidth }
            else if courseWidth <= half { titleRoom = PDFPage.textWidth - gap - courseWidth }
            else { titleRoom = half; courseRoom = half }
        }
        header = context.text.plainBlock(Self.shortened(document.title, to: titleRoom, style: style, context: context),
                                         style: style, width: nil)
        course = context.text.plainBlock(Self.shortened(document.course, to: courseRoom, style: right, context: context),
                                         style: right, width: PDFPage.textWidth)
    }

    /// `text` as it fits in `width`: whole, or its first words and "…".
    static func shortened(_ text: String, to width: Double, style: TextStyle, context: PDFLayoutContext) -> String {
        func fits(_ s: String) -> Bool { context.text.plainBlock(s, style: style, width: nil).naturalWidth <= width + 0.5 }
        if fits(text) { return text }
        var words = text.split(separator: " ").map(String.init)
        while words.count > 1 {
            words.removeLast()
            // A dash or colon left at the end would dangle before the ellipsis.
            while let last = words.last, ["—", "–", "-", ":"].contains(last), words.count > 1 { words.removeLast() }
            let candidate = words.joined(separator: " ") + "…"
            if fits(candidate) { return candidate }
        }
        return (words.first ?? text) + "…"
    }

    func draw(_ cr: OpaquePointer, page: Int) {
        let x = PDFPage.marginLeft, width = PDFPage.textWidth
        if page > 1 {
            let baseline = PDFPage.marginTop - 26
            header.draw(cr, x: x, top: baseline - header.firstBaseline, lines: 0..<1)
            course.draw(cr, x: x, top: baseline - course.firstBaseline, lines: 0..<1)
            palette.rule.set(cr)
            cairo_rectangle(cr, x, baseline + 5, width, 0.4)
            cairo_fill(cr)
        }
        var style = TextStyle(family: .sans, size: 8.5, color: palette.muted)
        style.alignment = PANGO_ALIGN_CENTER
        let footer = context.text.plainBlock("\(page) / \(pageCount)", style: style, width: width)
        footer.draw(cr, x: x, top: PDFPage.height - PDFPage.marginBottom + 30)
    }
}
