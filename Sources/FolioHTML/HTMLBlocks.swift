// Blocks and inlines as HTML. Every piece of text is escaped here: templates and
// values are plain text by the time they reach the writer.

import FolioDocument
import Foundation

struct HTMLBlockRenderer {
    /// Where a cross-reference to an anchor points: "#fig-x" in the full report,
    /// a link into the full report from a section page.
    var href: (String) -> String
    /// Where a link to a file written beside the report points, given its path from
    /// the output folder (section pages sit two folders deeper).
    var fileHref: (String) -> String = { $0 }
    /// What leads from the page to the folder of the report's page: "" for the report
    /// itself, "../../" from a section page, put before the template's relative links.
    var relativeBase = ""

    func blocks(_ blocks: [Block], headingBase: Int) throws -> String {
        try blocks.map { try block($0, headingBase: headingBase) }.joined(separator: "\n")
    }

    func block(_ block: Block, headingBase: Int) throws -> String {
        switch block {
        case let .paragraph(content):
            return "<p>\(inlines(content))</p>"
        case let .heading(level, content):
            let tag = "h\(min(6, headingBase + level - 1))"
            return "<\(tag)>\(inlines(content))</\(tag)>"
        case let .list(ordered, items):
            let tag = ordered ? "ol" : "ul"
            let body = try items.map { item -> String in
                // A tight item holding one paragraph reads better without the <p>.
                if item.count == 1, case let .paragraph(content) = item[0] { return "<li>\(inlines(content))</li>" }
                return "<li>\(try blocks(item, headingBase: headingBase))</li>"
            }.joined(separator: "\n")
            return "<\(tag)>\n\(body)\n</\(tag)>"
        case let .quote(content):
            return "<blockquote>\n\(try blocks(content, headingBase: headingBase))\n</blockquote>"
        case let .math(tex):
            return "<div class=\"math display\">\(escape(tex))</div>"
        case let .code(text):
            return "<pre class=\"code\"><code>\(escape(text))</code></pre>"
        case let .listing(listing):
            let caption = listing.caption.isEmpty ? "" : "<figcaption>\(inlines(listing.caption))</figcaption>\n"
            return "<figure class=\"listing\">\n\(caption)<pre><code>\(escape(listing.text))</code></pre>\n</figure>"
        case let .table(table):
            return self.table(table)
        case let .figure(figure):
            return try self.figure(figure)
        case .rule:
            return "<hr>"
        }
    }

    func table(_ table: Table) -> String {
        func cellClass(_ column: Int) -> String {
            guard column < table.alignments.count else { return "" }
            switch table.alignments[column] {
            case .left: return ""
            case .center: return " class=\"center\""
            case .right: return " class=\"right\""
            }
        }
        var html = table.id.map { "<figure class=\"table\" id=\"\(escape($0))\">\n" } ?? "<figure class=\"table\">\n"
        if let number = table.number {
            html += "<figcaption><span class=\"label\">Table \(number).</span> \(inlines(table.caption))</figcaption>\n"
        } else if !table.caption.isEmpty {
            html += "<figcaption>\(inlines(table.caption))</figcaption>\n"
        }
        html += "<div class=\"table-scroll\"><table>\n"
        if !table.header.isEmpty {
            let cells = table.header.enumerated().map { "<th\(cellClass($0))>\(inlines($1))</th>" }.joined()
            html += "<thead><tr>\(cells)</tr></thead>\n"
        }
        html += "<tbody>\n"
        for row in table.rows {
            html += "<tr>" + row.enumerated().map { "<td\(cellClass($0))>\(inlines($1))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n</figure>"
    }

    private func figure(_ figure: FigureBlock) throws -> String {
        let chart = try InlineChart.make(figure.figure, idPrefix: "f\(figure.number)-")
        // A small chart (one digit) keeps its small card, centred, but its caption gets
        // half the column rather than wrapping every other word.
        let figureShare = max(chart.columnShare, 50)
        let percent = { (v: Double) in String(format: "%.1f%%", v) }
        let ratio = String(format: "%.3f / %.3f", chart.box.width, chart.box.height)
        // The stylesheet reads the widths and the scrolling threshold from these
        // properties, so print and narrow screens can override them.
        let widths = "--figure-width: \(percent(figureShare)); --card-width: \(percent(100 * chart.columnShare / figureShare)); "
            + "--figure-min-width: \(Int(chart.minimumWidth))px"
        return """
            <figure class="figure" id="\(escape(figure.id))" style="\(widths)">
            <div class="figure-card"><div class="figure-art" style="aspect-ratio: \(ratio)">\(chart.svg)</div></div>
            <figcaption><span class="label">Figure \(figure.number).</span> \(inlines(figure.caption))\(figure.files.isEmpty ? "" : " " + figureFiles(figure))</figcaption>
            </figure>
            """
    }

    /// A path relative to the page, "cnn-assignment/models/mlp.safetensors": no scheme
    /// (no ":" before the first "/"), not absolute and not protocol-relative.
    static func isRelativePath(_ url: String) -> Bool {
        guard let first = url.first, first != "/", first != "\\" else { return false }
        let beforeSlash = url.prefix { $0 != "/" }
        return !beforeSlash.contains(":")
    }

    func inlines(_ content: [Inline]) -> String {
        content.map(inline).joined()
    }

    private func inline(_ inline: Inline) -> String {
        switch inline {
        case let .text(text): return escape(text)
        case let .emphasis(content): return "<em>\(inlines(content))</em>"
        case let .strong(content): return "<strong>\(inlines(content))</strong>"
        case let .code(text): return "<code>\(escape(text))</code>"
        case let .math(tex): return "<span class=\"math inline\">\(escape(tex))</span>"
        case let .link(text, url):
            // Only web, mail, in-page links and paths relative to the page (a report's
            // saved files); anything else (javascript:, data:) stays text.
            let lowered = url.lowercased()
            guard ["http://", "https://", "mailto:", "#"].contains(where: lowered.hasPrefix) || Self.isRelativePath(url)
            else { return inlines(text) }
            let target = Self.isRelativePath(url) ? relativeBase + url : url
            return "<a href=\"\(escape(target))\">\(inlines(text))</a>"
        case let .reference(label, target):
            return "<a class=\"xref\" href=\"\(escape(href(target)))\">\(escape(label))</a>"
        case .lineBreak: return "<br>"
        }
    }
}

func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}
