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

    public init(root: URL, log: BuildLog, force: Bool = false) {
        self.root = root; self.log = log; self.force = force
    }

    /// A stable key: SHA-256 of the configuration's canonical JSON (sorted keys).
    public static func key<C: Encodable>(_ config: C) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(config)
        return String(SHA256.hex([UInt8](json)).prefix(16))
    }

    /// The folder of a configuration's entry (created on demand).
    public func folder<C: Encodable>(kind: String, config: C) throws -> URL {
        let dir = root.appendingPathComponent("\(kind)-\(try Self.key(config))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let configFile = dir.appendingPathComponent("config.json")
        if !FileManager.default.fileExists(atPath: configFile.path) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try AtomicFile.write(try encoder.encode(config), to: configFile)
        }
        return dir
    }

    /// Returns the cached value for (kind, config), or computes, stores and returns it.
    /// `what` names the computation in the build log.
    public func value<C: Encodable, T: Codable>(_ what: String, kind: String, config: C,
                                                compute: () throws -> T) throws -> T {
        let dir = try folder(kind: kind, config: config)
        let file = dir.appendingPathComponent("result.json")
        if !force, let data = FileManager.default.contents(atPath: file.path) {
            if let value = try? JSONDecoder().decode(T.self, from: data) {
                log.reused(what, key: dir.lastPathComponent)
                return value
            }
            log.note("\(what): cached result at \(file.path) is unreadable; computing it again")
        }
        log.running(what, reason: force ? "--force given" : "no cached result for this configuration (\(dir.lastPathComponent))")
        let start = Date()
        let value = try compute()
        try AtomicFile.write(try JSONEncoder().encode(value), to: file)
        log.finished(what, seconds: Date().timeIntervalSince(start))
        return value
    }

    /// Whether a value is cached, without computing it (for `folio list`).
    public func has<C: Encodable>(kind: String, config: C, file: String = "result.json") -> Bool {
        guard let key = try? Self.key(config) else { return false }
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("\(kind)-\(key)/\(file)").path)
    }
}
