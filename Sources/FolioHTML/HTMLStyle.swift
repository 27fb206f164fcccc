// The report's stylesheet: a typeset assignment rather than a web page. Serif body
// on a ~46em measure, the question set off like the handout, booktabs tables,
// figures on a card across the measure, and a print style. The colours are the
// report's one palette (FolioDocument's Palette), which the PDF paints with too;
// charts take its chart colours through the variables ChartTheme writes into their
// SVG, so dark mode recolours them. The print style sets the light ones, for paper.

import FolioDocument

enum HTMLStyle {
    /// The palette as CSS custom properties, four lines as the stylesheet lays them out.
    private static func variables(_ p: Palette, indent: String) -> String {
        "\(indent)--text: \(p.text.css); --muted: \(p.muted.css); --faint: \(p.faint.css); --paper: \(p.paper.css);\n"
            + "\(indent)--rule: \(p.rule.css); --accent: \(p.accent.css); --link: \(p.link.css);\n"
            + "\(indent)--prompt-bg: \(p.promptBackground.css); --prompt-rule: \(p.promptRule.css); --code-bg: \(p.codeBackground.css);\n"
            + indent + CodeStyle.allCases.filter { $0 != .plain }.map { "--tok-\($0.rawValue): \(p.colour(of: $0).css);" }.joined(separator: " ")
            + "\n" + chartVariables(p.chart, indent: indent)
    }

    /// The chart colours as the variables each chart's SVG refers to.
    private static func chartVariables(_ colours: ChartColours, indent: String) -> String {
        indent + ChartRole.allCases.map { "\($0.variable): \($0.colour(in: colours).css);" }.joined(separator: " ")
    }

    /// The palette (light, and dark when the reader's scheme is dark) and the three
    /// font stacks: what every page Folio writes shares, so the figure board and the
    /// comparison page look like the report.
    static let palette = """
    :root {
      color-scheme: light dark;
    \(variables(Palette.light, indent: "  "))
      --serif: "DejaVu Serif", Georgia, "Times New Roman", serif;
      --sans: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif;
      --mono: "DejaVu Sans Mono", Menlo, Consolas, monospace;
    }
    @media (prefers-color-scheme: dark) {
      :root {
    \(variables(Palette.dark, indent: "    "))
      }
    }
    """

    static let css = """
    \(palette)
    * { box-sizing: border-box; }
    html { font-size: 16px; -webkit-text-size-adjust: 100%; }
    body {
      margin: 0; background: var(--paper); color: var(--text);
      font-family: var(--serif); line-height: 1.6; font-kerning: normal;
      font-variant-numeric: oldstyle-nums proportional-nums; text-rendering: optimizeLegibility;
    }
    .layout {
      display: grid; grid-template-columns: 15rem minmax(0, 46em); column-gap: 3.5rem;
      justify-content: center; padding: 3rem 1.5rem 5rem;
    }
    main { min-width: 0; }
    a { color: var(--link); text-decoration-thickness: 0.06em; text-underline-offset: 0.15em; }
    a:hover { text-decoration-thickness: 0.12em; }

    /* Contents: a quiet sidebar that stays in view while reading. */
    nav.toc {
      position: sticky; top: 2rem; align-self: start; max-height: calc(100vh - 4rem); overflow-y: auto;
      font-family: var(--sans); font-size: 0.78rem; line-height: 1.45; padding-right: 0.5rem;
      border-right: 1px solid var(--rule);
    }
    nav.toc .toc-title {
      margin: 0 0 0.8rem; font-size: 0.72rem; letter-spacing: 0.12em; text-transform: uppercase; color: var(--muted);
    }
    nav.toc ol { list-style: none; margin: 0; padding: 0; }
    nav.toc .toc-part { margin-bottom: 0.9rem; }
    nav.toc .toc-part > a { font-weight: bold; color: var(--text); text-decoration: none; }
    nav.toc .toc-part ol { margin-top: 0.3rem; }
    nav.toc li li { margin: 0.18rem 0; display: flex; gap: 0.3rem; align-items: baseline; }
    nav.toc li li > a:first-child { color: var(--text); text-decoration: none; flex: 1; }
    nav.toc li li > a:first-child:hover { color: var(--link); text-decoration: underline; }
    nav.toc .qnum { display: inline-block; min-width: 2.2em; color: var(--accent); font-variant-numeric: lining-nums tabular-nums; }
    nav.toc .review { color: var(--faint); text-decoration: none; font-size: 0.9em; }
    nav.toc .review:hover { color: var(--link); }
    nav.toc li.current > a { font-weight: bold; }
    nav.toc .toc-board { margin: 0.4rem 0 0; padding-top: 0.7rem; border-top: 1px solid var(--rule); }

    /* Title block */
    .title-block { margin: 0 0 3rem; padding-bottom: 1.6rem; border-bottom: 1px solid var(--rule); }
    .title-block .course {
      margin: 0 0 0.6rem; font-family: var(--sans); font-size: 0.8rem; letter-spacing: 0.14em;
      text-transform: uppercase; color: var(--muted);
    }
    .title-block h1 { margin: 0; font-size: 2.2rem; line-height: 1.2; font-weight: normal; letter-spacing: -0.01em; }
    .title-block .subtitle { margin: 0.5rem 0 0; font-size: 1.2rem; font-style: italic; color: var(--muted); }
    .title-block .generated {
      margin-top: 1.3rem; font-family: var(--sans); font-size: 0.75rem; line-height: 1.5; color: var(--muted);
      font-variant-numeric: lining-nums tabular-nums;
    }
    .title-block .generated p { margin: 0; }
    .section-title { margin-bottom: 2rem; }
    .section-title .report-title { margin: 0; font-size: 1.3rem; }
    .section-title .report-title a { color: var(--text); text-decoration: none; }
    .section-title .part-name { margin: 0.3rem 0 0; color: var(--muted); font-style: italic; }

    /* Parts and questions */
    h1, h2, h3, h4, h5, h6 { font-family: var(--serif); font-variant-numeric: lining-nums; }
    .part > h2 {
      margin: 3.5rem 0 1.2rem; font-size: 1.55rem; font-weight: normal; line-height: 1.25;
      padding-bottom: 0.35rem; border-bottom: 2px solid var(--text);
    }
    .part:first-of-type > h2 { margin-top: 0; }
    .question { margin: 2.6rem 0 0; }
    .question > h3 { margin: 0 0 0.8rem; font-size: 1.2rem; line-height: 1.3; }
    .question > h3 .qnum { color: var(--accent); margin-right: 0.4em; }
    .prompt {
      margin: 0 0 1.3rem; padding: 0.75rem 1.1rem; background: var(--prompt-bg);
      border-left: 3px solid var(--prompt-rule); font-size: 0.94rem; line-height: 1.55;
    }
    .prompt > :first-child { margin-top: 0; }
    .prompt > :last-child { margin-bottom: 0; }
    .answer h4 { font-size: 1.05rem; margin: 1.8rem 0 0.6rem; }
    .answer h5, .answer h6 { font-size: 1rem; font-style: italic; font-weight: normal; margin: 1.4rem 0 0.4rem; }
    p { margin: 0 0 0.95rem; hyphens: auto; }
    ul, ol { padding-left: 1.6rem; margin: 0 0 0.95rem; }
    li { margin: 0.2rem 0; }
    blockquote { margin: 1rem 0; padding: 0 1.2rem; border-left: 2px solid var(--rule); color: var(--muted); font-style: italic; }
    hr { border: 0; border-top: 1px solid var(--rule); margin: 2rem auto; width: 30%; }
    code, pre { font-family: var(--mono); font-variant-numeric: lining-nums tabular-nums; }
    code { font-size: 0.86em; background: var(--code-bg); padding: 0.05em 0.3em; border-radius: 3px; }
    pre {
      font-size: 0.8rem; line-height: 1.45; background: var(--code-bg); padding: 0.8rem 1rem;
      overflow-x: auto; border-radius: 3px; margin: 0 0 1rem;
    }
    pre code { background: none; padding: 0; font-size: inherit; }
    a.xref { white-space: nowrap; }

    /* Figures, tables, listings */
    figure { margin: 1.8rem 0; }
    figcaption { font-size: 0.87rem; line-height: 1.45; color: var(--muted); text-align: left; }
    figcaption .label { font-weight: bold; color: var(--text); margin-right: 0.25em; }
    /* A chart spans the share of the measure it takes on paper, cropped to its drawing:
       --figure-width and, for a chart under half the measure, --card-width of that. */
    .figure { width: var(--figure-width, 100%); margin-left: auto; margin-right: auto; }
    .figure .figure-card {
      width: var(--card-width, 100%); margin: 0 auto; padding: 0.5rem; background: var(--chart-bg);
      border: 1px solid var(--rule); border-radius: 4px; overflow-x: auto;
    }
    .figure .figure-art { width: 100%; }
    .figure .figure-art svg { display: block; width: 100%; height: 100%; }
    .figure figcaption { margin: 0.7rem 0 0; }
    /* A table and its caption share one width, centred on the measure. */
    figure.table { width: fit-content; max-width: 100%; margin-left: auto; margin-right: auto; }
    .table figcaption { margin-bottom: 0.5rem; }
    .table-scroll { overflow-x: auto; }
    table {
      border-collapse: collapse; margin: 0; font-size: 0.9rem; line-height: 1.4;
      border-top: 1.5px solid var(--text); border-bottom: 1.5px solid var(--text);
      font-variant-numeric: lining-nums tabular-nums;
    }
    th, td { padding: 0.35rem 0.9rem; text-align: left; vertical-align: baseline; }
    thead th { border-bottom: 1px solid var(--text); font-weight: bold; }
    tbody tr + tr td { border-top: 1px solid color-mix(in srgb, var(--rule) 45%, transparent); }
    th.right, td.right { text-align: right; }
    th.center, td.center { text-align: center; }
    .listing pre { margin-top: 0.4rem; }
    .figure-files { font-family: var(--sans); font-size: 0.78rem; white-space: nowrap; }

    /* Code and training logs under an answer, closed at first */
    .supplements { margin: 1.6rem 0 0; font-family: var(--sans); font-size: 0.85rem; }
    details.supplement { border-top: 1px solid var(--rule); padding: 0.35rem 0; }
    details.supplement:last-child { border-bottom: 1px solid var(--rule); }
    details.supplement > summary { cursor: pointer; font-weight: bold; color: var(--muted); }
    details.supplement > summary .count { font-weight: normal; margin-left: 0.4em; color: var(--faint); }
    .source { margin: 0.9rem 0 1.2rem; }
    .source-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.3rem 0.8rem; margin-bottom: 0.3rem; }
    .source-title { font-family: var(--mono); font-size: 0.8rem; color: var(--text); }
    .source-file { font-size: 0.78rem; }
    button.copy {
      margin-left: auto; font: inherit; font-size: 0.75rem; color: var(--muted); background: var(--code-bg);
      border: 1px solid var(--rule); border-radius: 3px; padding: 0.1rem 0.6rem; cursor: pointer;
    }
    .source pre { font-size: 0.74rem; line-height: 1.5; margin: 0; }
    .source .ln { display: inline-block; margin-right: 1.2em; color: var(--faint); user-select: none; text-align: right; }
    .tok-keyword { color: var(--tok-keyword); } .tok-type { color: var(--tok-type); }
    .tok-string { color: var(--tok-string); } .tok-number { color: var(--tok-number); }
    .tok-comment { color: var(--tok-comment); font-style: italic; } .tok-attribute { color: var(--tok-attribute); }
    .printed { margin: 0.9rem 0 1.2rem; }
    .printed-title { font-family: var(--mono); font-size: 0.8rem; margin: 0 0 0.3rem; }
    .printed table { font-size: 0.8rem; }
    .printed th, .printed td { padding: 0.15rem 0.7rem; }

    /* The environment that produced the report */
    .environment { margin-top: 3.5rem; font-family: var(--sans); font-size: 0.85rem; }
    .environment h2 { font-size: 1.2rem; }
    table.environment-table { border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); font-size: 0.82rem; }
    .environment-table th[scope="row"] { font-weight: bold; white-space: nowrap; color: var(--muted); }
    .environment-table td { overflow-wrap: anywhere; }

    /* Math */
    .math.display { margin: 1.1rem 0; overflow-x: auto; overflow-y: hidden; text-align: center; }
    .katex { font-size: 1.08em; }

    .pager {
      display: flex; justify-content: space-between; gap: 1rem; margin-top: 3rem; padding-top: 1rem;
      border-top: 1px solid var(--rule); font-family: var(--sans); font-size: 0.82rem;
    }

    @media (max-width: 62rem) {
      .layout { grid-template-columns: minmax(0, 46em); padding-top: 1.5rem; }
      nav.toc { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--rule);
                padding-bottom: 1rem; margin-bottom: 2rem; }
    }
    /* On a phone every chart gets the whole width, and one that would still shrink its
       text below 9 px (--figure-min-width, set per figure) scrolls sideways in its card
       instead. Wider screens leave the column wide enough. */
    @media (max-width: 40rem) {
      .layout { padding-left: 0.9rem; padding-right: 0.9rem; }
      .figure { width: 100%; }
      .figure .figure-card { padding: 0.25rem; }
      .figure .figure-art { min-width: var(--figure-min-width, 0); }
    }

    /* Paper: light colours whatever the screen's scheme, no interactive chrome (contents,
       pager, copy buttons, file links, the closed code and logs, which the PDF's appendix
       prints), and figures, short tables, question boxes and formulas kept whole. */
    @media print {
      @page { size: A4; margin: 20mm 18mm; }
      :root {
        color-scheme: light;
    \(variables(Palette.light, indent: "    "))
        --text: #000; --muted: #444; --paper: #fff; --prompt-bg: #f3f3f3; --code-bg: #f5f5f5; --link: #000;
      }
      html { font-size: 10.5pt; }
      body { background: #fff; }
      .layout { display: block; padding: 0; }
      nav.toc, .pager, nav.toc .review, button.copy, .figure-files, .supplements { display: none; }
      a { color: inherit; text-decoration: none; }
      figure, .prompt, pre, .math.display, tr { break-inside: avoid; }
      /* A table longer than a page breaks between rows, its header repeated. */
      thead { display: table-header-group; }
      h2, h3, h4 { break-after: avoid; }
      .figure .figure-card { border: 0; padding: 0; overflow: visible; }
      .figure .figure-art { min-width: 0; }
      .part { break-before: page; }
      .part:first-of-type { break-before: auto; }
    }
    """
}
