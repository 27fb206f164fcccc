import Foundation

extension Safetensors {
    /// Parses a whole file, checking it the way the reference reader does: the header
    /// fits in the file, every tensor's byte range matches its shape and dtype, and the
    /// ranges tile the data section exactly (no overlap, no gap, nothing left over).
    static func decode(_ file: UnsafeRawBufferPointer, path: String) throws -> (tensors: [NamedTensor], metadata: [String: String]) {
        guard file.count >= 8 else {
            throw SafetensorsError(path: path, "file is truncated: \(file.count) bytes, too short for the 8-byte header length")
        }
        let headerLength = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(file.count - 8) else {
            throw SafetensorsError(path: path, "header length \(headerLength) runs past the end of the file (\(file.count) bytes): truncated or not a safetensors file")
        }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw SafetensorsError(path: path, "header length \(headerLength) is larger than the \(maximumHeaderLength) bytes a safetensors header may have")
        }
        let headerEnd = 8 + Int(headerLength)
        let (entries, metadata) = try parseHeader(UnsafeRawBufferPointer(rebasing: file[8..<headerEnd]), path: path)
        let data = UnsafeRawBufferPointer(rebasing: file[headerEnd...])

        var tensors: [NamedTensor] = []
        var expectedBegin = 0
        var previous: String?
        for entry in entries.sorted(by: { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }) {
            let name = entry.name
            let needed = byteCount(shape: entry.shape, dtype: entry.dtype)
            if entry.end - entry.begin != needed {
                throw SafetensorsError(path: path, tensor: name,
                    "tensor \(name): data_offsets [\(entry.begin), \(entry.end)] hold \(entry.end - entry.begin) bytes but shape \(shapeList(entry.shape)) of \(entry.dtype.rawValue) needs \(needed.map(String.init) ?? "more than Int.max")")
            }
            if entry.begin < expectedBegin {
                throw SafetensorsError(path: path, tensor: name,
                    "tensor \(name): data_offsets [\(entry.begin), \(entry.end)] overlap the data of tensor \(previous ?? "?"), which ends at \(expectedBegin)")
            }
            if entry.begin > expectedBegin {
                let after = previous.map { "after tensor \($0)" } ?? "at the start of the data"
                throw SafetensorsError(path: path, tensor: name,
                    "tensor \(name): data_offsets [\(entry.begin), \(entry.end)] leave a gap of \(entry.begin - expectedBegin) bytes \(after)")
            }
            if entry.end > data.count {
                throw SafetensorsError(path: path, tensor: name,
                    "file is truncated: tensor \(name) needs bytes [\(entry.begin), \(entry.end)) of the data section, which has only \(data.count)")
            }
            let bytes = UnsafeRawBufferPointer(rebasing: data[entry.begin..<entry.end])
            tensors.append(NamedTensor(name: name, shape: entry.shape, values: values(bytes, dtype: entry.dtype)))
            expectedBegin = entry.end
            previous = name
        }
        if expectedBegin < data.count {
            throw SafetensorsError(path: path,
                "\(data.count - expectedBegin) bytes after the last tensor's data are not described by the header")
        }
        return (tensors, metadata)
    }

    /// Bytes a tensor of this shape occupies, nil when a corrupt shape overflows Int.
    private static func byteCount(shape: [Int], dtype: DType) -> Int? {
        var total = dtype.byteCount
        for dimension in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            total = product
        }
        return total
    }

    private static func values(_ bytes: UnsafeRawBufferPointer, dtype: DType) -> NamedTensor.Values {
        let count = bytes.count / dtype.byteCount
        switch dtype {
        case .f32:
            return .f32((0..<count).map {
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            })
        case .i64:
            return .i64((0..<count).map {
                Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))
            })
        }
    }

    // MARK: Header

    struct HeaderEntry {
        let name: String
        let dtype: DType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    private struct RawTensorEntry: Decodable {
        let dtype: String
        let shape: [Int]
        let data_offsets: [Int]
    }

    /// One value of the header's top-level object, decoded leniently so that a bad
    /// entry is reported with its tensor's name rather than as a bare decoding error.
    private enum RawEntry: Decodable {
        case tensor(RawTensorEntry)
        case strings([String: String])
        case malformed(String)

        init(from decoder: Decoder) throws {
            if let tensor = try? RawTensorEntry(from: decoder) {
                self = .tensor(tensor)
            } else if let strings = try? [String: String](from: decoder) {
                self = .strings(strings)
            } else {
                do {
                    _ = try RawTensorEntry(from: decoder)
                    self = .malformed("unreadable entry")
                } catch {
                    self = .malformed(Safetensors.explain(error))
                }
            }
        }
    }

    static func explain(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?:
            return "has no \"\(key.stringValue)\""
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            let field = context.codingPath.first.map { "\"\($0.stringValue)\"" } ?? "entry"
            return "has a \(field) of the wrong type (\(context.debugDescription))"
        default:
            return "\(error)"
        }
    }

    private static func parseHeader(_ header: UnsafeRawBufferPointer, path: String) throws -> (entries: [HeaderEntry], metadata: [String: String]) {
        let raw: [String: RawEntry]
        do {
            raw = try JSONDecoder().decode([String: RawEntry].self, from: Data(header))
        } catch {
            let detail: String
            if case .dataCorrupted(let context)? = error as? DecodingError {
                detail = (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
            } else {
                detail = "the top level is not a JSON object"
            }
            throw SafetensorsError(path: path, "the \(header.count)-byte header is not valid safetensors JSON: \(detail)")
        }
        var metadata: [String: String] = [:]
        var entries: [HeaderEntry] = []
        for name in raw.keys.sorted() {
            if name == "__metadata__" {
                guard case .strings(let strings) = raw[name]! else {
                    throw SafetensorsError(path: path, "the header's __metadata__ is not a map of strings to strings")
                }
                metadata = strings
                continue
            }
            switch raw[name]! {
            case .strings:
                throw SafetensorsError(path: path, tensor: name, "tensor \(name): header entry has no \"dtype\", \"shape\" and \"data_offsets\"")
            case .malformed(let reason):
                throw SafetensorsError(path: path, tensor: name, "tensor \(name): header entry \(reason)")
            case .tensor(let t):
                guard let dtype = DType(rawValue: t.dtype) else {
                    throw SafetensorsError(path: path, tensor: name,
                        "tensor \(name) has dtype \(t.dtype); Folio reads only \(DType.allCases.map(\.rawValue).joined(separator: " and "))")
                }
                guard !t.shape.contains(where: { $0 < 0 }) else {
                    throw SafetensorsError(path: path, tensor: name, "tensor \(name) has a negative dimension in shape \(shapeList(t.shape))")
                }
                guard t.data_offsets.count == 2, t.data_offsets[0] >= 0, t.data_offsets[0] <= t.data_offsets[1] else {
                    throw SafetensorsError(path: path, tensor: name,
                        "tensor \(name) has data_offsets \(t.data_offsets), expected [begin, end] with 0 ≤ begin ≤ end")
                }
                entries.append(HeaderEntry(name: name, dtype: dtype, shape: t.shape, begin: t.data_offsets[0], end: t.data_offsets[1]))
            }
        }
        return (entries, metadata)
    }
}
