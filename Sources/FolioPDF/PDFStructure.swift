import CCairo

// The tagged PDF's structure tree, written through Cairo's tag API while pages are
// drawn. Each fragment carries its path of structure elements (Document, Part, Sect,
// then P, H3, L, LI, Table, …); the writer opens and closes elements as consecutive
// fragments' paths differ, so a paragraph whose lines are drawn one by one is one P.
//
// Cairo 1.16 (Debian 12) shapes the rules here. It keeps an element's own content only
// while the element has no child element, so text is drawn only inside leaf elements
// and links (themselves elements) are written beside the text they cover, never inside
// it. It has no artifact marking either: the running header and footer are drawn while
// only containers are open, whose own content is left out of the tree for the reason
// above. So at the end of each page the open leaves are closed, and a paragraph that
// continues on the next page is a second P there.

/// One element of the structure tree, shared by every fragment inside it.
final class PDFStructureNode {
    /// The standard structure type: "P", "H2", "Sect", "Table", …
    let tag: String
    init(_ tag: String) { self.tag = tag }

    /// Elements that hold other elements and never text of their own.
    var isContainer: Bool { Self.containers.contains(tag) }
    /// The document's divisions: a float drawn outside its own goes into the one open.
    var isSection: Bool { ["Document", "Part", "Sect"].contains(tag) }
    static let containers: Set<String> = ["Document", "Part", "Sect", "Div", "TOC", "BlockQuote", "L", "LI", "Table", "TR"]
}

/// Opens and closes structure elements on one Cairo context as pages are drawn.
final class PDFStructureWriter {
    private(set) var open: [PDFStructureNode] = []
    private var links: [String] = []
    /// Each figure's alternative text, in the order the figures were drawn.
    private(set) var figureAlternatives: [String] = []

    /// Moves the open elements to `path` (outermost first): closes those not on it,
    /// opens the rest. A float drawn away from its question (it waited for this page)
    /// joins the containers open here, so no question is opened a second time.
    func enter(_ path: [PDFStructureNode], floating: Bool, cr: OpaquePointer) {
        var target = path
        if floating, let sect = path.lastIndex(where: { $0.isSection }), !open.contains(where: { $0 === path[sect] }) {
            target = open.prefix { $0.isSection } + path[(sect + 1)...]
        }
        var common = 0
        while common < min(open.count, target.count), open[common] === target[common] { common += 1 }
        close(to: common, cr: cr)
        for node in target[common...] {
            flushLinks(cr)
            cairo_tag_begin(cr, node.tag, "")
            open.append(node)
        }
    }

    /// Ends the page's leaves and writes its links; containers stay open across pages.
    func endPage(_ cr: OpaquePointer) {
        close(to: open.firstIndex { !$0.isContainer } ?? open.count, cr: cr)
        flushLinks(cr)
    }

    /// Closes everything (at the end of the document).
    func finish(_ cr: OpaquePointer) {
        close(to: 0, cr: cr)
        flushLinks(cr)
    }

    /// A link over `rect`, written as soon as no leaf is open.
    func link(_ attributes: String, cr: OpaquePointer) {
        links.append(attributes)
        if innermostIsContainer { flushLinks(cr) }
    }

    /// Draws a figure inside a Figure element and records its alternative text.
    func figure(_ alternative: String, cr: OpaquePointer, draw: () -> Void) {
        figureAlternatives.append(alternative)
        element(PDFStructureNode("Figure"), cr: cr, draw: draw)
    }

    /// An element drawn whole inside one fragment: a caption, a table row or cell.
    func element(_ node: PDFStructureNode, cr: OpaquePointer, draw: () -> Void) {
        cairo_tag_begin(cr, node.tag, "")
        inner.append(node)
        draw()
        inner.removeLast()
        cairo_tag_end(cr, node.tag)
        if innermostIsContainer { flushLinks(cr) }
    }

    func element(_ tag: String, cr: OpaquePointer, draw: () -> Void) {
        element(PDFStructureNode(tag), cr: cr, draw: draw)
    }

    /// Elements opened inside a fragment's drawing, innermost last.
    private var inner: [PDFStructureNode] = []
    private var innermostIsContainer: Bool { (inner.last ?? open.last)?.isContainer ?? true }

    private func close(to count: Int, cr: OpaquePointer) {
        while open.count > count {
            cairo_tag_end(cr, open.removeLast().tag)
            if open.last?.isContainer ?? true { flushLinks(cr) }
        }
    }

    private func flushLinks(_ cr: OpaquePointer) {
        for attributes in links {
            cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes)
            cairo_tag_end(cr, CAIRO_TAG_LINK)
        }
        links.removeAll()
    }
}
