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
/// Every figure is also written alone under `figures/`.
struct ReportBuilder {
    let outputDirectory: URL
    let formats: Set<ReportFormat>
    let context: ChapterContext
    let chapters: ChapterLookup
    let environment: BuildEnvironment

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
        let available = chapters.chapters(for: manifest)
        for question in selected.questions {
            guard let name = question.chapter else { continue }  // answered by its template alone
            guard let chapterType = available.chapter(named: name) else {
                throw BuildError("no chapter \(name) for question \(question.id) of \(manifest.id)")
            }
            let start = Date()
            let eventsBefore = context.log.events.count
            context.log.note("answer \(manifest.id) \(question.id) (\(name))")
            let content = try chapterType.init().content(context)
            if let mismatch = chapterType.declaration.mismatch(content) {
                throw BuildError("chapter \(name) (\(chapterType)) of \(manifest.id) does not keep its declaration: \(mismatch)")
            }
            contents[question.id] = content
            written += try writeFigures(content, question: question.id, to: figuresDir)
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
        let document = try assembleDocument(manifest: selected, contents: contents, generatedBy: generatedBy)
        for item in document.uncited {
            context.log.note("warning: \(item.label) (@\(item.id)) in \(item.file) is never cited in the prose")
        }
        if sections.isEmpty {
            if formats.contains(.html) { written += try HTMLWriter().write(document, to: outputDirectory) }
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
                    written.append(try HTMLWriter().writeSection(document, questionID: question.id, to: outputDirectory))
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

    /// `{"text": "98.93 %", "value": 98.93, "unit": "%", "count": 10000}`; unit and
    /// count only when known. JSON has no NaN or infinity: such a value is null.
    static func measure(_ m: Measure) -> [String: Any] {
        var object: [String: Any] = ["text": m.text, "value": m.value.isFinite ? m.value as Any : NSNull()]
        if let unit = m.unit { object["unit"] = unit }
        if let count = m.count { object["count"] = count }
        return object
    }
}
