// The shell of the pages written for reviewing a build rather than reading it: the
// figure board beside each report and the page `folio diff --html` writes. They take
// the report's palette and fonts (light and dark), so a reviewer moving between the
// report and these pages sees one design, but lay out wider than the report's
// measure, since they show many figures at once.

import Foundation

public enum ReviewPage {
    /// A complete page: the shared palette and chrome, then `style`, `body` and `script`.
    public static func html(title: String, style: String, body: String, script: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Folio">
        <title>\(escape(title))</title>
        <style>
        \(HTMLStyle.palette)
        \(chrome)
        \(style)
        </style>
        </head>
        <body>
        <main class="review">
        \(body)
        </main>
        \(script.isEmpty ? "" : "<script>\n\(script)\n</script>")
        </body>
        </html>

        """
    }

    /// Text made safe for HTML, as the report's writer escapes it.
    public static func escape(_ text: String) -> String { FolioHTML.escape(text) }

    /// Body, links and the title block as the report sets them, in the review pages' width.
    static let chrome = """
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--paper); color: var(--text); font-family: var(--sans); font-size: 15px; line-height: 1.5; }
    main.review { max-width: 84rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
    a { color: var(--link); text-decoration-thickness: 0.06em; text-underline-offset: 0.15em; }
    .review-head { border-bottom: 1px solid var(--rule); padding-bottom: 1rem; margin-bottom: 1.5rem; }
    .review-head .course { margin: 0 0 0.3rem; font-size: 0.75rem; letter-spacing: 0.14em; text-transform: uppercase; color: var(--muted); }
    .review-head h1 { margin: 0; font-family: var(--serif); font-weight: normal; font-size: 1.9rem; line-height: 1.2; }
    .review-head p { margin: 0.4rem 0 0; color: var(--muted); font-size: 0.85rem; }
    .num { color: var(--accent); font-variant-numeric: lining-nums tabular-nums; }
    code { font-family: var(--mono); font-size: 0.86em; background: var(--code-bg); padding: 0.05em 0.3em; border-radius: 3px; }
    /* Figures are drawn on light paper; in the dark scheme they keep their own card. */
    img.art { display: block; width: 100%; height: auto; background: #fff; border-radius: 3px; }
    """
}
