import ArgumentParser
import Foundation
import FolioBuild

/// `folio diff`: what differs between two builds' output folders. The exit status is
/// for scripts: 0 when nothing differs beyond the tolerance, 1 when something does,
/// 2 when a folder is not a Folio build (so "differs" is never mistaken for "broken").
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two build output folders: every value of results.json, the figures, the environment.",
        discussion: """
            Typed numbers compare by value: they differ when |after − before| exceeds --tolerance, in \
            the number's own unit (percentage points for a percentage). Other values compare by the \
            text the report printed. The build's start time and each question's wall time are shown \
            but never count as differences. Exit status: 0 no differences, 1 differences, 2 a folder \
            that is not a Folio build.
            """
    )

    @Argument(help: "The earlier build's output folder.")
    var before: String

    @Argument(help: "The later build's output folder.")
    var after: String

    @Option(help: "Largest difference between two numbers still counted as equal, in the number's unit.")
    var tolerance: Double = 0

    @Option(help: "Also write a side-by-side page of the changes, the changed figures next to each other.")
    var html: String?

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw ValidationError("--tolerance \(tolerance): a tolerance is a number of at least 0")
        }
    }

    func run() throws {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let url = { (path: String) in URL(fileURLWithPath: path, relativeTo: here).standardizedFileURL }
        let comparison: BuildComparison
        do {
            comparison = try BuildComparison(url(before), url(after), tolerance: tolerance)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(comparison.text, terminator: "")
        if let html {
            do { try comparison.writePage(to: url(html)) } catch {
                FileHandle.standardError.write(Data("Error: --html \(html): \(error)\n".utf8))
                throw ExitCode(2)
            }
            print("Side by side: \(url(html).path)")
        }
        if !comparison.differences.isEmpty { throw ExitCode(1) }
    }
}
