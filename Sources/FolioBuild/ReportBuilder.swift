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

    /// Builds `manifest`'s questions (those in `sections`, or all when empty).
    func build(_ manifest: ReportManifest, sections: [String], generatedBy: [String]) throws -> Outcome {
        var selected = manifest
        if !sections.isEmpty {
            selected.parts = manifest.parts.compactMap { part in
                var p = part
                p.questions = part.questions.filter { sections.contains($0.id) }
                return p.questions.isEmpty ? nil : p
            }
        }
        let reportDir = outputDirectory.appendingPathComponent(manifest.id)
        let figuresDir = reportDir.appendingPathComponent("figures")
        var contents: [String: SectionContent] = [:]
        var records: [QuestionRecord] = []
        var written: [URL] = []
        var supplements: [String: Supplements] = [:]
        /// Each figure's own files, by anchor, as paths from the output folder.
        var figureFiles: [String: [String]] = [:]
        let available = chapters.chapters(for: manifest)
        for question in selected.questions {
            guard let name = question.chapter else { continue }  // answered by its template alone
            guard let chapterType = available.chapter(named: name) else {
                throw BuildError("no chapter \(name) for question \(question.id) of \(manifest.id)")
            }
            let start = Date()
            let eventsBefore = context.log.events.count
            let runsBefore = context.runner.ledger.count
            context.log.note("answer \(manifest.id) \(question.id) (\(name))")
            let content = try chapterType.init().content(context)
            if let mismatch = chapterType.declaration.mismatch(content) {
                throw BuildError("chapter \(name) (\(chapterType)) of \(manifest.id) does not keep its declaration: \(mismatch)")
            }
            contents[question.id] = content
            supplements[question.id] = Supplements(code: try code.sourceCode(for: chapterType),
                                                   logs: context.runner.ledger.runs(since: runsBefore).map(TrainingLog.output))
            let figures = try writeFigures(content, question: question.id, to: figuresDir)
            for (name, _) in content.figures {
                figureFiles["fig-" + name] = figures.filter { $0.lastPathComponent.hasPrefix("\(question.id)-\(name).") }
                    .map { "\(manifest.id)/figures/\($0.lastPathComponent)" }.sorted { Self.fileOrder($0) < Self.fileOrder($1) }
            }
            written += figures
            written += try writeFiles(content, to: reportDir)
            var record = QuestionRecord(question: question.id, seconds: Date().timeIntervalSince(start), computed: [], reused: 0)
            for event in context.log.events.dropFirst(eventsBefore) {
                switch event {
                case .ran(let what, _): record.computed.append(what)
                case .reused: record.reused += 1
                }
            }
            records.append(record)
        }
        var document = try assembleDocument(manifest: selected, contents: contents, generatedBy: generatedBy)
            .mappingFigures { figure in
                var linked = figure
                linked.files = figureFiles[figure.id] ?? []
                return linked
            }
        for p in document.parts.indices {
            for q in document.parts[p].questions.indices {
                var s = supplements[document.parts[p].questions[q].id] ?? Supplements()
                s.code = s.code.map { var c = $0; c.link = code.link(c.file); return c }
                document.parts[p].questions[q].supplements = s
            }
        }
        document.colophon = colophon(manifest: manifest, records: records, whole: sections.isEmpty)
        written += try writeFigureBoard(document, manifest: manifest, figureFiles: figureFiles,
                                        experiments: supplements.mapValues { $0.logs.map(\.title) },
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
        return Outcome(written: written, records: records)
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
