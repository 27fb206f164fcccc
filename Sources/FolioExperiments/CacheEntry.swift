import FolioSupport
import Foundation
import FolioData
import Synchronization

/// The files of one cache entry (a folder `output/.cache/<kind>-<key>/`), with the
/// SHA-256 of each file as it was written recorded in the folder's `checksums.json`.
/// A truncated or otherwise damaged file is then recognised when it is read: it is
/// reported as one warning line, deleted and recomputed by the caller, instead of
/// stopping the build (the user had to find and delete it by hand) or being trusted.
/// Files written before checksums were recorded have none and are trusted if they
/// parse; their checksum is recorded then, so the next read verifies them.
/// A read-only entry (`folio status`) reports what it finds but changes nothing.
public struct CacheEntry: Sendable {
    public let folder: URL
    let log: BuildLog
    public let readOnly: Bool

    /// The manifest's name; it is not listed in itself. A damaged manifest can only
    /// make good files look unverified (trusted if they parse), never a bad one good.
    public static let manifestName = "checksums.json"

    public init(folder: URL, log: BuildLog, readOnly: Bool = false) {
        self.folder = folder; self.log = log; self.readOnly = readOnly
    }

    public func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// Writes a file atomically and records its checksum.
    public func write(_ data: Data, _ name: String) throws {
        guard !readOnly else { throw ExperimentError("\(url(name).path): the cache is read-only in a dry run") }
        try AtomicFile.write(data, to: url(name))
        try record(name, Record(data))
    }

    /// Records the checksum of a file another writer put in place atomically (the
    /// safetensors writer), reading it back: it is still in the page cache.
    public func recordWritten(_ name: String) throws {
        guard let data = FileManager.default.contents(atPath: url(name).path) else {
            throw ExperimentError("\(url(name).path): cannot be read back after writing it")
        }
        try record(name, Record(data))
    }

    /// The parsed contents of a file whose checksum matches the recorded one (or that
    /// has none recorded and parses), else nil. A file that is missing though recorded
    /// (or `expected`), damaged, or that does not parse is reported as one warning
    /// line ending in `consequence` (what the build does instead) and deleted.
    public func load<T>(_ name: String, expected: Bool = false, consequence: String,
                        parse: (Data) throws -> T) -> T? {
        let file = url(name)
        let recorded = checksums()[name]
        guard let data = FileManager.default.contents(atPath: file.path) else {
            if recorded != nil || expected {
                warn(name, "is missing", consequence)
            }
            return nil
        }
        let actual = Record(data)
        if let recorded, recorded != actual {
            warn(name, "is damaged: its SHA-256 differs from the one recorded when it was written (\(data.count) bytes now)", consequence)
            return nil
        }
        do {
            let value = try parse(data)
            if recorded == nil && !readOnly { try? record(name, actual) }
            return value
        } catch {
            warn(name, "cannot be read (\(Self.oneLine(error)))", consequence)
            return nil
        }
    }

    /// Whether a file is present with the size recorded when it was written, without
    /// reading it: a cheap check of files a build may not read (hashing every weight
    /// snapshot of a full build's cache would take seconds), which catches truncated
    /// and deleted files; `load` verifies the bytes. A file without a record passes
    /// if it exists or is not `expected`. A failing file is reported and deleted.
    public func checkSize(_ name: String, expected: Bool = false, consequence: String) -> Bool {
        let path = url(name).path
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let recorded = checksums()[name] else {
            if size == nil && expected { warn(name, "is missing", consequence); return false }
            return true
        }
        guard let size else { warn(name, "is missing", consequence); return false }
        guard size == recorded.bytes else {
            warn(name, "is damaged: it holds \(size) bytes, \(recorded.bytes) were written", consequence)
            return false
        }
        return true
    }

    /// The names of the recorded files that start with `prefix`.
    public func recorded(prefix: String) -> [String] { checksums().keys.filter { $0.hasPrefix(prefix) }.sorted() }

    /// Reports a file and forgets it: deleted and unlisted, so that it is recomputed.
    private func warn(_ name: String, _ problem: String, _ consequence: String) {
        log.warning("\(url(name).path) \(problem); \(consequence)")
        guard !readOnly else { return }
        try? FileManager.default.removeItem(at: url(name))
        try? record(name, nil)
    }

    static func oneLine(_ error: Error) -> String {
        "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    // MARK: The manifest

    /// Every entry's manifest as this process knows it, by folder path: read from disk
    /// once, then kept here, so each write rewrites it without reading it again.
    private static let manifests = Mutex<[String: [String: Record]]>([:])

    private func checksums() -> [String: Record] {
        Self.manifests.withLock { all in
            if let known = all[folder.path] { return known }
            let loaded = readManifest()
            all[folder.path] = loaded
            return loaded
        }
    }

    private func record(_ name: String, _ checksum: Record?) throws {
        try Self.manifests.withLock { all in
            var files = all[folder.path] ?? readManifest()
            files[name] = checksum
            all[folder.path] = files
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try AtomicFile.write(try encoder.encode(Manifest(files: files)), to: url(Self.manifestName))
        }
    }

    private struct Manifest: Codable { var files: [String: Record] }

    /// What is recorded of a file as written: its SHA-256 and its size.
    struct Record: Codable, Equatable {
        var sha256: String
        var bytes: Int
        init(_ data: Data) { sha256 = SHA256.hex([UInt8](data)); bytes = data.count }
    }

    /// The manifest on disk; one that does not parse is reported, deleted, and the
    /// entry's files are then trusted if they parse (as those of older versions are).
    private func readManifest() -> [String: Record] {
        let file = url(Self.manifestName)
        guard let data = FileManager.default.contents(atPath: file.path) else { return [:] }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data).files
        } catch {
            log.warning("\(file.path) cannot be read (\(Self.oneLine(error))); the entry's files are checked by parsing them instead")
            if !readOnly { try? FileManager.default.removeItem(at: file) }
            return [:]
        }
    }
}
