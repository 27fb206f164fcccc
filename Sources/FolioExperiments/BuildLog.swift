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

    /// What a build is doing, for a progress display or another program.
    public enum Progress: Sendable {
        case question(report: String, id: String)
        case answered(report: String, id: String, seconds: Double)
        case computing(String, reason: String)
        case batch(String, epoch: Int, epochs: Int, batch: Int, batches: Int, imagesPerSecond: Double, secondsLeft: Double)
        case epoch(String, summary: String)

        /// One line for a person.
        public var line: String {
            switch self {
            case .question(let report, let id): return "answering \(report) \(id)"
            case .answered(let report, let id, let seconds): return "answered \(report) \(id) in \(String(format: "%.1f", seconds)) s"
            case .computing(let what, let reason): return "\(what): \(reason)"
            case .batch(let what, let epoch, let epochs, let batch, let batches, _, let left):
                return "\(what): epoch \(epoch)/\(epochs), batch \(batch)/\(batches), about \(BuildLog.duration(left)) left"
            case .epoch(let what, let summary): return "\(what) \(summary)"
            }
        }
    }

    /// Told of every step; when set, the log leaves the in-place progress line to it.
    public var observer: (@Sendable (Progress) -> Void)? {
        get { lock.withLock { _observer } }
        set { lock.withLock { _observer = newValue } }
    }
    private var _observer: (@Sendable (Progress) -> Void)?

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
        observer?(.computing(what, reason: reason))
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
        if let observer {
            observer(.batch(what, epoch: epoch, epochs: epochs, batch: batch, batches: batches,
                            imagesPerSecond: imagesPerSecond, secondsLeft: secondsLeft))
            return
        }
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
    public func epoch(_ what: String, _ summary: String) {
        lock.withLock { emit("       \(what) \(summary)") }
        observer?(.epoch(what, summary: summary))
    }

    /// A question's chapter starts, or has finished.
    public func question(_ report: String, _ id: String, finishedAfter seconds: Double? = nil) {
        if let seconds { observer?(.answered(report: report, id: id, seconds: seconds)) }
        else { observer?(.question(report: report, id: id)) }
    }

    /// Draws `line` in place of the previous one on a terminal (a progress line); the
    /// next printed line replaces it.
    public func transient(_ line: String) {
        guard interactive, !quiet else { return }
        lock.withLock {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
            progressShown = true
        }
    }

    /// "45 s", "3 min 5 s"; "–" for an unknown time.
    public static func durationText(_ s: Double) -> String { duration(s) }

    static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "–" }
        let t = Int(s.rounded())
        return t >= 60 ? "\(t / 60) min \(t % 60) s" : "\(t) s"
    }
}
