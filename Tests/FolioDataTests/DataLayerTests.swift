import XCTest
@testable import FolioData

final class DataLayerTests: XCTestCase {
    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Two blocks of padding (56 bytes) and a multi-block message.
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testGeneratorIsDeterministicAndStreamsDiffer() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
        var s1 = SeededGenerator(seed: 42, stream: "split"), s2 = SeededGenerator(seed: 42, stream: "shuffle")
        XCTAssertNotEqual(s1.next(), s2.next())
        var g = SeededGenerator(seed: 7)
        let floats = (0..<10_000).map { _ in g.nextUnitFloat() }
        XCTAssertTrue(floats.allSatisfy { $0 >= 0 && $0 < 1 })
        let normals = (0..<20_000).map { _ in Double(g.normal()) }
        let mean = normals.reduce(0, +) / Double(normals.count)
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(normals.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }

    func testPermutationIsAPermutation() {
        var g = SeededGenerator(seed: 3)
        let p = g.permutation(1000)
        XCTAssertEqual(Set(p).count, 1000)
        XCTAssertNotEqual(p, Array(0..<1000))
    }

    func testSplitIsSeededAndDisjoint() {
        let a = Split(count: 600, trainCount: 500, validationCount: 100, seed: 1)
        let b = Split(count: 600, trainCount: 500, validationCount: 100, seed: 1)
        let c = Split(count: 600, trainCount: 500, validationCount: 100, seed: 2)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.train, c.train)
        XCTAssertTrue(Set(a.train).isDisjoint(with: a.validation))
        XCTAssertEqual(Set(a.train + a.validation).count, 600)
    }

    func testBatchesShuffleEachEpochAndCoverEverything() {
        let set = ImageSet(rows: 2, cols: 2, pixels: (0..<40).map { UInt8($0 * 6) }, labels: (0..<10).map { UInt8($0) })
        let sampler = BatchSampler(set: set, batchSize: 4, shuffle: true, seed: 9)
        let e0 = sampler.batches(epoch: 0), e1 = sampler.batches(epoch: 1)
        XCTAssertEqual(e0.map(\.count), [4, 4, 2])
        XCTAssertEqual(Set(e0.flatMap { $0 }), Set(0..<10))
        XCTAssertNotEqual(e0.flatMap { $0 }, e1.flatMap { $0 })
        XCTAssertEqual(e0.flatMap { $0 }, BatchSampler(set: set, batchSize: 4, shuffle: true, seed: 9).batches(epoch: 0).flatMap { $0 })
        let ordered = BatchSampler(set: set, batchSize: 4, shuffle: false, seed: 9).batches(epoch: 5)
        XCTAssertEqual(ordered.flatMap { $0 }, Array(0..<10))
    }

    func testFillConvertsAndStandardises() {
        let set = ImageSet(rows: 1, cols: 2, pixels: [0, 255, 51, 102], labels: [3, 4])
        var x = [Float](repeating: -1, count: 4)
        var labels: [Int32] = []
        let unit = BatchSampler(set: set, batchSize: 2, shuffle: false, seed: 0)
        x.withUnsafeMutableBufferPointer { unit.fill([1, 0], into: $0.baseAddress!, labels: &labels) }
        XCTAssertEqual(x, [0.2, 0.4, 0, 1])
        XCTAssertEqual(labels, [4, 3])
        let standard = BatchSampler(set: set, batchSize: 2, shuffle: false, seed: 0, normalization: .half)
        x.withUnsafeMutableBufferPointer { standard.fill([0], into: $0.baseAddress!, labels: &labels) }
        XCTAssertEqual(x[0], -1, accuracy: 1e-6)
        XCTAssertEqual(x[1], 1, accuracy: 1e-6)
    }

    /// The shipped MNIST: sizes, class counts, the well-known statistics, checksums.
    func testShippedMNIST() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let dir = try DataSource.resolve(.mnist, explicit: nil, projectRoot: root)
        XCTAssertEqual(dir, root + "/data/mnist")
        let data = try Dataset.load(.mnist, from: dir, verify: true)
        XCTAssertEqual(data.train.count, 60_000)
        XCTAssertEqual(data.test.count, 10_000)
        XCTAssertEqual(data.test.classCounts(), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        XCTAssertEqual(data.train.classCounts(), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        let stats = data.train.pixelStatistics()
        XCTAssertEqual(stats.mean, 0.1306604762738429, accuracy: 1e-9)
        XCTAssertEqual(stats.std, 0.3081078071, accuracy: 1e-8)
        XCTAssertTrue(data.files.allSatisfy { $0.checksum == .match }, "\(data.files)")
    }
}
