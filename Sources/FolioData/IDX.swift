import Foundation

/// The IDX format of the MNIST files: a 4-byte magic number (two zero bytes, a type
/// code, the number of dimensions), one big-endian UInt32 size per dimension, then
/// the data. Folio reads unsigned-byte files only, as MNIST and Fashion-MNIST are.
enum IDX {
    static let unsignedByte: UInt8 = 0x08

    struct File {
        let dimensions: [Int]
        /// The data bytes after the header.
        let data: ArraySlice<UInt8>
    }

    /// Reads a file, decompressing it when it is gzip-compressed.
    static func readBytes(at path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(path, "file not found")
        }
        if isDirectory.boolValue {
            throw DataError(path, "is a directory, expected an IDX file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(path, "cannot be read (permission denied?)")
        }
        if data.isEmpty { throw DataError(path, "file is empty") }
        let bytes = [UInt8](data)
        return Gzip.isCompressed(bytes) ? try Gzip.decompress(bytes, path: path) : bytes
    }

    /// Parses the header and checks that the file holds the data it promises.
    static func parse(_ bytes: [UInt8], path: String, expectedDimensions: Int) throws -> File {
        guard bytes.count >= 4 else {
            throw DataError(path, "too short for an IDX header (\(bytes.count) bytes)")
        }
        guard bytes[0] == 0, bytes[1] == 0, bytes[2] == unsignedByte else {
            let magic = bytes[0..<4].map { String(format: "%02x", $0) }.joined()
            throw DataError(path, "wrong magic number 0x\(magic): not an unsigned-byte IDX file")
        }
        let dims = Int(bytes[3])
        guard dims == expectedDimensions else {
            throw DataError(path, "has \(dims) dimension(s), expected \(expectedDimensions)")
        }
        let headerSize = 4 + 4 * dims
        guard bytes.count >= headerSize else {
            throw DataError(path, "truncated header: \(bytes.count) bytes, the header needs \(headerSize)")
        }
        var sizes: [Int] = []
        for d in 0..<dims {
            let o = 4 + 4 * d
            sizes.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        let promised = sizes.reduce(1, *)
        let present = bytes.count - headerSize
        if present < promised {
            throw DataError(path, "truncated: the header promises \(promised) data bytes (\(sizes.map(String.init).joined(separator: " × "))) but the file has \(present)")
        }
        if present > promised {
            throw DataError(path, "has \(present - promised) unexpected bytes after the data the header describes")
        }
        return File(dimensions: sizes, data: bytes[headerSize...])
    }
}
