// What a notebook showed around an answer, kept beside the answer rather than in
// it: the code that computed it and what its training printed. The HTML shows each
// group in a collapsible block under the answer; the PDF gathers them in an appendix
// that each answer links to and that links back.

/// The token classes the writers colour, one colour each in the palette.
public enum CodeStyle: String, Sendable, CaseIterable {
    case plain, keyword, type, string, number, comment, attribute
}

public struct CodeRun: Sendable, Equatable {
    public var style: CodeStyle
    public var text: String

    public init(_ style: CodeStyle, _ text: String) { self.style = style; self.text = text }
}

/// One declaration's source as it stands in the checkout, split into coloured runs
/// per line, with where it is.
public struct SourceCode: Sendable, Equatable {
    /// What the listing shows, e.g. "ExperimentRunner.train(_:epochs:)".
    public var title: String
    /// Path from the checkout's root, e.g. "Sources/FolioExperiments/Trainer+Cache.swift".
    public var file: String
    public var firstLine: Int
    public var lines: [[CodeRun]]
    /// Where a link to the file points, as a path from the output folder; nil when
    /// the writer should not link it.
    public var link: String?

    public init(title: String, file: String, firstLine: Int, lines: [[CodeRun]], link: String? = nil) {
        self.title = title; self.file = file; self.firstLine = firstLine; self.lines = lines; self.link = link
    }

    public var lastLine: Int { firstLine + lines.count - 1 }
    /// "Sources/FolioNN/Trainer.swift, lines 12–40".
    public var location: String { "\(file), lines \(firstLine)–\(lastLine)" }
    /// The lines exactly as in the file.
    public var text: String { lines.map { $0.map(\.text).joined() }.joined(separator: "\n") }
}

/// A training run's per-epoch log, or another printed output, under its title.
public struct PrintedOutput {
    public var title: String
    public var table: Table?
    /// Monospaced text (an architecture as `print(model)` shows it).
    public var text: String?

    public init(title: String, table: Table) { self.title = title; self.table = table }
    public init(title: String, text: String) { self.title = title; self.text = text }
}

/// Everything shown beside one answer.
public struct Supplements {
    public var code: [SourceCode] = []
    /// Per-epoch logs of the training runs the answer used, in the order it used them.
    public var logs: [PrintedOutput] = []

    public init(code: [SourceCode] = [], logs: [PrintedOutput] = []) { self.code = code; self.logs = logs }

    public var isEmpty: Bool { code.isEmpty && logs.isEmpty }
}

extension Document {
    /// Whether any answer shows code or logs.
    public var hasSupplements: Bool { parts.contains { $0.questions.contains { !$0.supplements.isEmpty } } }
}

extension Question {
    /// The anchor of this question's code and logs: the collapsible block in the
    /// HTML, the appendix entry in the PDF.
    public var supplementsAnchor: String { "code-" + anchor }
}

/// The block at the end of a report saying what produced it: program, libraries,
/// machine, options, and how each answer was computed.
public struct Colophon {
    public var rows: [(name: String, value: String)]
    /// Per question: its id, wall time as printed, and where its results came from.
    public var questions: [(id: String, seconds: String, source: String)]
    /// The report's own data files, as paths from the output folder
    /// ("cnn-assignment/results.json").
    public var files: [(label: String, path: String)]

    public init(rows: [(name: String, value: String)], questions: [(id: String, seconds: String, source: String)] = [],
                files: [(label: String, path: String)] = []) {
        self.rows = rows; self.questions = questions; self.files = files
    }

    /// The anchor of the block in the HTML and PDF.
    public static let anchor = "environment"
}
