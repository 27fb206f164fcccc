import Foundation

/// What the build tells the person running it: which experiments ran and why, which
/// were reused, progress while training. On a terminal progress redraws one line;
/// otherwise it prints one plain line per epoch.
public final class BuildLog: @unchecked Sendable {
    public enum Event: Sendable, Equatable {
        case ran(String, reason: String)
        case reused(String)
    }

    private let lock = NSLock()
    private let interactive: Bool
    private let quiet: Bool
    private var progressShown = false
    /// Every ran/reused decision, in order (the tests read these).
    public private(set) var events: [Event] = []

    /// Also told what is computed and how far it got (a preview shows it in the page).
    public var observer: (@Sendable (String) -> Void)?

    public init(quiet: Bool = false, interactive: Bool? = nil) {
        self.quiet = quiet
        self.interactive = interactive ?? (isatty(STDERR_FILENO) != 0)
    }

    private func emit(_ line: String) {
        guard !quiet else { return }
        if progressShown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)); progressShown = false }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public func running(_ what: String, reason: String) {
        lock.withLock { events.append(.ran(what, reason: reason)); emit("run    \(what): \(reason)") }
        observer?("\(what): \(reason)")
    }

    public func reused(_ what: String, key: String) {
        lock.withLock { events.append(.reused(what)); emit("reuse  \(what) (cached \(key))") }
    }

    /// A result this build already read or computed, served from memory: counted as
    /// reused, not printed again.
    public func remembered(_ what: String) {
        lock.withLock { events.append(.reused(what)) }
    }

    public func finished(_ what: String, seconds: Double) {
        lock.withLock { emit("done   \(what) in \(String(format: "%.1f", seconds)) s") }
    }

    public func note(_ line: String) { lock.withLock { emit(line) } }

    /// Every warning, in order (the tests read these).
    public private(set) var warnings: [String] = []

    /// Something the build worked around, such as a damaged cache file: one line
    /// saying what was wrong and what the build does instead.
    public func warning(_ line: String) {
        lock.withLock { warnings.append(line); emit("warning: \(line)") }
    }

    /// Progress inside an epoch; shown only on a terminal.
    public func progress(_ what: String, epoch: Int, epochs: Int, batch: Int, batches: Int,
                         imagesPerSecond: Double, secondsLeft: Double) {
        observer?("\(what): epoch \(epoch)/\(epochs), batch \(batch)/\(batches), about \(Self.duration(secondsLeft)) left")
        guard interactive, !quiet else { return }
        lock.withLock {
            let width = 24
            let filled = batches > 0 ? width * batch / batches : 0
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = "\r\u{1B}[2K\(what) epoch \(epoch)/\(epochs) \(bar) \(batch)/\(batches) · \(Int(imagesPerSecond)) img/s · ETA \(Self.duration(secondsLeft))"
            FileHandle.standardError.write(Data(line.utf8))
            progressShown = true
        }
    }

    /// One line per finished epoch (always printed).
    public func epoch(_ what: String, _ summary: String) { lock.withLock { emit("       \(what) \(summary)") } }

    static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "–" }
        let t = Int(s.rounded())
        return t >= 60 ? "\(t / 60) min \(t % 60) s" : "\(t) s"
    }
}
