import FolioExperiments
import Foundation

/// The whole build's progress: on a terminal one line, redrawn in place, with the
/// questions done, what is computing and an estimated time left; or one JSON object
/// per step on standard output, for other programs. The questions that will compute
/// and their estimates come from `folio status` run before the build (`BuildStatus`),
/// so the estimate covers the whole build from the start.
public final class BuildProgress: @unchecked Sendable {
    public enum Mode: String, CaseIterable, Sendable { case line, json }

    private let mode: Mode
    private let log: BuildLog
    private let lock = NSLock()
    private let questions: Int
    /// Estimated seconds of each stale question still to answer, by "report id".
    private var estimates: [String: Double]
    private var done = 0
    private var current: (key: String, started: Date)?
    private var detail = ""
    private var currentLeft: Double?
    /// Batches arrive hundreds of times a second: shown at most twice a second.
    private var lastBatchShown = Date.distantPast

    public init(mode: Mode, status: BuildStatus, log: BuildLog) {
        self.mode = mode; self.log = log
        questions = status.questions.count
        var estimates: [String: Double] = [:]
        for q in status.questions { if let seconds = q.pending?.estimatedSeconds { estimates["\(q.report) \(q.question)"] = seconds } }
        self.estimates = estimates
    }

    /// Seconds left: the estimates of the questions still to come, plus what is left of
    /// the current one (the running epoch's own estimate when it is larger).
    private var secondsLeft: Double {
        var left = estimates.filter { $0.key != current?.key }.values.reduce(0, +)
        if let current {
            let planned = (estimates[current.key] ?? 0) - Date().timeIntervalSince(current.started)
            left += max(planned, currentLeft ?? 0, 0)
        }
        return left
    }

    public func handle(_ step: BuildLog.Progress) {
        lock.withLock {
            switch step {
            case .question(let report, let id):
                current = ("\(report) \(id)", Date())
                detail = ""; currentLeft = nil
            case .answered(let report, let id, _):
                done += 1
                estimates.removeValue(forKey: "\(report) \(id)")
                current = nil; detail = ""; currentLeft = nil
            case .computing(let what, _):
                detail = what
            case .batch(let what, let epoch, let epochs, _, _, _, let left):
                detail = "\(what), epoch \(epoch)/\(epochs)"
                currentLeft = left
                guard Date().timeIntervalSince(lastBatchShown) >= 0.5 else { return }
                lastBatchShown = Date()
            case .epoch:
                break
            }
            switch mode {
            case .line: log.transient(line)
            case .json: FileHandle.standardOutput.write(json(step))
            }
        }
    }

    private var line: String {
        var parts = ["[\(done)/\(questions) questions]"]
        if let current { parts.append(current.key) }
        if !detail.isEmpty { parts.append(detail) }
        let left = secondsLeft
        if left >= 1 { parts.append("about \(BuildLog.durationText(left)) left") }
        return parts.joined(separator: " · ")
    }

    private func json(_ step: BuildLog.Progress) -> Data {
        var object: [String: Any] = ["questionsDone": done, "questions": questions,
                                     "secondsLeft": (secondsLeft * 10).rounded() / 10]
        switch step {
        case .question(let report, let id):
            object.merge(["event": "question", "report": report, "question": id]) { $1 }
        case .answered(let report, let id, let seconds):
            object.merge(["event": "answered", "report": report, "question": id, "seconds": (seconds * 100).rounded() / 100]) { $1 }
        case .computing(let what, let reason):
            object.merge(["event": "computing", "what": what, "reason": reason]) { $1 }
        case .batch(let what, let epoch, let epochs, let batch, let batches, let rate, _):
            object.merge(["event": "batch", "what": what, "epoch": epoch, "epochs": epochs, "batch": batch,
                          "batches": batches, "imagesPerSecond": rate.rounded()]) { $1 }
        case .epoch(let what, let summary):
            object.merge(["event": "epoch", "what": what, "summary": summary]) { $1 }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return data + Data("\n".utf8)
    }
}
