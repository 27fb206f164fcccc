import Foundation
import FolioData
import FolioDocument
import FolioExperiments

/// What every chapter may use: the data, the profile, the seed and the experiment
/// runner (whose cache makes re-rendering a section free of training).
public struct ChapterContext {
    public let data: Dataset
    public let profile: Profile
    public let seed: UInt64
    public let runner: ExperimentRunner
    /// Folder of the report's outputs (`output/<report-id>/`), for files a chapter
    /// saves beside the report, such as trained networks' weights.
    public let outputDirectory: URL

    public init(data: Dataset, profile: Profile, seed: UInt64, runner: ExperimentRunner, outputDirectory: URL) {
        self.data = data; self.profile = profile; self.seed = seed; self.runner = runner
        self.outputDirectory = outputDirectory
    }

    public var cache: ResultCache { runner.cache }
    public var log: BuildLog { runner.cache.log }
    public var classNames: [String] { data.classNames }
    /// The test images this profile evaluates on.
    public var testSet: ImageSet { profile.testCount >= data.test.count ? data.test : data.test.prefix(profile.testCount) }
    /// The seeded train/validation split every experiment shares.
    public var split: Split {
        Split(count: data.train.count, trainCount: profile.trainCount, validationCount: profile.validationCount, seed: seed)
    }
}

/// One answer of a report: computes what its template needs. A chapter must be a
/// pure function of its context (through the experiment cache), so rebuilding a
/// section reproduces it exactly without retraining. A question its template answers
/// alone (a derivation) needs no chapter: the manifest leaves out its "chapter".
public protocol Chapter: Sendable {
    /// The name the manifest uses in a question's "chapter" field, unique in its report.
    static var name: String { get }
    /// What `content` returns, by name and kind: every template is checked against it
    /// before any training starts, and every computed content against it after.
    static var declaration: ContentDeclaration { get }
    /// Declarations whose code the report shows under the answer besides the chapter's
    /// own `content(_:)`: the protocol it runs (training set-up, sweeps, attacks,
    /// tests), by dotted name or signature as `DeclarationIndex` reads them.
    static var code: [String] { get }
    init()
    func content(_ context: ChapterContext) throws -> SectionContent
}

extension Chapter {
    public static var code: [String] { [] }
}

/// The chapters of one report, by the names its manifest uses. Each report has its
/// own, so two reports may use the same chapter name for different work.
public struct ReportChapters: Sendable {
    public let report: String
    public let chapters: [any Chapter.Type]

    public init(report: String, _ chapters: [any Chapter.Type]) {
        self.report = report; self.chapters = chapters
        let names = chapters.map { $0.name }
        precondition(Set(names).count == names.count, "two chapters of \(report) share a name")
    }

    public var names: Set<String> { Set(chapters.map { $0.name }) }

    public func chapter(named name: String) -> (any Chapter.Type)? { chapters.first { $0.name == name } }
}

/// The reports Folio ships with and their chapters.
public enum ChapterRegistry {
    public static let reports: [ReportChapters] = [
        ReportChapters(report: "cnn-assignment", cnnAssignmentChapters),
        ReportChapters(report: "problem-set", problemSetChapters),
    ]

    /// The chapters of `report`; none for a report Folio has no chapters for.
    public static func chapters(of report: String) -> ReportChapters {
        reports.first { $0.report == report } ?? ReportChapters(report: report, [])
    }
}

