import ArgumentParser
import FolioBuild
import FolioPreview
import Foundation

/// `folio preview`: a build served on loopback that re-renders as templates change.
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Build, then serve the reports on 127.0.0.1 and re-render them as templates are edited, reloading open pages.",
        discussion: """
        Edits to report-templates/ (fragments and manifests) are re-rendered from results kept in memory and \
        every open page reloads at its scroll position; a template error is shown in the page until it is fixed. \
        Ctrl-C stops the server.
        """
    )

    @OptionGroup var selection: SelectionOptions

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8000

    @Option(help: "Address to listen on. Anything but 127.0.0.1 or localhost serves your reports and files to the network without authentication: unsafe.")
    var host = "127.0.0.1"

    @Option(help: "Templates folder to watch (default: the checkout's report-templates/).")
    var templates: String?

    @Option(help: "Output formats: html, pdf or both, comma-separated. The PDF is rewritten after the pages reload.")
    var format = "html,pdf"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        var request = try selection.request()
        request.formats = try ReportFormat.parseList(format)
        if let templates {
            // The code under each answer still comes from this checkout's sources.
            request.checkout = request.checkoutFolder
            request.templates = URL(fileURLWithPath: templates, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        }
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            FileHandle.standardError.write(Data("warning: --host \(host) serves the reports to other machines without any authentication\n".utf8))
        }
        let session = try PreviewSession(request, data: try selection.source.load())
        let server = PreviewServer(session: session, host: host, port: port)
        try await server.run { address in
            // Written straight to the file descriptor: a pipe reader sees it at once.
            FileHandle.standardOutput.write(Data("Serving \(address) (Ctrl-C stops)\n".utf8))
        }
    }
}
