import FolioData
import FolioExperiments
import FolioDocument
import FolioHTML
import FolioSupport
import Foundation

/// `<report>/figures/figures.json`: every figure a build drew, with what the figure
/// board shows of it and a content hash, kept with the build so that the next build
/// can say which figures changed and `folio diff` can compare two builds' figures
/// without drawing anything. The board, `figures/index.html`, is drawn from it.
struct FigureCatalogue: Codable {
    struct Setting: Codable { var name: String; var value: String }

    struct Record: Codable {
        /// "2.3-loss": the figure's files are this name with .svg, .png, .pdf, .csv.
        var file: String
        var anchor: String
        var number: Int
        var caption: String
        var question: String
        var questionTitle: String
        var files: [String]
        /// SHA-256 of what the figure draws and plots (`FigureCatalogue.contentHash`).
        var sha256: String
        var change: FigureBoard.Change
        var settings: [Setting]
        var experiments: [String]
    }

    var report: String
    /// When the build that last wrote the catalogue started, and the one before it.
    var built: String
    var previousBuild: String?
    var figures: [Record]
    var removed: [String] = []

    static let fileName = "figures.json"

    /// SHA-256 of a figure's SVG followed by its CSV: the drawing and the numbers it
    /// plots. The PNG and PDF are renderings of the same drawing, and a PDF carries
    /// the moment it was made, which would mark every figure changed.
    static func contentHash(of base: String, in folder: URL) throws -> String {
        var bytes: [UInt8] = []
        for ext in ["svg", "csv"] {
            let url = folder.appendingPathComponent("\(base).\(ext)")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            bytes += Array(try Data(contentsOf: url))
            bytes += Array("\u{0}\(ext)\u{0}".utf8)  // so moving bytes from one file to the other still counts
        }
        return SHA256.hex(bytes)
    }

    /// The catalogue a previous build left, or nil when there is none; a damaged one
    /// is said in one warning line and ignored, so the build still writes a board.
    static func previous(in folder: URL, log: BuildLog) -> FigureCatalogue? {
        let url = folder.appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: url) else { return nil }
        do { return try JSONDecoder().decode(FigureCatalogue.self, from: data) } catch {
            log.note("warning: \(url.path): not a figure list Folio can read (\(error)); every figure is shown as new")
            return nil
        }
    }
}

extension ReportBuilder {
    /// Writes `figures/figures.json` and the board, comparing each figure with the
    /// previous build's catalogue before replacing it. A section build changes only the
    /// records of its questions and keeps the others, with their numbers in the whole
    /// report (a section alone numbers its figures from 1).
    func writeFigureBoard(_ document: Document, manifest: ReportManifest, figureFiles: [String: [String]],
                          experiments: [String: [String]], builtQuestions: Set<String>, whole: Bool) throws -> [URL] {
        let folder = outputDirectory.appendingPathComponent(manifest.id).appendingPathComponent("figures")
        let previous = FigureCatalogue.previous(in: folder, log: context.log)
        let before = Dictionary((previous?.figures ?? []).map { ($0.file, $0) }, uniquingKeysWith: { a, _ in a })
        let settings = [("report", manifest.id), ("profile", environment.profile), ("dataset", environment.dataset),
                        ("seed", String(environment.seed)), ("threads", String(environment.threads)),
                        ("commit", environment.commitDescription), ("built", environment.date)]
            .map { FigureCatalogue.Setting(name: $0.0, value: $0.1) }
        var records: [FigureCatalogue.Record] = []
        for part in document.parts {
            for question in part.questions {
                question.forEachBlock { block in
                    guard case let .figure(figure) = block, let paths = figureFiles[figure.id], !paths.isEmpty else { return }
                    let files = paths.map { ($0 as NSString).lastPathComponent }
                    let base = (files[0] as NSString).deletingPathExtension
                    records.append(FigureCatalogue.Record(
                        file: base, anchor: figure.id, number: whole ? figure.number : before[base]?.number ?? figure.number,
                        caption: Inline.plainText(figure.caption), question: question.id, questionTitle: question.title,
                        files: files, sha256: "", change: .firstBuild, settings: settings,
                        experiments: experiments[question.id] ?? []))
                }
            }
        }
        for i in records.indices {
            records[i].sha256 = try FigureCatalogue.contentHash(of: records[i].file, in: folder)
            guard previous != nil else { continue }
            records[i].change = before[records[i].file].map { $0.sha256 == records[i].sha256 ? .unchanged : .changed } ?? .new
        }
        var removed: [String] = []
        if whole {
            removed = before.keys.filter { name in !records.contains { $0.file == name } }.sorted()
        } else {
            // The questions this build did not touch keep what their last build recorded.
            let kept = (previous?.figures ?? []).filter { !builtQuestions.contains($0.question) }
            records = (kept + records).sorted { $0.number < $1.number }
        }
        let catalogue = FigureCatalogue(report: manifest.id, built: environment.date, previousBuild: previous?.built,
                                        figures: records, removed: removed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = folder.appendingPathComponent(FigureCatalogue.fileName)
        let page = folder.appendingPathComponent("index.html")
        try AtomicFile.write(try encoder.encode(catalogue), to: json)
        try AtomicFile.write(catalogue.board(title: manifest.title, course: manifest.course).html(), to: page)
        return [json, page]
    }
}

extension FigureCatalogue {
    func board(title: String, course: String) -> FigureBoard {
        var board = FigureBoard(reportID: report, title: title, course: course, built: built, previousBuild: previousBuild,
                                cards: figures.map { record in
            FigureBoard.Card(anchor: record.anchor, number: record.number, caption: record.caption, question: record.question,
                             questionTitle: record.questionTitle, files: record.files, change: record.change,
                             settings: record.settings.map { ($0.name, $0.value) }, experiments: record.experiments)
        })
        board.removed = removed
        return board
    }
}
