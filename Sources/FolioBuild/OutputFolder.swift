import Foundation

enum OutputFolder {
    /// Creates the output folder, or says in one line why it cannot be: a file where
    /// the folder (or one of its parents) should be, or no permission.
    static func prepare(_ url: URL, option: String) throws {
        let fm = FileManager.default
        var ancestor = url
        while ancestor.path != "/" {
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
                if !isFolder.boolValue {
                    throw BuildError(ancestor == url ? "--output \(option): \(url.path) is a file, not a folder"
                                                    : "--output \(option): \(ancestor.path) is a file, so no folder can be made inside it")
                }
                break
            }
            ancestor = ancestor.deletingLastPathComponent()
        }
        do {
            try fm.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\(($0 as? NSError)?.localizedDescription ?? "\($0)")" }
            throw BuildError("--output \(option): cannot create the folder \(url.path)\(reason.map { " (\($0))" } ?? "")")
        }
    }
}
