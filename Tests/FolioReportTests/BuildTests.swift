import FolioTestSupport
import XCTest

/// `folio build` as a user runs it, on the quick profile: both reports are written,
/// they hold every question and the computed values, and they survive inspection
/// by poppler and Chromium.
final class BuildTests: XCTestCase {
    /// One quick build of both reports shared by the tests of this class.
    static let output: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-build-\(UUID().uuidString)")
        return dir
    }()
    nonisolated(unsafe) static var buildResult: FolioBinary.Result?

    /// Removes the shared build's output once the class's tests are done.
    override class func tearDown() {
        try? FileManager.default.removeItem(at: output)
        super.tearDown()
    }

    func built() throws -> FolioBinary.Result {
        if let r = Self.buildResult { return r }
        let r = try FolioBinary.run(["build", "--profile", "quick", "--output", Self.output.path, "--threads", "2"])
        Self.buildResult = r
        return r
    }

    func tool(_ name: String, _ args: [String]) throws -> String {
        try Subprocess.run(name, args).stdout
    }

    /// The text the prose printed for a value of results.json: a string, or a typed
    /// number's `text`.
    static func printed(_ value: Any?) -> String? {
        (value as? String) ?? ((value as? [String: Any])?["text"] as? String)
    }

    func results(_ report: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.output.appendingPathComponent("\(report)/results.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testBothReportsAreWritten() throws {
        let r = try built()
        XCTAssertEqual(r.status, 0, r.stderr)
        for report in ["cnn-assignment", "problem-set"] {
            for ext in ["html", "pdf"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: Self.output.appendingPathComponent("\(report).\(ext)").path), "\(report).\(ext)")
            }
            XCTAssertTrue(r.stdout.contains("\(report).pdf"), r.stdout)
        }
        let figures = try FileManager.default.contentsOfDirectory(atPath: Self.output.appendingPathComponent("problem-set/figures").path)
        XCTAssertTrue(figures.contains("2.3-loss.svg") && figures.contains("2.3-loss.png") && figures.contains("2.3-loss.pdf"), "\(figures)")
    }

    /// Every figure of both reports keeps 8 pt text once the PDF has fitted it to the
    /// text column: the build names each one that does not (PrintSizeCheckTests shows
    /// the check firing on a figure drawn too wide).
    func testEveryFigurePrintsItsSmallestTextAtEightPointsOrMore() throws {
        let r = try built()
        XCTAssertEqual(r.status, 0, r.stderr)
        let small = r.stderr.split(separator: "\n").filter { $0.contains("prints text at") }
        XCTAssertTrue(small.isEmpty, small.joined(separator: "\n"))
    }

    func testPDFHasPagesOutlineQuestionsAndComputedValues() throws {
        XCTAssertEqual(try built().status, 0)
        let pdf = Self.output.appendingPathComponent("problem-set.pdf")
        let info = try tool("pdfinfo", [pdf.path])
        XCTAssertTrue(info.contains("A4"), info)
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "0") ?? 0
        XCTAssertGreaterThan(pages, 5)
        XCTAssertTrue(try tool("qpdf", ["--qdf", "--object-streams=disable", pdf.path, "-"]).contains("/Outlines"))
        let text = try tool("pdftotext", ["-layout", pdf.path, "-"])
        for id in ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"] {
            XCTAssertTrue(text.contains(id), "question \(id) missing from the PDF")
        }
        // A computed value from results.json appears in the PDF exactly as printed.
        let questions = try XCTUnwrap(try results("problem-set")["questions"] as? [String: [String: Any]])
        let accuracy = try XCTUnwrap(Self.printed(questions["2.3"]?["test_accuracy"]))
        // pdftotext may turn the no-break space before "%" into a plain one.
        func spaced(_ s: String) -> String { s.replacingOccurrences(of: "\u{00A0}", with: " ") }
        XCTAssertTrue(spaced(text).contains(spaced(accuracy)), "test accuracy \(accuracy) not in the PDF")
        let parameters = try XCTUnwrap(questions["2.3"]?["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["text"] as? String, "101,770")
        XCTAssertEqual(parameters["value"] as? Double, 101_770)
        // Both reports' accuracies carry the images they were measured on.
        let typed = try XCTUnwrap(questions["2.3"]?["test_accuracy"] as? [String: Any])
        XCTAssertEqual(typed["unit"] as? String, "%")
        XCTAssertEqual(typed["count"] as? Int, 1_000)
    }

    /// Placeholders a fragment prints unconditionally (outside every section).
    func unconditionalPlaceholders(_ fragment: String) -> Set<String> {
        var text = fragment
        // Remove innermost sections repeatedly until none remain.
        let section = try! NSRegularExpression(pattern: "\\{\\{[#^]([\\w.-]+)\\}\\}((?:(?!\\{\\{[#^]).)*?)\\{\\{/\\1\\}\\}", options: [.dotMatchesLineSeparators])
        while true {
            let range = NSRange(text.startIndex..., in: text)
            let next = section.stringByReplacingMatches(in: text, range: range, withTemplate: "")
            if next == text { break }
            text = next
        }
        let tag = try! NSRegularExpression(pattern: "\\{\\{([\\w.-]+)\\}\\}")
        return Set(tag.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) })
    }

    func testEveryPrintedValueOfResultsAppearsInTheHTML() throws {
        XCTAssertEqual(try built().status, 0)
        for report in ["cnn-assignment", "problem-set"] {
            let dir = FolioBinary.projectRoot.appendingPathComponent("report-templates/\(report)")
            let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("manifest.json"))) as? [String: Any])
            var fragments: [String: String] = [:]
            for part in manifest["parts"] as? [[String: Any]] ?? [] {
                for q in part["questions"] as? [[String: Any]] ?? [] { fragments[q["id"] as! String] = q["answer"] as? String }
            }
            let html = try String(contentsOf: Self.output.appendingPathComponent("\(report).html"), encoding: .utf8)
            let questions = try XCTUnwrap(try results(report)["questions"] as? [String: [String: Any]])
            var checked = 0
            for (id, values) in questions {
                let fragment = try String(contentsOf: dir.appendingPathComponent(try XCTUnwrap(fragments[id])), encoding: .utf8)
                for name in unconditionalPlaceholders(fragment) {
                    guard let s = Self.printed(values[name]) else { XCTFail("\(report) \(id): \(name) not in results.json"); continue }
                    let escaped = s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    XCTAssertTrue(html.contains(escaped) || html.contains(s), "\(report) \(id) \(name) = \(s) not in the HTML")
                    checked += 1
                }
            }
            XCTAssertGreaterThan(checked, 20)
        }
    }

    /// The cache is keyed by the thread count (the engine's sums are split per
    /// thread): a 1-thread build after the 2-thread one trains afresh and gives exactly
    /// the values of a 1-thread build from an empty cache, timings aside.
    func testOneThreadBuildAfterTwoThreadsEqualsAFreshOne() throws {
        XCTAssertEqual(try built().status, 0)
        let fm = FileManager.default
        let after = fm.temporaryDirectory.appendingPathComponent("folio-threads-after-\(UUID().uuidString)")
        let fresh = fm.temporaryDirectory.appendingPathComponent("folio-threads-fresh-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: after); try? fm.removeItem(at: fresh) }
        try fm.createDirectory(at: after, withIntermediateDirectories: true)
        try fm.copyItem(at: Self.output.appendingPathComponent(".cache"), to: after.appendingPathComponent(".cache"))
        var values: [Any] = []
        for dir in [after, fresh] {
            let r = try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set", "--threads", "1", "--output", dir.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            // The 2-thread runs in the copied cache must not serve it: the MLP trains again.
            XCTAssertTrue(r.stderr.contains("run    mlp"), "a 2-thread run served a 1-thread build: \(r.stderr)")
            let data = try Data(contentsOf: dir.appendingPathComponent("problem-set/results.json"))
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            values.append(Self.withoutTimings(json["questions"] as Any))
        }
        XCTAssertEqual(values[0] as? NSObject, values[1] as? NSObject)
        XCTAssertNotNil(values[0] as? NSObject)
    }

    /// results.json says what produced it (program, commit, libraries, CPU, options)
    /// and, per question, how long it took and what it computed afresh.
    func testResultsRecordTheEnvironmentAndEachAnswersComputation() throws {
        XCTAssertEqual(try built().status, 0)
        let json = try results("problem-set")
        let environment = try XCTUnwrap(json["environment"] as? [String: Any])
        let cpu = try XCTUnwrap(environment["cpu"] as? String)
        XCTAssertFalse(cpu.isEmpty || cpu == "unknown CPU")
        XCTAssertTrue((environment["openBLAS"] as? String)?.contains("OpenBLAS") == true, "\(environment)")
        XCTAssertEqual(environment["threads"] as? Int, 2)
        XCTAssertEqual(environment["profile"] as? String, "quick")
        let commit = try XCTUnwrap(environment["commit"] as? String)
        XCTAssertEqual(commit.count, 12, commit)
        let build = try XCTUnwrap(json["build"] as? [String: [String: Any]])
        let questions = try XCTUnwrap(json["questions"] as? [String: Any])
        XCTAssertEqual(Set(build.keys), Set(questions.keys))
        XCTAssertNotNil(build["1.1"]?["wallSeconds"] as? Double)
    }

    /// A results tree without the values that measure time, which no two runs share.
    static func withoutTimings(_ value: Any) -> Any {
        let timing = try! NSRegularExpression(pattern: "time|second|duration|speed|per_s")
        if let object = value as? [String: Any] {
            return object.filter { timing.firstMatch(in: $0.key, range: NSRange($0.key.startIndex..., in: $0.key)) == nil }
                .mapValues(withoutTimings)
        }
        if let list = value as? [Any] { return list.map(withoutTimings) }
        return value
    }

    /// Every figure and table is cited in the prose: the build warns about the rest.
    func testEveryFigureAndTableIsCited() throws {
        let r = try built()
        XCTAssertEqual(r.status, 0, r.stderr)
        let warnings = (r.stdout + r.stderr).split(separator: "\n").filter { $0.contains("is never cited") }
        XCTAssertEqual(warnings, [], warnings.joined(separator: "\n"))
    }

    /// The wording rules of `ProseRules` hold in both reports' prose and tables.
    func testProseFollowsTheWordingRules() throws {
        XCTAssertEqual(try built().status, 0)
        for report in ["cnn-assignment", "problem-set"] {
            let html = try String(contentsOf: Self.output.appendingPathComponent("\(report).html"), encoding: .utf8)
            let texts = ProseRules.visibleText(html: html)
            XCTAssertGreaterThan(texts.count, 100, report)
            let findings = ProseRules.check(texts)
            XCTAssertTrue(findings.isEmpty, "\(report):\n" + findings.map(\.description).joined(separator: "\n"))
        }
    }

    func testHTMLRendersInChromiumWithoutConsoleErrors() throws {
        XCTAssertEqual(try built().status, 0)
        guard FileManager.default.fileExists(atPath: "/usr/bin/chromium") else { throw XCTSkip("chromium is not installed") }
        let page = Self.output.appendingPathComponent("problem-set.html")
        let shot = Self.output.appendingPathComponent("shot.png")
        let log = try Subprocess.run("/usr/bin/timeout", ["60", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                                         "--enable-logging=stderr", "--window-size=1200,1600",
                                                         "--screenshot=\(shot.path)", page.absoluteString]).stderr
        let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
        XCTAssertGreaterThan(size, 20_000, log)
        XCTAssertFalse(log.contains("Uncaught"), log)
        XCTAssertFalse(log.contains("CONSOLE"), log)
    }

    func testWarmSectionRebuildReusesEverything() throws {
        XCTAssertEqual(try built().status, 0)
        let r = try FolioBinary.run(["build", "--profile", "quick", "--output", Self.output.path, "--section", "1.4", "--report", "problem-set"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("run    "), r.stderr)
        XCTAssertTrue(r.stderr.contains("reuse  mlp"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.output.appendingPathComponent("problem-set/sections/q-1-4.html").path))
        // The section's PDF holds its own question only, under its part's title.
        let text = try tool("pdftotext", [Self.output.appendingPathComponent("problem-set/sections/q-1-4.pdf").path, "-"])
        XCTAssertTrue(text.contains("ReLU in hidden layers"), text)
        XCTAssertTrue(text.contains("Problem 1"), text)
        XCTAssertFalse(text.contains("Invariance"), text)
    }

    /// A section built into a folder that has only the cache (no report yet) still
    /// writes the files its chapter saves, such as the four optimisers' networks.
    func testSectionIntoAFolderWithOnlyTheCache() throws {
        XCTAssertEqual(try built().status, 0)
        let fresh = FileManager.default.temporaryDirectory.appendingPathComponent("folio-section-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: fresh) }
        try FileManager.default.createDirectory(at: fresh, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.output.appendingPathComponent(".cache"), to: fresh.appendingPathComponent(".cache"))
        let r = try FolioBinary.run(["build", "--profile", "quick", "--output", fresh.path, "--section", "1.1", "--report", "cnn-assignment"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("run    "), r.stderr)
        let saved = try FileManager.default.contentsOfDirectory(atPath: fresh.appendingPathComponent("cnn-assignment/models").path)
        XCTAssertEqual(Set(saved), Set(["sgd", "momentum", "rmsprop", "adam"].map { "simple-cnn-\($0).safetensors" }))
    }
}

/// A template error is found before training and names the file and line.
final class TemplateErrorTests: XCTestCase {
    /// A throwaway project folder holding a copy of the problem set's templates, to break.
    private func projectWithProblemSetTemplates() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-tpl-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("report-templates"), withIntermediateDirectories: true)
        try fm.copyItem(at: FolioBinary.projectRoot.appendingPathComponent("report-templates/problem-set"),
                        to: root.appendingPathComponent("report-templates/problem-set"))
        try Data().write(to: root.appendingPathComponent("Package.swift"))
        return root
    }

    func testPlaceholderWithoutValueNamesFileAndLine() throws {
        let root = try projectWithProblemSetTemplates()
        defer { try? FileManager.default.removeItem(at: root) }
        let fragment = root.appendingPathComponent("report-templates/problem-set/3.1-design.md")
        var text = try String(contentsOf: fragment, encoding: .utf8)
        text += "\nAn extra line with {{no_such_value}}.\n"
        try text.write(to: fragment, atomically: true, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        // A whole build on a cold cache: the check comes before any data or training.
        let start = Date()
        let r = try FolioBinary.run(["build", "--profile", "quick", "--report", "problem-set",
                                     "--output", root.appendingPathComponent("out").path,
                                     "--data", FolioBinary.projectRoot.appendingPathComponent("data/mnist").path], in: root)
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
        XCTAssertFalse(r.stderr.contains("run    "), "trained before failing: \(r.stderr)")
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("3.1-design.md:\(lines)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("no_such_value"), r.stderr)
    }

    func testManifestNamingAnUnknownChapterFailsAtStartUp() throws {
        let root = try projectWithProblemSetTemplates()
        defer { try? FileManager.default.removeItem(at: root) }
        let manifest = root.appendingPathComponent("report-templates/problem-set/manifest.json")
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: "\"cnn-design\"", with: "\"no-such-chapter\"")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let start = Date()
        let r = try FolioBinary.run(["build", "--profile", "quick", "--output", root.appendingPathComponent("out").path,
                                     "--data", FolioBinary.projectRoot.appendingPathComponent("data/mnist").path], in: root)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no-such-chapter"), r.stderr)
        XCTAssertFalse(r.stderr.contains("run    "), "trained before failing: \(r.stderr)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }
}
