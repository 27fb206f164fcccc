import Foundation
import FolioChapters
import FolioData
import FolioExperiments
import FolioNN

/// A chapter context on the quick profile over the checkout's MNIST, with a cache
/// in a folder of its own: what a chapter test needs to run one chapter as a build
/// would, without the command line. `remove()` deletes the folder.
public struct ChapterFixture {
    public let context: ChapterContext
    public let folder: URL

    public init(profile: Profile = .quick, seed: UInt64 = 1, threads: Int = 2, quiet: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("folio-chapter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = try Self.mnist()
        let cache = ResultCache(root: folder.appendingPathComponent(".cache"), log: BuildLog(quiet: quiet),
                                threads: threads, data: DataIdentity(data))
        Model.setThreads(threads)
        context = ChapterContext(data: data, profile: profile, seed: seed,
                                 runner: ExperimentRunner(data: data, cache: cache, threads: threads),
                                 outputDirectory: folder)
    }

    /// The checkout's MNIST, as a build would find it.
    public static func mnist() throws -> Dataset {
        try Dataset.load(.mnist, from: DataSource.resolve(.mnist, explicit: nil, projectRoot: FolioBinary.projectRoot.path))
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}
