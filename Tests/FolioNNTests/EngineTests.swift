import XCTest
import FolioData
@testable import FolioNN

final class EngineTests: XCTestCase {
    override func tearDown() { Engine.setThreads(2) }

    /// Every part of every job runs exactly once, on jobs of one to twelve parts on
    /// three threads (fewer parts than threads leave a worker idle, which must not
    /// take a part of the next job; more parts than threads are handed out as
    /// threads become free), with and without the workers having gone to sleep.
    func testEveryPartRunsOnceAcrossManyJobs() {
        Engine.setThreads(3)
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: 12)
        defer { slots.deallocate() }
        let partCounts = [3, 2, 12, 1, 7, 4]
        for job in 0..<20_000 {
            let parts = partCounts[job % partCounts.count]
            slots.initialize(repeating: 0, count: 12)
            Engine.run(parts: parts) { part in slots[part] += 1 }
            for part in 0..<12 {
                XCTAssertEqual(slots[part], part < parts ? 1 : 0, "job \(job) part \(part)")
                if slots[part] != (part < parts ? 1 : 0) { return }
            }
            if job == 10_000 { usleep(20_000) }  // past the spin time: the workers sleep
        }
    }

    /// When a worker is held up, the calling thread takes the parts it has not
    /// reached: one slow part on the worker, the other seven on the caller.
    func testFreeThreadTakesTheSlowThreadsParts() {
        Engine.setThreads(2)
        let caller = pthread_self()
        let ranOnCaller = UnsafeMutablePointer<Bool>.allocate(capacity: 8)
        defer { ranOnCaller.deallocate() }
        ranOnCaller.initialize(repeating: false, count: 8)
        Engine.run(parts: 8) { part in
            let onCaller = pthread_equal(pthread_self(), caller) != 0
            ranOnCaller[part] = onCaller
            if !onCaller { usleep(200_000) }
        }
        let callerParts = (0..<8).filter { ranOnCaller[$0] }.count
        XCTAssertGreaterThanOrEqual(callerParts, 7, "the caller ran \(callerParts) of 8 parts")
    }

    /// Parts: one on one thread; up to four per thread, never smaller than the
    /// minimum, and a whole number per thread once there are more parts than threads.
    func testPartCounts() {
        Engine.setThreads(1)
        XCTAssertEqual(Engine.parts(for: 64, minimum: 1), 1)
        Engine.setThreads(2)
        XCTAssertEqual(Engine.parts(for: 64, minimum: 1), 8)
        XCTAssertEqual(Engine.parts(for: 64, minimum: 1, perThread: 1), 2)
        XCTAssertEqual(Engine.parts(for: 3, minimum: 1), 2)
        XCTAssertEqual(Engine.parts(for: 1, minimum: 1), 1)
        XCTAssertEqual(Engine.parts(for: 100_352, minimum: 32_768), 2)
        XCTAssertEqual(Engine.parts(for: 500, minimum: 16), 8)
        Engine.setThreads(3)
        XCTAssertEqual(Engine.parts(for: 10, minimum: 1), 9)
        XCTAssertEqual(Engine.parts(for: 2, minimum: 1), 2)
    }

    /// A convolution whose workspaces were reserved under three threads (three parts
    /// of up to two images for a batch of five) computes the same as a fresh one
    /// when used under one (one part of five images), on the GEMM path, the
    /// narrow-width path and the direct one-channel path.
    func testConvolutionReservedForMoreThreadsServesFewer() throws {
        for (inChannels, outChannels, unrolled) in [(2, 3, true), (2, 3, false), (1, 16, false)] {
            func layer() -> Conv2d {
                var rng = SeededGenerator(seed: 9)
                let conv = Conv2d(name: "c", inChannels: inChannels, outChannels: outChannels, kernel: 3, stride: 1, padding: 1, rng: &rng)
                if unrolled { conv.algorithm = .unrolled }
                return conv
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
            Engine.setThreads(1)
            let fresh = layer()
            fresh.allocate(maxBatch: 5, input: [inChannels, 6, 6])
            XCTAssertEqual(pass(reused), pass(fresh), "\(inChannels) → \(outChannels) channels, unrolled: \(unrolled)")
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

    /// Buffers and scratch start on a cache line (64 bytes), small or large (mapped
    /// from the kernel), and after growing, so that no 32-byte vector at a multiple of eight floats straddles two.
    func testBuffersStartOnACacheLine() {
        for count in [1, 7, 8, 1000, 300_000] {
            let storage = FloatStorage(count: count)
            XCTAssertEqual(UInt(bitPattern: storage.pointer) % 64, 0, "\(count) floats")
            // New storage reads as zeros, whether malloc'd and cleared or mapped.
            XCTAssertTrue(UnsafeBufferPointer(start: storage.pointer, count: count).allSatisfy { $0 == 0 }, "\(count) floats")
            storage.pointer[count - 1] = 1
            storage.reserve(count * 3 + 5)
            XCTAssertEqual(UInt(bitPattern: storage.pointer) % 64, 0, "grown from \(count) floats")
        }
        for count in [1, 3, 48] {
            withAlignedScratch(count) { XCTAssertEqual(UInt(bitPattern: $0) % 64, 0, "\(count) vectors") }
        }
    }
}
