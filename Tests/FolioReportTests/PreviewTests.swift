import FolioTestSupport
import Foundation
import XCTest

/// `folio preview` as a user runs it: on a free port, over a copy of the templates,
/// with the quick build's cache. A prose edit reaches the served page and the open
/// pages' event stream; a broken template is reported and then recovers; a real
/// browser reloads on the event; Ctrl-C stops the server.
extension BuildTests {
    /// A program left running while the test talks to it; what it prints goes to files.
    final class Background {
        let process = Process()
        let stdout: URL, stderr: URL

        init(_ executable: String, _ arguments: [String], folder: URL, name: String) throws {
            stdout = folder.appendingPathComponent("\(name).out")
            stderr = folder.appendingPathComponent("\(name).err")
            FileManager.default.createFile(atPath: stdout.path, contents: nil)
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
        }

        var output: String { (try? String(contentsOf: stdout, encoding: .utf8)) ?? "" }
        var errors: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

        /// Waits until `condition` holds, up to `seconds`; returns whether it did.
        @discardableResult
        func wait(seconds: Double, until condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition() { return true }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return condition()
        }

        func stop() {
            if process.isRunning { process.terminate() }
        }
    }

    func fetch(_ url: String) throws -> String {
        try Subprocess.run("curl", ["-sS", "--max-time", "10", url]).stdout
    }

    func testPreviewServesReloadsOnEditShowsTemplateErrorsAndStopsCleanly() throws {
        XCTAssertEqual(try built().status, 0)  // its cache makes the preview's first render quick
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folio-preview-\(UUID().uuidString)")
        let templates = folder.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: FolioBinary.projectRoot.appendingPathComponent("report-templates"), to: templates)

        let server = try Background(FolioBinary.url.path, [
            "preview", "--templates", templates.path, "--report", "problem-set", "--profile", "quick",
            "--output", folder.appendingPathComponent("out").path, "--cache", Self.output.appendingPathComponent(".cache").path,
            "--threads", "2", "--port", "0", "--format", "html",
        ], folder: folder, name: "preview")
        defer { server.stop() }
        XCTAssertTrue(server.wait(seconds: 120) { server.output.contains("Serving http://127.0.0.1:") }, server.errors)
        let address = try XCTUnwrap(server.output.split(separator: " ").first { $0.hasPrefix("http://") }).description
        XCTAssertFalse(server.errors.contains("run "), "the preview trained although the cache held everything")

        // Pages are served with the live script; the root lists the report.
        XCTAssertTrue(try fetch(address).contains("problem-set.html"))
        let page = try fetch(address + "problem-set.html")
        XCTAssertTrue(page.contains("/_folio/live.js") && page.contains("2.1"), String(page.prefix(300)))
        XCTAssertTrue(try fetch(address + "_folio/live.js").contains("EventSource"))

        // A page listening to the event stream, as the script does.
        let stream = try Background("/usr/bin/curl", ["-sN", address + "_folio/events"], folder: folder, name: "events")
        defer { stream.stop() }
        XCTAssertTrue(stream.wait(seconds: 10) { stream.output.contains(": connected") })

        // A prose edit: on the served page and announced within 2 s.
        let fragment = templates.appendingPathComponent("problem-set/2.1-prediction.md")
        let original = try String(contentsOf: fragment, encoding: .utf8)
        let marker = "Preview marker \(UUID().uuidString.prefix(8))."
        let edited = Date()
        try (original + "\n" + marker + "\n").write(to: fragment, atomically: true, encoding: .utf8)
        XCTAssertTrue(stream.wait(seconds: 2) { stream.output.contains("event: reload") }, "no reload event: \(server.errors)")
        XCTAssertTrue(try fetch(address + "problem-set.html").contains(marker))
        let seconds = Date().timeIntervalSince(edited)
        XCTAssertLessThan(seconds, 2, "edit to reload took \(seconds) s")
        print("preview: edit to reload event and served page in \(String(format: "%.2f", seconds)) s")

        // A broken template: reported with file and line, the server keeps running,
        // and the page recovers when the template is fixed.
        try (original + "\n{{no_such_value}}\n").write(to: fragment, atomically: true, encoding: .utf8)
        XCTAssertTrue(stream.wait(seconds: 5) { stream.output.contains("event: template-error") }, server.errors)
        let error = stream.output.components(separatedBy: "event: template-error\ndata: ").last ?? ""
        XCTAssertTrue(error.contains("2.1-prediction.md") && error.contains("no_such_value") && error.contains("\"line\":"), error)
        XCTAssertTrue(try fetch(address + "_folio/status").contains("\"error\":true"))
        XCTAssertTrue(try fetch(address + "problem-set.html").contains(marker), "the last good render stays served")
        let reloadsBefore = stream.output.components(separatedBy: "event: reload").count
        try original.write(to: fragment, atomically: true, encoding: .utf8)
        XCTAssertTrue(stream.wait(seconds: 5) { stream.output.components(separatedBy: "event: reload").count > reloadsBefore })
        XCTAssertTrue(try fetch(address + "_folio/status").contains("\"error\":false"))
        XCTAssertFalse(try fetch(address + "problem-set.html").contains(marker))

        // A real browser: headless Chromium (kept open by its debugging port) loads the
        // page, whose script opens the event stream; after the edit the page reloads,
        // and the reloaded page, built from HTML that holds the edit, opens a new stream.
        let browserMarker = "Browser marker \(UUID().uuidString.prefix(8))."
        let connectionsBefore = try status(address, "connections")
        let browser = try Background("/usr/bin/chromium", [
            "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
            "--user-data-dir=" + folder.appendingPathComponent("chromium").path, address + "problem-set.html",
        ], folder: folder, name: "chromium")
        defer { browser.stop() }
        XCTAssertTrue(browser.wait(seconds: 20) { ((try? status(address, "connections")) ?? 0) > connectionsBefore },
                      "Chromium never opened the event stream: \(browser.errors.suffix(300))")
        try (original + "\n" + browserMarker + "\n").write(to: fragment, atomically: true, encoding: .utf8)
        XCTAssertTrue(browser.wait(seconds: 10) { ((try? status(address, "connections")) ?? 0) > connectionsBefore + 1 },
                      "the page in Chromium did not reload after the edit")
        XCTAssertTrue(try fetch(address + "problem-set.html").contains(browserMarker))
        browser.stop()

        // Ctrl-C: the server stops at once and cleanly, open streams or not.
        kill(server.process.processIdentifier, SIGINT)
        XCTAssertTrue(server.wait(seconds: 10) { !server.process.isRunning }, "the server did not stop on SIGINT")
        XCTAssertEqual(server.process.terminationStatus, 0, server.errors)
    }

    private func status(_ address: String, _ key: String) throws -> Int {
        let status = try fetch(address + "_folio/status")
        guard let data = status.data(using: .utf8),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return 0 }
        return object[key] as? Int ?? 0
    }
}
