import COpenBLAS
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The engine's threads. Work is split into a fixed number of parts, each over a
/// fixed contiguous range (images of a batch, rows of a matrix), and partial sums
/// are combined in part order: results depend only on the thread count, never on
/// timing. There are a few parts per thread: each thread works through its own
/// share of them, then takes what is left of the others' shares, so a thread that
/// runs slower (a virtual CPU that shares its core) does fewer of them instead of
/// holding the others up at the end of every pass.
/// OpenBLAS itself runs single-threaded inside each part, so the two levels never
/// compete for the cores.
public enum Engine {
    /// The version of the engine's numerics, part of every cached training run's key:
    /// bump it whenever the same configuration would give different weights, so
    /// results of older code are never served as this code's.
    /// 2: the convolutions' input and first-layer weight gradients and batch
    /// normalisation's statistics are summed in a different order.
    /// 3: stride-1 convolutions with 3 × 3 or 5 × 5 kernels on 16k channels by Winograd.
    /// 4: work split into four parts per thread, so partial sums cover smaller ranges.
    /// 5: 5 × 5 kernels by F(4 × 4, 5 × 5) rather than F(2 × 2, 5 × 5).
    /// 6: convolutions of at most 24 output channels off the direct and Winograd
    /// paths by the narrow-width kernel, image by image, instead of OpenBLAS.
    public static let numericsVersion = 6

    nonisolated(unsafe) public private(set) static var threads = 1
    nonisolated(unsafe) private static var pool: WorkerPool?

    /// Parts per thread of a split: enough that the faster thread can take over
    /// a slower one's share, few enough that each part stays a worthwhile piece
    /// of work and per-part partial sums stay cheap to add. With another process
    /// busy on one of the two cores, four per thread trained the SimpleCNN 1.55×
    /// as fast as one per thread (which was then slower than a single thread).
    static let partsPerThread = 4

    /// Sets the number of threads for all later work (process-wide).
    public static func setThreads(_ count: Int) {
        threads = max(1, count)
        openblas_set_num_threads(1)
        if threads > 1 {
            if pool == nil { pool = WorkerPool() }
            pool!.ensureWorkers(threads - 1)
        }
    }

    /// Runs `body(part)` for part in 0..<parts, in parallel when parts > 1: the
    /// calling thread and the workers each take parts (see `WorkerPool.Share`)
    /// until none is left. Nested or concurrent calls (which the engine does not make)
    /// run their parts one after another instead.
    static func run(parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        guard let pool, pool.begin() else {
            for part in 0..<parts { body(part) }
            return
        }
        withoutActuallyEscaping(body) { pool.run(parts: parts, helpers: min(parts, threads) - 1, $0) }
    }

    /// The range of part `part` when `count` items are split into `parts` ranges.
    static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        let base = count / parts, extra = count % parts
        let lo = part * base + min(part, extra)
        return lo..<(lo + base + (part < extra ? 1 : 0))
    }

    /// How many parts to split `count` items into: one when single-threaded, else
    /// up to `perThread` per thread, none smaller than `minimum` items. Beyond one
    /// part per thread, a whole number per thread: three parts on two threads would
    /// take two parts' time on one of them.
    static func parts(for count: Int, minimum: Int, perThread: Int = partsPerThread) -> Int {
        guard threads > 1 else { return 1 }
        let parts = max(1, min(threads * perThread, count / max(minimum, 1)))
        return parts > threads ? parts - parts % threads : parts
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

    /// The current job's number; workers watch it for the next job.
    private let jobNumber = Atomic<Int>(0)
    /// Parts finished in the current job.
    private let finished = Atomic<Int>(0)
    /// Workers 1...helpers take part in the current job: after the thread count
    /// falls, the workers beyond it (still spinning) must not join in.
    private let helpers = Atomic<Int>(0)

    /// One taking thread's share of a job's parts (share 0 the caller's, share k
    /// worker k's), in one word: the job's number (bits 32 and up), the first part
    /// left (bits 16–31) and one past the last (bits 0–15). The owner takes from the
    /// front, in order, so that when the threads keep pace each works on the same
    /// images from one job to the next, which its own cache still holds; a thread
    /// done with its share takes from the back of another's. A part is taken by
    /// compare-and-swap, which fails once the word names another job: a worker that
    /// arrives late, or looks once more after the last part, can never take a part
    /// of the next job.
    final class Share: Sendable {
        let word = Atomic<Int>(0)
    }
    /// Enough shares for every thread the pool will have; never resized, as workers
    /// read it while they look for parts.
    private let shares: [Share] = (0..<WorkerPool.maxThreads).map { _ in Share() }
    static let maxThreads = 256
    private let busy = Atomic<Bool>(false)
    /// The current job; written before `jobNumber` names it, read by a thread only
    /// after it has taken a part, cleared after every part is finished.
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    nonisolated(unsafe) private var workers: [Worker] = []

    /// Starts threads until there are `count` workers (never fewer).
    func ensureWorkers(_ count: Int) {
        precondition(count < Self.maxThreads, "at most \(Self.maxThreads) engine threads")
        while workers.count < count {
            let worker = Worker(index: workers.count + 1)
            workers.append(worker)
            // The job it has seen is read here, not on the new thread: a job posted
            // before that thread first runs must still be one it joins.
            let seen = jobNumber.load(ordering: .acquiring)
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

    /// Claims the pool for one job; false when it is in use.
    func begin() -> Bool {
        busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    /// Runs the job's parts on this thread and on up to `helpers` workers (woken if
    /// asleep), and returns when every part is finished.
    func run(parts: Int, helpers: Int, _ body: @escaping (Int) -> Void) {
        precondition(parts < 1 << 16)
        job = body
        finished.store(0, ordering: .relaxed)
        self.helpers.store(helpers, ordering: .relaxed)
        let generation = (jobNumber.load(ordering: .relaxed) &+ 1) & 0x7FFF_FFFF
        for taker in 0...helpers {
            let share = Engine.range(taker, of: helpers + 1, count: parts)
            shares[taker].word.store(generation << 32 | share.lowerBound << 16 | share.upperBound, ordering: .relaxed)
        }
        // Publishes the job and the shares to the workers that see this number.
        jobNumber.store(generation, ordering: .sequentiallyConsistent)
        for worker in workers.prefix(helpers) where worker.parked.load(ordering: .sequentiallyConsistent) {
            worker.wake.signal()
        }
        var done = 0
        while let part = take(generation, share: 0, of: helpers + 1) { body(part); done += 1 }
        finished.add(done, ordering: .releasing)
        var polls = 0
        while finished.load(ordering: .acquiring) < parts { Self.poll(&polls) }
        job = nil
        busy.store(false, ordering: .releasing)
    }

    /// The next part of job `generation` for the thread owning share `own` of
    /// `takers`, now its: the front of its own share, else the back of another's;
    /// nil when all are taken or another job has begun.
    private func take(_ generation: Int, share own: Int, of takers: Int) -> Int? {
        if let part = take(generation, from: own, front: true) { return part }
        for k in 1..<max(takers, 1) {
            if let part = take(generation, from: (own + k) % takers, front: false) { return part }
        }
        return nil
    }

    private func take(_ generation: Int, from index: Int, front: Bool) -> Int? {
        let share = shares[index]
        var current = share.word.load(ordering: .relaxed)
        while current >> 32 == generation {
            let first = (current >> 16) & 0xFFFF, end = current & 0xFFFF
            guard first < end else { return nil }
            let taken = front ? current + (1 << 16) : current - 1
            let (exchanged, original) = share.word.compareExchange(expected: current, desired: taken, ordering: .acquiringAndReleasing)
            if exchanged { return front ? first : end - 1 }
            current = original
        }
        return nil
    }

    /// A worker's life: wait for a new job, then take its parts while any are left.
    private func loop(_ worker: Worker, seen start: Int) {
        var seen = start
        while true {
            var spins = 0
            var deadline: UInt64 = 0
            var current = jobNumber.load(ordering: .acquiring)
            while current == seen {
                Self.poll(&spins)
                if spins & 1023 == 0 {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if deadline == 0 {
                        deadline = now + Self.spinNanoseconds
                    } else if now > deadline {
                        // Sleep. The flag is raised before the last look at the
                        // job, and `run` names the new job before looking at the
                        // flag, so one of the two always sees the other.
                        worker.parked.store(true, ordering: .sequentiallyConsistent)
                        if jobNumber.load(ordering: .sequentiallyConsistent) == seen { worker.wake.wait() }
                        worker.parked.store(false, ordering: .sequentiallyConsistent)
                        deadline = 0
                    }
                }
                current = jobNumber.load(ordering: .acquiring)
            }
            seen = current
            let helpers = self.helpers.load(ordering: .relaxed)
            guard worker.index <= helpers else { continue }
            while let part = take(current, share: worker.index, of: helpers + 1) {
                runPart(part)
                finished.add(1, ordering: .releasing)
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
