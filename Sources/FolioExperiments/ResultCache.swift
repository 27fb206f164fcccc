import FolioSupport
import Foundation
import FolioData

/// Results of pure computations stored on disk under a key derived from their
/// configuration: the same configuration is computed once, a changed one is
/// computed afresh. Each entry is a folder `output/.cache/<kind>-<hash>/` holding the
/// configuration as JSON (for people) and the results.
public final class ResultCache: @unchecked Sendable {
    public let root: URL
    public let log: BuildLog
    /// When set, every lookup misses (the user asked for `--force`).
    public let force: Bool
    /// The engine's thread count. Its reductions are split into parts per thread, so
    /// the same configuration trained or evaluated on another number of threads gives
    /// other low-order bits: every entry is keyed by it, and a build on 1 thread never
    /// serves what a 2-thread build computed.
    public let threads: Int

    public init(root: URL, log: BuildLog, threads: Int, force: Bool = false) {
        self.root = root; self.log = log; self.threads = threads; self.force = force
    }

    /// What an entry's key is computed from: the configuration and the thread count.
    struct Keyed<C: Encodable>: Encodable {
        let config: C
        let threads: Int
    }

    /// A stable key: SHA-256 of the canonical JSON (sorted keys) of what is hashed.
    public static func key<C: Encodable>(_ config: C) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(config)
        return String(SHA256.hex([UInt8](json)).prefix(16))
    }

    /// The folder of a configuration's entry (created on demand).
    public func folder<C: Encodable>(kind: String, config: C) throws -> URL {
        try entry(kind: kind, config: config).folder
    }

    /// A configuration's entry (created on demand). Its config.json holds the
    /// configuration and thread count, for people; one that is damaged or describes
    /// another configuration is reported and written again (nothing is recomputed,
    /// since the key, not this file, identifies the entry).
    public func entry<C: Encodable>(kind: String, config: C) throws -> CacheEntry {
        let keyed = Keyed(config: config, threads: threads)
        let dir = root.appendingPathComponent("\(kind)-\(try Self.key(keyed))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let entry = CacheEntry(folder: dir, log: log)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = try encoder.encode(keyed)
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

    /// Returns the cached value for (kind, config), or computes, stores and returns it.
    /// `what` names the computation in the build log.
    public func value<C: Encodable, T: Codable>(_ what: String, kind: String, config: C,
                                                compute: () throws -> T) throws -> T {
        let entry = try entry(kind: kind, config: config)
        let key = entry.folder.lastPathComponent
        if !force, let value = entry.load("result.json", consequence: "computing it again",
                                          parse: { try JSONDecoder().decode(T.self, from: $0) }) {
            log.reused(what, key: key)
            return value
        }
        log.running(what, reason: force ? "--force given" : "no cached result for this configuration (\(key))")
        let start = Date()
        let value = try compute()
        try entry.write(try JSONEncoder().encode(value), "result.json")
        log.finished(what, seconds: Date().timeIntervalSince(start))
        return value
    }

    /// Whether a value is cached, without computing it (for `folio list`).
    public func has<C: Encodable>(kind: String, config: C, file: String = "result.json") -> Bool {
        guard let key = try? Self.key(Keyed(config: config, threads: threads)) else { return false }
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("\(kind)-\(key)/\(file)").path)
    }
}
