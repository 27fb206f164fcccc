/// The element types Folio reads and writes in safetensors files: model parameters and
/// running statistics are 32-bit floats, and BatchNorm's `num_batches_tracked` is a
/// 64-bit integer in PyTorch, so a checkpoint PyTorch can load needs both.
public enum DType: String, Sendable, Equatable, CaseIterable {
    case f32 = "F32"
    case i64 = "I64"

    /// Bytes per element in the file.
    public var byteCount: Int {
        switch self {
        case .f32: 4
        case .i64: 8
        }
    }
}

/// One tensor of a checkpoint: its PyTorch name (`conv_block.0.weight`), its shape
/// (`[]` for a scalar) and its values in row-major order.
public struct NamedTensor: Sendable, Equatable {
    /// The values, typed by the element type they are stored as.
    public enum Values: Sendable, Equatable {
        case f32([Float])
        case i64([Int64])
    }

    public var name: String
    public var shape: [Int]
    public var values: Values

    public init(name: String, shape: [Int], values: Values) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    public init(name: String, shape: [Int], floats: [Float]) {
        self.init(name: name, shape: shape, values: .f32(floats))
    }

    public init(name: String, shape: [Int], integers: [Int64]) {
        self.init(name: name, shape: shape, values: .i64(integers))
    }

    public var dtype: DType {
        switch values {
        case .f32: .f32
        case .i64: .i64
        }
    }

    /// The values of an F32 tensor, nil for an integer tensor.
    public var floats: [Float]? {
        if case .f32(let v) = values { v } else { nil }
    }

    /// The values of an I64 tensor, nil for a float tensor.
    public var integers: [Int64]? {
        if case .i64(let v) = values { v } else { nil }
    }

    /// Number of values the shape calls for (1 for a scalar of shape `[]`).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Number of values actually held.
    var storedCount: Int {
        switch values {
        case .f32(let v): v.count
        case .i64(let v): v.count
        }
    }
}

/// A checkpoint that cannot be written or read, worded for the person who supplied the
/// file: its path first, then what is wrong, naming the tensor when one is at fault.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    /// The tensor at fault, when the problem concerns one tensor.
    public let tensor: String?
    public let problem: String

    public init(path: String, tensor: String? = nil, _ problem: String) {
        self.path = path
        self.tensor = tensor
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
