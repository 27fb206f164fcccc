import COpenBLAS
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The engine's threads. Work is split into a fixed number of parts, one per
/// thread, each over a fixed contiguous range (images of a batch, rows of a
/// matrix), and partial sums are combined in part order: results depend only on
/// the thread count, never on timing. OpenBLAS itself runs single-threaded inside
/// each part, so the two levels never compete for the cores.
public enum Engine {
    nonisolated(unsafe) public private(set) static var threads = 1
    nonisolated(unsafe) private static var pool: WorkerPool?

    /// Sets the number of threads for all later work (process-wide).
    public static func setThreads(_ count: Int) {
        threads = max(1, count)
        openblas_set_num_threads(1)
        if threads > 1 {
            if pool == nil { pool = WorkerPool() }
            pool!.ensureWorkers(threads - 1)
        }
    }

    /// Runs `body(part)` for part in 0..<parts, in parallel when parts > 1: part 0 on
    /// the calling thread, part k on worker k. Nested or concurrent calls (which the
    /// engine does not make) run their parts one after another instead.
    static func run(parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        guard let pool, pool.begin(workersNeeded: parts - 1) else {
            for part in 0..<parts { body(part) }
            return
        }
        withoutActuallyEscaping(body) { pool.run(parts: parts, $0) }
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

/// Persistent worker threads that spin for a few milliseconds after each job before
/// going to sleep. A training step hands out about fifteen jobs of a few hundred
/// microseconds each; waking a sleeping thread for each (as Dispatch does) cost
/// about 50 µs on the development machine's virtual CPUs, paid every time as the
/// second part's late start. Spinning workers start within a microsecond.
final class WorkerPool: @unchecked Sendable {
    /// How long an idle worker spins before it sleeps.
    static let spinNanoseconds: UInt64 = 5_000_000

    final class Worker: @unchecked Sendable {
        let index: Int
        let parked = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        init(index: Int) { self.index = index }
    }

    /// The job counter shifted left by 16 bits, plus the job's part count: a worker
    /// reads both at once, so one that sits a job out never mistakes the next job's
    /// part count for its own.
    private let generation = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    /// The current job; written before `generation` is bumped, read by the workers
    /// taking part after they see the bump, cleared after they all finish.
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    nonisolated(unsafe) private var workers: [Worker] = []

    /// Starts threads until there are `count` workers (never fewer).
    func ensureWorkers(_ count: Int) {
        while workers.count < count {
            let worker = Worker(index: workers.count + 1)
            workers.append(worker)
            // The generation it has seen is read here, not on the new thread: a job
            // posted before that thread first runs must still be its to do.
            let seen = generation.load(ordering: .acquiring)
            let context = Unmanaged.passRetained(WorkerContext(pool: self, worker: worker, seen: seen)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.loop(context.worker, seen: context.seen)
                return nil
            }, context)
            precondition(status == 0, "could not start an engine thread (pthread_create: \(status))")
            pthread_detach(thread)
        }
    }

    /// Claims the pool for one job; false when it is in use or has too few workers.
    func begin(workersNeeded: Int) -> Bool {
        guard workers.count >= workersNeeded else { return false }
        return busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    func run(parts: Int, _ body: @escaping (Int) -> Void) {
        precondition(parts < 1 << 16)
        job = body
        remaining.store(parts - 1, ordering: .relaxed)
        let next = (generation.load(ordering: .relaxed) >> 16 &+ 1) << 16 | parts
        generation.store(next, ordering: .sequentiallyConsistent)
        for worker in workers[0..<(parts - 1)] where worker.parked.load(ordering: .sequentiallyConsistent) {
            worker.wake.signal()
        }
        body(0)
        var polls = 0
        while remaining.load(ordering: .acquiring) > 0 { Self.poll(&polls) }
        job = nil
        busy.store(false, ordering: .releasing)
    }

    /// A worker's life: wait for a new generation, do its part if the job has one.
    private func loop(_ worker: Worker, seen start: Int) {
        var seen = start
        while true {
            var spins = 0
            var deadline: UInt64 = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                Self.poll(&spins)
                if spins & 1023 == 0 {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if deadline == 0 {
                        deadline = now + Self.spinNanoseconds
                    } else if now > deadline {
                        // Sleep. The flag is raised before the last look at the
                        // generation, and `run` bumps the generation before looking
                        // at the flag, so one of the two always sees the other.
                        worker.parked.store(true, ordering: .sequentiallyConsistent)
                        if generation.load(ordering: .sequentiallyConsistent) == seen { worker.wake.wait() }
                        worker.parked.store(false, ordering: .sequentiallyConsistent)
                        deadline = 0
                    }
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if worker.index < current & 0xFFFF {
                runPart(worker.index)
                remaining.subtract(1, ordering: .releasing)
            }
        }
    }

    /// Calls the job in a frame of its own, so that the worker's reference to the
    /// closure is released before it reports the part done: `run` clears the job
    /// then, and `withoutActuallyEscaping` checks that no reference outlives it.
    @inline(never) private func runPart(_ part: Int) {
        job!(part)
    }

    /// One poll of a shared flag while waiting. Every 64th gives the core away
    /// (sched_yield returns at once when no other thread wants it): with more
    /// threads than cores, a spinning thread would otherwise hold a core that the
    /// thread it waits for needs, for a whole scheduler time slice.
    @inline(__always) static func poll(_ count: inout Int) {
        count &+= 1
        if count & 63 == 0 { sched_yield() }
    }

    private final class WorkerContext {
        let pool: WorkerPool
        let worker: Worker
        let seen: Int
        init(pool: WorkerPool, worker: Worker, seen: Int) { self.pool = pool; self.worker = worker; self.seen = seen }
    }
}
