import FolioChapters
import FolioData
import FolioDocument
import FolioExperiments
import FolioHTML
import FolioPDF
import FolioSupport
import FolioTemplates
import Foundation

/// Turns one manifest and its chapters into written files: the report's HTML, PDF
/// and results.json, or, for a section build, each section's own HTML and PDF.
/// Every figure is also written alone under `figures/`, and listed on the report's
/// figure board there.
struct ReportBuilder {
    let outputDirectory: URL
    let formats: Set<ReportFormat>
    let context: ChapterContext
    let chapters: ChapterLookup
    let environment: BuildEnvironment
    let code: CodeLibrary

    /// How one question's answer was computed: its wall time and what it ran afresh
    /// (nothing when every experiment came from the cache).
    struct QuestionRecord {
        var question: String
        var seconds: Double
        var computed: [String]
        var reused: Int
    }

    struct Outcome { var written: [URL]; var records: [QuestionRecord] }

    /// One question's answer as computed, kept whole so that a preview can write the
    /// report again after a template edit without asking the chapter a second time.
    struct Answer {
        var content: SectionContent
        var supplements: Supplements
        /// Each figure's own files, by anchor, as paths from the output folder.
        var figureFiles: [String: [String]]
        var written: [URL]
        var record: QuestionRecord
    }

    /// Builds `manifest`'s questions (those in `sections`, or all when empty).
    func build(_ manifest: ReportManifest, sections: [String], generatedBy: [String]) throws -> Outcome {
        var answers: [String: Answer] = [:]
        for question in manifest.questions where sections.isEmpty || sections.contains(question.id) {
            answers[question.id] = try answer(question, of: manifest)
        }
        let written = try write(manifest, answers: answers, sections: sections, generatedBy: generatedBy)
        let records = manifest.questions.compactMap { answers[$0.id]?.record }
        return Outcome(written: manifest.questions.compactMap { answers[$0.id] }.flatMap(\.written) + written, records: records)
    }

    /// Runs `question`'s chapter (training or reusing what it needs) and writes its
    /// figures and files; nil for a question its template answers alone.
    func answer(_ question: ReportManifest.Question, of manifest: ReportManifest) throws -> Answer? {
        guard let name = question.chapter else {
            // Its template answers it alone; it still counts in the build's progress.
            context.log.question(manifest.id, question.id)
            context.log.question(manifest.id, question.id, finishedAfter: 0)
            return nil
        }
        guard let chapterType = chapters.chapters(for: manifest).chapter(named: name) else {
            throw BuildError("no chapter \(name) for question \(question.id) of \(manifest.id)")
        }
        let reportDir = outputDirectory.appendingPathComponent(manifest.id)
        let start = Date()
        let eventsBefore = context.log.events.count
        let runsBefore = context.runner.ledger.count
        context.log.note("answer \(manifest.id) \(question.id) (\(name))")
        context.log.question(manifest.id, question.id)
        let content = try chapterType.init().content(context)
        if let mismatch = chapterType.declaration.mismatch(content) {
            throw BuildError("chapter \(name) (\(chapterType)) of \(manifest.id) does not keep its declaration: \(mismatch)")
        }
        let supplements = Supplements(code: try code.sourceCode(for: chapterType),
                                      logs: context.runner.ledger.runs(since: runsBefore).map(TrainingLog.output))
        let figures = try writeFigures(content, question: question.id, to: reportDir.appendingPathComponent("figures"))
        for warning in Self.printWarnings(content, question: question.id) { context.log.warning(warning) }
        var figureFiles: [String: [String]] = [:]
        for (name, _) in content.figures {
            figureFiles["fig-" + name] = figures.filter { $0.lastPathComponent.hasPrefix("\(question.id)-\(name).") }
                .map { "\(manifest.id)/figures/\($0.lastPathComponent)" }.sorted { Self.fileOrder($0) < Self.fileOrder($1) }
        }
        let files = try writeFiles(content, to: reportDir)
        var record = QuestionRecord(question: question.id, seconds: Date().timeIntervalSince(start), computed: [], reused: 0)
        context.log.question(manifest.id, question.id, finishedAfter: record.seconds)
        for event in context.log.events.dropFirst(eventsBefore) {
            switch event {
            case .ran(let what, _): record.computed.append(what)
            case .reused: record.reused += 1
            }
        }
        return Answer(content: content, supplements: supplements, figureFiles: figureFiles, written: figures + files, record: record)
    }

    /// Assembles the report (or, with `sections`, each of those sections) from its
    /// templates and `answers`, and writes it in the requested formats.
    func write(_ manifest: ReportManifest, answers: [String: Answer], sections: [String], generatedBy: [String]) throws -> [URL] {
        var selected = manifest
        if !sections.isEmpty {
            selected.parts = manifest.parts.compactMap { part in
                var p = part
                p.questions = part.questions.filter { sections.contains($0.id) }
                return p.questions.isEmpty ? nil : p
            }
        }
        let reportDir = outputDirectory.appendingPathComponent(manifest.id)
        let contents = answers.mapValues(\.content)
        // In the manifest's order, so the same build always links the same files.
        let figureFiles = manifest.questions.compactMap { answers[$0.id] }
            .reduce(into: [String: [String]]()) { $0.merge($1.figureFiles) { _, later in later } }
        let records = selected.questions.compactMap { answers[$0.id]?.record }
        var written: [URL] = []
        var document = try assembleDocument(manifest: selected, contents: contents.filter { id, _ in selected.questions.contains { $0.id == id } },
                                            generatedBy: generatedBy)
            .mappingFigures { figure in
                var linked = figure
                linked.files = figureFiles[figure.id] ?? []
                return linked
            }
        for p in document.parts.indices {
            for q in document.parts[p].questions.indices {
                var s = answers[document.parts[p].questions[q].id]?.supplements ?? Supplements()
                s.code = s.code.map { var c = $0; c.link = code.link(c.file); return c }
                document.parts[p].questions[q].supplements = s
            }
        }
        document.colophon = colophon(manifest: manifest, records: records, whole: sections.isEmpty)
        written += try writeFigureBoard(document, manifest: manifest, figureFiles: figureFiles,
                                        experiments: answers.mapValues { $0.supplements.logs.map(\.title) },
                                        builtQuestions: Set(selected.questions.map(\.id)), whole: sections.isEmpty)
        for item in document.uncited {
            context.log.note("warning: \(item.label) (@\(item.id)) in \(item.file) is never cited in the prose")
        }
        if sections.isEmpty {
            // A whole build wrote every file its chapters hand over: a saved network
            // left by an older build (a renamed file) would be linked by nothing and
            // could be taken for a current one.
            let handedOver = Set(contents.values.flatMap { $0.files.keys })
            let models = reportDir.appendingPathComponent("models")
            for old in (try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? []
            where !handedOver.contains("models/" + old) {
                try? FileManager.default.removeItem(at: models.appendingPathComponent(old))
            }
            if formats.contains(.html) { written += try HTMLWriter(linksFigureBoard: true).write(document, to: outputDirectory) }
            if formats.contains(.pdf) {
                let pdf = outputDirectory.appendingPathComponent(manifest.id + ".pdf")
                try writePDF(document, to: pdf)
                written.append(pdf)
            }
            let results = reportDir.appendingPathComponent("results.json")
            try AtomicFile.write(try Results.json(manifest: manifest, contents: contents, generatedBy: generatedBy,
                                                  environment: environment, records: records), to: results)
            written.append(results)
        } else {
            for question in selected.questions {
                if formats.contains(.html) {
                    written.append(try HTMLWriter(linksFigureBoard: true).writeSection(document, questionID: question.id, to: outputDirectory))
                }
                if formats.contains(.pdf), let section = document.section(question.id) {
                    let pdf = reportDir.appendingPathComponent("sections")
                        .appendingPathComponent(Question.anchor(forID: question.id) + ".pdf")
                    try writePDF(section, to: pdf)
                    written.append(pdf)
                }
            }
        }
        return written
    }

    /// SVG, PNG, PDF, then the CSV of the numbers.
    static func fileOrder(_ path: String) -> Int {
        ["svg", "png", "pdf", "csv"].firstIndex(of: String(path.split(separator: ".").last ?? "")) ?? 9
    }

    /// The environment block: the build's environment, each question's time and where
    /// its results came from, and the report's data files.
    private func colophon(manifest: ReportManifest, records: [QuestionRecord], whole: Bool) -> Colophon {
        let questions = records.map { record -> (id: String, seconds: String, source: String) in
            let source = !record.computed.isEmpty ? "computed: " + record.computed.joined(separator: "; ")
                : record.reused == 0 ? "nothing to compute or cache (values from the data and the model's shape)"
                : "from the cache (\(record.reused) result\(record.reused == 1 ? "" : "s"))"
            return (record.question, String(format: "%.2f", record.seconds), source)
        }
        var files = [(label: "results.json", path: "\(manifest.id)/results.json")]
        if !whole { files = [] }  // a section build writes no results.json
        return Colophon(rows: environment.rows, questions: questions, files: files)
    }

    /// The files a chapter hands over, under the report's folder.
    private func writeFiles(_ content: SectionContent, to reportDir: URL) throws -> [URL] {
        try content.files.sorted(by: { $0.key < $1.key }).map { path, bytes in
            let url = reportDir.appendingPathComponent(path)
            try AtomicFile.write(bytes, to: url)
            return url
        }
    }

    /// The PDF's room for a figure: the text column, and the page's text height less a
    /// caption of three lines and the space around it (PDFBlocks' `figure`).
    static let printRoom = (width: PDFPage.textWidth,
                            height: PDFPage.height - PDFPage.marginTop - PDFPage.marginBottom - 24 - 3 * 12)

    /// One line per chart whose smallest text prints below the minimum once the PDF has
    /// scaled it to the text column: the reader would need a magnifier.
    static func printWarnings(_ content: SectionContent, question: String) -> [String] {
        content.figures.sorted { $0.key < $1.key }.compactMap { name, entry in
            guard let chart = entry.figure as? ChartFigure,
                  let size = chart.smallestPrintedTextSize(width: printRoom.width, height: printRoom.height),
                  size < ChartFigure.minimumPrintedText - 1e-9 else { return nil }
            return "figure \(question)-\(name) prints text at \(String(format: "%.1f", size)) pt in the PDF, below "
                + "\(String(format: "%g", ChartFigure.minimumPrintedText)) pt (drawn \(Int(chart.widthPoints)) pt wide)"
        }
    }

    /// Each figure as `<question>-<name>.<ext>` in every format the figure offers.
    private func writeFigures(_ content: SectionContent, question: String, to dir: URL) throws -> [URL] {
        var urls: [URL] = []
        for (name, entry) in content.figures.sorted(by: { $0.key < $1.key }) {
            for file in try entry.figure.standaloneFiles() {
                let url = dir.appendingPathComponent("\(question)-\(name).\(file.fileExtension)")
                try AtomicFile.write(file.bytes, to: url)
                urls.append(url)
            }
        }
        return urls
    }
}

/// `results.json`: every value the prose used, by question, exactly as printed
/// and, for numbers, typed (docs/results-json.md); the environment that produced
/// them; and how each answer was computed.
enum Results {
    static func json(manifest: ReportManifest, contents: [String: SectionContent], generatedBy: [String],
                     environment: BuildEnvironment, records: [ReportBuilder.QuestionRecord]) throws -> Data {
        var questions: [String: Any] = [:]
        for (id, content) in contents {
            questions[id] = content.values.mapValues(plain)
        }
        var build: [String: Any] = [:]
        for record in records {
            build[record.question] = ["wallSeconds": (record.seconds * 100).rounded() / 100,
                                      "computed": record.computed, "reusedFromCache": record.reused]
        }
        let object: [String: Any] = ["report": manifest.id, "title": manifest.title, "generatedBy": generatedBy,
                                     "environment": environment.json, "build": build, "questions": questions]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    static func plain(_ v: TemplateValue) -> Any {
        switch v {
        case .string(let s): return s
        case .number(let m): return measure(m)
        case .bool(let b): return b
        case .list(let items): return items.map(plain)
        case .object(let o): return o.mapValues(plain)
        }
    }

    /// `{"text": "58.09 %", "value": 58.09, "unit": "%", "count": 2000}`; unit and
    /// count only when known. JSON has no NaN or infinity: such a value is null.
    static func measure(_ m: Measure) -> [String: Any] {
        var object: [String: Any] = ["text": m.text, "value": m.value.isFinite ? m.value as Any : NSNull()]
        if let unit = m.unit { object["unit"] = unit }
        if let count = m.count { object["count"] = count }
        return object
    }
}
