import Foundation

/// `folio diff`: two build output folders compared report by report — every value of
/// each `results.json` (a typed number by its value, within a tolerance; anything else
/// by the text printed), each figure by its content hash, and the environment. Built
/// only from what the builds wrote, so any two builds compare: two seeds, MNIST against
/// Fashion-MNIST, before and after a change to the code.
public struct BuildComparison {
    /// One thing that differs. `before` or `after` is nil when it exists in one build only.
    public struct Difference {
        public enum Kind: String { case value, figure, environment }
        public var kind: Kind
        public var report: String
        /// The question it belongs to; nil for the environment.
        public var question: String?
        /// The value's name in results.json ("ranking[0].accuracy"), or the figure's file name.
        public var name: String
        public var before: String?
        public var after: String?
        /// For two numbers: after − before, with its unit ("−0.30 points").
        public var change: String?
        /// For a figure: its files in each build, as paths from that build's folder.
        public var figureFiles: (before: [String], after: [String]) = ([], [])
    }

    public let before: BuildFolder
    public let after: BuildFolder
    /// Largest |after − before| of a typed number still counted as equal, in the number's unit.
    public let tolerance: Double
    public private(set) var differences: [Difference] = []
    /// Environment entries not compared because they differ on every build (the date),
    /// with both values, so the reader sees them anyway.
    public private(set) var ignored: [(report: String, name: String, before: String, after: String)] = []

    /// Environment keys that record when a build ran rather than what it computed.
    static let timingKeys: Set<String> = ["date"]

    public init(_ before: URL, _ after: URL, tolerance: Double = 0) throws {
        self.before = try BuildFolder(before)
        self.after = try BuildFolder(after)
        self.tolerance = tolerance
        for report in Set(self.before.reports.keys).union(self.after.reports.keys).sorted() {
            compare(report: report, self.before.reports[report], self.after.reports[report])
        }
    }

    private mutating func compare(report: String, _ a: BuildFolder.Report?, _ b: BuildFolder.Report?) {
        guard let a, let b else {
            differences.append(Difference(kind: .value, report: report, question: nil, name: "report",
                                          before: a.map { _ in "built" }, after: b.map { _ in "built" }))
            return
        }
        for question in Set(a.questions.keys).union(b.questions.keys).sorted(by: Self.questionOrder) {
            compareValue(a.questions[question], b.questions[question], report: report, question: question, name: "")
        }
        for name in Set(a.environment.keys).union(b.environment.keys).sorted() {
            if Self.timingKeys.contains(name) {
                ignored.append((report, name, Self.printed(a.environment[name]) ?? "–", Self.printed(b.environment[name]) ?? "–"))
                continue
            }
            let count = differences.count
            compareValue(a.environment[name], b.environment[name], report: report, question: nil, name: name)
            for i in count..<differences.count { differences[i].kind = .environment }
        }
        for file in Set(a.figures.keys).union(b.figures.keys).sorted() {
            let x = a.figures[file], y = b.figures[file]
            guard x?.sha256 != y?.sha256 else { continue }
            var d = Difference(kind: .figure, report: report, question: (x ?? y)?.question, name: file,
                               before: x.map { "figure \($0.number), \($0.sha256.prefix(12))" },
                               after: y.map { "figure \($0.number), \($0.sha256.prefix(12))" })
            d.change = x != nil && y != nil ? "drawing or data changed" : nil
            d.figureFiles = (x?.files ?? [], y?.files ?? [])
            differences.append(d)
        }
    }

    /// Walks two JSON values side by side; a typed number (an object with `text` and
    /// `value`) is compared as a number, anything else by its printed form.
    private mutating func compareValue(_ a: Any?, _ b: Any?, report: String, question: String?, name: String) {
        func child(_ key: String) -> String { name.isEmpty ? key : "\(name).\(key)" }
        let numberA = a.flatMap(Self.typedNumber), numberB = b.flatMap(Self.typedNumber)
        if let x = numberA, let y = numberB {
            var differs = x.unit != y.unit || x.count != y.count
            var change: String?
            if let u = x.value, let v = y.value {
                differs = differs || abs(v - u) > tolerance
                change = Self.signed(v - u) + (x.unit.map { $0 == "%" ? " points" : " \($0)" } ?? "")
            } else {
                differs = differs || x.text != y.text
            }
            if x.count != y.count {
                // The same accuracy on other images is another measurement: say so.
                let images = "measured on \(x.count.map(String.init) ?? "–") → \(y.count.map(String.init) ?? "–") images"
                change = change.map { "\($0); \(images)" } ?? images
            }
            if differs {
                differences.append(Difference(kind: .value, report: report, question: question, name: name,
                                              before: Self.printed(a), after: Self.printed(b), change: change))
            }
        } else if numberA == nil, numberB == nil, let x = a as? [String: Any], let y = b as? [String: Any] {
            for key in Set(x.keys).union(y.keys).sorted() {
                compareValue(x[key], y[key], report: report, question: question, name: child(key))
            }
        } else if let x = a as? [Any], let y = b as? [Any] {
            for i in 0..<max(x.count, y.count) {
                compareValue(i < x.count ? x[i] : nil, i < y.count ? y[i] : nil, report: report, question: question,
                             name: "\(name)[\(i)]")
            }
        } else if Self.printed(a) != Self.printed(b) {
            differences.append(Difference(kind: .value, report: report, question: question, name: name,
                                          before: Self.printed(a), after: Self.printed(b)))
        }
    }

    /// `{"text", "value", "unit", "count"}` as docs/results-json.md defines a number;
    /// `value` is nil when it was not finite (null).
    static func typedNumber(_ json: Any) -> (text: String, value: Double?, unit: String?, count: Int?)? {
        guard let object = json as? [String: Any], let text = object["text"] as? String, object.keys.contains("value"),
              Set(object.keys).isSubset(of: ["text", "value", "unit", "count"]) else { return nil }
        return (text, (object["value"] as? NSNumber)?.doubleValue, object["unit"] as? String, (object["count"] as? NSNumber)?.intValue)
    }

    /// A JSON value as the report printed it: a typed number's text, a string as it is,
    /// anything else as compact JSON. Nil for a value that is absent.
    static func printed(_ json: Any?) -> String? {
        guard let json, !(json is NSNull) else { return json == nil ? nil : "null" }
        if let number = typedNumber(json) { return number.text }
        if let text = json as? String { return text }
        if let flag = json as? Bool { return flag ? "true" : "false" }
        if let number = json as? NSNumber { return "\(number)" }
        guard let data = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]) else { return "\(json)" }
        return String(decoding: data, as: UTF8.self)
    }

    /// "+0.3", "−1.25": six significant digits, with the true minus sign the report prints.
    static func signed(_ x: Double) -> String {
        String(format: "%+.6g", x).replacingOccurrences(of: "-", with: "−")
    }

    /// "1.2" before "1.10", "A" after the numbered ones: the handout's order.
    static func questionOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }
}

/// A folder a `folio build` wrote: each report's `results.json` and figure list.
public struct BuildFolder {
    public struct Figure {
        public var question: String
        public var number: Int
        public var sha256: String
        /// Paths from the build folder, SVG, PNG, PDF, CSV.
        public var files: [String]
    }

    public struct Report {
        public var questions: [String: Any]
        public var environment: [String: Any]
        /// By file name without extension, "2.3-loss".
        public var figures: [String: Figure]
    }

    public let url: URL
    public let reports: [String: Report]

    /// Reads every `<report>/results.json` under `url`; a folder holding none, or a
    /// file that is not what a build writes, is one line naming the path.
    public init(_ url: URL) throws {
        self.url = url
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw BuildError("\(url.path): no such folder")
        }
        guard isFolder.boolValue else { throw BuildError("\(url.path): a file, not a Folio build folder") }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        var reports: [String: Report] = [:]
        for name in names.sorted() where !name.hasPrefix(".") {
            let results = url.appendingPathComponent(name).appendingPathComponent("results.json")
            guard FileManager.default.fileExists(atPath: results.path) else { continue }
            reports[name] = try Self.report(results, id: name)
        }
        guard !reports.isEmpty else {
            throw BuildError("\(url.path): not a Folio build folder (no <report>/results.json in it; a --section build writes none)")
        }
        self.reports = reports
    }

    private static func report(_ results: URL, id: String) throws -> Report {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(contentsOf: results)) as? [String: Any] else {
                throw BuildError("the top level is not an object")
            }
            object = parsed
        } catch {
            throw BuildError("\(results.path): not a results.json Folio can read (\(error))")
        }
        guard let questions = object["questions"] as? [String: Any] else {
            throw BuildError("\(results.path): no \"questions\" object, so not a results.json of Folio")
        }
        let figures = results.deletingLastPathComponent().appendingPathComponent("figures")
        return Report(questions: questions, environment: object["environment"] as? [String: Any] ?? [:],
                      figures: try Self.figures(in: figures, report: id))
    }

    /// The figures of a report from its `figures.json`; a build older than the figure
    /// board has none, and its figures are hashed here the way a build hashes them.
    private static func figures(in folder: URL, report: String) throws -> [String: Figure] {
        let list = folder.appendingPathComponent(FigureCatalogue.fileName)
        if let data = try? Data(contentsOf: list) {
            let catalogue: FigureCatalogue
            do { catalogue = try JSONDecoder().decode(FigureCatalogue.self, from: data) } catch {
                throw BuildError("\(list.path): not a figure list Folio can read (\(error))")
            }
            return Dictionary(catalogue.figures.map { record in
                (record.file, Figure(question: record.question, number: record.number, sha256: record.sha256,
                                     files: record.files.map { "\(report)/figures/\($0)" }))
            }, uniquingKeysWith: { a, _ in a })
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var figures: [String: Figure] = [:]
        for base in Set(names.filter { $0.hasSuffix(".svg") }.map { ($0 as NSString).deletingPathExtension }) {
            let files = names.filter { ($0 as NSString).deletingPathExtension == base }
                .sorted { ReportBuilder.fileOrder($0) < ReportBuilder.fileOrder($1) }
            // Figures are named "<question>-<name>"; question ids hold no "-".
            figures[base] = Figure(question: String(base.prefix { $0 != "-" }), number: 0,
                                   sha256: try FigureCatalogue.contentHash(of: base, in: folder),
                                   files: files.map { "\(report)/figures/\($0)" })
        }
        return figures
    }
}
