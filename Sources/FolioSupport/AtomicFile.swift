import Foundation

/// Writes go to a temporary file in the destination folder and are renamed into
/// place, so an interrupted run never leaves a half-written file behind.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: data) else {
            throw FileWriteError(path: url.path, problem: "cannot write the file (is the folder writable?)")
        }
        // rename(2) replaces the destination atomically on the same file system.
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw FileWriteError(path: url.path, problem: "cannot move the finished file into place: \(reason)")
        }
    }

    public static func write(_ bytes: [UInt8], to url: URL) throws { try write(Data(bytes), to: url) }
    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }
}

/// A file that could not be written, with its path first.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}

public struct ExperimentError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
