import XCTest
import FolioData
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

    /// A convolution whose workspaces were reserved under three threads (two images a
    /// part for a batch of five) computes the same as a fresh one when used under two
    /// (three images a part), on the GEMM path and the direct one-channel path.
    func testConvolutionReservedForMoreThreadsServesFewer() throws {
        for (inChannels, outChannels) in [(2, 3), (1, 16)] {
            func layer() -> Conv2d {
                var rng = SeededGenerator(seed: 9)
                return Conv2d(name: "c", inChannels: inChannels, outChannels: outChannels, kernel: 3, stride: 1, padding: 1, rng: &rng)
            }
            func pass(_ conv: Conv2d) -> [Float] {
                var rng = SeededGenerator(seed: 10)
                var x = (0..<(5 * 36 * inChannels)).map { _ in rng.uniform(-1, 1) }
                var dy = (0..<(5 * 36 * outChannels)).map { _ in rng.uniform(-1, 1) }
                return x.withUnsafeMutableBufferPointer { xp in dy.withUnsafeMutableBufferPointer { dp in
                    let y = Array(UnsafeBufferPointer(start: conv.forward(xp.baseAddress!, n: 5, training: true), count: dp.count))
                    let dx = conv.backward(dp.baseAddress!, n: 5, needInputGradient: true)!
                    return y + Array(UnsafeBufferPointer(start: dx, count: xp.count)) + Array(conv.weight.gradients) + Array(conv.bias.gradients)
                } }
            }
            Engine.setThreads(3)
            let reused = layer()
            reused.allocate(maxBatch: 5, input: [inChannels, 6, 6])
            Engine.setThreads(2)
            let fresh = layer()
            fresh.allocate(maxBatch: 5, input: [inChannels, 6, 6])
            XCTAssertEqual(pass(reused), pass(fresh), "\(inChannels) → \(outChannels) channels")
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
