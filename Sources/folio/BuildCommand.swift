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

/// What `folio build` and `folio status` select and where they look: reports,
/// sections, profile, data, seed, threads, output and cache folders.
struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("report"), parsing: .upToNextOption, help: "Report ids to build (default: all). See `folio list`.")
    var reports: [String] = []

    @Option(name: .customLong("section"), parsing: .upToNextOption, help: "Question ids to rebuild alone, e.g. 1.1.")
    var sections: [String] = []

    @Option(help: "Output folder.")
    var output = "output"

    @Option(help: "Cache folder (default: <output>/.cache).")
    var cache: String?

    @Option(help: "full: the assignments' protocols; quick: small subsets and few epochs.")
    var profile: Profile = .full

    @OptionGroup var source: DatasetOptions
    @OptionGroup var runOptions: RunOptions

    /// The request these options describe, for the checkout `folio` runs from.
    func request() throws -> BuildRequest {
        guard let rootPath = DataSource.projectRoot() else {
            throw ValidationError("cannot find report-templates/: run folio from the Folio checkout")
        }
        let root = URL(fileURLWithPath: rootPath)
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let outputURL = URL(fileURLWithPath: output, relativeTo: here).standardizedFileURL
        var request = BuildRequest(templates: root.appendingPathComponent("report-templates"), output: outputURL, outputOption: output)
        request.cache = cache.map { URL(fileURLWithPath: $0, relativeTo: here).standardizedFileURL }
        request.reports = reports
        request.sections = sections
        request.profile = profile
        request.seed = runOptions.seed
        request.threads = runOptions.threads
        return request
    }
}

/// `folio build`: regenerates reports (or single sections) from scratch, reusing
/// cached experiments.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Regenerate the reports: train (or reuse cached results), draw, write HTML and PDF."
    )

    @OptionGroup var selection: SelectionOptions

    @Option(help: "Output formats: html, pdf or both, comma-separated.")
    var format = "html,pdf"

    @Flag(help: "Ignore cached results and compute everything again.")
    var force = false

    @Flag(name: .customLong("dry-run"), help: "Compute nothing: say which questions are up to date, as `folio status` does.")
    var dryRun = false

    @Option(help: "auto: one line with the whole build's progress and time left, on a terminal; line; json: one JSON object per step on standard output; none.")
    var progress = "auto"

    func validate() throws {
        guard ["auto", "none"].contains(progress) || BuildProgress.Mode(rawValue: progress) != nil else {
            throw ValidationError("--progress \(progress): the choices are auto, line, json and none")
        }
    }

    func run() throws {
        var request = try selection.request()
        request.formats = try ReportFormat.parseList(format)
        request.force = force
        if dryRun { return try StatusCommand.report(request, source: selection.source) }
        let mode = progress == "auto" ? (isatty(STDERR_FILENO) != 0 ? .line : nil) : BuildProgress.Mode(rawValue: progress)
        let log = BuildLog(interactive: mode == .line ? true : nil)
        let build = try ReportBuild(request, log: log)
        let data = try selection.source.load()
        if let mode {
            // What will compute, and its estimate, is known before anything trains.
            let plan = try ReportBuild(request, log: BuildLog(quiet: true)).status(data: data)
            let display = BuildProgress(mode: mode, status: plan, log: log)
            log.observer = { display.handle($0) }
        }
        let outcome = try build.run(data: data)
        for url in outcome.documents {
            if mode == .json {
                let line = try JSONSerialization.data(withJSONObject: ["event": "written", "path": url.path], options: [.sortedKeys])
                FileHandle.standardOutput.write(line + Data("\n".utf8))
            } else {
                print(url.path)
            }
        }
    }
}

/// `folio status`: each selected question up to date or stale, and why, computing nothing.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Say which questions a build would answer from the cache and which wait for a computation, with estimated times."
    )

    @OptionGroup var selection: SelectionOptions

    func run() throws {
        try Self.report(try selection.request(), source: selection.source)
    }

    /// Prints one line per question and the total; warnings about the cache go to
    /// standard error.
    static func report(_ request: BuildRequest, source: DatasetOptions) throws {
        let log = BuildLog(quiet: true)
        let status = try ReportBuild(request, log: log).status(data: try source.load())
        for warning in log.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        for line in status.lines { print(line) }
    }
}
