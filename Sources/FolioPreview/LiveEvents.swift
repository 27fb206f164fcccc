import Foundation

/// Server-Sent Events to every open page: "reload" after a good render, a
/// "template-error" or "build-error" when a render failed, "progress" while a
/// chapter computes, and "ok" to clear the page's message box.
actor LiveEvents {
    private var pages: [Int: AsyncStream<String>.Continuation] = [:]
    private var nextID = 0
    /// The last error (or nil after a good render), sent to a page as it connects so a
    /// page opened while a template is broken shows the error at once.
    private var standingError: String?
    private(set) var renders = 0
    private(set) var failures = 0
    private(set) var lastRenderSeconds = 0.0

    var openPages: Int { pages.count }
    /// Streams ever opened: a page that reloads opens a new one.
    var connections: Int { nextID }
    var hasError: Bool { standingError != nil }

    func subscribe() -> (id: Int, messages: AsyncStream<String>) {
        nextID += 1
        let id = nextID
        let (stream, continuation) = AsyncStream<String>.makeStream()
        pages[id] = continuation
        continuation.yield(": connected\n\n")
        if let standingError { continuation.yield(standingError) }
        return (id, stream)
    }

    func unsubscribe(_ id: Int) {
        pages.removeValue(forKey: id)?.finish()
    }

    /// After a good render: pages drop their message box and reload.
    func rendered(seconds: Double) {
        renders += 1
        lastRenderSeconds = seconds
        standingError = nil
        broadcast(Self.message("ok", [:]))
        broadcast(Self.message("reload", ["seconds": seconds]))
    }

    func failed(_ event: String, _ payload: [String: Any]) {
        failures += 1
        let message = Self.message(event, payload)
        standingError = message
        broadcast(message)
    }

    func progress(_ line: String) {
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
