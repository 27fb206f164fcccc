import Foundation
import CZlib
@testable import FolioData

/// Builds small IDX datasets on disk for the tests, good or deliberately broken.
struct FixtureDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("folio-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// IDX bytes: magic (0, 0, type, dims), sizes, data.
    static func idx(type: UInt8 = 0x08, sizes: [Int], data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, type, UInt8(sizes.count)]
        for s in sizes { out += [UInt8(s >> 24 & 0xFF), UInt8(s >> 16 & 0xFF), UInt8(s >> 8 & 0xFF), UInt8(s & 0xFF)] }
        return out + data
    }

    func write(_ name: String, _ bytes: [UInt8], gzip: Bool = false) throws {
        let payload = gzip ? try Self.gzip(bytes) : bytes
        try Data(payload).write(to: url.appendingPathComponent(name))
    }

    /// A complete, valid set of four files with `train` and `test` images of 4×4 pixels.
    func writeValid(train: Int = 6, test: Int = 3, gzip: Bool = false) throws {
        let suffix = gzip ? ".gz" : ""
        for (stem, n) in [("train", train), ("t10k", test)] {
            let pixels = (0..<(n * 16)).map { UInt8($0 % 256) }
            let labels = (0..<n).map { UInt8($0 % 10) }
            try write("\(stem)-images-idx3-ubyte" + suffix, Self.idx(sizes: [n, 4, 4], data: pixels), gzip: gzip)
            try write("\(stem)-labels-idx1-ubyte" + suffix, Self.idx(sizes: [n], data: labels), gzip: gzip)
        }
    }

    /// gzip through zlib's deflate with a gzip wrapper (windowBits 15 + 16).
    static func gzip(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError("gzip", "deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: input.count + 1024)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw DataError("gzip", "deflate failed: \(status)") }
        return Array(output[0..<Int(stream.total_out)])
    }
}
