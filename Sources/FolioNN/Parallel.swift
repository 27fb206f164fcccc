import COpenBLAS
import Dispatch

/// The engine's threads. Work is split into a fixed number of parts, one per
/// thread, each over a fixed contiguous range (images of a batch, rows of a
/// matrix), and partial sums are combined in part order: results depend only on
/// the thread count, never on timing. OpenBLAS itself runs single-threaded inside
/// each part, so the two levels never compete for the cores.
public enum Engine {
    nonisolated(unsafe) public private(set) static var threads = 1

    /// Sets the number of threads for all later work (process-wide).
    public static func setThreads(_ count: Int) {
        threads = max(1, count)
        openblas_set_num_threads(1)
    }

    /// Runs `body(part)` for part in 0..<parts, in parallel when parts > 1.
    static func run(parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        withoutActuallyEscaping(body) { work in
            let box = UncheckedBox(work)
            DispatchQueue.concurrentPerform(iterations: parts) { box.value($0) }
        }
    }

    /// The range of part `part` when `count` items are split into `parts` ranges.
    static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        let base = count / parts, extra = count % parts
        let lo = part * base + min(part, extra)
        return lo..<(lo + base + (part < extra ? 1 : 0))
    }

    /// How many parts to split `count` items into: at most one per thread and
    /// none smaller than `minimum` items.
    static func parts(for count: Int, minimum: Int) -> Int {
        max(1, min(threads, count / max(minimum, 1)))
    }
}

/// Lets a non-Sendable closure cross into the dispatch workers; safe here because
/// every part touches only its own range and `run` waits for all of them.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
