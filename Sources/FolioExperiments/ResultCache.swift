import FolioSupport
import Foundation
import FolioData

/// The one store of cached computations (`CachedComputation`): training runs, their
/// test evaluations and derived results. Each entry is a folder
/// `output/.cache/<kind>-<key>/` holding the key as JSON (config.json, for people),
/// the result files, and their checksums (CacheEntry). Above the folders sits a layer
/// in memory: a result is read from disk once per build, however many questions use
/// it (decoding 100,000 probabilities from JSON for every question made a warm rebuild
/// slow). In a dry run nothing is computed or written: the first computation a
/// question needs throws `WouldCompute`, with an estimate of its time.
public final class ResultCache: @unchecked Sendable {
    public let root: URL
    public let log: BuildLog
    /// When set, every stored result is ignored (the user asked for `--force`); what
    /// this build computed is still remembered, so it is computed once.
    public let force: Bool
    /// The engine's thread count. Its reductions are split into parts per thread, so
    /// the same configuration trained or evaluated on another number of threads gives
    /// other low-order bits: every entry is keyed by it, and a build on 1 thread never
    /// serves what a 2-thread build computed.
    public let threads: Int
    /// The checksums of the data every computation runs on.
    public let data: DataIdentity
    /// `folio status`: report what would be computed instead of computing it, and
    /// leave the cache as it is.
    public let dryRun: Bool

    private let lock = NSLock()
    private var memo: [String: Any] = [:]
    private var speeds: [TrainingSpeed]?

    public init(root: URL, log: BuildLog, threads: Int, data: DataIdentity, force: Bool = false, dryRun: Bool = false) {
        self.root = root; self.log = log; self.threads = threads; self.data = data
        self.force = force; self.dryRun = dryRun
    }

    /// The result of `computation`: from memory, from its entry, or computed and stored.
    public func value<C: CachedComputation>(_ computation: C) throws -> C.Result {
        let key = ComputationKey(computation, threads: threads, data: data)
        let name = "\(computation.kind)-\(try key.hash())"
        let memoKey = name + "/" + computation.memoName
        if let known = lock.withLock({ memo[memoKey] }) as? C.Result {
            log.remembered(computation.label)
            return known
        }
        let result = try computation.result(from: try entry(name, key: key), in: self)
        lock.withLock { memo[memoKey] = result }
        return result
    }

    /// Called by a computation before it computes: logs why, or in a dry run throws
    /// `WouldCompute` with `summary` (by default the computation's) and `estimate`.
    /// Returns the start time.
    public func beginComputing<C: CachedComputation>(_ computation: C, in entry: CacheEntry, reason: String,
                                                     summary: String? = nil, estimate: @autoclosure () -> Estimate?) throws -> Date {
        if dryRun {
            // Estimated only here: a build does not need it.
            let estimate = estimate()
            throw WouldCompute(kind: computation.kind, entry: entry.folder.lastPathComponent,
                               summary: summary ?? computation.summary,
                               estimatedSeconds: estimate?.seconds, basis: estimate?.basis ?? "nothing cached to estimate from")
        }
        log.running(computation.label, reason: reason)
        return Date()
    }

    /// Called when a computation has stored its result: logs its time, and returns it.
    @discardableResult
    public func finishedComputing<C: CachedComputation>(_ computation: C, since start: Date) -> Double {
        let seconds = Date().timeIntervalSince(start)
        log.finished(computation.label, seconds: seconds)
        return seconds
    }

    /// An entry's folder, created on demand (not in a dry run). Its config.json holds
    /// the key's contents, for people; one that is damaged or describes another
    /// configuration is reported and written again (nothing is recomputed, since the
    /// key, not this file, identifies the entry).
    func entry<K: Encodable>(_ name: String, key: K) throws -> CacheEntry {
        let dir = root.appendingPathComponent(name)
        let entry = CacheEntry(folder: dir, log: log, readOnly: dryRun)
        guard !dryRun else { return entry }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = try encoder.encode(key)
        let expected = try JSONSerialization.jsonObject(with: json) as? NSDictionary
        let present = FileManager.default.fileExists(atPath: entry.url("config.json").path)
        // Compared as JSON values, not bytes, so that a file an older version
        // formatted differently is still accepted.
        let valid = entry.load("config.json", consequence: "writing it again") { data -> Bool in
            guard let found = try JSONSerialization.jsonObject(with: data) as? NSDictionary, found == expected else {
                throw ExperimentError("it describes another configuration")
            }
            return true
        } ?? false
        if !present || !valid { try entry.write(json, "config.json") }
        return entry
    }

    // MARK: Estimates

    /// A computation's expected time and what it rests on.
    public struct Estimate: Sendable {
        public var seconds: Double
        public var basis: String
        public init(seconds: Double, basis: String) { self.seconds = seconds; self.basis = basis }
    }

    /// A derived result's time, kept beside it so that `folio status` can estimate the
    /// next computation of the same kind (a changed version or configuration).
    static let timingName = "timing.json"
    struct Timing: Codable { var seconds: Double }

    func recordTiming(_ seconds: Double, in entry: CacheEntry) {
        try? entry.write(try JSONEncoder().encode(Timing(seconds: seconds)), Self.timingName)
    }

    /// The mean time of the computations of `kind` this cache holds, if any recorded it.
    func recordedEstimate(kind: String) -> Estimate? {
        let times = entryNames(kind: kind).compactMap { name -> Double? in
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("\(name)/\(Self.timingName)").path) else { return nil }
            return (try? JSONDecoder().decode(Timing.self, from: data))?.seconds
        }
        guard !times.isEmpty else { return nil }
        return Estimate(seconds: times.reduce(0, +) / Double(times.count),
                        basis: "the mean of \(times.count) cached \(kind) result\(times.count == 1 ? "" : "s")")
    }

    /// Folder names of the entries of `kind` (`<kind>-<16 hex digits>`).
    func entryNames(kind: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0.count == kind.count + 17 && $0.hasPrefix(kind + "-") }.sorted()
    }

    /// The training speed of a model on this machine: what every epoch of the training
    /// runs in this cache measured (each run records its epochs' times).
    struct TrainingSpeed {
        var model: String
        var threads: Int
        var images: Double
        var seconds: Double
    }

    func trainingSpeeds() -> [TrainingSpeed] {
        if let known = lock.withLock({ speeds }) { return known }
        struct Described: Decodable {
            struct Config: Decodable { var model: String; var trainCount: Int }
            var config: Config
            var threads: Int?
        }
        var found: [TrainingSpeed] = []
        for name in entryNames(kind: TrainingComputation.kindName) {
            let folder = root.appendingPathComponent(name)
            guard let configData = FileManager.default.contents(atPath: folder.appendingPathComponent("config.json").path),
                  let metricsData = FileManager.default.contents(atPath: folder.appendingPathComponent("metrics.json").path),
                  let described = try? JSONDecoder().decode(Described.self, from: configData),
                  let records = try? JSONDecoder().decode([EpochRecord].self, from: metricsData) else { continue }
            for record in records where record.seconds > 0 {
                found.append(TrainingSpeed(model: described.config.model, threads: described.threads ?? 1,
                                           images: Double(described.config.trainCount), seconds: record.seconds))
            }
        }
        lock.withLock { speeds = found }
        return found
    }
}
