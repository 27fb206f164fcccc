import XCTest
@testable import FolioNN

final class EngineTests: XCTestCase {
    override func tearDown() { Engine.setThreads(2) }

    /// Every part of every job runs exactly once, on jobs that alternate between
    /// using all workers and leaving one idle (the idle one must not take a part
    /// of the next job), with and without the workers having gone to sleep.
    func testEveryPartRunsOnceAcrossManyJobs() {
        Engine.setThreads(3)
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: 3)
        defer { slots.deallocate() }
        for job in 0..<20_000 {
            let parts = job % 2 == 0 ? 3 : 2
            slots.initialize(repeating: 0, count: 3)
            Engine.run(parts: parts) { part in slots[part] += 1 }
            for part in 0..<3 {
                XCTAssertEqual(slots[part], part < parts ? 1 : 0, "job \(job) part \(part)")
                if slots[part] != (part < parts ? 1 : 0) { return }
            }
            if job == 10_000 { usleep(20_000) }  // past the spin time: the workers sleep
        }
    }

    /// A call made from inside a part runs its own parts one after another.
    func testNestedRunFallsBackToSerial() {
        Engine.setThreads(2)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 4)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: 4)
        Engine.run(parts: 2) { outer in
            Engine.run(parts: 2) { inner in counts[outer * 2 + inner] += 1 }
        }
        XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: 4)), [1, 1, 1, 1])
    }
}
