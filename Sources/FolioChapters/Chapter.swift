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
    /// saves beside the report, such as the best model's weights.
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
/// section reproduces it exactly without retraining.
public protocol Chapter {
    /// The name the manifest uses in a question's "chapter" field.
    static var name: String { get }
    init()
    func content(_ context: ChapterContext) throws -> SectionContent
}

/// Every chapter Folio has, by manifest name.
public enum ChapterRegistry {
    public static let all: [any Chapter.Type] = problemSetChapters + cnnAssignmentChapters

    public static var names: Set<String> { Set(all.map { $0.name }) }

    public static func chapter(named name: String) -> (any Chapter)? {
        all.first { $0.name == name }.map { $0.init() }
    }
}
