import CZlib

/// Gzip decompression through zlib, for the `.gz` IDX files.
enum Gzip {
    /// True when the bytes start with the gzip magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a whole gzip stream. `path` only names the file in errors.
    static func decompress(_ input: [UInt8], path: String) throws -> [UInt8] {
        // The gzip trailer's last four bytes hold the uncompressed size mod 2^32; a
        // good first guess for the output buffer, grown if it proves wrong.
        var capacity = input.count * 4
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            if isize > 0 { capacity = isize }
        }
        var output = [UInt8](repeating: 0, count: max(capacity, 1024))
        var stream = z_stream()
        // 15 + 16: a gzip wrapper (not zlib, not raw deflate) with the largest window.
        guard folio_inflateInit2(&stream, 15 + 16) == Z_OK else {
            throw DataError(path, "could not start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var produced = 0
        var status: Int32 = Z_OK
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = UInt32(inBuf.count)
            while true {
                if produced == output.count { output += [UInt8](repeating: 0, count: output.count) }
                status = output.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress! + produced
                    stream.avail_out = UInt32(outBuf.count - produced)
                    let s = inflate(&stream, Z_NO_FLUSH)
                    produced = outBuf.count - Int(stream.avail_out)
                    return s
                }
                if status == Z_STREAM_END { break }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw DataError(path, "gzip stream is truncated (ends before its last block)")
                }
                if status != Z_OK && status != Z_BUF_ERROR {
                    let why = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                    throw DataError(path, "corrupt gzip stream (\(why))")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
