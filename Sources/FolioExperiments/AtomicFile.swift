import Foundation

/// Writes go to a temporary file in the destination folder and are renamed into
/// place, so an interrupted run never leaves a half-written file behind.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try data.write(to: temp)
            if rename(temp.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw ExperimentError("\(url.path): could not be written (\(error.localizedDescription))")
        }
    }

    public static func write(_ bytes: [UInt8], to url: URL) throws { try write(Data(bytes), to: url) }
    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }
}

public struct ExperimentError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
