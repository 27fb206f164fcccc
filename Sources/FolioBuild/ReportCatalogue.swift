import FolioChapters
import FolioDocument
import FolioTemplates
import Foundation

/// The reports under a templates folder and the chapters that answer them: what a
/// build can be asked for, checked before any data is read or any model trained.
public struct ReportCatalogue {
    public let manifests: [ReportManifest]

    /// The manifests of `templates/<report>/manifest.json`, in folder-name order.
    public init(templates: URL) throws {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: templates.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw BuildError("\(templates.path): no templates folder (a folder with one sub-folder per report)")
        }
        let names = try fm.contentsOfDirectory(atPath: templates.path).sorted()
        manifests = try names.compactMap { name in
            let folder = templates.appendingPathComponent(name)
            guard fm.fileExists(atPath: folder.appendingPathComponent("manifest.json").path) else { return nil }
            return try ReportManifest.load(from: folder)
        }
    }

    /// The manifests a request selects: the named reports (all when none are named),
    /// narrowed to those holding a requested section. Unknown names are one-line errors.
    public func select(reports: [String], sections: [String]) throws -> [ReportManifest] {
        var chosen = manifests
        let allIDs = manifests.map(\.id).joined(separator: ", ")
        if let unknown = reports.first(where: { id in !manifests.contains { $0.id == id } }) {
            throw BuildError("--report \(unknown): no such report; reports: \(allIDs)")
        }
        if !reports.isEmpty { chosen = chosen.filter { reports.contains($0.id) } }
        if !sections.isEmpty {
            let ids = Set(chosen.flatMap { $0.questions.map(\.id) })
            if let unknown = sections.first(where: { !ids.contains($0) }) {
                throw BuildError("--section \(unknown): no such question in \(chosen.map(\.id).joined(separator: ", "))")
            }
            chosen = chosen.filter { m in m.questions.contains { sections.contains($0.id) } }
        }
        return chosen
    }

    /// Fails before any data is read or any model trained when a manifest names a
    /// chapter its report lacks, or a template does not fit its chapter's declared
    /// content (placeholders, figures, tables, references), or holds a formula the
    /// PDF cannot typeset: one error naming the file and line.
    public static func preflight(_ manifest: ReportManifest, chapters: ChapterLookup) throws {
        let available = chapters.chapters(for: manifest)
        try manifest.checkChapters(available: available.names)
        var declarations: [String: ContentDeclaration] = [:]
        for question in manifest.questions {
            if let name = question.chapter, let chapter = available.chapter(named: name) {
                declarations[question.id] = chapter.declaration
            }
        }
        try manifest.checkTemplates(declarations: declarations)
    }
}

/// Which chapters answer a report's questions: Folio's own registry, or a test's.
public struct ChapterLookup: Sendable {
    let find: @Sendable (_ report: String) -> ReportChapters

    public init(_ find: @escaping @Sendable (_ report: String) -> ReportChapters) { self.find = find }

    public func chapters(for manifest: ReportManifest) -> ReportChapters { find(manifest.id) }

    /// The chapters Folio ships with.
    public static let folio = ChapterLookup { ChapterRegistry.chapters(of: $0) }

    /// Folio's chapters and, for other reports, the ones given (a report added from
    /// outside, such as a test's fixture).
    public static func folio(adding extra: [ReportChapters]) -> ChapterLookup {
        ChapterLookup { report in extra.first { $0.report == report } ?? ChapterRegistry.chapters(of: report) }
    }
}
