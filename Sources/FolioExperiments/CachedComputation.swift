import Foundation
import FolioNN
import FolioData

/// A computation whose result the cache keeps: a training run, a test evaluation, or a
/// result derived from trained networks (occlusion maps, adversarial images, …).
/// Every one goes through `ResultCache.value(_:)`, which keys it, finds its entry,
/// keeps what it returned in memory for the rest of the build, and in a dry run
/// (`folio status`) stops it before it computes.
///
/// The key holds everything that determines the result: the configuration, the
/// thread count (the engine splits its sums per thread), the dataset's checksums, the
/// engine's numerics version, and the computation's own `version`. `version` has no
/// default on purpose: a type that forgets it does not compile, and the generic
/// `DerivedResult` takes it as a non-optional initialiser argument. Bump it whenever
/// an edit to the code would change the result, or the cache keeps serving the old one.
public protocol CachedComputation {
    associatedtype Configuration: Encodable
    associatedtype Result

    /// Names the entry's folder, `<kind>-<key>`.
    var kind: String { get }
    /// The version of the code that computes the result. Required, with no default.
    var version: Int { get }
    /// What the result is computed from, besides the data, threads and versions.
    var configuration: Configuration { get }
    /// The computation's name in the build log ("mlp + SGD (lr 0.01), 2 epochs").
    var label: String { get }
    /// What `folio status` says a build would do: "train mlp + SGD (lr 0.01) for 2
    /// epochs on 3,000 images".
    var summary: String { get }
    /// Names the result within its entry for the in-memory layer: an entry may hold
    /// several results (a training run's test evaluation after each epoch).
    var memoName: String { get }

    /// The result from `entry`, computing and storing what the entry lacks. Before it
    /// computes anything it calls `cache.beginComputing(…)`, which logs why, or in a
    /// dry run throws `WouldCompute`. It logs its own reuse (`cache.log.reused`).
    func result(from entry: CacheEntry, in cache: ResultCache) throws -> Result
}

/// A configuration that records its computation's version and dataset itself. Training
/// configurations always have (`engineVersion`, `dataset`), so their keys do not
/// repeat them, and the data's checksums join the key only when the files are not the
/// published ones of that dataset: the keys of the training runs cached before keys
/// held versions and checksums stay valid (a full build trains for 15 minutes).
public protocol SelfDescribingConfiguration: Encodable {
    /// The version of the code that turns this configuration into a result.
    var recordedVersion: Int { get }
    var dataset: DatasetKind { get }
}

/// What an entry's key is the hash of, and what its config.json shows people.
struct ComputationKey<Configuration: Encodable>: Encodable {
    let config: Configuration
    let threads: Int
    /// nil when the configuration records it (see SelfDescribingConfiguration).
    let version: Int?
    let engine: Int?
    /// SHA-256 of each data file; nil when the configuration names a dataset whose
    /// published files were loaded.
    let data: [String: String]?

    init<C: CachedComputation>(_ computation: C, threads: Int, data: DataIdentity) where C.Configuration == Configuration {
        config = computation.configuration
        self.threads = threads
        if let described = computation.configuration as? any SelfDescribingConfiguration {
            precondition(described.recordedVersion == computation.version,
                         "\(computation.kind): version \(computation.version) differs from the configuration's \(described.recordedVersion)")
            version = nil
            engine = nil
            self.data = data.published == described.dataset ? nil : data.checksums
        } else {
            version = computation.version
            engine = Engine.numericsVersion
            self.data = data.checksums
        }
    }

    /// A stable key: SHA-256 of the canonical JSON (sorted keys), 16 hex digits.
    func hash() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(SHA256.hex([UInt8](try encoder.encode(self))).prefix(16))
    }
}

/// The data every computation of a build runs on, as keys record it.
public struct DataIdentity: Sendable, Equatable {
    /// SHA-256 of each decompressed file, by role.
    public var checksums: [String: String]
    /// The dataset whose published files these are, if they are.
    public var published: DatasetKind?

    public init(_ data: Dataset) {
        checksums = data.checksums
        published = data.isPublished ? data.kind : nil
    }
}

/// Thrown in a dry run instead of computing: what the build would compute first for
/// the question being asked, and how long that would take on this machine.
public struct WouldCompute: Error, CustomStringConvertible, Sendable {
    public let kind: String
    /// The entry's folder name: two questions waiting for the same run wait once.
    public let entry: String
    /// "train mlp + SGD (lr 0.01) for 2 epochs on 3,000 images".
    public let summary: String
    /// nil when the cache holds nothing to estimate from.
    public let estimatedSeconds: Double?
    /// What the estimate rests on, for people ("from 4 cached epochs at 1,830 images/s").
    public let basis: String

    public var description: String {
        "would \(summary) (\(estimatedSeconds.map { "~" + Self.duration($0) } ?? "time unknown"))"
    }

    /// "40 s", "3 min 5 s", "1 h 02 min".
    public static func duration(_ seconds: Double) -> String {
        let t = Int(seconds.rounded(.up))
        if t >= 3600 { return "\(t / 3600) h \(String(format: "%02d", t % 3600 / 60)) min" }
        return t >= 60 ? "\(t / 60) min \(t % 60) s" : "\(max(t, 1)) s"
    }
}
