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

    /// Fails before any work when a manifest names a chapter its report lacks or a
    /// fragment's tags are malformed.
    public static func preflight(_ manifest: ReportManifest, chapters: ChapterLookup) throws {
        try manifest.checkChapters(available: chapters.names(for: manifest))
        try manifest.checkFragments()
    }
}

/// Which chapter answers a question: Folio's own registry, or a test's.
public struct ChapterLookup: Sendable {
    let find: @Sendable (_ report: String, _ name: String) -> (any Chapter)?
    let list: @Sendable (_ report: String) -> Set<String>

    public init(find: @escaping @Sendable (String, String) -> (any Chapter)?,
                names: @escaping @Sendable (String) -> Set<String>) {
        self.find = find; self.list = names
    }

    public func chapter(named name: String, in manifest: ReportManifest) -> (any Chapter)? { find(manifest.id, name) }
    public func names(for manifest: ReportManifest) -> Set<String> { list(manifest.id) }

    /// The chapters Folio ships with.
    public static let folio = ChapterLookup(find: { _, name in ChapterRegistry.chapter(named: name) },
                                            names: { _ in ChapterRegistry.names })
}
