import FolioBuild
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `folio preview`: builds what is missing, serves the output folder over HTTP, and
/// re-renders the affected report when a template changes, telling every open page to
/// reload (Server-Sent Events on /_folio/events). HTML pages are served with a small
/// script added before </body>; every other file as it is on disk.
public struct PreviewServer {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8000
    let session: PreviewSession

    public init(session: PreviewSession, host: String, port: Int) {
        self.session = session; self.host = host; self.port = port
    }

    /// Builds, then serves until Ctrl-C (SIGINT) or SIGTERM. `announce` receives the
    /// address once the server listens.
    public func run(announce: @escaping @Sendable (String) -> Void) async throws {
        let events = LiveEvents()
        let throttle = ProgressThrottle()
        // One stream, drained by one task, keeps progress messages in order.
        let (progress, reporter) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(64))
        session.log.observer = { step in
            if case .batch = step, !throttle.due() { return }
            reporter.yield(step.line)
        }
        let forwarding = Task { for await line in progress { await events.progress(line) } }
        defer { forwarding.cancel() }
        let renderer = PreviewRenderer(session: session, events: events)
        let baseline = TemplateWatcher.snapshot(session.request.templates)
        _ = await renderer.initial()

        let root = session.request.output.standardizedFileURL
        var logger = Logger(label: "folio-preview")
        logger.logLevel = .warning
        let router = Router()
        router.add(middleware: LivePages(root: root))
        router.add(middleware: FileMiddleware(root.path, cacheControl: .init([(.init(type: .any), [.noCache])]), logger: logger))
        router.get("/_folio/events") { _, _ -> Response in
            Response(status: .ok,
                            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: ResponseBody { writer in
                                // Subscribed only once the body is written, so a response
                                // never sent leaves no subscriber behind.
                                let (id, messages) = await events.subscribe()
                                do {
                                    // On Ctrl-C the server waits for open responses: this one ends then.
                                    try await withGracefulShutdownHandler {
                                        for await message in messages { try await writer.write(ByteBuffer(string: message)) }
                                    } onGracefulShutdown: {
                                        Task { await events.finishAll() }
                                    }
                                    try await writer.finish(nil)
                                } catch {
                                    await events.unsubscribe(id)
                                    throw error
                                }
                                await events.unsubscribe(id)
                            })
        }
        router.get("/_folio/live.js") { _, _ -> Response in
            let script = Bundle.module.url(forResource: "live", withExtension: "js").flatMap { try? Data(contentsOf: $0) } ?? Data()
            return Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-store"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: script)))
        }
        // For tests and scripts: how many pages listen, how many renders happened.
        router.get("/_folio/status") { _, _ -> Response in
            let status: [String: Any] = ["pages": await events.openPages, "connections": await events.connections,
                                         "renders": await events.renders,
                                         "failures": await events.failures, "error": await events.hasError,
                                         "lastRenderSeconds": await events.lastRenderSeconds]
            let body = try JSONSerialization.data(withJSONObject: status, options: [.sortedKeys])
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }

        let watcher = TemplateWatcher(renderer: renderer, events: events, templates: session.request.templates, baseline: baseline)
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port)),
                              services: [watcher],
                              onServerRunning: { [host] channel in
                                  announce("http://\(host):\(channel.localAddress?.port ?? 0)/")
                              },
                              logger: logger)
        try await app.runService()
    }
}

/// At most one progress message every half second: training reports every batch.
final class ProgressThrottle: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date.distantPast

    func due() -> Bool {
        lock.withLock {
            guard Date().timeIntervalSince(last) >= 0.5 else { return false }
            last = Date()
            return true
        }
    }
}

/// Serves HTML pages with the preview's script added, and `/` as a list of the reports.
struct LivePages<Context: RequestContext>: RouterMiddleware {
    let root: URL
    static var script: String { "<script src=\"/_folio/live.js\"></script>" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        guard request.method == .get, path == "/" || path.hasSuffix(".html") else { return try await next(request, context) }
        let html: String
        if path == "/" {
            html = index()
        } else {
            let file = root.appendingPathComponent(String(path.dropFirst())).standardizedFileURL
            // Nothing outside the output folder, whatever the path says.
            guard file.path.hasPrefix(root.path + "/"), let page = try? String(contentsOf: file, encoding: .utf8) else {
                return try await next(request, context)
            }
            html = page
        }
        let live = html.range(of: "</body>", options: .backwards).map {
            html.replacingCharacters(in: $0, with: Self.script + "\n</body>")
        } ?? html + Self.script
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: live)))
    }

    /// The reports in the output folder, linked.
    private func index() -> String {
        let pages = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { $0.hasSuffix(".html") }.sorted()
        let links = pages.map { "<li><a href=\"/\($0)\">\($0.dropLast(5))</a></li>" }.joined(separator: "\n")
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Folio preview</title></head>\n<body>\n<h1>Folio preview</h1>\n<ul>\n\(links)\n</ul>\n</body></html>\n"
    }
}
