// What a notebook showed under a cell, as HTML: under each answer a closed block
// "Code" (each declaration highlighted, with its file and lines, a link to the file
// and a copy button) and a closed block "Training log" (one table per run); and at
// the end of the report, the environment that produced it.

import FolioDocument

extension HTMLBlockRenderer {
    /// The answer's code and logs, each group collapsible and closed at first.
    func supplements(_ question: Question) -> String {
        let s = question.supplements
        guard !s.isEmpty else { return "" }
        var html = "<div class=\"supplements\" id=\"\(escape(question.supplementsAnchor))\">\n"
        if !s.code.isEmpty {
            let count = s.code.count == 1 ? "1 declaration" : "\(s.code.count) declarations"
            html += "<details class=\"supplement code-listings\">\n<summary>Code <span class=\"count\">\(count)</span></summary>\n"
            html += s.code.map(source).joined(separator: "\n")
            html += "\n</details>\n"
        }
        if !s.logs.isEmpty {
            let runs = s.logs.filter { $0.table != nil }.count
            let count = runs == 1 ? "1 run" : "\(runs) runs"
            html += "<details class=\"supplement training-log\">\n<summary>Training log <span class=\"count\">\(count)</span></summary>\n"
            html += s.logs.map(output).joined(separator: "\n")
            html += "\n</details>\n"
        }
        return html + "</div>"
    }

    /// One declaration: a head line (what it is, where, a copy button) over its
    /// numbered, highlighted lines. Line numbers are marked so copying skips them.
    private func source(_ code: SourceCode) -> String {
        let number = String(code.lastLine).count
        let body = code.lines.enumerated().map { offset, runs -> String in
            let n = String(code.firstLine + offset)
            let padded = String(repeating: " ", count: number - n.count) + n
            let text = runs.map { run -> String in
                run.style == .plain ? escape(run.text) : "<span class=\"tok-\(run.style.rawValue)\">\(escape(run.text))</span>"
            }.joined()
            return "<span class=\"line\"><span class=\"ln\" aria-hidden=\"true\">\(padded)</span>\(text)</span>"
        }.joined(separator: "\n")
        let location = code.link.map { "<a class=\"source-file\" href=\"\(escape(fileHref($0)))\">\(escape(code.location))</a>" }
            ?? "<span class=\"source-file\">\(escape(code.location))</span>"
        return """
            <div class="source">
            <div class="source-head"><span class="source-title">\(escape(code.title))</span> \(location) <button type="button" class="copy" title="Copy the code">Copy</button></div>
            <pre><code>\(body)</code></pre>
            </div>
            """
    }

    private func output(_ output: PrintedOutput) -> String {
        var html = "<div class=\"printed\">\n<p class=\"printed-title\">\(escape(output.title))</p>\n"
        if let table = output.table { html += self.table(table) + "\n" }
        if let text = output.text { html += "<pre><code>\(escape(text))</code></pre>\n" }
        return html + "</div>"
    }

    /// The environment block that ends the report.
    func colophon(_ colophon: Colophon) -> String {
        var html = "\n<section class=\"environment\" id=\"\(Colophon.anchor)\">\n<h2>Environment</h2>\n<table class=\"environment-table\">\n<tbody>\n"
        for row in colophon.rows {
            html += "<tr><th scope=\"row\">\(escape(row.name))</th><td>\(escape(row.value))</td></tr>\n"
        }
        html += "</tbody>\n</table>\n"
        if !colophon.files.isEmpty {
            let links = colophon.files.map { "<a href=\"\(escape(fileHref($0.path)))\">\(escape($0.label))</a>" }
            html += "<p class=\"environment-files\">Data: \(links.joined(separator: " · "))</p>\n"
        }
        if !colophon.questions.isEmpty {
            html += "<details class=\"supplement\">\n<summary>Time per question</summary>\n<table class=\"environment-table\">\n"
            html += "<thead><tr><th>question</th><th class=\"right\">wall time (s)</th><th>results</th></tr></thead>\n<tbody>\n"
            for q in colophon.questions {
                html += "<tr><td>\(escape(q.id))</td><td class=\"right\">\(escape(q.seconds))</td><td>\(escape(q.source))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n</details>\n"
        }
        return html + "</section>"
    }

    /// Links under a figure to its own files: "SVG · PNG · PDF · CSV".
    func figureFiles(_ figure: FigureBlock) -> String {
        guard !figure.files.isEmpty else { return "" }
        let links = figure.files.map { path -> String in
            let ext = path.split(separator: ".").last.map { $0.uppercased() } ?? path
            return "<a href=\"\(escape(fileHref(path)))\">\(escape(ext))</a>"
        }
        return "<span class=\"figure-files\">\(links.joined(separator: " · "))</span>"
    }
}

enum SupplementScript {
    /// Copies a listing's code without its line numbers.
    static let copy = """
        document.addEventListener('click', function (event) {
          var button = event.target.closest('button.copy');
          if (!button) return;
          var code = button.closest('.source').querySelector('pre code').cloneNode(true);
          code.querySelectorAll('.ln').forEach(function (n) { n.remove(); });
          navigator.clipboard.writeText(code.textContent).then(function () {
            button.textContent = 'Copied';
            setTimeout(function () { button.textContent = 'Copy'; }, 1500);
          });
        });
        """
}
