import Foundation
import FolioChapters
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN

/// `folio status`: which selected questions a build would answer from the cache
/// alone ("up to date") and which wait for a computation ("stale"), with the first
/// computation each would run and its estimated time on this machine. Every chapter
/// runs as in a build, over a cache in dry-run mode: the first computation the cache
/// lacks throws `WouldCompute` instead of running, and nothing is written.
public struct BuildStatus: Sendable {
    public struct QuestionStatus: Sendable {
        public var report: String
        public var question: String
        /// What the question waits for first; nil when it is up to date.
        public var pending: WouldCompute?

        public var isUpToDate: Bool { pending == nil }
    }

    public var questions: [QuestionStatus]

    /// The first computation of every stale question, each once (two questions
    /// waiting for the same training run wait for it once).
    public var pending: [WouldCompute] {
        var seen = Set<String>()
        return questions.compactMap(\.pending).filter { seen.insert($0.entry + "\n" + $0.summary).inserted }
    }

    /// The sum of the estimates of `pending`: a lower bound of what a build would
    /// compute, since what a question needs after its first computation is known only
    /// once that has run.
    public var estimatedSeconds: Double { pending.compactMap(\.estimatedSeconds).reduce(0, +) }

    /// One line per question, then the total:
    /// `cnn-assignment 1.1  stale: would train simple-cnn + SGD (lr 0.01) for 2 epochs on 3,000 images (~40 s)`.
    public var lines: [String] {
        let width = questions.map { $0.report.count + 1 + $0.question.count }.max() ?? 0
        var lines = questions.map { q in
            let name = "\(q.report) \(q.question)".padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(name)  " + (q.pending.map { "stale: \($0)" } ?? "up to date")
        }
        let stale = questions.count { !$0.isUpToDate }
        if stale == 0 {
            lines.append("all \(questions.count) question\(questions.count == 1 ? "" : "s") up to date")
        } else {
            let unknown = pending.count { $0.estimatedSeconds == nil }
            let known = pending.count - unknown
            var total = "\(stale) of \(questions.count) question\(questions.count == 1 ? "" : "s") stale, waiting for \(pending.count) computation\(pending.count == 1 ? "" : "s")"
            if known > 0 { total += ": ~\(WouldCompute.duration(estimatedSeconds))" }
            if unknown > 0 { total += known > 0 ? " plus \(unknown) not estimated" : ", none estimated (nothing like them cached yet)" }
            total += "; later computations show once these are done"
            lines.append(total)
        }
        return lines
    }
}

extension ReportBuild {
    /// The status of every selected question, computing nothing and writing nothing:
    /// chapters hand their files to the build, which a status never writes.
    public func status(data loadData: @autoclosure () throws -> Dataset) throws -> BuildStatus {
        let data = try loadData()
        let cache = ResultCache(root: request.cacheFolder, log: log, threads: request.threads,
                                data: DataIdentity(data), force: request.force, dryRun: true)
        Model.setThreads(request.threads)
        let runner = ExperimentRunner(data: data, cache: cache, threads: request.threads)
        var questions: [BuildStatus.QuestionStatus] = []
        for manifest in manifests {
            let context = ChapterContext(data: data, profile: request.profile, seed: request.seed, runner: runner,
                                         outputDirectory: request.output.appendingPathComponent(manifest.id))
            let available = chapters.chapters(for: manifest)
            for question in request.questions(of: manifest) {
                var status = BuildStatus.QuestionStatus(report: manifest.id, question: question.id, pending: nil)
                // A question its template answers alone is always up to date.
                guard let name = question.chapter else { questions.append(status); continue }
                guard let chapter = available.chapter(named: name) else {
                    throw BuildError("no chapter \(name) for question \(question.id) of \(manifest.id)")
                }
                do {
                    _ = try chapter.init().content(context)
                } catch let pending as WouldCompute {
                    status.pending = pending
                }
                questions.append(status)
            }
        }
        return BuildStatus(questions: questions)
    }
}
