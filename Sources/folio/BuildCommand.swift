import ArgumentParser
import Foundation
import FolioChapters
import FolioData
import FolioDocument
import FolioExperiments
import FolioNN
import FolioBuild

extension Profile: ExpressibleByArgument {}

/// Options every command that trains or builds shares.
struct RunOptions: ParsableArguments {
    // Read unconditionally so that "--seed -3" reaches the check below instead of
    // being taken for an unknown option.
    @Option(name: .customLong("seed"), parsing: .unconditional, help: "Seed of every random choice (split, initialisation, shuffling, dropout, noise): a whole number from 0 to 18446744073709551615.")
    var seedText = "1"

    var seed: UInt64 { UInt64(seedText) ?? 1 }

    @Option(help: "Threads for training and inference.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
        guard UInt64(seedText) != nil else {
            throw ValidationError("--seed \(seedText): a seed is a whole number from 0 to 18446744073709551615")
        }
    }
}

/// `folio build`: regenerates reports (or single sections) from scratch, reusing
/// cached experiments.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Regenerate the reports: train (or reuse cached results), draw, write HTML and PDF."
    )

    @Option(name: .customLong("report"), parsing: .upToNextOption, help: "Report ids to build (default: all). See `folio list`.")
    var reports: [String] = []

    @Option(name: .customLong("section"), parsing: .upToNextOption, help: "Question ids to rebuild alone, e.g. 1.1.")
    var sections: [String] = []

    @Option(help: "Output formats: html, pdf or both, comma-separated.")
    var format = "html,pdf"

    @Option(help: "Output folder.")
    var output = "output"

    @Option(help: "full: the assignments' protocols; quick: small subsets and few epochs.")
    var profile: Profile = .full

    @OptionGroup var source: DatasetOptions
    @OptionGroup var runOptions: RunOptions

    @Flag(help: "Ignore cached results and compute everything again.")
    var force = false

    func run() throws {
        guard let rootPath = DataSource.projectRoot() else {
            throw ValidationError("cannot find report-templates/: run folio from the Folio checkout")
        }
        let root = URL(fileURLWithPath: rootPath)
        let outputURL = URL(fileURLWithPath: output, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        var request = BuildRequest(templates: root.appendingPathComponent("report-templates"), output: outputURL, outputOption: output)
        request.reports = reports
        request.sections = sections
        request.formats = try ReportFormat.parseList(format)
        request.profile = profile
        request.seed = runOptions.seed
        request.threads = runOptions.threads
        request.force = force
        let build = try ReportBuild(request)
        let outcome = try build.run(data: try source.load())
        for url in outcome.documents { print(url.path) }
    }
}
