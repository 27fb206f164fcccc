import Foundation
import FolioChapters
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// One `folio build`: selects the reports, checks everything that needs no training
/// (manifests, chapter names, fragments), then trains or reuses, draws and writes.
public struct ReportBuild {
    public let request: BuildRequest
    public let chapters: ChapterLookup
    public let log: BuildLog
    /// The reports the request selects, already checked.
    public let manifests: [ReportManifest]
    /// The checkout's sources, for the code shown under each answer.
    let code: CodeLibrary

    /// Everything that can fail without data or training fails here, in one line:
    /// manifests, chapter names, templates against their chapters' declarations, every
    /// formula, and every declaration whose code an answer shows.
    public init(_ request: BuildRequest, chapters: ChapterLookup = .folio, log: BuildLog = BuildLog()) throws {
        self.request = request; self.chapters = chapters; self.log = log
        manifests = try ReportCatalogue(templates: request.templates)
            .select(reports: request.reports, sections: request.sections)
        for manifest in manifests { try ReportCatalogue.preflight(manifest, chapters: chapters) }
        code = try CodeLibrary(request)
        for manifest in manifests { try code.check(manifest, chapters: chapters.chapters(for: manifest)) }
    }

    /// What a build wrote, by report, and how long each question took.
    public struct Outcome: Sendable {
        public var written: [URL] = []
        /// The files a reader opens: reports, section pages, results.json.
        public var documents: [URL] = []
    }

    /// Trains or reuses, then writes every selected report. The output folder is
    /// checked before the data is read.
    public func run(data loadData: @autoclosure () throws -> Dataset) throws -> Outcome {
        let started = Date()
        try OutputFolder.prepare(request.output, option: request.outputOption)
        let data = try loadData()
        let cache = ResultCache(root: request.cacheFolder, log: log, threads: request.threads,
                                data: DataIdentity(data), force: request.force)
        Model.setThreads(request.threads)
        let runner = ExperimentRunner(data: data, cache: cache, threads: request.threads)
        let generatedBy = request.generatedBy(dataset: data.kind)
        let environment = BuildEnvironment(request: request, data: data, checkout: request.templates)
        var outcome = Outcome()
        for manifest in manifests {
            let context = ChapterContext(data: data, profile: request.profile, seed: request.seed, runner: runner,
                                         outputDirectory: request.output.appendingPathComponent(manifest.id))
            let builder = ReportBuilder(outputDirectory: request.output, formats: request.formats,
                                        context: context, chapters: chapters, environment: environment, code: code)
            let reportStart = Date()
            let built = try builder.build(manifest, sections: request.sections, generatedBy: generatedBy)
            outcome.written += built.written
            // A whole build also writes each section's page; only the report is listed.
            outcome.documents += built.written.filter { url in
                !url.path.contains("/figures/") && (!request.sections.isEmpty || !url.path.contains("/sections/"))
                    && ["html", "pdf", "json"].contains(url.pathExtension)
            }
            let parts = built.records.map { "\($0.question) \(String(format: "%.1f", $0.seconds)) s" }.joined(separator: ", ")
            log.note("built  \(manifest.id) in \(String(format: "%.1f", Date().timeIntervalSince(reportStart))) s (\(parts))")
        }
        log.note("done   \(outcome.written.count) files in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        return outcome
    }
}
