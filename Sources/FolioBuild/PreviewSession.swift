import FolioChapters
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN
import Foundation

/// The build behind `folio preview`. It keeps every answer it computed in memory, so
/// after a template edit it reads the templates again and writes the pages from those
/// answers without asking a chapter twice; a question that is new, or whose chapter
/// changed in the manifest, is answered afresh (from the cache, or training).
/// Not thread-safe: the preview renders on one serial queue.
public final class PreviewSession: @unchecked Sendable {
    public let request: BuildRequest
    let chapters: ChapterLookup
    public let log: BuildLog
    private let data: Dataset
    private let runner: ExperimentRunner
    private let environment: BuildEnvironment
    /// Read once: the code under each answer comes from the checkout's sources,
    /// which the preview does not watch.
    private let code: CodeLibrary
    /// Answers by report, question and chapter name.
    private var answers: [String: ReportBuilder.Answer] = [:]

    public init(_ request: BuildRequest, data: Dataset, chapters: ChapterLookup = .folio, log: BuildLog = BuildLog()) throws {
        self.request = request; self.chapters = chapters; self.log = log; self.data = data
        try OutputFolder.prepare(request.output, option: request.outputOption)
        let cache = ResultCache(root: request.cacheFolder, log: log, threads: request.threads,
                                data: DataIdentity(data), force: request.force)
        Model.setThreads(request.threads)
        runner = ExperimentRunner(data: data, cache: cache, threads: request.threads)
        environment = BuildEnvironment(request: request, data: data, checkout: request.templates)
        code = try CodeLibrary(request)
    }

    /// What one render did.
    public struct Render: Sendable {
        public var written: [URL] = []
        /// Questions answered afresh (everything on the first render).
        public var answered: [String] = []
        public var seconds: Double = 0
    }

    /// Reads the manifests and templates again and writes the selected reports (those
    /// of them in `reports`, when given) in `formats` (the request's when nil). A
    /// template error is thrown as it is found, before anything is written.
    public func render(reports: Set<String>? = nil, formats: Set<ReportFormat>? = nil) throws -> Render {
        let started = Date()
        let manifests = try ReportCatalogue(templates: request.templates)
            .select(reports: request.reports, sections: request.sections)
            .filter { reports?.contains($0.id) ?? true }
        for manifest in manifests {
            try ReportCatalogue.preflight(manifest, chapters: chapters)
            try code.check(manifest, chapters: chapters.chapters(for: manifest))
        }
        var render = Render()
        let generatedBy = request.generatedBy(dataset: data.kind)
        for manifest in manifests {
            let context = ChapterContext(data: data, profile: request.profile, seed: request.seed, runner: runner,
                                         outputDirectory: request.output.appendingPathComponent(manifest.id))
            let builder = ReportBuilder(outputDirectory: request.output, formats: formats ?? request.formats,
                                        context: context, chapters: chapters, environment: environment, code: code)
            var reportAnswers: [String: ReportBuilder.Answer] = [:]
            for question in request.questions(of: manifest) {
                let key = "\(manifest.id)/\(question.id)/\(question.chapter ?? "")"
                if answers[key] == nil, let answer = try builder.answer(question, of: manifest) {
                    answers[key] = answer
                    render.answered.append("\(manifest.id) \(question.id)")
                    render.written += answer.written
                }
                reportAnswers[question.id] = answers[key]
            }
            render.written += try builder.write(manifest, answers: reportAnswers, sections: request.sections,
                                                generatedBy: generatedBy)
        }
        render.seconds = Date().timeIntervalSince(started)
        return render
    }

    /// The ids of the reports this preview shows: those asked for, or every folder of
    /// the templates that holds a manifest (read even while a manifest is broken).
    public var selectedReports: Set<String> {
        if !request.reports.isEmpty { return Set(request.reports) }
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: request.templates.path)) ?? []
        return Set(folders.filter {
            FileManager.default.fileExists(atPath: request.templates.appendingPathComponent($0).appendingPathComponent("manifest.json").path)
        })
    }

    /// The report and question ids a changed file under the templates folder touches:
    /// a fragment names its questions; a manifest, or any other file, its whole report
    /// (an empty question list).
    public func affected(by file: URL) -> (report: String, questions: [String])? {
        let templates = request.templates.standardizedFileURL.pathComponents
        let parts = file.standardizedFileURL.pathComponents
        guard parts.count > templates.count, Array(parts.prefix(templates.count)) == templates else { return nil }
        let report = parts[templates.count]
        guard let manifest = try? ReportManifest.load(from: request.templates.appendingPathComponent(report)) else {
            return (report, [])
        }
        let name = file.lastPathComponent
        return (manifest.id, manifest.questions.filter { $0.answer == name }.map(\.id))
    }
}
