// Every output is written beside its final name and renamed into place, so an
// interrupted build leaves the previous file whole.

import Foundation

enum AtomicFile {
    static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
            throw TemplateError(file: temporary.path, "cannot write the file")
        }
        // rename(2) replaces the destination atomically on the same file system.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw TemplateError(file: url.path, "cannot move the finished file into place: \(reason)")
        }
    }
}
