// The figure board, `<report>/figures/index.html`: every figure of a report as a card
// for reviewing them one section at a time — its number, caption and question, a link
// to its place in the report, its own files, the settings that produced it, and
// whether it changed since the previous build. A card opens large as a `:target`
// lightbox, so the board works without script; the small script only filters by
// question and closes the lightbox with Escape.

import FolioDocument
import Foundation

public struct FigureBoard {
    /// What the build knows about one figure's drawing compared with the build before.
    public enum Change: String, Codable, Sendable {
        /// No earlier build left a board to compare with.
        case firstBuild = "first build"
        case new, changed, unchanged
    }

    public struct Card {
        /// The figure's anchor in the report, "fig-loss".
        public var anchor: String
        public var number: Int
        public var caption: String
        public var question: String
        public var questionTitle: String
        /// File names in the figures folder: SVG, PNG, PDF, CSV, those that exist.
        public var files: [String]
        public var change: Change
        /// The build options that produced it, in reading order.
        public var settings: [(name: String, value: String)]
        /// The training runs behind its question, as the answer's logs title them.
        public var experiments: [String]

        public init(anchor: String, number: Int, caption: String, question: String, questionTitle: String,
                    files: [String], change: Change, settings: [(name: String, value: String)], experiments: [String]) {
            self.anchor = anchor; self.number = number; self.caption = caption; self.question = question
            self.questionTitle = questionTitle; self.files = files; self.change = change
            self.settings = settings; self.experiments = experiments
        }
    }

    public var reportID: String
    public var title: String
    public var course: String
    /// When this build and the one compared with started (ISO 8601).
    public var built: String
    public var previousBuild: String?
    public var cards: [Card]
    /// Figures of the previous build that this one no longer draws.
    public var removed: [String] = []

    public init(reportID: String, title: String, course: String, built: String, previousBuild: String?, cards: [Card]) {
        self.reportID = reportID; self.title = title; self.course = course
        self.built = built; self.previousBuild = previousBuild; self.cards = cards
    }

    /// The question ids in the order their first figure appears.
    var questions: [(id: String, title: String, count: Int)] {
        var order: [(id: String, title: String, count: Int)] = []
        for card in cards {
            if let i = order.firstIndex(where: { $0.id == card.question }) { order[i].count += 1 }
            else { order.append((card.question, card.questionTitle, 1)) }
        }
        return order
    }

    public func html() -> String {
        let report = "../../\(reportID).html"
        var body = """
            <header class="review-head">
            <p class="course">\(escape(course))</p>
            <h1>Figures of <a href="\(escape(report))">\(escape(title))</a></h1>
            <p>\(summary)</p>
            </header>
            <form class="filters" onsubmit="return false">
            <label>Question <select id="question"><option value="">all (\(cards.count))</option>
            """
        for q in questions {
            body += "<option value=\"\(escape(q.id))\">\(escape(q.id)) \(escape(q.title)) (\(q.count))</option>"
        }
        body += "</select></label>\n<label><input type=\"checkbox\" id=\"changed-only\"> changed or new only</label>\n</form>\n"
        body += "<div class=\"board\">\n" + cards.map { card($0, report: report) }.joined(separator: "\n") + "\n</div>\n"
        body += cards.map(lightbox).joined(separator: "\n")
        return ReviewPage.html(title: "Figures — \(title)", style: Self.style, body: body, script: Self.script)
    }

    private var summary: String {
        let changed = cards.filter { $0.change == .changed }.count
        let new = cards.filter { $0.change == .new }.count
        var text = "\(cards.count) figure\(cards.count == 1 ? "" : "s") · built \(escape(built))"
        if let previousBuild {
            text += " · since the build of \(escape(previousBuild)): \(changed) changed, \(new) new"
            if !removed.isEmpty { text += ", no longer drawn: " + removed.map(escape).joined(separator: ", ") }
        } else {
            text += " · no earlier build to compare with"
        }
        return text
    }

    private func card(_ card: Card, report: String) -> String {
        let image = card.files.first { $0.hasSuffix(".png") } ?? card.files.first { $0.hasSuffix(".svg") }
        let section = "../sections/\(Question.anchor(forID: card.question)).html#\(card.anchor)"
        let mark = card.change == .firstBuild ? "" : " <span class=\"mark \(card.change.rawValue)\">\(card.change.rawValue)</span>"
        return """
            <article class="card" id="card-\(escape(card.anchor))" data-question="\(escape(card.question))" data-change="\(card.change.rawValue)">
            \(image.map { "<a class=\"thumb\" href=\"#large-\(escape(card.anchor))\" title=\"Open large\"><img class=\"art\" src=\"\(escape($0))\" alt=\"Figure \(card.number)\" loading=\"lazy\"></a>" } ?? "")
            <p class="card-head"><span class="num">Figure \(card.number)</span>\(mark)</p>
            <p class="caption">\(escape(card.caption))</p>
            <p class="where">Question <a href="\(escape(report))#\(escape(card.anchor))">\(escape(card.question)) \(escape(card.questionTitle))</a> · <a href="\(escape(section))">its section</a></p>
            <p class="files">\(fileLinks(card))</p>
            <details class="settings"><summary>Settings</summary>\(settings(card))</details>
            </article>
            """
    }

    private func lightbox(_ card: Card) -> String {
        guard let image = card.files.first(where: { $0.hasSuffix(".svg") }) ?? card.files.first(where: { $0.hasSuffix(".png") })
        else { return "" }
        return """
            <div class="lightbox" id="large-\(escape(card.anchor))" role="dialog" aria-label="Figure \(card.number)">
            <a class="backdrop" href="#card-\(escape(card.anchor))" aria-label="Close"></a>
            <figure><img class="art" src="\(escape(image))" alt="Figure \(card.number): \(escape(card.caption))">
            <figcaption><span class="num">Figure \(card.number).</span> \(escape(card.caption)) <span class="files">\(fileLinks(card))</span>
            <a class="close" href="#card-\(escape(card.anchor))">close</a></figcaption>
            \(settings(card))</figure>
            </div>
            """
    }

    private func fileLinks(_ card: Card) -> String {
        card.files.map { "<a href=\"\(escape($0))\">\(escape(($0 as NSString).pathExtension.uppercased()))</a>" }
            .joined(separator: " ")
    }

    private func settings(_ card: Card) -> String {
        var html = "<dl>" + card.settings.map { "<dt>\(escape($0.name))</dt><dd>\(escape($0.value))</dd>" }.joined() + "</dl>"
        if !card.experiments.isEmpty {
            html += "<p class=\"runs-title\">Training runs of question \(escape(card.question))</p><ul class=\"runs\">"
                + card.experiments.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        return html
    }

    static let style = """
    .filters { display: flex; flex-wrap: wrap; gap: 0.6rem 1.6rem; align-items: center; margin: 0 0 1.4rem; font-size: 0.85rem; }
    .filters select { font: inherit; color: var(--text); background: var(--paper); border: 1px solid var(--rule); border-radius: 3px; padding: 0.15rem 0.3rem; max-width: 32rem; }
    .board { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1.2rem; }
    .card { border: 1px solid var(--rule); border-radius: 4px; padding: 0.7rem; display: flex; flex-direction: column; gap: 0.35rem; }
    .card[hidden] { display: none; }
    .card p { margin: 0; }
    .card .thumb { display: block; border: 1px solid var(--rule); border-radius: 3px; }
    .card-head { display: flex; justify-content: space-between; align-items: baseline; font-weight: bold; }
    .caption { font-family: var(--serif); font-size: 0.88rem; line-height: 1.45; }
    .where, .files { font-size: 0.8rem; color: var(--muted); }
    .files a { margin-right: 0.35em; }
    .mark { font-size: 0.72rem; font-weight: bold; letter-spacing: 0.06em; text-transform: uppercase; padding: 0.05rem 0.4rem; border-radius: 3px; }
    .mark.changed { background: var(--accent); color: var(--paper); }
    .mark.new { border: 1px solid var(--accent); color: var(--accent); }
    .mark.unchanged { color: var(--faint); font-weight: normal; }
    details.settings { font-size: 0.78rem; color: var(--muted); }
    details.settings summary { cursor: pointer; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0.4rem 0; }
    dt { font-weight: bold; } dd { margin: 0; overflow-wrap: anywhere; }
    .runs-title { margin: 0.4rem 0 0.1rem; font-weight: bold; }
    .runs { margin: 0; padding-left: 1.2rem; }
    .lightbox { display: none; }
    .lightbox:target { display: flex; position: fixed; inset: 0; z-index: 10; align-items: center; justify-content: center; padding: 2rem; }
    .lightbox .backdrop { position: absolute; inset: 0; background: color-mix(in srgb, var(--paper) 30%, #000 70%); }
    .lightbox figure { position: relative; margin: 0; max-width: min(72rem, 100%); max-height: 100%; overflow: auto; background: var(--paper);
                       border-radius: 4px; padding: 1rem; font-size: 0.85rem; }
    .lightbox figure img { max-height: 70vh; object-fit: contain; }
    .lightbox figcaption { margin: 0.7rem 0 0; font-family: var(--serif); }
    .lightbox .close { float: right; font-family: var(--sans); }
    """

    static let script = """
    // Shows the cards of the chosen question (and only the changed ones when asked).
    const question = document.getElementById('question');
    const changedOnly = document.getElementById('changed-only');
    function filter() {
      for (const card of document.querySelectorAll('.card')) {
        const asked = !question.value || card.dataset.question === question.value;
        const change = card.dataset.change === 'changed' || card.dataset.change === 'new';
        card.hidden = !(asked && (!changedOnly.checked || change));
      }
    }
    question.addEventListener('change', filter);
    changedOnly.addEventListener('change', filter);
    // Escape closes an open figure and returns to its card.
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && location.hash.startsWith('#large-')) location.hash = 'card-' + location.hash.slice(7);
    });
    """
}
