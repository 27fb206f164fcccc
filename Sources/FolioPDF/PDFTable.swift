import CCairo
import CPango
import FolioDocument
import FolioMath

// Tables in the booktabs manner: a heavy rule above the header, a light one below it,
// a heavy one at the end, no vertical rules. Each row is its own fragment so a long
// table continues on the next page, where the header row is drawn again.

extension PDFLayoutContext {
    /// The width of a plain-text cell's longest word: the narrowest it can wrap to
    /// without breaking a word (nil for cells with markup).
    private func longestWord(_ cell: [Inline], style: TextStyle) throws -> Double? {
        var text = ""
        for inline in cell {
            guard case let .text(t) = inline else { return nil }
            text += t
        }
        return try text.split(separator: " ").map { try textBlock([.text(String($0))], style: style, width: nil).naturalWidth }.max()
    }

    func table(_ table: Table, x: Double, width: Double) throws -> [PDFFragment] {
        let columns = max(table.header.count, table.rows.map(\.count).max() ?? 0, 1)
        let pad = 5.0, vpad = 2.6
        let bodyStyle = TextStyle(family: .serif, size: PDFMetrics.tableSize)
        var headerStyle = bodyStyle
        headerStyle.bold = true
        func cells(_ row: [[Inline]]) -> [[Inline]] { (0..<columns).map { $0 < row.count ? row[$0] : [] } }
        let header = cells(table.header)
        let rows = table.rows.map(cells)

        // Three widths per column: natural (no cell wraps), with only the header wrapping
        // between words, and the narrowest that breaks no word anywhere.
        var natural = [Double](repeating: 0, count: columns)
        var headerWrapped = [Double](repeating: 0, count: columns)
        var wordFloor = [Double](repeating: 0, count: columns)
        for (r, row) in ([header] + rows).enumerated() {
            for (c, cell) in row.enumerated() {
                let style = r == 0 ? headerStyle : bodyStyle
                let block = try textBlock(cell, style: style, width: nil)
                let word = try longestWord(cell, style: style) ?? block.naturalWidth
                natural[c] = max(natural[c], block.naturalWidth + 2 * pad)
                headerWrapped[c] = max(headerWrapped[c], (r == 0 ? word : block.naturalWidth) + 2 * pad)
                wordFloor[c] = max(wordFloor[c], word + 2 * pad)
            }
        }
        let widths = TableWidths.fit(natural: natural, headerWrapped: headerWrapped, wordFloor: wordFloor, width: width)
        let tableWidth = widths.reduce(0, +)
        let left = x + (width - tableWidth) / 2
        let alignments = (0..<columns).map { $0 < table.alignments.count ? table.alignments[$0] : .left }

        func layoutRow(_ row: [[Inline]], style: TextStyle) throws -> (blocks: [PDFTextBlock], height: Double) {
            var blocks: [PDFTextBlock] = []
            for (c, cell) in row.enumerated() {
                var s = style
                switch alignments[c] {
                case .left: s.alignment = PANGO_ALIGN_LEFT
                case .center: s.alignment = PANGO_ALIGN_CENTER
                case .right: s.alignment = PANGO_ALIGN_RIGHT
                }
                blocks.append(try textBlock(cell, style: s, width: widths[c] - 2 * pad))
            }
            return (blocks, (blocks.map(\.height).max() ?? 0) + 2 * vpad)
        }
        /// Draws a row as a TR of `cell` elements, or untagged (`cell` nil) for the
        /// header repeated on a later page, which is not content a second time.
        func drawRow(_ cr: OpaquePointer, _ blocks: [PDFTextBlock], top: Double, cell: String?) {
            func cells() {
                var cx = left
                for (c, block) in blocks.enumerated() {
                    if let cell {
                        structure.element(cell, cr: cr) { block.draw(cr, x: cx + pad, top: top + vpad) }
                    } else {
                        block.draw(cr, x: cx + pad, top: top + vpad)
                    }
                    cx += widths[c]
                }
            }
            if cell == nil { cells() } else { structure.element("TR", cr: cr, draw: cells) }
        }
        // Rows are parted as in the HTML: the rule colour at 45 % on the white page.
        let rowRule = palette.rule.over(RGB(0xFFFFFF), opacity: 0.45)
        func rule(_ cr: OpaquePointer, y: Double, weight: Double, color: RGB = palette.text) {
            color.set(cr)
            cairo_rectangle(cr, left, y, tableWidth, weight)
            cairo_fill(cr)
        }

        var fragments: [PDFFragment] = []
        if table.number != nil || !table.caption.isEmpty {
            var label: [Inline] = []
            if let n = table.number { label.append(.strong([.text("Table \(n).")])) }
            if !table.caption.isEmpty { label += (label.isEmpty ? [] : [.text(" ")]) + table.caption }
            var style = captionStyle
            style.alignment = PANGO_ALIGN_CENTER
            let caption = try textBlock(label, style: style, width: width * 0.9)
            let f = PDFFragment(height: caption.height + 4, spaceBefore: PDFMetrics.paragraphSpace + 4) { [structure] cr, y in
                structure.element("Caption", cr: cr) { caption.draw(cr, x: x + width * 0.05, top: y) }
            }
            f.keepWithNext = true
            fragments.append(f)
        }

        let heavy = 0.8, light = 0.45
        let head = try layoutRow(header, style: headerStyle)
        func drawHeader(_ cr: OpaquePointer, _ y: Double, cell: String?) {
            rule(cr, y: y, weight: heavy)
            drawRow(cr, head.blocks, top: y + heavy, cell: cell)
            rule(cr, y: y + heavy + head.height, weight: light)
        }
        let headerFragment = PDFFragment(height: head.height + heavy + light,
                                         spaceBefore: fragments.isEmpty ? PDFMetrics.paragraphSpace + 4 : 0) { cr, y in
            drawHeader(cr, y, cell: "TH")
        }
        headerFragment.keepWithNext = true
        fragments.append(headerFragment)
        // On later pages the header comes back, under a "continued" line for numbered tables.
        var repeated = headerFragment
        if let n = table.number {
            var style = captionStyle
            style.alignment = PANGO_ALIGN_CENTER
            let note = try textBlock([.strong([.text("Table \(n)")]), .text(" (continued)")], style: style, width: width)
            repeated = PDFFragment(height: note.height + 4 + headerFragment.height) { cr, y in
                note.draw(cr, x: x, top: y)
                drawHeader(cr, y + note.height + 4, cell: nil)
            }
        }
        if let id = table.id { fragments[0].anchors = [id] }

        for (r, row) in rows.enumerated() {
            let laid = try layoutRow(row, style: bodyStyle)
            let last = r == rows.count - 1
            let f = PDFFragment(height: laid.height + (last ? heavy : 0)) { cr, y in
                drawRow(cr, laid.blocks, top: y, cell: "TD")
                if last {
                    rule(cr, y: y + laid.height, weight: heavy)
                } else {
                    // A hairline between rows guides the eye and closes a table split by a page break.
                    rule(cr, y: y + laid.height - 0.15, weight: 0.3, color: rowRule)
                }
            }
            f.repeatHeader = repeated
            // A split leaves at least three rows on each side of the break.
            f.keepWithNext = r < min(2, rows.count - 1) || (r >= rows.count - 3 && r < rows.count - 1)
            fragments.append(f)
        }
        // A numbered table that fits on a page is never split: it becomes one fragment
        // and floats like a figure (its caption travels with it). An unnumbered one,
        // which cannot float, stays whole only up to half a page, so moving it whole
        // never leaves more than half a page empty.
        let whole = fragments.dropFirst().reduce(fragments[0].height) { $0 + $1.spaceBefore + $1.height }
        guard whole <= (table.number == nil ? frame.height / 2 : frame.height) else { return fragments }
        let joined = PDFFragment.joining(fragments)
        joined.isFloat = table.number != nil
        return [joined]
    }
}

extension PDFFragment {
    /// One fragment drawing `parts` stacked as the paginator would have placed them on
    /// one page; it keeps the first part's space before and anchors.
    static func joining(_ parts: [PDFFragment]) -> PDFFragment {
        var offsets: [Double] = []
        var height = 0.0
        for (i, part) in parts.enumerated() {
            if i > 0 { height += part.spaceBefore }
            offsets.append(height)
            height += part.height
        }
        let joined = PDFFragment(height: height, spaceBefore: parts.first?.spaceBefore ?? 0,
                                 firstBaseline: parts.first?.firstBaseline) { cr, y in
            for (part, offset) in zip(parts, offsets) { part.draw(cr, y + offset) }
        }
        joined.anchors = parts.flatMap(\.anchors)
        return joined
    }
}

/// How a table's columns share the text width: as wide as their content when it fits;
/// else the header wraps first (body cells keep their lines); else body cells wrap too,
/// but only between words (no column narrower than its longest word, so no number or
/// word is ever broken); only when even that is too wide does every column shrink
/// in proportion.
enum TableWidths {
    static func fit(natural: [Double], headerWrapped: [Double], wordFloor: [Double], width: Double) -> [Double] {
        func share(from low: [Double], to high: [Double]) -> [Double] {
            let lowTotal = low.reduce(0, +), highTotal = high.reduce(0, +)
            guard highTotal > lowTotal else { return low }
            let spare = width - lowTotal
            return low.indices.map { low[$0] + (high[$0] - low[$0]) * spare / (highTotal - lowTotal) }
        }
        if natural.reduce(0, +) <= width { return natural }
        if headerWrapped.reduce(0, +) <= width { return share(from: headerWrapped, to: natural) }
        if wordFloor.reduce(0, +) <= width { return share(from: wordFloor, to: headerWrapped) }
        let total = wordFloor.reduce(0, +)
        return wordFloor.map { $0 * width / total }
    }
}
