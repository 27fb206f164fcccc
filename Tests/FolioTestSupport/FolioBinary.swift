import Foundation

/// The `folio` executable that `swift build` put next to the test bundle, run as a
/// user runs it.
public enum FolioBinary {
    public typealias Result = Subprocess.Result

    public static var url: URL {
        // argv[0] is the test bundle in the build folder (…/.build/debug/FolioPackageTests.xctest).
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("folio")
    }

    /// The checkout this file belongs to.
    public static let projectRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        try Subprocess.run(url.path, arguments, in: directory ?? projectRoot)
    }
}
