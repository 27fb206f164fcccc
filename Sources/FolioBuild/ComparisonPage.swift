import FolioHTML
import FolioSupport
import Foundation

/// What `folio diff` prints and the side-by-side page `--html` writes, both grouped by
/// report, then question, then the environment.
extension BuildComparison {
    /// The differences of one report and question (nil: the environment), in that order.
    struct Group {
        var report: String
        var question: String?
        var differences: [Difference]

        /// "question 2.3", "environment", or "report" for a report one build lacks.
        var heading: String {
            question.map { "question \($0)" } ?? (differences.first?.kind == .environment ? "environment" : "report")
        }
    }

    var groups: [Group] {
        // Questions in the handout's order, figures after values, the environment last:
        // the walk found them report by report, but values, environment and figures apart.
        let reports = differences.map(\.report).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let ordered = differences.enumerated().sorted { x, y in
            let (a, b) = (x.element, y.element)
            if a.report != b.report { return reports.firstIndex(of: a.report)! < reports.firstIndex(of: b.report)! }
            let qa = a.kind == .environment ? nil : a.question, qb = b.kind == .environment ? nil : b.question
            if qa != qb {
                guard let qa else { return false }
                guard let qb else { return true }
                return Self.questionOrder(qa, qb)
            }
            if (a.kind == .figure) != (b.kind == .figure) { return b.kind == .figure }
            return x.offset < y.offset
        }.map(\.element)
        var groups: [Group] = []
        for d in ordered {
            let question = d.kind == .environment ? nil : d.question
            if let last = groups.indices.last, groups[last].report == d.report, groups[last].question == question {
                groups[last].differences.append(d)
            } else {
                groups.append(Group(report: d.report, question: question, differences: [d]))
            }
        }
        return groups
    }

    /// Plain text for the terminal: a heading per report, a line per difference.
    public var text: String {
        var lines = ["Comparing \(before.url.path) (before) with \(after.url.path) (after); "
            + "numbers count as equal when they differ by at most \(Self.plain(tolerance))."]
        var report = ""
        for group in groups {
            if group.report != report { report = group.report; lines.append("\n\(report)") }
            lines.append("  " + group.heading)
            let width = min(40, group.differences.map { label($0).count }.max() ?? 0)
            for d in group.differences {
                var line = "    " + label(d).padding(toLength: max(width, label(d).count), withPad: " ", startingAt: 0)
                line += "  \(d.before ?? "(absent)")  →  \(d.after ?? "(absent)")"
                if let change = d.change { line += "   (\(change))" }
                lines.append(line)
            }
        }
        var notes: [String: (String, String)] = [:]
        for entry in ignored where notes[entry.name] == nil { notes[entry.name] = (entry.before, entry.after) }
        let timings = notes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.0) → \($0.value.1)" }
        lines.append("\nNot compared, since they differ on every build: the build's start time"
            + (timings.isEmpty ? "" : " (\(timings.joined(separator: "; ")))")
            + ", and each question's wall time and cache use (results.json \"build\").")
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// "3 differences: 2 values, 1 figure, 0 in the environment." or "No differences."
    var summary: String {
        guard !differences.isEmpty else { return "No differences beyond the tolerance." }
        let count = { (kind: Difference.Kind) in self.differences.filter { $0.kind == kind }.count }
        let values = count(.value), figures = count(.figure), environment = count(.environment)
        return "\(differences.count) difference\(differences.count == 1 ? "" : "s"): "
            + "\(values) value\(values == 1 ? "" : "s"), \(figures) figure\(figures == 1 ? "" : "s"), "
            + "\(environment) in the environment."
    }

    private func label(_ d: Difference) -> String { d.kind == .figure ? "figure \(d.name)" : d.name }

    /// 0.5 rather than 0.5000: the tolerance as the user typed it.
    static func plain(_ x: Double) -> String { String(format: "%g", x) }

    /// Writes the side-by-side page to `file` (temporary file, then renamed): the
    /// changed values in a table per question, and each changed figure from both
    /// builds next to each other, linked relative to the page where the folders allow.
    public func writePage(to file: URL) throws {
        let folder = file.deletingLastPathComponent()
        func link(_ build: BuildFolder, _ path: String) -> String {
            Self.relativePath(from: folder, to: build.url.appendingPathComponent(path))
        }
        let e = ReviewPage.escape
        var body = """
            <header class="review-head"><p class="course">folio diff</p>
            <h1>\(e(before.url.lastPathComponent)) → \(e(after.url.lastPathComponent))</h1>
            <p>before: <code>\(e(before.url.path))</code> · after: <code>\(e(after.url.path))</code> ·
            numbers equal within \(Self.plain(tolerance)) · \(e(summary))</p></header>
            """
        for group in groups {
            body += "\n<section class=\"group\"><h2>\(e(group.report)) · \(e(group.heading))</h2>\n"
            let values = group.differences.filter { $0.kind != .figure }
            if !values.isEmpty {
                body += "<table><thead><tr><th>value</th><th>before</th><th>after</th><th>change</th></tr></thead><tbody>\n"
                for d in values {
                    body += "<tr><td><code>\(e(d.name))</code></td><td>\(e(d.before ?? "(absent)"))</td>"
                        + "<td>\(e(d.after ?? "(absent)"))</td><td>\(e(d.change ?? ""))</td></tr>\n"
                }
                body += "</tbody></table>\n"
            }
            for d in group.differences where d.kind == .figure {
                body += "<div class=\"pair\"><h3>\(e(d.name))</h3>"
                for (side, build, files) in [("before", before, d.figureFiles.before), ("after", after, d.figureFiles.after)] {
                    let image = files.first { $0.hasSuffix(".png") } ?? files.first { $0.hasSuffix(".svg") }
                    body += "<figure>" + (image.map { "<img class=\"art\" src=\"\(e(link(build, $0)))\" alt=\"\(side)\">" }
                        ?? "<p class=\"absent\">not in this build</p>")
                    body += "<figcaption>\(side): " + files.map {
                        "<a href=\"\(e(link(build, $0)))\">\(e(($0 as NSString).pathExtension.uppercased()))</a>"
                    }.joined(separator: " ") + "</figcaption></figure>"
                }
                body += "</div>\n"
            }
            body += "</section>"
        }
        try AtomicFile.write(ReviewPage.html(title: "folio diff", style: Self.style, body: body), to: file)
    }

    /// `target` as seen from `folder`: "../b/problem-set/figures/2.3-loss.png" when
    /// both are under one root other than "/", else the absolute path.
    static func relativePath(from folder: URL, to target: URL) -> String {
        let from = folder.standardizedFileURL.pathComponents, to = target.standardizedFileURL.pathComponents
        var shared = 0
        while shared < min(from.count, to.count) && from[shared] == to[shared] { shared += 1 }
        guard shared > 1 else { return target.standardizedFileURL.path }
        return (Array(repeating: "..", count: from.count - shared) + to[shared...]).joined(separator: "/")
    }

    static let style = """
    .group { margin: 0 0 2.2rem; }
    .group h2 { font-family: var(--serif); font-weight: normal; font-size: 1.3rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem; }
    table { border-collapse: collapse; font-size: 0.85rem; border-top: 1.5px solid var(--text); border-bottom: 1.5px solid var(--text); margin-bottom: 1rem; }
    th, td { padding: 0.3rem 0.8rem; text-align: left; vertical-align: baseline; }
    thead th { border-bottom: 1px solid var(--text); }
    tbody tr + tr td { border-top: 1px solid var(--rule); }
    .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin: 0 0 1.5rem; }
    .pair h3 { grid-column: 1 / -1; margin: 0; font-size: 0.95rem; }
    .pair figure { margin: 0; border: 1px solid var(--rule); border-radius: 4px; padding: 0.5rem; }
    .pair figcaption { font-size: 0.8rem; color: var(--muted); margin-top: 0.4rem; }
    .absent { color: var(--faint); font-style: italic; }
    """
}
