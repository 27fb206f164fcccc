import FolioBuild
import FolioDocument
import Foundation
import ServiceLifecycle

/// Watches the templates folder (fragments and manifests) and re-renders what an edit
/// touches. It polls modification times every 200 ms: portable, and fast enough that
/// a saved edit is on the page well within a second of the save.
struct TemplateWatcher: Service {
    let renderer: PreviewRenderer
    let events: LiveEvents
    let templates: URL
    /// The files as they were before the first build: an edit made while it ran
    /// is rendered once the watcher starts.
    let baseline: [String: [Double]]
    var interval: Duration = .milliseconds(200)

    func run() async throws {
        // On Ctrl-C the loop is cancelled, then every page's stream is ended so the
        // server's graceful shutdown does not wait for pages that never close.
        await cancelWhenGracefulShutdown { await self.watch() }
        await events.finishAll()
    }

    private func watch() async {
        var known = baseline
        var ticks = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            ticks += 1
            if ticks % 75 == 0 { await events.keepAlive() }
            var now = Self.snapshot(templates)
            guard now != known else { continue }
            // An editor may write a file in steps: wait until it holds still.
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(60))
                let again = Self.snapshot(templates)
                if again == now { break }
                now = again
            }
            let changed = Set(now.keys).union(known.keys).filter { now[$0] != known[$0] }.sorted()
            known = now
            await renderer.refresh(changed: changed.map { URL(fileURLWithPath: $0) })
        }
    }

    /// Every file under `templates` with its modification time and size.
    static func snapshot(_ templates: URL) -> [String: [Double]] {
        var files: [String: [Double]] = [:]
        let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey]
        guard let walker = FileManager.default.enumerator(at: templates, includingPropertiesForKeys: keys) else { return files }
        for case let url as URL in walker {
            guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
            files[url.path] = [values.contentModificationDate?.timeIntervalSince1970 ?? 0, Double(values.fileSize ?? 0)]
        }
        return files
    }
}

/// Runs renders one at a time on their own thread (they are CPU work, and the first
/// may train), and turns their outcome into events for the open pages.
final class PreviewRenderer: @unchecked Sendable {
    private let session: PreviewSession
    private let events: LiveEvents
    private let queue = DispatchQueue(label: "folio.preview.render")

    init(session: PreviewSession, events: LiveEvents) {
        self.session = session; self.events = events
    }

    /// The first render: every selected report in every requested format.
    func initial() async -> Bool {
        await render(reports: nil, formats: nil, what: "build")
    }

    /// Edits seen so far; a PDF render queued for an older one is skipped.
    private var generation = 0
    private let generationLock = NSLock()

    /// Renders the reports `changed` files belong to (those this preview shows): HTML
    /// first, then the pages reload, then the PDF. The PDF is not waited for, and is
    /// skipped when a newer edit came meanwhile; an edit made while a PDF is being
    /// written waits for it (renders run one at a time).
    func refresh(changed: [URL]) async {
        let touched = changed.compactMap { session.affected(by: $0) }
        let reports = Set(touched.map(\.report)).intersection(session.selectedReports)
        guard !reports.isEmpty else { return }
        let current = generationLock.withLock { generation += 1; return generation }
        let questions = touched.flatMap(\.questions)
        let what = reports.sorted().joined(separator: ", ") + (questions.isEmpty ? "" : " (" + questions.joined(separator: ", ") + ")")
        var html = session.request.formats.intersection([.html])
        if html.isEmpty { html = session.request.formats }
        guard await render(reports: reports, formats: html, what: what) else { return }
        if session.request.formats.contains(.pdf) && html != session.request.formats {
            Task {
                guard generationLock.withLock({ generation == current }) else { return }
                await render(reports: reports, formats: [.pdf], what: what + " PDF", announce: false)
            }
        }
    }

    @discardableResult
    private func render(reports: Set<String>?, formats: Set<ReportFormat>?, what: String, announce: Bool = true) async -> Bool {
        let session = self.session
        let rendered = reports ?? session.selectedReports
        if announce { await events.beginRender() }
        let outcome: Result<PreviewSession.Render, Error> = await withCheckedContinuation { done in
            queue.async { done.resume(returning: Result { try session.render(reports: reports, formats: formats) }) }
        }
        switch outcome {
        case .success(let render):
            let ms = Int((render.seconds * 1000).rounded())
            session.log.note("preview: rendered \(what) in \(ms) ms" + (render.answered.isEmpty ? "" : "; answered \(render.answered.joined(separator: ", "))"))
            if announce { await events.rendered(rendered, seconds: render.seconds) }
            return true
        case .failure(let error as TemplateError):
            session.log.note("preview: template error: \(error)")
            await events.failed(rendered, "template-error", ["file": error.file, "line": error.line.map { $0 as Any } ?? NSNull(),
                                                   "message": error.message])
            return false
        case .failure(let error):
            session.log.note("preview: build error: \(error)")
            await events.failed(rendered, "build-error", ["message": "\(error)"])
            return false
        }
    }
}
