// The HTML report: one self-contained file (embedded CSS, inline SVG figures,
// KaTeX inlined with its fonts), plus one page per question for review.

import FolioDocument
import FolioSupport
import Foundation

public struct HTMLWriter {
    /// Debian's libjs-katex; read only when the document holds math.
    public var katexDirectory: URL
    /// Whether the build writes the figure board (`<name>/figures/index.html`), which
    /// the contents of the report and of each section page then link to.
    public var linksFigureBoard: Bool

    public init(katexDirectory: URL = URL(fileURLWithPath: "/usr/share/javascript/katex"), linksFigureBoard: Bool = false) {
        self.katexDirectory = katexDirectory
        self.linksFigureBoard = linksFigureBoard
    }

    /// Writes `<directory>/<name>.html` and `<directory>/<name>/sections/<question-anchor>.html`
    /// (`name` defaults to the document id), each atomically. Section pages share KaTeX
    /// from `<name>/assets/`. Returns the files written, the report first.
    @discardableResult
    public func write(_ document: Document, to directory: URL, reportFileName: String? = nil) throws -> [URL] {
        let name = reportFileName ?? document.id
        let sectionsDirectory = directory.appendingPathComponent(name).appendingPathComponent("sections")
        let katex = try document.containsMath ? KaTeXAssets(directory: katexDirectory) : nil

        let reportURL = directory.appendingPathComponent(name + ".html")
        var written = [reportURL]
        try AtomicFile.write(try reportHTML(document, reportFileName: name, katex: katex), to: reportURL)
        if let katex {
            let assets = directory.appendingPathComponent(name).appendingPathComponent("assets")
            try AtomicFile.write(katex.stylesheet, to: assets.appendingPathComponent("katex.css"))
            try AtomicFile.write(katex.script, to: assets.appendingPathComponent("katex.js"))
        }
        var current = Set<String>()
        for question in document.parts.flatMap(\.questions) {
            let url = sectionsDirectory.appendingPathComponent(question.anchor + ".html")
            try AtomicFile.write(try sectionHTML(document, questionID: question.id, reportFileName: name,
                                                 hasMath: katex != nil), to: url)
            current.insert(url.lastPathComponent)
            written.append(url)
        }
        // Pages of questions no longer in the report would be stale links.
        for old in (try? FileManager.default.contentsOfDirectory(atPath: sectionsDirectory.path)) ?? []
        where old.hasSuffix(".html") && !current.contains(old) {
            try? FileManager.default.removeItem(at: sectionsDirectory.appendingPathComponent(old))
        }
        return written
    }

    /// Writes only the review page of one question (and KaTeX beside it when needed):
    /// what a one-section rebuild touches. Returns the page written.
    @discardableResult
    public func writeSection(_ document: Document, questionID: String, to directory: URL,
                             reportFileName: String? = nil) throws -> URL {
        let name = reportFileName ?? document.id
        guard let question = document.parts.flatMap(\.questions).first(where: { $0.id == questionID }) else {
            throw TemplateError(file: name + ".html", "no question \"\(questionID)\" in the report")
        }
        let hasMath = document.containsMath
        if hasMath {
            let katex = try KaTeXAssets(directory: katexDirectory)
            let assets = directory.appendingPathComponent(name).appendingPathComponent("assets")
            try AtomicFile.write(katex.stylesheet, to: assets.appendingPathComponent("katex.css"))
            try AtomicFile.write(katex.script, to: assets.appendingPathComponent("katex.js"))
        }
        let url = directory.appendingPathComponent(name).appendingPathComponent("sections")
            .appendingPathComponent(question.anchor + ".html")
        try AtomicFile.write(try sectionHTML(document, questionID: questionID, reportFileName: name, hasMath: hasMath), to: url)
        return url
    }

    /// The whole report as one self-contained page.
    public func reportHTML(_ document: Document, reportFileName: String? = nil) throws -> String {
        let katex = try document.containsMath ? KaTeXAssets(directory: katexDirectory) : nil
        return try reportHTML(document, reportFileName: reportFileName ?? document.id, katex: katex)
    }

    private func reportHTML(_ document: Document, reportFileName name: String, katex: KaTeXAssets?) throws -> String {
        let renderer = HTMLBlockRenderer(href: { "#" + $0 })
        var body = ReportBody(renderer: renderer)
        try document.walk(&body)
        let main = titleBlock(document) + body.html + (document.colophon.map(renderer.colophon) ?? "")
        let toc = try contents(document, partLink: { "#" + $0.id }, link: { "#" + $0.anchor }, review: { "\(name)/sections/\($0.anchor).html" },
                               board: "\(name)/figures/index.html")
        var head = "<style>\n\(HTMLStyle.css)\n</style>"
        var scripts = ""
        if let katex {
            head += "\n<style>\(katex.stylesheet)</style>"
            scripts = "<script>\(katex.script)</script>\n<script>\(KaTeXAssets.renderScript)</script>"
        }
        if document.hasSupplements { scripts += "\n<script>\(SupplementScript.copy)</script>" }
        return page(title: "\(document.title) — \(document.course)", head: head, toc: toc, main: main, scripts: scripts)
    }

    /// One question on its own page, for reviewing a section; cross-references to
    /// other sections lead into the full report.
    public func sectionHTML(_ document: Document, questionID: String, reportFileName: String? = nil) throws -> String {
        try sectionHTML(document, questionID: questionID, reportFileName: reportFileName ?? document.id,
                        hasMath: document.containsMath)
    }

    private func sectionHTML(_ document: Document, questionID: String, reportFileName name: String,
                             hasMath: Bool) throws -> String {
        let questions = document.parts.flatMap(\.questions)
        guard let index = questions.firstIndex(where: { $0.id == questionID }) else {
            throw TemplateError(file: name + ".html", "no question \"\(questionID)\" in the report")
        }
        let question = questions[index]
        let local = question.placedAnchors
        let report = "../../\(name).html"
        var renderer = HTMLBlockRenderer(href: { local.contains($0) ? "#" + $0 : report + "#" + $0 }, relativeBase: "../../")
        renderer.fileHref = { path in path.hasPrefix("/") ? path : "../../" + path }
        let part = document.parts.first { $0.questions.contains { $0.id == questionID } }!

        var main = """
            <header class="title-block section-title">
            <p class="course">\(escape(document.course))</p>
            <p class="report-title"><a href="\(escape(report))#\(escape(question.anchor))">\(escape(document.title))</a></p>
            <p class="part-name">\(escape(part.title))</p>
            </header>
            """
        main += "\n" + (try renderer.question(question))
        var pager = "<nav class=\"pager\">"
        if index > 0 { pager += "<a rel=\"prev\" href=\"\(questions[index - 1].anchor).html\">← \(escape(questions[index - 1].id)) \(escape(questions[index - 1].title))</a>" }
        pager += "<a href=\"\(escape(report))\">Full report</a>"
        if index + 1 < questions.count { pager += "<a rel=\"next\" href=\"\(questions[index + 1].anchor).html\">\(escape(questions[index + 1].id)) \(escape(questions[index + 1].title)) →</a>" }
        main += "\n" + pager + "</nav>"

        let toc = try contents(document, partLink: { report + "#" + $0.id }, link: { $0.anchor + ".html" }, review: nil,
                               board: "../figures/index.html", current: questionID)
        var head = "<style>\n\(HTMLStyle.css)\n</style>"
        var scripts = ""
        if hasMath {
            head += "\n<link rel=\"stylesheet\" href=\"../assets/katex.css\">"
            scripts = "<script src=\"../assets/katex.js\"></script>\n<script>\(KaTeXAssets.renderScript)</script>"
        }
        if !question.supplements.isEmpty { scripts += "\n<script>\(SupplementScript.copy)</script>" }
        return page(title: "\(question.id) \(question.title) — \(document.title)", head: head, toc: toc,
                    main: main, scripts: scripts)
    }

    // MARK: Pieces

    private func titleBlock(_ document: Document) -> String {
        var html = "<header class=\"title-block\">\n<p class=\"course\">\(escape(document.course))</p>\n"
        html += "<h1>\(escape(document.title))</h1>\n"
        if let subtitle = document.subtitle { html += "<p class=\"subtitle\">\(escape(subtitle))</p>\n" }
        if !document.generatedBy.isEmpty {
            html += "<div class=\"generated\">\n"
            html += document.generatedBy.map { "<p>\(escape($0))</p>" }.joined(separator: "\n")
            html += "\n</div>\n"
        }
        return html + "</header>"
    }

    private func contents(_ document: Document, partLink: @escaping (Part) -> String, link: @escaping (Question) -> String,
                          review: ((Question) -> String)?, board: String, current: String? = nil) throws -> String {
        var entries = ContentsEntries(partLink: partLink, link: link, review: review, current: current)
        try document.walk(&entries)
        if document.colophon != nil {
            // The environment block is not a part, but a reader looks for it by name; its
            // link goes where the part links go (the report, from a section page).
            let href = partLink(Part(id: Colophon.anchor, title: ""))
            entries.html += "<li class=\"toc-part\"><a href=\"\(escape(href))\">Environment</a></li>\n"
        }
        // The board sits under the contents, where a reviewer looks for a way around the report.
        let boardLink = linksFigureBoard && document.hasFigures
            ? "<p class=\"toc-board\"><a href=\"\(escape(board))\">Figure board</a></p>\n" : ""
        return "<nav class=\"toc\" aria-label=\"Contents\">\n<p class=\"toc-title\">Contents</p>\n<ol>\n"
            + entries.html + "</ol>\n" + boardLink + "</nav>"
    }

    private func page(title: String, head: String, toc: String, main: String, scripts: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Folio">
        <title>\(escape(title))</title>
        \(head)
        </head>
        <body>
        <div class="layout">
        \(toc)
        <main>
        \(main)
        </main>
        </div>
        \(scripts)
        </body>
        </html>

        """
    }
}

/// Writes the HTML report and its section pages; see `HTMLWriter.write`.
@discardableResult
public func writeHTML(_ document: Document, to directory: URL, reportFileName: String? = nil) throws -> [URL] {
    try HTMLWriter().write(document, to: directory, reportFileName: reportFileName)
}

/// The report's parts and questions in reading order, on the document's one walk.
private struct ReportBody: DocumentVisitor {
    let renderer: HTMLBlockRenderer
    var html = ""

    mutating func enterPart(_ part: Part) {
        html += "\n<section class=\"part\" id=\"\(escape(part.id))\">\n<h2>\(escape(part.title))</h2>\n"
    }

    mutating func visitIntroduction(_ blocks: [Block], of part: Part) throws {
        html += try renderer.blocks(blocks, headingBase: 3)
    }

    mutating func visitQuestion(_ question: Question, in part: Part) throws {
        html += "\n" + (try renderer.question(question))
    }

    mutating func exitPart(_ part: Part) { html += "\n</section>" }
}

/// The contents' list items: a part, then its questions, each a link; on the full
/// report each question also links to its own review page.
private struct ContentsEntries: DocumentVisitor {
    let partLink: (Part) -> String
    let link: (Question) -> String
    let review: ((Question) -> String)?
    /// The question whose section page this is, marked as the current one.
    let current: String?
    var html = ""

    mutating func enterPart(_ part: Part) {
        html += "<li class=\"toc-part\"><a href=\"\(escape(partLink(part)))\">\(escape(part.title))</a>\n<ol>\n"
    }

    mutating func visitQuestion(_ question: Question, in part: Part) {
        let marker = question.id == current ? " class=\"current\" aria-current=\"page\"" : ""
        html += "<li\(marker)><a href=\"\(escape(link(question)))\"><span class=\"qnum\">\(escape(question.id))</span> \(escape(question.title))</a>"
        if let review {
            html += " <a class=\"review\" href=\"\(escape(review(question)))\" title=\"Open this section on its own page\">¶</a>"
        }
        html += "</li>\n"
    }

    mutating func exitPart(_ part: Part) { html += "</ol></li>\n" }
}

extension HTMLBlockRenderer {
    /// One question: its number and title, the handout's wording, the answer.
    func question(_ question: Question) throws -> String {
        """
        <section class="question" id="\(escape(question.anchor))">
        <h3><span class="qnum">\(escape(question.id))</span> \(escape(question.title))</h3>
        <div class="prompt">
        \(try blocks(question.prompt, headingBase: 4))
        </div>
        <div class="answer">
        \(try blocks(question.answer, headingBase: 4))
        </div>
        \(supplements(question))
        </section>
        """
    }
}

extension Document {
    /// Whether any figure is placed: a report without one has no board to link to.
    var hasFigures: Bool {
        var found = false
        forEachBlock { if case .figure = $0 { found = true } }
        return found
    }
}
