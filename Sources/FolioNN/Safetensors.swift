import Foundation

/// Checkpoints in the safetensors format, so PyTorch can load Folio's weights
/// (`safetensors.torch.load_file` + `load_state_dict`) and Folio can load PyTorch's.
///
/// The layout: an 8-byte little-endian header length N; N bytes of UTF-8 JSON mapping
/// each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into
/// the data section), plus an optional `"__metadata__"` map of strings; then the data
/// section, the tensors' little-endian bytes back to back with no gaps.
public enum Safetensors {
    /// The reference implementation refuses larger headers; so does Folio, which keeps a
    /// corrupt length field from asking for gigabytes.
    static let maximumHeaderLength = 100_000_000

    /// Writes the tensors and optional metadata, through a temporary file renamed into
    /// place, so an interrupted write never leaves a half-written checkpoint behind.
    public static func write(_ tensors: [NamedTensor], metadata: [String: String]? = nil, to url: URL) throws {
        let bytes = try encode(tensors, metadata: metadata ?? [:], path: url.path)
        try writeAtomically(bytes, to: url)
    }

    /// Reads every tensor, in the order of their data in the file, and the metadata
    /// (empty when the file has none).
    public static func read(_ url: URL) throws -> (tensors: [NamedTensor], metadata: [String: String]) {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SafetensorsError(path: path, "file not found")
        }
        if isDirectory.boolValue {
            throw SafetensorsError(path: path, "is a directory, expected a safetensors file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafetensorsError(path: path, "cannot be read (permission denied?)")
        }
        return try data.withUnsafeBytes { try decode($0, path: path) }
    }

    // MARK: Writing

    static func encode(_ tensors: [NamedTensor], metadata: [String: String], path: String) throws -> [UInt8] {
        var seen = Set<String>()
        for t in tensors {
            if t.name.isEmpty || t.name == "__metadata__" {
                throw SafetensorsError(path: path, tensor: t.name, "cannot write a tensor named \"\(t.name)\"")
            }
            if !seen.insert(t.name).inserted {
                throw SafetensorsError(path: path, tensor: t.name, "cannot write tensor \(t.name) twice")
            }
            if t.shape.contains(where: { $0 < 0 }) {
                throw SafetensorsError(path: path, tensor: t.name, "tensor \(t.name) has a negative dimension in shape \(shapeList(t.shape))")
            }
            if t.storedCount != t.elementCount {
                throw SafetensorsError(path: path, tensor: t.name,
                    "tensor \(t.name) has \(t.storedCount) values but its shape \(shapeList(t.shape)) needs \(t.elementCount)")
            }
        }
        // 8-byte tensors first: the header is padded to a multiple of 8, so this keeps
        // every I64 tensor 8-byte aligned in the file, as the reference writer does.
        let ordered = tensors.filter { $0.dtype.byteCount == 8 } + tensors.filter { $0.dtype.byteCount != 8 }

        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for t in ordered {
            let end = offset + t.elementCount * t.dtype.byteCount
            let shape = "[" + t.shape.map(String.init).joined(separator: ",") + "]"
            entries.append("\(jsonString(t.name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for t in ordered {
            switch t.values {
            case .f32(let v): appendLittleEndian(v.map { $0.bitPattern }, to: &out)
            case .i64(let v): appendLittleEndian(v, to: &out)
            }
        }
        return out
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ values: [T], to out: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
        for v in values { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        #endif
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            // Like every output, a checkpoint may be the first file of its folder.
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: temporary)
        } catch {
            throw SafetensorsError(path: url.path, "cannot be written: \(error.localizedDescription)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SafetensorsError(path: url.path, "cannot be written: renaming the temporary file failed (\(reason))")
        }
    }

    /// `[32, 1, 3, 3]`, the way PyTorch lists a shape.
    static func shapeList(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}
