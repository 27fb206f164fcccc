import Foundation
import FolioChapters
import FolioDocument
import FolioExperiments
import FolioListings
import FolioNN

/// The code shown under each answer, read from the checkout at build time: the
/// chapter's `content(_:)` and the declarations its `code` names. Every reference is
/// resolved before any training, so a renamed function fails the build at once.
struct CodeLibrary {
    let index: DeclarationIndex
    /// Where the checkout is, seen from the output folder, for links to the files.
    let checkoutFromOutput: String

    init(_ request: BuildRequest) throws {
        let root = request.checkoutFolder
        var index = DeclarationIndex()
        for folder in request.codeFolders {
            var isFolder: ObjCBool = false
            let path = root.appendingPathComponent(folder).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                throw BuildError("\(path): no such folder; the code shown under each answer is read from the checkout's sources")
            }
            do {
                index.merge(try DeclarationIndex(root: root, folder: folder))
            } catch {
                throw BuildError("\(root.appendingPathComponent(folder).path): cannot read the source files the reports list (\(error))")
            }
        }
        self.index = index
        checkoutFromOutput = Self.relativePath(from: request.output, to: root)
    }

    /// The declarations shown for `chapter`, its own work first.
    static func references(for chapter: any Chapter.Type) -> [String] {
        ["\(chapter).content"] + chapter.code
    }

    /// Fails, naming the chapter, when a declaration it lists is not in the sources.
    func check(_ manifest: ReportManifest, chapters: ReportChapters) throws {
        for name in manifest.chapterNames {
            guard let chapter = chapters.chapter(named: name) else { continue }
            for reference in Self.references(for: chapter) {
                do {
                    _ = try index.declaration(reference)
                } catch {
                    throw BuildError("chapter \(name) (\(chapter)) of \(manifest.id) shows the code of \(reference): \(error)")
                }
            }
        }
    }

    func sourceCode(for chapter: any Chapter.Type) throws -> [SourceCode] {
        try Self.references(for: chapter).map { reference in
            let listing = try index.listing(reference)
            let lines = listing.lines.map { runs in runs.map { CodeRun(Self.style($0.kind), $0.text) } }
            return SourceCode(title: reference, file: listing.file, firstLine: listing.firstLine, lines: lines)
        }
    }

    /// A source file's path as the report links it, from the output folder.
    func link(_ file: String) -> String { checkoutFromOutput.isEmpty ? file : checkoutFromOutput + "/" + file }

    private static func style(_ kind: SwiftToken.Kind) -> CodeStyle {
        switch kind {
        case .keyword: return .keyword
        case .typeName: return .type
        case .string: return .string
        case .number: return .number
        case .comment: return .comment
        case .attribute: return .attribute
        case .identifier, .punctuation, .whitespace, .newline: return .plain
        }
    }

    /// "../.." from `/a/b/out/x` to `/a/b`; an absolute path when they share only "/".
    static func relativePath(from: URL, to: URL) -> String {
        let a = from.standardizedFileURL.pathComponents, b = to.standardizedFileURL.pathComponents
        var common = 0
        while common < min(a.count, b.count), a[common] == b[common] { common += 1 }
        if common <= 1 { return to.standardizedFileURL.path }
        return (Array(repeating: "..", count: a.count - common) + b[common...]).joined(separator: "/")
    }
}

/// What training printed: per epoch, the losses, accuracies and time of one run, in
/// the columns the run has (a run without a validation set has no validation columns).
enum TrainingLog {
    static func output(_ entry: RunLedger.Entry) -> PrintedOutput {
        let records = entry.run.records(upTo: entry.epochs)
        func fixed(_ x: Double?, _ digits: Int) -> String { x.map { Format.fixed($0, digits) } ?? "–" }
        func percent(_ x: Double?) -> String { x.map { Format.fixed(100 * $0, 2) } ?? "–" }
        var columns: [(String, (EpochRecord) -> String)] = [("epoch", { String($0.epoch) }),
                                                            ("training loss", { fixed($0.trainLoss, 4) })]
        if records.contains(where: { $0.validationLoss != nil }) {
            columns.append(("validation loss", { fixed($0.validationLoss, 4) }))
            columns.append(("validation accuracy (%)", { percent($0.validationAccuracy) }))
        }
        if records.contains(where: { $0.testLoss != nil }) { columns.append(("test loss", { fixed($0.testLoss, 4) })) }
        if records.contains(where: { $0.testAccuracy != nil }) {
            columns.append(("test accuracy (%)", { percent($0.testAccuracy) }))
        }
        columns.append(("time (s)", { fixed($0.seconds, 2) }))
        let table = Table(header: columns.map { [.text($0.0)] },
                          rows: records.map { record in columns.map { [.text($0.1(record))] } },
                          alignments: Array(repeating: .right, count: columns.count))
        let config = entry.run.config
        let images = Format.count(config.trainCount)
        // Runs of one answer may differ only in how inputs were scaled (2.3's two MLPs).
        let inputs: String
        switch config.scaling {
        case .unit: inputs = "pixels / 255"
        case .standardised: inputs = "standardised pixels"
        case .half: inputs = "pixels scaled to [−1, 1]"
        }
        return PrintedOutput(title: "\(config.label), batch \(config.batchSize), \(inputs), \(images) training images, \(entry.epochs) epoch\(entry.epochs == 1 ? "" : "s")",
                             table: table)
    }
}
