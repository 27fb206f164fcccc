import Foundation

/// Server-Sent Events to every open page: "reload" after a good render, a
/// "template-error" or "build-error" when a render failed, "progress" while a
/// chapter computes, and "ok" to clear the page's message box.
actor LiveEvents {
    private var pages: [Int: AsyncStream<String>.Continuation] = [:]
    private var nextID = 0
    /// The last error of each report whose templates are broken, sent to a page as it
    /// connects (and after a reload) so the error stays in view until that report
    /// renders again.
    private var errors: [String: String] = [:]
    private var standingError: String? { errors.keys.sorted().first.flatMap { errors[$0] } }
    /// Progress is passed on only while a render runs, so a late message never covers
    /// the outcome.
    private var rendering = false
    private(set) var renders = 0
    private(set) var failures = 0
    private(set) var lastRenderSeconds = 0.0

    var openPages: Int { pages.count }
    /// Streams ever opened: a page that reloads opens a new one.
    var connections: Int { nextID }
    var hasError: Bool { !errors.isEmpty }

    func subscribe() -> (id: Int, messages: AsyncStream<String>) {
        nextID += 1
        let id = nextID
        // A page that stops reading loses old messages, not the server's memory.
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(32))
        pages[id] = continuation
        continuation.yield(": connected\n\n")
        if let standingError { continuation.yield(standingError) }
        return (id, stream)
    }

    func unsubscribe(_ id: Int) {
        pages.removeValue(forKey: id)?.finish()
    }

    func beginRender() { rendering = true }

    /// After a good render of `reports`: their errors are gone; pages drop their
    /// message box (unless another report is still broken) and reload.
    func rendered(_ reports: Set<String>, seconds: Double) {
        rendering = false
        renders += 1
        lastRenderSeconds = seconds
        for report in reports { errors.removeValue(forKey: report) }
        broadcast(standingError ?? Self.message("ok", [:]))
        broadcast(Self.message("reload", ["seconds": seconds]))
    }

    func failed(_ reports: Set<String>, _ event: String, _ payload: [String: Any]) {
        rendering = false
        failures += 1
        let message = Self.message(event, payload)
        for report in reports { errors[report] = message }
        broadcast(message)
    }

    func progress(_ line: String) {
        guard rendering else { return }
        broadcast(Self.message("progress", ["message": line]))
    }

    /// A comment line: keeps proxies from closing an idle stream and lets the server
    /// notice a page that has gone.
    func keepAlive() { broadcast(": keep-alive\n\n") }

    /// Ends every stream, so the server can stop without waiting for open pages.
    func finishAll() {
        for continuation in pages.values { continuation.finish() }
        pages.removeAll()
    }

    private func broadcast(_ message: String) {
        for continuation in pages.values { continuation.yield(message) }
    }

    /// One event in the text/event-stream format, its data a JSON object on one line.
    static func message(_ event: String, _ payload: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]))
            .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        return "event: \(event)\ndata: \(data)\n\n"
    }
}
